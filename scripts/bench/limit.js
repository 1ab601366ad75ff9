// The limit: the fewest requests the portal allows, with nothing else added. Run as its own process on the
// Node 24 that n8n runs on (scripts/bench.js starts it, the portal runs in the bench's process, as for n8n):
//   <node24> scripts/bench/limit.js '{"url":"http://127.0.0.1:1234","token":"…","ids":5000,"chunk":500}'
// Sends IDs 1…ids in chunks of `chunk` as PUT /api/2.0/crm/opportunity.json {"opportunityids":[…]}, one after
// the other (as the node sends its chunks) over one keep-alive connection, reads and parses each answer, and
// prints {"ms", "requests", "deleted", "statuses"}. Timed around the requests only: the process start, the
// agent's creation and building the ID list are outside, the first connection's set-up is inside (as in the
// node's per-node execution time).
'use strict';
const { performance } = require('node:perf_hooks');

const { keepAliveClient, requestJson, runLimit } = require('./limitClient');

runLimit(async ({ url, token, ids: count, chunk }) => {
	const target = new URL('/api/2.0/crm/opportunity.json', url);
	const connection = keepAliveClient(target);
	const ids = Array.from({ length: count }, (_, i) => i + 1);
	const put = (body) =>
		requestJson(
			connection,
			target,
			{
				method: 'PUT',
				headers: {
					Authorization: token,
					'Content-Type': 'application/json',
					Accept: 'application/json',
					'Content-Length': Buffer.byteLength(body),
				},
			},
			body,
		);

	const statuses = {};
	let deleted = 0;
	let requests = 0;
	const start = performance.now();
	for (let offset = 0; offset < ids.length; offset += chunk) {
		const answer = await put(JSON.stringify({ opportunityids: ids.slice(offset, offset + chunk) }));
		requests++;
		statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
		deleted += Array.isArray(answer.envelope.response) ? answer.envelope.response.length : 0;
	}
	const ms = performance.now() - start;
	connection.agent.destroy();
	return { ms, requests, deleted, statuses };
});
