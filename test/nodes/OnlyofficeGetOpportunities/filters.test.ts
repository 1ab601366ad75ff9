/**
 * The node's filters against the stand-in portal's hand-made search deals, over real HTTP: each filter changes
 * the answer, the close-date range is whole days in the workflow's time zone, and a range with one end still
 * filters.
 */
import { DateTime } from 'luxon';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { SearchRun } from '../../helpers/runSearchNode';
import { runSearchNode } from '../../helpers/runSearchNode';
import { OPEN_SEARCH_DEALS } from '../../helpers/searchDeals';
import type { Portal } from '../../portal';
import { startPortal } from '../../portal';

let portal: Portal;
let ids: Record<string, number>;

beforeAll(async () => {
	portal = await startPortal({ opportunities: 0, scenario: 'search' });
	ids = portal.fixtures!.ids;
});
afterAll(async () => {
	await portal.stop();
});
beforeEach(() => portal.clearRequests());

const admin = () => ({ portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token });
const user = () => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.users.user.token,
});

const named = (...names: string[]) =>
	names
		.map((name) => {
			if (ids[name] === undefined) throw new Error(`no fixture ${name}`);
			return ids[name];
		})
		.sort((a, b) => a - b);
const idsOf = (output: INodeExecutionData[]) => output.map((item) => item.json.id as number);
const searches = () =>
	portal.requests.filter((r: { path: string }) => r.path.endsWith('/opportunity/filter.json'));

async function find(filters: IDataObject, run: Partial<SearchRun> = {}) {
	const { output } = await runSearchNode({
		parameters: { returnAll: true, filters },
		credentials: admin(),
		...run,
	});
	return idsOf(output);
}

