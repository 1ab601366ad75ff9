/**
 * The parts of n8n's editor (2.40.7) that a user of this package meets, driven with playwright-core: sign-in,
 * the node panel, the node's parameters (NDV), the credential dialog, running and the output panel.
 *
 * Selectors were read off the live editor: `data-test-id` attributes first (n8n's own end-to-end tests use
 * them), then labels and visible text. Every step waits for a state of the page (an element, a response),
 * never for a fixed time, so it holds on a slow 2-core machine.
 */
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';

export type Theme = 'light' | 'dark';

export interface EditorOptions {
	/** n8n's address, e.g. http://127.0.0.1:5678 */
	baseUrl: string;
	/** n8n's theme (its `N8N_THEME` local-storage setting, as the user menu sets it); default light. */
	theme?: Theme;
	/** Default 1280×800, the size of the README's screenshots. */
	viewport?: { width: number; height: number };
	/** How long a single step may wait (default 60 s: n8n's editor is slow to load on 2 cores). */
	timeoutMs?: number;
}

/** Whitespace as a reader sees it: runs of spaces and line breaks as one space. */
export const normalizeText = (text: string) => text.replace(/\s+/g, ' ').trim();

export class N8nEditor {
	/** Messages of the page's uncaught errors, for diagnosing a failed step. */
	readonly pageErrors: string[] = [];

	private constructor(
		readonly context: BrowserContext,
		readonly page: Page,
		readonly baseUrl: string,
		readonly timeoutMs: number,
	) {}

	static async open(browser: Browser, options: EditorOptions): Promise<N8nEditor> {
		const timeoutMs = options.timeoutMs ?? 60_000;
		const theme = options.theme ?? 'light';
		const context = await browser.newContext({
			viewport: options.viewport ?? { width: 1280, height: 800 },
			colorScheme: theme,
			locale: 'en-US',
		});
		// Before n8n's scripts run on every page: the theme (n8n reads it at start-up).
		await context.addInitScript(
			`try { localStorage.setItem('N8N_THEME', ${JSON.stringify(theme)}); } catch {}`,
		);
		context.setDefaultTimeout(timeoutMs);
		context.setDefaultNavigationTimeout(timeoutMs);
		const page = await context.newPage();
		const editor = new N8nEditor(context, page, options.baseUrl.replace(/\/$/, ''), timeoutMs);
		page.on('pageerror', (error) => editor.pageErrors.push(error.message));
		return editor;
	}

	async close(): Promise<void> {
		await this.context.close().catch(() => undefined);
	}

	// ── Sign-in and workflows ────────────────────────────────────────────────────────────────────────────

	/** n8n's sign-in form, as a user fills it in. Resolves once the editor has left the sign-in page. */
	async signIn(account: { email: string; password: string }): Promise<void> {
		await this.page.goto(`${this.baseUrl}/signin`);
		const form = this.page.getByTestId('auth-form');
		await form.getByTestId('emailOrLdapLoginId').locator('input').fill(account.email);
		await form.getByTestId('password').locator('input').fill(account.password);
		const login = this.page.waitForResponse(
			(r) => r.url().endsWith('/rest/login') && r.request().method() === 'POST',
		);
		await form.getByTestId('form-submit-button').click();
		const response = await login;
		if (response.status() !== 200) {
			throw new Error(`n8n refused the sign-in: POST /rest/login answered ${response.status()}`);
		}
		await this.page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	}

	/** A new, empty workflow: the canvas with its "Add first step…" button. */
	async newWorkflow(): Promise<void> {
		await this.page.goto(`${this.baseUrl}/workflow/new`);
		await this.page.getByTestId('canvas-add-button').waitFor();
	}

	// ── The node panel ───────────────────────────────────────────────────────────────────────────────────

	get nodePanel(): Locator {
		return this.page.getByTestId('node-creator');
	}

	/** Opens the node panel: the empty canvas's "Add first step…", else the canvas's + button. */
	async openNodePanel(): Promise<void> {
		const addFirstStep = this.page.getByTestId('canvas-add-button');
		if (await addFirstStep.isVisible()) await addFirstStep.click();
		else await this.page.getByTestId('node-creator-plus-button').click();
		await this.nodePanel.waitFor();
	}

	/** Types into the node panel's search box (replacing what was there). */
	async searchNodePanel(query: string): Promise<void> {
		await this.nodePanel.getByTestId('node-creator-search-bar').fill(query);
	}

