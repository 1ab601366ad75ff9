// What `npm run demo` and `npm start` share: a built package, n8n (installed on first use), a seeded
// stand-in portal, and a scratch n8n holding a ready ONLYOFFICE credential and a shipped example workflow
// (examples/delete-lost-deals.json, or with `keepRecords` examples/nightly-delete-lost-deals.json: the very
// file a user imports).
require('./registerTypeScript');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startPortal } = require('../../test/portal');
const { createN8nInstance, ensureN8nInstalled } = require('../../test/e2e/harness');
const {
	EXAMPLE_DELETE_NODE,
	EXAMPLE_GET_NODE,
	MANUAL_EXAMPLE,
	NIGHTLY_EXAMPLE,
	readExampleWorkflow,
} = require('../../test/e2e/exampleWorkflows');

const REPO_ROOT = path.resolve(__dirname, '../..');
const DAY = 86_400_000;
/** How far back the example's Close Date To reaches: `{{ $now.minus({ days: 90 }) }}`. */
const CUTOFF_DAYS = 90;
const CREDENTIAL_NAME = 'ONLYOFFICE (stand-in portal)';
/**
 * Lost deals added to the seed, days after their close: the seed's own lost deals all closed more than a year
 * ago, so without these every lost deal would go and the date filter would change nothing.
 */
const RECENT_LOSSES = [3, 30, 89, 120];

function step(message) {
	console.log(`\n▶ ${message}`);
}

/** The portal's stages, read through its API as any client would. */
async function portalStages(portal) {
	const response = await fetch(`${portal.url}/api/2.0/crm/opportunity/stage.json`, {
		headers: { Authorization: portal.token },
	});
	if (!response.ok) throw new Error(`GET crm/opportunity/stage answered ${response.status}`);
	return (await response.json()).response;
}

/**
 * What the portal holds, counted from its store: every deal, the lost ones, and the lost ones closed more than
 * 90 days before `now` (the ones the example deletes).
 */
function dealCounts(portal, stages, now = Date.now()) {
	const lostStages = new Set(stages.filter((s) => s.stageType === 2).map((s) => s.id));
	const deals = portal.opportunityIds().map((id) => portal.getOpportunity(id));
	const lost = deals.filter((deal) => lostStages.has(deal.stageId));
	const old = lost.filter(
		(deal) => deal.actualCloseDate !== null && deal.actualCloseDate < now - CUTOFF_DAYS * DAY,
	);
	return { all: deals.length, lost: lost.length, lostOverCutoff: old.length, lostDeals: lost };
}

/** The nightly example's settings node: where a user says which folder and data table keep the records. */
const KEEP_SETTINGS_NODE = 'Where to keep the records';

/**
 * The nightly example as shipped, but for its settings node's `folder` (what a user sets before publishing).
 * Returns the workflow and the data table's name, as shipped.
 */
function nightlyExampleKeepingIn(folder, credential) {
	const workflow = readExampleWorkflow(NIGHTLY_EXAMPLE, credential);
	const settings = workflow.nodes.find((node) => node.name === KEEP_SETTINGS_NODE);
	const assignments = settings?.parameters.assignments?.assignments ?? [];
	const folderSetting = assignments.find((a) => a.name === 'folder');
	const tableSetting = assignments.find((a) => a.name === 'table');
	if (!folderSetting || !tableSetting) {
		throw new Error(`${NIGHTLY_EXAMPLE}: "${KEEP_SETTINGS_NODE}" sets no folder or table`);
	}
	folderSetting.value = folder;
	return { workflow, table: tableSetting.value };
}

/**
 * `keepRecords`: the portal's deals have whole records (history with files, tasks) and the workflow is the
 * nightly example, keeping each record in a data table and its files in a scratch folder (the only one the
 * scratch n8n may write to, as N8N_RESTRICT_FILE_ACCESS_TO) before deleting the deals.
 */
async function setUpDemo({ portalPort = 0, keepRecords = false } = {}) {
	step('Building the package (npm run build)');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: REPO_ROOT, stdio: 'inherit' });
	step('Checking n8n (installed into .cache/ on the first run: about 5 minutes)');
	ensureN8nInstalled();
	step(
		`Starting the stand-in ONLYOFFICE portal (200 seeded opportunities, ${RECENT_LOSSES.length} lost recently)`,
	);
	const portal = await startPortal({
		port: portalPort,
		opportunities: 200,
		seed: 1,
		...(keepRecords ? { records: true } : {}),
	});
	console.log(`  ${portal.url}`);
	const stages = await portalStages(portal);
	const lostStage = stages.find((s) => s.stageType === 2);
	for (const days of RECENT_LOSSES) {
		portal.createOpportunity({
			title: `Lost ${days} days ago (${days > CUTOFF_DAYS ? 'goes' : 'stays'})`,
			stageId: lostStage.id,
			actualCloseDate: Date.now() - days * DAY,
			created: Date.now() - (days + 60) * DAY,
		});
	}
	const example = keepRecords ? NIGHTLY_EXAMPLE : MANUAL_EXAMPLE;
	step('Preparing n8n: the package, an ONLYOFFICE credential and examples/' + example);
	const filesRoot = keepRecords
		? fs.mkdtempSync(path.join(os.tmpdir(), 'demo-n8n-files-'))
		: undefined;
	const n8n = await createN8nInstance({
		name: 'demo',
		env: filesRoot ? { N8N_RESTRICT_FILE_ACCESS_TO: filesRoot } : {},
	});
	const [credentialId] = await n8n.importCredentials([
		{
			name: CREDENTIAL_NAME,
			type: 'onlyofficeApi',
			data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
		},
	]);
	const credential = { id: credentialId, name: CREDENTIAL_NAME };
	let workflow;
	let keep;
	if (filesRoot) {
		const folder = path.join(filesRoot, 'onlyoffice');
		// What the example's note asks of a user once: n8n's Write node creates no folders.
		fs.mkdirSync(folder);
		const nightly = nightlyExampleKeepingIn(folder, credential);
		workflow = nightly.workflow;
		keep = {
			folder,
			table: nightly.table,
			removeFiles: () => fs.rmSync(filesRoot, { recursive: true, force: true }),
		};
	} else {
		workflow = readExampleWorkflow(MANUAL_EXAMPLE, credential);
	}
	const workflowId = await n8n.importWorkflow(workflow);
	return { portal, n8n, workflowId, workflow, keep, counts: () => dealCounts(portal, stages) };
}

module.exports = {
	setUpDemo,
	nightlyExampleKeepingIn,
	step,
	CUTOFF_DAYS,
	GET_NODE: EXAMPLE_GET_NODE,
	DELETE_NODE: EXAMPLE_DELETE_NODE,
};
