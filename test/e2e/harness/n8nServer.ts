/**
 * `n8n start` on a loopback port, and the REST calls the editor makes: owner setup, login, saving a
 * credential and its Test button.
 *
 * Checked against the installed n8n 2.40.7 and 1.123.81 (dist/ controllers and @n8n/api-types DTOs):
 * - POST /rest/owner/setup  { email, firstName, lastName, password } (password: 8-64 chars, a digit and an
 *   uppercase letter), skipAuth; answers with the owner and sets the `n8n-auth` cookie.
 * - POST /rest/login        { emailOrLdapLoginId, password }.
 * - POST /rest/credentials  { name, type, data } → { data: { id, … } } (data is encrypted by n8n).
 * - POST /rest/credentials/test  { credentials: { id, name, type, data } } → { data: { status: 'OK' | 'Error',
 *   message } }. Both versions look the credential up by `id` first: 1.123.81 answers 403 for an unsaved one;
 *   2.40.7 accepts `id: ''` for the owner only. So, like the editor after Save, we save first and test by id.
 * - The auth cookie's JWT is bound to the `browser-id` header sent at login (when one is sent); we send the
 *   same fixed header on every request.
 * - GET /healthz/readiness answers 200 once the database is migrated (2.40.7: and the server fully up; 1.123.81
 *   answers 200 before the REST routes exist, so readiness also waits for GET /rest/settings).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import type { N8nInstallation } from './n8nInstallation';
import {
	freePort,
	isRunning,
	killProcessGroup,
	tailOfFile,
	waitFor,
	WaitAborted,
} from './processes';

export interface StartServerOptions {
	/** Loopback port for the editor/REST API; a free one if omitted. */
	port?: number;
	/** How long to wait for n8n to answer (default 180 s: start-up takes 20-40 s on 2 cores, more on a cold cache). */
	timeoutMs?: number;
	/** Extra environment for the `n8n start` process. */
	env?: Record<string, string | undefined>;
}

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Owner-Passw0rd',
};

export interface RestResponse<T = unknown> {
	status: number;
	headers: Headers;
	/** Parsed JSON when the response is JSON, else the text. */
	body: T;
}

/** What a credential test answers (n8n's INodeCredentialTestResult). */
export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

export interface CredentialToTest {
	/** Test an already stored credential (e.g. one imported with importCredentials) by its id. */
	id?: string;
	name?: string;
	type: string;
	data: Record<string, unknown>;
}

const BROWSER_ID = 'n8n-nodes-onlyoffice-crm-e2e-browser';

interface ServerStartArgs extends StartServerOptions {
	installation: N8nInstallation;
	cwd: string;
	env: NodeJS.ProcessEnv;
	logFile: string;
}

export class N8nServer {
	readonly baseUrl: string;
	private cookie: string | undefined;
	owner: OwnerAccount | undefined;

	private constructor(
		private readonly child: ChildProcess,
		readonly port: number,
		/** stdout and stderr of `n8n start`. */
		readonly logFile: string,
	) {
		this.baseUrl = `http://127.0.0.1:${port}`;
	}

