// What the limit scripts (limit.js, getLimit.js) share: one keep-alive connection to the portal, a request whose
// JSON answer is read and parsed, and the way they run and report. Plain Node, no dependencies: they run on
// the Node 24 that n8n runs on.
'use strict';
const http = require('node:http');
const https = require('node:https');

/** An HTTP(S) client for `url`'s protocol and a keep-alive agent with one socket. */
function keepAliveClient(url) {
	const client = url.protocol === 'https:' ? https : http;
	return { client, agent: new client.Agent({ keepAlive: true, maxSockets: 1 }) };
}

/**
 * Sends one request (`body`, if any) and reads the whole answer.
 * @returns {Promise<{ status: number | undefined, envelope: any }>} the status and the parsed JSON body
 */
function requestJson({ client, agent }, target, { method, headers }, body) {
	return new Promise((resolve, reject) => {
		const req = client.request(target, { method, agent, headers }, (res) => {
			const parts = [];
			res.on('data', (part) => parts.push(part));
			res.on('end', () => {
				try {
					resolve({
						status: res.statusCode,
						envelope: JSON.parse(Buffer.concat(parts).toString('utf8')),
					});
				} catch (error) {
					reject(error);
				}
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		req.end(body);
	});
}

/**
 * Runs a limit script's `measure` with the JSON config of its first argument and prints what it resolves
 * with, plus Node's version, as one line of JSON; on an error prints it and exits 1.
 */
function runLimit(measure) {
	Promise.resolve()
		.then(() => measure(JSON.parse(process.argv[2])))
		.then((result) => {
			process.stdout.write(`${JSON.stringify({ ...result, node: process.version })}\n`);
		})
		.catch((error) => {
			console.error(error);
			process.exit(1);
		});
}

module.exports = { keepAliveClient, requestJson, runLimit };
