/**
 * What the browser test and `npm run screenshots` run against: a seeded stand-in ONLYOFFICE portal, a
 * scratch n8n (from the e2e harness) with this package installed and its owner set up, and headless Chromium.
 */
import type { Browser } from 'playwright-core';

import {
	createN8nInstance,
	ensureN8nInstalled,
	type N8nInstance,
	type N8nServer,
} from '../e2e/harness';
import { startPortal } from '../portal';
import { ensureChromium, launchChromium } from './chromium';

export type Portal = Awaited<ReturnType<typeof startPortal>>;

export interface UiEnvironment {
	portal: Portal;
	n8n: N8nInstance;
	/** The running `n8n start`, signed in (REST) as the owner; `server.owner` holds the login. */
	server: N8nServer;
	browser: Browser;
	/** Closes the browser, stops n8n (removing its scratch folder) and the portal. Safe to call twice. */
	stop(): Promise<void>;
}

export interface UiEnvironmentOptions {
	/** Deals 1…N on the portal (default 50). */
	opportunities?: number;
	/** The portal's port (default 0: a free one). */
	portalPort?: number;
	/** Progress lines (e.g. console.log); default none. */
	log?: (message: string) => void;
}

/**
 * Installs what is missing (Chromium with apt-get, n8n into .cache/: first run only), then starts everything.
 * n8n runs without NODE_ENV (the harness removes jest's NODE_ENV=test, with which n8n would not load nodes).
 */
export async function startUiEnvironment(
	options: UiEnvironmentOptions = {},
): Promise<UiEnvironment> {
	const log = options.log ?? (() => undefined);
	ensureChromium();
	ensureN8nInstalled();
	const stops: Array<() => Promise<void>> = [];
	const stop = async () => {
		while (stops.length > 0)
			await stops
				.pop()?.()
				.catch(() => undefined);
	};
	try {
		log('starting the stand-in ONLYOFFICE portal');
		const portal = await startPortal({
			port: options.portalPort ?? 0,
			opportunities: options.opportunities ?? 50,
			seed: 1,
			// The seeded deals carry no tags: a few, so the search node's Tags dropdown has something to list.
			extraTags: 3,
		});
		stops.push(() => portal.stop());
		log('starting n8n with this package (20-60 s)');
		const n8n = await createN8nInstance({ name: 'ui' });
		stops.push(() => n8n.cleanup());
		const server = await n8n.startServer({ timeoutMs: 180_000 });
		await server.signInAsOwner();
		log(`n8n is up on ${server.baseUrl}; launching Chromium`);
		const browser = await launchChromium();
		stops.push(() => browser.close());
		return { portal, n8n, server, browser, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
