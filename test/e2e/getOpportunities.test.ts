/**
 * The Get Opportunities node inside a real n8n, against the stand-in portal: one n8n and one portal for the
 * file. The filter cases are Get nodes side by side in one imported workflow, run once with `n8n execute`;
 * each test reads its own node's output and compares it with the deals the portal holds, filtered here from
 * the contract (docs/onlyoffice-api.md, "Finding opportunities"). Then the editor's side: the dropdowns as
 * n8n's REST API loads them, and the shipped example workflows.
 */
import { scanForSecrets, type Secret } from '../safety/secrets';
import {
	EXAMPLE_CREDENTIAL_NAME,
	EXAMPLE_DELETE_NODE,
	EXAMPLE_FILES,
	EXAMPLE_GET_NODE,
	MANUAL_EXAMPLE,
	NIGHTLY_EXAMPLE,
	readExampleWorkflow,
} from './exampleWorkflows';
import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	PACKAGE_NAME,
	type ExecuteResult,
	type N8nInstance,
	type N8nServer,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type LoggedRequest = { method: string; path: string; query: Record<string, string | string[]> };
interface Deal {
	id: number;
	tenant: string;
	title: string;
	description: string;
	stageId: number;
	responsibleId: string;
	createById: string;
	contactId: number | null;
	memberIds: number[];
	tags?: string[];
	actualCloseDate: number | null;
	expectedCloseDate: number | null;
	isPrivate: boolean;
	accessList: string[];
}

const VERSION = defaultN8nVersion();
const GET_TYPE = `${PACKAGE_NAME}.onlyofficeGetOpportunities`;
const DAY = 86_400_000;
/** The portal's zone is +03:00 all year; the workflows run in a zone that agrees, so a day is the same day. */
const WORKFLOW_TIME_ZONE = 'Europe/Moscow';
const PORTAL_OFFSET_MS = 180 * 60_000;
/** Closed deals in 2019, more than two pages of 1000: Return All needs three requests. */
const CLOSED_2019 = 2600;

