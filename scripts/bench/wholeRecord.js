// The whole-record section of the benchmark (`npm run bench -- --whole-record`): 1,000 deals, each with 3 history
// events, 1 file of 20 KB, 2 tasks, 2 tags and 4 custom-field values, in the stand-in portal answering every
// request after 5 ms. Each round on a fresh portal (in this process), two ways, each in a process of its own:
//   node    the Delete node's execute() (Record = Whole Record, Files = Download, the defaults) through
//           test/helpers/runNode: wall time, the requests the portal saw, peak RSS growth of that process;
//   script  a bare script making the fewest requests the contract (section 6) allows for the same data, with
//           the same concurrency (3): field definitions, deal pages, one listing per tag, history and task
//           pages, one download per file, the delete.
// Figures: wholeRecordRequestRatio (node requests ÷ fewest), wholeRecordLimitRatio (node time ÷ script time,
// medians), wholeRecordPeakRssMB (the node process's peak RSS growth over its baseline, median).
//   node scripts/bench/wholeRecord.js node <portalUrl> <token> <deals>      (one node run, prints a JSON line)
//   node scripts/bench/wholeRecord.js script <portalUrl> <token> <plan.json> (one script run, prints a JSON line)
'use strict';
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const DEALS = 1000;
const LATENCY_MS = 5;
const CONCURRENCY = 3;
const PAGE = 1000;
const RECORDS = {
	eventsPerDeal: 3,
	filesPerDeal: 1,
	fileBytes: 20 * 1024,
	tasksPerDeal: 2,
	tagsPerDeal: 2,
	valuesPerDeal: 4,
};
const TARGETS = { maxRequestRatio: 1.2, maxLimitRatio: 1.5, maxPeakRssMB: 300 };

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
};

/** The fewest requests section 6 allows for `plan` (what the bare script makes). */
function fewestRequests(plan) {
	return (
		1 +
		Math.ceil(plan.deals / PAGE) +
		Math.min(plan.deals, plan.tags.length) +
		Math.ceil(plan.events / PAGE) +
		Math.ceil(plan.tasks / PAGE) +
		plan.files +
		Math.ceil(plan.deals / PAGE)
	);
}

/**
 * Runs `file` in a process of its own (`node --expose-gc <file> <args>`) and resolves with the JSON line it
 * prints last: each measured run starts from a fresh heap.
 */
function childOf(file, { timeout = 600_000, nodeFlags = [] } = {}) {
	return (args) =>
		new Promise((resolve, reject) => {
			execFile(
				process.execPath,
				['--expose-gc', ...nodeFlags, file, ...args],
				{ maxBuffer: 16 * 2 ** 20, timeout },
				(error, stdout, stderr) => {
					if (error) return reject(new Error(`${args[0]} run failed: ${error.message}\n${stderr}`));
					resolve(JSON.parse(stdout.trim().split('\n').pop()));
				},
			);
		});
}
const child = childOf(__filename);

async function benchWholeRecord({ rounds = 3, log }) {
	const { startPortal } = require('../../test/portal');
	const runs = { node: [], script: [] };
	for (let round = 1; round <= rounds; round++) {
		for (const variant of ['node', 'script']) {
			const portal = await startPortal({
				opportunities: DEALS,
				seed: 5,
				records: RECORDS,
				latencyMs: LATENCY_MS,
			});
			try {
				const counts = portal.recordCounts();
				const plan = {
					deals: DEALS,
					// The tags the deals carry (the portal may list more, carried by none).
					tags: [
						...new Set(
							Array.from(
								{ length: DEALS },
								(_, i) => portal.getOpportunity(i + 1).tags ?? [],
							).flat(),
						),
					],
					events: counts.events,
					tasks: counts.tasks,
					files: counts.files,
				};
				const planFile = path.join(os.tmpdir(), `whole-record-plan-${process.pid}.json`);
				fs.writeFileSync(planFile, JSON.stringify(plan));
				const result = await child(
					variant === 'node'
						? ['node', portal.url, portal.token, String(DEALS)]
						: ['script', portal.url, portal.token, planFile],
				);
				result.portalRequests = portal.requests.length;
				result.fewest = fewestRequests(plan);
				result.leftOnPortal = portal.opportunityIds().filter((id) => id <= DEALS).length;
				runs[variant].push(result);
				log(
					`  round ${round} ${variant.padEnd(6)} ${Math.round(result.ms)} ms, ${result.portalRequests} requests (fewest ${result.fewest})${variant === 'node' ? `, peak RSS +${result.rssGrowthMB.toFixed(0)} MB, ${result.outputItems} items, ${result.fileBytes} file bytes` : ''}`,
				);
			} finally {
				await portal.stop();
			}
		}
	}
	const nodeMs = median(runs.node.map((r) => r.ms));
	const scriptMs = median(runs.script.map((r) => r.ms));
	return {
		deals: DEALS,
		records: RECORDS,
		latencyMs: LATENCY_MS,
		runs,
		wholeRecordRequestRatio: median(runs.node.map((r) => r.portalRequests / r.fewest)),
		wholeRecordLimitRatio: nodeMs / scriptMs,
		wholeRecordPeakRssMB: median(runs.node.map((r) => r.rssGrowthMB)),
		medians: { nodeMs, scriptMs },
	};
}

function printWholeRecord(result, { log, fmt }) {
	log(
		`\nWhole record, ${result.deals} deals (3 events, 1 file of 20 KB, 2 tasks, 2 tags, 4 values each), ${result.latencyMs} ms per request:`,
	);
	log(
		`  node ${fmt(result.medians.nodeMs)} ms, script ${fmt(result.medians.scriptMs)} ms (medians); requests ÷ fewest ${fmt(result.wholeRecordRequestRatio, 2)}; time ÷ script ${fmt(result.wholeRecordLimitRatio, 2)}; peak RSS +${fmt(result.wholeRecordPeakRssMB, 0)} MB`,
	);
}

