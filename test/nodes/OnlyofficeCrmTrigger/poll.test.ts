import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { TriggerParameters } from '../../helpers/runTrigger';
import { TriggerRun } from '../../helpers/runTrigger';
import { CLOSE_DATE_LOOKBACK_MS, STATE_KEY } from '../../../nodes/OnlyofficeCrmTrigger/pollState';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OPEN = 2;
const WON = 7;
const LOST = 8;

let portal: Portal;
let clock: number;

/** Only Date is faked: the trigger's "now" and the portal's move when a test says so, sockets run as usual. */
function startClock(): void {
	clock = Date.parse('2026-03-10T12:00:00Z');
	jest.useFakeTimers({
		doNotFake: [
			'hrtime',
			'nextTick',
			'performance',
			'queueMicrotask',
			'setImmediate',
			'clearImmediate',
			'setInterval',
			'clearInterval',
			'setTimeout',
			'clearTimeout',
		],
		now: clock,
	});
}
const advance = (ms: number) => {
	clock += ms;
	jest.setSystemTime(clock);
};

async function start(options: IDataObject = {}): Promise<void> {
	startClock();
	portal = await startPortal({ opportunities: 40, seed: 3, ...options });
	portal.setNow(() => Date.now());
}
afterEach(async () => {
	jest.useRealTimers();
	await portal?.stop();
});

const credentials = () => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.token,
});
const trigger = (parameters: TriggerParameters) => new TriggerRun(parameters, credentials());
const ids = (items: INodeExecutionData[] | null) => (items ?? []).map((item) => item.json.id);
const searches = () =>
	portal.requests.filter((r: { path: string }) => r.path.includes('/opportunity/filter'));

async function api(method: string, path: string, body?: IDataObject): Promise<IDataObject> {
	const response = await fetch(`${portal.url}/api/2.0/${path}`, {
		method,
		headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	const json = (await response.json()) as { response: IDataObject };
	if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
	return json.response;
}
const createDeal = async (title: string, stageid = OPEN, fields: IDataObject = {}) =>
	Number(
		(
			await api('POST', 'crm/opportunity.json', {
				title,
				stageid,
				// The server requires both (a responsible user and a known currency).
				responsibleid: portal.users.admin.id,
				bidCurrencyAbbr: 'USD',
				...fields,
			})
		).id,
	);
/** Through the API: the portal stores the close date shifted by its UTC offset. */
const closeByApi = async (id: number, stageId: number) =>
	// The server binds the stage from the body (its parameter is named stageid, the route's {id}).
	await api('PUT', `crm/opportunity/${id}/stage/${stageId}.json`, { stageid: stageId });
/** As the web UI does: the true time. */
const closeInUi = (id: number, stageId: number) => portal.closeAsWebUi(id, stageId);

/** Runs polls a minute apart and returns every emitted ID, in order. */
async function pollMinutes(run: TriggerRun, count: number): Promise<unknown[]> {
	const emitted: unknown[] = [];
	for (let i = 0; i < count; i++) {
		advance(MINUTE);
		emitted.push(...ids(await run.poll()));
	}
	return emitted;
}

describe('New Opportunity', () => {
	beforeEach(async () => await start());

	it('emits nothing on the first activation, then each new deal once, oldest first', async () => {
		const run = trigger({ event: 'newOpportunity' });
		expect(await run.poll()).toBeNull();
		const a = await createDeal('A');
		const b = await createDeal('B');
		advance(MINUTE);
		expect(ids(await run.poll())).toEqual([a, b]);
		const c = await createDeal('C');
		expect(await pollMinutes(run, 3)).toEqual([c]);
	});

	it('costs one request when nothing is new', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		portal.clearRequests();
		advance(MINUTE);
		expect(await run.poll()).toBeNull();
		expect(portal.requests).toHaveLength(1);
	});

	it('reads several pages until it reaches the remembered ID', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		const created: number[] = [];
		for (let i = 0; i < 1205; i++) created.push(portal.addOpportunity({ title: `Bulk ${i}` }));
		advance(MINUTE);
		expect(ids(await run.poll())).toEqual(created);
		expect(await pollMinutes(run, 1)).toEqual([]);
	});

	it('filters, simplifies, and does not take a deal that existed before activation for new', async () => {
		const responsible = portal.users.user.id;
		const run = trigger({
			event: 'newOpportunity',
			filters: { responsibleId: responsible },
			options: { simplify: true },
		});
		await run.poll();
		await createDeal('Not theirs');
		const theirs = await createDeal('Theirs', OPEN, { responsibleid: responsible });
		advance(MINUTE);
		const items = await run.poll();
		expect(ids(items)).toEqual([theirs]);
		expect(Object.keys(items![0].json)).toHaveLength(10);
		expect(items![0].json.responsible).toBe(portal.users.user.displayName);
	});
});

