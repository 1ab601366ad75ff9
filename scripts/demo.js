#!/usr/bin/env node
// `npm run demo` — the main job, headless: a started n8n runs examples/nightly-delete-lost-deals.json from its
// schedule (as the editor's Execute workflow does), in which ONLYOFFICE Get Opportunities reads the whole
// record of each deal closed as lost more than 90 days ago, n8n keeps it (a row in a data table, the files on
// disk) and only then ONLYOFFICE Delete Opportunities deletes the deals from the stand-in portal; then what
// was found, what was deleted, what was kept (the deleted deals' notes and files), and the portal's counts.
// Last, examples/restore-deleted-deals.json brings one deleted deal back from its data table row and its files
// on disk (ONLYOFFICE Restore Opportunities), shows it as read back (history, files byte for byte, tasks, what
// could not come back), and runs once more to show that a second run creates nothing.
// A started n8n, not `n8n execute`: n8n sets data tables up only in `start`, `worker` and `webhook`.
const fs = require('node:fs');
const path = require('node:path');

const { setUpDemo, step, CUTOFF_DAYS, GET_NODE, DELETE_NODE } = require('./lib/demoSetup');
const { dataTableRows, publicApiOf, runOverRest } = require('../test/e2e/harness');
const { textTable } = require('./lib/textTable');
const { runRestoreExample } = require('./lib/demoRestore');

const day = (date) => (date ? String(date).slice(0, 10) : '-');
const TRIGGER = 'Every day at 02:00';
/** Text of a note as ONLYOFFICE stores it (HTML), on one line and short enough for a table. */
const shortText = (text, max = 60) => {
	const plain = String(text ?? '')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
};

const filesOf = (record) => record.history.flatMap((event) => event.files ?? []);

/** The kept records (rows of the data table), with their notes and the files found on disk. */
function printKept(rows, keep) {
	const records = keptRecords(rows);
	console.log(
		`\nKept before the delete: ${rows.length} row(s) in the data table "${keep.table}" (the whole record as JSON), ` +
			`files in ${keep.folder}:\n`,
	);
	console.log(
		textTable(records, [
			['Deal', ({ record }) => record.id],
			['Title', ({ record }) => record.title],
			['Events', ({ record }) => record.history.length],
			['Files', ({ record }) => record.history.flatMap((e) => e.files ?? []).length],
			['Tasks', ({ record }) => record.tasks.length],
			['Tags', ({ record }) => record.tags.join(', ') || '-'],
			['Kept at', ({ row }) => new Date(row.keptAt).toISOString().slice(0, 19)],
		]),
	);
	const events = records.flatMap(({ record }) =>
		record.history.map((event) => ({ deal: record.id, event })),
	);
	console.log(`\nTheir history (notes, calls, mails), ${events.length} event(s), as kept:\n`);
	console.log(
		textTable(events, [
			['Deal', ({ deal }) => deal],
			['Date', ({ event }) => day(event.created)],
			['Category', ({ event }) => event.category?.title ?? '-'],
			['Text', ({ event }) => shortText(event.content)],
			['Files', ({ event }) => (event.files ?? []).map((f) => f.title).join(', ') || '-'],
		]),
	);
	const files = records.flatMap(({ record }) => filesOf(record));
	console.log(`\nTheir files, ${files.length}, on disk:\n`);
	console.log(
		textTable(
			files.map((file) => {
				const onDisk = path.join(keep.folder, file.fileKey);
				const size = fs.existsSync(onDisk) ? fs.statSync(onDisk).size : undefined;
				return { file, onDisk, size };
			}),
			[
				['File', ({ onDisk }) => path.relative(path.dirname(keep.folder), onDisk)],
				['Bytes', ({ size }) => size ?? 'missing'],
				['Size in record', ({ file }) => file.pureContentLength ?? '-'],
			],
			{ figuresRight: true },
		),
	);
	const missing = files.filter((file) => !fs.existsSync(path.join(keep.folder, file.fileKey)));
	if (missing.length > 0) {
		throw new Error(
			`${missing.length} kept file(s) are not on disk: ${missing.map((f) => f.fileKey).join(', ')}`,
		);
	}
}