	/**
	 * A node in the node panel's list, by the name it shows there. A trigger is listed without its " Trigger"
	 * and, searched for on an empty canvas, as an action item.
	 */
	nodePanelItem(displayName: string): Locator {
		return this.nodePanel
			.getByTestId('node-creator-node-item')
			.or(this.nodePanel.getByTestId('node-creator-action-item'))
			.filter({
				has: this.page
					.getByTestId('node-creator-item-name')
					.getByText(displayName, { exact: true }),
			});
	}

	/** The icon of a node in the node panel's list (the visible one: n8n also renders a hidden copy for dragging). */
	nodePanelIcon(displayName: string): Locator {
		return this.nodePanelItem(displayName).locator('img').filter({ visible: true }).first();
	}

	/**
	 * Adds a node from the node panel's list. n8n 2.x first shows a community node's details ("Installed",
	 * "Add to workflow"); on an empty canvas it also puts a Manual Trigger before the node. Resolves once the
	 * node's parameters (NDV) are open.
	 */
	async addNodeFromPanel(displayName: string): Promise<void> {
		await this.nodePanelItem(displayName).click();
		const addToWorkflow = this.nodePanel.getByRole('button', { name: 'Add to workflow' });
		const ndv = this.ndv;
		await addToWorkflow.or(ndv).first().waitFor();
		if (await addToWorkflow.isVisible()) await addToWorkflow.click();
		await ndv.waitFor();
	}

	/** A node on the canvas, by its name. */
	canvasNode(name: string): Locator {
		return this.page.getByTestId('canvas-node').filter({ hasText: name });
	}

	/** The names of the nodes on the canvas. */
	async canvasNodeNames(): Promise<string[]> {
		return await this.page
			.getByTestId('canvas-node')
			.evaluateAll((nodes) =>
				nodes.map((node) => (node.getAttribute('data-node-name') || node.textContent || '').trim()),
			);
	}

	// ── The node's parameters (NDV) ──────────────────────────────────────────────────────────────────────

	get ndv(): Locator {
		return this.page.getByTestId('ndv');
	}

	get parameters(): Locator {
		return this.ndv.getByTestId('node-parameters');
	}

	get outputPanel(): Locator {
		return this.ndv.getByTestId('output-panel');
	}

	/** Opens a canvas node's parameters (double click, as a user does). */
	async openNode(name: string): Promise<void> {
		await this.canvasNode(name).dblclick();
		await this.ndv.waitFor();
	}

	async closeNdv(): Promise<void> {
		await this.ndv.getByTestId('ndv-close-button').click();
		await this.ndv.waitFor({ state: 'hidden' });
	}

	/** The label of a node parameter (in the NDV), by the parameter's `name`. */
	parameterLabel(name: string): Locator {
		return this.parameters.locator(`label[for="${name}"]`);
	}

	/** A node parameter's row (label and input). */
	parameterItem(name: string): Locator {
		return this.parameters
			.getByTestId('parameter-item')
			.filter({ has: this.page.locator(`label[for="${name}"]`) })
			.last();
	}

	/** The text a label shows (without the "*" of required fields). */
	async labelText(label: Locator): Promise<string> {
		const title = label.locator('[class*="_title_"]').first();
		return normalizeText((await title.innerText()).replace(/\*\s*$/, ''));
	}

	/**
	 * The description n8n shows for a parameter: the tooltip of the "?" next to its label, which appears while
	 * the label is hovered. Resolves with its text, then moves the mouse away and waits for it to close.
	 */
	async tooltipText(label: Locator): Promise<string> {
		await label.hover();
		await label.locator('[data-icon="circle-help"]').hover();
		const tooltip = this.page.getByTestId('tooltip-content').filter({ visible: true });
		await tooltip.waitFor();
		const text = normalizeText(await tooltip.innerText());
		await this.page.mouse.move(1, 1);
		await tooltip.waitFor({ state: 'hidden' });
		return text;
	}

	/** True when the label has a "?" with a description. */
	async hasTooltip(label: Locator): Promise<boolean> {
		return (await label.locator('[data-icon="circle-help"]').count()) > 0;
	}

	/** All the text of a node parameter's row: label, input, hint (as a reader sees it). */
	async parameterText(name: string): Promise<string> {
		return normalizeText(await this.parameterItem(name).innerText());
	}

	/** The text of the NDV's notices (n8n `notice` parameters). */
	async noticeTexts(): Promise<string[]> {
		const notices = this.parameters
			.locator('.notice, [class*="_notice_"]')
			.filter({ visible: true });
		return (await notices.allInnerTexts()).map(normalizeText);
	}

