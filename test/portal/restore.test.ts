/**
 * Restoring a deal on the stand-in portal (docs/onlyoffice-api.md, "Restoring"), by real HTTP requests: each
 * endpoint a restore uses and its traps, then a deal read whole, deleted and rebuilt, which must read back
 * the same but for what the contract says cannot be restored.
 */
import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Options {
	/** A token; the admin's by default. */
	token?: string;
	/** Sent as JSON. */
	body?: unknown;
	/** Sent as is, with `headers` (a raw upload). */
	raw?: Uint8Array;
	/** Sent as multipart/form-data. */
	multipart?: FormData;
	headers?: Record<string, string>;
}

interface Reply {
	status: number;
	text: string;
	json: Json;
}

let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

/** 2025-05-10 09:30:00 UTC: the portal's clock where a test needs "now". */
const NOW = Date.UTC(2025, 4, 10, 9, 30);
const MIN_DATE = '0001-01-01T00:00:00.0000000Z';
/** Every 10th seeded deal is private, out of the demo `user`'s reach. */
const PRIVATE = 10;
const CRM = '/api/2.0/crm';

async function call(method: string, route: string, options: Options = {}): Promise<Reply> {
	const headers: Record<string, string> = {
		Authorization: options.token ?? portal.token,
		...options.headers,
	};
	let body: string | Uint8Array | FormData | undefined = options.raw ?? options.multipart;
	if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['Content-Type'] = 'application/json';
	}
	const response = await fetch(`${portal.url}${route}`, { method, headers, body });
	const text = await response.text();
	let json: Json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, json };
}

const post = (route: string, body: unknown, token?: string) =>
	call('POST', `${CRM}/${route}`, { body, token });
const put = (route: string, body: unknown, token?: string) =>
	call('PUT', `${CRM}/${route}`, { body, token });
const get = (route: string, token?: string) => call('GET', `${CRM}/${route}`, { token });

/** The bytes at a file's viewUrl, with the caller's token. */
async function download(viewUrl: string, token = portal.token) {
	const response = await fetch(viewUrl, { headers: { Authorization: token } });
	return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

interface Upload {
	name: string;
	bytes: Buffer;
	type?: string;
}

/** A multipart upload of `files` (and form fields) to a deal's upload route. */
function upload(
	dealId: number,
	files: Upload[],
	fields: Record<string, string> = {},
	token?: string,
) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	for (const file of files)
		form.append(
			'file',
			new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/pdf' }),
			file.name,
		);
	return call('POST', `${CRM}/opportunity/${dealId}/files/upload`, { multipart: form, token });
}

const bytes = (size: number, seed = 7) =>
	Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) % 256));

const minimalDeal = () => ({
	title: 'Restored deal',
	stageid: 2,
	responsibleid: portal.users.admin.id,
	bidCurrencyAbbr: 'USD',
});

/** An ID the seed gives a regular user's reach: public, with a primary contact. */
function publicDealWithContact() {
	const id = portal
		.opportunityIds()
		.find((n) => portal.canRead('user', n) && portal.getOpportunity(n)!.contactId !== null);
	if (id === undefined) throw new Error('the seed has no public deal with a contact');
	return id;
}

