/**
 * The fault matrix: one row per fault the portal (or a proxy in front of it) can throw at the node, with what
 * the user must see and what must become of every ID. Used by faultMatrix.test.ts (every row, plain and under
 * Continue On Fail) and secrets.test.ts (a selection, with secrets to look for).
 *
 * By default a row runs three items naming 1,2 / 3,4 / 5,6 with Batch Size 2: three chunks, one per item.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import type { Fault, FaultScope, Portal, PortalOptions } from './harness';
import { emailCredential, isLogin, nth } from './harness';

/** [id, what the output says]: 'record', true, null or false (the item's `deleted`). */
export type Outcome = [number, 'record' | true | null | false];

export interface FaultRow {
	/** Distinct name; also the key the summary counts. */
	name: string;
	portal?: PortalOptions;
	/** Faults to inject before the run. */
	faults: (portal: Portal) => Array<[Fault, FaultScope?]>;
	items?: IDataObject[];
	options?: IDataObject;
	credentials?: (portal: Portal) => ICredentialDataDecryptedObject;
	/** Stops the portal before the run (a portal that is down). */
	down?: boolean;
	/** The IDs the user asked for (default: the IDs of the default items). */
	requested?: number[];
	expect: {
		/** The run survives the fault: these outputs, in order. */
		output?: Outcome[];
		/**
		 * Whole Record: the IDs kept because their records could not be read, each output as an item with
		 * `deleted: false` and the reason (in order).
		 */
		held?: number[];
		/** The run fails for good. */
		error?: {
			kind: 'api' | 'operation';
			/** What happened (all must match the message). */
			message: RegExp[];
			/** What to do, and what became of each ID (all must match the description). */
			description: RegExp[];
			/** Outputs before the failure, under Continue On Fail. */
			outputBefore: Outcome[];
			/** Under Continue On Fail: the items that become error items. */
			errorItems: number[];
		};
		/** Exactly what the portal deleted (sorted). */
		deleted: number[];
		/** How many requests of each method the portal received. */
		requests?: Partial<Record<'PUT' | 'GET' | 'POST', number>>;
		/** The waits the node asked for between retries, in ms. */
		sleeps?: number[];
		/** An execution hint matching this. */
		hint?: RegExp;
	};
}

export const DEFAULT_ITEMS: IDataObject[] = [{ id: '1,2' }, { id: '3,4' }, { id: '5,6' }];
export const DEFAULT_IDS = [1, 2, 3, 4, 5, 6];
export const DEFAULT_OPTIONS: IDataObject = { batchSize: 2 };

const records = (...ids: number[]): Outcome[] => ids.map((id) => [id, 'record']);
/** The `n`th delete request (and all after it when `andLater`), for as long as the run lasts. */
const PUT = (portal: Portal, n: number, andLater = false): FaultScope => ({
	match: nth(portal, 'PUT', n, { andLater }),
	times: 1000,
});
/** Only the `n`th delete request. */
const once = (portal: Portal, n: number): FaultScope => ({
	match: nth(portal, 'PUT', n),
	times: 1,
});
const GET = { match: (r: { method: string }) => r.method === 'GET', times: 1000 };

const TEXT = 'text/plain; charset=utf-8';
const HTML_404 =
	'<!DOCTYPE html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>nginx</p></body></html>';
const CHECK_URL = /Check the Portal URL/;
const AGAIN_LATER = /Run the workflow again later/;
const NO_RETRY_ON_FAIL = /Do not use n8n's Retry On Fail/;
const NOTHING_DELETED_ALL = [/Not deleted \(2\): 1-2\.\nNot attempted \(4\): 3-6\./];
const MAY_FIRST_CHUNK = [
	/May have been deleted \(check in ONLYOFFICE\) \(2\): 1-2\.\nNot attempted \(4\): 3-6\./,
];

/** Whole Record, on a portal whose deals have whole records. */
const WHOLE = { batchSize: 2, record: 'wholeRecord' };
const historyOf =
	(id: number): FaultScope['match'] =>
	(r) =>
		/\/history\/filter(\.json)?$/.test(r.path) && r.query.entityId === String(id);

