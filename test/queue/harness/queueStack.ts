/**
 * n8n 2.40.7 in queue mode on loopback, for the queue suite (test/queue) and `npm run bench -- --queue`:
 * Redis, PostgreSQL, one `n8n start` (main: editor, REST and public API, production webhooks; it puts
 * executions on the queue) and N `n8n worker --concurrency=C` processes that run them. This package is
 * installed as n8n's Community Nodes install would (see communityPackage.ts). Headless set-up: owner
 * (`POST /rest/owner/setup`) → API key (`POST /rest/api-keys`) → workflows through the public API.
 *
 * Everything started is stopped by stop(), by PID, and on Ctrl+C or exit by cleanup.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Execution } from '../../e2e/harness/executionResult';
import { createN8nInstance, type N8nInstance } from '../../e2e/harness/n8nInstance';
import type { N8nServer } from '../../e2e/harness/n8nServer';
import { waitFor } from '../../e2e/harness/processes';
import { track, trackFolder } from './cleanup';
import { installPackedPackage } from './communityPackage';
import { QueueWorker } from './queueWorker';
import {
	ensureQueueServices,
	startPostgres,
	startRedis,
	type PostgresServer,
	type RedisServer,
} from './services';

export interface QueueStackOptions {
	/** Workers started with the stack (default 2); more with addWorker(). */
	workers?: number;
	/** Each worker's `--concurrency` (default 5). */
	concurrency?: number;
	/** Extra environment for main and every worker (e.g. QUEUE_WORKER_LOCK_DURATION). */
	env?: Record<string, string | undefined>;
	/** Prefix of the scratch folder's name. */
	name?: string;
	/** Progress lines (default: none). */
	log?: (line: string) => void;
}

/** An execution as the public API lists it. */
export interface ExecutionSummary {
	id: string;
	finished: boolean;
	mode: string;
	status: string;
	retryOf: string | null;
	retrySuccessId: string | null;
	startedAt: string | null;
	stoppedAt: string | null;
	workflowId: string;
}

export interface QueueStack {
	n8n: N8nInstance;
	main: N8nServer;
	workers: QueueWorker[];
	redis: RedisServer;
	postgres: PostgresServer;
	/** Where every log of the stack is written (inside n8n's user folder). */
	logDir: string;
	/** `X-N8N-API-KEY` for the public API. */
	apiKey: string;
	/** How long the stack took to start, in ms. */
	startMs: number;
	/** A public API call (`/api/v1…`); throws unless 2xx. */
	publicApi<T = unknown>(method: string, urlPath: string, body?: unknown): Promise<T>;
	/** Creates a workflow through the public API; returns its id. */
	createWorkflow(workflow: object): Promise<string>;
	/** Publishes (activates) a workflow: its production webhooks then answer on main. */
	activateWorkflow(workflowId: string): Promise<void>;
	/** Production webhook URL for `webhookPath`. */
	webhookUrl(webhookPath: string): string;
	/** POSTs `body` as JSON to the production webhook `webhookPath`; throws unless it answers 200. */
	postToWebhook(webhookPath: string, body: unknown): Promise<void>;
	/**
	 * Waits until main serves the production webhook (activation registers it a moment after the API call
	 * returned). Probes with another HTTP method, which starts nothing: once the webhook is registered, n8n
	 * answers "not registered for <probe> requests. Did you mean to make a <method> request?".
	 */
	waitForWebhook(webhookPath: string, method?: string): Promise<void>;
	/** Every execution of a workflow, newest first. */
	executions(workflowId: string): Promise<ExecutionSummary[]>;
	/** Waits until `count` executions of the workflow have ended (any status but new/running/waiting). */
	waitForEndedExecutions(
		workflowId: string,
		count: number,
		timeoutMs?: number,
	): Promise<ExecutionSummary[]>;
	/** One execution with its data (`GET /api/v1/executions/<id>?includeData=true`). */
	execution(executionId: string): Promise<Execution & ExecutionSummary>;
	/** The worker that logged the start of this execution. */
	workerOf(executionId: string): QueueWorker | undefined;
	/** Starts one more worker. */
	addWorker(): Promise<QueueWorker>;
	/** Every log file of the stack (n8n main and workers, Redis, PostgreSQL). */
	logFiles(): string[];
	/** pg_dump of n8n's database into `file`. */
	dumpDatabase(file: string): Promise<void>;
	/** Stops workers, main, Redis and PostgreSQL, and removes the scratch folders. Safe to call twice. */
	stop(): Promise<void>;
}