describe('POST opportunity, as a restore sends it', () => {
	test.each([
		['no title', { title: '' }],
		['no responsible', { responsibleid: undefined }],
		['the empty GUID as responsible', { responsibleid: '00000000-0000-0000-0000-000000000000' }],
		['a stage that does not exist', { stageid: 99 }],
		['no currency', { bidCurrencyAbbr: undefined }],
		['an unknown currency', { bidCurrencyAbbr: 'XYZ' }],
	])('answers 400 for %s and creates nothing', async (_, change) => {
		portal = await startPortal({ opportunities: 5 });
		const reply = await post('opportunity', { ...minimalDeal(), ...change });
		expect(reply.status).toBe(400);
		expect(reply.json).toMatchObject({ status: 1, statusCode: 400 });
		expect(portal.opportunityIds()).toHaveLength(5);
	});

	test('takes the currency in any case and stores it upper-cased', async () => {
		portal = await startPortal({ opportunities: 5 });
		const reply = await post('opportunity', { ...minimalDeal(), bidCurrencyAbbr: 'eUr' });
		expect(reply.status).toBe(201);
		expect(reply.json.response.bidCurrency.abbreviation).toBe('EUR');
	});

	test('a contact that does not exist is 400, one the caller cannot read 403', async () => {
		portal = await startPortal({ opportunities: 5, privateContacts: 1 });
		const [hidden] = portal.privateContactIds();
		const missing = await post('opportunity', { ...minimalDeal(), contactid: 99_999 });
		expect(missing.status).toBe(400);
		const unreadable = await post(
			'opportunity',
			{ ...minimalDeal(), contactid: hidden },
			portal.users.user.token,
		);
		expect(unreadable.status).toBe(403);
		expect(unreadable.json.error.message).toBe('Access denied.');
		expect(portal.opportunityIds()).toHaveLength(5);
		// The admin reads every contact, so the same request succeeds for them.
		const asAdmin = await post('opportunity', { ...minimalDeal(), contactid: hidden });
		expect(asAdmin.status).toBe(201);
		expect(asAdmin.json.response.contact).toMatchObject({ id: hidden, isPrivate: true });
	});

	test('drops the participants the caller cannot read without a word and adds the primary contact', async () => {
		portal = await startPortal({ opportunities: 5, privateContacts: 1 });
		const [hidden] = portal.privateContactIds();
		const reply = await post(
			'opportunity',
			{ ...minimalDeal(), contactid: 2, members: [hidden, 31, 99_999] },
			portal.users.user.token,
		);
		expect(reply.status).toBe(201);
		expect(reply.json.response.members.map((m: Json) => m.id)).toEqual([31, 2]);
		const read = await get(`opportunity/${reply.json.response.id}`);
		expect(read.json.response.members.map((m: Json) => m.id)).toEqual([31, 2]);
	});

	test('the caller is always added to a private deal’s access list; private only with both isPrivate and a list', async () => {
		portal = await startPortal({ opportunities: 5 });
		const { admin, user } = portal.users;
		const staff = portal.employees().find((e) => e.userName === 'dana.whitfield')!;
		const both = await post(
			'opportunity',
			{ ...minimalDeal(), isPrivate: true, accessList: [staff.id] },
			user.token,
		);
		expect(both.json.response.isPrivate).toBe(true);
		expect(both.json.response.accessList.map((e: Json) => e.id)).toEqual([staff.id, user.id]);
		const noList = await post('opportunity', { ...minimalDeal(), isPrivate: true, accessList: [] });
		expect(noList.json.response).toMatchObject({ isPrivate: false, accessList: [] });
		const notPrivate = await post('opportunity', { ...minimalDeal(), accessList: [admin.id] });
		expect(notPrivate.json.response).toMatchObject({ isPrivate: false, accessList: [] });
	});

	test('custom field values: empty ones and unknown IDs skipped, values trimmed; probability clamped; close dates as sent', async () => {
		portal = await startPortal({ opportunities: 5 });
		const reply = await post('opportunity', {
			...minimalDeal(),
			customFieldList: [
				{ key: 10, value: 'Call back ' },
				{ key: 9, value: '  EMEA ' },
				{ key: 11, value: '' },
				{ key: 7, value: '   ' },
				{ key: 999, value: 'no such field' },
			],
			successProbability: 250,
			actualCloseDate: '2024-02-29T10:00:00.0000000+03:00',
			expectedCloseDate: '2024-03-31T00:00:00.0000000+03:00',
		});
		const deal = reply.json.response;
		// In the fields' order (Region before Next steps), as the DAO reads them.
		expect(deal.customFields.map((f: Json) => [f.id, f.fieldValue])).toEqual([
			[9, 'EMEA'],
			[10, 'Call back'],
		]);
		expect(deal.successProbability).toBe(100);
		expect(deal.actualCloseDate).toBe('2024-02-29T10:00:00.0000000+03:00'); // an open stage, yet stored
		expect(deal.expectedCloseDate).toBe('2024-03-31T00:00:00.0000000+03:00');
		const negative = await post('opportunity', { ...minimalDeal(), successProbability: -5 });
		expect(negative.json.response.successProbability).toBeUndefined(); // clamped to 0, then left out
	});
});

describe('PUT opportunity/{id}/creationdate and …/lastmodifeddate', () => {
	test('sets the creation date with read access and answers "response":{} without a count', async () => {
		portal = await startPortal({ opportunities: 12 });
		const id = portal.opportunityIds().find((n) => portal.canRead('user', n))!;
		const reply = await put(
			`opportunity/${id}/creationdate`,
			{ creationDate: '2021-07-04T08:09:10.0000000+03:00' },
			portal.users.user.token,
		);
		expect(reply.status).toBe(200);
		expect(reply.text).toBe('{"status":0,"statusCode":200,"response":{}}');
		expect((await get(`opportunity/${id}`)).json.response.created).toBe(
			'2021-07-04T08:09:10.0000000+03:00',
		);
	});

	test('without a date it stores year 1, which `created` then shows', async () => {
		portal = await startPortal({ opportunities: 3 });
		const reply = await put('opportunity/2/creationdate', {});
		expect(reply.status).toBe(200);
		expect((await get('opportunity/2')).json.response.created).toBe(MIN_DATE);
		expect(portal.getOpportunity(2)!.created).toBe(Date.parse('0001-01-01T00:00:00Z'));
	});

	test('404 for a deal that does not exist or that the caller cannot read', async () => {
		portal = await startPortal({ opportunities: 12 });
		const body = { creationDate: '2021-07-04' };
		expect((await put('opportunity/999/creationdate', body)).status).toBe(404);
		const hidden = await put(`opportunity/${PRIVATE}/creationdate`, body, portal.users.user.token);
		expect(hidden.status).toBe(404);
		expect(portal.getOpportunity(PRIVATE)!.created).not.toBe(Date.parse('2021-07-03T21:00:00Z'));
	});

	test('lastmodifeddate stores a date the API never returns', async () => {
		portal = await startPortal({ opportunities: 3 });
		const before = (await get('opportunity/1')).json.response;
		const reply = await put('opportunity/1/lastmodifeddate', {
			lastModifedDate: '2022-01-01T12:00:00Z',
		});
		expect(reply.text).toBe('{"status":0,"statusCode":200,"response":{}}');
		expect(portal.getOpportunity(1)!.lastModified).toBe(Date.UTC(2022, 0, 1, 12));
		expect((await get('opportunity/1')).json.response).toEqual(before);
	});
});

