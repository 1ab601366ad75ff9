// The queue-mode section of the benchmark (`npm run bench -- --queue`): n8n 2.40.7 in queue mode (the stack of
// test/queue/harness: Redis, PostgreSQL, main, workers at --concurrency=5), executions started through a
// production webhook (Webhook → ONLYOFFICE Delete Opportunities, Record = Deal Only), against the stand-in portal.
//   scaling  20 concurrent clean-ups of 2,000 IDs each, the portal answering every request after 1 s: executions
//            per minute with 1 worker, then with 2 (medians of `runs` each, a fresh portal per run), and the ratio;
//            timed from sending the 20 webhook calls to the last execution's stoppedAt;
//   100k     one execution of 100,000 IDs on a freshly started worker (default Node heap), the portal without
//            latency: time, and the peak RSS of the worker with its task runner, sampled from /proc.
'use strict';
const { startPortal } = require('../../test/portal');
const { freePort, linearWorkflow, PACKAGE_NAME } = require('../../test/e2e/harness');
const { startQueueStack } = require('../../test/queue/harness');
const { median } = require('./realN8n');
const { sampleProcessTree } = require('./processTreeMemory');

const CLEANUPS = 20;
const IDS_PER_CLEANUP = 2000;
const LATENCY_MS = 1000;
const BIG = 100_000;
const CONCURRENCY = 5;
const TARGETS = { minQueueScaling: 1.6 };
const ENDED = new Set(['success', 'error', 'crashed', 'canceled']);

const range = (from, count) => Array.from({ length: count }, (_, i) => from + i);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Webhook (POST `{ ids }`) → Delete Opportunities with its default options but Record = Deal Only (the delete's cost). */
function workflow(webhookPath, credential) {
	return linearWorkflow(`bench: queue ${webhookPath}`, [
		{
			name: 'Webhook',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			webhookId: require('node:crypto').randomUUID(),
			parameters: { httpMethod: 'POST', path: webhookPath, options: {} },
		},
		{
			name: 'ONLYOFFICE Delete Opportunities',
			type: `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`,
			typeVersion: 1,
			parameters: { opportunityIds: '={{ $json.body.ids }}', options: { record: 'dealOnly' } },
			credentials: { onlyofficeApi: credential },
		},
	]);
}

/** The executions of `workflowId` not in `seen` once `count` of them have ended (polling the public API). */
async function newEndedExecutions(stack, workflowId, seen, count, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const fresh = (await stack.executions(workflowId)).filter((e) => !seen.has(e.id));
		const ended = fresh.filter((e) => ENDED.has(e.status));
		if (ended.length >= count) {
			for (const e of ended) seen.add(e.id);
			return ended;
		}
		if (Date.now() > deadline)
			throw new Error(`only ${ended.length} of ${count} executions ended in ${timeoutMs} ms`);
		await sleep(200);
	}
}

/**
 * @param {{ runs?: number, log: (line: string) => void }} opts
 */