/** Midnight of a `yyyy-MM-dd` day at +03:00, epoch ms. */
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`) - PORTAL_OFFSET_MS;

const credentialRef = (id: string) => ({ onlyofficeApi: { id, name: `ONLYOFFICE ${id}` } });

/** Manual Trigger feeding every given Get node at once: one execution runs them all, one after the other. */
function fanOutWorkflow(
	name: string,
	getNodes: Array<{ name: string; credentialId: string; parameters: object }>,
) {
	return {
		name,
		nodes: [
			{
				id: 'start',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			...getNodes.map((node, index) => ({
				id: `get-${index + 1}`,
				name: node.name,
				type: GET_TYPE,
				typeVersion: 1,
				position: [260, index * 140],
				parameters: node.parameters,
				credentials: credentialRef(node.credentialId),
			})),
		],
		connections: {
			Start: {
				main: [getNodes.map((node) => ({ node: node.name, type: 'main', index: 0 }))],
			},
		},
		settings: { executionOrder: 'v1', timezone: WORKFLOW_TIME_ZONE },
	};
}

describe(`ONLYOFFICE Get Opportunities in n8n ${VERSION}`, () => {
	let n8n: N8nInstance;
	let portal: Portal;
	let adminCredential: string;
	let userCredential: string;
	let filtersRun: ExecuteResult;
	let pagingRun: ExecuteResult;
	let pagingRequests: LoggedRequest[];
	const secrets = new Map<string, Secret>();

	/** Every deal of this portal as stored, before any test changed anything. */
	let deals: Deal[];
	let stageTypeOf: (deal: Deal) => number;
	let fixture: (name: string) => number;

	/** The close date the filter reads: expected while the stage is open, actual once closed. */
	const closeDate = (deal: Deal) =>
		stageTypeOf(deal) === 0 ? deal.expectedCloseDate : deal.actualCloseDate;
	const ids = (list: Deal[]) => list.map((deal) => deal.id).sort((a, b) => a - b);
	const demoUser = () => portal.users.user as { id: string };
	const visibleTo = (userId: string) => (deal: Deal) =>
		!deal.isPrivate ||
		deal.responsibleId === userId ||
		deal.createById === userId ||
		deal.accessList.includes(userId);

	/** The ids a node output, in output order. */
	const outputIds = (run: ExecuteResult, nodeName: string) => {
		const error = n8n.nodeError(run.execution, nodeName);
		if (error) throw new Error(`${nodeName} failed: ${error.message} ${error.description ?? ''}`);
		return n8n.outputItems(run.execution, nodeName).map((item) => Number(item.json.id));
	};

	const execute = async (workflow: object): Promise<ExecuteResult> => {
		const result = await n8n.execute(await n8n.importWorkflow(workflow));
		expect(
			scanForSecrets({ stdout: result.stdout, stderr: result.stderr }, [...secrets.values()]),
		).toEqual([]);
		return result;
	};

	/** The filter cases: a Get node each, all in one workflow. */
	const FILTER_NODES = {
		stageType: 'Stage type Won',
		stage: 'Stage 3',
		responsible: 'Responsible, open deals',
		tags: 'Tags VIP and emea',
		contact: 'Contact 1',
		participants: 'Contact 1 with participants',
		dateRange: 'Closed on the cutoff day',
		onlyTo: 'Lost, only Close Date To',
		onlyFrom: 'Won, only Close Date From',
		keyword: 'Keyword cloud',
		userTags: 'Non-admin, lost VIP',
		userLost: 'Non-admin, every lost deal',
	};

	beforeAll(async () => {
		ensureN8nInstalled(VERSION);
		portal = await startPortal({
			opportunities: 400,
			seed: 5,
			scenario: 'search',
			closedDeals: { count: CLOSED_2019, stageType: 2 },
			// More than one page of each for the dropdowns.
			extraUsers: 1050,
			extraTags: 1050,
		});
		for (const token of portal.activeTokens() as string[])
			secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
		deals = (portal.opportunityIds() as number[]).map((id) => portal.getOpportunity(id) as Deal);
		const stageTypes = new Map(
			(portal.stages() as Array<{ id: number; stageType: number }>).map((s) => [s.id, s.stageType]),
		);
		stageTypeOf = (deal) => stageTypes.get(deal.stageId) ?? -1;
		fixture = (name) => {
			const id = portal.fixtures.ids[name];
			if (id === undefined) throw new Error(`the search scenario has no deal "${name}"`);
			return id;
		};

		n8n = await createN8nInstance({ version: VERSION, name: 'get-opportunities' });
		[adminCredential, userCredential] = await n8n.importCredentials([
			{
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			},
			{
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.users.user.token },
			},
		]);
		const { cutoff } = portal.fixtures;
		const asAdmin = (name: string, filters: object) => ({
			name,
			credentialId: adminCredential,
			parameters: { returnAll: true, filters, options: {} },
		});
		const asUser = (name: string, filters: object) => ({
			...asAdmin(name, filters),
			credentialId: userCredential,
		});
		filtersRun = await execute(
			fanOutWorkflow('Get Opportunities: one node per filter', [
				asAdmin(FILTER_NODES.stageType, { stageType: 'won' }),
				asAdmin(FILTER_NODES.stage, { stageId: 3 }),
				asAdmin(FILTER_NODES.responsible, {
					responsibleId: portal.users.twoFactor.id,
					stageType: 'open',
				}),
				asAdmin(FILTER_NODES.tags, { tags: ['VIP', 'emea'] }),
				asAdmin(FILTER_NODES.contact, { contactId: portal.fixtures.contacts.company }),
				asAdmin(FILTER_NODES.participants, {
					contactId: portal.fixtures.contacts.company,
					includeParticipants: true,
				}),
				asAdmin(FILTER_NODES.dateRange, { closeDateFrom: cutoff, closeDateTo: cutoff }),
				asAdmin(FILTER_NODES.onlyTo, { stageType: 'lost', closeDateTo: cutoff }),
				asAdmin(FILTER_NODES.onlyFrom, {
					stageType: 'won',
					closeDateFrom: `={{ DateTime.fromISO('${cutoff}').plus({ days: 1 }) }}`,
				}),
				asAdmin(FILTER_NODES.keyword, { keyword: 'cloud' }),
				asUser(FILTER_NODES.userTags, { stageType: 'lost', tags: ['VIP'] }),
				asUser(FILTER_NODES.userLost, { stageType: 'lost' }),
			]),
		);

		portal.clearRequests();
		pagingRun = await execute(
			fanOutWorkflow('Get Opportunities: Return All and Limit', [
				{
					name: 'Return All',
					credentialId: adminCredential,
					parameters: {
						returnAll: true,
						filters: { stageType: 'lost', closeDateFrom: '2019-01-01', closeDateTo: '2019-12-31' },
						options: {},
					},
				},
				{
					name: 'Limit 7',
					credentialId: adminCredential,
					parameters: { returnAll: false, limit: 7, filters: { stageType: 'won' }, options: {} },
				},
			]),
		);
		pagingRequests = [...portal.requests];
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.cleanup();
		await portal?.stop();
	}, 60_000);

	test('the filter workflow ran without an error', () => {
		expect(filtersRun.exitCode).toBe(0);
	});

	test('Stage Type: only deals in a stage of that kind', () => {
		const expected = ids(deals.filter((deal) => stageTypeOf(deal) === 1));
		expect(expected.length).toBeGreaterThan(10);
		expect(outputIds(filtersRun, FILTER_NODES.stageType)).toEqual(expected);
	});

	test('Stage: only deals in that stage', () => {
		const expected = ids(deals.filter((deal) => deal.stageId === 3));
		expect(expected).toEqual(
			expect.arrayContaining([fixture('participantOnly'), fixture('primaryNotMember')]),
		);
		expect(outputIds(filtersRun, FILTER_NODES.stage)).toEqual(expected);
	});

	test('Responsible: only that user’s deals (with Stage Type Open)', () => {
		const twoFactor = portal.users.twoFactor.id;
		const expected = ids(
			deals.filter((deal) => deal.responsibleId === twoFactor && stageTypeOf(deal) === 0),
		);
		expect(expected).toEqual(expect.arrayContaining([fixture('openUnset')]));
		expect(outputIds(filtersRun, FILTER_NODES.responsible)).toEqual(expected);
	});

	test('Tags: a deal must carry every tag, compared without letter case', () => {
		// lostBefore has VIP and EMEA; lostAfter only VIP, lostOnCutoff only emea, wonBefore EMEA and Renewal.
		expect(outputIds(filtersRun, FILTER_NODES.tags)).toEqual([fixture('lostBefore')]);
	});

	test('Contact ID: deals whose primary contact it is', () => {
		const company = portal.fixtures.contacts.company;
		const expected = ids(deals.filter((deal) => deal.contactId === company));
		expect(expected).toEqual(
			expect.arrayContaining([fixture('lostBefore'), fixture('primaryNotMember')]),
		);
		expect(expected).not.toContain(fixture('participantOnly'));
		expect(outputIds(filtersRun, FILTER_NODES.contact)).toEqual(expected);
	});

	test('Contact ID with Include Participants: deals the contact takes part in', () => {
		const company = portal.fixtures.contacts.company;
		const expected = ids(deals.filter((deal) => deal.memberIds.includes(company)));
		expect(expected).toEqual(
			expect.arrayContaining([fixture('lostBefore'), fixture('participantOnly')]),
		);
		expect(expected).not.toContain(fixture('primaryNotMember'));
		expect(outputIds(filtersRun, FILTER_NODES.participants)).toEqual(expected);
	});

	test('Close Date From and To on one plain date: that whole day, in the workflow’s time zone', () => {
		const from = dayStart(portal.fixtures.cutoff);
		const expected = ids(
			deals.filter((deal) => {
				const close = closeDate(deal);
				return close !== null && close >= from && close < from + DAY;
			}),
		);
		expect(expected).toEqual(
			expect.arrayContaining([fixture('lostOnCutoff'), fixture('lostCutoffAfternoon')]),
		);
		expect(outputIds(filtersRun, FILTER_NODES.dateRange)).toEqual(expected);
	});

	test('only Close Date To still filters (ONLYOFFICE drops a one-sided range): not every lost deal', () => {
		const end = dayStart(portal.fixtures.cutoff) + DAY;
		const lost = deals.filter((deal) => stageTypeOf(deal) === 2);
		const expected = ids(
			lost.filter((deal) => deal.actualCloseDate !== null && deal.actualCloseDate < end),
		);
		const got = outputIds(filtersRun, FILTER_NODES.onlyTo);
		expect(got).toEqual(expected);
		expect(got).toContain(fixture('lostBefore'));
		expect(got).not.toContain(fixture('lostAfter'));
		expect(got).not.toContain(fixture('lostUnset'));
		expect(got.length).toBeLessThan(lost.length);
	});

	test('only Close Date From (a Luxon DateTime from an expression) still filters', () => {
		const from = dayStart(portal.fixtures.cutoff) + DAY;
		const expected = ids(
			deals.filter(
				(deal) =>
					stageTypeOf(deal) === 1 && deal.actualCloseDate !== null && deal.actualCloseDate >= from,
			),
		);
		const got = outputIds(filtersRun, FILTER_NODES.onlyFrom);
		expect(got).toEqual(expected);
		expect(got).toContain(fixture('wonAfter'));
		expect(got).not.toContain(fixture('wonBefore'));
	});

	test('Keyword: the word must start a word of the title or description', () => {
		const startsAWord = (text: string) => /(^| )cloud/.test(text.toLowerCase());
		const expected = ids(
			deals.filter((deal) => startsAWord(deal.title) || startsAWord(deal.description)),
		);
		expect(expected).toEqual(
			expect.arrayContaining([fixture('keywordTitle'), fixture('openExpectedBefore')]),
		);
		expect(expected).not.toContain(fixture('keywordInsideWord'));
		expect(outputIds(filtersRun, FILTER_NODES.keyword)).toEqual(expected);
	});

	test('a non-admin user: private deals they are not on are simply absent', () => {
		expect(outputIds(filtersRun, FILTER_NODES.userTags)).toEqual(
			[fixture('lostBefore'), fixture('lostAfter'), fixture('privateWithUser')].sort(
				(a, b) => a - b,
			),
		);
		const lost = deals.filter((deal) => stageTypeOf(deal) === 2);
		const expected = ids(lost.filter(visibleTo(demoUser().id)));
		expect(expected.length).toBeLessThan(lost.length);
		expect(outputIds(filtersRun, FILTER_NODES.userLost)).toEqual(expected);
	});

	test(`Return All over ${CLOSED_2019} matching deals: each exactly once, in ${Math.ceil(CLOSED_2019 / 1000)} requests`, () => {
		const from = dayStart('2019-01-01');
		const to = dayStart('2019-12-31') + DAY;
		const expected = ids(
			deals.filter(
				(deal) =>
					stageTypeOf(deal) === 2 &&
					deal.actualCloseDate !== null &&
					deal.actualCloseDate >= from &&
					deal.actualCloseDate < to,
			),
		);
		expect(expected).toHaveLength(CLOSED_2019);
		expect(pagingRun.exitCode).toBe(0);
		expect(outputIds(pagingRun, 'Return All')).toEqual(expected);
		const searches = pagingRequests.filter(
			(r) => r.path.includes('/crm/opportunity/filter') && r.query.count === '1000',
		);
		expect(searches).toHaveLength(Math.ceil(CLOSED_2019 / 1000));
	});

	test('Limit: that many deals, from one request that asks for no more', () => {
		const expected = ids(deals.filter((deal) => stageTypeOf(deal) === 1)).slice(0, 7);
		expect(outputIds(pagingRun, 'Limit 7')).toEqual(expected);
		const searches = pagingRequests.filter(
			(r) => r.path.includes('/crm/opportunity/filter') && r.query.count !== '1000',
		);
		expect(searches.map((r) => r.query.count)).toEqual(['7']);
	});

	describe('in the editor (n8n start)', () => {
		let server: N8nServer;
		let editorCredential: string;

		beforeAll(async () => {
			server = await n8n.startServer();
			await server.signInAsOwner();
			editorCredential = await server.createCredential({
				name: 'ONLYOFFICE editor',
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			});
		}, 300_000);
		afterAll(async () => {
			await server?.stop();
		}, 60_000);

		/**
		 * A dropdown's options as the editor asks for them: the method its description names, then
		 * POST /rest/dynamic-node-parameters/options (n8n 2.x's OptionsRequestDto).
		 */
		async function dropdown(field: string) {
			const types = await server.request<Array<Record<string, unknown>>>(
				'GET',
				'/types/nodes.json',
			);
			const node = types.body.find((type) => type.name === GET_TYPE) as {
				properties: Array<{ name: string; options?: Array<Record<string, unknown>> }>;
			};
			const property = node.properties
				.find((p) => p.name === 'filters')
				?.options?.find((option) => option.name === field) as
				| { displayName: string; typeOptions?: { loadOptionsMethod?: string } }
				| undefined;
			const methodName = property?.typeOptions?.loadOptionsMethod;
			if (!methodName) throw new Error(`filters.${field} has no loadOptionsMethod`);
			const options = await server.call<Array<{ name: string; value: string | number }>>(
				'POST',
				'/rest/dynamic-node-parameters/options',
				{
					nodeTypeAndVersion: { name: GET_TYPE, version: 1 },
					path: `parameters.filters.${field}`,
					methodName,
					currentNodeParameters: { returnAll: false, limit: 50, filters: {}, options: {} },
					credentials: { onlyofficeApi: { id: editorCredential, name: 'ONLYOFFICE editor' } },
				},
			);
			return { label: property.displayName, options };
		}

		test('the Stage, Responsible and Tags dropdowns list everything, past 1000 users and tags', async () => {
			const stages = await dropdown('stageId');
			expect(stages.label).toBe('Stage Name or ID');
			expect(stages.options.map((o) => [o.name, Number(o.value)])).toEqual(
				(portal.stages() as Array<{ id: number; title: string }>).map((s) => [s.title, s.id]),
			);

			const users = await dropdown('responsibleId');
			expect(users.label).toBe('Responsible Name or ID');
			const employees = portal.employees() as Array<{ id: string; displayName: string }>;
			expect(employees.length).toBeGreaterThan(1000);
			expect(users.options.map((o) => String(o.value)).sort()).toEqual(
				employees.map((e) => e.id).sort(),
			);

			const tags = await dropdown('tags');
			expect(tags.label).toBe('Tag Names or IDs');
			const portalTags = portal.tags() as string[];
			expect(portalTags.length).toBeGreaterThan(1000);
			expect(tags.options.map((o) => String(o.value)).sort()).toEqual([...portalTags].sort());
		}, 120_000);

		test('every example workflow imports and loads, its credential linked by name; the nightly one publishes', async () => {
			const [named] = await n8n.importCredentials([
				{
					name: EXAMPLE_CREDENTIAL_NAME,
					type: 'onlyofficeApi',
					data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
				},
			]);
			const known = new Set(await server.nodeTypeNames());
			for (const file of EXAMPLE_FILES) {
				const shipped = readExampleWorkflow(file);
				const id = await n8n.importWorkflow(shipped);
				const loaded = await server.call<{
					nodes: Array<{
						name: string;
						type: string;
						credentials?: Record<string, { id: string | null }>;
					}>;
				}>('GET', `/rest/workflows/${id}`);
				expect(loaded.nodes.map((node) => node.name)).toEqual(
					shipped.nodes.map((node) => node.name),
				);
				for (const node of loaded.nodes) {
					expect([file, node.type, known.has(node.type)]).toEqual([file, node.type, true]);
					if (node.credentials) expect(node.credentials.onlyofficeApi?.id).toBe(named);
				}
				if (file === NIGHTLY_EXAMPLE) {
					// Publishing registers the schedule: n8n refuses a trigger whose settings it cannot use.
					expect(await server.activateWorkflow(id)).toBe(true);
					await server.call('POST', `/rest/workflows/${id}/deactivate`, {});
				}
			}
		}, 180_000);
	});

	test('the manual example runs: the lost deals closed over 90 days ago are found and deleted, the recent ones stay', async () => {
		const small = await startPortal({ opportunities: 80, seed: 3 });
		try {
			const lostStage = (small.stages() as Array<{ id: number; stageType: number }>).find(
				(s) => s.stageType === 2,
			)!;
			const recent = [10, 89].map((days) =>
				small.createOpportunity({
					stageId: lostStage.id,
					actualCloseDate: Date.now() - days * DAY,
				}),
			);
			const old = small.createOpportunity({
				stageId: lostStage.id,
				actualCloseDate: Date.now() - 91 * DAY,
			});
			const cutoff = Date.now() - 90 * DAY;
			const smallDeals = (small.opportunityIds() as number[]).map(
				(id) => small.getOpportunity(id) as Deal,
			);
			const expected = ids(
				smallDeals.filter(
					(deal) =>
						deal.stageId === lostStage.id &&
						deal.actualCloseDate !== null &&
						deal.actualCloseDate < cutoff,
				),
			);
			expect(expected).toContain(old);
			const [credentialId] = await n8n.importCredentials([
				{
					name: 'ONLYOFFICE example run',
					type: 'onlyofficeApi',
					data: { portalUrl: small.url, authMethod: 'apiToken', apiToken: small.token },
				},
			]);
			const run = await execute(
				readExampleWorkflow(MANUAL_EXAMPLE, { id: credentialId, name: 'ONLYOFFICE example run' }),
			);
			expect(run.exitCode).toBe(0);
			expect(outputIds(run, EXAMPLE_GET_NODE)).toEqual(expected);
			expect(outputIds(run, EXAMPLE_DELETE_NODE)).toEqual(expected);
			expect([...(small.deletedIds() as number[])].sort((a, b) => a - b)).toEqual(expected);
			for (const id of recent) expect(small.hasOpportunity(id)).toBe(true);
		} finally {
			await small.stop();
		}
	}, 240_000);
});