describe('POST opportunity/{id}/tag and opportunity/taglist', () => {
	test('answers the name as sent, a string whose length is the count; creates a missing tag', async () => {
		portal = await startPortal({ opportunities: 3 });
		const reply = await post('opportunity/1/tag', { tagName: 'Renewal 2025' });
		expect(reply.status).toBe(201);
		expect(reply.text).toBe('{"count":12,"status":0,"statusCode":201,"response":"Renewal 2025"}');
		expect((await get('opportunity/tag/1')).json.response).toEqual(['Renewal 2025']);
		expect(portal.tags()).toContain('Renewal 2025');
	});

	test('matches an existing tag case-insensitively: the stored casing wins, and a deal carries it once', async () => {
		portal = await startPortal({ opportunities: 3 });
		await post('opportunity/1/tag', { tagName: 'Hot Lead' });
		const reply = await post('opportunity/2/tag', { tagName: '  hot LEAD ' });
		expect(reply.json).toMatchObject({ count: 11, response: '  hot LEAD ' });
		await post('opportunity/2/tag', { tagName: 'HOT LEAD' });
		expect((await get('opportunity/tag/2')).json.response).toEqual(['Hot Lead']);
		expect(portal.tags().filter((t) => t.toLowerCase() === 'hot lead')).toEqual(['Hot Lead']);
		const counted = (await get('opportunity/tag')).json.response;
		expect(counted).toContainEqual({ title: 'Hot Lead', relativeItemsCount: 2 });
	});

	test('read access suffices; 404 for a deal the caller cannot read, 400 for no name or a blank one', async () => {
		portal = await startPortal({ opportunities: 12 });
		const { user } = portal.users;
		const readable = portal.opportunityIds().find((n) => portal.canRead('user', n))!;
		expect(
			(await post(`opportunity/${readable}/tag`, { tagName: 'mine' }, user.token)).status,
		).toBe(201);
		expect((await post(`opportunity/${PRIVATE}/tag`, { tagName: 'x' }, user.token)).status).toBe(
			404,
		);
		expect((await post('opportunity/999/tag', { tagName: 'x' })).status).toBe(404);
		expect((await post('opportunity/1/tag', {})).status).toBe(400);
		expect((await post('opportunity/1/tag', { tagName: ' \n ' })).status).toBe(400);
		expect(portal.tags()).toEqual(['mine']);
	});

	test('taglist tags each deal in turn and stops at the first 404, keeping the tags before it', async () => {
		portal = await startPortal({ opportunities: 5 });
		const ok = await post('opportunity/taglist', { entityid: [4, 5], tagName: 'batch' });
		expect(ok.json).toMatchObject({ status: 0, count: 5, response: 'batch' });
		const stopped = await post('opportunity/taglist', {
			entityid: [1, 2, 999, 3],
			tagName: 'partial',
		});
		expect(stopped.status).toBe(404);
		const tagsOf = async (id: number) => (await get(`opportunity/tag/${id}`)).json.response;
		expect(await tagsOf(1)).toEqual(['partial']);
		expect(await tagsOf(2)).toEqual(['partial']);
		expect(await tagsOf(3)).toEqual([]);
		expect(await tagsOf(4)).toEqual(['batch']);
		expect((await post('opportunity/taglist', { entityid: [], tagName: 'none' })).status).toBe(400);
	});
});

describe('POST opportunity/{id}/customfield/{fieldid}', () => {
	test('stores the value trimmed and answers it as sent; "" clears the field', async () => {
		portal = await startPortal({ opportunities: 3, records: { valuesPerDeal: 0 } });
		const reply = await post('opportunity/1/customfield/9', { fieldValue: '  APAC  ' });
		expect(reply.status).toBe(201);
		// fieldType 0 (TextField) is left out, as every 0 is.
		expect(reply.json.response).toEqual({
			entityId: 1,
			label: 'Region',
			fieldValue: '  APAC  ',
			position: 2,
			mask: '{"size":"40"}',
			id: 9,
		});
		const values = async () =>
			(await get('opportunity/1')).json.response.customFields
				.filter((f: Json) => f.fieldType !== 4)
				.map((f: Json) => [f.id, f.fieldValue]);
		expect(await values()).toEqual([[9, 'APAC']]);
		expect((await post('opportunity/1/customfield/9', { fieldValue: '' })).status).toBe(201);
		expect(await values()).toEqual([]);
	});

	test('an unknown field, or no fieldValue, is a 500; there is no permission check', async () => {
		portal = await startPortal({ opportunities: 12, records: { valuesPerDeal: 0 } });
		const unknown = await post('opportunity/1/customfield/999', { fieldValue: 'x' });
		expect(unknown.status).toBe(500);
		expect(unknown.json).toMatchObject({ status: 1, statusCode: 500 });
		expect((await post('opportunity/1/customfield/9', {})).status).toBe(500);
		const { user } = portal.users;
		const hidden = await post(
			`opportunity/${PRIVATE}/customfield/9`,
			{ fieldValue: 'set by someone who cannot read it' },
			user.token,
		);
		expect(hidden.status).toBe(201);
		expect(portal.getOpportunity(PRIVATE)!.customFields).toEqual([
			{ fieldId: 9, value: 'set by someone who cannot read it' },
		]);
	});
});