describe.each([
	['UTC+3', 180],
	['UTC−5', -300],
])('Won and Lost in a %s portal', (_zone, timeZoneOffsetMinutes) => {
	beforeEach(async () => await start({ timeZoneOffsetMinutes }));

	it('emits each deal lost through the API or the web UI exactly once, and none on activation', async () => {
		const before = await createDeal('Lost before activation');
		await closeByApi(before, LOST);
		const run = trigger({ event: 'opportunityLost' });
		expect(await run.poll()).toBeNull();

		const byApi = await createDeal('Lost through the API');
		const inUi = await createDeal('Lost in the web UI');
		const won = await createDeal('Won');
		await closeByApi(byApi, LOST);
		closeInUi(inUi, LOST);
		await closeByApi(won, WON);
		advance(MINUTE);
		expect(ids(await run.poll()).sort()).toEqual([byApi, inUi].sort());
		// The shifted close date stays in later windows for hours: it must not come again.
		const later: unknown[] = [];
		for (let i = 0; i < 20; i++) {
			advance(HOUR);
			later.push(...ids(await run.poll()));
		}
		expect(later).toEqual([]);
	});

	it('emits won deals and not lost ones', async () => {
		const run = trigger({ event: 'opportunityWon' });
		await run.poll();
		const won = await createDeal('Won');
		const lost = await createDeal('Lost');
		await closeByApi(won, WON);
		await closeByApi(lost, LOST);
		expect(await pollMinutes(run, 3)).toEqual([won]);
	});

	it('emits a deal lost, reopened and lost again twice', async () => {
		const run = trigger({ event: 'opportunityLost' });
		await run.poll();
		const id = await createDeal('Back and forth');
		await closeByApi(id, LOST);
		expect(await pollMinutes(run, 2)).toEqual([id]);
		await closeByApi(id, OPEN);
		expect(await pollMinutes(run, 2)).toEqual([]);
		closeInUi(id, LOST);
		expect(await pollMinutes(run, 2)).toEqual([id]);
	});
});

describe('a close date set through PUT opportunity/{id}', () => {
	beforeEach(async () => await start({ timeZoneOffsetMinutes: -300 }));

	it("emits a deal lost late in the day with that day's date (the portal's midnight, almost a day back)", async () => {
		const run = trigger({ event: 'opportunityLost' });
		await run.poll();
		// 23:00 on 10 March in the UTC−5 portal.
		expect(await pollMinutes(run, 16 * 60)).toEqual([]);
		const id = await createDeal('Lost today');
		await api('PUT', `crm/opportunity/${id}.json`, {
			title: 'Lost today',
			stageid: LOST,
			responsibleid: portal.users.admin.id,
			bidCurrencyAbbr: 'USD',
			actualCloseDate: '2026-03-10',
		});
		expect(await pollMinutes(run, 2)).toEqual([id]);
	});
});

describe('state', () => {
	beforeEach(async () => await start());

	it('forgets a close once it can no longer fall in the window, so the state stays small', async () => {
		const run = trigger({ event: 'opportunityLost' });
		await run.poll();
		const closed: number[] = [];
		for (let i = 0; i < 30; i++) {
			const id = await createDeal(`Lost ${i}`);
			await closeByApi(id, LOST);
			closed.push(id);
		}
		advance(MINUTE);
		expect(ids(await run.poll())).toHaveLength(30);
		const seen = () => (run.live[STATE_KEY] as { seen: unknown[] }).seen.length;
		expect(seen()).toBe(30);
		// The API shifted these closes 3 h into the past: they leave the window a look-back after that.
		advance(CLOSE_DATE_LOOKBACK_MS - 3 * HOUR - 2 * MINUTE);
		await run.poll();
		expect(seen()).toBe(30);
		advance(2 * MINUTE);
		expect(await run.poll()).toBeNull();
		expect(seen()).toBe(0);
	});

	it('is right when n8n did not save the polls that emitted nothing, and after a restart', async () => {
		const news = trigger({ event: 'newOpportunity' });
		const lost = trigger({ event: 'opportunityLost' });
		await news.poll();
		await lost.poll();
		const first = await createDeal('First');
		await closeByApi(first, LOST);
		expect(await pollMinutes(news, 1)).toEqual([first]);
		expect(await pollMinutes(lost, 1)).toEqual([first]);
		// Polls with nothing new for 20 h: n8n saves none of them.
		for (let i = 0; i < 20; i++) {
			advance(HOUR);
			expect(await news.poll()).toBeNull();
			expect(await lost.poll()).toBeNull();
		}
		const second = await createDeal('Second');
		closeInUi(second, LOST);
		news.restart();
		lost.restart();
		expect(await pollMinutes(news, 2)).toEqual([second]);
		expect(await pollMinutes(lost, 2)).toEqual([second]);
		news.restart();
		lost.restart();
		expect(await pollMinutes(news, 2)).toEqual([]);
		expect(await pollMinutes(lost, 2)).toEqual([]);
	});

	it('catches up after the workflow was off: what happened meanwhile comes once', async () => {
		const news = trigger({ event: 'newOpportunity' });
		const won = trigger({ event: 'opportunityWon' });
		await news.poll();
		await won.poll();
		advance(3 * 24 * HOUR);
		const created = await createDeal('While off');
		await closeByApi(created, WON);
		news.restart();
		won.restart();
		expect(await pollMinutes(news, 2)).toEqual([created]);
		expect(await pollMinutes(won, 2)).toEqual([created]);
	});
});

