// One in-process measurement, in a process of its own (run with --expose-gc by scripts/bench.js):
//   node --expose-gc scripts/bench/inProcess.js <items> [batchSize]
// Seeds a stand-in portal with every ID the items name, runs the node's execute() through test/helpers/runNode
// (n8n's real HTTP client, a thin context) and prints one JSON line: wall time, requests the portal saw,
// heap/RSS growth over a post-GC baseline, and checks. The portal lives in this process too, so the wall time
// includes the portal's work (as the target says), and so does the memory growth.
'use strict';
require('../lib/registerTypeScript');

const { performance } = require('node:perf_hooks');
const { startPortal } = require('../../test/portal');
const { runNode } = require('../../test/helpers/runNode');
const { mixedItems } = require('./items');

const SAMPLE_EVERY_MS = 2;

async function main() {
	const count = Number(process.argv[2]);
	const batchSize = Number(process.argv[3] ?? 500);
	if (!Number.isInteger(count) || count <= 0)
		throw new Error('usage: inProcess.js <items> [batchSize]');
	if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');

	const input = mixedItems(count, 1);
	const portal = await startPortal({ port: 0, opportunities: input.maxId, seed: 1 });
	const credentials = { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token };
	try {
		// Warm the HTTP client and the code paths on a deal outside the measured ID range (another tenant's
		// deal: the portal answers with nothing deleted), so the first timed request does not pay for loading.
		await runNode({ items: [{ id: input.maxId + 1 }], credentials });
		portal.clearRequests();

		global.gc();
		global.gc();
		const base = process.memoryUsage();
		let peakHeap = base.heapUsed;
		let peakRss = base.rss;
		let samples = 0;
		const sample = () => {
			const m = process.memoryUsage();
			samples++;
			if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
			if (m.rss > peakRss) peakRss = m.rss;
		};
		const timer = setInterval(sample, SAMPLE_EVERY_MS);

		// Named, so that a --cpu-prof profile can be cut to this window (scripts/bench/profileSummary.js).
		const timedRun = async () => {
			const cpuBefore = process.cpuUsage();
			const start = performance.now();
			const output = await runNode({
				items: input.items,
				credentials,
				options: batchSize === 500 ? {} : { batchSize },
			});
			return {
				result: output,
				wallMs: performance.now() - start,
				cpu: process.cpuUsage(cpuBefore),
			};
		};
		const { result, wallMs, cpu } = await timedRun();
		sample(); // the output is still referenced here: its size counts
		clearInterval(timer);

		const puts = portal.requests.filter(
			(r) => r.method === 'PUT' && r.path === '/api/2.0/crm/opportunity.json',
		);
		const outputIds = new Set(result.output.map((item) => item.json.id));
		const check = {
			outputItems: result.output.length,
			outputIdsUnique: outputIds.size,
			deletedOnPortal: portal.deletedIds().length,
			leftOnPortal: portal.opportunityIds().length,
			otherRequests: portal.requests.length - puts.length,
			largestChunk: Math.max(...puts.map((r) => r.body.opportunityids.length)),
		};
		console.log(
			JSON.stringify({
				items: count,
				batchSize,
				uniqueIds: input.uniqueIds,
				totalIds: input.totalIds,
				forms: input.forms,
				wallMs,
				cpuUserMs: cpu.user / 1000,
				cpuSystemMs: cpu.system / 1000,
				requests: portal.requests.length,
				putRequests: puts.length,
				expectedRequests: Math.ceil(input.uniqueIds / batchSize),
				heapGrowthMB: (peakHeap - base.heapUsed) / 2 ** 20,
				rssGrowthMB: (peakRss - base.rss) / 2 ** 20,
				baselineHeapMB: base.heapUsed / 2 ** 20,
				baselineRssMB: base.rss / 2 ** 20,
				maxRssMB: process.resourceUsage().maxRSS / 1024,
				memorySamples: samples,
				check,
				node: process.version,
			}),
		);
	} finally {
		await portal.stop();
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