describe('POST opportunity/{id}/files/upload', () => {
	test('the file lands unattached: answered as a file, stored, but nobody may download it, not even the admin', async () => {
		portal = await startPortal({ opportunities: 3 });
		const counts = portal.recordCounts();
		const content = bytes(3000);
		// The deal in the path is ignored: this one does not exist.
		const reply = await upload(999_999, [{ name: 'Proposal.pdf', bytes: content }]);
		expect(reply.status).toBe(201);
		const file = reply.json.response;
		expect(reply.json.count).toBe(1);
		expect(file).toMatchObject({
			folderId: 3,
			version: 1,
			pureContentLength: 3000,
			contentLength: '2.93 KB',
			fileExst: '.pdf',
			title: 'Proposal.pdf',
			createdBy: { id: portal.users.admin.id },
		});
		const stored = portal.unattachedFiles();
		expect(stored.map((f) => [f.id, f.title])).toEqual([[file.id, 'Proposal.pdf']]);
		expect(stored[0].bytes.equals(content)).toBe(true);
		expect((await download(file.viewUrl)).status).toBe(403);
		expect(portal.recordCounts()).toEqual({ ...counts, files: counts.files + 1 });
		expect((await get('opportunity/1/files')).json.response).toEqual([]);
	});

	test('answers only the last file of a request, though it stores each', async () => {
		portal = await startPortal({ opportunities: 3 });
		const reply = await upload(1, [
			{ name: 'first.txt', bytes: bytes(10), type: 'text/plain' },
			{ name: 'second.png', bytes: bytes(20), type: 'image/png' },
		]);
		expect(reply.status).toBe(201);
		expect(reply.json.response).toMatchObject({ title: 'second.png', pureContentLength: 20 });
		expect(portal.unattachedFiles().map((f) => [f.title, f.contentType])).toEqual([
			['first.txt', 'text/plain'],
			['second.png', 'image/png'],
		]);
	});

	test('takes a raw body named by Content-Disposition; without that header, or without bytes, 500', async () => {
		portal = await startPortal({ opportunities: 3 });
		const route = `${CRM}/opportunity/1/files/upload`;
		const octets = { 'Content-Type': 'application/octet-stream' };
		const named = {
			...octets,
			'Content-Disposition': "attachment; filename*=UTF-8''Pr%C3%A4sentation.pptx",
		};
		const raw = await call('POST', route, { raw: new Uint8Array(bytes(500)), headers: named });
		expect(raw.status).toBe(201);
		expect(raw.json.response).toMatchObject({ title: 'Präsentation.pptx', pureContentLength: 500 });
		const unnamed = await call('POST', route, { raw: new Uint8Array(bytes(5)), headers: octets });
		expect(unnamed.status).toBe(500);
		const empty = await call('POST', route, { raw: new Uint8Array(0), headers: named });
		expect(empty.status).toBe(500);
		expect((await upload(1, [{ name: 'empty.pdf', bytes: Buffer.alloc(0) }])).status).toBe(500);
		expect((await upload(1, [], { note: 'no file part' })).status).toBe(500);
		expect(portal.unattachedFiles().map((f) => f.title)).toEqual(['Präsentation.pptx']);
	});

	test('refuses a file over the size limit with 500', async () => {
		portal = await startPortal({ opportunities: 3, maxUploadBytes: 1000 });
		expect((await upload(1, [{ name: 'big.pdf', bytes: bytes(1001) }])).status).toBe(500);
		expect((await upload(1, [{ name: 'fits.pdf', bytes: bytes(1000) }])).status).toBe(201);
		expect(portal.unattachedFiles().map((f) => f.title)).toEqual(['fits.pdf']);
	});

	test('saves storeOriginalFileFlag as the uploader’s Files setting, false when not sent', async () => {
		portal = await startPortal({ opportunities: 3 });
		const file = [{ name: 'a.pdf', bytes: bytes(10) }];
		expect(portal.storeOriginalFiles('admin')).toBe(true);
		await upload(1, file);
		expect(portal.storeOriginalFiles('admin')).toBe(false);
		await upload(1, file, { storeOriginalFileFlag: 'true' });
		expect(portal.storeOriginalFiles('admin')).toBe(true);
		const raw = await call(
			'POST',
			`${CRM}/opportunity/1/files/upload?storeOriginalFileFlag=false`,
			{
				raw: new Uint8Array(bytes(10)),
				headers: {
					'Content-Type': 'application/pdf',
					'Content-Disposition': 'attachment; filename="b.pdf"',
				},
			},
		);
		expect(raw.status).toBe(201);
		expect(portal.storeOriginalFiles('admin')).toBe(false);
		expect(portal.storeOriginalFiles('user')).toBe(true); // a setting of each user
	});
});