const ENDED = new Set(['success', 'error', 'crashed', 'canceled']);

/** Settings every n8n process of the stack shares. */
function queueEnv(redis: RedisServer, postgres: PostgresServer): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: '127.0.0.1',
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		// It calls out to the internet.
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_LOG_LEVEL: 'info',
	};
}

export async function startQueueStack(options: QueueStackOptions = {}): Promise<QueueStack> {
	const started = Date.now();
	const log = options.log ?? (() => undefined);
	const concurrency = options.concurrency ?? 5;
	const { postgresBin } = ensureQueueServices();

	const n8n = await createN8nInstance({ name: options.name ?? 'n8n-queue', packageMode: 'none' });
	// Removed by n8n.cleanup() in stop(); by the watchdog if this process ends before that.
	const forgetUserFolder = process.env.N8N_E2E_KEEP_SCRATCH
		? () => undefined
		: trackFolder(n8n.userFolder);
	const logDir = path.join(n8n.userFolder, 'harness', 'queue');
	fs.mkdirSync(logDir, { recursive: true });
	// The postgres account writes its log here through the descriptor we pass; let it reach the folder too.
	fs.chmodSync(logDir, 0o755);

	const workers: QueueWorker[] = [];
	let redis: RedisServer | undefined;
	let postgres: PostgresServer | undefined;
	let main: N8nServer | undefined;
	let stopped = false;

	const stop = async () => {
		if (stopped) return;
		stopped = true;
		const errors: unknown[] = [];
		const attempt = async (what: () => Promise<void> | undefined) => {
			try {
				await what();
			} catch (error) {
				errors.push(error);
			}
		};
		await Promise.all(workers.map((worker) => attempt(() => worker.stop())));
		await attempt(() => main?.stop());
		await Promise.all([attempt(() => redis?.stop()), attempt(() => postgres?.stop())]);
		await attempt(() => n8n.cleanup());
		forgetUserFolder();
		if (errors.length > 0) throw errors[0];
	};

	try {
		log(`installing the packed package into ${n8n.packageDir}`);
		installPackedPackage(n8n.packageDir);
		[redis, postgres] = await Promise.all([
			startRedis({ logDir }),
			startPostgres({ bin: postgresBin, logDir }),
		]);
		log(`Redis on ${redis.port}, PostgreSQL on ${postgres.port}`);
		const shared = { ...queueEnv(redis, postgres), ...options.env };
		const env = (extra: Record<string, string> = {}) => ({ ...shared, ...extra });

		// Main first: it runs the database migrations the workers rely on.
		main = await n8n.startServer({ env: env(), timeoutMs: 240_000 });
		track({ name: 'n8n main', child: main.childProcess, kind: 'group', marker: 'bin/n8n' });
		log(`n8n main on ${main.baseUrl}`);

		let workerCount = 0;
		const addWorker = async () => {
			const name = `w${++workerCount}`;
			const worker = await QueueWorker.start({
				instance: n8n,
				name,
				concurrency,
				logFile: path.join(logDir, `worker-${name}.log`),
				env: env(),
			});
			workers.push(worker);
			log(`n8n worker ${name} ready (pid ${worker.pid}, --concurrency=${concurrency})`);
			return worker;
		};
		const [apiKey] = await Promise.all([
			headlessSetup(main),
			...Array.from({ length: options.workers ?? 2 }, () => addWorker()),
		]);
		const mainServer = main;
		const pg = postgres;

		const publicApi = async <T>(method: string, urlPath: string, body?: unknown): Promise<T> => {
			const send = () =>
				fetch(`${mainServer.baseUrl}/api/v1${urlPath}`, {
					method,
					headers: {
						'X-N8N-API-KEY': apiKey,
						accept: 'application/json',
						...(body === undefined ? {} : { 'content-type': 'application/json' }),
					},
					body: body === undefined ? undefined : JSON.stringify(body),
					signal: AbortSignal.timeout(120_000),
				});
			let response: Response;
			try {
				response = await send();
			} catch (error) {
				// A kept-alive connection n8n had closed while this process was busy (a long synchronous scan)
				// and that was reused before the close was seen: n8n never read the request, so send it again.
				const cause = (error as { cause?: { code?: string } }).cause;
				if (cause?.code !== 'UND_ERR_SOCKET') throw error;
				response = await send();
			}
			const text = await response.text();
			if (!response.ok)
				throw new Error(
					`${method} /api/v1${urlPath} answered ${response.status}: ${text.slice(0, 2000)}`,
				);
			return (text === '' ? undefined : JSON.parse(text)) as T;
		};

		const executions = async (workflowId: string) => {
			const all: ExecutionSummary[] = [];
			let cursor: string | undefined;
			do {
				const page = await publicApi<{ data: ExecutionSummary[]; nextCursor?: string | null }>(
					'GET',
					`/executions?workflowId=${encodeURIComponent(workflowId)}&limit=250${
						cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
					}`,
				);
				all.push(...page.data.map((e) => ({ ...e, id: String(e.id) })));
				cursor = page.nextCursor ?? undefined;
			} while (cursor);
			return all;
		};

		const stack: QueueStack = {
			n8n,
			main: mainServer,
			workers,
			redis,
			postgres,
			logDir,
			apiKey,
			startMs: Date.now() - started,
			publicApi,
			async createWorkflow(workflow) {
				const w = workflow as Record<string, unknown>;
				const created = await publicApi<{ id: string }>('POST', '/workflows', {
					name: w.name,
					nodes: w.nodes,
					connections: w.connections ?? {},
					settings: w.settings ?? {},
				});
				return String(created.id);
			},
			async activateWorkflow(workflowId) {
				await publicApi('POST', `/workflows/${workflowId}/activate`);
			},
			webhookUrl: (webhookPath) => `${mainServer.baseUrl}/webhook/${webhookPath}`,
			async postToWebhook(webhookPath, body) {
				const response = await fetch(stack.webhookUrl(webhookPath), {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
				});
				const text = await response.text();
				if (response.status !== 200)
					throw new Error(`webhook answered ${response.status}: ${text}`);
			},
			async waitForWebhook(webhookPath, method = 'POST') {
				const probe = method === 'GET' ? 'DELETE' : 'GET';
				await waitFor(
					`the production webhook ${method} ${webhookPath}`,
					async () => {
						const response = await fetch(stack.webhookUrl(webhookPath), {
							method: probe,
							signal: AbortSignal.timeout(5_000),
						});
						const text = await response.text();
						return text.includes(`make a ${method} request`) ? true : undefined;
					},
					{ timeoutMs: 30_000, intervalMs: 200 },
				);
			},
			executions,
			async waitForEndedExecutions(workflowId, count, timeoutMs = 300_000) {
				return await waitFor(
					`${count} ended executions of workflow ${workflowId}`,
					async () => {
						const list = await executions(workflowId);
						const ended = list.filter((e) => ENDED.has(e.status));
						return ended.length >= count ? ended : undefined;
					},
					{ timeoutMs, intervalMs: 500 },
				);
			},
			async execution(executionId) {
				const execution = await publicApi<Execution & ExecutionSummary>(
					'GET',
					`/executions/${executionId}?includeData=true`,
				);
				return { ...execution, id: String(execution.id) };
			},
			workerOf: (executionId) =>
				workers.find((worker) => worker.startedExecutions().includes(String(executionId))),
			addWorker,
			logFiles: () =>
				fs
					.readdirSync(path.join(n8n.userFolder, 'harness'), {
						recursive: true,
						encoding: 'utf8',
					})
					.map((name) => path.join(n8n.userFolder, 'harness', name))
					.filter((file) => file.endsWith('.log') && fs.statSync(file).isFile()),
			dumpDatabase: (file) => pg.dump(file),
			stop,
		};
		return stack;
	} catch (error) {
		await stop().catch(() => undefined);
		throw error;
	}
}

/** Owner account, then an API key with every scope the owner may grant. Returns the raw key. */
async function headlessSetup(main: N8nServer): Promise<string> {
	await main.signInAsOwner();
	const scopes = await main.call<string[]>('GET', '/rest/api-keys/scopes');
	const key = await main.call<{ rawApiKey: string }>('POST', '/rest/api-keys', {
		label: 'queue-suite',
		scopes,
		expiresAt: null,
	});
	if (!key.rawApiKey) throw new Error('POST /rest/api-keys answered without rawApiKey');
	return key.rawApiKey;
}
