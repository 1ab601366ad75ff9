/**
 * What every safety suite shares: a portal per case, a run of the node that never throws (the error is part of
 * the result), credentials, request-log helpers and fault matchers. Runs go through test/helpers/runNode, so
 * through n8n's real HTTP client against the stand-in portal on loopback.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import { runNode } from '../../helpers/runNode';
import type { RunOptions } from '../../helpers/runNode';
import { startPortal } from '../../portal';

export type Portal = Awaited<ReturnType<typeof startPortal>>;
export type PortalOptions = NonNullable<Parameters<typeof startPortal>[0]>;
export type LogEntry = Portal['requests'][number];
export type Fault = Parameters<Portal['injectFault']>[0];
export type FaultScope = NonNullable<Parameters<Portal['injectFault']>[1]>;
export type FaultTarget = { method: string; path: string };

export { startPortal };

/** The result of one run of the node: what it output, or the error it threw. */
export interface NodeRun {
	output: INodeExecutionData[];
	hints: NodeExecutionHint[];
	/** What execute() threw, if it threw. */
	error?: unknown;
	credentials: ICredentialDataDecryptedObject;
	logins: number;
}

export type { RunOptions };

export async function run(options: RunOptions): Promise<NodeRun> {
	try {
		return await runNode(options);
	} catch (error) {
		return { output: [], hints: [], error, credentials: options.credentials, logins: 0 };
	}
}

/** Runs the node with a fresh portal, stopped afterwards even if `body` throws. */
export async function withPortal<T>(
	options: PortalOptions,
	body: (portal: Portal) => Promise<T>,
): Promise<T> {
	const portal = await startPortal({ opportunities: 60, seed: 8, ...options });
	try {
		return await body(portal);
	} finally {
		await portal.stop();
	}
}

export function tokenCredential(
	portal: Portal,
	token: string = portal.token,
): ICredentialDataDecryptedObject {
	return { portalUrl: portal.url, authMethod: 'apiToken', apiToken: token };
}

export function emailCredential(
	portal: Portal,
	user: { email: string; password: string } = portal.users.admin,
): ICredentialDataDecryptedObject {
	return {
		portalUrl: portal.url,
		authMethod: 'emailPassword',
		email: user.email,
		password: user.password,
	};
}

export const requestsOf = (portal: Portal, method: string): LogEntry[] =>
	portal.requests.filter((r) => r.method === method);

/** The ID lists of the bulk deletes, in the order sent. */
export function sentIdLists(portal: Portal): number[][] {
	return requestsOf(portal, 'PUT').map(
		(r) => (r.body as { opportunityids: number[] }).opportunityids,
	);
}

/**
 * An error item: n8n routes an item whose json holds only `error`/`message`/`details` to the error output
 * (the node leaves `item.error` unset, see its errorItem()). Records never have an `error` key.
 */
export const isErrorItem = (item: INodeExecutionData): boolean =>
	item.error !== undefined || 'error' in item.json;
export const ERROR_ITEM_KEYS = ['error', 'message', 'details'];

export const errorItems = (output: INodeExecutionData[]) => output.filter(isErrorItem);
export const dataItems = (output: INodeExecutionData[]) =>
	output.filter((item) => !isErrorItem(item));

/** Non-error output items as [id, deleted]: `deleted` is `'record'` for an opportunity record. */
export function outcomes(output: INodeExecutionData[]): Array<[unknown, unknown]> {
	return dataItems(output).map((item) => [
		item.json.id,
		'deleted' in item.json ? item.json.deleted : 'record',
	]);
}

/** An error item's explanation: n8n's error output keeps `message` (or `details`) next to `error`. */
export function errorItemDetails(item: INodeExecutionData): string {
	return [item.json.message, item.json.details]
		.filter((text): text is string => typeof text === 'string')
		.join('\n');
}