/** The data table's rows with their records parsed, by old deal ID. */
function keptRecords(rows) {
	return rows
		.map((row) => ({ row, record: JSON.parse(row.record) }))
		.sort((a, b) => a.record.id - b.record.id);
}

/** The deleted deal the demo restores: the one kept with the most files, then events, then tasks. */
function dealToRestore(rows) {
	const weight = ({ record }) => [
		filesOf(record).length,
		record.history.length,
		record.tasks.length,
	];
	const [chosen] = keptRecords(rows).sort((a, b) => {
		const [x, y] = [weight(a), weight(b)];
		return y[0] - x[0] || y[1] - x[1] || y[2] - x[2] || a.record.id - b.record.id;
	});
	if (!chosen) throw new Error('The data table holds no kept record to restore');
	return chosen.record;
}

/** A file's bytes as any client reads them: its viewUrl, with the token in Authorization. */
async function download(portal, file) {
	const response = await fetch(file.viewUrl, { headers: { Authorization: portal.token } });
	if (!response.ok) throw new Error(`GET ${file.viewUrl} answered ${response.status}`);
	return Buffer.from(await response.arrayBuffer());
}

/** The restored deal as the Restore node output it (read back whole), compared with its kept record. */
async function printRestored(deal, kept, keep, portal) {
	const { id: oldId, archivedAt } = deal.restoredFrom;
	console.log(
		`\nONLYOFFICE Restore Opportunities put deal ${oldId} (kept at ${archivedAt.slice(0, 19)}) back as deal ${deal.id}:\n`,
	);
	console.log(
		textTable(
			[
				['Title', kept.title, deal.title],
				['ID', oldId, deal.id],
				['Stage', kept.stage?.title, deal.stage?.title],
				[
					'Bid',
					`${kept.bidValue} ${kept.bidCurrency?.abbreviation}`,
					`${deal.bidValue} ${deal.bidCurrency?.abbreviation}`,
				],
				['Responsible', kept.responsible?.displayName, deal.responsible?.displayName],
				['Created', day(kept.created), day(deal.created)],
				['Closed', day(kept.actualCloseDate), day(deal.actualCloseDate)],
				['Tags', kept.tags.join(', ') || '-', deal.tags.join(', ') || '-'],
				['Events', kept.history.length, deal.history.length],
				['Files', filesOf(kept).length, filesOf(deal).length],
				['Tasks', kept.tasks.length, deal.tasks.length],
			],
			[
				['', (row) => row[0]],
				['Kept record', (row) => row[1] ?? '-'],
				['Restored deal (read back)', (row) => row[2] ?? '-'],
			],
		),
	);
	const second = (date) => Math.floor(Date.parse(date) / 1000);
	const keptEvent = (event) =>
		kept.history.find(
			(k) => k.content === event.content && second(k.created) === second(event.created),
		);
	console.log(
		`\nIts history as read back from the portal, ${deal.history.length} event(s) (the restoring user is the author now):\n`,
	);
	console.log(
		textTable(deal.history, [
			['Date', (event) => day(event.created)],
			['Category', (event) => event.category?.title ?? '-'],
			['Text', (event) => shortText(event.content)],
			['Files', (event) => (event.files ?? []).map((f) => f.title).join(', ') || '-'],
			['Author before', (event) => keptEvent(event)?.createBy?.displayName ?? '-'],
			['Author now', (event) => event.createBy?.displayName ?? '-'],
		]),
	);
	const keptFiles = filesOf(kept);
	const files = [];
	for (const file of filesOf(deal)) {
		const bytes = await download(portal, file);
		const original = keptFiles.find((k) => k.title === file.title);
		const onDisk = original && fs.readFileSync(path.join(keep.folder, original.fileKey));
		files.push({ file, bytes, original, same: onDisk !== undefined && onDisk.equals(bytes) });
	}
	console.log(
		`\nIts files, ${files.length}, downloaded from the portal and compared with the kept ones on disk:\n`,
	);
	console.log(
		textTable(files, [
			['File', ({ file }) => file.title],
			['Old file ID', ({ original }) => original?.id ?? '-'],
			['New file ID', ({ file }) => file.id],
			['Bytes', ({ bytes }) => bytes.length],
			['Same bytes as on disk', ({ same }) => (same ? 'yes' : 'NO')],
		]),
	);
	console.log(`\nIts tasks as read back, ${deal.tasks.length}:\n`);
	console.log(
		textTable(deal.tasks, [
			['Title', (task) => task.title],
			['Deadline', (task) => day(task.deadLine)],
			['Closed', (task) => (task.isClosed ? 'yes' : 'no')],
			['Created', (task) => day(task.created)],
			['Responsible', (task) => task.responsible?.displayName ?? '-'],
		]),
	);
	const notRestored = deal.notRestored ?? [];
	console.log(
		notRestored.length === 0
			? '\nnotRestored is empty: everything the record holds that a restore can put back came back.'
			: `\nWhat could not be put back as it was (notRestored), ${notRestored.length}:\n\n` +
					textTable(notRestored, [
						['Part', (n) => n.part],
						['ID', (n) => n.id ?? '-'],
						['Reason', (n) => n.reason],
					]),
	);
	const wrong = files.filter((f) => !f.same);
	if (files.length !== keptFiles.length || wrong.length > 0) {
		throw new Error(
			`The restored deal ${deal.id} has ${files.length} file(s), ${wrong.length} unlike the kept ones; the record kept ${keptFiles.length}`,
		);
	}
	if (deal.history.length !== kept.history.length || deal.tasks.length !== kept.tasks.length) {
		throw new Error(`The restored deal ${deal.id} lacks history events or tasks of its record`);
	}
}

