/**
 * `GET crm/opportunity/filter` and the look-ups a search node uses (stages, tags, people), against
 * docs/onlyoffice-api.md §5, by real HTTP requests to the stand-in portal.
 */
import { OPEN_SEARCH_DEALS } from '../helpers/searchDeals';
import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function get(portal: Portal, route: string, token = portal.token) {
	const response = await fetch(`${portal.url}${route}`, { headers: { Authorization: token } });
	const text = await response.text();
	return { status: response.status, text, json: JSON.parse(text) as Json };
}

const idsOf = (records: Json[]) => records.map((r) => r.id as number);
const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);

/** A portal holding only the hand-made search deals (no random ones). */
let portal: Portal;
let ids: Record<string, number>;
async function searchPortal(options: Parameters<typeof startPortal>[0] = {}) {
	portal = await startPortal({ opportunities: 0, scenario: 'search', ...options });
	ids = portal.fixtures!.ids;
	return portal;
}

/** Ids found by the filter with `query`, as a set-like sorted list (sortBy=id). */
async function found(query: string, token?: string) {
	const reply = await get(portal, `/api/2.0/crm/opportunity/filter?sortBy=id&${query}`, token);
	expect(reply.status).toBe(200);
	return idsOf(reply.json.response);
}

const named = (...names: string[]) =>
	sorted(
		names.map((name) => {
			const id = ids[name];
			if (id === undefined) throw new Error(`no fixture ${name}`);
			return id;
		}),
	);