	/** Use N8nInstance.startServer(), which passes the instance's environment. */
	static async start(args: ServerStartArgs): Promise<N8nServer> {
		const port = args.port ?? (await freePort());
		const timeoutMs = args.timeoutMs ?? 180_000;
		const log = fs.openSync(args.logFile, 'a');
		let child: ChildProcess;
		try {
			child = spawn(args.installation.nodeBin, [args.installation.n8nBin, 'start'], {
				cwd: args.cwd,
				env: {
					N8N_HOST: 'localhost',
					N8N_PROTOCOL: 'http',
					// Plain http on loopback: let a browser keep the cookie too.
					N8N_SECURE_COOKIE: 'false',
					...args.env,
					N8N_PORT: String(port),
					N8N_LISTEN_ADDRESS: '127.0.0.1',
				},
				stdio: ['ignore', log, log],
				// Own process group, so stop() also ends the task runners n8n spawns.
				detached: true,
			});
		} finally {
			fs.closeSync(log);
		}
		const server = new N8nServer(child, port, args.logFile);
		try {
			await waitFor(
				`n8n ${args.installation.version} to answer on ${server.baseUrl}`,
				async () => {
					if (!isRunning(child)) {
						throw new WaitAborted(
							`n8n start exited with ${child.exitCode ?? child.signalCode} before answering`,
						);
					}
					return (await server.isReady()) ? true : undefined;
				},
				{ timeoutMs, intervalMs: 500 },
			).catch((error: unknown) => {
				throw new Error(
					`${(error as Error).message}\n--- ${args.logFile} (end) ---\n${tailOfFile(args.logFile)}`,
				);
			});
		} catch (error) {
			await server.stop();
			throw error;
		}
		return server;
	}

	isRunning(): boolean {
		return isRunning(this.child);
	}

	/** The `n8n start` process (leader of its own process group), e.g. for a caller's emergency stop. */
	get childProcess(): ChildProcess {
		return this.child;
	}

	/**
	 * True once n8n's readiness check answers 200 (404 on versions without one) and its REST API is mounted:
	 * 1.x's readiness only means "database migrated", its REST routes come a few seconds later.
	 */
	async isReady(): Promise<boolean> {
		if (!this.isRunning()) throw new WaitAborted('n8n start is not running');
		try {
			const readiness = await fetch(`${this.baseUrl}/healthz/readiness`, {
				signal: AbortSignal.timeout(5_000),
			});
			await readiness.arrayBuffer();
			if (readiness.status !== 200 && readiness.status !== 404) return false;
			const settings = await fetch(`${this.baseUrl}/rest/settings`, {
				signal: AbortSignal.timeout(5_000),
			});
			const isJson = (settings.headers.get('content-type') ?? '').includes('application/json');
			await settings.arrayBuffer();
			return settings.status === 200 && isJson;
		} catch {
			return false; // Not listening yet.
		}
	}

