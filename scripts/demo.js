#!/usr/bin/env node
// `npm run demo` — the main job, headless: a real n8n runs the example workflow, whose ONLYOFFICE Delete
// Opportunities node deletes the lost deals from the stand-in portal; then a table of what was deleted.
const { setUpDemo, step, DELETE_NODE } = require('./lib/demoSetup');
const { textTable } = require('./lib/textTable');

async function main() {
	const { portal, n8n, workflowId } = await setUpDemo();
	try {
		const before = portal.opportunityIds().length;
		step('Running the workflow in n8n (n8n execute)');
		const result = await n8n.execute(workflowId);
		const error = n8n.nodeError(result.execution, DELETE_NODE);
		if (result.exitCode !== 0 || error) {
			throw new Error(`The workflow failed: ${error?.message ?? result.stderr.slice(-2000)}`);
		}
		const deleted = n8n.outputItems(result.execution, DELETE_NODE).map((item) => item.json);
		console.log(
			`\nONLYOFFICE Delete Opportunities output ${deleted.length} deleted opportunities:\n`,
		);
		console.log(
			textTable(deleted, [
				['ID', (d) => d.id],
				['Title', (d) => d.title],
				['Stage', (d) => `${d.stage} (${d.stageType})`],
				['Bid', (d) => `${d.bidValue} ${d.bidCurrency ?? ''}`.trim()],
				['Responsible', (d) => d.responsible],
			]),
		);
		const after = portal.opportunityIds().length;
		const puts = portal.requests.filter((request) => request.method === 'PUT').length;
		console.log(
			`\nThe portal held ${before} opportunities and now holds ${after}; the node sent ${puts} delete request(s).`,
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