describe('POST history and POST opportunity/{id}/files', () => {
	test('an event attaches uploaded files, which become readable with the deal; created kept, the caller the author', async () => {
		portal = await startPortal({ opportunities: 12 });
		const { user } = portal.users;
		const id = publicDealWithContact();
		const contactId = portal.getOpportunity(id)!.contactId;
		const content = bytes(700);
		const file = (await upload(id, [{ name: 'Minutes.txt', bytes: content }], {}, user.token)).json
			.response;
		expect((await download(file.viewUrl, user.token)).status).toBe(403);
		const reply = await post(
			'history',
			{
				entityType: 'opportunity',
				entityId: id,
				contactId,
				content: 'Met them / signed',
				categoryId: 4,
				created: '2024-03-01T10:15:30.0000000+03:00',
				fileId: [file.id],
			},
			user.token,
		);
		expect(reply.status).toBe(201);
		const event = reply.json.response;
		expect(event).toMatchObject({
			createBy: { id: user.id },
			created: '2024-03-01T10:15:30.0000000+03:00',
			content: 'Met them / signed',
			category: { id: 4, title: 'Meeting' },
			contact: { id: contactId },
			entity: { entityType: 'opportunity', entityId: id },
			files: [{ id: file.id, title: 'Minutes.txt' }],
		});
		const listed = await get(`history/filter?entityType=opportunity&entityId=${id}`);
		expect(listed.json.response).toEqual([event]);
		const read = await download(file.viewUrl, user.token);
		expect(read.status).toBe(200);
		expect(read.bytes.equals(content)).toBe(true);
		expect(portal.unattachedFiles()).toEqual([]);
		// Readable now as the deal is: still not by a user without CRM access.
		expect((await download(file.viewUrl, portal.users.noCrm.token)).status).toBe(403);
	});

	test('`created` defaults to now; -1 and -2 are categories too; `fileId[]` binds from a form as well', async () => {
		portal = await startPortal({ opportunities: 3, now: () => NOW + 678 });
		const reply = await post('history', {
			entityType: 'opportunity',
			entityId: 1,
			content: 'Task closed: Call back',
			categoryId: -1,
		});
		expect(reply.json.response.created).toBe('2025-05-10T12:30:00.0000000+03:00'); // to the second
		expect(reply.json.response.category).toMatchObject({ id: -1, title: 'Task closed' });
		const file = (await upload(1, [{ name: 'x.pdf', bytes: bytes(9) }])).json.response;
		const form = new URLSearchParams({
			entityType: 'opportunity',
			entityId: '1',
			content: 'Files',
			categoryId: '-2',
			'fileId[]': String(file.id),
		});
		const viaForm = await call('POST', `${CRM}/history`, {
			raw: new TextEncoder().encode(form.toString()),
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		});
		expect(viaForm.status).toBe(201);
		expect(viaForm.json.response.files.map((f: Json) => f.id)).toEqual([file.id]);
	});

	test.each([
		['a deal that does not exist', { entityId: 999 }],
		['a deal the caller cannot read', { entityId: PRIVATE }],
		['a contact that does not exist', { contactId: 99_999 }],
		['an unknown category', { categoryId: 99 }],
		['no category', { categoryId: undefined }],
		['no content', { content: '' }],
		['content longer than 65000 characters', { content: 'x'.repeat(65_001) }],
		['an entity type that is neither opportunity nor case', { entityType: 'contact' }],
		['a mail message (-3): the server fetches the mail, which is not there', { categoryId: -3 }],
	])('answers 400 for %s, and stores nothing', async (_, change) => {
		portal = await startPortal({ opportunities: 12 });
		const reply = await post(
			'history',
			{
				entityType: 'opportunity',
				entityId: 1,
				content: '{"message_id":12}',
				categoryId: 1,
				...change,
			},
			portal.users.user.token,
		);
		expect(reply.status).toBe(400);
		expect(portal.recordCounts().events).toBe(0);
	});

	test('content of exactly 65000 characters is taken; -3 with content that is not JSON is a 500', async () => {
		portal = await startPortal({ opportunities: 3 });
		const base = { entityType: 'opportunity', entityId: 1, categoryId: 1 };
		expect((await post('history', { ...base, content: 'y'.repeat(65_000) })).status).toBe(201);
		const mail = await post('history', { ...base, categoryId: -3, content: 'not json' });
		expect(mail.status).toBe(500);
		expect(portal.recordCounts().events).toBe(1);
	});

	test('POST opportunity/{id}/files makes a FilesUpload (-2) event dated now, holding the files', async () => {
		portal = await startPortal({
			opportunities: 12,
			now: () => NOW,
		});
		const file = (await upload(2, [{ name: 'Scan.png', bytes: bytes(64), type: 'image/png' }])).json
			.response;
		const reply = await post('opportunity/2/files', { fileids: [file.id] });
		expect(reply.status).toBe(201);
		expect(reply.json.response).toMatchObject({
			createBy: { id: portal.users.admin.id },
			created: '2025-05-10T12:30:00.0000000+03:00',
			category: { id: -2 },
			entity: { entityId: 2 },
			files: [{ id: file.id }],
		});
		expect((await get('opportunity/2/files')).json.response.map((f: Json) => f.id)).toEqual([
			file.id,
		]);
		expect((await download(file.viewUrl)).status).toBe(200);
		expect((await post('opportunity/2/files', {})).status).toBe(400);
		const hidden = await post(
			`opportunity/${PRIVATE}/files`,
			{ fileids: [] },
			portal.users.user.token,
		);
		expect(hidden.status).toBe(404);
	});
});