export const FAULT_ROWS: FaultRow[] = [
	{
		name: '401 plain text on every request',
		faults: (p) => [
			[{ type: 'status', status: 401, body: 'Unauthorized', contentType: TEXT }, PUT(p, 1, true)],
		],
		expect: {
			error: {
				kind: 'api',
				message: [/^ONLYOFFICE did not accept the credential\. Nothing was deleted\.$/],
				description: [
					...NOTHING_DELETED_ALL,
					/Check the API token \(or the e-mail and password\) in the ONLYOFFICE credential and that it belongs to this portal, then press Test/,
				],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '401 plain text from the second chunk on (token revoked mid-run)',
		faults: (p) => [
			[{ type: 'status', status: 401, body: 'Unauthorized', contentType: TEXT }, PUT(p, 2, true)],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^ONLYOFFICE did not accept the credential\. 2 of 6 opportunities were deleted before this; see the details for which\.$/,
				],
				description: [
					/Deleted \(2\): 1-2\.\nNot deleted \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
					/press Test/,
					NO_RETRY_ON_FAIL,
				],
				outputBefore: records(1, 2),
				errorItems: [1, 2],
			},
			deleted: [1, 2],
		},
	},
	{
		name: '401 once, accepted when sent again',
		faults: (p) => [
			[{ type: 'status', status: 401, body: 'Unauthorized', contentType: TEXT }, once(p, 1)],
		],
		expect: { output: records(1, 2, 3, 4, 5, 6), deleted: DEFAULT_IDS, requests: { PUT: 4 } },
	},
	{
		name: '403 no CRM access (JSON error)',
		faults: (p) => [[{ type: 'status', status: 403 }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [/^This ONLYOFFICE user has no access to the CRM module\. Nothing was deleted\.$/],
				description: [
					...NOTHING_DELETED_ALL,
					/Ask a portal administrator to give the user CRM access/,
				],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 1 },
		},
	},
	{
		name: '404 with an HTML page',
		faults: (p) => [[{ type: 'status', status: 404, body: HTML_404 }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [/HTTP 404/, /not as ONLYOFFICE's API/, /Nothing was deleted\.$/],
				description: [...NOTHING_DELETED_ALL, CHECK_URL],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '200 with an HTML page (a sign-in page)',
		faults: (p) => [[{ type: 'html' }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/HTTP 200, but not with ONLYOFFICE's API response/,
					/Some opportunities may have been deleted; see the details/,
				],
				description: [...MAY_FIRST_CHUNK, CHECK_URL],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '200 with malformed JSON',
		faults: (p) => [[{ type: 'malformedJson' }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/not with ONLYOFFICE's API response \(an HTML page or an unreadable answer\)/,
					/may have been deleted/,
				],
				description: [...MAY_FIRST_CHUNK, CHECK_URL],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '200 with a body without the envelope (bare array, portal acted)',
		faults: (p) => [[{ type: 'notEnveloped' }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [/not with ONLYOFFICE's API response/, /may have been deleted/],
				description: [...MAY_FIRST_CHUNK, CHECK_URL],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [1, 2],
		},
	},
	{
		name: '200 envelope without a list, after the portal acted, on the second chunk',
		faults: (p) => [
			[
				{
					type: 'status',
					status: 200,
					body: { count: 0, status: 0, statusCode: 200, response: null },
					actFirst: true,
				},
				PUT(p, 2),
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/without a list of deleted opportunities/,
					/2 of 6 opportunities were deleted before this/,
				],
				description: [
					/Deleted \(2\): 1-2\.\nMay have been deleted \(check in ONLYOFFICE\) \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
					CHECK_URL,
				],
				outputBefore: records(1, 2),
				errorItems: [1, 2],
			},
			deleted: [1, 2, 3, 4],
		},
	},
	{
		name: '200 listing opportunities that were not asked for',
		faults: (p) => [
			[
				{
					type: 'status',
					status: 200,
					body: {
						count: 2,
						status: 0,
						statusCode: 200,
						response: [
							{ id: 40, title: 'Not asked for' },
							{ id: 41, title: 'Nor this' },
						],
					},
				},
				PUT(p, 1),
			],
		],
		options: { batchSize: 2, notDeleted: 'output' },
		expect: { output: [[1, false], [2, false], ...records(3, 4, 5, 6)], deleted: [3, 4, 5, 6] },
	},
	{
		name: '400 with the server message',
		faults: (p) => [
			[
				{
					type: 'status',
					status: 400,
					body: {
						status: 1,
						statusCode: 400,
						error: { message: 'Invalid arguments', hresult: -2147024809, data: {} },
					},
				},
				PUT(p, 1),
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [/^ONLYOFFICE rejected the request: Invalid arguments\. Nothing was deleted\.$/],
				description: [...NOTHING_DELETED_ALL, /Check the opportunity IDs/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '402 subscription not paid',
		faults: (p) => [[{ type: 'status', status: 402 }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [/subscription is not paid\. Nothing was deleted\.$/],
				description: [...NOTHING_DELETED_ALL, /renew the subscription/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
		},
	},
	{
		name: '500 internal error',
		faults: (p) => [
			[
				{
					type: 'status',
					status: 500,
					body: {
						status: 1,
						statusCode: 500,
						error: { message: 'Deadlock found', hresult: -2147467259 },
					},
				},
				PUT(p, 1),
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^ONLYOFFICE failed with an internal error: Deadlock found\. Some opportunities may have been deleted; see the details for which\.$/,
				],
				description: [...MAY_FIRST_CHUNK, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 1 },
		},
	},
	{
		name: '500 after the portal deleted',
		faults: (p) => [[{ type: 'status', status: 500, actFirst: true }, PUT(p, 1)]],
		expect: {
			error: {
				kind: 'api',
				message: [/internal error/, /may have been deleted/],
				description: [...MAY_FIRST_CHUNK, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [1, 2],
		},
	},
	{
		name: '502 once, then success',
		faults: (p) => [[{ type: 'status', status: 502 }, once(p, 1)]],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			sleeps: [1000],
		},
	},
	{
		name: '502 on every attempt',
		faults: (p) => [
			[
				{ type: 'status', status: 502, body: '<html><body>502 Bad Gateway</body></html>' },
				PUT(p, 1, true),
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^The portal's gateway answered HTTP 502 \(3 attempts\)\. Some opportunities may have been deleted/,
				],
				description: [...MAY_FIRST_CHUNK, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 3 },
			sleeps: [1000, 2000],
		},
	},
	{
		name: '502 after the portal deleted (the retry gets [])',
		faults: (p) => [[{ type: 'status', status: 502, actFirst: true }, once(p, 1)]],
		expect: {
			output: [[1, null], [2, null], ...records(3, 4, 5, 6)],
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			hint: /2 opportunities may have been deleted by a request that broke off/,
		},
	},
	{
		name: '504 once, then success',
		faults: (p) => [[{ type: 'status', status: 504 }, once(p, 2)]],
		expect: { output: records(1, 2, 3, 4, 5, 6), deleted: DEFAULT_IDS, requests: { PUT: 4 } },
	},
	{
		name: '503 with Retry-After: 2',
		faults: (p) => [[{ type: 'status', status: 503, retryAfter: 2 }, once(p, 1)]],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			sleeps: [2000],
		},
	},
	{
		name: '503 without Retry-After',
		faults: (p) => [[{ type: 'status', status: 503 }, once(p, 3)]],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			sleeps: [1000],
		},
	},
	{
		name: '503 on every attempt (portal busy)',
		faults: (p) => [[{ type: 'status', status: 503, retryAfter: 5 }, PUT(p, 1, true)]],
		expect: {
			error: {
				kind: 'api',
				message: [/^ONLYOFFICE is busy \(HTTP 503\) \(3 attempts\)\. Nothing was deleted\.$/],
				description: [...NOTHING_DELETED_ALL, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 3 },
			sleeps: [5000, 5000],
		},
	},
	{
		name: '503 with Retry-After as an HTTP date two hours ahead',
		faults: (p) => [
			[
				{
					type: 'status',
					status: 503,
					headers: { 'Retry-After': new Date(Date.now() + 7_200_000).toUTCString() },
				},
				PUT(p, 1),
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^ONLYOFFICE is busy \(HTTP 503\); the portal asked to wait 7(1|2)\d\d seconds before trying again\. Nothing was deleted\.$/,
				],
				description: [...NOTHING_DELETED_ALL, /more than this node does \(60 s\)/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 1 },
			sleeps: [],
		},
	},
	{
		name: '429 with Retry-After: 1',
		faults: (p) => [[{ type: 'status', status: 429, retryAfter: 1 }, once(p, 2)]],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			sleeps: [1000],
		},
	},
	{
		name: '429 without Retry-After, twice',
		faults: (p) => [
			[
				{ type: 'status', status: 429 },
				{ match: nth(p, 'PUT', 1, { andLater: true }), times: 2 },
			],
		],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 5 },
			sleeps: [1000, 2000],
		},
	},
	{
		name: '429 with Retry-After: 60 (the longest wait the node accepts)',
		faults: (p) => [[{ type: 'status', status: 429, retryAfter: 60 }, once(p, 1)]],
		expect: { output: records(1, 2, 3, 4, 5, 6), deleted: DEFAULT_IDS, sleeps: [60000] },
	},
	{
		name: '429 with a huge Retry-After (one day) after the first chunk',
		faults: (p) => [[{ type: 'status', status: 429, retryAfter: 86400 }, PUT(p, 2)]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^ONLYOFFICE is busy \(HTTP 429\); the portal asked to wait 86400 seconds before trying again\. 2 of 6 opportunities were deleted before this/,
				],
				description: [
					/Deleted \(2\): 1-2\.\nNot deleted \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
					/more than this node does \(60 s\)/,
				],
				outputBefore: records(1, 2),
				errorItems: [1, 2],
			},
			deleted: [1, 2],
			requests: { PUT: 2 },
			sleeps: [],
		},
	},
	{
		name: 'connection reset before the portal acted',
		faults: (p) => [[{ type: 'reset' }, once(p, 1)]],
		expect: { output: records(1, 2, 3, 4, 5, 6), deleted: DEFAULT_IDS, requests: { PUT: 4 } },
	},
	{
		name: 'connection reset after the portal deleted',
		faults: (p) => [[{ type: 'resetAfterActing' }, once(p, 2)]],
		expect: {
			output: [...records(1, 2), [3, null], [4, null], ...records(5, 6)],
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			hint: /may have been deleted/,
		},
	},
	{
		name: 'connection reset on every attempt',
		faults: (p) => [[{ type: 'reset' }, PUT(p, 1, true)]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^The connection to the portal broke off before it answered \(3 attempts\)\. Some opportunities may have been deleted/,
				],
				description: [...MAY_FIRST_CHUNK, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 3 },
		},
	},
	{
		name: 'hung request (Timeout 1000 ms) on every attempt',
		faults: (p) => [[{ type: 'hang' }, PUT(p, 1, true)]],
		options: { batchSize: 2, timeout: 1000 },
		expect: {
			error: {
				kind: 'api',
				message: [/broke off before it answered \(3 attempts\)/, /may have been deleted/],
				description: [...MAY_FIRST_CHUNK, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 3 },
		},
	},
	{
		name: 'timeout on a request the portal carried out (the retry gets [])',
		faults: (p) => [[{ type: 'slow', delayMs: 1500, actFirst: true }, once(p, 2)]],
		options: { batchSize: 2, timeout: 1000 },
		expect: {
			output: [...records(1, 2), [3, null], [4, null], ...records(5, 6)],
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			hint: /may have been deleted/,
		},
	},
	{
		name: '503 with an unreadable Retry-After',
		faults: (p) => [
			[{ type: 'status', status: 503, headers: { 'Retry-After': 'soon' } }, once(p, 1)],
		],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 4 },
			sleeps: [1000],
		},
	},
	{
		name: 'connection reset after the portal deleted, then 401 on the retry',
		faults: (p) => [
			[{ type: 'resetAfterActing' }, once(p, 2)],
			[{ type: 'status', status: 401, body: 'Unauthorized', contentType: TEXT }, PUT(p, 3, true)],
		],
		expect: {
			error: {
				kind: 'api',
				message: [
					/^ONLYOFFICE did not accept the credential\. 2 of 6 opportunities were deleted before this/,
				],
				description: [
					/Deleted \(2\): 1-2\.\nMay have been deleted \(check in ONLYOFFICE\) \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
					/press Test/,
				],
				outputBefore: records(1, 2),
				errorItems: [1, 2],
			},
			deleted: [1, 2, 3, 4],
		},
	},
	{
		name: 'timeout after the portal deleted, then 429 with a huge Retry-After',
		faults: (p) => [
			[{ type: 'slow', delayMs: 1500, actFirst: true }, once(p, 1)],
			[{ type: 'status', status: 429, retryAfter: 3600 }, once(p, 2)],
		],
		options: { batchSize: 2, timeout: 1000 },
		expect: {
			error: {
				kind: 'api',
				message: [
					/asked to wait 3600 seconds/,
					/Some opportunities may have been deleted; see the details for which\.$/,
				],
				description: [...MAY_FIRST_CHUNK, /more than this node does/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [1, 2],
			requests: { PUT: 2 },
		},
	},
	{
		name: '502, then 503, then success on the third attempt',
		faults: (p) => [
			[{ type: 'status', status: 502, actFirst: true }, once(p, 1)],
			[{ type: 'status', status: 503, retryAfter: 3 }, once(p, 2)],
		],
		expect: {
			output: [[1, null], [2, null], ...records(3, 4, 5, 6)],
			deleted: DEFAULT_IDS,
			requests: { PUT: 5 },
			sleeps: [1000, 3000],
		},
	},
	{
		name: 'a chunk failing for good after two chunks succeeded (500)',
		faults: (p) => [[{ type: 'status', status: 500 }, PUT(p, 3)]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/internal error/,
					/4 of 6 opportunities were deleted before this; see the details for which/,
				],
				description: [
					/Deleted \(4\): 1-4\.\nMay have been deleted \(check in ONLYOFFICE\) \(2\): 5-6\./,
					NO_RETRY_ON_FAIL,
				],
				outputBefore: records(1, 2, 3, 4),
				errorItems: [2],
			},
			deleted: [1, 2, 3, 4],
		},
	},
	{
		name: 'response cap below the batch size (maxPage 3, Batch Size 8)',
		portal: { maxPage: 3 },
		items: [
			{ id: Array.from({ length: 10 }, (_, i) => i + 1) },
			{ id: Array.from({ length: 10 }, (_, i) => i + 11) },
		],
		options: { batchSize: 8 },
		requested: Array.from({ length: 20 }, (_, i) => i + 1),
		faults: () => [],
		expect: {
			output: [
				...records(1, 2, 3),
				[4, true],
				[5, true],
				[6, true],
				[7, true],
				[8, true],
				...records(...Array.from({ length: 12 }, (_, i) => i + 9)),
			],
			deleted: Array.from({ length: 20 }, (_, i) => i + 1),
			requests: { PUT: 5 },
		},
	},
	{
		name: 'response cap hit while some IDs are not deletable',
		portal: { maxPage: 3 },
		items: [{ id: [1, 2, 3, 4, 5, 999_999] }],
		options: { batchSize: 6 },
		requested: [1, 2, 3, 4, 5, 999_999],
		faults: () => [],
		expect: {
			output: [...records(1, 2, 3), [4, null], [5, null], [999_999, null]],
			deleted: [1, 2, 3, 4, 5],
		},
	},
	{
		name: 'portal down (connection refused)',
		down: true,
		faults: () => [],
		expect: {
			error: {
				kind: 'api',
				message: [/^The portal could not be reached \(3 attempts\)\. Nothing was deleted\.$/],
				description: [...NOTHING_DELETED_ALL, AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			sleeps: [1000, 2000],
		},
	},
	{
		name: 'dry run: 503 on a look-up, then success',
		options: { dryRun: true },
		faults: () => [
			[
				{ type: 'status', status: 503, retryAfter: 1 },
				{ match: (r) => r.method === 'GET', times: 1 },
			],
		],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: [],
			requests: { GET: 7, PUT: 0 },
			sleeps: [1000],
			hint: /Dry run: nothing was deleted/,
		},
	},
	{
		name: 'dry run: 429 with a huge Retry-After',
		options: { dryRun: true },
		faults: () => [[{ type: 'status', status: 429, retryAfter: 7200 }, GET]],
		expect: {
			error: {
				kind: 'api',
				message: [/asked to wait 7200 seconds/, /Dry run: nothing was deleted\.$/],
				description: [/more than this node does/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
			sleeps: [],
		},
	},
	{
		name: 'dry run: 401 on look-ups',
		options: { dryRun: true },
		faults: () => [[{ type: 'status', status: 401, body: 'Unauthorized', contentType: TEXT }, GET]],
		expect: {
			error: {
				kind: 'api',
				message: [/^ONLYOFFICE did not accept the credential\. Dry run: nothing was deleted\.$/],
				description: [/press Test/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
		},
	},
	{
		name: 'dry run: an HTML page answering look-ups',
		options: { dryRun: true },
		faults: () => [[{ type: 'html' }, GET]],
		expect: {
			error: {
				kind: 'api',
				message: [/not with ONLYOFFICE's API response/, /Dry run: nothing was deleted\.$/],
				description: [CHECK_URL],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
		},
	},
	{
		name: 'dry run: a hung look-up (Timeout 1000 ms)',
		options: { dryRun: true, timeout: 1000 },
		faults: () => [
			[
				{ type: 'hang' },
				{ match: (r) => r.method === 'GET' && r.path.endsWith('/4.json'), times: 3 },
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [/broke off before it answered \(3 attempts\)/, /Dry run: nothing was deleted\.$/],
				description: [AGAIN_LATER],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
		},
	},
	{
		name: 'log-in answered with an HTML page',
		credentials: (portal) => emailCredential(portal),
		faults: () => [[{ type: 'html' }, { match: isLogin, times: 1000 }]],
		expect: {
			error: {
				kind: 'api',
				message: [
					/Could not log in to ONLYOFFICE at http:\/\/127\.0\.0\.1:\d+ \(the address answered HTTP 200, not as an ONLYOFFICE portal\)/,
					/Nothing was deleted\.$/,
				],
				description: [/press Test/],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
		},
	},
	{
		name: 'log-in connection reset once',
		credentials: (portal) => emailCredential(portal),
		faults: () => [[{ type: 'reset' }, { match: isLogin, times: 1 }]],
		expect: {
			output: records(1, 2, 3, 4, 5, 6),
			deleted: DEFAULT_IDS,
			requests: { PUT: 3, POST: 2 },
		},
	},
	{
		name: 'whole record: the history of deal 3 keeps answering 503',
		portal: { records: true },
		options: WHOLE,
		faults: () => [
			[
				{ type: 'status', status: 503 },
				{ match: historyOf(3), times: 1000 },
			],
		],
		expect: {
			output: records(1, 2, 4, 5, 6),
			held: [3],
			deleted: [1, 2, 4, 5, 6],
			hint: /1 opportunities were not deleted because their records could not be read completely: 3\./,
		},
	},
	{
		name: 'whole record: the download of deal 5’s file keeps breaking off',
		portal: { records: { filesPerDeal: 1 } },
		options: WHOLE,
		faults: (p) => [
			[
				{ type: 'brokenBody' },
				{
					match: (r) =>
						/filehandler\.ashx$/i.test(r.path) &&
						r.query.fileid === String(p.recordOf(5).files[0].id),
					times: 1000,
				},
			],
		],
		expect: {
			output: records(1, 2, 3, 4, 6),
			held: [5],
			deleted: [1, 2, 3, 4, 6],
		},
	},
	{
		name: 'whole record: the field definitions answer 500',
		portal: { records: true },
		options: WHOLE,
		faults: () => [
			[
				{ type: 'status', status: 500 },
				{ match: (r) => r.path.includes('/customfield/definitions'), times: 1000 },
			],
		],
		expect: {
			error: {
				kind: 'api',
				message: [/The records could not be read, so nothing was deleted\.$/],
				description: [/./],
				outputBefore: [],
				errorItems: [0, 1, 2],
			},
			deleted: [],
			requests: { PUT: 0 },
		},
	},
];
