#!/usr/bin/env node
// `npm run screenshots` — the README's pictures of the node in n8n's editor, taken in headless Chromium along
// the browser test's path (test/ui): a scratch n8n with this package, a stand-in portal, and the same steps a
// user takes. Writes docs/images/*.png (1280×800). Run `npm run build` first (`npm run screenshots` does).
//
// Not part of the tests, so test runs never change tracked files. Set KEEP_OPEN=1 to leave n8n running
// afterwards (prints its address and login) for a look by hand.
require('./lib/registerTypeScript');
const fs = require('node:fs');
const path = require('node:path');

const { waitFor } = require('../test/e2e/harness');
const { N8nEditor } = require('../test/ui/n8nEditor');
const { startUiEnvironment } = require('../test/ui/uiEnvironment');
const { filtersCollection } = require('../nodes/OnlyofficeGetOpportunities/description');
const { nodeOptions: triggerOptions } = require('../nodes/OnlyofficeCrmTrigger/description');

const OUT_DIR = path.resolve(__dirname, '..', 'docs', 'images');
const NODE = 'ONLYOFFICE Delete Opportunities';
const SEARCH_NODE = 'ONLYOFFICE Get Opportunities';
/** The CRM Trigger as the node panel lists it: n8n leaves out a trigger's " Trigger". */
const TRIGGER_NODE = 'ONLYOFFICE CRM';
/** Every node of the package: the node panel's search for "ONLYOFFICE" lists them all. */
const ALL_NODES = [TRIGGER_NODE, SEARCH_NODE, NODE];
const IDS = '7, 8, 9';

const log = (message) => console.log(`▶ ${message}`);

async function shoot(editor, name) {
	await editor.dismissToasts();
	// No hover or focus effects (a parameter's Fixed/Expression toolbar fades out over 250 ms once the pointer
	// leaves it): blur, move the pointer away, then wait for the page's finite CSS transitions to finish.
	await editor.page.evaluate(
		'document.activeElement && document.activeElement.blur && document.activeElement.blur()',
	);
	await editor.page.mouse.move(1, 1);
	await editor.page
		.evaluate(`new Promise((resolve) => requestAnimationFrame(() => resolve(Promise.all(
		document.getAnimations()
			.filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
			.map((animation) => animation.finished.catch(() => undefined))))))`);
	const file = path.join(OUT_DIR, name);
	await editor.page.screenshot({ path: file });
	console.log(`  saved ${path.relative(process.cwd(), file)}`);
}

/** Drags the NDV's middle panel to the left (as a user would), so the output table has room. */
async function widenOutputPanel(editor, by = 300) {
	const before = (await editor.outputPanel.boundingBox()).width;
	const handle = await editor.ndv.getByTestId('panel-drag-button').boundingBox();
	const x = handle.x + handle.width / 2;
	const y = handle.y + handle.height / 2;
	await editor.page.mouse.move(x, y);
	await editor.page.mouse.down();
	await editor.page.mouse.move(x - by / 2, y, { steps: 5 });
	await editor.page.mouse.move(x - by, y, { steps: 5 });
	await editor.page.mouse.up();
	await waitFor(
		'the output panel to widen',
		async () => {
			const width = (await editor.outputPanel.boundingBox()).width;
			return width > before + by / 2 ? width : undefined;
		},
		{ timeoutMs: 10_000 },
	);
}

/**
 * Opens the editor (`options`: its theme), signs in as the owner and starts a new workflow; runs `steps` on
 * it, then closes it.
 */
async function withNewWorkflow(env, options, steps) {
	const editor = await N8nEditor.open(env.browser, { baseUrl: env.server.baseUrl, ...options });
	try {
		await editor.signIn(env.server.owner);
		await editor.newWorkflow();
		await steps(editor);
	} finally {
		await editor.close();
	}
}

/** The node panel searched for "ONLYOFFICE", once every node's icon has loaded. */
async function shootNodePanelSearch(editor, name) {
	await editor.openNodePanel();
	await editor.searchNodePanel('ONLYOFFICE');
	for (const node of ALL_NODES) await editor.imageInfo(editor.nodePanelIcon(node));
	await shoot(editor, name);
}

/**
 * Opens the node panel, searches for `query` and adds `node`; resolves with its parameters open and the
 * credential saved in the light-theme pass picked for it. For a trigger, `event` is the trigger event to pick
 * in its details (n8n lists a trigger's events there, "On opportunity lost", and sets the node to it).
 */
async function addNodeWithCredential(editor, query, node, event) {
	await editor.openNodePanel();
	await editor.searchNodePanel(query);
	if (event) {
		await editor.nodePanelItem(node).click();
		await editor.nodePanel.getByText(event, { exact: true }).click();
		await editor.ndv.waitFor();
	} else {
		await editor.addNodeFromPanel(node);
	}
	await editor.parameters.getByTestId('node-credentials-select').waitFor();
}

/** Turns a boolean parameter's switch on. */
async function switchOn(editor, name) {
	await editor.parameterItem(name).locator('.el-switch').click();
	await editor.parameterItem(name).locator('.el-switch.is-checked').waitFor();
}