describe('POST task, PUT task/{id}/close and …/creationdate', () => {
	const task = (change: Record<string, unknown> = {}) => ({
		title: 'Call back',
		deadline: '2025-06-01T09:00:00.0000000+03:00',
		responsibleId: portal.users.user.id,
		categoryId: 5,
		entityType: 'opportunity',
		entityId: 1,
		...change,
	});

	test('created open whatever is sent, by the caller, now; close closes it', async () => {
		portal = await startPortal({ opportunities: 3, now: () => NOW });
		const reply = await post(
			'task',
			task({ isClosed: true, alertValue: 15, description: 'Budget' }),
		);
		expect(reply.status).toBe(201);
		const created = reply.json.response;
		expect(created).toMatchObject({
			createBy: { id: portal.users.admin.id },
			created: '2025-05-10T12:30:00.0000000+03:00',
			title: 'Call back',
			description: 'Budget',
			deadLine: '2025-06-01T09:00:00.0000000+03:00',
			alertValue: 15,
			responsible: { id: portal.users.user.id },
			category: { id: 5, title: 'Call' },
			entity: { entityType: 'opportunity', entityId: 1 },
			canEdit: true,
		});
		expect('isClosed' in created).toBe(false);
		const closed = await put(`task/${created.id}/close`, {});
		expect(closed.status).toBe(200);
		expect(closed.json.response.isClosed).toBe(true);
		const listed = await get('task/filter?entityType=opportunity&entityid=1');
		expect(listed.json.response).toEqual([closed.json.response]);
	});

	test('the deal is not checked: a task on a deal that does not exist is created, and listed nowhere', async () => {
		portal = await startPortal({ opportunities: 3 });
		const reply = await post('task', task({ entityId: 999_999 }));
		expect(reply.status).toBe(201);
		expect(reply.json.response.entity).toBeUndefined();
		expect(portal.recordCounts().tasks).toBe(1);
		expect((await get('task/filter?entityType=opportunity&entityid=999999')).json.response).toEqual(
			[],
		);
	});

	test.each([
		['no title', { title: '' }, 400],
		['no deadline', { deadline: undefined }, 400],
		['no category', { categoryId: undefined }, 400],
		['a category that does not exist', { categoryId: 99 }, 404],
		['an entity type other than opportunity or case', { entityType: 'contact' }, 400],
	])('answers %s with its status, creating nothing', async (_, change, status) => {
		portal = await startPortal({ opportunities: 3 });
		const reply = await post('task', task(change));
		expect(reply.status).toBe(status);
		expect(portal.recordCounts().tasks).toBe(0);
	});

	test('creationdate sets `created` (year 1 without a date) and answers {}; 404 for a task the caller cannot read', async () => {
		portal = await startPortal({ opportunities: 12 });
		const onHidden = (
			await post('task', task({ entityId: PRIVATE, responsibleId: portal.users.admin.id }))
		).json.response;
		const reply = await put(`task/${onHidden.id}/creationdate`, {
			creationDate: '2023-01-02T03:04:05.0000000+03:00',
		});
		expect(reply.text).toBe('{"status":0,"statusCode":200,"response":{}}');
		const listed = async () =>
			(await get(`task/filter?entityType=opportunity&entityid=${PRIVATE}`)).json.response[0];
		expect((await listed()).created).toBe('2023-01-02T03:04:05.0000000+03:00');
		await put(`task/${onHidden.id}/creationdate`, {});
		expect((await listed()).created).toBe(MIN_DATE);
		const { user } = portal.users;
		expect((await put(`task/${onHidden.id}/creationdate`, {}, user.token)).status).toBe(404);
		expect((await put('task/999/creationdate', {})).status).toBe(404);
		// Closing needs edit rights (admin, responsible, author): 403; a task that does not exist is 400.
		expect((await put(`task/${onHidden.id}/close`, {}, user.token)).status).toBe(403);
		expect((await put('task/999/close', {})).status).toBe(400);
	});
});