describe('deals deleted while a poll reads its pages', () => {
	beforeEach(async () => await start());

	/** Deletes `id` just before the poll asks for its second page, shifting the list by one. */
	const deleteBeforeSecondPage = (run: TriggerRun, id: number) => {
		run.beforeRequest = async (qs) => {
			if (Number(qs.startIndex) > 0 && portal.hasOpportunity(id))
				await api('DELETE', `crm/opportunity/${id}.json`);
		};
	};

	it('New Opportunity misses none of the other new deals', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		const created: number[] = [];
		for (let i = 0; i < 1205; i++) created.push(portal.addOpportunity({ title: `Bulk ${i}` }));
		// On the first page (newest first).
		const deleted = created[1100];
		deleteBeforeSecondPage(run, deleted);
		advance(MINUTE);
		// The deleted deal was read (and is emitted) before it went; every other one comes, once.
		expect(ids(await run.poll())).toEqual(created);
	});

	it('Opportunity Lost misses none of the other closes in its window', async () => {
		const run = trigger({ event: 'opportunityLost' });
		await run.poll();
		const closed: number[] = [];
		for (let i = 0; i < 1205; i++)
			closed.push(portal.createOpportunity({ stageId: LOST, actualCloseDate: Date.now() }));
		// On the first page (oldest first).
		const deleted = closed[100];
		deleteBeforeSecondPage(run, deleted);
		advance(MINUTE);
		expect((ids(await run.poll()) as number[]).sort((a, b) => a - b)).toEqual(closed);
	});

	it('steps back when more deals than the pages overlap went between two pages', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		const created: number[] = [];
		for (let i = 0; i < 2500; i++) created.push(portal.addOpportunity({ title: `Bulk ${i}` }));
		// From the first page (newest first), already read.
		const deleted = new Set(created.slice(1600, 1800));
		run.beforeRequest = async (qs) => {
			if (Number(qs.startIndex) > 0 && deleted.size > 0)
				for (const id of [...deleted]) {
					await api('DELETE', `crm/opportunity/${id}.json`);
					deleted.delete(id);
				}
		};
		advance(MINUTE);
		expect(ids(await run.poll())).toEqual(created);
	});

	it('says so, instead of reading for ever, when the portal ignores startIndex', async () => {
		const run = trigger({ event: 'opportunityLost' });
		await run.poll();
		for (let i = 0; i < 1000; i++)
			portal.createOpportunity({ stageId: LOST, actualCloseDate: Date.now() });
		run.beforeRequest = (qs) => {
			qs.startIndex = 0;
		};
		const before = structuredClone(run.live);
		advance(MINUTE);
		await expect(run.poll()).rejects.toMatchObject({
			message: expect.stringMatching(/same 1000 records/),
		});
		expect(run.live).toEqual(before);
	});
});

describe('changing the filters', () => {
	beforeEach(async () => await start());

	it('starts afresh, as changing Trigger On does: deals the old filters left out are not new', async () => {
		const run = trigger({
			event: 'newOpportunity',
			filters: { responsibleId: portal.users.user.id },
		});
		await run.poll();
		const theirs = await createDeal('Theirs', OPEN, { responsibleid: portal.users.user.id });
		expect(await pollMinutes(run, 1)).toEqual([theirs]);
		// Created after activation, but left out by the filter for days.
		await createDeal('Not theirs');
		advance(3 * 24 * HOUR);
		expect(await pollMinutes(run, 1)).toEqual([]);
		run.parameters.filters = {};
		expect(await pollMinutes(run, 1)).toEqual([]);
		const next = await createDeal('Anyone');
		expect(await pollMinutes(run, 1)).toEqual([next]);
	});

	it('starts afresh for Won and Lost too: closes the old filters left out are not news', async () => {
		const run = trigger({
			event: 'opportunityLost',
			filters: { responsibleId: portal.users.user.id },
		});
		await run.poll();
		const notTheirs = await createDeal('Not theirs');
		closeInUi(notTheirs, LOST);
		expect(await pollMinutes(run, 2)).toEqual([]);
		run.parameters.filters = {};
		expect(await pollMinutes(run, 2)).toEqual([]);
		const next = await createDeal('Anyone');
		closeInUi(next, LOST);
		expect(await pollMinutes(run, 2)).toEqual([next]);
	});
});

