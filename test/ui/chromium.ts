/**
 * Debian's Chromium for the browser test and `npm run screenshots`: installed by scripts/install-chromium.sh
 * (apt-get; Playwright's own browser download does not work on these machines) and driven by playwright-core.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { chromium, selectors, type Browser } from 'playwright-core';

import { REPO_ROOT } from '../e2e/harness';

/** The Chromium binary: `CHROMIUM_PATH`, or Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const INSTALL_CHROMIUM_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-chromium.sh');

/**
 * Flags for a headless Chromium on a machine with a closed network: without the background-networking ones
 * Chromium keeps trying to reach Google's hosts.
 */
export const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];

/**
 * Makes sure Chromium is there, running scripts/install-chromium.sh (apt-get, as root) if it is not. Its
 * progress goes to this process's stderr.
 */
export function ensureChromium(): string {
	if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
	process.stderr.write(`[ui] ${CHROMIUM_PATH} is missing: running scripts/install-chromium.sh\n`);
	const result = spawnSync('bash', [INSTALL_CHROMIUM_SCRIPT], {
		cwd: REPO_ROOT,
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 15 * 60_000,
	});
	if (result.status !== 0 || !fs.existsSync(CHROMIUM_PATH)) {
		throw new Error(
			`scripts/install-chromium.sh failed (exit code ${result.status}): install Chromium with ` +
				'`sudo apt-get install chromium`, or set CHROMIUM_PATH to a Chromium binary',
		);
	}
	return CHROMIUM_PATH;
}

/**
 * Headless Chromium. Playwright gives every launch a new empty profile (a temporary --user-data-dir it removes
 * on close). n8n's editor marks elements with `data-test-id`: getByTestId() looks for that attribute.
 */
export async function launchChromium(): Promise<Browser> {
	const executablePath = ensureChromium();
	selectors.setTestIdAttribute('data-test-id');
	return await chromium.launch({
		executablePath,
		headless: true,
		args: CHROMIUM_ARGS,
		timeout: 60_000,
	});
}