async function benchQueue({ runs = 3, log }) {
	const port = await freePort();
	const seed = 1;
	let portal;
	const freshPortal = async (options) => {
		await portal?.stop();
		portal = await startPortal({ port, seed, ...options });
		return portal;
	};
	await freshPortal({ opportunities: 10 });
	const stack = await startQueueStack({
		name: 'bench-queue',
		workers: 1,
		concurrency: CONCURRENCY,
		log: (line) => log(`  ${line}`),
	});
	const result = {
		n8nVersion: stack.n8n.version,
		stackStartMs: stack.startMs,
		concurrency: CONCURRENCY,
		cleanups: CLEANUPS,
		idsPerCleanup: IDS_PER_CLEANUP,
		latencyMs: LATENCY_MS,
		runs: { oneWorker: [], twoWorkers: [] },
	};
	try {
		log(`  stack up in ${(stack.startMs / 1000).toFixed(1)} s`);
		const credential = { id: '', name: 'ONLYOFFICE (bench portal)' };
		credential.id = await stack.main.createCredential({
			name: credential.name,
			type: 'onlyofficeApi',
			// Same port and seed for every portal of this benchmark: the URL and token stay valid.
			data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
		});
		const deploy = async (webhookPath) => {
			const id = await stack.createWorkflow(workflow(webhookPath, credential));
			await stack.activateWorkflow(id);
			await stack.waitForWebhook(webhookPath);
			return id;
		};

		// 100k on the one worker, started a moment ago and idle until now.
		const bigWorkflow = await deploy('bench-queue-100k');
		await freshPortal({ opportunities: BIG });
		const worker = stack.workers[0];
		const idleMemory = sampleProcessTree(worker.pid);
		await sleep(300);
		const idle = idleMemory.stop();
		const memory = sampleProcessTree(worker.pid);
		const bigStarted = Date.now();
		let big;
		try {
			await stack.postToWebhook('bench-queue-100k', { ids: range(1, BIG) });
			[big] = await newEndedExecutions(stack, bigWorkflow, new Set(), 1, 900_000);
		} finally {
			result.memory100k = memory.stop();
		}
		const puts = portal.requests.filter((r) => r.method === 'PUT');
		result.big = {
			ids: BIG,
			status: big.status,
			ms: Date.parse(big.stoppedAt) - bigStarted,
			executionMs: Date.parse(big.stoppedAt) - Date.parse(big.startedAt),
			requests: puts.length,
			non200: puts.filter((r) => r.status !== 200).length,
			leftOnPortal: portal.opportunityIds().length,
			idleTreeRssMB: idle.peakTreeRssMB,
			peakTreeRssMB: result.memory100k.peakTreeRssMB,
			workerHwmMB: result.memory100k.peakMainHwmMB,
		};
		log(
			`  100,000 IDs on worker ${worker.name}: ${big.status} in ${(result.big.ms / 1000).toFixed(1)} s, ` +
				`${result.big.requests} requests, ${result.big.leftOnPortal} left on the portal; peak RSS worker + task runner ` +
				`${result.big.peakTreeRssMB?.toFixed(0)} MB (idle ${result.big.idleTreeRssMB?.toFixed(0)} MB; worker VmHWM ${result.big.workerHwmMB?.toFixed(0)} MB)`,
		);

		// Scaling: 1 worker, then 2.
		const scalingWorkflow = await deploy('bench-queue-scaling');
		const seen = new Set();
		const scalingRun = async (label, round) => {
			await freshPortal({ opportunities: CLEANUPS * IDS_PER_CLEANUP, latencyMs: LATENCY_MS });
			const started = Date.now();
			await Promise.all(
				range(0, CLEANUPS).map((k) =>
					stack.postToWebhook('bench-queue-scaling', {
						ids: range(1 + k * IDS_PER_CLEANUP, IDS_PER_CLEANUP),
					}),
				),
			);
			const ended = await newEndedExecutions(stack, scalingWorkflow, seen, CLEANUPS, 600_000);
			const lastStop = Math.max(...ended.map((e) => Date.parse(e.stoppedAt)));
			const ms = lastStop - started;
			const putsOfRun = portal.requests.filter((r) => r.method === 'PUT');
			const run = {
				workers: stack.workers.length,
				ms,
				executionsPerMinute: CLEANUPS / (ms / 60_000),
				failed: ended.filter((e) => e.status !== 'success').length,
				requests: putsOfRun.length,
				non200: putsOfRun.filter((r) => r.status !== 200).length,
				maxConcurrentRequests: portal.maxConcurrentRequests,
				leftOnPortal: portal.opportunityIds().length,
				perWorker: Object.fromEntries(
					stack.workers.map((w) => [
						w.name,
						ended.filter((e) => stack.workerOf(e.id) === w).length,
					]),
				),
			};
			log(
				`  ${label} run ${round}/${runs}: ${(ms / 1000).toFixed(1)} s → ${run.executionsPerMinute.toFixed(1)} executions/min ` +
					`(${run.failed} failed, ${run.requests} requests, up to ${run.maxConcurrentRequests} at once, ${run.leftOnPortal} left; per worker ${JSON.stringify(run.perWorker)})`,
			);
			return run;
		};
		for (let round = 1; round <= runs; round++)
			result.runs.oneWorker.push(await scalingRun('1 worker', round));
		await stack.addWorker();
		for (let round = 1; round <= runs; round++)
			result.runs.twoWorkers.push(await scalingRun('2 workers', round));
	} finally {
		await stack.stop();
		await portal?.stop();
	}

	const epm = (list) => median(list.map((r) => r.executionsPerMinute));
	result.oneWorkerExecutionsPerMinute = epm(result.runs.oneWorker);
	result.twoWorkersExecutionsPerMinute = epm(result.runs.twoWorkers);
	result.queueScaling = result.twoWorkersExecutionsPerMinute / result.oneWorkerExecutionsPerMinute;
	result.worker100kPeakRssMB = result.big.peakTreeRssMB;
	result.allSucceeded =
		result.big.status === 'success' &&
		result.big.leftOnPortal === 0 &&
		[...result.runs.oneWorker, ...result.runs.twoWorkers].every(
			(r) => r.failed === 0 && r.non200 === 0 && r.leftOnPortal === 0,
		);
	return result;
}

