/**
 * Parts an administrator removes between a delete and a restore (removals.js): what the portal's routes show
 * and refuse afterwards, what the server would refuse to remove, and that each removal stays in its portal.
 */
import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const CRM = '/api/2.0/crm';
let portal: Portal;
let other: Portal | undefined;
afterEach(async () => {
	await portal?.stop();
	await other?.stop();
	other = undefined;
});

async function call(method: string, route: string, body?: unknown, token = portal.token) {
	const headers: Record<string, string> = { Authorization: token };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${portal.url}${route}`, {
		method,
		headers,
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: Json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, json };
}
const get = (route: string, token?: string) => call('GET', route, undefined, token);
const post = (route: string, body: unknown) => call('POST', `${CRM}/${route}`, body);
const ids = (reply: { json: Json }) => (reply.json.response as Json[]).map((item) => item.id);

const minimalDeal = (change: Record<string, unknown> = {}) => ({
	title: 'Restored deal',
	stageid: 2,
	responsibleid: portal.users.admin.id,
	bidCurrencyAbbr: 'USD',
	...change,
});
const task = (change: Record<string, unknown> = {}) => ({
	title: 'Call back',
	deadline: '2025-06-01T09:00:00.0000000+03:00',
	responsibleId: portal.users.admin.id,
	categoryId: 5,
	entityType: 'opportunity',
	entityId: 1,
	...change,
});

describe('removeUser', () => {
	test('the user is no longer active: gone from GET people, cannot sign in, refused as a responsible', async () => {
		portal = await startPortal({ opportunities: 20 });
		const { user } = portal.users;
		const owned = portal.opportunityIds().find((id) => {
			const deal = portal.getOpportunity(id)!;
			return deal.responsibleId === user.id;
		})!;
		expect(owned).toBeDefined();
		expect(ids(await get('/api/2.0/people'))).toContain(user.id);

		expect(portal.removeUser('user')).toBe(user.id);

		expect(ids(await get('/api/2.0/people'))).not.toContain(user.id);
		expect(portal.employees().map((e) => e.id)).not.toContain(user.id);
		expect((await get('/api/2.0/people/@self', user.token)).status).toBe(401);
		const login = await call('POST', '/api/2.0/authentication', {
			userName: user.email,
			password: user.password,
		});
		expect(login.status).toBe(500);
		expect((await post('opportunity', minimalDeal({ responsibleid: user.id }))).status).toBe(400);
		expect((await post('task', task({ responsibleId: user.id }))).status).toBe(400);
		// A deal still there keeps naming the user.
		const deal = await get(`${CRM}/opportunity/${owned}`);
		expect(deal.json.response.responsible).toMatchObject({
			id: user.id,
			displayName: user.displayName,
		});
		// Anyone else is still taken.
		expect((await post('opportunity', minimalDeal())).status).toBe(201);
	});

	test('by user name or id; a staff user too; an unknown or already removed user throws', async () => {
		portal = await startPortal({ opportunities: 3 });
		const dana = portal.employees().find((e) => e.userName === 'dana.whitfield')!;
		expect(portal.removeUser('dana.whitfield')).toBe(dana.id);
		expect(portal.removeUser(portal.users.twoFactor.id)).toBe(portal.users.twoFactor.id);
		expect(() => portal.removeUser('dana.whitfield')).toThrow(/already removed/);
		expect(() => portal.removeUser('nobody')).toThrow(/no user/);
		expect(portal.employees().map((e) => e.id)).not.toEqual(
			expect.arrayContaining([dana.id, portal.users.twoFactor.id]),
		);
	});

	test('another portal of the same seed keeps the user', async () => {
		portal = await startPortal({ opportunities: 3, seed: 4 });
		other = await startPortal({ opportunities: 3, seed: 4 });
		portal.removeUser('user');
		expect(other.employees().map((e) => e.id)).toContain(other.users.user.id);
		const reply = await fetch(`${other.url}/api/2.0/people/@self`, {
			headers: { Authorization: other.users.user.token },
		});
		expect(reply.status).toBe(200);
	});
});

describe('removeCustomField', () => {
	test('the definition and every value go; POST …/customfield/{id} is then 500 and customFieldList skips it', async () => {
		portal = await startPortal({ opportunities: 20, records: { valuesPerDeal: 5 } });
		const [first] = portal.opportunityIds();
		const values = (id: number) =>
			(portal.getOpportunity(id)!.customFields as Array<{ fieldId: number }>).map((v) => v.fieldId);
		expect(values(first)).toContain(9);

		portal.removeCustomField(9);

		expect(ids(await get(`${CRM}/opportunity/customfield/definitions`))).not.toContain(9);
		for (const id of portal.opportunityIds()) expect(values(id)).not.toContain(9);
		const read = await get(`${CRM}/opportunity/${first}`);
		expect((read.json.response.customFields as Json[]).map((v) => v.id)).not.toContain(9);
		expect((await post(`opportunity/${first}/customfield/9`, { fieldValue: 'EMEA' })).status).toBe(
			500,
		);
		const created = await post(
			'opportunity',
			minimalDeal({
				customFieldList: [
					{ key: 9, value: 'EMEA' },
					{ key: 7, value: 'Website' },
				],
			}),
		);
		expect(created.status).toBe(201);
		const kept = (created.json.response.customFields as Json[]).filter((v) => v.fieldType !== 4);
		expect(kept.map((v) => [v.id, v.fieldValue])).toEqual([[7, 'Website']]);
		expect(() => portal.removeCustomField(9)).toThrow(/no custom field/);
	});

	test('without records the seed’s shared field list is left alone: another portal keeps the field', async () => {
		portal = await startPortal({ opportunities: 3 });
		other = await startPortal({ opportunities: 3 });
		portal.removeCustomField(7);
		const reply = await fetch(`${other.url}${CRM}/opportunity/customfield/definitions`, {
			headers: { Authorization: other.token },
		});
		const body: Json = await reply.json();
		expect((body.response as Json[]).map((f) => f.id)).toContain(7);
	});
});

describe('removeCategory', () => {
	test('a history category no event uses: gone from the list, POST history with it 400; other portals keep it', async () => {
		portal = await startPortal({ opportunities: 3, records: { eventsPerDeal: 0, otherEvents: 0 } });
		other = await startPortal({ opportunities: 3, records: { eventsPerDeal: 0, otherEvents: 0 } });
		const titles = async () =>
			((await get(`${CRM}/history/category`)).json.response as Json[]).map((c) => c.id);
		expect(await titles()).toEqual([1, 2, 3, 4]);

		portal.removeCategory(4);

		expect(await titles()).toEqual([1, 2, 3]);
		const event = (categoryId: number) =>
			post('history', {
				entityType: 'opportunity',
				entityId: 1,
				content: 'Met the buyer',
				categoryId,
			});
		expect((await event(4)).status).toBe(400);
		expect((await event(3)).status).toBe(201);
		const elsewhere = await fetch(`${other.url}${CRM}/history/category`, {
			headers: { Authorization: other.token },
		});
		const body: Json = await elsewhere.json();
		expect((body.response as Json[]).map((c) => c.id)).toEqual([1, 2, 3, 4]);
	});

	test('the server refuses a history category in use, a system one, the last of a list, an unknown one', async () => {
		portal = await startPortal({ opportunities: 3, records: { eventsPerDeal: 0, otherEvents: 0 } });
		const made = await post('history', {
			entityType: 'opportunity',
			entityId: 1,
			content: 'Met the buyer',
			categoryId: 2,
		});
		expect(made.status).toBe(201);
		expect(() => portal.removeCategory(2)).toThrow(/used by events/);
		expect(() => portal.removeCategory(-1)).toThrow(/no history or task category/);
		expect(() => portal.removeCategory(99)).toThrow(/no history or task category/);
		portal.removeCategory(1);
		portal.removeCategory(3);
		portal.removeCategory(4);
		expect(() => portal.removeCategory(2)).toThrow(/last of its list/);
		expect(() => portal.removeCategory(4)).toThrow(/no history or task category/);
	});

	test('a task category moves its tasks to another; POST task with it is then 404', async () => {
		portal = await startPortal({ opportunities: 10, records: { tasksPerDeal: 3 } });
		const tasks = async () =>
			(await get(`${CRM}/task/filter`)).json.response as Array<{ id: number; category: Json }>;
		const before = await tasks();
		const inFive = before.filter((t) => t.category.id === 5).map((t) => t.id);
		expect(inFive.length).toBeGreaterThan(0);
		expect(() => portal.removeCategory(5)).toThrow(/give another category/);

		portal.removeCategory(5, { moveTo: 8 });

		const after = await tasks();
		expect(after.filter((t) => inFive.includes(t.id)).map((t) => t.category)).toEqual(
			inFive.map(() => expect.objectContaining({ id: 8, title: 'Follow up' })),
		);
		expect(after).toHaveLength(before.length);
		expect(ids(await get(`${CRM}/task/category`))).toEqual([6, 7, 8]);
		expect((await post('task', task({ categoryId: 5 }))).status).toBe(404);
		expect((await post('task', task({ categoryId: 6 }))).status).toBe(201);
	});
});

describe('removeContact', () => {
	test('its events, files and tasks go, deals lose it; POST opportunity 400, POST history 400, …/contact 404, POST task keeps none', async () => {
		portal = await startPortal({ opportunities: 30, records: true });
		const dealId = portal.opportunityIds().find((id) => {
			const deal = portal.getOpportunity(id)!;
			const record = portal.recordOf(id);
			return (
				deal.contactId !== null &&
				record.history.some((e: Json) => e.contact?.id === deal.contactId)
			);
		})!;
		expect(dealId).toBeDefined();
		const contactId = portal.getOpportunity(dealId)!.contactId!;
		const fileIds = (portal.recordOf(dealId).history as Json[])
			.filter((e) => e.contact?.id === contactId)
			.flatMap((e) => (e.files ?? []).map((f: Json) => f.id));
		const sharing = portal
			.opportunityIds()
			.filter((id) => portal.getOpportunity(id)!.memberIds.includes(contactId));
		const { events, tasks } = portal.recordCounts();

		portal.removeContact(contactId);

		const deal = portal.getOpportunity(dealId)!;
		expect(deal.contactId).toBeNull();
		for (const id of sharing) expect(portal.getOpportunity(id)!.memberIds).not.toContain(contactId);
		const read = (await get(`${CRM}/opportunity/${dealId}`)).json.response;
		expect(read.contact).toBeUndefined();
		expect((read.members as Json[]).map((m) => m.id)).not.toContain(contactId);
		const all = (await get(`${CRM}/history/filter`)).json.response as Json[];
		expect(all.filter((e) => e.contact?.id === contactId)).toEqual([]);
		const allTasks = (await get(`${CRM}/task/filter`)).json.response as Json[];
		expect(allTasks.filter((t) => t.contact?.id === contactId)).toEqual([]);
		expect(portal.recordCounts().events).toBeLessThan(events);
		expect(portal.recordCounts().tasks).toBeLessThanOrEqual(tasks);
		for (const id of fileIds) expect(portal.fileExists(id)).toBe(false);

		expect((await post('opportunity', minimalDeal({ contactid: contactId }))).status).toBe(400);
		const event = await post('history', {
			entityType: 'opportunity',
			entityId: dealId,
			contactId,
			content: 'Called',
			categoryId: 3,
		});
		expect(event.status).toBe(400);
		expect((await post(`opportunity/${dealId}/contact/${contactId}`, {})).status).toBe(404);
		const made = await post('task', task({ entityId: dealId, contactId }));
		expect(made.status).toBe(201);
		expect(made.json.response.contact).toBeUndefined();
		expect(() => portal.removeContact(contactId)).toThrow(/no contact/);
	});
});

describe('removeStage', () => {
	test('refused while a deal is in it; once none is, gone from the stages and POST opportunity with it 400', async () => {
		portal = await startPortal({ opportunities: 12 });
		const stageId = portal.getOpportunity(1)!.stageId;
		const inStage = portal
			.opportunityIds()
			.filter((id) => portal.getOpportunity(id)!.stageId === stageId);
		expect(inStage.length).toBeGreaterThan(0);
		expect(() => portal.removeStage(stageId)).toThrow(/holds deals/);
		const deleted = await call('PUT', `${CRM}/opportunity`, { opportunityids: inStage });
		expect(deleted.status).toBe(200);

		portal.removeStage(stageId);

		const stages = ids(await get(`${CRM}/opportunity/stage`));
		expect(stages).toEqual([1, 2, 3, 4, 5, 6, 7, 8].filter((id) => id !== stageId));
		expect(portal.stages().map((s) => s.id)).toEqual(stages);
		const refused = await post('opportunity', minimalDeal({ stageid: stageId }));
		expect(refused.status).toBe(400);
		// Sorting and filtering by stage still work.
		const open = await get(`${CRM}/opportunity/filter?stageType=Open&sortBy=stage`);
		expect(open.status).toBe(200);
		expect(() => portal.removeStage(stageId)).toThrow(/no stage/);
	});
});

describe('removeCurrency', () => {
	test('gone from the currency list and refused by POST opportunity; deals carrying it still show it', async () => {
		portal = await startPortal({ opportunities: 30 });
		const withEur = portal
			.opportunityIds()
			.find((id) => portal.getOpportunity(id)!.bidCurrency === 'EUR')!;
		expect(withEur).toBeDefined();

		portal.removeCurrency('eur');

		const list = (await get(`${CRM}/settings/currency`)).json.response as Json[];
		expect(list.map((c) => c.abbreviation)).not.toContain('EUR');
		expect(list[0].abbreviation).toBe('USD');
		expect((await post('opportunity', minimalDeal({ bidCurrencyAbbr: 'EUR' }))).status).toBe(400);
		const read = await get(`${CRM}/opportunity/${withEur}`);
		expect(read.json.response.bidCurrency.abbreviation).toBe('EUR');
		expect(() => portal.removeCurrency('EUR')).toThrow(/no currency/);
	});
});