describe('GET crm/opportunity/filter: the filters', () => {
	beforeAll(async () => {
		await searchPortal();
	});
	afterAll(async () => {
		await portal.stop();
	});

	it('filters by stageType 0/1/2 across several stages of each type', async () => {
		expect(await found('stageType=2')).toEqual(
			named(
				'lostBefore',
				'lostAfter',
				'lostOnCutoff',
				'lostCutoffAfternoon',
				'lostUnset',
				'privateOfStaff',
				'privateWithUser',
			),
		);
		expect(await found('stageType=1')).toEqual(named('wonBefore', 'wonAfter'));
		expect(await found('stageType=0')).toEqual(named(...OPEN_SEARCH_DEALS));
		expect(await found('stageType=ClosedAndWon')).toEqual(named('wonBefore', 'wonAfter'));
	});

	it('filters by one stage with opportunityStagesid', async () => {
		expect(await found('opportunityStagesid=10')).toEqual(named('lostAfter'));
		expect(await found('opportunityStagesid=9')).toEqual(named('wonAfter'));
	});

	it('filters by responsibleid', async () => {
		const { twoFactor } = portal.users;
		expect(await found(`responsibleid=${twoFactor.id.toUpperCase()}`)).toEqual(
			named('lostAfter', 'wonAfter', 'openUnset', 'keywordTitle', 'keywordInsideWord'),
		);
	});

	it('applies fromDate/toDate only when both are sent, on the computed close date, both ends inclusive', async () => {
		const cutoff = portal.fixtures!.cutoff;
		// Lost before or on the cut-off (midnight): the afternoon close on that day is after toDate's midnight.
		expect(await found(`stageType=2&fromDate=1900-01-01&toDate=${cutoff}`)).toEqual(
			named('lostBefore', 'lostOnCutoff', 'privateOfStaff', 'privateWithUser'),
		);
		expect(await found(`stageType=2&fromDate=${cutoff}&toDate=2100-01-01`)).toEqual(
			named('lostAfter', 'lostOnCutoff', 'lostCutoffAfternoon'),
		);
		// Open deals by their expected date, even when an actual close date is left over.
		expect(await found(`stageType=0&fromDate=${cutoff}&toDate=2100-01-01`)).toEqual(
			named('openExpectedAfter'),
		);
		expect(await found(`stageType=0&fromDate=1900-01-01&toDate=${cutoff}`)).toEqual(
			named('openExpectedBefore'),
		);
	});

	it('drops a single date silently: stageType=2&toDate=… returns every lost deal', async () => {
		const lost = await found('stageType=2');
		expect(await found(`stageType=2&toDate=${portal.fixtures!.cutoff}`)).toEqual(lost);
		expect(await found(`stageType=2&fromDate=${portal.fixtures!.cutoff}`)).toEqual(lost);
	});

	it('answers an empty list with total 0 when the only filter is one date', async () => {
		const reply = await get(portal, '/api/2.0/crm/opportunity/filter?toDate=2100-01-01');
		expect(reply.json.response).toEqual([]);
		expect(reply.json).not.toHaveProperty('total'); // 0 is left out of the envelope
		expect(reply.text).toBe('{"status":0,"statusCode":200,"response":[]}');
		const withStart = await get(
			portal,
			'/api/2.0/crm/opportunity/filter?fromDate=1900-01-01&startIndex=5',
		);
		expect(withStart.json.response).toEqual([]);
		expect(withStart.json.total).toBe(5); // startIndex + returned
	});

	it('treats 0001-01-01 as not sent, and never matches a deal without a close date', async () => {
		const lost = await found('stageType=2');
		expect(await found('stageType=2&fromDate=0001-01-01&toDate=2100-01-01')).toEqual(lost);
		const anyRange = await found('fromDate=1900-01-01&toDate=2100-01-01');
		expect(anyRange).not.toContain(ids.lostUnset);
		expect(anyRange).not.toContain(ids.openUnset);
		expect(anyRange).toContain(ids.lostBefore);
	});

	it('reads dates with an offset as that instant and without one in the portal’s zone (+03:00)', async () => {
		// lostCutoffAfternoon closed at 15:00 +03:00 = 12:00Z on the cut-off day.
		const day = portal.fixtures!.cutoff;
		const at = async (from: string, to: string) =>
			await found(
				`opportunityStagesid=8&fromDate=${encodeURIComponent(from)}&toDate=${encodeURIComponent(to)}`,
			);
		expect(await at(`${day}T12:00:00Z`, `${day}T12:00:00Z`)).toEqual(named('lostCutoffAfternoon'));
		expect(await at(`${day}T15:00:00`, `${day}T15:00:00`)).toEqual(named('lostCutoffAfternoon'));
		expect(await at(`${day}T14:00:00+02:00`, `${day}T14:00:00+02:00`)).toEqual(
			named('lostCutoffAfternoon'),
		);
		expect(await at(`${day}T12:00:01Z`, `${day}T23:00:00Z`)).toEqual([]);
		expect(await at(`${day}T15:00:00.0000000+03:00`, `${day}T16:00:00.000+03:00`)).toEqual(
			named('lostCutoffAfternoon'),
		);
	});

	it('requires all tags, matched after trim and lower-case; tags=a,b is one tag named "a,b"', async () => {
		expect(await found('tags=vip')).toEqual(
			named('lostBefore', 'lostAfter', 'privateOfStaff', 'privateWithUser'),
		);
		expect(await found('tags=%20Vip%20&tags=emea')).toEqual(named('lostBefore'));
		expect(await found('tags[]=VIP&tags[]=EMEA')).toEqual(named('lostBefore'));
		expect(await found('tags=vip,emea')).toEqual([]);
		expect(await found('tags=vip&tags=no-such-tag')).toEqual([]);
	});

	it('filters by the primary contact, and with contactAlsoIsParticipant by participation', async () => {
		const { company } = portal.fixtures!.contacts;
		expect(await found(`contactid=${company}`)).toEqual(named('lostBefore', 'primaryNotMember'));
		// With participants on record the server takes the participants table only: a primary contact that is
		// not also a participant is left out.
		expect(await found(`contactid=${company}&contactAlsoIsParticipant=true`)).toEqual(
			named('lostBefore', 'participantOnly'),
		);
		expect(await found(`contactid=${company}&contactAlsoIsParticipant=false`)).toEqual(
			named('lostBefore', 'primaryNotMember'),
		);
	});

	it('finds keywords only at the start of a word of the title or description, every word required', async () => {
		expect(await found('filterValue=cloud')).toEqual(named('openExpectedBefore', 'keywordTitle'));
		expect(await found('filterValue=CLOUD%20fabrikam')).toEqual(named('keywordTitle'));
		expect(await found('filterValue=cloud%20spring')).toEqual(named('openExpectedBefore'));
		expect(await found('filterValue=loud')).toEqual([]);
		expect(await found('filterValue=migration')).toEqual(
			named('openExpectedBefore', 'keywordTitle', 'keywordInsideWord'),
		);
	});

	it('hides private deals from users not on the access list; admins see them all', async () => {
		const asAdmin = await found('stageType=2');
		expect(asAdmin).toEqual(expect.arrayContaining(named('privateOfStaff', 'privateWithUser')));
		const asUser = await found('stageType=2', portal.users.user.token);
		expect(asUser).toContain(ids.privateWithUser);
		expect(asUser).not.toContain(ids.privateOfStaff);
		const asTwoFactor = await found('stageType=2', portal.users.twoFactor.token);
		expect(asTwoFactor).not.toContain(ids.privateWithUser);
		expect(asTwoFactor).not.toContain(ids.privateOfStaff);
		const total = await get(
			portal,
			'/api/2.0/crm/opportunity/filter?count=1',
			portal.users.user.token,
		);
		expect(total.json.total).toBe(Object.keys(ids).length - 1);
	});

	it('writes the full record: members, customFields, accessList only on private deals', async () => {
		const reply = await get(portal, '/api/2.0/crm/opportunity/filter?sortBy=id&count=1000');
		const byId = new Map((reply.json.response as Json[]).map((r) => [r.id, r]));
		const lostBefore = byId.get(ids.lostBefore);
		expect(idsOf(lostBefore.members)).toEqual([1, 31]);
		expect(Array.isArray(lostBefore.customFields)).toBe(true);
		expect(lostBefore).not.toHaveProperty('accessList');
		const privateDeal = byId.get(ids.privateOfStaff);
		expect(privateDeal.isPrivate).toBe(true);
		expect(privateDeal.accessList.map((e: Json) => e.displayName)).toEqual([
			'Dana Whitfield',
			'Morgan Blake',
		]);
	});
});