function queueTargetRows(queue, fmt) {
	return [
		{
			target: `queue mode: 2 workers ÷ 1 worker (executions/min) ≥ ${TARGETS.minQueueScaling}`,
			value: `${fmt(queue.queueScaling, 2)} (${fmt(queue.twoWorkersExecutionsPerMinute, 1)} ÷ ${fmt(queue.oneWorkerExecutionsPerMinute, 1)})`,
			met: queue.queueScaling >= TARGETS.minQueueScaling,
		},
		{
			target: 'queue mode: 100,000 IDs on one worker, default heap, all deleted',
			value: `${queue.big.status}, ${fmt(queue.big.ms / 1000, 1)} s, peak RSS ${fmt(queue.worker100kPeakRssMB)} MB`,
			met: queue.big.status === 'success' && queue.big.leftOnPortal === 0,
		},
		{
			target: 'queue mode: every run succeeded, every requested deal deleted',
			value: queue.allSucceeded ? 'yes' : 'no',
			met: queue.allSucceeded,
		},
	];
}

function printQueue(queue, { log, table, fmt }) {
	log(
		`\nQueue mode, n8n ${queue.n8nVersion}: ${queue.cleanups} clean-ups of ${fmt(queue.idsPerCleanup)} IDs at once, ${queue.latencyMs} ms per request at the portal, --concurrency=${queue.concurrency}:\n`,
	);
	const rows = [
		{ name: '1 worker', runs: queue.runs.oneWorker, median: queue.oneWorkerExecutionsPerMinute },
		{ name: '2 workers', runs: queue.runs.twoWorkers, median: queue.twoWorkersExecutionsPerMinute },
	];
	log(
		table(rows, [
			['Workers', (r) => r.name],
			['Runs', (r) => r.runs.length],
			['Median executions/min', (r) => fmt(r.median, 1)],
			['Seconds per run', (r) => r.runs.map((x) => fmt(x.ms / 1000, 1)).join(', ')],
		]),
	);
	log(`\n2 workers ÷ 1 worker: ${fmt(queue.queueScaling, 2)}×`);
	log(
		`100,000 IDs in one execution: ${fmt(queue.big.ms / 1000, 1)} s (${queue.big.requests} requests), peak RSS of the worker with its task runner ${fmt(queue.worker100kPeakRssMB)} MB (idle ${fmt(queue.big.idleTreeRssMB)} MB; the worker's VmHWM ${fmt(queue.big.workerHwmMB)} MB)`,
	);
}

module.exports = { benchQueue, printQueue, queueTargetRows };
