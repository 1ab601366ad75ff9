// The limit for a Return All search: the pages the portal must send, fetched with nothing else added. Run as its
// own process on the Node 24 that n8n runs on (scripts/bench/getOpportunities.js starts it; the portal runs in
// the bench's process, as for n8n):
//   <node24> scripts/bench/getLimit.js '{"url":"http://127.0.0.1:1234","token":"…","query":{"stageType":"2",…},"count":1000}'
// GET /api/2.0/crm/opportunity/filter with `query` plus startIndex = 0, count, 2·count, … and count=`count`,
// one page after the other over one keep-alive connection (a page's startIndex needs the previous page's
// length), each answer read and parsed, until a page shorter than `count`. Prints {"ms", "requests",
// "records", "uniqueIds", "maxRssMB"}. Timed around the requests only, as scripts/bench/limit.js is.
'use strict';
const { performance } = require('node:perf_hooks');

const { keepAliveClient, requestJson, runLimit } = require('./limitClient');

runLimit(async ({ url, token, query, count }) => {
	const base = new URL('/api/2.0/crm/opportunity/filter', url);
	const connection = keepAliveClient(base);
	const pageUrl = (startIndex) => {
		const target = new URL(base);
		for (const [name, value] of Object.entries(query)) {
			for (const one of Array.isArray(value) ? value : [value])
				target.searchParams.append(name, String(one));
		}
		target.searchParams.set('startIndex', String(startIndex));
		target.searchParams.set('count', String(count));
		return target;
	};
	const get = async (target) => {
		const { status, envelope } = await requestJson(connection, target, {
			method: 'GET',
			headers: { Authorization: token, Accept: 'application/json' },
		});
		if (status !== 200 || !Array.isArray(envelope.response))
			throw new Error(`${target} answered ${status}`);
		return envelope.response;
	};

	const ids = new Set();
	let records = 0;
	let requests = 0;
	const start = performance.now();
	for (let startIndex = 0; ; startIndex += count) {
		const page = await get(pageUrl(startIndex));
		requests++;
		records += page.length;
		for (const deal of page) ids.add(deal.id);
		if (page.length < count) break;
	}
	const ms = performance.now() - start;
	connection.agent.destroy();
	return {
		ms,
		requests,
		records,
		uniqueIds: ids.size,
		maxRssMB: process.resourceUsage().maxRSS / 1024,
	};
});
