// The restore section of the benchmark (`npm run bench -- --restore`): the 1,000 deals of the whole-record
// section (3 history events, 1 file of 20 KB, 2 tasks, 2 tags and 4 custom-field values each) put back from the
// Delete node's output, in the stand-in portal answering every request after 5 ms.
// Each round, the input is made once: a portal without latency, its deals deleted by the Delete node with
// Record = Whole Record (test/helpers/runNode), whose output items (file bytes base64 in item.binary) go to a
// temp file. Then, each on a fresh portal of the same seed whose deals are deleted by one bulk PUT (the same
// cascade: the same deleted records), two ways, each in a process of its own, only the restore timed:
//   node    the Restore node's execute() through test/helpers/runRestoreNode: wall time, the requests the
//           portal saw, peak RSS growth of that process over its baseline with the input loaded;
//   script  a bare script making the fewest requests the contract (section 6, "Restoring") allows for the same
//           records, with the node's concurrency: its fixed reads once, then per deal POST opportunity (values in
//           customFieldList), the marker tag, PUT creationdate, per file a raw upload, per event POST history,
//           per task POST task (+ close when closed) + creationdate; the deals' own tags last, one
//           `opportunity/taglist` per tag name for every deal carrying it.
// Figures: restoreLimitRatio (node time ÷ script time, medians), restoreRequestRatio (node requests ÷ fewest),
// restorePeakRssMB (the node process's peak RSS growth, median).
//   node scripts/bench/restore.js delete <portalUrl> <token> <deals> <items.json> (makes the input, prints the plan)
//   node scripts/bench/restore.js node <portalUrl> <token> <items.json>           (one node run, prints a JSON line)
//   node scripts/bench/restore.js script <portalUrl> <token> <items.json>         (one script run, prints a JSON line)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { childOf, median, DEALS, LATENCY_MS, RECORDS } = require('./wholeRecord');

/** The node restores RESTORE_CONCURRENCY (= READ_CONCURRENCY, 3) deals at once, each deal's steps in order. */
const CONCURRENCY = 3;
const SEED = 5;
const TARGETS = { maxRequestRatio: 1.2, maxLimitRatio: 1.5, maxPeakRssMB: 300 };
const CRM = '/api/2.0/crm';
/** What the node reads once per run before it writes (portalLists.ts), and the look-alike listing (findRestored.ts). */
const FIXED_READS = [
	'/api/2.0/people/@self.json',
	'/api/2.0/people.json',
	`${CRM}/opportunity/stage.json`,
	`${CRM}/settings/currency.json`,
	`${CRM}/opportunity/customfield/definitions.json`,
	`${CRM}/history/category.json`,
	`${CRM}/task/category.json`,
	`${CRM}/opportunity/tag.json`,
	`${CRM}/opportunity/filter.json`,
];
const MAIL_CATEGORY = -3;
const HEADING = 4;

/** What restoring `items` takes: counted from the records as the node and the script read them. */
function planOf(items) {
	const plan = {
		deals: items.length,
		tags: [],
		events: 0,
		mailEvents: 0,
		files: 0,
		tasks: 0,
		closedTasks: 0,
	};
	const tags = new Map();
	for (const { json } of items) {
		for (const tag of json.tags ?? []) tags.set(tag.trim().toLowerCase(), tag);
		for (const event of json.history ?? []) {
			if (event.category?.id === MAIL_CATEGORY) {
				plan.mailEvents++;
				continue;
			}
			plan.events++;
			plan.files += (event.files ?? []).filter((file) => file.binaryProperty).length;
		}
		plan.tasks += (json.tasks ?? []).length;
		plan.closedTasks += (json.tasks ?? []).filter((task) => task.isClosed === true).length;
	}
	plan.tags = [...tags.values()];
	return plan;
}

/** The fewest requests section 6 allows for `plan` (what the bare script makes). */
function fewestRequests(plan) {
	return (
		FIXED_READS.length +
		plan.deals * 3 + // POST opportunity (values in customFieldList), the marker tag, PUT creationdate
		plan.tags.length + // one taglist per tag name
		plan.files +
		plan.events +
		plan.tasks * 2 + // POST task, PUT creationdate
		plan.closedTasks
	);
}