describe('overlapping polls', () => {
	beforeEach(async () => await start({ latencyMs: 30 }));

	it.each([
		['sharing the static data', false],
		['each on its own copy of the static data', true],
	])('emit each deal once, %s', async (_how, ownCopy) => {
		for (const event of ['newOpportunity', 'opportunityLost'] as const) {
			const run = trigger({ event });
			await run.poll();
			const id = await createDeal(`Overlap ${event}`);
			await closeByApi(id, LOST);
			advance(MINUTE);
			const results = await Promise.all([
				run.poll({ ownCopy }),
				run.poll({ ownCopy }),
				run.poll({ ownCopy }),
			]);
			expect(results.flatMap(ids)).toEqual([id]);
			expect(await pollMinutes(run, 1)).toEqual([]);
		}
	});
});

describe('a failing poll', () => {
	beforeEach(async () => await start());

	it('throws a clear error, changes no state, and the next poll catches up', async () => {
		for (const event of ['newOpportunity', 'opportunityLost'] as const) {
			const run = trigger({ event });
			await run.poll();
			const id = await createDeal(`During the outage ${event}`);
			await closeByApi(id, LOST);
			const before = structuredClone(run.live);
			portal.injectFault({ type: 'status', status: 500 }, { times: 1 });
			advance(MINUTE);
			await expect(run.poll()).rejects.toMatchObject({
				message: expect.stringMatching(/internal error/i),
			});
			expect(run.live).toEqual(before);
			expect(await pollMinutes(run, 2)).toEqual([id]);
		}
	});

	it('says so when the credential is refused, and keeps the state', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		const before = structuredClone(run.live);
		run.setCredentials({ ...credentials(), apiToken: 'not-a-token' });
		await expect(run.poll()).rejects.toMatchObject({
			message: expect.stringMatching(/did not accept/i),
		});
		expect(run.live).toEqual(before);
	});

	// ONLYOFFICE drops a filter it cannot read: the trigger would then fire for every deal.
	it.each([
		[{ responsibleId: '00000000-0000-0000-0000-000000000000' }, /'Responsible' is not a user ID/],
		[{ tags: ['VIP', ''] }, /'Tags' has an empty tag title/],
		[{ stageId: '' }, /'Stage' is empty/],
	])(
		'refuses a filter the portal would drop (%p), before any request',
		async (filters, message) => {
			const run = trigger({ event: 'newOpportunity', filters });
			portal.clearRequests();
			await expect(run.poll()).rejects.toMatchObject({ message: expect.stringMatching(message) });
			expect(searches()).toEqual([]);
			expect(run.live).toEqual({});
		},
	);

	it('does not wait longer than a poll may when the portal asks to retry much later', async () => {
		const run = trigger({ event: 'newOpportunity' });
		await run.poll();
		portal.injectFault({ type: 'status', status: 503, retryAfter: 120 }, { times: 1 });
		await expect(run.poll()).rejects.toMatchObject({
			message: expect.stringMatching(/120 seconds/),
		});
	});
});

describe('Fetch Test Event', () => {
	beforeEach(async () => await start());

	it('returns the newest matching deal and changes no state', async () => {
		const news = trigger({ event: 'newOpportunity' });
		const lost = trigger({ event: 'opportunityLost' });
		const created = await createDeal('Newest');
		const older = await createDeal('Lost earlier');
		closeInUi(older, LOST);
		advance(MINUTE);
		const latest = await createDeal('Lost latest');
		closeInUi(latest, LOST);
		expect(ids(await news.poll({ mode: 'manual' }))).toEqual([latest]);
		expect(ids(await lost.poll({ mode: 'manual' }))).toEqual([latest]);
		expect(news.live).toEqual({});
		expect(lost.live).toEqual({});
		expect(created).toBeLessThan(latest);
	});

	it('says so when no deal matches', async () => {
		const run = trigger({ event: 'opportunityWon', filters: { stageId: LOST } });
		await expect(run.poll({ mode: 'manual' })).rejects.toMatchObject({
			message: expect.stringMatching(/No opportunity matches/),
		});
	});
});

describe('searches it sends', () => {
	beforeEach(async () => await start());

	it('always sends both ends of the close-date window', async () => {
		const run = trigger({ event: 'opportunityWon', filters: { tags: ['vip'] } });
		await run.poll();
		advance(MINUTE);
		await run.poll();
		for (const request of searches()) {
			expect(request.query.fromDate).toEqual(expect.any(String));
			expect(request.query.toDate).toEqual(expect.any(String));
			expect(request.query.stageType).toBe('1');
		}
		expect(searches()).toHaveLength(2);
	});
});
