/**
 * A deal's whole record on the stand-in portal (docs/onlyoffice-api.md, "A deal's whole record"), by real HTTP
 * requests: the reads and their traps, Files' download handler, and what a delete takes with the deal.
 */
import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

async function get(route: string, token = portal.token) {
	const response = await fetch(`${portal.url}${route}`, { headers: { Authorization: token } });
	const text = await response.text();
	return { status: response.status, json: JSON.parse(text) as Json };
}

async function download(fileId: number, token: string | null = portal.token) {
	const response = await fetch(
		`${portal.url}/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=${fileId}`,
		{ headers: token === null ? {} : { Authorization: token } },
	);
	return {
		status: response.status,
		length: response.headers.get('content-length'),
		bytes: Buffer.from(await response.arrayBuffer()),
	};
}

async function deleteDeals(ids: number[]) {
	const response = await fetch(`${portal.url}/api/2.0/crm/opportunity.json`, {
		method: 'PUT',
		headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
		body: JSON.stringify({ opportunityids: ids }),
	});
	expect(response.status).toBe(200);
}

const HEADING = 4;
const history = (query: string, token?: string) =>
	get(`/api/2.0/crm/history/filter?${query}`, token);
const tasks = (query: string, token?: string) => get(`/api/2.0/crm/task/filter?${query}`, token);
/** A deal of this portal that the demo `user` cannot read (private, owned by staff). */
const privateDeal = () => portal.opportunityIds().find((id) => !portal.canRead('user', id))!;

describe('records off (the default): the routes answer, with nothing in them', () => {
	test('no events, tasks or files; the definitions without a Heading; the deal as before', async () => {
		portal = await startPortal({ opportunities: 5 });
		expect((await history('')).json.response).toEqual([]);
		expect((await tasks('')).json.response).toEqual([]);
		expect((await get('/api/2.0/crm/opportunity/tag/1')).json.response).toEqual([]);
		const definitions = (await get('/api/2.0/crm/opportunity/customfield/definitions')).json;
		expect(definitions.response.map((f: Json) => f.id)).toEqual([7, 8, 9, 10, 11]);
		expect(definitions.response[0]).toMatchObject({ entityId: -1, fieldValue: ' ' });
		const deal = (await get('/api/2.0/crm/opportunity/1')).json.response;
		expect(deal.customFields.some((f: Json) => f.fieldType === HEADING)).toBe(false);
		expect(portal.recordCounts()).toEqual({ events: 0, tasks: 0, files: 0 });
	});
});