async function lightTheme(env) {
	await withNewWorkflow(env, {}, async (editor) => {
		log('Node panel: search "ONLYOFFICE"');
		await shootNodePanelSearch(editor, 'node-panel-search.png');

		log('Add the node, create its credential and press Test');
		await editor.addNodeFromPanel(NODE);
		await editor.openNewCredentialDialog();
		await editor.fillCredentialField('portalUrl', env.portal.url);
		await editor.fillCredentialField('apiToken', env.portal.token);
		// Save stores and tests it (and closes the dialog); opening it again shows the passing Test.
		const saved = await editor.testCredentialWith(editor.credentialSaveButton);
		if (saved.status !== 'OK') throw new Error(`the credential test failed: ${saved.message}`);
		await editor.credentialDialog.waitFor({ state: 'hidden' });
		await editor.parameters.getByTestId('credential-edit-button').click();
		await editor.credentialTestSuccess.waitFor();
		await editor.page.mouse.move(1, 1);
		await shoot(editor, 'credential-test.png');
		await editor.closeCredentialDialog();

		log(`Parameters: Opportunity IDs ${IDS}, options Delete Limit and Simplify`);
		await editor.setFixedValue('opportunityIds', IDS);
		await editor.addOption('Delete Limit', 'deleteLimit');
		await editor.setFixedValue('deleteLimit', '100');
		await editor.addOption('Simplify', 'simplify');
		await switchOn(editor, 'simplify');
		await shoot(editor, 'node-parameters.png');

		log('Execute the workflow and open the output panel');
		await editor.closeNdv();
		await editor.executeWorkflow();
		await editor.openNode(NODE);
		await editor.outputPanel
			.getByTestId('ndv-items-count')
			.getByText('3 items')
			.waitFor({ timeout: 120_000 });
		const deleted = env.portal.deletedIds().join(', ');
		if (deleted !== IDS) throw new Error(`the portal deleted [${deleted}], expected [${IDS}]`);
		await editor.outputPanel.locator('table').first().waitFor();
		await widenOutputPanel(editor);
		await shoot(editor, 'output-panel.png');
	});
}

/** The search node set up for the nightly clean-up: lost deals closed before a date, all of them. */
async function searchNode(env) {
	log('Search node: Return All, Stage Type Lost, Close Date To');
	await withNewWorkflow(env, {}, async (editor) => {
		await addNodeWithCredential(editor, 'get opportunities', SEARCH_NODE);
		await switchOn(editor, 'returnAll');
		const filters = editor.collectionAddButton(filtersCollection.placeholder);
		await editor.addOption('Stage Type', 'stageType', filters);
		await editor.selectDropdownChoice('stageType', 'Lost');
		await editor.addOption('Close Date To', 'closeDateTo', filters);
		// "More than 90 days ago", as an expression; inserted as text, so the editor's bracket completion
		// does not double the braces.
		const closeDateTo = editor.parameterItem('closeDateTo');
		await closeDateTo.hover();
		await closeDateTo.getByTestId('radio-button-expression').click();
		await closeDateTo.getByTestId('inline-expression-editor-input').click();
		await editor.page.keyboard.insertText('{{ $now.minus({ days: 90 }) }}');
		await editor.addOption('Tag Names or IDs', 'tags', filters);
		await shoot(editor, 'search-node-parameters.png');
	});
}

/** The CRM Trigger set to start a workflow for each lost deal, with the ten-field record. */
async function triggerNode(env) {
	log('CRM Trigger: Trigger On Opportunity Lost, option Simplify');
	await withNewWorkflow(env, {}, async (editor) => {
		await addNodeWithCredential(editor, 'onlyoffice crm', TRIGGER_NODE, 'On opportunity lost');
		// Simplify is the only option: n8n shows a button that adds it, not a list.
		await editor.parameters.getByRole('button', { name: triggerOptions.placeholder }).click();
		await editor.parameterLabel('simplify').waitFor();
		await switchOn(editor, 'simplify');
		await shoot(editor, 'trigger-node-parameters.png');
	});
}

async function darkTheme(env) {
	log('Dark theme: node panel search');
	await withNewWorkflow(env, { theme: 'dark' }, (editor) =>
		shootNodePanelSearch(editor, 'node-panel-search-dark.png'),
	);
}

async function main() {
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const started = Date.now();
	// A fixed portal port (PORTAL_PORT, default 8765 as for `npm start`), so the Portal URL in the pictures
	// stays the same from run to run.
	const env = await startUiEnvironment({
		log,
		portalPort: Number(process.env.PORTAL_PORT ?? 8765),
	});
	try {
		await lightTheme(env);
		await searchNode(env);
		await triggerNode(env);
		await darkTheme(env);
		console.log(
			`\nScreenshots in ${path.relative(process.cwd(), OUT_DIR)} (${Math.round((Date.now() - started) / 1000)} s).`,
		);
		if (process.env.KEEP_OPEN) {
			console.log(
				`n8n stays up on ${env.server.baseUrl} (${env.server.owner.email} / ${env.server.owner.password}); Ctrl+C stops it.`,
			);
			await new Promise((resolve) => {
				process.once('SIGINT', resolve);
				process.once('SIGTERM', resolve);
			});
		}
	} finally {
		await env.stop();
	}
}

main().catch((error) => {
	console.error(`\n✖ ${error.stack || error.message}`);
	process.exit(1);
});
