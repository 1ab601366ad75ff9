/**
 * The stand-in portal against the contract (docs/onlyoffice-api.md), by real HTTP requests:
 * every row of the delete endpoint's table, the related endpoints, authentication, the wire format, faults,
 * the request log, HTTPS and the command line.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';

import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	/** The parsed body, or undefined when it is not JSON. */
	json: Json;
}

interface CallOptions {
	/** The Authorization header; a token by default, `null` for none. */
	authorization?: string | null;
	/** JSON-serialised unless a string. */
	body?: unknown;
	contentType?: string | null;
	headers?: Record<string, string>;
	signal?: AbortSignal;
}

async function call(
	portal: Portal,
	method: string,
	route: string,
	options: CallOptions = {},
): Promise<Reply> {
	const headers: Record<string, string> = { ...options.headers };
	const authorization = options.authorization === undefined ? portal.token : options.authorization;
	if (authorization !== null) headers.Authorization = authorization;
	let body: string | undefined;
	if (options.body !== undefined) {
		body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		const contentType =
			options.contentType === undefined ? 'application/json' : options.contentType;
		if (contentType !== null) headers['Content-Type'] = contentType;
	}
	const response = await fetch(`${portal.url}${route}`, {
		method,
		headers,
		body,
		signal: options.signal,
	});
	const text = await response.text();
	let json: Json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, text, json };
}

const deleteIds = (
	portal: Portal,
	ids: unknown[],
	options: CallOptions = {},
	route = '/api/2.0/crm/opportunity',
) => call(portal, 'PUT', route, { body: { opportunityids: ids }, ...options });