	/**
	 * A collection's "Add …" button, by the text it shows ("Add option", "Add Filter"): a node with two
	 * collections has two such buttons.
	 */
	collectionAddButton(placeholder: string): Locator {
		return this.parameters
			.getByTestId('collection-parameter-add')
			.filter({ has: this.page.locator(`input[placeholder="${placeholder}"]`) });
	}

	/**
	 * The names a collection's "Add …" button offers, in order (by default the only such button). Closes the
	 * list again.
	 */
	async optionsOffered(
		addButton: Locator = this.parameters.getByTestId('collection-parameter-add'),
	): Promise<string[]> {
		await addButton.click();
		const choices = this.page.getByTestId('collection-parameter-option').filter({ visible: true });
		await choices.first().waitFor();
		const names = (await choices.allInnerTexts()).map(normalizeText);
		await this.page.keyboard.press('Escape');
		await choices.first().waitFor({ state: 'hidden' });
		return names;
	}

	/** "Add option" (or `addButton`) → an option by its display name; resolves once its label is on the form. */
	async addOption(
		displayName: string,
		optionName: string,
		addButton: Locator = this.parameters.getByTestId('collection-parameter-add'),
	): Promise<void> {
		await addButton.click();
		await this.page
			.getByTestId('collection-parameter-option')
			.filter({ visible: true })
			.getByText(displayName, { exact: true })
			.click();
		await this.parameterLabel(optionName).waitFor();
	}

	/**
	 * The choices of an `options` or `multiOptions` parameter's drop-down: `{ name, description }` as shown.
	 * Closes it again.
	 */
	async dropdownChoices(
		name: string,
		scope: Locator = this.parameters,
	): Promise<Array<{ name: string; description: string }>> {
		await scope.getByTestId(`parameter-input-${name}`).click();
		// A `multiOptions` list's entries carry no test id: they are the options of a multiple select.
		const items = this.page
			.getByTestId('parameter-input-item')
			.or(this.page.locator('.el-select-dropdown.is-multiple [role="option"]'))
			.filter({ visible: true });
		await items.first().waitFor();
		const choices = await items.evaluateAll((elements) =>
			elements.map((element) => ({
				name: element.querySelector('.option-headline')?.textContent ?? element.textContent ?? '',
				description: element.querySelector('.option-description')?.textContent ?? '',
			})),
		);
		await this.page.keyboard.press('Escape');
		await items.first().waitFor({ state: 'hidden' });
		return choices.map((c) => ({
			name: normalizeText(c.name),
			description: normalizeText(c.description),
		}));
	}

	/** Picks a choice of an `options` parameter's drop-down by its name. */
	async selectDropdownChoice(
		name: string,
		choice: string,
		scope: Locator = this.parameters,
	): Promise<void> {
		await scope.getByTestId(`parameter-input-${name}`).click();
		const item = this.page
			.getByTestId('parameter-input-item')
			.filter({ visible: true })
			.filter({ has: this.page.locator('.option-headline').getByText(choice, { exact: true }) });
		await item.click();
		await item.waitFor({ state: 'hidden' });
	}

	/** Switches a parameter to a fixed value (from an expression) and types `value` into it. */
	async setFixedValue(name: string, value: string): Promise<void> {
		const item = this.parameterItem(name);
		const input = item.getByTestId(`parameter-input-${name}`);
		const fixed = item.getByTestId('radio-button-fixed');
		if ((await fixed.count()) > 0 && (await fixed.getAttribute('aria-checked')) !== 'true') {
			await item.hover();
			await fixed.click();
			await input.locator('input, textarea').first().waitFor();
		}
		const field = input.locator('input, textarea').first();
		await field.fill(value);
		await field.blur();
	}

	/** The placeholder of a parameter's text input. */
	async placeholder(name: string, scope: Locator = this.parameters): Promise<string | null> {
		return await scope
			.getByTestId(`parameter-input-${name}`)
			.locator('input, textarea')
			.first()
			.getAttribute('placeholder');
	}

	// ── Credentials ──────────────────────────────────────────────────────────────────────────────────────

	get credentialDialog(): Locator {
		return this.page.getByTestId('editCredential-modal');
	}

	/** From the NDV's empty credential slot ("Connect to …"): opens the new-credential dialog. */
	async openNewCredentialDialog(): Promise<void> {
		await this.parameters.getByTestId('node-credentials-empty-state').getByRole('button').click();
		await this.credentialDialog.getByTestId('credential-connection-parameter').first().waitFor();
	}

