#!/usr/bin/env node
// `npm run demo` — the main job, headless: a started n8n runs examples/nightly-delete-lost-deals.json from its
// schedule (as the editor's Execute workflow does), in which ONLYOFFICE Get Opportunities reads the whole
// record of each deal closed as lost more than 90 days ago, n8n keeps it (a row in a data table, the files on
// disk) and only then ONLYOFFICE Delete Opportunities deletes the deals from the stand-in portal; then what
// was found, what was deleted, what was kept (the deleted deals' notes and files), and the portal's counts.
// A started n8n, not `n8n execute`: n8n sets data tables up only in `start`, `worker` and `webhook`.
const fs = require('node:fs');
const path = require('node:path');

const { setUpDemo, step, CUTOFF_DAYS, GET_NODE, DELETE_NODE } = require('./lib/demoSetup');
const { dataTableRows, publicApiOf, runOverRest } = require('../test/e2e/harness');
const { textTable } = require('./lib/textTable');

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

/** The kept records (rows of the data table), with their notes and the files found on disk. */
function printKept(rows, keep) {
	const records = rows
		.map((row) => ({ row, record: JSON.parse(row.record) }))
		.sort((a, b) => a.record.id - b.record.id);
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
	const files = records.flatMap(({ record }) =>
		record.history.flatMap((event) => event.files ?? []),
	);
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

async function main() {
	const { portal, n8n, workflowId, keep, counts } = await setUpDemo({ keepRecords: true });
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
