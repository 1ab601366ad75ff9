/**
 * The node as a user meets it: n8n's editor (2.40.7) in headless Chromium, with this package installed and a
 * stand-in ONLYOFFICE portal. One user's session, step by step: sign in, find the node in the node panel, add
 * it, create the credential (a wrong token first), read every label and description, run the workflow, run it
 * with a bad ID, and look at the icon in both themes.
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
/** Text as n8n shows it: descriptions are rendered as HTML, so whitespace collapses. */
const shown = (text: string | undefined) => normalizeText(text ?? '');

let env: UiEnvironment;
let editor: N8nEditor;
const diagnostics = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-ui-test-'));

/**
 * Steps share the page: once one fails, the rest are skipped with the reason, except
 * - `reads`: a step that only reads the page (labels, descriptions) and fails on a text that differs: the page
 *   is still where the next step expects it, so the next steps run (each text difference is reported once);
 * - `standalone`: a step with its own page (the dark theme), which runs whatever happened before.
 */
let brokenAt: string | undefined;
let failed = false;
function step(
	name: string,
	fn: () => Promise<void>,
	kind: { reads?: boolean; standalone?: boolean } = {},
): void {
	test(
		name,
		async () => {
			if (brokenAt && !kind.standalone)
				throw new Error(`skipped: the earlier step "${brokenAt}" failed`);
			try {
				await fn();
			} catch (error) {
				const textDiffers = typeof error === 'object' && error !== null && 'matcherResult' in error;
				if (!kind.standalone && !(kind.reads && textDiffers)) brokenAt = name;
				const stem = path.join(diagnostics, name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60));
				await editor?.page
					.screenshot({ path: `${stem}.png`, fullPage: true })
					.catch(() => undefined);
				await editor?.page
					.content()
					.then((html) => fs.writeFileSync(`${stem}.html`, html))
					.catch(() => undefined);
				const errors = editor?.pageErrors.length
					? `\npage errors: ${editor.pageErrors.join(' | ')}`
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