	/** The label of a credential field in the dialog, by the field's `name`. */
	credentialLabel(name: string): Locator {
		return this.credentialDialog
			.getByTestId('credential-connection-parameter')
			.filter({ has: this.page.getByTestId(`parameter-input-${name}`) })
			.locator('label')
			.first();
	}

	async fillCredentialField(name: string, value: string): Promise<void> {
		await this.credentialDialog.getByTestId(`parameter-input-${name}`).locator('input').fill(value);
	}

	/**
	 * Presses a button that makes the editor test the credential (Save, or Retry in the test banner), and
	 * resolves with what n8n's test answered ({ status: 'OK' | 'Error', message }), once the dialog shows it.
	 */
	async testCredentialWith(button: Locator): Promise<{ status: string; message: string }> {
		const answer = this.page.waitForResponse(
			(r: Response) =>
				r.url().endsWith('/rest/credentials/test') && r.request().method() === 'POST',
			{ timeout: 2 * this.timeoutMs },
		);
		await button.click();
		const response = await answer;
		const body = (await response.json()) as { data?: { status: string; message: string } };
		if (!body.data)
			throw new Error(`credential test answered ${response.status()}: ${JSON.stringify(body)}`);
		return body.data;
	}

	get credentialSaveButton(): Locator {
		return this.credentialDialog.getByTestId('credential-save-button');
	}

	/** The "Couldn't connect with these settings" banner. */
	get credentialTestFailure(): Locator {
		return this.credentialDialog
			.locator('.el-tag--danger')
			.filter({ hasText: 'Couldn’t connect with these settings' });
	}

	/** The "Connection tested successfully" banner. */
	get credentialTestSuccess(): Locator {
		return this.credentialDialog.getByTestId('credentials-config-container-test-success');
	}

	/** The failed test's message, under "More details" in the failure banner (opened if closed). */
	async credentialFailureDetails(): Promise<string> {
		const banner = this.credentialTestFailure;
		await banner.waitFor();
		const more = banner.getByText('More details', { exact: true });
		if (await more.isVisible()) await more.click();
		const details = banner.locator('[class*="_details_"]');
		await details.waitFor();
		return normalizeText(await details.innerText());
	}

	/** Closes the credential dialog with its × button. */
	async closeCredentialDialog(): Promise<void> {
		await this.credentialDialog.locator('.el-dialog__headerbtn').first().click();
		await this.credentialDialog.waitFor({ state: 'hidden' });
	}

	// ── Running ──────────────────────────────────────────────────────────────────────────────────────────

	/** The canvas's "Execute workflow" button. */
	async executeWorkflow(): Promise<void> {
		const run = this.page.waitForResponse(
			(r) => /\/rest\/workflows\/[^/]+\/run/.test(r.url()) && r.request().method() === 'POST',
			{ timeout: 2 * this.timeoutMs },
		);
		await this.page.getByTestId('execute-workflow-button').click();
		const response = await run;
		if (response.status() !== 200)
			throw new Error(`starting the workflow answered ${response.status()}`);
	}

	/** Dismisses n8n's toasts (they cover the bottom right of the page, e.g. in screenshots). */
	async dismissToasts(): Promise<void> {
		const toasts = this.page.locator('.el-notification').filter({ visible: true });
		const deadline = Date.now() + this.timeoutMs;
		while ((await toasts.count()) > 0) {
			if (Date.now() > deadline) throw new Error("n8n's toasts did not close");
			// A toast may close by itself meanwhile: then this click finds nothing, and the loop looks again.
			await toasts
				.first()
				.locator('.el-notification__closeBtn')
				.click({ timeout: 2_000 })
				.catch(() => undefined);
		}
	}

	// ── Icons ────────────────────────────────────────────────────────────────────────────────────────────

	/**
	 * Waits for an `<img>` to load and decode; resolves with its address and natural size (a broken image
	 * rejects).
	 */
	async imageInfo(
		img: Locator,
	): Promise<{ src: string; naturalWidth: number; naturalHeight: number }> {
		await img.waitFor();
		return await img.evaluate(async (element) => {
			const image = element as unknown as {
				decode(): Promise<void>;
				currentSrc: string;
				naturalWidth: number;
				naturalHeight: number;
			};
			await image.decode();
			return {
				src: image.currentSrc,
				naturalWidth: image.naturalWidth,
				naturalHeight: image.naturalHeight,
			};
		});
	}

	/** n8n's current theme (`data-theme` on the body; none = light). */
	async currentTheme(): Promise<string> {
		return (await this.page.locator('body').getAttribute('data-theme')) ?? 'light';
	}
}
