/**
 * Running a stored workflow in a started n8n as the editor's "Execute workflow" button does, and reading what
 * it left behind through n8n's public API (an API key of the signed-in owner): the execution with its data,
 * and the rows of a data table. Checked against n8n 2.40.7:
 * - POST /rest/workflows/:id/run { triggerToStartFrom: { name } } → { data: { executionId } } (manual mode);
 * - GET /api/v1/executions/:id?includeData=true → the execution with `data.resultData.runData`, `finished`,
 *   `status`;
 * - GET /api/v1/data-tables?limit=… and GET /api/v1/data-tables/:id/rows?limit=… → { data, nextCursor }.
 * Data tables exist only in a started n8n (`start`, `worker`, `webhook` set the module up; `execute` does not).
 */
import type { Execution } from './executionResult';
import type { N8nServer } from './n8nServer';

export interface RestExecution extends Execution {
	id: string;
	mode: string;
	status: string;
	finished: boolean;
}

export interface PublicApi {
	get<T>(urlPath: string): Promise<T>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An API key for the signed-in owner, with every scope, and a GET helper for /api/v1. */
export async function publicApiOf(server: N8nServer, label = 'e2e'): Promise<PublicApi> {
	const scopes = await server.call<string[]>('GET', '/rest/api-keys/scopes');
	const key = await server.call<{ rawApiKey: string }>('POST', '/rest/api-keys', {
		label: `${label} ${Date.now()}`,
		scopes,
		expiresAt: null,
	});
	if (!key.rawApiKey) throw new Error('POST /rest/api-keys answered without rawApiKey');
	return {
		async get<T>(urlPath: string): Promise<T> {
			const response = await fetch(`${server.baseUrl}/api/v1${urlPath}`, {
				headers: { 'X-N8N-API-KEY': key.rawApiKey, accept: 'application/json' },
				signal: AbortSignal.timeout(60_000),
			});
			const text = await response.text();
			if (!response.ok)
				throw new Error(`GET /api/v1${urlPath} answered ${response.status}: ${text}`);
			return JSON.parse(text) as T;
		},
	};
}

/**
 * Runs the whole workflow from its trigger `triggerName`, as the editor does, and waits for the execution to
 * end (whatever its status). Returns it with its data.
 */
export async function runOverRest(
	server: N8nServer,
	api: PublicApi,
	workflowId: string,
	triggerName: string,
	{ timeoutMs = 180_000 }: { timeoutMs?: number } = {},
): Promise<RestExecution> {
	const run = await server.call<{ executionId?: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ triggerToStartFrom: { name: triggerName } },
	);
	if (!run.executionId) throw new Error(`POST /rest/workflows/${workflowId}/run gave no execution`);
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await api
			.get<RestExecution>(`/executions/${run.executionId}?includeData=true`)
			.catch(() => undefined);
		if (execution && execution.status !== 'running' && execution.status !== 'new') {
			if (execution.finished || execution.status === 'error' || execution.status === 'crashed') {
				return execution;
			}
		}
		if (Date.now() > deadline) {
			throw new Error(
				`execution ${run.executionId} did not end within ${timeoutMs} ms (status ${execution?.status})`,
			);
		}
		await sleep(500);
	}
}

export interface DataTableRow {
	id: number;
	createdAt: string;
	updatedAt: string;
	[column: string]: unknown;
}

/** Every row of the data table named `name` (undefined when there is no such table). */
export async function dataTableRows(
	api: PublicApi,
	name: string,
): Promise<DataTableRow[] | undefined> {
	const tables = await api.get<{ data: Array<{ id: string; name: string }> }>(
		'/data-tables?limit=100',
	);
	const table = tables.data.find((t) => t.name === name);
	if (!table) return undefined;
	const rows: DataTableRow[] = [];
	let cursor: string | undefined;
	do {
		const page = await api.get<{ data: DataTableRow[]; nextCursor?: string | null }>(
			`/data-tables/${table.id}/rows?limit=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
		);
		rows.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return rows;
}