describe('GET crm/opportunity/filter: order', () => {
	beforeAll(async () => {
		await searchPortal({ opportunities: 40 });
	});
	afterAll(async () => {
		await portal.stop();
	});

	const list = async (query: string) =>
		(await get(portal, `/api/2.0/crm/opportunity/filter?${query}`)).json.response as Json[];
	const stageOrder = (r: Json) => portal.stages().findIndex((s) => s.id === r.stage.id);
	const time = (date: string) => new Date(date).getTime();
	const closeDate = (r: Json) =>
		time((r.stage.stageType ?? 0) === 0 ? r.expectedCloseDate : r.actualCloseDate);
	const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
	/** The default order: stage order, contact, actual close date descending, expected close date, title. */
	const byStage = (direction: number) => (a: Json, b: Json) =>
		direction * cmp(stageOrder(a), stageOrder(b)) ||
		cmp(a.contact?.id ?? 0, b.contact?.id ?? 0) ||
		-cmp(time(a.actualCloseDate), time(b.actualCloseDate)) ||
		cmp(time(a.expectedCloseDate), time(b.expectedCloseDate)) ||
		cmp(a.title.toLowerCase(), b.title.toLowerCase()) ||
		a.id - b.id;

	it('sorts by stage order, contact, actual close date descending, expected close date, title by default', async () => {
		const records = await list('');
		expect(idsOf(records)).toEqual(idsOf([...records].sort(byStage(1))));
		expect(idsOf(records)).not.toEqual(sorted(idsOf(records)));
		// sortOrder alone changes nothing.
		expect(idsOf(await list('sortOrder=descending'))).toEqual(idsOf(records));
	});

	it.each([
		['title', (a: Json, b: Json) => cmp(a.title.toLowerCase(), b.title.toLowerCase())],
		['BidValue', (a: Json, b: Json) => cmp(Number(a.bidValue ?? 0), Number(b.bidValue ?? 0))],
		['dateAndTime', (a: Json, b: Json) => cmp(closeDate(a), closeDate(b))],
		['ID', (a: Json, b: Json) => a.id - b.id],
	])('sorts by %s in either direction (case-insensitive)', async (sortBy, compare) => {
		const up = await list(`sortBy=${sortBy}`);
		const down = await list(`sortBy=${sortBy}&sortOrder=descending`);
		for (let i = 1; i < up.length; i++) expect(compare(up[i - 1], up[i])).toBeLessThanOrEqual(0);
		for (let i = 1; i < down.length; i++)
			expect(compare(down[i - 1], down[i])).toBeGreaterThanOrEqual(0);
		expect(idsOf(down)).not.toEqual(idsOf(up));
	});

	it('sorts by stage, then the default tie-breakers; descending reverses only the stage', async () => {
		const up = await list('sortBy=stage');
		expect(idsOf(up)).toEqual(idsOf([...up].sort(byStage(1))));
		const down = await list('sortBy=stage&sortOrder=descending');
		expect(idsOf(down)).toEqual(idsOf([...down].sort(byStage(-1))));
	});

	it('sorts by responsible id (not name), then by stage and the rest', async () => {
		const up = await list('sortBy=responsible');
		const expected = [...up].sort(
			(a, b) => cmp(a.responsible.id, b.responsible.id) || byStage(1)(a, b),
		);
		expect(idsOf(up)).toEqual(idsOf(expected));
	});

	it('takes sortOrder=descending only in lower case', async () => {
		expect(idsOf(await list('sortBy=id&sortOrder=Descending'))).toEqual(
			idsOf(await list('sortBy=id')),
		);
	});

	it('loads every match for an unknown sortBy: no paging in SQL, startIndex skipped in memory', async () => {
		const all = await list('sortBy=id&count=1000');
		const unknown = await get(
			portal,
			'/api/2.0/crm/opportunity/filter?sortBy=created&count=10&startIndex=5',
		);
		expect(unknown.json.count).toBe(10);
		expect(unknown.json.startIndex).toBe(5);
		expect(unknown.json.nextIndex).toBe(16);
		expect(unknown.json.total).toBe(all.length); // a full page: the count query
		// The fallback order: stage order, contact, title.
		const fallback = [...all].sort(
			(a, b) =>
				cmp(stageOrder(a), stageOrder(b)) ||
				cmp(a.contact?.id ?? 0, b.contact?.id ?? 0) ||
				cmp(a.title.toLowerCase(), b.title.toLowerCase()) ||
				a.id - b.id,
		);
		expect(idsOf(unknown.json.response)).toEqual(idsOf(fallback.slice(5, 15)));
		// A short result: total is startIndex + everything loaded (the server's arithmetic).
		const won = await list('sortBy=id&stageType=1');
		const few = await get(
			portal,
			'/api/2.0/crm/opportunity/filter?sortBy=nonsense&stageType=1&startIndex=1',
		);
		expect(few.json.count).toBe(won.length - 1);
		expect(few.json.total).toBe(1 + won.length);
	});
});