async function failure(run: SearchRun): Promise<NodeApiError | NodeOperationError> {
	try {
		await runSearchNode(run);
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error('The node did not fail');
}

const LOST = ['lostBefore', 'lostAfter', 'lostOnCutoff', 'lostCutoffAfternoon', 'lostUnset'];

describe('filters', () => {
	it('Stage Type sends the number ONLYOFFICE expects and finds every stage of that kind', async () => {
		expect(await find({ stageType: 'lost' })).toEqual(
			named(...LOST, 'privateOfStaff', 'privateWithUser'),
		);
		expect(searches()[0].query.stageType).toBe('2');
		expect(await find({ stageType: 'won' })).toEqual(named('wonBefore', 'wonAfter'));
		expect(await find({ stageType: 'open' })).toEqual(named(...OPEN_SEARCH_DEALS));
	});

	it('Stage finds the deals of one stage', async () => {
		expect(await find({ stageId: 7 })).toEqual(named('wonBefore'));
		expect(await find({ stageId: '11' })).toEqual(named('lostOnCutoff'));
	});

	it('Responsible finds the deals of one user', async () => {
		const admins = await find({ responsibleId: portal.users.admin.id.toUpperCase() });
		expect(admins).toEqual(named('lostCutoffAfternoon', 'openExpectedAfter'));
	});

	it('Tags: a deal must carry all of them, sent as repeated keys', async () => {
		expect(await find({ tags: ['VIP', 'EMEA'] })).toEqual(named('lostBefore'));
		expect(searches()[0].query.tags).toEqual(['VIP', 'EMEA']);
		expect(await find({ tags: ['emea'] })).toEqual(
			named('lostBefore', 'lostOnCutoff', 'wonBefore'),
		);
	});

	it('Contact ID: the primary contact, or with participants the deals it takes part in', async () => {
		const { company } = portal.fixtures!.contacts;
		expect(await find({ contactId: company })).toEqual(named('lostBefore', 'primaryNotMember'));
		expect(await find({ contactId: company, includeParticipants: true })).toEqual(
			named('lostBefore', 'participantOnly'),
		);
		expect(searches()[1].query.contactAlsoIsParticipant).toBe('true');
	});

	it('Keyword finds words that start with it, in the title or the description', async () => {
		expect(await find({ keyword: 'cloud' })).toEqual(named('openExpectedBefore', 'keywordTitle'));
		// A comma would cut the keyword short on the server; the node sends it as a word break.
		expect(await find({ keyword: 'cloud, migration' })).toEqual(
			named('openExpectedBefore', 'keywordTitle'),
		);
		expect(searches()[1].query.filterValue).toBe('cloud migration');
	});

	it('combines filters with AND', async () => {
		expect(
			await find({ stageType: 'lost', responsibleId: portal.users.user.id, tags: ['VIP'] }),
		).toEqual(named('lostBefore'));
	});
});

describe('close date', () => {
	it('Lost + Close Date To alone returns only the deals closed up to that day, not every lost deal', async () => {
		const found = await find(
			{ stageType: 'lost', closeDateTo: '2024-05-31' },
			{ timeZone: 'Europe/Moscow' },
		);
		expect(found).toEqual(named('lostBefore', 'privateOfStaff', 'privateWithUser'));
		expect(searches()[0].query).toMatchObject({
			fromDate: '1900-01-01',
			toDate: '2024-05-31T23:59:59.999+03:00',
		});
	});

	it('Close Date From alone sends the far future as the other end', async () => {
		const found = await find(
			{ stageType: 'lost', closeDateFrom: portal.fixtures!.cutoff },
			{ timeZone: 'Europe/Moscow' },
		);
		expect(found).toEqual(named('lostAfter', 'lostOnCutoff', 'lostCutoffAfternoon'));
		expect(searches()[0].query.toDate).toBe('2100-01-01');
	});

	it('a date without a time is the whole day in the workflow’s time zone, sent with its offset', async () => {
		// The portal runs at UTC+3: the cut-off's midnight there is 17:00 the day before in New York, and
		// its 15:00 is 08:00 in New York.
		const day = { stageType: 'lost', closeDateFrom: '2024-06-01', closeDateTo: '2024-06-01' };
		expect(await find(day, { timeZone: 'America/New_York' })).toEqual(named('lostCutoffAfternoon'));
		expect(searches()[0].query).toMatchObject({
			fromDate: '2024-06-01T00:00:00.000-04:00',
			toDate: '2024-06-01T23:59:59.999-04:00',
		});
		expect(await find(day, { timeZone: 'Europe/Moscow' })).toEqual(
			named('lostOnCutoff', 'lostCutoffAfternoon'),
		);
		expect(await find(day, { timeZone: 'Asia/Tokyo' })).toEqual(
			named('lostOnCutoff', 'lostCutoffAfternoon'),
		);
		expect(await find(day, { timeZone: 'Pacific/Kiritimati' })).toEqual(named('lostOnCutoff'));
		// In UTC the cut-off's midnight at the portal (21:00 UTC) still belongs to May 31.
		expect(await find(day)).toEqual(named('lostCutoffAfternoon'));
	});

	it('a day picked in the editor (its midnight without an offset) is the whole day too', async () => {
		const found = await find(
			{ stageType: 'lost', closeDateTo: '2024-05-31T00:00:00' },
			{ timeZone: 'Europe/Moscow' },
		);
		expect(found).toEqual(named('lostBefore', 'privateOfStaff', 'privateWithUser'));
	});

	it('a time without an offset is a time in the workflow’s zone', async () => {
		// 10:00 in Moscow is 07:00 UTC: after the cut-off's midnight (21:00 UTC the day before), before 15:00.
		const found = await find(
			{ stageType: 'lost', closeDateFrom: '2024-06-01T10:00:00' },
			{ timeZone: 'Europe/Moscow' },
		);
		expect(found).toEqual(named('lostAfter', 'lostCutoffAfternoon'));
		expect(searches()[0].query.fromDate).toBe('2024-06-01T10:00:00.000+03:00');
	});

	it('takes Luxon DateTimes and JS Dates from expressions as the instants they hold', async () => {
		// The cut-off's midnight at the portal is 2024-05-31T21:00Z, its 15:00 is 2024-06-01T12:00Z.
		const midnightOnly = await find(
			{
				stageType: 'lost',
				closeDateFrom: new Date('2024-05-31T20:00:00Z'),
				closeDateTo: DateTime.fromISO('2024-06-01T07:00', { zone: 'America/New_York' }),
			},
			{ timeZone: 'Asia/Tokyo' },
		);
		expect(midnightOnly).toEqual(named('lostOnCutoff'));
		expect(searches()[0].query).toMatchObject({
			fromDate: '2024-06-01T05:00:00.000+09:00',
			toDate: '2024-06-01T20:00:00.000+09:00',
		});
		const afternoonOnly = await find({
			stageType: 'lost',
			closeDateFrom: DateTime.fromISO('2024-06-01T11:30:00Z'),
			closeDateTo: new Date('2024-06-01T12:30:00Z'),
		});
		expect(afternoonOnly).toEqual(named('lostCutoffAfternoon'));
	});

	it('an open deal is filtered on its expected close date, a closed one on its actual one', async () => {
		const found = await find({ closeDateFrom: '2024-09-01', closeDateTo: '2024-12-31' });
		expect(found).toEqual(named('lostAfter', 'openExpectedAfter'));
	});
});

describe('refused filters', () => {
	const base = { returnAll: true };

	it('From after To: names the item and both fields, and sends nothing for any item', async () => {
		const error = await failure({
			items: [{ to: '2024-06-30' }, { to: '2024-01-01' }],
			parameters: base,
			perItem: (json) => ({ filters: { closeDateFrom: '2024-03-01', closeDateTo: json.to } }),
			credentials: admin(),
		});
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/^Item 1: 'Close Date From' .* is after 'Close Date To'/);
		expect(error.message).toContain('Nothing was searched');
		expect(error.description).toMatch(/Swap the two dates/);
		expect((error as NodeOperationError).context.itemIndex).toBe(1);
		expect(searches()).toHaveLength(0);
	});

	it.each([
		['closeDateFrom', 'next tuesday', 'Close Date From'],
		['closeDateTo', '2024-02-30', 'Close Date To'],
		['closeDateTo', 20240630, 'Close Date To'],
		['closeDateFrom', new Date('nonsense'), 'Close Date From'],
		['closeDateTo', DateTime.fromISO('2024-13-01'), 'Close Date To'],
	])('%s = %p is not a date: names the field and says what works', async (field, value, label) => {
		const error = await failure({
			items: [{}, {}],
			parameters: base,
			perItem: (_json, itemIndex) => ({ filters: itemIndex === 1 ? { [field]: value } : {} }),
			credentials: admin(),
		});
		expect(error.message).toContain(`Item 1: '${label}' is not a date`);
		expect(error.description).toContain('2025-06-30');
		expect(searches()).toHaveLength(0);
	});

	it.each([
		[{ stageId: 'Won' }, /'Stage' must be a whole number/],
		[{ contactId: 0 }, /'Contact ID' must be a whole number above 0/],
		[{ responsibleId: 'Ann Admin' }, /'Responsible' is not a user ID/],
		[{ responsibleId: '00000000-0000-0000-0000-000000000000' }, /'Responsible' is not a user ID/],
		[{ stageType: 'closed' }, /'Stage Type' is "closed", not one of open, won, lost/],
	])('refuses %p before any request', async (filters, message) => {
		const error = await failure({ parameters: { ...base, filters }, credentials: admin() });
		expect(error.message).toMatch(message);
		expect(error.message).toMatch(/^Item 0: /);
		expect(error.description).toBeTruthy();
		expect(searches()).toHaveLength(0);
	});
});