/** Problems with the error items' shape: json keys other than error/message/details, no message, no pairing. */
export function errorItemProblems(output: INodeExecutionData[]): string[] {
	const problems: string[] = [];
	for (const item of errorItems(output)) {
		const extra = Object.keys(item.json).filter((key) => !ERROR_ITEM_KEYS.includes(key));
		if (extra.length) problems.push(`error item with keys ${extra.join(', ')}`);
		if (typeof item.json.error !== 'string' || item.json.error === '')
			problems.push('error item without an error text');
		if (item.pairedItem === undefined) problems.push('error item without pairedItem');
	}
	return problems;
}

/**
 * Matches the `n`th request (1-based) with this method and path pattern, and every one after it when
 * `andLater`. Counts from the portal's log (a request is logged before its fault is chosen), so several
 * queued faults never disturb each other's count.
 */
export function nth(
	portal: Portal,
	method: string,
	n: number,
	{ andLater = false, path = /./ }: { andLater?: boolean; path?: RegExp } = {},
) {
	return (request: FaultTarget) => {
		if (request.method !== method || !path.test(request.path)) return false;
		const seen = portal.requests.filter((r) => r.method === method && path.test(r.path)).length;
		return andLater ? seen >= n : seen === n;
	};
}

export const isLogin = (request: FaultTarget) =>
	request.method === 'POST' && /\/authentication(\.json)?$/i.test(request.path);

/**
 * Every path the node may request, with its method: the bulk delete, the dry run's look-up and the log-in
 * (no query string), and Whole Record's reads (`true`: with a query).
 */
export const ALLOWED_REQUESTS: Array<[string, RegExp, boolean?]> = [
	['PUT', /^\/api\/2\.0\/crm\/opportunity(\.json)?$/],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/[1-9][0-9]*\.json$/],
	['POST', /^\/api\/2\.0\/authentication\.json$/],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/customfield\/definitions\.json$/],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/tag(\/[1-9][0-9]*)?\.json$/],
	['GET', /^\/api\/2\.0\/crm\/(opportunity|history|task)\/filter\.json$/, true],
	['GET', /^\/Products\/Files\/HttpHandlers\/filehandler\.ashx$/, true],
];

/** Requests in the log that are not one of ALLOWED_REQUESTS (path and method), or carry a query it does not allow. */
export function foreignRequests(requests: LogEntry[]): string[] {
	return requests
		.filter(
			(r) =>
				!ALLOWED_REQUESTS.some(
					([method, path, query]) =>
						r.method === method &&
						path.test(r.path) &&
						(query === true || Object.keys(r.query).length === 0),
				),
		)
		.map(
			(r) =>
				`${r.method} ${r.path}${Object.keys(r.query).length ? `?${JSON.stringify(r.query)}` : ''}`,
		);
}

/** The error's message and description, and those of every error item. */
export function errorTexts(result: NodeRun): string[] {
	const texts: string[] = [];
	const add = (error: unknown) => {
		const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
		if (typeof message === 'string') texts.push(message);
		if (typeof description === 'string') texts.push(description);
	};
	add(result.error);
	for (const item of errorItems(result.output)) {
		add(item.error);
		for (const key of ['error', 'message', 'details'] as const) {
			const text = (item.json as IDataObject)[key];
			if (typeof text === 'string') texts.push(text);
		}
	}
	return texts;
}

/** A short rendering of any test value for a test name. */
export function show(value: unknown): string {
	if (typeof value === 'bigint') return `${value}n`;
	if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
	if (typeof value === 'string')
		return value.length > 40
			? `${JSON.stringify(value.slice(0, 30))}… (${value.length} chars)`
			: JSON.stringify(value);
	if (value === undefined) return 'undefined';
	if (Array.isArray(value) && value.length > 10)
		return `[${value.slice(0, 3).map(show).join(', ')}, … ${value.length} entries]`;
	try {
		return (
			JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ??
			String(value)
		);
	} catch {
		return String(value);
	}
}
