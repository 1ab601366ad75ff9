/**
 * The nodes as a user meets them: n8n's editor (2.40.7) in headless Chromium, with this package installed and a
 * stand-in ONLYOFFICE portal. One user's session, step by step: sign in, find the delete node in the node
 * panel, add it, create the credential (a wrong token first), read every label and description, run the
 * workflow, run it with a bad ID, and look at the icon in both themes. Then a second session with the search
 * node: find it, read its labels, open its dropdowns as the editor loads them from the portal, and run it.
 *
 * Every text the editor shows is compared with the node's and the credential's own descriptions (imported
 * from their sources), so the test fails when what users see diverges from what the code says.
 *
 * The steps share one page and run in order; after a failed step the later ones are skipped (they report
 * which step broke). On a failure a screenshot and the page's HTML are written to a temporary folder (its
 * path is in the error).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { OnlyofficeApi } from '../../credentials/OnlyofficeApi.credentials';
import { OnlyofficeDeleteOpportunities } from '../../nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node';
import { OnlyofficeGetOpportunities } from '../../nodes/OnlyofficeGetOpportunities/OnlyofficeGetOpportunities.node';
import { N8nEditor, normalizeText } from './n8nEditor';
import { startUiEnvironment, type UiEnvironment } from './uiEnvironment';

const node = new OnlyofficeDeleteOpportunities().description;
const credential = new OnlyofficeApi();
const NODE_DISPLAY_NAME = node.displayName;
/** The name n8n gives the node on the canvas. */
const NODE_NAME = node.defaults.name as string;
const STEP_TIMEOUT = 180_000;

const property = (name: string, list: INodeProperties[] = node.properties): INodeProperties => {
	const found = list.find((p) => p.name === name);
	if (!found) throw new Error(`no property ${name} in the description`);
	return found;
};
const optionsCollection = property('options');
const options = (optionsCollection.options ?? []) as INodeProperties[];
const credentialField = (name: string) => property(name, credential.properties);
const choicesOf = (p: INodeProperties) =>
	((p.options ?? []) as Array<INodePropertyOptions | INodePropertyCollection>).map((o) => ({
		name: normalizeText(String((o as INodePropertyOptions).name)),
		description: normalizeText(String((o as INodePropertyOptions).description ?? '')),
	}));
/** Text as n8n shows it: descriptions are rendered as HTML, so tags vanish and whitespace collapses. */
const shown = (text: string | undefined) => normalizeText((text ?? '').replace(/<[^>]*>/g, ''));

const searchNode = new OnlyofficeGetOpportunities().description;
const SEARCH_NODE_NAME = searchNode.defaults.name as string;
const searchProperty = (name: string) => property(name, searchNode.properties);
const searchCollection = (name: string) =>
	(searchProperty(name).options ?? []) as INodeProperties[];

let env: UiEnvironment;
let editor: N8nEditor;
/** The search node's session (a page of its own, so it does not depend on the delete node's workflow). */
let searchEditor: N8nEditor | undefined;
const diagnostics = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ui-test-'));

/**
 * Steps of a chain (the delete node's session, the search node's) share a page: once one fails, the rest of
 * its chain are skipped with the reason, except
 * - `reads`: a step that only reads the page (labels, descriptions) and fails on a text that differs: the page
 *   is still where the next step expects it, so the next steps run (each text difference is reported once);
 * - `standalone`: a step with its own page (the dark theme), which runs whatever happened before.
 */