describe('POST opportunity/{id}/contact/{contactid}', () => {
	test('links a contact once and answers it; 404 for a contact or deal the caller cannot read', async () => {
		portal = await startPortal({ opportunities: 12, privateContacts: 1 });
		const [hidden] = portal.privateContactIds();
		const id = portal.opportunityIds().find((n) => portal.canRead('user', n))!;
		const { user } = portal.users;
		const before = portal.getOpportunity(id)!.memberIds;
		const reply = await post(`opportunity/${id}/contact/45`, {}, user.token);
		expect(reply.status).toBe(201);
		expect(reply.json.response).toMatchObject({ id: 45, displayName: expect.any(String) });
		await post(`opportunity/${id}/contact/45`, {}, user.token);
		const members = (await get(`opportunity/${id}`)).json.response.members.map((m: Json) => m.id);
		expect(members).toEqual([...before.filter((m) => m !== 45), 45]);
		expect((await post(`opportunity/${id}/contact/${hidden}`, {}, user.token)).status).toBe(404);
		expect((await post(`opportunity/${id}/contact/99999`, {})).status).toBe(404);
		expect((await post(`opportunity/${PRIVATE}/contact/45`, {}, user.token)).status).toBe(404);
		expect((await post(`opportunity/${id}/contact/0`, {})).status).toBe(400);
		const asAdmin = await post(`opportunity/${id}/contact/${hidden}`, {});
		expect(asAdmin.json.response).toMatchObject({ id: hidden, isPrivate: true });
		expect(asAdmin.json.response.shareType).toBeUndefined(); // None (0), left out
		expect(asAdmin.json.response.accessList).toHaveLength(1);
	});
});

/** A deal's whole record as a client reads it before a delete: the four reads and each file's bytes. */
async function readWhole(id: number) {
	const deal = (await get(`opportunity/${id}`)).json.response;
	const tags = (await get(`opportunity/tag/${id}`)).json.response as string[];
	const history = (await get(`history/filter?entityType=opportunity&entityId=${id}&sortBy=id`)).json
		.response as Json[];
	const tasks = (await get(`task/filter?entityType=opportunity&entityid=${id}`)).json
		.response as Json[];
	const files = new Map<number, Buffer>();
	for (const event of history)
		for (const file of event.files ?? []) {
			const read = await download(file.viewUrl);
			expect(read.status).toBe(200);
			files.set(file.id, read.bytes);
		}
	return { deal, tags, history, tasks, files };
}

type Whole = Awaited<ReturnType<typeof readWhole>>;

/** Sends a date back as it was read; an unset one (MinValue) is left out. */
const dateOrNothing = (text: string) => (text === MIN_DATE ? undefined : text);

/** Rebuilds a deal read by readWhole with the restore endpoints, as the admin; returns the new ID. */
async function restore(whole: Whole) {
	const { deal } = whole;
	const values = deal.customFields.filter((f: Json) => f.fieldType !== 4 && f.fieldValue !== '');
	const [viaEndpoint, ...viaList] = values;
	const created = await post('opportunity', {
		title: deal.title,
		description: deal.description,
		responsibleid: deal.responsible.id,
		stageid: deal.stage.id,
		bidCurrencyAbbr: deal.bidCurrency.abbreviation,
		bidType: deal.bidType ?? 0,
		bidValue: deal.bidValue ?? 0,
		perPeriodValue: deal.perPeriodValue ?? 0,
		successProbability: deal.successProbability ?? 0,
		actualCloseDate: dateOrNothing(deal.actualCloseDate),
		expectedCloseDate: dateOrNothing(deal.expectedCloseDate),
		contactid: deal.contact?.id,
		members: deal.members.map((m: Json) => m.id),
		customFieldList: viaList.map((f: Json) => ({ key: f.id, value: f.fieldValue })),
		isPrivate: deal.isPrivate,
		accessList: deal.accessList.map((e: Json) => e.id),
	});
	expect(created.status).toBe(201);
	const id = created.json.response.id as number;
	const ok = async (reply: Promise<Reply>, status = 201) => {
		const settled = await reply;
		expect(settled.status).toBe(status);
		return settled.json.response;
	};
	await ok(put(`opportunity/${id}/creationdate`, { creationDate: deal.created }), 200);
	for (const tag of whole.tags) await ok(post(`opportunity/${id}/tag`, { tagName: tag }));
	if (viaEndpoint)
		await ok(
			post(`opportunity/${id}/customfield/${viaEndpoint.id}`, {
				fieldValue: viaEndpoint.fieldValue,
			}),
		);
	for (const event of whole.history) {
		const fileId: number[] = [];
		for (const file of event.files ?? []) {
			// One file per request: the answer names only the last one.
			const bytesRead = whole.files.get(file.id)!;
			const uploaded = await ok(upload(id, [{ name: file.title, bytes: bytesRead }]));
			fileId.push(uploaded.id);
		}
		await ok(
			post('history', {
				entityType: 'opportunity',
				entityId: id,
				contactId: event.contact?.id,
				content: event.content,
				categoryId: event.category.id,
				created: event.created,
				fileId,
			}),
		);
	}
	for (const task of whole.tasks) {
		const made = await ok(
			post('task', {
				title: task.title,
				description: task.description,
				deadline: task.deadLine,
				responsibleId: task.responsible.id,
				categoryId: task.category.id,
				contactId: task.contact?.id,
				entityType: 'opportunity',
				entityId: id,
				alertValue: task.alertValue ?? 0,
			}),
		);
		if (task.isClosed) await ok(put(`task/${made.id}/close`, {}), 200);
		await ok(put(`task/${made.id}/creationdate`, { creationDate: task.created }), 200);
	}
	return id;
}

