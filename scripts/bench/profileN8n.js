// Profiling aid (not part of `npm run bench`): runs the "this node" workflow of the real-n8n benchmark once with
// n8n under --cpu-prof and prints where the n8n process spent its CPU time.
//   node scripts/bench/profileN8n.js [outDir=/tmp/bench-n8n-prof] [node|http] [distDir (a candidate build)]
'use strict';
require('../lib/registerTypeScript');
const fs = require('node:fs');
const path = require('node:path');
const { startPortal } = require('../../test/portal');
const { createN8nInstance } = require('../../test/e2e/harness');
const { importVariants, OPPORTUNITIES } = require('./realN8n');
const { summarise } = require('./profileSummary');

async function main() {
	const outDir = path.resolve(process.argv[2] ?? '/tmp/bench-n8n-prof');
	const variant = process.argv[3] ?? 'node';
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	const portal = await startPortal({ opportunities: OPPORTUNITIES, seed: 1 });
	const n8n = await createN8nInstance({ name: 'bench-prof', distDir: process.argv[4] });
	try {
		const { workflowId, nodeName } = (await importVariants(n8n, portal.url, portal.token))[variant];
		const result = await n8n.execute(workflowId, {
			env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${outDir} --cpu-prof-interval=200` },
			timeoutMs: 600_000,
		});
		const run = result.execution.data.resultData.runData[nodeName][0];
		console.log(
			`exit ${result.exitCode}; node executionTime ${run.executionTime} ms; portal requests ${portal.requests.length}`,
		);
		for (const file of fs.readdirSync(outDir))
			console.log(`${summarise(path.join(outDir, file), 40)}\n`);
	} finally {
		await n8n.cleanup();
		await portal.stop();
	}
}
main().catch((e) => {
	console.error(e);
	process.exit(1);
});