async function main() {
	const { portal, n8n, workflowId, workflow, keep, counts } = await setUpDemo({
		keepRecords: true,
	});
	try {
		const before = counts();
		step('Starting n8n (n8n start: data tables need a started n8n, not n8n execute)');
		const server = await n8n.startServer();
		await server.signInAsOwner();
		const api = await publicApiOf(server, 'demo');
		step(`Running the workflow from "${TRIGGER}" (as the editor's Execute workflow does)`);
		const execution = await runOverRest(server, api, workflowId, TRIGGER);
		if (execution.status !== 'success') {
			const error = execution.data.resultData.error;
			throw new Error(
				`The workflow failed (${execution.status}): ${error?.message ?? 'no error given'}` +
					(error?.node?.name ? ` in "${error.node.name}"` : ''),
			);
		}
		const found = n8n.outputItems(execution, GET_NODE).map((item) => item.json);
		const deleted = n8n.outputItems(execution, DELETE_NODE).map((item) => item.json);
		const closedOn = new Map(found.map((deal) => [deal.id, day(deal.actualCloseDate)]));
		console.log(
			`\nONLYOFFICE Get Opportunities found ${found.length} lost deals closed more than ${CUTOFF_DAYS} days ago; ` +
				`ONLYOFFICE Delete Opportunities deleted ${deleted.length}:\n`,
		);
		console.log(
			textTable(deleted, [
				['ID', (d) => d.id],
				['Title', (d) => d.title],
				['Stage', (d) => `${d.stage} (${d.stageType})`],
				['Closed', (d) => closedOn.get(d.id) ?? 'not found by the search'],
				['Bid', (d) => `${d.bidValue} ${d.bidCurrency ?? ''}`.trim()],
				['Responsible', (d) => d.responsible],
			]),
		);
		printKept((await dataTableRows(api, keep.table)) ?? [], keep);
		const after = counts();
		console.log('\nLost deals still in the portal:\n');
		console.log(
			textTable(after.lostDeals, [
				['ID', (d) => d.id],
				['Title', (d) => d.title],
				['Closed', (d) => day(d.actualCloseDate && new Date(d.actualCloseDate).toISOString())],
			]),
		);
		console.log('\nThe portal before and after the run:\n');
		console.log(
			textTable(
				[
					['Opportunities', before.all, after.all],
					['  lost', before.lost, after.lost],
					[
						`  lost, closed over ${CUTOFF_DAYS} days ago`,
						before.lostOverCutoff,
						after.lostOverCutoff,
					],
				],
				[
					['', (row) => row[0]],
					['Before', (row) => row[1]],
					['After', (row) => row[2]],
				],
				{ figuresRight: true },
			),
		);
		// The search's own pages; the filter asked per tag belongs to reading the records.
		const searches = portal.requests.filter(
			(r) => r.path.includes('/crm/opportunity/filter') && r.query.tags === undefined,
		);
		const puts = portal.requests.filter((r) => r.method === 'PUT');
		console.log(
			`\nThe nodes sent ${searches.length} search request(s), ${puts.length} delete request(s) and ` +
				`${portal.requests.length - searches.length - puts.length} to read the whole records (field definitions, tags, history, tasks, files).`,
		);

		const rows = (await dataTableRows(api, keep.table)) ?? [];
		const kept = dealToRestore(rows);
		const credential = workflow.nodes.find((node) => node.credentials?.onlyofficeApi).credentials
			.onlyofficeApi;
		const restore = await runRestoreExample(server, api, credential, {
			dealIds: [kept.id],
			folder: keep.folder,
			table: keep.table,
		});
		step(
			`Restoring deal ${kept.id} with examples/${restore.example} (its old ID typed in, the folder and table set): ` +
				'its data table row and its files on disk go to ONLYOFFICE Restore Opportunities',
		);
		const beforeRestore = { deals: counts().all, requests: portal.requests.length };
		const restored = n8n
			.outputItems(await restore.run(), restore.restoreNode)
			.map((item) => item.json);
		if (restored.length !== 1 || restored[0].alreadyRestored !== false) {
			throw new Error(
				`ONLYOFFICE Restore Opportunities output ${restored.length} item(s): ${JSON.stringify(restored).slice(0, 300)}`,
			);
		}
		const writes = portal.requests
			.slice(beforeRestore.requests)
			.filter((r) => r.method !== 'GET').length;
		await printRestored(restored[0], kept, keep, portal);
		console.log(
			`\nThe restore sent ${portal.requests.length - beforeRestore.requests} request(s), ${writes} of them writes ` +
				`(the deal, its date, tags, uploads, events, tasks); the portal now holds ${counts().all} opportunities ` +
				`(${beforeRestore.deals} before the restore).`,
		);
		step(
			`Running examples/${restore.example} again with the same ID (as a user who is not sure it ran)`,
		);
		const again = { deals: counts().all, requests: portal.requests.length };
		const second = n8n
			.outputItems(await restore.run(), restore.restoreNode)
			.map((item) => item.json);
		const secondWrites = portal.requests
			.slice(again.requests)
			.filter((r) => r.method !== 'GET').length;
		console.log(
			`\n${second.map((d) => `Deal ${d.restoredFrom.id}: found as deal ${d.id} by its tag restored-from-${d.restoredFrom.id}, alreadyRestored ${d.alreadyRestored}`).join('\n')}; ` +
				`${secondWrites} write request(s), ${counts().all - again.deals} opportunities created.`,
		);
		if (second[0]?.id !== restored[0].id || secondWrites > 0 || counts().all !== again.deals) {
			throw new Error('The second restore run changed the portal');
		}
	} finally {
		await n8n.cleanup();
		await portal.stop();
		keep.removeFiles();
	}
}

main().catch((error) => {
	console.error(`\n✖ ${error.message}`);
	process.exit(1);
});