/** What cannot be restored, taken out of a file: its ID (in its URLs too), dates, authors, versions. */
function restorableFile(file: Json) {
	const {
		id,
		viewUrl,
		webUrl,
		version,
		versionGroup,
		created,
		createdBy,
		updated,
		updatedBy,
		...rest
	} = file;
	void [id, viewUrl, webUrl, version, versionGroup, created, createdBy, updated, updatedBy];
	return rest;
}

/** An event or task without what cannot be restored: its ID, its author, the deal's ID. */
function restorableRow(row: Json) {
	const { id, createBy, entity, files, ...rest } = row;
	void [id, createBy];
	return {
		...rest,
		entity: entity && { ...entity, entityId: 'the deal' },
		...(files ? { files: files.map(restorableFile) } : {}),
	};
}

describe('a deal deleted and rebuilt through the restore endpoints', () => {
	test.each([
		['a public deal with a contact', () => publicDealWithContact(), false],
		['a private deal', () => PRIVATE, true],
	])(
		'%s reads back the same but for IDs, authors and files’ dates; the delete cascade takes it again',
		async (_, pick, isPrivate) => {
			portal = await startPortal({
				opportunities: 12,
				records: {
					eventsPerDeal: 4,
					filesPerDeal: 3,
					tasksPerDeal: 3,
					tagsPerDeal: 2,
					valuesPerDeal: 4,
					otherEvents: 3,
					otherTasks: 2,
				},
			});
			const original = pick();
			const before = await readWhole(original);
			expect(before.deal.isPrivate).toBe(isPrivate);
			// A private deal's list leaves the restorer out, so the restore must add them.
			if (isPrivate)
				expect(before.deal.accessList.map((e: Json) => e.id)).not.toContain(portal.users.admin.id);
			expect(before.history).toHaveLength(4);
			expect(before.files.size).toBe(3);
			expect(before.tasks).toHaveLength(3);
			expect(before.tags).toHaveLength(2);
			const counts = portal.recordCounts();

			const deleted = await call('PUT', `${CRM}/opportunity`, {
				body: { opportunityids: [original] },
			});
			expect(deleted.json.response.map((d: Json) => d.id)).toEqual([original]);
			expect((await get(`opportunity/${original}`)).status).toBe(404);

			const id = await restore(before);
			expect(id).not.toBe(original);
			const after = await readWhole(id);
			const { admin } = portal.users;

			// The deal: a new ID (in each value too) and the restorer as its author and on a private deal's list.
			const dealWithout = (deal: Json) => {
				const { id: dealId, createBy, accessList, customFields, ...rest } = deal;
				void [dealId, createBy, accessList];
				return {
					...rest,
					customFields: customFields.map((f: Json) => ({
						...f,
						entityId: f.entityId && 'the deal',
					})),
				};
			};
			expect(dealWithout(after.deal)).toEqual(dealWithout(before.deal));
			expect(after.deal.createBy.id).toBe(admin.id);
			const listed = before.deal.accessList.map((e: Json) => e.id);
			expect(after.deal.accessList.map((e: Json) => e.id)).toEqual(
				before.deal.isPrivate && !listed.includes(admin.id) ? [...listed, admin.id] : listed,
			);

			expect(after.tags).toEqual(before.tags);
			expect(after.history.map(restorableRow)).toEqual(before.history.map(restorableRow));
			expect(after.history.every((e: Json) => e.createBy.id === admin.id)).toBe(true);
			expect(after.tasks.map(restorableRow)).toEqual(before.tasks.map(restorableRow));
			expect(after.tasks.every((t: Json) => t.createBy.id === admin.id)).toBe(true);
			// The files' contents, event by event, in order.
			const contents = (whole: Whole) =>
				whole.history.flatMap((e: Json) =>
					(e.files ?? []).map((f: Json) => whole.files.get(f.id)!.toString('base64')),
				);
			expect(contents(after)).toEqual(contents(before));
			expect(portal.unattachedFiles()).toEqual([]);
			expect(portal.recordCounts()).toEqual(counts);

			// The cascade takes the rebuilt record as it took the seeded one.
			await call('PUT', `${CRM}/opportunity`, { body: { opportunityids: [id] } });
			expect(portal.recordCounts()).toEqual({
				events: counts.events - 4,
				tasks: counts.tasks - 3,
				files: counts.files - 3,
			});
			for (const event of after.history)
				for (const file of event.files ?? [])
					expect((await download(file.viewUrl)).status).toBe(404);
			expect((await get(`history/filter?entityType=opportunity&entityId=${id}`)).status).toBe(404);
		},
	);
});
