#!/usr/bin/env node
// `npm run bench` — a benchmark, not a test. Against the stand-in ONLYOFFICE portal on loopback:
//  1. in-process: 1,000 / 10,000 / 100,000 items (IDs in mixed forms, with duplicates) through the node's own
//     execute() with a thin context (test/helpers/runNode), each run in a fresh process: wall time, requests,
//     peak heap/RSS growth, and how the time grows from 10k to 100k;
//  2. real n8n 2.40.7: 5,000 opportunities deleted by this node, by an HTTP Request node (one request per item),
//     and by the limit script (the same 500-ID PUTs with nothing else), each on a fresh portal, medians;
//  3. real n8n: Return All over 20,000 matching deals, ONLYOFFICE Get Opportunities vs an HTTP Request node with
//     n8n's pagination vs a bare script fetching the same pages (scripts/bench/getOpportunities.js);
//  4. a table on stdout and every figure in bench/results/bench-<timestamp>.json.
// Options: --rounds=9 (real n8n, this node and the limit; odd, so the median is one run) --http-rounds=3 --in-process-runs=3
//          --skip-in-process --skip-n8n --dist=<folder> (benchmark another build of the package in n8n)
//          --profile (in-process runs under --cpu-prof; where the measured time went is printed and saved)
//          --get-only (just the search section) --skip-get --get-rounds=5
//          --queue (just n8n's queue mode, scripts/bench/queue.js: 1 vs 2 workers, and 100,000 IDs on one worker)
//          --n8n-env=NAME=value (repeatable; extra environment for n8n, e.g. N8N_EXPRESSION_ENGINE=legacy)
//          --whole-record (just the whole-record delete, scripts/bench/wholeRecord.js: requests ÷ fewest, time ÷ a
//          bare script, peak RSS) --whole-record-rounds=3
//          --restore (just the restore of those deals, scripts/bench/restore.js: the Restore node vs a bare script
//          making the fewest requests section 6 allows; requests ÷ fewest, time ÷ script, peak RSS) --restore-rounds=3
// Profiling the node inside n8n: node scripts/bench/profileN8n.js (see there).
'use strict';
require('./lib/registerTypeScript');

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { summarise } = require('./bench/profileSummary');
const { textTable } = require('./lib/textTable');
const { benchRealN8n, median } = require('./bench/realN8n');
const getOpportunities = require('./bench/getOpportunities');
const queueBench = require('./bench/queue');
const wholeRecordBench = require('./bench/wholeRecord');
const restoreBench = require('./bench/restore');
const { n8nInstallation } = require('../test/e2e/harness');

const REPO_ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');
const SIZES = [1_000, 10_000, 100_000];
const BATCH_SIZE = 500;
const TARGETS = { maxMs100k: 10_000, maxGrowth: 12, minHttpRequestRatio: 50, maxLimitRatio: 1.5 };

function parseArgs(argv) {
	const args = {
		rounds: 9,
		httpRounds: 3,
		inProcessRuns: 3,
		skipInProcess: false,
		skipN8n: false,
		dist: undefined,
		profile: false,
		n8nEnv: {},
		skipGet: false,
		queue: false,
		getRounds: 5,
		wholeRecord: false,
		wholeRecordRounds: 3,
		restore: false,
		restoreRounds: 3,
	};
	for (const arg of argv) {
		const [key, ...rest] = arg.replace(/^--/, '').split('=');
		const value = rest.join('=');
		if (key === 'rounds') args.rounds = Number(value);
		else if (key === 'http-rounds') args.httpRounds = Number(value);
		else if (key === 'in-process-runs') args.inProcessRuns = Number(value);
		else if (key === 'skip-in-process') args.skipInProcess = true;
		else if (key === 'skip-n8n') args.skipN8n = true;
		else if (key === 'dist') args.dist = path.resolve(value);
		else if (key === 'profile') args.profile = true;
		else if (key === 'skip-get') args.skipGet = true;
		else if (key === 'get-rounds') args.getRounds = Number(value);
		else if (key === 'get-only') Object.assign(args, { skipInProcess: true, skipN8n: true });
		else if (key === 'queue')
			Object.assign(args, { queue: true, skipInProcess: true, skipN8n: true, skipGet: true });
		else if (key === 'whole-record')
			Object.assign(args, {
				wholeRecord: true,
				skipInProcess: true,
				skipN8n: true,
				skipGet: true,
			});
		else if (key === 'whole-record-rounds') args.wholeRecordRounds = Number(value);
		else if (key === 'restore')
			Object.assign(args, { restore: true, skipInProcess: true, skipN8n: true, skipGet: true });
		else if (key === 'restore-rounds') args.restoreRounds = Number(value);
		else if (key === 'n8n-env' && value.includes('='))
			args.n8nEnv[value.slice(0, value.indexOf('='))] = value.slice(value.indexOf('=') + 1);
		else throw new Error(`unknown option ${arg} (see the top of scripts/bench.js)`);
	}
	return args;
}

