#!/usr/bin/env node
// `npm run demo` — the main job, headless: a real n8n runs examples/delete-lost-deals.json, in which ONLYOFFICE
// Get Opportunities finds the deals closed as lost more than 90 days ago and ONLYOFFICE Delete Opportunities
// deletes them from the stand-in portal; then what was found, what was deleted, and the portal's counts.
const { setUpDemo, step, CUTOFF_DAYS, GET_NODE, DELETE_NODE } = require('./lib/demoSetup');
const { textTable } = require('./lib/textTable');

const day = (date) => (date ? String(date).slice(0, 10) : '-');

async function main() {
	const { portal, n8n, workflowId, counts } = await setUpDemo();
	try {
		const before = counts();
		step('Running the workflow in n8n (n8n execute)');
		const result = await n8n.execute(workflowId);
		const error =
			n8n.nodeError(result.execution, GET_NODE) ?? n8n.nodeError(result.execution, DELETE_NODE);
		if (result.exitCode !== 0 || error) {
			throw new Error(`The workflow failed: ${error?.message ?? result.stderr.slice(-2000)}`);
		}
		const found = n8n.outputItems(result.execution, GET_NODE).map((item) => item.json);
		const deleted = n8n.outputItems(result.execution, DELETE_NODE).map((item) => item.json);
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
		const searches = portal.requests.filter((r) => r.path.includes('/crm/opportunity/filter'));
		const puts = portal.requests.filter((r) => r.method === 'PUT');
		console.log(
			`\nThe nodes sent ${searches.length} search request(s) and ${puts.length} delete request(s).`,
		);
	} finally {
		await n8n.cleanup();
		await portal.stop();
	}
}

main().catch((error) => {
	console.error(`\n✖ ${error.message}`);
	process.exit(1);
});
