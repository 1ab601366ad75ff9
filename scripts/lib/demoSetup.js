// What `npm run demo` and `npm start` share: a built package, n8n (installed on first use), a seeded
// stand-in portal, and a scratch n8n holding a ready ONLYOFFICE credential and the example workflow.
require('./registerTypeScript');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const { startPortal } = require('../../test/portal');
const {
	createN8nInstance,
	ensureN8nInstalled,
	linearWorkflow,
	PACKAGE_NAME,
} = require('../../test/e2e/harness');

const REPO_ROOT = path.resolve(__dirname, '../..');
const DELETE_NODE = 'Delete Opportunities';

function step(message) {
	console.log(`\n▶ ${message}`);
}

/** The opportunities a user would pick for deletion: the portal's deals closed as lost, read through its API. */
async function lostDeals(portal, count) {
	const response = await fetch(
		`${portal.url}/api/2.0/crm/opportunity/filter.json?stageType=2&count=${count}`,
		{
			headers: { Authorization: portal.token },
		},
	);
	const { response: deals } = await response.json();
	return deals.map((deal) => ({ id: deal.id, title: deal.title }));
}

/** Manual Trigger → "Lost deals" (a Code node listing them) → ONLYOFFICE Delete Opportunities. */
function exampleWorkflow(credentialId, deals) {
	return linearWorkflow('Delete lost ONLYOFFICE deals', [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Lost deals',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: `// The deals to delete, as a CRM export or a filter would deliver them.\nreturn ${JSON.stringify(deals, null, 1)}.map((deal) => ({ json: deal }));`,
			},
		},
		{
			name: DELETE_NODE,
			type: `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`,
			typeVersion: 1,
			parameters: {
				opportunityIds: '={{ $json.id }}',
				options: { deleteLimit: 100, simplify: true },
			},
			credentials: { onlyofficeApi: { id: credentialId, name: 'ONLYOFFICE (stand-in portal)' } },
		},
	]);
}

async function setUpDemo({ portalPort = 0, deals = 25 } = {}) {
	step('Building the package (npm run build)');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
	step('Checking n8n (installed into .cache/ on the first run: about 5 minutes)');
	ensureN8nInstalled();
	step('Starting the stand-in ONLYOFFICE portal (2,500 seeded opportunities)');
	const portal = await startPortal({ port: portalPort, opportunities: 2500, seed: 1 });
	console.log(`  ${portal.url}`);
	step('Preparing n8n: the package, an ONLYOFFICE credential and the example workflow');
	const n8n = await createN8nInstance({ name: 'demo' });
	const [credentialId] = await n8n.importCredentials([
		{
			name: 'ONLYOFFICE (stand-in portal)',
			type: 'onlyofficeApi',
			data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
		},
	]);
	const workflowId = await n8n.importWorkflow(
		exampleWorkflow(credentialId, await lostDeals(portal, deals)),
	);
	return { portal, n8n, workflowId };
}

module.exports = { setUpDemo, step, DELETE_NODE };