const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => from + i);
const idsOf = (records: Json[]) => records.map((record) => record.id);
const basic = (login: string, password: string) =>
	`Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;

const DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}(Z|[+-]\d\d:\d\d)$/;
const MIN_DATE = '0001-01-01T00:00:00.0000000Z';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const OPPORTUNITY_KEYS = [
	'createBy',
	'created',
	'members',
	'contact',
	'title',
	'description',
	'responsible',
	'bidType',
	'bidValue',
	'bidCurrency',
	'perPeriodValue',
	'stage',
	'successProbability',
	'actualCloseDate',
	'expectedCloseDate',
	'isPrivate',
	'accessList',
	'canEdit',
	'customFields',
	'id',
];
const ENVELOPE_KEYS = [
	'count',
	'startIndex',
	'nextIndex',
	'total',
	'status',
	'statusCode',
	'response',
	'error',
];

/** Keys must appear in `order` (a subsequence of it). */
function expectKeyOrder(object: Json, order: string[]) {
	const keys = Object.keys(object);
	expect(keys.filter((key) => order.includes(key))).toEqual(keys);
	expect(order.filter((key) => keys.includes(key))).toEqual(keys);
}

function expectErrorEnvelope(reply: Reply, status: number, message?: string | RegExp) {
	expect(reply.status).toBe(status);
	expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
	expect(Object.keys(reply.json)).toEqual(['status', 'statusCode', 'error']);
	expect(reply.json.status).toBe(1);
	expect(reply.json.statusCode).toBe(status);
	expect(Object.keys(reply.json.error)).toEqual(['message', 'hresult', 'data']);
	expect(typeof reply.json.error.hresult).toBe('number');
	expect(reply.json.error.data).toEqual({});
	if (message !== undefined) expect(reply.json.error.message).toMatch(message);
}

function expectUnauthorized(reply: Reply, challenge: boolean) {
	expect(reply.status).toBe(401);
	expect(reply.text).toBe('Unauthorized');
	expect(reply.headers.get('content-type')).toMatch(/^text\/plain/);
	expect(reply.headers.get('www-authenticate')).toBe(challenge ? 'Basic realm="127.0.0.1"' : null);
}

/** Gives each test of the enclosing describe a portal of its own, stopped afterwards. */
let portal: Portal;
function freshPortal(options: Parameters<typeof startPortal>[0] = {}) {
	beforeEach(async () => {
		portal = await startPortal({ opportunities: 60, ...options });
	});
	afterEach(async () => {
		await portal.stop();
	});
}

// With 60 deals: every 10th is private with an access list that leaves out `user`; 61 and 62 belong to another tenant.
const PRIVATE = 10;
const OTHER_TENANT = 61;

describe('PUT /api/2.0/crm/opportunity: every row of the contract table', () => {
	freshPortal();

	it.each([
		['an empty list', { opportunityids: [] }],
		['an empty object', {}],
		['a null list', { opportunityids: null }],
	])('answers 400 with the error envelope and deletes nothing for %s', async (_, body) => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity', { body });
		expectErrorEnvelope(reply, 400);
		expect(portal.deletedIds()).toEqual([]);
	});

	it('answers 400 for a request without a body', async () => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity', {
			contentType: 'application/json',
		});
		expectErrorEnvelope(reply, 400);
		expect(portal.deletedIds()).toEqual([]);
	});

	it.each([
		['a string that is no number', '{"opportunityids":[1,"abc",2]}'],
		['a fraction', '{"opportunityids":[1,1.5,2]}'],
		['null', '{"opportunityids":[1,null,2]}'],
		['true', '{"opportunityids":[1,true,2]}'],
		['a nested list', '{"opportunityids":[1,[2]]}'],
		['a number beyond Int32', '{"opportunityids":[1,2147483648]}'],
		['a single number instead of a list', '{"opportunityids":1}'],
		['invalid JSON', '{"opportunityids":[1,2'],
	])('answers 400 Invalid arguments and deletes nothing for %s', async (_, body) => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity', { body });
		expectErrorEnvelope(reply, 400, 'Invalid arguments');
		expect(portal.deletedIds()).toEqual([]);
		expect(portal.hasOpportunity(1)).toBe(true);
	});

	it('binds integers written as strings, as the server does', async () => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity', {
			body: '{"opportunityids":["3"," 4 "]}',
		});
		expect(reply.status).toBe(200);
		expect(idsOf(reply.json.response)).toEqual([3, 4]);
	});

	it.each([['text/plain'], ['application/xml'], [null]])(
		'does not read a body sent as %s: 400 and nothing deleted',
		async (contentType) => {
			const reply = await deleteIds(portal, [1, 2], { contentType });
			expectErrorEnvelope(reply, 400);
			expect(portal.deletedIds()).toEqual([]);
		},
	);

	it('reads application/json with a charset', async () => {
		const reply = await deleteIds(portal, [1], { contentType: 'application/json; charset=utf-8' });
		expect(idsOf(reply.json.response)).toEqual([1]);
	});

	it('deletes and returns duplicate IDs once', async () => {
		const reply = await deleteIds(portal, [5, 5, 3, 5, 3]);
		expect(reply.status).toBe(200);
		expect(reply.json.count).toBe(2);
		expect(idsOf(reply.json.response)).toEqual([3, 5]);
		expect(portal.deletedIds()).toEqual([3, 5]);
	});

	it('skips silently IDs that do not exist, belong to another tenant or the caller may not read: 200, [] and no count', async () => {
		expect(portal.getOpportunity(OTHER_TENANT)?.tenant).toBe('other');
		expect(portal.getOpportunity(PRIVATE)?.isPrivate).toBe(true);
		const reply = await deleteIds(portal, [9999, OTHER_TENANT, PRIVATE, -4, 0], {
			authorization: portal.users.user.token,
		});
		expect(reply.status).toBe(200);
		expect(reply.text).toBe('{"status":0,"statusCode":200,"response":[]}');
		expect(portal.hasOpportunity(OTHER_TENANT)).toBe(true);
		expect(portal.hasOpportunity(PRIVATE)).toBe(true);
		expect(portal.deletedIds()).toEqual([]);
	});

	it('deletes what it can from a mix and returns only the deleted deals (partial delete, 200)', async () => {
		const reply = await deleteIds(portal, [2, PRIVATE, 9999, OTHER_TENANT, 1], {
			authorization: portal.users.user.token,
		});
		expect(reply.status).toBe(200);
		expect(reply.json.count).toBe(2);
		expect(idsOf(reply.json.response)).toEqual([1, 2]);
		expect(portal.deletedIds()).toEqual([1, 2]);
		expect(portal.hasOpportunity(PRIVATE)).toBe(true);
	});

	it('lets a regular CRM user delete a private deal they are responsible for, created, or are on the access list of', async () => {
		const { user } = portal.users;
		const staffId = portal.getOpportunity(PRIVATE)!.responsibleId;
		const asResponsible = portal.addOpportunity({
			isPrivate: true,
			accessList: [staffId],
			responsibleId: user.id,
			createById: staffId,
		});
		const asCreator = portal.addOpportunity({
			isPrivate: true,
			accessList: [staffId],
			responsibleId: staffId,
			createById: user.id,
		});
		const onList = portal.addOpportunity({
			isPrivate: true,
			accessList: [staffId, user.id],
			responsibleId: staffId,
			createById: staffId,
		});
		const notAllowed = portal.addOpportunity({
			isPrivate: true,
			accessList: [staffId],
			responsibleId: staffId,
			createById: staffId,
		});
		expect(asResponsible).toBe(63);
		const reply = await deleteIds(portal, [notAllowed, onList, asCreator, asResponsible], {
			authorization: user.token,
		});
		expect(idsOf(reply.json.response)).toEqual([asResponsible, asCreator, onList]);
		expect(portal.hasOpportunity(notAllowed)).toBe(true);
	});

	it('keeps an added private deal out of a regular user’s reach unless they are given access', async () => {
		const id = portal.addOpportunity({ isPrivate: true, accessList: [] });
		const added = portal.getOpportunity(id)!;
		expect([added.responsibleId, added.createById]).not.toContain(portal.users.user.id);
		expect(
			(await deleteIds(portal, [id], { authorization: portal.users.user.token })).json.response,
		).toEqual([]);
		expect(idsOf((await deleteIds(portal, [id])).json.response)).toEqual([id]);
	});

	it('lets the CRM admin delete private deals, but not another tenant’s', async () => {
		const reply = await deleteIds(portal, [PRIVATE, 20, OTHER_TENANT]);
		expect(idsOf(reply.json.response)).toEqual([PRIVATE, 20]);
		expect(portal.hasOpportunity(OTHER_TENANT)).toBe(true);
	});

	it('answers 403 to a user without CRM access before anything runs', async () => {
		const reply = await deleteIds(portal, [1, 2], { authorization: portal.users.noCrm.token });
		expectErrorEnvelope(reply, 403);
		expect(portal.deletedIds()).toEqual([]);
	});

	it.each([
		['no credentials', null, false],
		['an unknown token', 'not-a-token', true],
		['a wrong password', basic('admin@example.com', 'wrong'), true],
	])(
		'answers 401 Unauthorized in plain text for %s, deleting nothing',
		async (_, authorization, challenge) => {
			const reply = await deleteIds(portal, [1, 2], { authorization });
			expectUnauthorized(reply, challenge);
			expect(portal.deletedIds()).toEqual([]);
		},
	);

	it('returns the deals in ascending id order, not request order', async () => {
		const reply = await deleteIds(portal, [41, 7, 23, 2, 38]);
		expect(idsOf(reply.json.response)).toEqual([2, 7, 23, 38, 41]);
	});

	it('builds the returned records after deletion: no members, custom fields or access list, not private', async () => {
		const before = (await call(portal, 'GET', `/api/2.0/crm/opportunity/${PRIVATE}`)).json.response;
		expect(before.isPrivate).toBe(true);
		expect(before.accessList.length).toBeGreaterThan(0);
		expect(before.customFields.length + before.members.length).toBeGreaterThan(0);

		const [after] = (await deleteIds(portal, [PRIVATE])).json.response;
		expect(after.members).toEqual([]);
		expect(after.customFields).toEqual([]);
		expect(after.isPrivate).toBe(false);
		expect(after).not.toHaveProperty('accessList');
		expect(after.canEdit).toBe(true);
		for (const key of [
			'createBy',
			'responsible',
			'stage',
			'bidCurrency',
			'title',
			'created',
			'id',
		]) {
			expect(after[key]).toEqual(before[key]);
		}
	});

	it('keeps the contact of a deleted deal', async () => {
		const id = portal
			.opportunityIds()
			.find((candidate) => portal.getOpportunity(candidate)!.contactId !== null)!;
		const contactId = portal.getOpportunity(id)!.contactId;
		const [after] = (await deleteIds(portal, [id])).json.response;
		expect(after.contact).toEqual(
			expect.objectContaining({ id: contactId, displayName: expect.any(String) }),
		);
	});

	it('answers the same route with the .json suffix', async () => {
		const reply = await deleteIds(portal, [4, 6], {}, '/api/2.0/crm/opportunity.json');
		expect(reply.status).toBe(200);
		expect(idsOf(reply.json.response)).toEqual([4, 6]);
	});

	it('is idempotent from the caller’s side: a second request returns [] for deals already deleted', async () => {
		await deleteIds(portal, [8, 9]);
		const again = await deleteIds(portal, [8, 9]);
		expect(again.status).toBe(200);
		expect(again.json.response).toEqual([]);
		expect(again.json).not.toHaveProperty('count');
	});
});

describe('PUT /api/2.0/crm/opportunity: the response cap', () => {
	freshPortal({ opportunities: 1300 });

	it('deletes 1200 existing IDs in one request but returns 1000 records with total 1200 and nextIndex', async () => {
		const ids = range(1, 1200).reverse();
		const reply = await deleteIds(portal, ids);
		expect(reply.status).toBe(200);
		expect(Object.keys(reply.json)).toEqual([
			'count',
			'nextIndex',
			'total',
			'status',
			'statusCode',
			'response',
		]);
		expect(reply.json).toEqual(
			expect.objectContaining({ count: 1000, nextIndex: 1000, total: 1200 }),
		);
		expect(idsOf(reply.json.response)).toEqual(range(1, 1000));
		expect(portal.deletedIds()).toHaveLength(1200);
		expect(portal.opportunityIds()).toEqual(range(1201, 1300));
	});

	it('caps at ?count=N too, still deleting everything', async () => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity?count=5', {
			body: { opportunityids: range(1, 20) },
		});
		expect(reply.json).toEqual(expect.objectContaining({ count: 5, nextIndex: 5, total: 20 }));
		expect(idsOf(reply.json.response)).toEqual(range(1, 5));
		expect(portal.deletedIds()).toEqual(range(1, 20));
	});

	it('carries no total or nextIndex when nothing was cut', async () => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity?count=5', {
			body: { opportunityids: range(1, 5) },
		});
		expect(Object.keys(reply.json)).toEqual(['count', 'status', 'statusCode', 'response']);
	});

	it('never sends more than 1000 items, whatever ?count asks', async () => {
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity?count=5000', {
			body: { opportunityids: range(1, 1200) },
		});
		expect(reply.json).toEqual(expect.objectContaining({ count: 1000, total: 1200 }));
	});
});

describe('a portal with a lower cap (maxPage)', () => {
	freshPortal({ opportunities: 200, maxPage: 100 });

	it('cuts list responses at maxPage, after deleting everything', async () => {
		const reply = await deleteIds(portal, range(1, 150));
		expect(reply.json).toEqual(expect.objectContaining({ count: 100, nextIndex: 100, total: 150 }));
		expect(portal.deletedIds()).toHaveLength(150);
	});

	it('caps the filter’s count at maxPage', async () => {
		const reply = await call(portal, 'GET', '/api/2.0/crm/opportunity/filter?count=500');
		expect(reply.json.count).toBe(100);
		expect(reply.json.total).toBe(200);
	});
});

describe('GET /api/2.0/crm/opportunity/{id}', () => {
	freshPortal();

	it('returns one opportunity with count 1 and an empty accessList when public', async () => {
		const reply = await call(portal, 'GET', '/api/2.0/crm/opportunity/3');
		expect(reply.status).toBe(200);
		expect(Object.keys(reply.json)).toEqual(['count', 'status', 'statusCode', 'response']);
		expect(reply.json.count).toBe(1);
		expect(reply.json.response.id).toBe(3);
		expect(reply.json.response.isPrivate).toBe(false);
		expect(reply.json.response.accessList).toEqual([]);
	});

	it('lists the access list of a private deal', async () => {
		const reply = await call(portal, 'GET', `/api/2.0/crm/opportunity/${PRIVATE}.json`);
		const stored = portal.getOpportunity(PRIVATE)!;
		expect(reply.json.response.isPrivate).toBe(true);
		expect(idsOf(reply.json.response.accessList)).toEqual(stored.accessList);
	});

	it.each([['0'], ['-3'], ['abc'], ['1.5']])('answers 400 for the id %s', async (id) => {
		expectErrorEnvelope(await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`), 400);
	});

	it.each([
		['a missing deal', 9999, 'admin'],
		['another tenant’s deal', OTHER_TENANT, 'admin'],
		['a private deal the caller may not read', PRIVATE, 'user'],
	] as const)('answers 404 for %s', async (_, id, who) => {
		const reply = await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`, {
			authorization: portal.users[who].token,
		});
		expectErrorEnvelope(reply, 404, 'Not found');
	});

	it('has no side effect', async () => {
		await call(portal, 'GET', '/api/2.0/crm/opportunity/3');
		expect(portal.hasOpportunity(3)).toBe(true);
		expect(portal.deletedIds()).toEqual([]);
	});
});

describe('DELETE /api/2.0/crm/opportunity/{id}', () => {
	freshPortal();

	it('deletes one deal and returns it as built after deletion; a second DELETE is 404', async () => {
		const reply = await call(portal, 'DELETE', `/api/2.0/crm/opportunity/${PRIVATE}`);
		expect(reply.status).toBe(200);
		expect(reply.json.count).toBe(1);
		expect(reply.json.response).toEqual(
			expect.objectContaining({ id: PRIVATE, isPrivate: false, members: [], customFields: [] }),
		);
		expect(reply.json.response).not.toHaveProperty('accessList');
		expect(portal.deletedIds()).toEqual([PRIVATE]);
		expectErrorEnvelope(await call(portal, 'DELETE', `/api/2.0/crm/opportunity/${PRIVATE}`), 404);
	});

	it('answers 404 for a deal the caller may not read, and keeps it', async () => {
		const reply = await call(portal, 'DELETE', `/api/2.0/crm/opportunity/${PRIVATE}`, {
			authorization: portal.users.user.token,
		});
		expectErrorEnvelope(reply, 404);
		expect(portal.hasOpportunity(PRIVATE)).toBe(true);
	});

	it('answers 404 for another tenant’s deal and 400 for id 0', async () => {
		expectErrorEnvelope(
			await call(portal, 'DELETE', `/api/2.0/crm/opportunity/${OTHER_TENANT}`),
			404,
		);
		expectErrorEnvelope(await call(portal, 'DELETE', '/api/2.0/crm/opportunity/0'), 400);
		expect(portal.deletedIds()).toEqual([]);
	});
});

describe('GET /api/2.0/crm/opportunity/filter', () => {
	freshPortal();

	const filter = async (query: string, token?: string) =>
		(
			await call(portal, 'GET', `/api/2.0/crm/opportunity/filter${query}`, {
				authorization: token ?? portal.token,
			})
		).json;

	it('lists what the caller can read, with total', async () => {
		const asAdmin = await filter('?sortBy=id');
		expect(asAdmin.total).toBe(60);
		expect(idsOf(asAdmin.response)).toEqual(range(1, 60));
		const asUser = await filter('?sortBy=id', portal.users.user.token);
		expect(asUser.total).toBe(54);
		expect(idsOf(asUser.response)).not.toContain(PRIVATE);
	});

	it('pages with count and startIndex, carrying startIndex, nextIndex (one too far) and total', async () => {
		const page = await filter('?count=25&startIndex=25&sortBy=id');
		expect(Object.keys(page)).toEqual([
			'count',
			'startIndex',
			'nextIndex',
			'total',
			'status',
			'statusCode',
			'response',
		]);
		expect(page).toEqual(
			expect.objectContaining({ count: 25, startIndex: 25, nextIndex: 51, total: 60 }),
		);
		expect(idsOf(page.response)).toEqual(range(26, 50));
		const last = await filter('?count=25&startIndex=50&sortBy=id');
		expect(last).not.toHaveProperty('nextIndex');
		expect(idsOf(last.response)).toEqual(range(51, 60));
	});

	// The first ORDER BY column of each sort (the server breaks ties by further columns, see search.test.ts).
	const closeDate = (r: Json) =>
		new Date((r.stage.stageType ?? 0) === 0 ? r.expectedCloseDate : r.actualCloseDate).getTime();
	it.each([
		['title', (r: Json) => r.title.toLowerCase()],
		['Responsible', (r: Json) => r.responsible.id],
		['stage', (r: Json) => r.stage.id],
		['BIDVALUE', (r: Json) => Number(r.bidValue ?? 0)],
		['dateAndTime', closeDate],
		['id', (r: Json) => r.id],
	])('sorts by %s, ascending or descending', async (sortBy, key) => {
		const compare = (a: Json, b: Json) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
		const inOrder = (list: Json[], direction: number) =>
			list.every((r, i) => i === 0 || direction * compare(list[i - 1], r) <= 0);
		const ascending = (await filter(`?sortBy=${sortBy}`)).response;
		expect(inOrder(ascending, 1)).toBe(true);
		const descending = (await filter(`?sortBy=${sortBy}&sortOrder=descending`)).response;
		expect(inOrder(descending, -1)).toBe(true);
		expect(idsOf(descending)).not.toEqual(idsOf(ascending));
	});

	it('filters by keyword in the title or description', async () => {
		const all = (await filter('')).response as Json[];
		const expected = all.filter((r) =>
			`${r.title} ${r.description}`.toLowerCase().includes('renewal'),
		);
		expect(expected.length).toBeGreaterThan(0);
		expect(expected.length).toBeLessThan(all.length);
		const found = await filter('?filterValue=Renewal');
		expect(idsOf(found.response)).toEqual(idsOf(expected));
		expect(found.total).toBe(expected.length);
	});

	it.each([[0], [1], [2]])('filters by stageType %s', async (stageType) => {
		const found = (await filter(`?stageType=${stageType}`)).response as Json[];
		expect(found.length).toBeGreaterThan(0);
		expect(found.every((r) => (r.stage.stageType ?? 0) === stageType)).toBe(true);
	});

	it('shows accessList only on private deals', async () => {
		const list = (await filter('?count=20&sortBy=id')).response as Json[];
		expect(list.find((r) => r.id === PRIVATE)).toHaveProperty('accessList');
		expect(list.find((r) => r.id === 1)).not.toHaveProperty('accessList');
	});

	it('DELETE on the filter deletes every deal the caller can see that matches — all of them without a filter', async () => {
		const reply = await call(portal, 'DELETE', '/api/2.0/crm/opportunity/filter', {
			authorization: portal.users.user.token,
		});
		expect(reply.json.count).toBe(54);
		expect(portal.opportunityIds()).toEqual([10, 20, 30, 40, 50, 60]);
	});
});

describe('authentication', () => {
	const START = Date.UTC(2025, 4, 1, 12);
	let clock = START;
	beforeEach(() => {
		clock = START;
	});
	freshPortal({ now: () => clock });

	const logIn = (userName: string, password: string, route = '/api/2.0/authentication') =>
		call(portal, 'POST', route, { authorization: null, body: { userName, password } });

	it('issues a new token with its expiry on every log-in (201)', async () => {
		const first = await logIn('admin@example.com', 'demo-admin-1');
		expect(first.status).toBe(201);
		expect(Object.keys(first.json)).toEqual(['count', 'status', 'statusCode', 'response']);
		expect(first.json).toEqual(expect.objectContaining({ count: 1, status: 0, statusCode: 201 }));
		expect(Object.keys(first.json.response)).toEqual(['token', 'expires']);
		expect(first.json.response.expires).toBe('2026-05-01T15:00:00.0000000+03:00');
		const second = await logIn('Alex.Morgan', 'demo-admin-1', '/api/2.0/authentication.json');
		expect(second.status).toBe(201);
		expect(second.json.response.token).not.toBe(first.json.response.token);
		for (const token of [first.json.response.token, second.json.response.token]) {
			expect(
				(await call(portal, 'GET', '/api/2.0/people/@self', { authorization: token })).status,
			).toBe(200);
		}
	});

	it('accepts the log-in as a form too', async () => {
		const reply = await call(portal, 'POST', '/api/2.0/authentication', {
			authorization: null,
			body: 'userName=user%40example.com&password=demo-user-1',
			contentType: 'application/x-www-form-urlencoded',
		});
		expect(reply.status).toBe(201);
	});

	it.each([
		['a wrong password', 'admin@example.com', 'nope'],
		['an unknown user', 'nobody@example.com', 'demo-admin-1'],
		['a user who has no password here', 'dana.whitfield@example.com', ''],
	])('answers 500 User authentication failed for %s', async (_, userName, password) => {
		expectErrorEnvelope(await logIn(userName, password), 500, 'User authentication failed');
	});

	it('blocks a login for 60 s after 5 failures within 60 s, even with the right password', async () => {
		for (let i = 0; i < 5; i++)
			expectErrorEnvelope(
				await logIn('user@example.com', 'wrong'),
				500,
				'User authentication failed',
			);
		expectErrorEnvelope(
			await logIn('user@example.com', 'demo-user-1'),
			500,
			'Login Fail. Too many attempts',
		);
		expect((await logIn('admin@example.com', 'demo-admin-1')).status).toBe(201);
		clock += 59_000;
		expectErrorEnvelope(
			await logIn('user@example.com', 'demo-user-1'),
			500,
			'Login Fail. Too many attempts',
		);
		clock += 2_000;
		expect((await logIn('user@example.com', 'demo-user-1')).status).toBe(201);
	});

	it('forgets failures older than 60 s', async () => {
		for (let i = 0; i < 5; i++) await logIn('user@example.com', 'wrong');
		clock += 61_000;
		expectErrorEnvelope(
			await logIn('user@example.com', 'wrong'),
			500,
			'User authentication failed',
		);
		expect((await logIn('user@example.com', 'demo-user-1')).status).toBe(201);
	});

	it('gives a two-factor account no token (token null, tfa, tfaKey), while its pasted token works', async () => {
		const reply = await logIn('two-factor@example.com', 'demo-2fa-1');
		expect(reply.status).toBe(201);
		expect(reply.text).toMatch(
			/^\{"count":1,"status":0,"statusCode":201,"response":\{"token":null,"tfa":true,"tfaKey":"[A-Z2-7]{16}"\}\}$/,
		);
		const { token } = portal.users.twoFactor;
		expect(
			(await call(portal, 'GET', '/api/2.0/crm/settings/currency', { authorization: token }))
				.status,
		).toBe(200);
		expect((await deleteIds(portal, [1], { authorization: token })).json.count).toBe(1);
	});

	it('GET people/@self returns the profile', async () => {
		const reply = await call(portal, 'GET', '/api/2.0/people/@self');
		expect(reply.status).toBe(200);
		expect(reply.json.response).toEqual(
			expect.objectContaining({
				id: portal.users.admin.id,
				userName: portal.users.admin.userName,
				displayName: 'Alex Morgan',
				email: 'admin@example.com',
				isAdmin: true,
			}),
		);
		const asUser = (
			await call(portal, 'GET', '/api/2.0/people/@self', { authorization: portal.users.user.token })
		).json.response;
		expect(asUser.email).toBe('user@example.com');
		expect(asUser).not.toHaveProperty('isAdmin'); // false is left out
		expect(
			(
				await call(portal, 'GET', '/api/2.0/people/@self', {
					authorization: portal.users.noCrm.token,
				})
			).status,
		).toBe(200);
	});

	it('GET crm/settings/currency lists currencies for CRM users and answers 403 without CRM access', async () => {
		const reply = await call(portal, 'GET', '/api/2.0/crm/settings/currency', {
			authorization: portal.users.user.token,
		});
		expect(reply.status).toBe(200);
		expect(reply.json.count).toBe(reply.json.response.length);
		expect(reply.json.response).toContainEqual({
			title: 'US Dollar',
			symbol: '$',
			abbreviation: 'USD',
			cultureName: 'en-US',
			isConvertable: true,
			isBasic: true,
		});
		expectErrorEnvelope(
			await call(portal, 'GET', '/api/2.0/crm/settings/currency', {
				authorization: portal.users.noCrm.token,
			}),
			403,
		);
	});

	it.each([
		['GET', '/api/2.0/crm/opportunity/1'],
		['DELETE', '/api/2.0/crm/opportunity/1'],
		['GET', '/api/2.0/crm/opportunity/filter'],
		['DELETE', '/api/2.0/crm/opportunity/filter'],
		['GET', '/api/2.0/crm/settings/currency.json'],
	])('answers 403 to a user without CRM access on %s %s', async (method, route) => {
		expectErrorEnvelope(
			await call(portal, method, route, { authorization: portal.users.noCrm.token }),
			403,
		);
		expect(portal.deletedIds()).toEqual([]);
	});

	describe('reads credentials as the server does', () => {
		const self = (options: CallOptions, query = '') =>
			call(portal, 'GET', `/api/2.0/people/@self${query}`, options);

		it.each([
			['the raw token (the documented form)', (p: Portal) => p.users.user.token, 'header'],
			[
				'only the part before a comma',
				(p: Portal) => `${p.users.user.token}, something-else`,
				'header',
			],
			['Bearer', (p: Portal) => `Bearer ${p.users.user.token}`, 'bearer'],
			['Basic with the e-mail', () => basic('user@example.com', 'demo-user-1'), 'basic'],
			['Basic with the user name', () => basic('jamie.rivera', 'demo-user-1'), 'basic'],
		])('Authorization: %s', async (_, header, via) => {
			const reply = await self({ authorization: header(portal) });
			expect(reply.status).toBe(200);
			expect(reply.json.response.email).toBe('user@example.com');
			expect(portal.requests.at(-1)!.auth).toEqual({ user: 'user', via });
		});

		it('asc_auth_key in the query string or a cookie, before the Authorization header', async () => {
			const key = encodeURIComponent(portal.users.user.token);
			const byQuery = await self({ authorization: 'garbage' }, `?asc_auth_key=${key}`);
			expect(byQuery.json.response.email).toBe('user@example.com');
			const byCookie = await self({
				authorization: null,
				headers: { Cookie: `lang=en; asc_auth_key=${key}` },
			});
			expect(byCookie.json.response.email).toBe('user@example.com');
			expect(portal.requests.map((r) => r.auth?.via)).toEqual(['query', 'cookie']);
		});

		it.each([
			['no credentials', null, false],
			['an unknown token', 'ABCDEF', true],
			['the token after a comma', 'x, TOKEN', true],
			['an unknown scheme', 'Token TOKEN', true],
			['Basic with a token', 'Basic TOKEN', true],
		])('answers 401 for %s', async (_, header, challenge) => {
			const authorization =
				header === null ? null : header.replace('TOKEN', portal.users.user.token);
			expectUnauthorized(await self({ authorization }), challenge);
		});

		it('answers 401 for a revoked token, pre-issued or from a log-in', async () => {
			const login = await call(portal, 'POST', '/api/2.0/authentication', {
				authorization: null,
				body: { userName: 'user@example.com', password: 'demo-user-1' },
			});
			const fresh = login.json.response.token as string;
			portal.revokeToken(portal.users.user.token);
			portal.revokeToken(fresh);
			expectUnauthorized(await self({ authorization: portal.users.user.token }), true);
			expectUnauthorized(await self({ authorization: fresh }), true);
			expect((await self({})).status).toBe(200);
		});
	});

	it('answers unknown routes with a 404 error envelope, after authentication', async () => {
		for (const [method, route] of [
			['GET', '/api/2.0/crm/nothing'],
			['POST', '/api/2.0/crm/opportunity/filter'],
			['GET', '/'],
			['PATCH', '/api/2.0/crm/opportunity/1'],
		]) {
			expectErrorEnvelope(await call(portal, method, route), 404, 'Not found');
		}
		expectUnauthorized(
			await call(portal, 'GET', '/api/2.0/crm/nothing', { authorization: null }),
			false,
		);
	});
});

describe('wire format', () => {
	freshPortal();
	let text: string;
	let records: Json[];
	beforeEach(async () => {
		const reply = await call(portal, 'GET', '/api/2.0/crm/opportunity/filter');
		text = reply.text;
		records = reply.json.response;
	});

	it('writes the envelope keys in order, dropping 0/null ones but keeping status', async () => {
		expectKeyOrder(JSON.parse(text), ENVELOPE_KEYS);
		expect(Object.keys(JSON.parse(text))).toEqual([
			'count',
			'total',
			'status',
			'statusCode',
			'response',
		]);
		const empty = await deleteIds(portal, [9999]);
		expect(Object.keys(empty.json)).toEqual(['status', 'statusCode', 'response']);
	});

	it('writes the error envelope exactly', async () => {
		const reply = await call(portal, 'GET', '/api/2.0/crm/opportunity/9999');
		expect(reply.text).toBe(
			'{"status":1,"statusCode":404,"error":{"message":"Not found","hresult":-2147467259,"data":{}}}',
		);
	});

	it('writes camelCase keys only', () => {
		const keys = new Set<string>();
		const walk = (value: Json) => {
			if (Array.isArray(value)) value.forEach(walk);
			else if (value && typeof value === 'object') {
				for (const [key, inner] of Object.entries(value)) {
					keys.add(key);
					walk(inner);
				}
			}
		};
		walk(JSON.parse(text));
		for (const key of keys) expect(key).toMatch(/^[a-z][A-Za-z]*$/);
		expect(keys).toContain('createBy');
		expect(keys).not.toContain('ID');
	});

	it('writes an opportunity’s keys in wrapper order, id last', () => {
		for (const record of records) {
			expectKeyOrder(record, OPPORTUNITY_KEYS);
			expect(Object.keys(record).at(-1)).toBe('id');
		}
	});

	it('leaves out 0/null/false fields, but keeps isPrivate, canEdit and empty strings', () => {
		const seen = { bidType0: 0, bidValue0: 0, noContact: 0, emptyDescription: 0, closed: 0 };
		for (const record of records) {
			const stored = portal.getOpportunity(record.id)!;
			expect('bidType' in record).toBe(stored.bidType !== 0);
			expect('bidValue' in record).toBe(stored.bidValue !== 0);
			expect('perPeriodValue' in record).toBe(stored.perPeriodValue !== 0);
			expect('successProbability' in record).toBe(stored.successProbability !== 0);
			expect('contact' in record).toBe(stored.contactId !== null);
			expect(typeof record.isPrivate).toBe('boolean');
			expect(record.canEdit).toBe(true);
			expect(record.description).toBe(stored.description);
			seen.bidType0 += stored.bidType === 0 ? 1 : 0;
			seen.bidValue0 += stored.bidValue === 0 ? 1 : 0;
			seen.noContact += stored.contactId === null ? 1 : 0;
			seen.emptyDescription += stored.description === '' ? 1 : 0;
			seen.closed += stored.actualCloseDate === null ? 0 : 1;
		}
		// The seed must hold every case, or the checks above prove nothing.
		for (const count of Object.values(seen)) expect(count).toBeGreaterThan(0);
	});

	it('writes employees with lowercase GUIDs, leaving out an empty job title', () => {
		const employees = records.flatMap((r) => [r.createBy, r.responsible, ...(r.accessList ?? [])]);
		for (const employee of employees) {
			expect(employee.id).toMatch(GUID);
			expectKeyOrder(employee, ['id', 'displayName', 'title', 'avatarSmall', 'profileUrl']);
		}
		expect(employees.find((e) => e.displayName === 'Taylor Nguyen')).not.toHaveProperty('title');
		expect(employees.find((e) => e.displayName === 'Dana Whitfield').title).toBe(
			'Key Account Manager',
		);
	});

	it('writes contacts with an explicit null currency, isCompany only for companies', () => {
		const contacts = records.flatMap((r) => [...(r.contact ? [r.contact] : []), ...r.members]);
		for (const contact of contacts) {
			expectKeyOrder(contact, [
				'smallFotoUrl',
				'mediumFotoUrl',
				'displayName',
				'isCompany',
				'accessList',
				'isPrivate',
				'isShared',
				'shareType',
				'currency',
				'canEdit',
				'canDelete',
				'id',
			]);
			expect(contact).toHaveProperty('currency');
			expect(contact.isShared === true).toBe((contact.shareType ?? 0) !== 0);
		}
		expect(contacts.some((c) => c.currency === null)).toBe(true);
		expect(contacts.some((c) => c.currency && c.currency.abbreviation)).toBe(true);
		expect(contacts.some((c) => c.isCompany === true)).toBe(true);
		expect(contacts.some((c) => !('isCompany' in c))).toBe(true);
	});

	it('writes stages without sortOrder, and leaves out a 0 success probability and the Open stage type', () => {
		const stages = records.map((r) => r.stage);
		for (const stage of stages) {
			expectKeyOrder(stage, [
				'successProbability',
				'stageType',
				'title',
				'description',
				'color',
				'id',
			]);
			expect(stage).not.toHaveProperty('sortOrder');
		}
		const lost = stages.find((s) => s.title === 'Lost');
		expect(lost).not.toHaveProperty('successProbability');
		expect(lost.stageType).toBe(2);
		const open = stages.filter((s) => s.id <= 6); // stages 1–6 are Open (0), 7 won, 8 lost
		expect(open.length).toBeGreaterThan(0);
		for (const stage of open) expect(stage).not.toHaveProperty('stageType');
	});

	it('writes custom fields with a string value and the deal as entityId', () => {
		const fields = records.flatMap((r) => r.customFields.map((f: Json) => ({ ...f, deal: r.id })));
		expect(fields.length).toBeGreaterThan(0);
		for (const field of fields) {
			expectKeyOrder(field, [
				'entityId',
				'label',
				'fieldValue',
				'fieldType',
				'position',
				'mask',
				'id',
				'deal',
			]);
			expect(field.entityId).toBe(field.deal);
			expect(typeof field.fieldValue).toBe('string');
		}
		expect(fields.some((f) => !('fieldType' in f))).toBe(true); // TextField (0) left out
	});

	it('writes enums as numbers', () => {
		for (const record of records) {
			for (const value of [record.bidType, record.stage.stageType, record.contact?.shareType]) {
				if (value !== undefined) expect(typeof value).toBe('number');
			}
		}
	});

	it('escapes every / as \\/ (and JSON parsers read it back)', () => {
		expect(text).toContain('\\/skins\\/default');
		expect(text).not.toMatch(/[^\\]\//);
		expect(records[0].createBy.avatarSmall).toBe(
			'/skins/default/images/default_user_photo_size_32-32.png',
		);
	});

	it('writes dates in portal time (+03:00) with 7 fractional digits, and unset close dates as MinValue', () => {
		let unset = 0;
		for (const record of records) {
			const stored = portal.getOpportunity(record.id)!;
			for (const key of ['created', 'actualCloseDate', 'expectedCloseDate'])
				expect(record[key]).toMatch(DATE);
			expect(record.created).toMatch(/\+03:00$/);
			expect(new Date(record.created).getTime()).toBe(stored.created);
			for (const key of ['actualCloseDate', 'expectedCloseDate'] as const) {
				const value = stored[key];
				if (value === null) {
					unset += 1;
					expect(record[key]).toBe(MIN_DATE);
				} else {
					expect(record[key]).toMatch(/T00:00:00\.0000000\+03:00$/); // a date picked in the portal: local midnight
					expect(new Date(record[key]).getTime()).toBe(value);
				}
			}
		}
		expect(unset).toBeGreaterThan(0);
	});

	it('writes bid values as decimals with nine fraction digits', () => {
		const values = text.match(/"bidValue":[^,}]*/g) ?? [];
		expect(values.length).toBeGreaterThan(0);
		for (const value of values) expect(value).toMatch(/^"bidValue":\d+\.\d{9}$/);
	});

	it('gives the same data for the same seed, different data for another, and deal n the same whatever the size', async () => {
		const others = await Promise.all([
			startPortal({ opportunities: 60 }),
			startPortal({ opportunities: 60, seed: 2 }),
			startPortal({ opportunities: 20 }),
		]);
		try {
			const [same, otherSeed, smaller] = await Promise.all(
				others.map((p) =>
					call(p, 'GET', '/api/2.0/crm/opportunity/filter?count=20&sortBy=id', {
						authorization: p.token,
					}),
				),
			);
			const firstTwenty = (
				await call(portal, 'GET', '/api/2.0/crm/opportunity/filter?count=20&sortBy=id')
			).json.response;
			expect(same.json.response).toEqual(firstTwenty);
			expect(smaller.json.response).toEqual(firstTwenty);
			expect(otherSeed.json.response).not.toEqual(firstTwenty);
			expect(others[1].users.admin.token).not.toBe(portal.users.admin.token);
		} finally {
			await Promise.all(others.map((p) => p.stop()));
		}
	});
});

describe('faults', () => {
	freshPortal();

	it.each([[500], [502], [504], [402], [403], [400]])(
		'answers an injected %s with the error envelope, deleting nothing',
		async (status) => {
			portal.injectFault({ type: 'status', status });
			expectErrorEnvelope(await deleteIds(portal, [1]), status);
			expect(portal.hasOpportunity(1)).toBe(true);
			expect((await deleteIds(portal, [1])).status).toBe(200);
		},
	);

	it('answers 429 and 503 with Retry-After, for the next `times` requests', async () => {
		portal.injectFault({ type: 'status', status: 429, retryAfter: 7 });
		portal.injectFault({ type: 'status', status: 503, retryAfter: 2 }, { times: 2 });
		const replies = [];
		for (let i = 0; i < 4; i++) replies.push(await deleteIds(portal, [1]));
		expect(replies.map((r) => r.status)).toEqual([429, 503, 503, 200]);
		expect(replies.map((r) => r.headers.get('retry-after'))).toEqual(['7', '2', '2', null]);
	});

	it('answers a 404 HTML page', async () => {
		portal.injectFault({
			type: 'status',
			status: 404,
			body: '<html><body>Not Found</body></html>',
		});
		const reply = await deleteIds(portal, [1]);
		expect(reply.status).toBe(404);
		expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
		expect(reply.text).toContain('<html>');
	});

	it('answers 200 with an HTML sign-in page', async () => {
		portal.injectFault({ type: 'html' });
		const reply = await deleteIds(portal, [1]);
		expect(reply.status).toBe(200);
		expect(reply.headers.get('content-type')).toMatch(/^text\/html/);
		expect(reply.text).toContain('<form');
		expect(portal.hasOpportunity(1)).toBe(true);
	});

	it('answers 200 with malformed JSON', async () => {
		portal.injectFault({ type: 'malformedJson' });
		const reply = await deleteIds(portal, [1]);
		expect(reply.status).toBe(200);
		expect(reply.text).toBe('{"count":1,');
		expect(reply.json).toBeUndefined();
	});

	it('answers a bare array without the envelope, having deleted', async () => {
		portal.injectFault({ type: 'notEnveloped' });
		const reply = await deleteIds(portal, [2, 1]);
		expect(reply.status).toBe(200);
		expect(Array.isArray(reply.json)).toBe(true);
		expect(idsOf(reply.json)).toEqual([1, 2]);
		expect(portal.deletedIds()).toEqual([1, 2]);
	});

	it('resets the connection before acting', async () => {
		portal.injectFault({ type: 'reset' });
		await expect(deleteIds(portal, [1])).rejects.toThrow();
		expect(portal.hasOpportunity(1)).toBe(true);
		expect(portal.requests).toHaveLength(1);
		expect(portal.requests[0]).toEqual(expect.objectContaining({ status: 0, fault: 'reset' }));
	});

	it('resets the connection after acting', async () => {
		portal.injectFault({ type: 'resetAfterActing' });
		await expect(deleteIds(portal, [1])).rejects.toThrow();
		expect(portal.hasOpportunity(1)).toBe(false);
	});

	it('answers slowly, acting only when it answers', async () => {
		portal.injectFault({ type: 'slow', delayMs: 150 });
		const started = Date.now();
		const reply = await deleteIds(portal, [1]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(idsOf(reply.json.response)).toEqual([1]);
	});

	it('does nothing when the client gave up on a slow answer', async () => {
		portal.injectFault({ type: 'slow', delayMs: 300 });
		await expect(deleteIds(portal, [1], { signal: AbortSignal.timeout(100) })).rejects.toThrow();
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect(portal.hasOpportunity(1)).toBe(true);
		expect(portal.requests[0].status).toBe(0);
	});

	it('with actFirst, deletes at once and only answers late (a delete the client timed out on)', async () => {
		portal.injectFault({ type: 'slow', delayMs: 300, actFirst: true });
		await expect(deleteIds(portal, [1], { signal: AbortSignal.timeout(100) })).rejects.toThrow();
		expect(portal.hasOpportunity(1)).toBe(false);
	});

	it('with actFirst, deletes and still answers with the fault', async () => {
		portal.injectFault({ type: 'status', status: 502, actFirst: true });
		expect((await deleteIds(portal, [1])).status).toBe(502);
		expect(portal.deletedIds()).toEqual([1]);
	});

	it('hangs without acting until the client gives up or the portal stops', async () => {
		portal.injectFault({ type: 'hang' }, { times: 2 });
		await expect(deleteIds(portal, [1], { signal: AbortSignal.timeout(150) })).rejects.toThrow();
		expect(portal.hasOpportunity(1)).toBe(true);
		const pending = deleteIds(portal, [1]);
		await new Promise((resolve) => setTimeout(resolve, 50));
		await portal.stop();
		await expect(pending).rejects.toThrow();
	});

	it('applies a fault only to requests it matches', async () => {
		portal.injectFault({ type: 'status', status: 503 }, { match: (r) => r.method === 'PUT' });
		expect((await call(portal, 'GET', '/api/2.0/crm/opportunity/1')).status).toBe(200);
		expect((await deleteIds(portal, [1])).status).toBe(503);
		expect((await deleteIds(portal, [1])).status).toBe(200);
	});

	it('applies faults to authentication requests too, and clearFaults drops them', async () => {
		portal.injectFault(
			{ type: 'status', status: 500 },
			{ match: (r) => r.path.startsWith('/api/2.0/authentication'), times: 5 },
		);
		const body = { userName: 'admin@example.com', password: 'demo-admin-1' };
		expect(
			(await call(portal, 'POST', '/api/2.0/authentication', { authorization: null, body })).status,
		).toBe(500);
		portal.clearFaults();
		expect(
			(await call(portal, 'POST', '/api/2.0/authentication', { authorization: null, body })).status,
		).toBe(201);
	});

	it('refuses an unknown fault type', () => {
		expect(() => portal.injectFault({ type: 'explode' } as never)).toThrow(/unknown fault type/);
	});
});

describe('request log', () => {
	let logFile: string;
	beforeEach(async () => {
		logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'portal-log-')), 'requests.jsonl');
		portal = await startPortal({ opportunities: 20, logFile });
	});
	afterEach(async () => {
		await portal.stop();
	});

	it('records method, path, query, headers, parsed body and status, with secrets redacted', async () => {
		const token = portal.users.admin.token;
		await call(portal, 'PUT', '/api/2.0/crm/opportunity.json?count=5', {
			body: { opportunityids: [3, 1] },
		});
		await call(portal, 'GET', `/api/2.0/people/@self?asc_auth_key=${encodeURIComponent(token)}`, {
			authorization: null,
			headers: { Cookie: `asc_auth_key=${token}` },
		});
		await call(portal, 'POST', '/api/2.0/authentication', {
			authorization: null,
			body: { userName: 'admin@example.com', password: 'demo-admin-1' },
		});
		await call(portal, 'POST', '/api/2.0/authentication', {
			authorization: null,
			body: 'userName=admin%40example.com&password=demo-admin-1',
			contentType: 'application/x-www-form-urlencoded',
		});

		const [put, self, login, form] = portal.requests;
		expect(put).toEqual(
			expect.objectContaining({
				method: 'PUT',
				path: '/api/2.0/crm/opportunity.json',
				query: { count: '5' },
				body: { opportunityids: [3, 1] },
				status: 200,
				auth: { user: 'admin', via: 'header' },
			}),
		);
		expect(put.headers.authorization).toBe('[redacted]');
		expect(put.headers['content-type']).toBe('application/json');
		expect(self.query).toEqual({ asc_auth_key: '[redacted]' });
		expect(self.headers.cookie).toBe('[redacted]');
		expect(login.body).toEqual({ userName: 'admin@example.com', password: '[redacted]' });
		expect(login.status).toBe(201);
		expect(form.body).toBe('userName=admin%40example.com&password=[redacted]');

		const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
		expect(lines.map((line) => JSON.parse(line))).toEqual(
			portal.requests.map((r) => JSON.parse(JSON.stringify(r))),
		);
		for (const secret of [token, encodeURIComponent(token), 'demo-admin-1']) {
			expect(JSON.stringify(portal.requests)).not.toContain(secret);
			expect(fs.readFileSync(logFile, 'utf8')).not.toContain(secret);
		}
	});

	it('counts the most requests in progress at once', async () => {
		await call(portal, 'GET', '/api/2.0/crm/opportunity/1');
		expect(portal.maxConcurrentRequests).toBe(1);
		portal.injectFault({ type: 'slow', delayMs: 100 }, { times: 3 });
		await Promise.all([1, 2, 3].map((id) => call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`)));
		expect(portal.maxConcurrentRequests).toBe(3);
		portal.clearRequests();
		expect(portal.maxConcurrentRequests).toBe(0);
	});

	it('clearRequests empties the same array', async () => {
		const log = portal.requests;
		await call(portal, 'GET', '/api/2.0/crm/opportunity/1');
		expect(log).toHaveLength(1);
		portal.clearRequests();
		expect(portal.requests).toBe(log);
		expect(log).toHaveLength(0);
	});
});