const brokenAt: Record<string, string | undefined> = {};
let failed = false;
function step(
	name: string,
	fn: () => Promise<void>,
	kind: { reads?: boolean; standalone?: boolean; chain?: 'delete' | 'search' } = {},
): void {
	const chain = kind.chain ?? 'delete';
	test(
		name,
		async () => {
			if (brokenAt[chain] && !kind.standalone)
				throw new Error(`skipped: the earlier step "${brokenAt[chain]}" failed`);
			try {
				await fn();
			} catch (error) {
				const textDiffers = typeof error === 'object' && error !== null && 'matcherResult' in error;
				if (!kind.standalone && !(kind.reads && textDiffers)) brokenAt[chain] = name;
				const stem = path.join(diagnostics, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
				const page = chain === 'search' ? searchEditor : editor;
				await page?.page.screenshot({ path: `${stem}.png`, fullPage: true }).catch(() => undefined);
				await page?.page
					.content()
					.then((html) => fs.writeFileSync(`${stem}.html`, html))
					.catch(() => undefined);
				const errors = page?.pageErrors.length
					? `\npage errors: ${page.pageErrors.join(' | ')}`
					: '';
				(error as Error).message +=
					`\n[ui] screenshot and HTML: ${stem}.png/.html; n8n's log: ${env?.server.logFile}${errors}`;
				failed = true;
				throw error;
			}
		},
		STEP_TIMEOUT,
	);
}

/** n8n runs the built package (dist/), the expectations come from the sources: warn when dist/ is older. */
function warnIfDistIsStale(): void {
	const pairs = [
		[
			'nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node.ts',
			'dist/nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node.js',
		],
		[
			'nodes/OnlyofficeGetOpportunities/description.ts',
			'dist/nodes/OnlyofficeGetOpportunities/description.js',
		],
		['credentials/OnlyofficeApi.credentials.ts', 'dist/credentials/OnlyofficeApi.credentials.js'],
	];
	const root = path.resolve(__dirname, '..', '..');
	const stale = pairs.filter(([source, built]) => {
		const builtFile = path.join(root, built);
		return (
			!fs.existsSync(builtFile) ||
			fs.statSync(path.join(root, source)).mtimeMs > fs.statSync(builtFile).mtimeMs
		);
	});
	if (stale.length > 0) {
		console.warn(
			`[ui] dist/ is older than ${stale.map(([source]) => source).join(' and ')}: n8n shows the built texts, so ` +
				'run `npm run build` (npm run test:ui does) or the text checks compare against an old build',
		);
	}
}

beforeAll(async () => {
	warnIfDistIsStale();
	// First run only: apt-get install chromium, scripts/install-n8n.sh (minutes).
	env = await startUiEnvironment();
	editor = await N8nEditor.open(env.browser, { baseUrl: env.server.baseUrl });
}, 30 * 60_000);

afterAll(async () => {
	await searchEditor?.close();
	await editor?.close();
	await env?.stop();
	if (!failed) fs.rmSync(diagnostics, { recursive: true, force: true });
}, 60_000);

describe('n8n editor: ONLYOFFICE Delete Opportunities as a user meets it', () => {
	let idsBefore: number[];

	step('signs in through the sign-in form and opens a new workflow', async () => {
		const owner = env.server.owner;
		if (!owner) throw new Error('the harness set up no owner');
		await editor.signIn(owner);
		await editor.newWorkflow();
	});

	step(
		'the node panel finds the node by "ONLYOFFICE" and by "delete opportunities", with its icon',
		async () => {
			await editor.openNodePanel();
			for (const query of ['ONLYOFFICE', 'delete opportunities']) {
				await editor.searchNodePanel(query);
				const item = editor.nodePanelItem(NODE_DISPLAY_NAME);
				await item.waitFor();
				expect(
					normalizeText(await item.getByTestId('node-creator-item-description').innerText()),
				).toBe(shown(node.description));
			}
			const icon = await editor.imageInfo(editor.nodePanelIcon(NODE_DISPLAY_NAME));
			expect(icon.src).toMatch(/\/onlyoffice\.svg$/);
			expect(icon.naturalWidth).toBeGreaterThan(0);
		},
	);

	step('adds the node: n8n puts a Manual Trigger before it and opens its parameters', async () => {
		await editor.addNodeFromPanel(NODE_DISPLAY_NAME);
		expect(await editor.canvasNodeNames()).toEqual([
			expect.stringMatching(/Execute workflow/),
			NODE_NAME,
		]);
		await expect(editor.ndv.getByTestId('node-title-container').innerText()).resolves.toContain(
			NODE_NAME,
		);
		// The notice, the IDs field (an expression by default) and the empty credential slot.
		expect(await editor.noticeTexts()).toEqual([shown(property('permanentNotice').displayName)]);
		expect(await editor.labelText(editor.parameterLabel('opportunityIds'))).toBe(
			property('opportunityIds').displayName,
		);
		await expect(
			editor.parameters.getByTestId('node-credentials-empty-state').innerText(),
		).resolves.toContain('Connect to ONLYOFFICE');
		const canvasIcon = await editor.imageInfo(editor.canvasNode(NODE_NAME).locator('img').first());
		expect(canvasIcon.naturalWidth).toBeGreaterThan(0);
	});

	step('the credential dialog shows every field as the credential describes it', async () => {
		await editor.openNewCredentialDialog();
		const dialog = editor.credentialDialog;
		await expect(dialog.innerText()).resolves.toContain(credential.displayName);
		const credentialIcon = await editor.imageInfo(dialog.locator('img[src*="onlyoffice"]').first());
		expect(credentialIcon.naturalWidth).toBeGreaterThan(0);

		const checkField = async (name: string) => {
			const field = credentialField(name);
			const label = editor.credentialLabel(name);
			expect(await editor.labelText(label)).toBe(field.displayName);
			if (field.description) expect(await editor.tooltipText(label)).toBe(shown(field.description));
			else expect(await editor.hasTooltip(label)).toBe(false);
			if (field.placeholder) expect(await editor.placeholder(name, dialog)).toBe(field.placeholder);
		};
		for (const name of ['portalUrl', 'authMethod', 'apiToken', 'ignoreSslIssues'])
			await checkField(name);
		expect(await editor.dropdownChoices('authMethod', dialog)).toEqual(
			choicesOf(credentialField('authMethod')),
		);
		// The hidden session fields never show.
		for (const hidden of credential.properties.filter((p) => p.type === 'hidden')) {
			await expect(dialog.getByTestId(`parameter-input-${hidden.name}`).count()).resolves.toBe(0);
		}

		// E-mail and password appear only for that authentication.
		await editor.selectDropdownChoice('authMethod', 'E-Mail and Password', dialog);
		for (const name of ['email', 'password']) await checkField(name);
		await expect(dialog.getByTestId('parameter-input-apiToken').count()).resolves.toBe(0);
		await editor.selectDropdownChoice('authMethod', 'API Token', dialog);
		await dialog.getByTestId('parameter-input-apiToken').waitFor();
	});

	step(
		"a wrong token fails the Test with the credential's 401 message; the right one passes and saves",
		async () => {
			const rule401 = (credential.test.rules ?? []).find(
				(rule) => rule.type === 'responseCode' && rule.properties.value === 401,
			);
			const message401 = shown(rule401?.properties.message);
			expect(message401).toMatch(/^ONLYOFFICE did not accept the credential/);

			await editor.fillCredentialField('portalUrl', env.portal.url);
			await editor.fillCredentialField('apiToken', 'not-a-valid-token');
			// Save stores the credential and tests it.
			const failed = await editor.testCredentialWith(editor.credentialSaveButton);
			expect(failed).toEqual({ status: 'Error', message: message401 });
			expect(await editor.credentialFailureDetails()).toBe(message401);

			await editor.fillCredentialField('apiToken', env.portal.token);
			const passed = await editor.testCredentialWith(
				editor.credentialTestFailure.getByRole('button', { name: 'Retry' }),
			);
			expect(passed.status).toBe('OK');
			await editor.credentialTestSuccess.waitFor();
			await expect(editor.credentialTestSuccess.innerText()).resolves.toContain(
				'Connection tested successfully',
			);

			await editor.credentialSaveButton.click();
			await editor.credentialDialog.waitFor({ state: 'hidden' });
			await editor.parameters.getByTestId('node-credentials-select').waitFor();
		},
	);

	step(
		'the Opportunity IDs field shows its description, placeholder and hint',
		async () => {
			const ids = property('opportunityIds');
			expect(await editor.tooltipText(editor.parameterLabel('opportunityIds'))).toBe(
				shown(ids.description),
			);
			await editor.setFixedValue('opportunityIds', '');
			expect(await editor.placeholder('opportunityIds')).toBe(ids.placeholder);
			expect(await editor.parameterText('opportunityIds')).toContain(shown(ids.hint));
		},
		{ reads: true },
	);

	step(
		'Options offers every option; each shows its label and description as the node describes it',
		async () => {
			await expect(
				editor.parameters
					.getByTestId('collection-parameter-add')
					.locator('input')
					.getAttribute('placeholder'),
			).resolves.toBe(optionsCollection.placeholder);
			expect(await editor.optionsOffered()).toEqual(options.map((o) => o.displayName));
			for (const option of options) {
				await editor.addOption(option.displayName, option.name);
				const label = editor.parameterLabel(option.name);
				expect({ option: option.name, label: await editor.labelText(label) }).toEqual({
					option: option.name,
					label: option.displayName,
				});
				expect({ option: option.name, description: await editor.tooltipText(label) }).toEqual({
					option: option.name,
					description: shown(option.description),
				});
				if (option.type === 'options') {
					expect(await editor.dropdownChoices(option.name)).toEqual(choicesOf(option));
				}
			}
			// All added: nothing is left to add.
			await expect(editor.parameters.getByTestId('collection-parameter-add').count()).resolves.toBe(
				0,
			);
		},
		{ reads: true },
	);

	step(
		'executing the workflow deletes opportunities 1, 2, 3 and the output panel shows them',
		async () => {
			idsBefore = env.portal.opportunityIds();
			const titles = [1, 2, 3].map((id) => env.portal.getOpportunity(id)?.title as string);
			expect(titles.every(Boolean)).toBe(true);

			await editor.setFixedValue('opportunityIds', '1, 2, 3');
			await editor.closeNdv();
			await editor.executeWorkflow();
			await editor.openNode(NODE_NAME);
			const output = editor.outputPanel;
			await output
				.getByTestId('ndv-items-count')
				.getByText('3 items')
				.waitFor({ timeout: STEP_TIMEOUT - 30_000 });
			// Each deleted opportunity's title, in the output table (rendered after the item count).
			for (const title of titles) await output.getByText(title, { exact: true }).first().waitFor();

			expect(env.portal.opportunityIds()).toEqual(idsBefore.filter((id) => id > 3));
			expect(env.portal.deletedIds()).toEqual([1, 2, 3]);
		},
	);

	step('an invalid ID ("12abc") shows the user-facing error and deletes nothing', async () => {
		const remaining = env.portal.opportunityIds();
		await editor.setFixedValue('opportunityIds', '12abc');
		await editor.closeNdv();
		await editor.executeWorkflow();
		await editor.openNode(NODE_NAME);
		const message = editor.outputPanel.getByTestId('node-error-message');
		await message.waitFor({ timeout: STEP_TIMEOUT - 30_000 });
		expect(normalizeText(await message.innerText())).toBe(
			'Item 0: "12abc" is not an opportunity ID. Nothing was deleted.',
		);
		await expect(
			editor.outputPanel.getByTestId('node-error-description').innerText(),
		).resolves.toMatch(/whole numbers/);
		expect(env.portal.opportunityIds()).toEqual(remaining);
		expect(env.portal.deletedIds()).toEqual([1, 2, 3]);
	});

	step(
		"in the dark theme the node panel shows the node's dark icon",
		async () => {
			const dark = await N8nEditor.open(env.browser, {
				baseUrl: env.server.baseUrl,
				theme: 'dark',
			});
			try {
				const owner = env.server.owner;
				if (!owner) throw new Error('the harness set up no owner');
				await dark.signIn(owner);
				await dark.newWorkflow();
				expect(await dark.currentTheme()).toBe('dark');
				await dark.openNodePanel();
				await dark.searchNodePanel('ONLYOFFICE');
				const icon = await dark.imageInfo(dark.nodePanelIcon(NODE_DISPLAY_NAME));
				const darkIcon =
					typeof node.icon === 'object' && node.icon && 'dark' in node.icon
						? node.icon.dark
						: undefined;
				const expected = darkIcon
					? path.basename(darkIcon.replace(/^file:/, ''))
					: 'onlyoffice.svg';
				expect(path.basename(new URL(icon.src).pathname)).toBe(expected);
				expect(icon.naturalWidth).toBeGreaterThan(0);
			} finally {
				await dark.close();
			}
		},
		{ standalone: true },
	);
});

describe('n8n editor: ONLYOFFICE Get Opportunities as a user meets it', () => {
	const search = (name: string, fn: () => Promise<void>, kind: { reads?: boolean } = {}) =>
		step(name, fn, { ...kind, chain: 'search' });
	const ui = () => {
		if (!searchEditor) throw new Error('the search session did not open');
		return searchEditor;
	};
	const filters = () => ui().collectionAddButton(searchProperty('filters').placeholder as string);
	const choiceNames = (choices: Array<{ name: string }>) => choices.map((c) => c.name);

	search(
		'a new session finds the search node by "get opportunities", with its description and icon',
		async () => {
			const owner = env.server.owner;
			if (!owner) throw new Error('the harness set up no owner');
			// Its own credential, so this session does not rest on the delete node's steps; n8n picks a
			// stored credential for a node added to a workflow.
			await env.server.createCredential({
				name: 'ONLYOFFICE (search session)',
				type: 'onlyofficeApi',
				data: { portalUrl: env.portal.url, authMethod: 'apiToken', apiToken: env.portal.token },
			});
			searchEditor = await N8nEditor.open(env.browser, { baseUrl: env.server.baseUrl });
			await ui().signIn(owner);
			await ui().newWorkflow();
			await ui().openNodePanel();
			await ui().searchNodePanel('get opportunities');
			const item = ui().nodePanelItem(searchNode.displayName);
			await item.waitFor();
			expect(
				normalizeText(await item.getByTestId('node-creator-item-description').innerText()),
			).toBe(shown(searchNode.description));
			const icon = await ui().imageInfo(ui().nodePanelIcon(searchNode.displayName));
			expect(icon.naturalWidth).toBeGreaterThan(0);
			// "ONLYOFFICE" finds both nodes.
			await ui().searchNodePanel('ONLYOFFICE');
			for (const displayName of [NODE_DISPLAY_NAME, searchNode.displayName])
				await ui().nodePanelItem(displayName).waitFor();
		},
	);

	search(
		'adds it with the credential chosen: Return All, and Limit only while Return All is off',
		async () => {
			await ui().addNodeFromPanel(searchNode.displayName);
			expect(await ui().canvasNodeNames()).toEqual([
				expect.stringMatching(/Execute workflow/),
				SEARCH_NODE_NAME,
			]);
			await ui().parameters.getByTestId('node-credentials-select').waitFor();
			for (const name of ['returnAll', 'limit']) {
				const label = ui().parameterLabel(name);
				expect({ name, label: await ui().labelText(label) }).toEqual({
					name,
					label: searchProperty(name).displayName,
				});
				expect({ name, description: await ui().tooltipText(label) }).toEqual({
					name,
					description: shown(searchProperty(name).description),
				});
			}
			const returnAll = ui().parameterItem('returnAll').locator('.el-switch');
			await returnAll.click();
			await ui().parameterItem('returnAll').locator('.el-switch.is-checked').waitFor();
			await ui().parameterLabel('limit').waitFor({ state: 'hidden' });
			await returnAll.click();
			await ui().parameterLabel('limit').waitFor();
		},
	);

	search("the Stage filter's dropdown lists the portal's stages as n8n loads them", async () => {
		const stage = searchCollection('filters').find((o) => o.name === 'stageId');
		expect(stage?.displayName).toBe('Stage Name or ID');
		// The editor asks n8n for the stages as soon as the field appears; the list opens once they are in.
		const loaded = ui().page.waitForResponse(
			(r) =>
				r.url().endsWith('/rest/dynamic-node-parameters/options') &&
				(r.request().postData() ?? '').includes('"getStages"'),
		);
		await ui().addOption('Stage Name or ID', 'stageId', filters());
		expect((await loaded).status()).toBe(200);
		const stages = await ui().dropdownChoices('stageId');
		expect(choiceNames(stages)).toEqual(env.portal.stages().map((s) => s.title));
		expect(stages.find((s) => s.name === 'Lost')?.description).toBe('Lost stage');
	});

	search('executing it with Stage "Lost" and Limit 3 outputs the first lost deals', async () => {
		const lostStage = env.portal.stages().find((s) => s.title === 'Lost');
		const lost = env.portal
			.opportunityIds()
			.filter((id) => env.portal.getOpportunity(id)?.stageId === lostStage?.id)
			.sort((a, b) => a - b);
		expect(lost.length).toBeGreaterThan(0);
		const expected = Math.min(3, lost.length);
		await ui().selectDropdownChoice('stageId', 'Lost');
		await ui().setFixedValue('limit', '3');
		await ui().closeNdv();
		await ui().executeWorkflow();
		await ui().openNode(SEARCH_NODE_NAME);
		await ui()
			.outputPanel.getByTestId('ndv-items-count')
			.getByText(expected === 1 ? '1 item' : `${expected} items`)
			.waitFor({ timeout: STEP_TIMEOUT - 30_000 });
		// Sorted by ID (the default), so the lowest IDs of the stage.
		for (const id of lost.slice(0, expected)) {
			const title = String(env.portal.getOpportunity(id)?.title);
			await ui().outputPanel.getByText(title, { exact: true }).first().waitFor();
		}
	});

	search(
		'Filters offers every filter; each shows its label ("Responsible Name or ID", …) and description',
		async () => {
			const all = searchCollection('filters');
			expect(all.map((o) => o.displayName)).toEqual(
				expect.arrayContaining(['Stage Name or ID', 'Responsible Name or ID', 'Tag Names or IDs']),
			);
			// The Stage filter is on the form already: the button offers the others.
			const rest = all.filter((o) => o.name !== 'stageId');
			expect(await ui().optionsOffered(filters())).toEqual(rest.map((o) => o.displayName));
			for (const option of rest) await ui().addOption(option.displayName, option.name, filters());
			await expect(filters().count()).resolves.toBe(0);
			for (const option of all) {
				const label = ui().parameterLabel(option.name);
				expect({ filter: option.name, label: await ui().labelText(label) }).toEqual({
					filter: option.name,
					label: option.displayName,
				});
				expect({ filter: option.name, description: await ui().tooltipText(label) }).toEqual({
					filter: option.name,
					description: shown(option.description),
				});
			}
		},
		{ reads: true },
	);

	search(
		"the Responsible and Tags dropdowns list the portal's users and tags as n8n loads them",
		async () => {
			const users = await ui().dropdownChoices('responsibleId');
			expect([...choiceNames(users)].sort()).toEqual(
				env.portal
					.employees()
					.map((e) => e.displayName)
					.sort(),
			);
			const tags = await ui().dropdownChoices('tags');
			expect([...choiceNames(tags)].sort()).toEqual([...env.portal.tags()].sort());
		},
		{ reads: true },
	);
});