describe('GET crm/opportunity/filter: paging', () => {
	beforeAll(async () => {
		portal = await startPortal({ opportunities: 0, closedDeals: { count: 2600 } });
	});
	afterAll(async () => {
		await portal.stop();
	});

	it('caps count at 1000: absent or larger means 1000', async () => {
		for (const query of ['', '?count=5000', '?count=abc']) {
			const page = (await get(portal, `/api/2.0/crm/opportunity/filter${query}`)).json;
			expect(page.count).toBe(1000);
			expect(page.total).toBe(2600);
			expect(page.nextIndex).toBe(1001);
		}
	});

	it('sets nextIndex one too far (startIndex + count + 1): following it skips a deal per page', async () => {
		const page = (
			await get(portal, '/api/2.0/crm/opportunity/filter?sortBy=id&count=100&startIndex=200')
		).json;
		expect(page).toEqual(
			expect.objectContaining({ count: 100, startIndex: 200, nextIndex: 301, total: 2600 }),
		);
		const next = (
			await get(portal, `/api/2.0/crm/opportunity/filter?sortBy=id&count=100&startIndex=301`)
		).json;
		const lastOfPage = page.response[99].id;
		expect(next.response[0].id).toBe(lastOfPage + 2); // lastOfPage + 1 was skipped
	});

	it('pages every deal exactly once with startIndex += count until a short page', async () => {
		const seen: number[] = [];
		for (let start = 0; ; start += 1000) {
			const page = (
				await get(
					portal,
					`/api/2.0/crm/opportunity/filter?sortBy=id&count=1000&startIndex=${start}`,
				)
			).json;
			seen.push(...idsOf(page.response));
			if (page.response.length < 1000) {
				expect(page).not.toHaveProperty('nextIndex');
				expect(page.total).toBe(start + page.response.length);
				break;
			}
		}
		expect(seen).toEqual(portal.opportunityIds());
	});

	it('gives no nextIndex on an exactly full last page', async () => {
		const page = (
			await get(portal, '/api/2.0/crm/opportunity/filter?sortBy=id&count=100&startIndex=2500')
		).json;
		expect(page.count).toBe(100);
		expect(page).not.toHaveProperty('nextIndex');
		expect(page.total).toBe(2600);
	});

	it('keeps the count query’s total for 30 s after an edit, but not after a create or delete', async () => {
		let now = Date.UTC(2025, 0, 1);
		portal.setNow(() => now);
		const total = async () =>
			(await get(portal, '/api/2.0/crm/opportunity/filter?stageType=2&count=10')).json.total;
		expect(await total()).toBe(2600);
		const [first] = portal.opportunityIds();
		portal.closeAsWebUi(first, 1); // an edit: back to an open stage
		expect(await total()).toBe(2600); // cached
		now += 31_000;
		expect(await total()).toBe(2599);
		portal.createOpportunity({ stageId: 8, actualCloseDate: now });
		expect(await total()).toBe(2600); // a create empties the cache
		portal.closeAsWebUi(first, 8);
		expect(await total()).toBe(2600); // cached again: the edit does not show
		const gone = await fetch(
			`${portal.url}/api/2.0/crm/opportunity/${portal.opportunityIds()[1]}`,
			{
				method: 'DELETE',
				headers: { Authorization: portal.token },
			},
		);
		expect(gone.status).toBe(200);
		expect(await total()).toBe(2600); // the delete emptied the cache: 2601 lost, one deleted
		portal.setNow();
	});
});