describe('HTTPS with a self-signed certificate', () => {
	freshPortal({ https: true, opportunities: 5 });

	function httpsGet(
		url: string,
		options: https.RequestOptions,
	): Promise<{ status: number; body: string }> {
		return new Promise((resolve, reject) => {
			const request = https.request(
				url,
				{ headers: { Authorization: portal.token }, ...options },
				(response) => {
					let body = '';
					response.on('data', (chunk) => (body += chunk));
					response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
				},
			);
			request.on('error', reject);
			request.end();
		});
	}

	it('serves https://127.0.0.1 and https://localhost with its certificate as the CA', async () => {
		expect(portal.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
		expect(portal.ca).toMatch(/^-----BEGIN CERTIFICATE-----/);
		const viaIp = await httpsGet(`${portal.url}/api/2.0/crm/opportunity/1`, { ca: portal.ca });
		expect(viaIp.status).toBe(200);
		expect(JSON.parse(viaIp.body).response.id).toBe(1);
		const viaName = await httpsGet(
			`${portal.url.replace('127.0.0.1', 'localhost')}/api/2.0/crm/opportunity/1`,
			{ ca: portal.ca, family: 4 },
		);
		expect(viaName.status).toBe(200);
	});

	it('is refused by a client that verifies certificates, and accepted when told to ignore SSL issues', async () => {
		await expect(httpsGet(`${portal.url}/api/2.0/crm/opportunity/1`, {})).rejects.toMatchObject({
			code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
		});
		expect(
			(await httpsGet(`${portal.url}/api/2.0/crm/opportunity/1`, { rejectUnauthorized: false }))
				.status,
		).toBe(200);
	});
});

describe('command line', () => {
	it('prints the URL and demo credentials, deletes with the printed token, and stops on SIGTERM', async () => {
		const child = spawn(
			process.execPath,
			[path.join(__dirname, 'cli.js'), '--port', '0', '--opportunities', '30', '--seed', '3'],
			{
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		try {
			let output = '';
			await new Promise<void>((resolve, reject) => {
				child.stdout.on('data', (chunk) => {
					output += chunk;
					if (output.includes('Stop with Ctrl+C')) resolve();
				});
				child.once('exit', (code) => reject(new Error(`the CLI exited (${code}): ${output}`)));
			});
			const url = /Portal URL\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
			const token = /API token\s+(\S+)/.exec(output)![1];
			expect(output).toMatch(/E-mail\s+admin@example\.com/);
			expect(output).toMatch(/Password\s+demo-admin-1/);
			expect(output).toMatch(/Opportunities\s+30 \(ids 1–30\)/);

			const response = await fetch(`${url}/api/2.0/crm/opportunity`, {
				method: 'PUT',
				headers: { Authorization: token, 'Content-Type': 'application/json' },
				body: '{"opportunityids":[1,2,3]}',
			});
			expect(response.status).toBe(200);
			const body = await response.json();
			expect(body).toEqual(expect.objectContaining({ count: 3, status: 0, statusCode: 200 }));

			const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			child.kill('SIGKILL');
		}
	});
});