/** The portal's request log by method and path (IDs as {id}; a deal listing by tag apart from the others). */
function breakdown(requests) {
	const counts = {};
	for (const { method, path: route, query } of requests) {
		let key = `${method} ${route
			.toLowerCase()
			.replace(/^\/api\/2\.0\//, '')
			.replace(/\.json$/, '')
			.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
		if (key === 'GET crm/opportunity/filter' && query && query.tags !== undefined) key += '?tags=…';
		counts[key] = (counts[key] ?? 0) + 1;
	}
	return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

// The restore's input (1,000 records with their files) is large: the child gets a larger heap.
const child = childOf(__filename, { timeout: 900_000, nodeFlags: ['--max-old-space-size=4096'] });

/** Stamps each request the portal logs with when it arrived (the log itself has no times). */
function stampRequests(portal) {
	const { requests } = portal;
	requests.push = (...entries) => {
		for (const entry of entries) entry.at = performance.now();
		return Array.prototype.push.apply(requests, entries);
	};
}

/**
 * Where a run's time went, from the arrival times: the reads before the first write, the writes, and what came
 * after the last write (the node reads the restored deals back for its output).
 */
function timeline(requests) {
	const at = requests.map((r) => r.at).filter((t) => t !== undefined);
	const writes = requests.filter((r) => r.method !== 'GET' && r.at !== undefined);
	if (at.length === 0 || writes.length === 0) return undefined;
	const first = Math.min(...at);
	const last = Math.max(...at);
	const firstWrite = writes[0].at;
	const lastWrite = writes[writes.length - 1].at;
	const tagLists = requests.filter((r) => /\/taglist/.test(r.path));
	return {
		firstToLastRequestMs: last - first,
		readsBeforeFirstWriteMs: firstWrite - first,
		writesMs: lastWrite - firstWrite,
		afterLastWriteMs: last - lastWrite,
		requestsAfterLastWrite: requests.filter((r) => r.at > lastWrite).length,
		tagListRequests: tagLists.length,
	};
}

/** Deletes deals 1…DEALS as the Delete node's delete does (one bulk PUT, the same cascade), then clears the log. */
async function deleteDeals(portal) {
	const response = await fetch(`${portal.url}/api/2.0/crm/opportunity.json`, {
		method: 'PUT',
		headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
		body: JSON.stringify({ opportunityids: Array.from({ length: DEALS }, (_, i) => i + 1) }),
	});
	await response.arrayBuffer();
	if (!response.ok) throw new Error(`the bulk delete answered HTTP ${response.status}`);
	portal.clearRequests();
}

async function benchRestore({ rounds = 3, log }) {
	const { startPortal } = require('../../test/portal');
	const runs = { node: [], script: [] };
	const itemsFile = path.join(os.tmpdir(), `restore-items-${process.pid}.json`);
	let plan;
	try {
		for (let round = 1; round <= rounds; round++) {
			// The input, once per round: not timed, so without latency.
			const source = await startPortal({ opportunities: DEALS, seed: SEED, records: RECORDS });
			let made;
			try {
				made = await child(['delete', source.url, source.token, String(DEALS), itemsFile]);
			} finally {
				await source.stop();
			}
			plan = made.plan;
			log(
				`  round ${round} input: ${plan.deals} deleted records (${plan.events + plan.mailEvents} events, ${plan.files} files, ${plan.tasks} tasks, ${plan.tags.length} tag names), ${(made.fileBytes / 2 ** 20).toFixed(1)} MB of files, made in ${Math.round(made.ms)} ms`,
			);
			for (const variant of ['node', 'script']) {
				const portal = await startPortal({
					opportunities: DEALS,
					seed: SEED,
					records: RECORDS,
					latencyMs: LATENCY_MS,
				});
				try {
					const before = portal.recordCounts();
					await deleteDeals(portal);
					stampRequests(portal);
					const result = await child([variant, portal.url, portal.token, itemsFile]);
					result.portalRequests = portal.requests.length;
					result.maxConcurrentRequests = portal.maxConcurrentRequests;
					result.requestsByPath = breakdown(portal.requests);
					result.timeline = timeline(portal.requests);
					result.fewest = fewestRequests(plan);
					const after = portal.recordCounts();
					result.portalCounts = { before, after };
					// Every deal back (new IDs) with its events (mail events cannot be), tasks and files, none unattached.
					result.restoredDeals = portal.opportunityIds().filter((id) => id > DEALS + 2).length;
					result.unattachedFiles = portal.unattachedFiles().length;
					result.complete =
						result.restoredDeals === plan.deals &&
						after.events === before.events - plan.mailEvents &&
						after.tasks === before.tasks &&
						after.files === before.files &&
						result.unattachedFiles === 0;
					runs[variant].push(result);
					log(
						`  round ${round} ${variant.padEnd(6)} ${Math.round(result.ms)} ms (CPU ${Math.round(result.cpuMs)} ms; ${Math.round(result.timeline?.afterLastWriteMs ?? 0)} ms after the last write), ${result.portalRequests} requests (fewest ${result.fewest}), ${result.restoredDeals} deals back${result.complete ? ' whole' : ' NOT WHOLE'}${variant === 'node' ? `, peak RSS +${result.rssGrowthMB.toFixed(0)} MB, ${result.outputItems} items` : ''}`,
					);
				} finally {
					await portal.stop();
				}
			}
		}
	} finally {
		fs.rmSync(itemsFile, { force: true });
	}
	const nodeMs = median(runs.node.map((r) => r.ms));
	const scriptMs = median(runs.script.map((r) => r.ms));
	return {
		deals: DEALS,
		records: RECORDS,
		latencyMs: LATENCY_MS,
		concurrency: CONCURRENCY,
		plan,
		runs,
		restoreRequestRatio: median(runs.node.map((r) => r.portalRequests / r.fewest)),
		restoreLimitRatio: nodeMs / scriptMs,
		restorePeakRssMB: median(runs.node.map((r) => r.rssGrowthMB)),
		medians: { nodeMs, scriptMs },
	};
}

function printRestore(result, { log, table, fmt }) {
	log(
		`\nRestore, ${result.deals} deals (3 events, 1 file of 20 KB, 2 tasks, 2 tags, 4 values each), ${result.latencyMs} ms per request, ${result.concurrency} deals at once:`,
	);
	log(
		`  node ${fmt(result.medians.nodeMs)} ms, script ${fmt(result.medians.scriptMs)} ms (medians); requests ÷ fewest ${fmt(result.restoreRequestRatio, 2)}; time ÷ script ${fmt(result.restoreLimitRatio, 2)}; peak RSS +${fmt(result.restorePeakRssMB, 0)} MB`,
	);
	const med = (runs, of) => median(runs.map(of).filter((x) => x !== undefined));
	for (const variant of ['node', 'script']) {
		const runs = result.runs[variant];
		log(
			`  ${variant}: CPU ${fmt(med(runs, (r) => r.cpuMs))} ms in its process; reads before the first write ${fmt(med(runs, (r) => r.timeline?.readsBeforeFirstWriteMs))} ms, writes ${fmt(med(runs, (r) => r.timeline?.writesMs))} ms, after the last write ${fmt(med(runs, (r) => r.timeline?.afterLastWriteMs))} ms (${fmt(med(runs, (r) => r.timeline?.requestsAfterLastWrite))} requests) (medians, portal clock)`,
		);
	}
	const node = result.runs.node[0]?.requestsByPath ?? {};
	const script = result.runs.script[0]?.requestsByPath ?? {};
	const rows = [...new Set([...Object.keys(node), ...Object.keys(script)])].map((key) => ({
		key,
		node: node[key] ?? 0,
		script: script[key] ?? 0,
	}));
	log('\n  Requests by path (first round):\n');
	log(
		table(
			[
				...rows,
				{
					key: 'all',
					node: result.runs.node[0]?.portalRequests,
					script: result.runs.script[0]?.portalRequests,
				},
			],
			[
				['Request', (r) => r.key],
				['Node', (r) => fmt(r.node)],
				['Script', (r) => fmt(r.script)],
				['Node − script', (r) => fmt(r.node - r.script)],
			],
		),
	);
}

function restoreTargetRows(result, fmt) {
	const all = [...result.runs.node, ...result.runs.script];
	return [
		{
			target: 'restore: every deal back whole (node and script)',
			value: result.runs.node
				.map((r) => `${r.outputItems} items, ${r.restoredDeals} deals`)
				.join('; '),
			met:
				all.every((r) => r.complete) &&
				result.runs.node.every((r) => r.outputItems === result.deals && r.outputOk),
		},
		{
			target: 'restore: requests ÷ fewest ≤ 1.2',
			value: fmt(result.restoreRequestRatio, 2),
			met: result.restoreRequestRatio <= TARGETS.maxRequestRatio,
		},
		{
			target: 'restore: time ÷ bare script ≤ 1.5',
			value: fmt(result.restoreLimitRatio, 2),
			met: result.restoreLimitRatio <= TARGETS.maxLimitRatio,
		},
		{
			target: 'restore: peak RSS growth ≤ 300 MB (as whole record)',
			value: `${fmt(result.restorePeakRssMB, 0)} MB`,
			met: result.restorePeakRssMB <= TARGETS.maxPeakRssMB,
		},
	];
}

/** The input: the Delete node with Record = Whole Record over deals 1…N; its output items go to `itemsFile`. */
async function deleteRun(portalUrl, token, deals, itemsFile) {
	require('../lib/registerTypeScript');
	const { runNode } = require('../../test/helpers/runNode');
	const start = performance.now();
	const { output } = await runNode({
		items: [{ ids: Array.from({ length: deals }, (_, i) => i + 1) }],
		opportunityIds: (json) => json.ids,
		options: { record: 'wholeRecord' },
		credentials: { portalUrl, authMethod: 'apiToken', apiToken: token },
	});
	const ms = performance.now() - start;
	const items = output.map(({ json, binary }) => ({ json, ...(binary && { binary }) }));
	fs.writeFileSync(itemsFile, JSON.stringify(items));
	const fileBytes = items.reduce(
		(sum, item) =>
			sum +
			Object.values(item.binary ?? {}).reduce(
				(n, b) => n + Buffer.from(b.data, 'base64').length,
				0,
			),
		0,
	);
	return { ms, plan: planOf(items), fileBytes };
}

/** The process's CPU time (user + system) since `from`, in ms. */
const cpuMsSince = (from) => {
	const { user, system } = process.cpuUsage(from);
	return (user + system) / 1000;
};

const readItems = (itemsFile) => JSON.parse(fs.readFileSync(itemsFile, 'utf8'));

/** One node run: the Restore node with its defaults over the kept items; only execute() is timed. */
async function nodeRun(portalUrl, token, itemsFile) {
	require('../lib/registerTypeScript');
	const { runRestoreNode, lastHints } = require('../../test/helpers/runRestoreNode');
	let items = readItems(itemsFile);
	global.gc();
	const base = process.memoryUsage().rss;
	let peak = base;
	const timer = setInterval(() => {
		peak = Math.max(peak, process.memoryUsage().rss);
	}, 2);
	const cpu = process.cpuUsage();
	const start = performance.now();
	const output = await runRestoreNode({
		items,
		credentials: { portalUrl, authMethod: 'apiToken', apiToken: token },
	});
	const ms = performance.now() - start;
	const cpuMs = cpuMsSince(cpu);
	peak = Math.max(peak, process.memoryUsage().rss);
	clearInterval(timer);
	const notRestored = {};
	for (const item of output)
		for (const entry of item.json.notRestored ?? [])
			notRestored[entry.part] = (notRestored[entry.part] ?? 0) + 1;
	const outputOk = output.every(
		(item, at) =>
			Number.isInteger(item.json.id) &&
			item.json.restoredFrom?.id === items[at].json.id &&
			item.json.alreadyRestored === false &&
			item.json.readBack !== false,
	);
	items = undefined;
	return {
		ms,
		cpuMs,
		outputItems: output.length,
		outputOk,
		notRestored,
		hint: lastHints.map((hint) => hint.message).join(' '),
		rssGrowthMB: (peak - base) / 2 ** 20,
	};
}

/**
 * The fewest requests for the same records, with the node's concurrency. The node (restoreOpportunities.ts)
 * restores CONCURRENCY deals at a time, in batches of 100 (each deal created, marked and dated; the batch's tags,
 * one taglist per tag name; then each deal's history and tasks). The script keeps CONCURRENCY deals in flight
 * without batches, each deal's steps one after another (an event's file before the event, a task before its
 * close), and tags every deal last, once all exist: one taglist per tag name for the whole run.
 */
async function scriptRun(portalUrl, token, itemsFile) {
	const items = readItems(itemsFile);
	const headers = { Authorization: token };
	const call = async (method, route, body, extraHeaders = {}) => {
		const raw = Buffer.isBuffer(body);
		const response = await fetch(`${portalUrl}${route}`, {
			method,
			headers: {
				...headers,
				...(body !== undefined && !raw && { 'Content-Type': 'application/json' }),
				...extraHeaders,
			},
			body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`${method} ${route}: HTTP ${response.status} ${text}`);
		return JSON.parse(text).response;
	};
	const set = (date) =>
		typeof date === 'string' && !date.startsWith('0001-01-01') ? date : undefined;
	const pool = async (list, work) => {
		let next = 0;
		const worker = async () => {
			while (next < list.length) await work(list[next++]);
		};
		await Promise.all(Array.from({ length: Math.min(CONCURRENCY, list.length) }, worker));
	};
	const cpu = process.cpuUsage();
	const start = performance.now();
	// The node's fixed reads, at once as the node makes them (the records need nothing from them here).
	await Promise.all(FIXED_READS.map((route) => call('GET', route)));
	const newIds = new Map();
	await pool(items, async ({ json: deal, binary }) => {
		const body = {
			title: deal.title,
			description: deal.description ?? '',
			responsibleid: deal.responsible.id,
			stageid: deal.stage.id,
			bidCurrencyAbbr: deal.bidCurrency.abbreviation,
			bidType: deal.bidType ?? 0,
			bidValue: deal.bidValue ?? 0,
			perPeriodValue: deal.perPeriodValue ?? 0,
			successProbability: deal.successProbability ?? 0,
			members: (deal.members ?? []).map((member) => member.id),
			customFieldList: (deal.customFields ?? [])
				.filter((value) => value.fieldType !== HEADING && value.fieldValue !== '')
				.map((value) => ({ key: value.id, value: String(value.fieldValue) })),
			actualCloseDate: set(deal.actualCloseDate),
			expectedCloseDate: set(deal.expectedCloseDate),
			contactid: deal.contact?.id,
			isNotify: false,
			...(deal.isPrivate === true && {
				isPrivate: true,
				accessList: deal.accessList.map((user) => user.id),
			}),
		};
		const { id } = await call('POST', `${CRM}/opportunity.json`, body);
		newIds.set(deal.id, id);
		await call('POST', `${CRM}/opportunity/${id}/tag.json`, {
			tagName: `restored-from-${deal.id}`,
		});
		await call('PUT', `${CRM}/opportunity/${id}/creationdate.json`, {
			creationDate: deal.created,
		});
		for (const event of deal.history ?? []) {
			if (event.category?.id === MAIL_CATEGORY) continue;
			const fileId = [];
			for (const file of event.files ?? []) {
				if (!file.binaryProperty) continue;
				const kept = binary[file.binaryProperty];
				const uploaded = await call(
					'POST',
					`${CRM}/opportunity/${id}/files/upload.json?storeOriginalFileFlag=true`,
					Buffer.from(kept.data, 'base64'),
					{
						'Content-Type': kept.mimeType || 'application/octet-stream',
						'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.title)}`,
					},
				);
				fileId.push(uploaded.id);
			}
			await call('POST', `${CRM}/history.json`, {
				entityType: 'opportunity',
				entityId: id,
				content: event.content,
				categoryId: event.category.id,
				created: event.created,
				fileId,
				...(event.contact?.id !== undefined && { contactId: event.contact.id }),
			});
		}
		for (const task of deal.tasks ?? []) {
			const made = await call('POST', `${CRM}/task.json`, {
				title: task.title,
				description: task.description ?? '',
				deadline: task.deadLine,
				responsibleId: task.responsible.id,
				categoryId: task.category.id,
				entityType: 'opportunity',
				entityId: id,
				alertValue: task.alertValue ?? 0,
				isNotify: false,
				...(task.contact?.id !== undefined && { contactId: task.contact.id }),
			});
			if (task.isClosed === true) await call('PUT', `${CRM}/task/${made.id}/close.json`, {});
			await call('PUT', `${CRM}/task/${made.id}/creationdate.json`, {
				creationDate: task.created,
			});
		}
	});
	const byTag = new Map();
	for (const { json: deal } of items)
		for (const tag of deal.tags ?? []) {
			const key = tag.trim().toLowerCase();
			if (!byTag.has(key)) byTag.set(key, { tag, ids: [] });
			byTag.get(key).ids.push(newIds.get(deal.id));
		}
	await pool([...byTag.values()], ({ tag, ids }) =>
		call('POST', `${CRM}/opportunity/taglist.json`, { entityid: ids, tagName: tag }),
	);
	return { ms: performance.now() - start, cpuMs: cpuMsSince(cpu), deals: newIds.size };
}

if (require.main === module) {
	const [mode, portalUrl, token, ...rest] = process.argv.slice(2);
	const run =
		mode === 'delete'
			? deleteRun(portalUrl, token, Number(rest[0]), rest[1])
			: mode === 'node'
				? nodeRun(portalUrl, token, rest[0])
				: scriptRun(portalUrl, token, rest[0]);
	run.then(
		(result) => console.log(JSON.stringify(result)),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { benchRestore, printRestore, restoreTargetRows, DEALS };