it('an unknown workflow time zone stops the node before any request', async () => {
	const error = await failure({
		parameters: { returnAll: true, filters: { closeDateTo: '2024-05-31' } },
		credentials: admin(),
		timeZone: 'Mars/Olympus_Mons',
	});
	expect(error.message).toMatch(/time zone "Mars\/Olympus_Mons" is unknown/);
	expect(error.description).toMatch(/Settings/);
	expect(searches()).toHaveLength(0);
});

describe('output', () => {
	it('runs once per item and pairs each deal to the item that asked for it', async () => {
		const { output } = await runSearchNode({
			items: [{ kind: 'won' }, { kind: 'lost', tag: 'emea' }],
			parameters: { returnAll: true },
			perItem: (json) => ({
				filters: { stageType: json.kind, ...(json.tag ? { tags: [json.tag] } : {}) },
			}),
			credentials: admin(),
		});
		expect(output.map((item) => [item.json.id, item.pairedItem])).toEqual([
			[ids.wonBefore, { item: 0 }],
			[ids.wonAfter, { item: 0 }],
			[ids.lostBefore, { item: 1 }],
			[ids.lostOnCutoff, { item: 1 }],
		]);
		expect(searches()).toHaveLength(2);
	});

	it('outputs ONLYOFFICE’s records, or ten fields with Simplify', async () => {
		const full = await runSearchNode({
			parameters: { returnAll: true, filters: { stageId: 7 } },
			credentials: admin(),
		});
		expect(full.output[0].json).toMatchObject({
			id: ids.wonBefore,
			title: 'Foxtrot won before the cutoff',
			stage: { id: 7 },
		});
		const simple = await runSearchNode({
			parameters: { returnAll: true, filters: { stageId: 7 }, options: { simplify: true } },
			credentials: admin(),
		});
		expect(simple.output[0].json).toMatchObject({
			id: ids.wonBefore,
			title: 'Foxtrot won before the cutoff',
			stageType: 'ClosedAndWon',
		});
		expect(Object.keys(simple.output[0].json)).toHaveLength(10);
	});

	it('a user who is not a CRM administrator does not get private deals kept from them', async () => {
		const { output } = await runSearchNode({
			parameters: { returnAll: true, filters: { stageType: 'lost' } },
			credentials: user(),
		});
		expect(idsOf(output)).toEqual(named(...LOST, 'privateWithUser'));
	});

	it('says so when nothing matched, and mentions private deals', async () => {
		const { output, hints } = await runSearchNode({
			parameters: { returnAll: true, filters: { keyword: 'zzzz' } },
			credentials: admin(),
		});
		expect(output).toEqual([]);
		expect(hints[0].message).toMatch(/No opportunities matched.*Private deals/);
	});

	it('reads the credential once for all items and pages', async () => {
		const { credentialReads } = await runSearchNode({
			items: [{}, {}, {}],
			parameters: { returnAll: true, filters: { stageType: 'won' } },
			credentials: admin(),
		});
		expect(credentialReads).toBe(1);
	});
});