const log = (line = '') => process.stdout.write(`${line}\n`);

/** One in-process run in a fresh process; with profileFile, under --cpu-prof, summarised over the timed window. */
function inProcessRun(items, profileFile) {
	const profiling = profileFile
		? [
				'--cpu-prof',
				`--cpu-prof-dir=${path.dirname(profileFile)}`,
				`--cpu-prof-name=${path.basename(profileFile)}`,
			]
		: [];
	return new Promise((resolve, reject) => {
		execFile(
			process.execPath,
			[
				'--expose-gc',
				...profiling,
				path.join(__dirname, 'bench', 'inProcess.js'),
				String(items),
				String(BATCH_SIZE),
			],
			{ cwd: REPO_ROOT, maxBuffer: 16 * 2 ** 20, timeout: 600_000 },
			(error, stdout, stderr) => {
				if (error)
					return reject(
						new Error(`in-process run with ${items} items failed: ${error.message}\n${stderr}`),
					);
				const result = JSON.parse(stdout.trim().split('\n').pop());
				if (profileFile) {
					result.profile = path.relative(REPO_ROOT, profileFile);
					result.profileSummary = summarise(profileFile, 20, {
						url: 'inProcess.js#timedRun',
						ms: result.wallMs,
					});
				}
				resolve(result);
			},
		);
	});
}

async function benchInProcess(runsPerSize, profileDir) {
	const runs = Object.fromEntries(SIZES.map((size) => [size, []]));
	// Sizes interleaved run by run, so a busy spell on the machine does not land on one size only.
	for (let run = 1; run <= runsPerSize; run++) {
		for (const size of SIZES) {
			const result = await inProcessRun(
				size,
				profileDir && path.join(profileDir, `in-process-${size}-run${run}.cpuprofile`),
			);
			runs[size].push(result);
			log(
				`  run ${run}/${runsPerSize}: ${size.toLocaleString('en')} items → ${result.uniqueIds.toLocaleString('en')} unique IDs, ` +
					`${result.putRequests} requests, ${result.wallMs.toFixed(0)} ms, heap +${result.heapGrowthMB.toFixed(0)} MB`,
			);
		}
	}
	const sizes = SIZES.map((size) => {
		const r = runs[size];
		const first = r[0];
		const requestsHold = r.every(
			(x) =>
				x.putRequests === x.expectedRequests &&
				x.requests === x.putRequests &&
				x.check.outputItems === x.uniqueIds &&
				x.check.leftOnPortal === 0,
		);
		return {
			items: size,
			uniqueIds: first.uniqueIds,
			totalIds: first.totalIds,
			forms: first.forms,
			requests: first.putRequests,
			expectedRequests: first.expectedRequests,
			requestsHold,
			medianWallMs: median(r.map((x) => x.wallMs)),
			medianCpuMs: median(r.map((x) => x.cpuUserMs + x.cpuSystemMs)),
			medianHeapGrowthMB: median(r.map((x) => x.heapGrowthMB)),
			medianRssGrowthMB: median(r.map((x) => x.rssGrowthMB)),
			maxHeapGrowthMB: Math.max(...r.map((x) => x.heapGrowthMB)),
			maxRssGrowthMB: Math.max(...r.map((x) => x.rssGrowthMB)),
		};
	});
	const at = (n) => sizes.find((s) => s.items === n);
	return {
		batchSize: BATCH_SIZE,
		node: process.version,
		runsPerSize,
		sizes,
		growth100kOver10k: {
			wall: at(100_000).medianWallMs / at(10_000).medianWallMs,
			cpu: at(100_000).medianCpuMs / at(10_000).medianCpuMs,
			heap: at(100_000).medianHeapGrowthMB / at(10_000).medianHeapGrowthMB,
			uniqueIds: at(100_000).uniqueIds / at(10_000).uniqueIds,
		},
		runs,
	};
}