function wholeRecordTargetRows(result, fmt) {
	const node = result.runs.node;
	return [
		{
			target: 'whole record: every deal deleted, every file in the output',
			value: node.map((r) => `${r.outputItems} items, ${r.leftOnPortal} left`).join('; '),
			met: node.every((r) => r.outputItems === result.deals && r.leftOnPortal === 0 && r.filesOk),
		},
		{
			target: 'whole record: requests ÷ fewest ≤ 1.2',
			value: fmt(result.wholeRecordRequestRatio, 2),
			met: result.wholeRecordRequestRatio <= TARGETS.maxRequestRatio,
		},
		{
			target: 'whole record: time ÷ bare script ≤ 1.5',
			value: fmt(result.wholeRecordLimitRatio, 2),
			met: result.wholeRecordLimitRatio <= TARGETS.maxLimitRatio,
		},
		{
			target: 'whole record: peak RSS growth ≤ 300 MB',
			value: `${fmt(result.wholeRecordPeakRssMB, 0)} MB`,
			met: result.wholeRecordPeakRssMB <= TARGETS.maxPeakRssMB,
		},
	];
}

/** One node run: the Delete node with its defaults over deals 1…N. */
async function nodeRun(portalUrl, token, deals) {
	require('../lib/registerTypeScript');
	const { runNode } = require('../../test/helpers/runNode');
	global.gc();
	const base = process.memoryUsage().rss;
	let peak = base;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 2);
	const ids = Array.from({ length: deals }, (_, i) => i + 1);
	const start = performance.now();
	const { output } = await runNode({
		items: [{ ids }],
		opportunityIds: (json) => json.ids,
		options: { record: 'wholeRecord' },
		credentials: { portalUrl, authMethod: 'apiToken', apiToken: token },
	});
	const ms = performance.now() - start;
	peak = Math.max(peak, process.memoryUsage().rss);
	clearInterval(timer);
	let fileBytes = 0;
	let filesOk = true;
	for (const item of output) {
		const files = (item.json.history ?? []).flatMap((event) => event.files ?? []);
		for (const file of files) {
			const binary = item.binary?.[file.binaryProperty];
			const size = binary ? Buffer.from(binary.data, 'base64').length : -1;
			fileBytes += Math.max(0, size);
			if (size !== file.pureContentLength) filesOk = false;
		}
	}
	return {
		ms,
		outputItems: output.length,
		fileBytes,
		filesOk,
		rssGrowthMB: (peak - base) / 2 ** 20,
	};
}

/** The fewest requests for the same data, CONCURRENCY at a time; the delete last, as the node does. */
async function scriptRun(portalUrl, token, plan) {
	const headers = { Authorization: token };
	const get = async (pathAndQuery) => {
		const response = await fetch(`${portalUrl}${pathAndQuery}`, { headers });
		if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status}`);
		return response;
	};
	const json = async (pathAndQuery) => (await (await get(pathAndQuery)).json()).response;
	const pool = async (tasks) => {
		const results = [];
		let next = 0;
		const worker = async () => {
			while (next < tasks.length) {
				const index = next++;
				results[index] = await tasks[index]();
			}
		};
		await Promise.all(Array.from({ length: CONCURRENCY }, worker));
		return results;
	};
	const pages = (base, count) =>
		Array.from(
			{ length: Math.ceil(count / PAGE) },
			(_, page) => () =>
				json(`${base}${base.includes('?') ? '&' : '?'}startIndex=${page * PAGE}&count=${PAGE}`),
		);
	const start = performance.now();
	const listings = await pool([
		() => json('/api/2.0/crm/opportunity/customfield/definitions.json'),
		...pages('/api/2.0/crm/opportunity/filter.json?sortBy=id', plan.deals),
		...plan.tags.map(
			(tag) => () =>
				json(`/api/2.0/crm/opportunity/filter.json?tags=${encodeURIComponent(tag)}&count=${PAGE}`),
		),
		...pages('/api/2.0/crm/history/filter.json?sortBy=id', plan.events),
		...pages('/api/2.0/crm/task/filter.json', plan.tasks),
	]);
	const files = listings
		.flat()
		.flatMap((record) => (Array.isArray(record?.files) ? record.files : []));
	let fileBytes = 0;
	await pool(
		files.map((file) => async () => {
			const url = new URL(file.viewUrl);
			fileBytes += (await (await get(`${url.pathname}${url.search}`)).arrayBuffer()).byteLength;
		}),
	);
	const ids = Array.from({ length: plan.deals }, (_, i) => i + 1);
	for (let offset = 0; offset < ids.length; offset += PAGE) {
		const response = await fetch(`${portalUrl}/api/2.0/crm/opportunity.json`, {
			method: 'PUT',
			headers: { ...headers, 'Content-Type': 'application/json' },
			body: JSON.stringify({ opportunityids: ids.slice(offset, offset + PAGE) }),
		});
		await response.arrayBuffer();
	}
	return { ms: performance.now() - start, files: files.length, fileBytes };
}

if (require.main === module) {
	const [mode, portalUrl, token, arg] = process.argv.slice(2);
	const run =
		mode === 'node'
			? nodeRun(portalUrl, token, Number(arg))
			: scriptRun(portalUrl, token, JSON.parse(fs.readFileSync(arg, 'utf8')));
	run.then(
		(result) => console.log(JSON.stringify(result)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = {
	benchWholeRecord,
	printWholeRecord,
	wholeRecordTargetRows,
	childOf,
	median,
	DEALS,
	LATENCY_MS,
	RECORDS,
};