describe('GET crm/opportunity/filter: the closedDeals seed', () => {
	it('makes 20,000 lost deals closed long ago cheaply, behind the random ones', async () => {
		const started = Date.now();
		const big = await startPortal({ opportunities: 10, closedDeals: { count: 20_000 } });
		try {
			expect(Date.now() - started).toBeLessThan(10_000);
			const reply = await get(
				big,
				'/api/2.0/crm/opportunity/filter?stageType=2&fromDate=2019-01-01&toDate=2019-12-31&count=1',
			);
			expect(reply.json.total).toBe(20_000);
			expect(big.getOpportunity(11)!.actualCloseDate).toBe(Date.UTC(2018, 11, 31, 21));
			expect(big.opportunityIds()).toHaveLength(20_010);
		} finally {
			await big.stop();
		}
	});
});

describe('time zones on the wire', () => {
	it.each([
		[180, '+03:00'],
		[-300, '-05:00'],
		[0, 'Z'],
	])(
		'renders dates in a portal %i minutes from UTC with its offset (%s)',
		async (offset, suffix) => {
			const zoned = await startPortal({ opportunities: 20, timeZoneOffsetMinutes: offset });
			try {
				const records = (await get(zoned, '/api/2.0/crm/opportunity/filter?sortBy=id')).json
					.response as Json[];
				for (const r of records) {
					expect(r.created.endsWith(suffix)).toBe(true);
					const stored = zoned.getOpportunity(r.id)!;
					expect(new Date(r.created).getTime()).toBe(stored.created);
					if (stored.expectedCloseDate !== null)
						expect(r.expectedCloseDate).toMatch(
							new RegExp(`T00:00:00\\.0000000${suffix.replace('+', '\\+')}$`),
						);
				}
			} finally {
				await zoned.stop();
			}
		},
	);

	it('reads a date without an offset in the portal’s zone (UTC−5)', async () => {
		const zoned = await startPortal({
			opportunities: 0,
			scenario: 'search',
			timeZoneOffsetMinutes: -300,
		});
		try {
			const id = zoned.fixtures!.ids.lostCutoffAfternoon; // 15:00 local = 20:00Z
			const day = zoned.fixtures!.cutoff;
			const find = async (from: string, to: string) =>
				idsOf(
					(
						await get(
							zoned,
							`/api/2.0/crm/opportunity/filter?stageType=2&fromDate=${from}&toDate=${to}`,
						)
					).json.response,
				);
			expect(await find(`${day}T15:00:00`, `${day}T15:00:00`)).toEqual([id]);
			expect(await find(`${day}T20:00:00Z`, `${day}T20:00:00Z`)).toEqual([id]);
			expect(await find(`${day}T15:00:00Z`, `${day}T15:00:00Z`)).toEqual([]);
		} finally {
			await zoned.stop();
		}
	});
});

