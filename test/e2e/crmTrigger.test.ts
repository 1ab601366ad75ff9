/**
 * The CRM Trigger activated in a real n8n (`n8n start`, server mode), polling two stand-in portals: one at
 * UTC+3 and one at UTC−5, so that deals closed through the API carry close dates shifted both ways (the
 * server's quirk) while those closed "in the web UI" carry the true time. One n8n serves both portals (a
 * credential and three workflows per portal: New Opportunity, Opportunity Won, Opportunity Lost, each
 * Trigger → No Operation) to keep the suite short: n8n start-up and the poll interval dominate its time.
 *
 * n8n 2.40.7 polls once at activation and at each start, then on the poll times. A minute is the shortest:
 * activation refuses any cron that fires more often (`isSubMinuteCron`, "The polling interval is too short"),
 * and "Every Minute" fires at a random second. So the steps do not sleep for fixed times: each waits until
 * every workflow has sent the portal a poll that the step's changes can be seen by (the portal's request log
 * tells which workflow asked: Won and Lost send their stage type, New none), then reads the executions.
 *
 * Steps, all cumulative: activation (nothing of what existed before may be emitted) → deals created and
 * closed (API and web UI) → "Fetch Test Event" over REST, which must not change the state → more deals → n8n
 * stopped, deals created and closed while it is down, n8n started on the same user folder → one more poll.
 * After each step the emissions of every workflow must be exactly the events so far, each once.
 */