describe('records on', () => {
	test('GET opportunity/{id} adds every Heading to the values; the filter lists non-empty values only', async () => {
		portal = await startPortal({ opportunities: 10, records: true });
		const one = (await get('/api/2.0/crm/opportunity/3')).json.response;
		const heading = one.customFields.find((f: Json) => f.fieldType === HEADING);
		expect(heading).toEqual({
			label: 'Contract details',
			fieldValue: '',
			fieldType: HEADING,
			position: 5,
			mask: '',
			id: 12,
		});
		expect(one.accessList).toBeDefined();
		const listed = (await get('/api/2.0/crm/opportunity/filter?sortBy=id')).json.response;
		const three = listed.find((deal: Json) => deal.id === 3);
		expect(three.customFields.some((f: Json) => f.fieldType === HEADING)).toBe(false);
		expect(three.customFields).toEqual(
			one.customFields.filter((f: Json) => f.fieldType !== HEADING),
		);
		expect(portal.recordOf(3).deal).toEqual(one);
	});

	test('valuesPerDeal: exactly that many values per deal, of the fields in order, plus the Heading', async () => {
		portal = await startPortal({ opportunities: 4, records: { valuesPerDeal: 4 } });
		for (const id of [1, 2, 3, 4]) {
			const fields = portal.recordOf(id).deal.customFields as Json[];
			expect(fields.filter((f) => f.fieldValue !== '').map((f) => f.id)).toEqual([7, 8, 9, 10]);
			expect(fields.filter((f) => f.fieldType === HEADING)).toHaveLength(1);
		}
	});

	test('tags of one deal: the titles; 404 for a missing deal and for one the caller cannot read', async () => {
		portal = await startPortal({ opportunities: 30, records: { tagsPerDeal: 2 } });
		const reply = await get('/api/2.0/crm/opportunity/tag/2');
		expect(reply.json).toMatchObject({ count: 2, response: portal.recordOf(2).tags });
		expect((await get('/api/2.0/crm/opportunity/tag/999')).status).toBe(404);
		expect(
			(await get(`/api/2.0/crm/opportunity/tag/${privateDeal()}`, portal.users.user.token)).status,
		).toBe(404);
		const tagged = (await get('/api/2.0/crm/opportunity/tag')).json.response;
		expect(tagged.reduce((sum: number, tag: Json) => sum + (tag.relativeItemsCount ?? 0), 0)).toBe(
			60,
		);
	});

	test("history/filter: a deal's events; 404 without its ID or for a deal the caller cannot read", async () => {
		portal = await startPortal({ opportunities: 30, records: { eventsPerDeal: 3 } });
		const own = await history('entityType=opportunity&entityId=5&sortBy=id');
		expect(own.json.response.map((e: Json) => e.id)).toEqual(
			portal.recordOf(5).history.map((e: Json) => e.id),
		);
		expect(own.json.response.every((e: Json) => e.entity.entityId === 5)).toBe(true);
		expect((await history('entityType=opportunity')).status).toBe(404);
		expect((await history('entityType=opportunity&entityId=999')).status).toBe(404);
		const hidden = privateDeal();
		expect(
			(await history(`entityType=opportunity&entityId=${hidden}`, portal.users.user.token)).status,
		).toBe(404);
		expect((await history('entityType=invoice')).status).toBe(400);
	});

	test('history/filter without entityType: every event of the portal, not access-filtered (entity null)', async () => {
		portal = await startPortal({
			opportunities: 30,
			records: { eventsPerDeal: 2, otherEvents: 7 },
		});
		const all = (await history('sortBy=id', portal.users.user.token)).json.response as Json[];
		expect(all).toHaveLength(portal.recordCounts().events);
		expect(all).toHaveLength(30 * 2 + 7);
		const hidden = privateDeal();
		const hiddenEvents = portal.recordOf(hidden).history.map((e: Json) => e.id);
		expect(hiddenEvents).toHaveLength(2);
		for (const event of all.filter((e) => hiddenEvents.includes(e.id)))
			expect(event.entity).toBeNull();
		expect(all.filter((e) => e.entity === null).length).toBeGreaterThanOrEqual(7 + 2);
	});

	test('history/filter pages: a full page says total = count + 1 and nextIndex one too far; sortBy=id pages stably', async () => {
		portal = await startPortal({ opportunities: 3, records: { eventsPerDeal: 2, otherEvents: 0 } });
		const first = (await history('sortBy=id&count=4&startIndex=0')).json;
		expect(first).toMatchObject({ count: 4, total: 5, nextIndex: 5 });
		const second = (await history('sortBy=id&count=4&startIndex=4')).json;
		expect(second.count).toBe(2);
		expect(second.nextIndex).toBeUndefined();
		expect([...first.response, ...second.response].map((e: Json) => e.id)).toEqual([
			1, 2, 3, 4, 5, 6,
		]);
		const byDefault = (await history('count=6')).json.response.map((e: Json) =>
			Date.parse(e.created),
		);
		expect(byDefault).toEqual([...byDefault].sort((a, b) => b - a));
	});

	test('task/filter: entityType alone filters nothing, open tasks first, isClosed left out when false', async () => {
		portal = await startPortal({ opportunities: 20, records: { tasksPerDeal: 3, otherTasks: 4 } });
		const all = (await tasks('')).json.response as Json[];
		expect(all).toHaveLength(20 * 3 + 4);
		expect((await tasks('entityType=opportunity')).json.response).toHaveLength(all.length);
		const closedAt = all.findIndex((task) => task.isClosed === true);
		expect(closedAt).toBeGreaterThan(0);
		expect(all.slice(closedAt).every((task) => task.isClosed === true)).toBe(true);
		expect(all.slice(0, closedAt).every((task) => !('isClosed' in task))).toBe(true);
		const own = (await tasks('entityType=opportunity&entityid=4')).json.response;
		expect(own.map((t: Json) => t.id).sort()).toEqual(
			portal
				.recordOf(4)
				.tasks.map((t: Json) => t.id)
				.sort(),
		);
		expect((await tasks('entityType=opportunity&entityid=999')).json.response).toEqual([]);
		expect((await tasks('entityType=invoice')).status).toBe(400);
		const asUser = (await tasks('', portal.users.user.token)).json.response as Json[];
		expect(asUser.some((task) => task.entity?.entityId === privateDeal())).toBe(false);
	});

	test("Files' download handler: the bytes with the same authentication; 401 without, 403 for an unreadable deal", async () => {
		portal = await startPortal({
			opportunities: 30,
			records: { filesPerDeal: 1, fileBytes: 5000 },
		});
		const file = portal.recordOf(1).files[0];
		const event = portal.recordOf(1).history.find((e: Json) => e.files?.length);
		expect(event.files[0]).toMatchObject({
			id: file.id,
			title: file.title,
			pureContentLength: 5000,
			contentLength: '4.88 KB',
			viewUrl: `${portal.url}/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=${file.id}`,
		});
		const read = await download(file.id);
		expect(read).toMatchObject({ status: 200, length: '5000' });
		expect(read.bytes.equals(file.bytes)).toBe(true);
		expect((await download(file.id, null)).status).toBe(401);
		const hiddenFile = portal.recordOf(privateDeal()).files[0];
		expect((await download(hiddenFile.id, portal.users.user.token)).status).toBe(403);
		expect((await download(hiddenFile.id, portal.users.noCrm.token)).status).toBe(403);
		expect((await download(123456)).status).toBe(404);
		const listed = (await get('/api/2.0/crm/opportunity/1/files')).json.response;
		expect(listed.map((f: Json) => f.id)).toEqual([file.id]);
	});

	test('the delete takes events, tasks and tag links, hard-deletes the files, keeps contacts’ own; one audit row', async () => {
		portal = await startPortal({
			opportunities: 10,
			records: {
				eventsPerDeal: 2,
				filesPerDeal: 2,
				tasksPerDeal: 2,
				otherEvents: 5,
				otherTasks: 2,
			},
		});
		const files = [2, 3].flatMap((id) => portal.recordOf(id).files.map((f: Json) => f.id));
		expect(files).toHaveLength(4);
		await deleteDeals([2, 3, 999]);
		expect(portal.recordCounts()).toEqual({ events: 8 * 2 + 5, tasks: 8 * 2 + 2, files: 8 * 2 });
		for (const id of files) {
			expect(portal.fileExists(id)).toBe(false);
			expect((await download(id)).status).toBe(404);
		}
		const left = (await history('sortBy=id')).json.response as Json[];
		expect(left.some((e) => [2, 3].includes(e.entity?.entityId))).toBe(false);
		expect(left.filter((e) => e.entity === null)).toHaveLength(5);
		const tagCounts = (await get('/api/2.0/crm/opportunity/tag')).json.response as Json[];
		expect(
			tagCounts.reduce((sum, tag) => sum + (tag.relativeItemsCount ?? 0), 0),
		).toBeLessThanOrEqual(8 * 2);
		expect(portal.auditEvents()).toEqual([
			{
				action: 'OpportunitiesDeleted',
				target: [2, 3, 999],
				description: expect.stringContaining(', '),
			},
		]);
	});

	test("fileStorage s3: the handler redirects to a presigned address that refuses the portal's authentication", async () => {
		portal = await startPortal({
			opportunities: 3,
			records: { filesPerDeal: 1, fileBytes: 300 },
			fileStorage: 's3',
			publicUrl: 'https://crm.example.com',
		});
		const file = portal.recordOf(1).files[0];
		expect(portal.recordOf(1).history.find((e: Json) => e.files)?.files[0].viewUrl).toBe(
			`https://crm.example.com/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=${file.id}`,
		);
		const handler = await fetch(
			`${portal.url}/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=${file.id}`,
			{ headers: { Authorization: portal.token }, redirect: 'manual' },
		);
		expect(handler.status).toBe(302);
		const location = handler.headers.get('location')!;
		expect(location.startsWith(`${portal.url}/storage/`)).toBe(true);
		const withToken = await fetch(location, { headers: { Authorization: portal.token } });
		expect(withToken.status).toBe(400);
		const plain = await fetch(location);
		expect(plain.status).toBe(200);
		expect(Buffer.from(await plain.arrayBuffer()).equals(file.bytes)).toBe(true);
		expect((await fetch(location.replace(/Signature=\w+/, 'Signature=0'))).status).toBe(403);
	});

	test('the brokenBody fault sends half the promised bytes, then drops the connection; faults match on the query', async () => {
		portal = await startPortal({ opportunities: 5, records: { filesPerDeal: 1, fileBytes: 4000 } });
		const [one, two] = [1, 2].map((id) => portal.recordOf(id).files[0].id);
		portal.injectFault(
			{ type: 'brokenBody' },
			{ match: (r) => /filehandler\.ashx$/i.test(r.path) && r.query.fileid === String(two) },
		);
		expect((await download(one)).bytes).toHaveLength(4000);
		await expect(download(two)).rejects.toThrow();
		expect((await download(two)).bytes).toHaveLength(4000);
	});

	test('the same seed gives the same records', async () => {
		portal = await startPortal({ opportunities: 8, seed: 9, records: true });
		const first = [1, 2, 3].map((id) => portal.recordOf(id));
		await portal.stop();
		portal = await startPortal({ opportunities: 40, seed: 9, records: true });
		const withoutPort = (value: unknown) => JSON.stringify(value).replace(/:\d+\//g, ':0/');
		expect(withoutPort([1, 2, 3].map((id) => portal.recordOf(id)))).toEqual(withoutPort(first));
	});
});