describe('GET crm/opportunity/stage, crm/opportunity/tag and people', () => {
	beforeAll(async () => {
		portal = await startPortal({
			opportunities: 0,
			scenario: 'search',
			extraUsers: 1500,
			extraTags: 1200,
		});
		ids = portal.fixtures!.ids;
	});
	afterAll(async () => {
		await portal.stop();
	});

	it('lists the stages in pipeline order with the number of deals in each', async () => {
		const reply = await get(portal, '/api/2.0/crm/opportunity/stage');
		const stages = reply.json.response as Json[];
		expect(stages.map((s) => s.id)).toEqual(portal.stages().map((s) => s.id));
		const lost = stages.find((s) => s.id === 8);
		expect(lost).toEqual({
			relativeItemsCount: 5, // private deals count too
			stageType: 2,
			title: 'Lost',
			description: 'Customer declined or went silent',
			color: '#a7a7a7',
			id: 8,
		});
		expect(stages.find((s) => s.id === 12)).not.toHaveProperty('relativeItemsCount');
		expect(Object.keys(stages[0])).toEqual([
			'relativeItemsCount',
			'successProbability',
			'title',
			'description',
			'color',
			'id',
		]);
		expect(reply.json).not.toHaveProperty('total');
	});

	it('lists tags ordered by title, with counts; a client must page past 1000', async () => {
		const first = (await get(portal, '/api/2.0/crm/opportunity/tag')).json;
		expect(first.count).toBe(1000);
		expect(first.total).toBe(1200 + 3);
		expect(first.nextIndex).toBe(1001);
		const titles = (first.response as Json[]).map((t) => t.title);
		// Case-insensitive order; 'emea' on one deal and 'EMEA' on others are one tag.
		expect(titles.slice(0, 3)).toEqual(['EMEA', 'Renewal', 'tag-00001']);
		expect(first.response[0]).toEqual({ title: 'EMEA', relativeItemsCount: 3 });
		expect(first.response[2]).toEqual({ title: 'tag-00001' }); // 0 deals: count left out
		expect(titles.slice(-1)).toEqual(['tag-00998']);
		const rest = (await get(portal, '/api/2.0/crm/opportunity/tag?startIndex=1000')).json;
		expect(rest.count).toBe(203);
		expect(rest.startIndex).toBe(1000);
		expect(rest).not.toHaveProperty('nextIndex');
		expect(rest.total).toBe(1203); // the whole list is longer than count
		expect((rest.response as Json[]).map((t) => t.title).slice(-3)).toEqual([
			'tag-01199',
			'tag-01200',
			'VIP',
		]);
		expect(rest.response[202]).toEqual({ title: 'VIP', relativeItemsCount: 4 });
	});

	it('lists active users as EmployeeWraperFull, paged at 1000 with nextIndex one too far', async () => {
		const all = portal.employees();
		expect(all.length).toBe(8 + 1500);
		const first = (await get(portal, '/api/2.0/people')).json;
		expect(first.count).toBe(1000);
		expect(first.total).toBe(all.length);
		expect(first.nextIndex).toBe(1001);
		const admin = first.response[0];
		expect(admin).toEqual(
			expect.objectContaining({
				id: portal.users.admin.id,
				displayName: 'Alex Morgan',
				email: 'admin@example.com',
			}),
		);
		const page = (await get(portal, '/api/2.0/people?count=100&startIndex=1450')).json;
		expect(page.count).toBe(58);
		expect(page.total).toBe(all.length);
		expect(page.response.map((e: Json) => e.id)).toEqual(all.slice(1450).map((e) => e.id));
		const unlimited = (await get(portal, '/api/2.0/people?count=0')).json;
		expect(unlimited.count).toBe(all.length); // count=0: the framework does not cut
	});

	it('answers the people list to a user without CRM access, the CRM lists with 403', async () => {
		const token = portal.users.noCrm.token;
		expect((await get(portal, '/api/2.0/people?count=1', token)).status).toBe(200);
		expect((await get(portal, '/api/2.0/crm/opportunity/stage', token)).status).toBe(403);
		expect((await get(portal, '/api/2.0/crm/opportunity/tag.json', token)).status).toBe(403);
	});
});
