// Profiling aid (not part of `npm run bench`): runs the "this node" workflow of the real-n8n benchmark once with
// n8n under --cpu-prof and prints where the n8n process spent its CPU time.
//   node scripts/bench/profileN8n.js [outDir=/tmp/bench-n8n-prof] [node|http] [distDir (a candidate build)]
'use strict';
require('../lib/registerTypeScript');
const fs = require('node:fs');
const path = require('node:path');
const { startPortal } = require('../../test/portal');
const { createN8nInstance, PACKAGE_NAME } = require('../../test/e2e/harness');
const { summarise } = require('./profileSummary');

async function main() {
	const outDir = path.resolve(process.argv[2] ?? '/tmp/bench-n8n-prof');
	const variant = process.argv[3] ?? 'node';
	fs.rmSync(outDir, { recursive: true, force: true });
	fs.mkdirSync(outDir, { recursive: true });
	const portal = await startPortal({ opportunities: 5000, seed: 1 });
	const n8n = await createN8nInstance({ name: 'bench-prof', distDir: process.argv[4] });
	try {
		const [credId] = await n8n.importCredentials([
			variant === 'node'
				? { name: 'c', type: 'onlyofficeApi', data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token } }
				: { name: 'c', type: 'httpHeaderAuth', data: { name: 'Authorization', value: portal.token } },
		]);
		const last =
			variant === 'node'
				? { name: 'Delete', type: `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`, typeVersion: 1, parameters: { opportunityIds: '={{ $json.id }}', options: {} }, credentials: { onlyofficeApi: { id: credId, name: 'c' } } }
				: { name: 'Delete', type: 'n8n-nodes-base.httpRequest', typeVersion: 4.5, parameters: { method: 'DELETE', url: `=${portal.url}/api/2.0/crm/opportunity/{{ $json.id }}.json`, authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth', options: {} }, credentials: { httpHeaderAuth: { id: credId, name: 'c' } } };
		const id = await n8n.importWorkflow({
			name: 'profile',
			nodes: [
				{ id: 'p1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{ id: 'p2', name: 'Code', type: 'n8n-nodes-base.code', typeVersion: 2, position: [200, 0], parameters: { jsCode: 'return Array.from({ length: 5000 }, (_, i) => ({ json: { id: i + 1 } }));' } },
				{ id: 'p3', position: [400, 0], ...last },
			],
			connections: { Start: { main: [[{ node: 'Code', type: 'main', index: 0 }]] }, Code: { main: [[{ node: 'Delete', type: 'main', index: 0 }]] } },
		});
		const result = await n8n.execute(id, { env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${outDir} --cpu-prof-interval=200` }, timeoutMs: 600_000 });
		const run = result.execution.data.resultData.runData.Delete[0];
		console.log(`exit ${result.exitCode}; node executionTime ${run.executionTime} ms; portal requests ${portal.requests.length}`);
		for (const file of fs.readdirSync(outDir)) console.log(`${summarise(path.join(outDir, file), 40)}\n`);
	} finally {
		await n8n.cleanup();
		await portal.stop();
	}
}
main().catch((e) => {
	console.error(e);
	process.exit(1);
});