	/** A REST call with the session cookie (if logged in) and the browser-id header the cookie is bound to. */
	async request<T = unknown>(
		method: string,
		urlPath: string,
		body?: unknown,
	): Promise<RestResponse<T>> {
		const headers: Record<string, string> = {
			'browser-id': BROWSER_ID,
			accept: 'application/json',
		};
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const response = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(120_000),
		});
		const setCookies = response.headers.getSetCookie();
		const auth = setCookies.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
		if (auth) this.cookie = auth === 'n8n-auth=' ? undefined : auth;
		const text = await response.text();
		let parsed: unknown = text;
		if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') {
			parsed = JSON.parse(text);
		}
		return { status: response.status, headers: response.headers, body: parsed as T };
	}

	/** Like request(), but throws unless the status is 2xx; returns the body's `data` (n8n wraps answers in it). */
	async call<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T> {
		const response = await this.request<{ data?: T } | string>(method, urlPath, body);
		if (response.status < 200 || response.status > 299) {
			const shown =
				typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
			throw new Error(`${method} ${urlPath} answered ${response.status}: ${shown.slice(0, 2000)}`);
		}
		const b = response.body;
		return (typeof b === 'object' && b !== null && 'data' in b ? b.data : b) as T;
	}

	/** POST /rest/owner/setup (n8n's first-run screen); the answer's cookie logs us in as the owner. */
	async setupOwner(owner: Partial<OwnerAccount> = {}): Promise<Record<string, unknown>> {
		const account = { ...DEFAULT_OWNER, ...owner };
		const user = await this.call<Record<string, unknown>>('POST', '/rest/owner/setup', account);
		this.owner = account;
		if (!this.cookie) throw new Error('owner setup answered without an n8n-auth cookie');
		return user;
	}

	/** True while n8n still shows its first-run owner setup (GET /rest/settings → userManagement.showSetupOnFirstLoad). */
	async needsOwnerSetup(): Promise<boolean> {
		const settings = await this.call<{ userManagement?: { showSetupOnFirstLoad?: boolean } }>(
			'GET',
			'/rest/settings',
		);
		return settings.userManagement?.showSetupOnFirstLoad === true;
	}

	/**
	 * Signs in as the instance owner whatever the state of the user folder: sets the owner up on a fresh one,
	 * logs in on one where that was done already (an earlier server of the same instance).
	 */
	async signInAsOwner(owner: Partial<OwnerAccount> = {}): Promise<void> {
		const account = { ...DEFAULT_OWNER, ...owner };
		if (await this.needsOwnerSetup()) {
			await this.setupOwner(account);
		} else {
			this.owner = account;
			await this.login(account);
		}
	}

	/** POST /rest/login as the owner set up before (or the given account). */
	async login(
		account: Pick<OwnerAccount, 'email' | 'password'> | undefined = this.owner,
	): Promise<Record<string, unknown>> {
		if (!account) throw new Error('login(): no account given and no owner set up yet');
		const user = await this.call<Record<string, unknown>>('POST', '/rest/login', {
			emailOrLdapLoginId: account.email,
			// Older n8n versions read `email`; newer ones ignore it.
			email: account.email,
			password: account.password,
		});
		if (!this.cookie) throw new Error('login answered without an n8n-auth cookie');
		return user;
	}

	/** GET /rest/login: the user the session cookie belongs to (throws when not logged in). */
	async me(): Promise<Record<string, unknown>> {
		return await this.call('GET', '/rest/login');
	}

	/** POST /rest/credentials, as the editor's Save button. Returns the new credential's id. */
	async createCredential(credential: {
		name?: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<string> {
		const created = await this.call<{ id: string }>('POST', '/rest/credentials', {
			name: credential.name ?? `e2e ${credential.type} ${Date.now()}`,
			type: credential.type,
			data: credential.data,
		});
		return created.id;
	}

	/**
	 * The editor's credential Test: saves the credential first (unless `id` names a stored one), then
	 * POST /rest/credentials/test with { credentials: { id, name, type, data } }. Returns n8n's verdict;
	 * throws only if n8n answers with an HTTP error.
	 */
	async testCredential(credential: CredentialToTest): Promise<CredentialTestResult> {
		const name = credential.name ?? `e2e ${credential.type} ${Date.now()}`;
		const id = credential.id ?? (await this.createCredential({ ...credential, name }));
		return await this.call<CredentialTestResult>('POST', '/rest/credentials/test', {
			credentials: { id, name, type: credential.type, data: credential.data },
		});
	}

	/**
	 * Publishes (activates) a stored workflow as the editor's toggle does: n8n 2.x activates the version it is
	 * given, so the current one is read first. Returns whether n8n says it is active.
	 */
	async activateWorkflow(workflowId: string): Promise<boolean> {
		const { versionId } = await this.call<{ versionId: string }>(
			'GET',
			`/rest/workflows/${workflowId}`,
		);
		const activated = await this.call<{ active: boolean }>(
			'POST',
			`/rest/workflows/${workflowId}/activate`,
			{ versionId },
		);
		return activated.active;
	}

	/** The node types n8n loaded (GET /types/nodes.json, as the editor fetches them; needs a signed-in user). */
	async nodeTypeNames(): Promise<string[]> {
		const response = await this.request<Array<{ name: string }>>('GET', '/types/nodes.json');
		if (response.status !== 200 || !Array.isArray(response.body)) {
			throw new Error(`GET /types/nodes.json answered ${response.status}`);
		}
		return response.body.map((type) => type.name);
	}

	/** Stops n8n (SIGTERM to its process group, SIGKILL after 15 s). Safe to call twice. */
	async stop(): Promise<void> {
		await killProcessGroup(this.child, 15_000);
	}
}