import { CLOSE_DATE_MARGIN_MS } from '../../nodes/OnlyofficeCrmTrigger/pollState';
import { pollsSince } from '../helpers/triggerPolls';
import { scanPaths, type Secret } from '../safety/secrets';
import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	filesN8nWrote,
	linearWorkflow,
	PACKAGE_NAME,
	type Execution,
	type N8nInstance,
	type N8nServer,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type LoggedRequest = {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	status: number;
};
type Event = 'newOpportunity' | 'opportunityWon' | 'opportunityLost';
interface Deal {
	id: number;
	tenant: string;
	stageId: number;
	actualCloseDate: number | null;
}
interface ExecutionRecord extends Execution {
	id: string;
	mode: string;
	status: string;
	finished: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const VERSION = defaultN8nVersion();
const TRIGGER = 'CRM Trigger';
const EVENTS: Event[] = ['newOpportunity', 'opportunityWon', 'opportunityLost'];
const OPEN = 2;
const WON = 7;
const LOST = 8;
/** The stage type each event's poll sends (absent for New Opportunity). */
const STAGE_TYPE_SENT: Record<Event, string | undefined> = {
	newOpportunity: undefined,
	opportunityWon: '1',
	opportunityLost: '2',
};
/** Every workflow polls once a minute at a random second; n8n may be slow to fire on a busy machine. */
const POLL_WAIT_MS = 90_000;
/** A poll that has been answered becomes an execution within moments; a missed deal is given this long. */
const EMISSION_WAIT_MS = 20_000;
const STEP_TIMEOUT = POLL_WAIT_MS + EMISSION_WAIT_MS + 60_000;

interface Zone {
	label: string;
	offsetMinutes: number;
	portal: Portal;
	credentialId: string;
	workflowIds: Record<Event, string>;
	/** The deals each workflow must have emitted so far, in the order they happened. */
	expected: Record<Event, number[]>;
	/** Deals (and closes) that existed before activation: never to be emitted. */
	before: number[];
	/** Open deals created before activation, closed one by one in the steps. */
	openPool: number[];
	/** Executions found right after the first activation. */
	activationExecutions: number;
}

const zones: Zone[] = [];
let n8n: N8nInstance;
let server: N8nServer;
let apiKey: string;
const secrets = new Map<string, Secret>();

async function portalApi(
	portal: Portal,
	method: string,
	apiPath: string,
	body?: object,
): Promise<Record<string, unknown>> {
	const response = await fetch(`${portal.url}/api/2.0/${apiPath}`, {
		method,
		headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
		body: body ? JSON.stringify(body) : undefined,
	});
	const json = (await response.json()) as { response: Record<string, unknown> };
	if (!response.ok) throw new Error(`${method} ${apiPath} answered ${response.status}`);
	return json.response;
}

/** A deal created through the API (POST crm/opportunity), in an open stage. */
async function createDeal(zone: Zone, title: string): Promise<number> {
	const created = await portalApi(zone.portal, 'POST', 'crm/opportunity.json', {
		title,
		stageid: OPEN,
		responsibleid: zone.portal.users.admin.id,
		bidCurrencyAbbr: 'USD',
	});
	return Number(created.id);
}

/** Closed through the API: the portal stores the close date shifted by its UTC offset. */
async function closeByApi(zone: Zone, id: number, stageId: number): Promise<void> {
	// The server binds the stage from the body (its parameter is named stageid).
	await portalApi(zone.portal, 'PUT', `crm/opportunity/${id}/stage/${stageId}.json`, {
		stageid: stageId,
	});
}

/** Closed as the web UI does: the true time. */
function closeInUi(zone: Zone, id: number, stageId: number): void {
	zone.portal.closeAsWebUi(id, stageId);
}

/**
 * One step's changes in a zone: a new deal, one pooled deal lost and one won, one of them through the API and
 * the other in the web UI (which way round alternates between steps). Returns nothing: it adds to `expected`.
 */
async function changeDeals(zone: Zone, step: number, lostInUi: boolean): Promise<void> {
	const created = await createDeal(zone, `New in step ${step}`);
	const [lost, won] = zone.openPool.splice(0, 2);
	if (lostInUi) {
		closeInUi(zone, lost, LOST);
		await closeByApi(zone, won, WON);
	} else {
		await closeByApi(zone, lost, LOST);
		closeInUi(zone, won, WON);
	}
	zone.expected.newOpportunity.push(created);
	zone.expected.opportunityLost.push(lost);
	zone.expected.opportunityWon.push(won);
}

function pollsOf(zone: Zone, event: Event, fromIndex: number): LoggedRequest[] {
	return pollsSince(zone.portal.requests as LoggedRequest[], fromIndex, STAGE_TYPE_SENT[event]);
}

async function publicApi<T>(urlPath: string): Promise<T> {
	const response = await fetch(`${server.baseUrl}/api/v1${urlPath}`, {
		headers: { 'X-N8N-API-KEY': apiKey, accept: 'application/json' },
		signal: AbortSignal.timeout(60_000),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`GET /api/v1${urlPath} answered ${response.status}: ${text}`);
	return JSON.parse(text) as T;
}

async function executionsOf(workflowId: string): Promise<ExecutionRecord[]> {
	const all: ExecutionRecord[] = [];
	let cursor: string | undefined;
	do {
		const page = await publicApi<{ data: ExecutionRecord[]; nextCursor?: string | null }>(
			`/executions?workflowId=${workflowId}&includeData=true&limit=250${
				cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
			}`,
		);
		all.push(...page.data);
		cursor = page.nextCursor ?? undefined;
	} while (cursor);
	return all.sort((a, b) => Number(a.id) - Number(b.id));
}

const triggerIds = (execution: Execution): number[] =>
	(execution.data?.resultData?.runData?.[TRIGGER]?.[0]?.data?.main?.[0] ?? []).map((item) =>
		Number(item.json.id),
	);

/** The deals each scheduled execution (mode `trigger`) of a workflow started with, execution by execution. */
async function emissions(workflowId: string): Promise<number[][]> {
	const executions = (await executionsOf(workflowId)).filter((e) => e.mode === 'trigger');
	return executions.map(triggerIds);
}

async function allFinished(): Promise<boolean> {
	for (const zone of zones) {
		for (const event of EVENTS) {
			const executions = await executionsOf(zone.workflowIds[event]);
			if (executions.some((e) => !e.finished && e.status !== 'error')) return false;
		}
	}
	return true;
}

/**
 * Waits until every workflow of every zone has had a poll answered that was sent after `marks` (request log
 * positions taken after the step's changes), then until the expected deals have been emitted (or a bounded
 * time has passed: the assertions then show what is missing), and every execution has finished.
 */
async function waitForPolls(marks: Map<Zone, number>): Promise<void> {
	const deadline = Date.now() + POLL_WAIT_MS;
	for (;;) {
		const pending = zones.flatMap((zone) =>
			EVENTS.filter(
				(event) => !pollsOf(zone, event, marks.get(zone)!).some((r) => r.status !== 0),
			).map((event) => `${zone.label} ${event}`),
		);
		if (pending.length === 0) break;
		if (Date.now() > deadline) {
			throw new Error(`no poll within ${POLL_WAIT_MS} ms from: ${pending.join(', ')}`);
		}
		await sleep(1_000);
	}
	const emittedBy = Date.now() + EMISSION_WAIT_MS;
	while (Date.now() < emittedBy) {
		let complete = await allFinished();
		for (const zone of zones) {
			for (const event of EVENTS) {
				const emitted = new Set((await emissions(zone.workflowIds[event])).flat());
				if (zone.expected[event].some((id) => !emitted.has(id))) complete = false;
			}
		}
		if (complete) break;
		await sleep(1_000);
	}
	// An execution a poll has just committed (e.g. a repeat) is stored moments after the portal answered.
	await sleep(2_000);
}

const marksNow = () => new Map(zones.map((zone) => [zone, zone.portal.requests.length]));

/** Every workflow's emissions so far are exactly its expected deals, each in one execution. */
async function expectExactEmissions(): Promise<void> {
	for (const zone of zones) {
		for (const event of EVENTS) {
			const executions = await emissions(zone.workflowIds[event]);
			const emitted = executions.flat().sort((a, b) => a - b);
			const expected = [...zone.expected[event]].sort((a, b) => a - b);
			expect({ zone: zone.label, event, emitted }).toEqual({
				zone: zone.label,
				event,
				emitted: expected,
			});
			if (event === 'newOpportunity') {
				// One new deal per step: each starts an execution of its own, with one item.
				expect({ zone: zone.label, items: executions.map((e) => e.length) }).toEqual({
					zone: zone.label,
					items: executions.map(() => 1),
				});
			}
		}
	}
}

async function signIn(): Promise<void> {
	await server.signInAsOwner();
}

async function startN8n(): Promise<void> {
	server = await n8n.startServer();
	await signIn();
}

describe(`ONLYOFFICE CRM Trigger activated in n8n ${VERSION}`, () => {
	beforeAll(async () => {
		ensureN8nInstalled(VERSION);
		n8n = await createN8nInstance({ version: VERSION, name: 'crm-trigger' });
		await startN8n();
		const scopes = await server.call<string[]>('GET', '/rest/api-keys/scopes');
		const key = await server.call<{ rawApiKey: string }>('POST', '/rest/api-keys', {
			label: 'crm-trigger-e2e',
			scopes,
			expiresAt: null,
		});
		apiKey = key.rawApiKey;

		for (const [label, offsetMinutes] of [
			['UTC+3', 180],
			['UTC−5', -300],
		] as const) {
			// No seeded deals: every deal of the portal is one this suite made, so the newest is known.
			const portal = await startPortal({ opportunities: 0, timeZoneOffsetMinutes: offsetMinutes });
			const zone: Zone = {
				label,
				offsetMinutes,
				portal,
				credentialId: '',
				workflowIds: {} as Record<Event, string>,
				expected: { newOpportunity: [], opportunityWon: [], opportunityLost: [] },
				before: [],
				openPool: [],
				activationExecutions: 0,
			};
			zones.push(zone);
			[zone.credentialId] = await n8n.importCredentials([
				{
					name: `ONLYOFFICE ${label}`,
					type: 'onlyofficeApi',
					data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
				},
			]);
			for (const event of EVENTS) {
				zone.workflowIds[event] = await n8n.importWorkflow(
					linearWorkflow(`CRM Trigger ${label} ${event}`, [
						{
							name: TRIGGER,
							type: `${PACKAGE_NAME}.onlyofficeCrmTrigger`,
							typeVersion: 1,
							parameters: {
								event,
								pollTimes: { item: [{ mode: 'everyMinute' }] },
								filters: {},
								options: {},
							},
							credentials: {
								onlyofficeApi: { id: zone.credentialId, name: `ONLYOFFICE ${label}` },
							},
						},
						{ name: 'No Operation', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
					]),
				);
			}
			// What exists before activation: deals lost and won both ways, and open deals to close later.
			for (const [stageId, inUi] of [
				[LOST, false],
				[LOST, true],
				[WON, false],
				[WON, true],
			] as const) {
				const id = await createDeal(zone, `Closed before activation`);
				if (inUi) closeInUi(zone, id, stageId);
				else await closeByApi(zone, id, stageId);
				zone.before.push(id);
			}
			for (let i = 0; i < 6; i++) zone.openPool.push(await createDeal(zone, `Open ${i}`));
			zone.before.push(...zone.openPool);
		}
	}, 30 * 60_000);

	afterAll(async () => {
		for (const zone of zones) {
			const figures = { missed: 0, duplicates: 0, onActivation: zone.activationExecutions };
			try {
				for (const event of EVENTS) {
					const emitted = (await emissions(zone.workflowIds[event])).flat();
					const counts = new Map<number, number>();
					for (const id of emitted) counts.set(id, (counts.get(id) ?? 0) + 1);
					figures.missed += zone.expected[event].filter((id) => !counts.has(id)).length;
					figures.duplicates += [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
					figures.onActivation += emitted.filter(
						(id) => zone.before.includes(id) && !zone.expected[event].includes(id),
					).length;
				}
				const events = EVENTS.map((e) => zone.expected[e].length).reduce((a, b) => a + b, 0);
				console.log(
					`CRM Trigger e2e, ${zone.label} portal: ${events} events expected over the run; ` +
						`missed ${figures.missed}, duplicate emissions ${figures.duplicates}, ` +
						`emissions on first activation ${figures.onActivation}`,
				);
			} catch (error) {
				console.log(`CRM Trigger e2e, ${zone.label} portal: no figures (${String(error)})`);
			}
		}
		await n8n?.cleanup();
		for (const zone of zones) await zone.portal.stop();
	}, 120_000);

	test('activation polls once and emits nothing that existed before', async () => {
		for (const zone of zones) {
			for (const event of EVENTS) {
				const id = zone.workflowIds[event];
				// n8n polls during activation (Won and Lost only note the time then: no request).
				const active = await server.activateWorkflow(id);
				expect({ zone: zone.label, event, active }).toEqual({
					zone: zone.label,
					event,
					active: true,
				});
			}
		}
		await sleep(2_000);
		for (const zone of zones) {
			for (const event of EVENTS) {
				zone.activationExecutions += (await executionsOf(zone.workflowIds[event])).length;
			}
			expect({ zone: zone.label, executions: zone.activationExecutions }).toEqual({
				zone: zone.label,
				executions: 0,
			});
		}
	});

	test(
		'deals created, lost and won between polls are each emitted once, by the right trigger',
		async () => {
			for (const zone of zones) await changeDeals(zone, 1, false);
			await waitForPolls(marksNow());
			await expectExactEmissions();
		},
		STEP_TIMEOUT,
	);

	test('Fetch Test Event over REST returns the newest matching deal', async () => {
		for (const zone of zones) {
			const deals = (zone.portal.opportunityIds() as number[])
				.map((id) => zone.portal.getOpportunity(id) as Deal)
				.filter((deal) => deal.tenant === 'main');
			const latestClosed = (stageId: number) =>
				deals
					.filter(
						(deal) =>
							deal.stageId === stageId &&
							deal.actualCloseDate !== null &&
							deal.actualCloseDate <= Date.now() + CLOSE_DATE_MARGIN_MS,
					)
					.sort((a, b) => b.actualCloseDate! - a.actualCloseDate!)[0].id;
			const newest: Record<Event, number> = {
				newOpportunity: Math.max(...deals.map((deal) => deal.id)),
				opportunityWon: latestClosed(WON),
				opportunityLost: latestClosed(LOST),
			};
			for (const event of EVENTS) {
				const run = await server.call<{ executionId: string }>(
					'POST',
					`/rest/workflows/${zone.workflowIds[event]}/run`,
					{
						// What the editor sends for a trigger node's "Fetch Test Event".
						triggerToStartFrom: { name: TRIGGER },
						destinationNode: { nodeName: TRIGGER, mode: 'inclusive' },
					},
				);
				expect(run.executionId).toBeTruthy();
				let execution: ExecutionRecord | undefined;
				for (let i = 0; i < 60 && !execution?.finished; i++) {
					execution = await publicApi<ExecutionRecord>(
						`/executions/${run.executionId}?includeData=true`,
					).catch(() => undefined);
					if (!execution?.finished) await sleep(500);
				}
				expect({
					zone: zone.label,
					event,
					mode: execution?.mode,
					ids: triggerIds(execution!),
				}).toEqual({
					zone: zone.label,
					event,
					mode: 'manual',
					ids: [newest[event]],
				});
			}
		}
	}, 120_000);

	test(
		'after Fetch Test Event the next poll emits the new events, and only those',
		async () => {
			for (const zone of zones) await changeDeals(zone, 2, true);
			await waitForPolls(marksNow());
			await expectExactEmissions();
		},
		STEP_TIMEOUT,
	);

	test(
		'after n8n restarts: deals created and closed while it was down are emitted once, nothing again',
		async () => {
			await server.stop();
			const marks = marksNow();
			for (const zone of zones) await changeDeals(zone, 3, false);
			await startN8n();
			// n8n polls every active workflow as it starts.
			await waitForPolls(marks);
			await expectExactEmissions();
		},
		STEP_TIMEOUT + 240_000,
	);

	test(
		'the scheduled poll after the restart repeats nothing',
		async () => {
			await waitForPolls(marksNow());
			await expectExactEmissions();
		},
		STEP_TIMEOUT,
	);

	test('no ONLYOFFICE token or password is written anywhere in n8n', () => {
		for (const zone of zones) {
			for (const token of zone.portal.activeTokens() as string[]) {
				secrets.set(token, { label: `an ONLYOFFICE token (${zone.label})`, value: token });
			}
			for (const user of Object.values(zone.portal.users) as Array<{
				email: string;
				password: string;
			}>) {
				secrets.set(user.password, {
					label: `the password of ${user.email}`,
					value: user.password,
				});
			}
		}
		const written = filesN8nWrote(n8n);
		expect(written.length).toBeGreaterThan(0);
		expect(scanPaths(written, [...secrets.values()])).toEqual([]);
	});
});