/** The benchmark's tables: figures right-aligned so they line up. */
const table = (rows, columns) => textTable(rows, columns, { figuresRight: true });

const fmt = (n, digits = 0) =>
	n === undefined || Number.isNaN(n)
		? '–'
		: n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function machineInfo() {
	const cpus = os.cpus();
	let n8nNodeVersion;
	try {
		n8nNodeVersion = require('node:child_process')
			.execFileSync(n8nInstallation().nodeBin, ['--version'], { encoding: 'utf8' })
			.trim();
	} catch {
		n8nNodeVersion = undefined;
	}
	return {
		cpuModel: cpus[0]?.model,
		cpus: cpus.length,
		memoryGB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
		platform: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		n8nNode: n8nNodeVersion,
		n8n: n8nInstallation().version,
		loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
	};
}

function targetRows(inProcess, realN8n) {
	const rows = [];
	if (inProcess) {
		const s100k = inProcess.sizes.find((s) => s.items === 100_000);
		rows.push({
			target: 'requests = ceil(unique IDs ÷ 500), in-process (all sizes)',
			value: inProcess.sizes.map((s) => `${s.requests}/${s.expectedRequests}`).join(', '),
			met: inProcess.sizes.every((s) => s.requestsHold),
		});
		rows.push({
			target: '100k items in-process < 10 s',
			value: `${fmt(s100k.medianWallMs / 1000, 2)} s`,
			met: s100k.medianWallMs < TARGETS.maxMs100k,
		});
		rows.push({
			target: 'growth 100k ÷ 10k ≤ 12 (wall time)',
			value: `${fmt(inProcess.growth100kOver10k.wall, 1)} (CPU ${fmt(inProcess.growth100kOver10k.cpu, 1)}, IDs ${fmt(inProcess.growth100kOver10k.uniqueIds, 1)})`,
			met: inProcess.growth100kOver10k.wall <= TARGETS.maxGrowth,
		});
	}
	if (realN8n) {
		const nodeRuns = realN8n.runs.node;
		rows.push({
			target: 'requests = ceil(5000 ÷ 500) = 10, real n8n',
			value: nodeRuns.map((r) => r.requestsOfMethod).join(', '),
			met: nodeRuns.every(
				(r) =>
					r.requests === realN8n.expectedNodeRequests &&
					r.outputItems === realN8n.opportunities &&
					r.leftOnPortal === 0,
			),
		});
		rows.push({
			target: 'real n8n: HTTP Request ÷ this node ≥ 50',
			value: fmt(realN8n.httpRequestRatio, 1),
			met: realN8n.httpRequestRatio >= TARGETS.minHttpRequestRatio,
		});
		rows.push({
			target: 'real n8n: this node ÷ limit ≤ 1.5',
			value: fmt(realN8n.limitRatio, 2),
			met: realN8n.limitRatio <= TARGETS.maxLimitRatio,
		});
	}
	return rows;
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const started = Date.now();
	const machine = machineInfo();
	if (
		(!args.skipN8n || !args.skipGet || args.queue) &&
		!args.dist &&
		!fs.existsSync(path.join(REPO_ROOT, 'dist'))
	) {
		throw new Error('dist/ is missing: run `npm run bench` (it builds first) or `npm run build`');
	}
	log(
		`ONLYOFFICE Delete Opportunities benchmark — ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' / ')}`,
	);

	let inProcess;
	if (!args.skipInProcess) {
		log(
			`\n▶ In-process (runNode, the node's own code with a thin context), ${args.inProcessRuns} run(s) per size, each in a fresh process`,
		);
		const profileDir = args.profile
			? path.join(RESULTS_DIR, `profiles-${new Date(started).toISOString().replace(/[:.]/g, '-')}`)
			: undefined;
		inProcess = await benchInProcess(args.inProcessRuns, profileDir);
	}
	let realN8n;
	if (!args.skipN8n) {
		log(
			`\n▶ Real n8n ${machine.n8n}: 5,000 opportunities, fresh portal per run; ${args.rounds} rounds (HTTP Request: ${args.httpRounds})`,
		);
		realN8n = await benchRealN8n({
			rounds: args.rounds,
			httpRounds: Math.min(args.httpRounds, args.rounds),
			log,
			distDir: args.dist,
			n8nEnv: args.n8nEnv,
		});
	}
	let get;
	if (!args.skipGet) {
		log(
			`\n▶ Real n8n ${machine.n8n}: Return All over ${getOpportunities.DEALS.toLocaleString('en')} matching deals; ${args.getRounds} rounds`,
		);
		get = await getOpportunities.benchGetOpportunities({
			rounds: args.getRounds,
			log,
			distDir: args.dist,
			n8nEnv: args.n8nEnv,
		});
	}
	let queue;
	if (args.queue) {
		log(
			`\n▶ Real n8n ${machine.n8n} in queue mode (main, workers at --concurrency=5, Redis, PostgreSQL): 1 vs 2 workers, 3 runs each; 100,000 IDs on one worker`,
		);
		queue = await queueBench.benchQueue({ runs: 3, log });
	}
	let wholeRecord;
	if (args.wholeRecord) {
		log(
			`\n▶ Whole record: ${wholeRecordBench.DEALS.toLocaleString('en')} deals with their history, files and tasks, 5 ms per request; ${args.wholeRecordRounds} rounds`,
		);
		wholeRecord = await wholeRecordBench.benchWholeRecord({ rounds: args.wholeRecordRounds, log });
	}
	let restore;
	if (args.restore) {
		log(
			`\n▶ Restore: ${restoreBench.DEALS.toLocaleString('en')} deals deleted whole put back, 5 ms per request; ${args.restoreRounds} rounds`,
		);
		restore = await restoreBench.benchRestore({ rounds: args.restoreRounds, log });
	}
	machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
	const durationMs = Date.now() - started;

	log('\n══ Results ══');
	if (inProcess) {
		log(
			`\nIn-process, Node ${inProcess.node}, batch size ${BATCH_SIZE}, medians of ${inProcess.runsPerSize} runs (wall time includes the stand-in portal, same process):\n`,
		);
		log(
			table(inProcess.sizes, [
				['Items', (s) => fmt(s.items)],
				['Unique IDs', (s) => fmt(s.uniqueIds)],
				[
					'Requests',
					(s) =>
						`${s.requests} (expected ${s.expectedRequests}: ${s.requestsHold ? 'holds' : 'DOES NOT HOLD'})`,
				],
				['Wall ms', (s) => fmt(s.medianWallMs)],
				['CPU ms', (s) => fmt(s.medianCpuMs)],
				['Peak heap +MB', (s) => fmt(s.medianHeapGrowthMB)],
				['Peak RSS +MB', (s) => fmt(s.medianRssGrowthMB)],
			]),
		);
		const g = inProcess.growth100kOver10k;
		log(
			`\nGrowth 100k ÷ 10k: wall ${fmt(g.wall, 1)}×, CPU ${fmt(g.cpu, 1)}×, heap ${fmt(g.heap, 1)}× (unique IDs ${fmt(g.uniqueIds, 2)}×)`,
		);
		if (args.profile)
			log(
				`\nWhere the 100,000-item run's time went (--profile):\n${inProcess.runs[100_000][0].profileSummary}`,
			);
	}
	if (realN8n) {
		const m = realN8n.medians;
		const rows = [
			{
				name: 'This node (default batch size 500)',
				runs: realN8n.runs.node,
				median: m.node,
				requests: realN8n.runs.node[0]?.requestsOfMethod,
				source: "n8n's executionTime",
			},
			...(realN8n.runs.http.length > 0
				? [
						{
							name: 'HTTP Request, one DELETE per item',
							runs: realN8n.runs.http,
							median: m.http,
							requests: realN8n.runs.http[0]?.requestsOfMethod,
							source: "n8n's executionTime",
						},
					]
				: []),
			{
				name: 'Limit: bare script, 500-ID PUTs, keep-alive',
				runs: realN8n.runs.limit,
				median: m.limit,
				requests: realN8n.runs.limit[0]?.requests,
				source: 'around the requests',
			},
		];
		log(
			`\nReal n8n ${realN8n.n8nVersion} (Node ${machine.n8nNode}), 5,000 opportunities, fresh portal data per run:\n`,
		);
		log(
			table(rows, [
				['Variant', (r) => r.name],
				['Runs', (r) => r.runs.length],
				['Median ms', (r) => fmt(r.median, r.median < 100 ? 1 : 0)],
				[
					'Min–max ms',
					(r) =>
						`${fmt(Math.min(...r.runs.map((x) => x.ms)))}–${fmt(Math.max(...r.runs.map((x) => x.ms)))}`,
				],
				['Requests', (r) => fmt(r.requests)],
				['Timed by', (r) => r.source],
			]),
		);
		log(
			`\nHTTP Request ÷ this node: ${fmt(realN8n.httpRequestRatio, 1)}×    this node ÷ limit: ${fmt(realN8n.limitRatio, 2)}×`,
		);
	}
	if (get) getOpportunities.printGetOpportunities(get, { log, table, fmt });
	if (queue) queueBench.printQueue(queue, { log, table, fmt });
	if (wholeRecord) wholeRecordBench.printWholeRecord(wholeRecord, { log, fmt });
	if (restore) restoreBench.printRestore(restore, { log, table, fmt });
	const targets = [
		...targetRows(inProcess, realN8n),
		...(get ? getOpportunities.getTargetRows(get, fmt) : []),
		...(queue ? queueBench.queueTargetRows(queue, fmt) : []),
		...(wholeRecord ? wholeRecordBench.wholeRecordTargetRows(wholeRecord, fmt) : []),
		...(restore ? restoreBench.restoreTargetRows(restore, fmt) : []),
	];
	log('\nTargets (a benchmark: a miss is reported, not failed):\n');
	log(
		table(targets, [
			['Target', (t) => t.target],
			['Measured', (t) => t.value],
			['', (t) => (t.met ? 'met' : 'MISSED')],
		]),
	);
	log(
		`\nMachine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGB} GB, ${machine.platform}; load average ${machine.loadAverageAtStart.join(' / ')} at start, ${machine.loadAverageAtEnd.join(' / ')} at end`,
	);

	fs.mkdirSync(RESULTS_DIR, { recursive: true });
	const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
	const file = path.join(RESULTS_DIR, `bench-${stamp}.json`);
	const result = {
		httpRequestRatio: realN8n?.httpRequestRatio ?? null,
		limitRatio: realN8n?.limitRatio ?? null,
		growth100kOver10k: inProcess?.growth100kOver10k.wall ?? null,
		getLimitRatio: get?.limitRatio ?? null,
		getHttpRequestRatio: get?.httpRequestRatio ?? null,
		queueScaling: queue?.queueScaling ?? null,
		worker100kPeakRssMB: queue?.worker100kPeakRssMB ?? null,
		wholeRecordRequestRatio: wholeRecord?.wholeRecordRequestRatio ?? null,
		wholeRecordLimitRatio: wholeRecord?.wholeRecordLimitRatio ?? null,
		wholeRecordPeakRssMB: wholeRecord?.wholeRecordPeakRssMB ?? null,
		restoreLimitRatio: restore?.restoreLimitRatio ?? null,
		restoreRequestRatio: restore?.restoreRequestRatio ?? null,
		restorePeakRssMB: restore?.restorePeakRssMB ?? null,
		startedAt: new Date(started).toISOString(),
		durationMs,
		options: args,
		machine,
		targets,
		inProcess: inProcess ?? null,
		realN8n: realN8n ?? null,
		getOpportunities: get ?? null,
		queue: queue ?? null,
		wholeRecord: wholeRecord ?? null,
		restore: restore ?? null,
	};
	fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
	log(
		`\nWrote ${path.relative(REPO_ROOT, file)}; the benchmark took ${fmt(durationMs / 1000, 0)} s.`,
	);
}

main().catch((error) => {
	console.error(`\n✖ ${error.stack ?? error.message}`);
	process.exit(1);
});
