/**
 * The package's nodes as tools of n8n's AI Agent, inside a real n8n: Manual Trigger → an item standing for a
 * trigger's deal → AI Agent (v3.1) with the OpenAI Chat Model (v1.2) pointed at a scripted model on loopback,
 * and the Get and Delete tool variants with their tool defaults (the IDs from `$fromAI`). The script makes
 * the model call a tool with chosen arguments, then reads what the tool answered, as a model would, from the
 * next request. No real model and no outside service.
 */
import { scanForSecrets, scanPaths, type Secret } from '../safety/secrets';
import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	filesN8nWrote,
	nodeRuns,
	PACKAGE_NAME,
	type ExecuteResult,
	type N8nInstance,
} from './harness';
import {
	startOpenAiStub,
	type ChatRequest,
	type OpenAiStub,
	type Turn,
} from './harness/openAiStub';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type Json = Record<string, unknown>;

const VERSION = defaultN8nVersion();
const AGENT = 'AI Agent';
/** The word the scripted model searches for; only the deals added with it carry it. */
const KEYWORD = 'Zephyr';

/** What the last tool answered, as the model receives it: the content of the last `tool` message. */
function lastToolAnswer(request: ChatRequest): string {
	const message = [...request.body.messages].reverse().find((m) => m.role === 'tool');
	if (!message) throw new Error('the model was sent no tool answer');
	return typeof message.content === 'string' ? message.content : JSON.stringify(message.content);
}

function agentWorkflow(
	ids: { portal: string; model: string },
	triggerDeal: number,
	deleteOptions: Json,
) {
	const onlyoffice = { onlyofficeApi: { id: ids.portal, name: 'ONLYOFFICE agent' } };
	const node = (
		name: string,
		type: string,
		typeVersion: number,
		parameters: object,
		x: number,
		y = 0,
	) => ({
		id: name.replace(/\W/g, '-'),
		name,
		type,
		typeVersion,
		parameters,
		position: [x, y],
	});
	return {
		name: `agent ${Date.now()}`,
		// As the editor saves every new workflow: the AI Agent runs a tool before it reads the tool's answer.
		settings: { executionOrder: 'v1' },
		nodes: [
			node('Start', 'n8n-nodes-base.manualTrigger', 1, {}, 0),
			// What a CRM Trigger would hand the agent: a deal with its `id`, which no tool may take as its choice.
			node(
				'Trigger deal',
				'n8n-nodes-base.code',
				2,
				{
					jsCode: `return [{ json: { id: ${triggerDeal}, title: 'the deal that started the run' } }];`,
				},
				220,
			),
			node(
				AGENT,
				'@n8n/n8n-nodes-langchain.agent',
				3.1,
				{
					promptType: 'define',
					text: 'Find the Zephyr deals and delete the ones the user named.',
					options: {},
				},
				440,
			),
			{
				...node(
					'Model',
					'@n8n/n8n-nodes-langchain.lmChatOpenAi',
					1.2,
					{
						model: { __rl: true, mode: 'id', value: 'scripted-model' },
						options: {},
					},
					300,
					200,
				),
				credentials: { openAiApi: { id: ids.model, name: 'Scripted model' } },
			},
			{
				...node(
					'Find deals',
					`${PACKAGE_NAME}.onlyofficeGetOpportunitiesTool`,
					1,
					{
						filters: { keyword: "={{ $fromAI('keyword', 'A word in the deal title', 'string') }}" },
					},
					440,
					200,
				),
				credentials: onlyoffice,
			},
			{
				...node(
					'Delete deals',
					`${PACKAGE_NAME}.onlyofficeDeleteOpportunitiesTool`,
					1,
					{
						options: deleteOptions,
					},
					580,
					200,
				),
				credentials: onlyoffice,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Trigger deal', type: 'main', index: 0 }]] },
			'Trigger deal': { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			Model: { ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]] },
			'Find deals': { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] },
			'Delete deals': { ai_tool: [[{ node: AGENT, type: 'ai_tool', index: 0 }]] },
		},
	};
}

/** One agent run: n8n starts, the agent asks the model and runs the tools. */
const RUN_TIMEOUT = 180_000;

describe(`The nodes as AI Agent tools in n8n ${VERSION}`, () => {
	let n8n: N8nInstance;
	let portal: Portal;
	let model: OpenAiStub;
	let credentialIds: { portal: string; model: string };
	const secrets = new Map<string, Secret>();

	beforeAll(async () => {
		ensureN8nInstalled(VERSION);
		n8n = await createN8nInstance({ version: VERSION, name: 'ai-agent' });
		model = await startOpenAiStub();
	}, 30 * 60_000);
	afterAll(async () => {
		await model?.stop();
		if (!n8n) return;
		expect(scanPaths(filesN8nWrote(n8n), [...secrets.values()])).toEqual([]);
		await n8n.cleanup();
	}, 60_000);
	beforeEach(async () => {
		portal = await startPortal({ opportunities: 40, seed: 5 });
		for (const token of portal.activeTokens())
			secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
		const [portalId, modelId] = await n8n.importCredentials([
			{
				name: 'ONLYOFFICE agent',
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			},
			{
				name: 'Scripted model',
				type: 'openAiApi',
				data: { apiKey: 'sk-scripted', url: model.url },
			},
		]);
		credentialIds = { portal: portalId, model: modelId };
		model.requests.length = 0;
	}, 60_000);
	afterEach(async () => {
		// Nothing the model was sent may hold the portal's token: the tools' answers, errors and descriptions.
		for (const token of portal.activeTokens())
			secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
		await portal.stop();
		const sent = Object.fromEntries(
			model.requests.map((r, i) => [`request ${i}`, `${JSON.stringify(r.headers)}\n${r.text}`]),
		);
		expect(scanForSecrets(sent, [...secrets.values()])).toEqual([]);
		expect(model.failures).toEqual([]);
	});

	const addZephyrDeals = (count: number) =>
		Array.from({ length: count }, (_, i) =>
			portal.addOpportunity({
				title: `${KEYWORD} deal ${i + 1}`,
				isPrivate: false,
				accessList: [],
			}),
		) as number[];

	const run = async (turns: Turn[], triggerDeal: number, deleteOptions: Json = {}) => {
		model.script(turns);
		const result = await n8n.execute(
			await n8n.importWorkflow(agentWorkflow(credentialIds, triggerDeal, deleteOptions)),
		);
		expect(
			scanForSecrets({ stdout: result.stdout, stderr: result.stderr }, [...secrets.values()]),
		).toEqual([]);
		return result;
	};
	const agentAnswer = (result: ExecuteResult) => n8n.outputItems(result.execution, AGENT)[0]?.json;

	it(
		'searches with the filter the model chose: 20 short records of 1,000 matching deals, and how many match in all',
		async () => {
			const zephyr = addZephyrDeals(1000);
			const result = await run(
				[{ tool: 'Find', args: { keyword: KEYWORD } }, { answer: 'Found them.' }],
				zephyr[0],
			);
			expect(result.exitCode).toBe(0);
			expect(agentAnswer(result)).toEqual({ output: 'Found them.' });
			const answer = lastToolAnswer(model.requests[1]);
			// The bound for what a search tool hands a model.
			expect(Buffer.byteLength(answer)).toBeLessThan(32 * 1024);
			const found = JSON.parse(answer) as Json[];
			expect(found).toHaveLength(21);
			for (const deal of found.slice(0, 20)) {
				expect(zephyr).toContain(deal.id);
				expect(String(deal.title)).toContain(KEYWORD);
				// Simplified: ten fields, no custom fields or access list.
				expect(Object.keys(deal).length).toBeLessThanOrEqual(10);
			}
			expect(found[20]).toEqual({
				listed: 20,
				matchingInAll: 1000,
				note: "1000 deals match in all; only the first 20 are listed (the tool's Limit). Narrow the filters to find the others.",
			});
			expect(portal.deletedIds()).toEqual([]);
		},
		RUN_TIMEOUT,
	);

	it(
		'deletes exactly the IDs the model named, never the deal that reached the agent',
		async () => {
			const [triggerDeal, first, second] = addZephyrDeals(3);
			const result = await run(
				[{ tool: 'Delete', args: { opportunityIds: [first, second] } }, { answer: 'Deleted.' }],
				triggerDeal,
			);
			expect(result.exitCode).toBe(0);
			expect(portal.deletedIds().sort()).toEqual([first, second].sort());
			expect(portal.hasOpportunity(triggerDeal)).toBe(true);
			// A summary per deal, not its whole record: the record stays in the execution as binary data.
			expect(JSON.parse(lastToolAnswer(model.requests[1]))).toEqual(
				[first, second].map((id) => ({
					id,
					title: expect.stringContaining(KEYWORD),
					deleted: true,
					historyEvents: 0,
					files: 0,
					tasks: 0,
				})),
			);
			const kept = nodeRuns(result.execution!, 'Delete deals')[0].data?.ai_tool?.[0] ?? [];
			expect(kept.map((item) => Object.keys(item.binary ?? {}))).toEqual([['record'], ['record']]);
		},
		RUN_TIMEOUT,
	);

	it(
		'is refused by the Delete Limit the author set: nothing deleted, and the model is told why and what to do',
		async () => {
			const [triggerDeal, ...named] = addZephyrDeals(4);
			const result = await run(
				[
					{ tool: 'Delete', args: { opportunityIds: named } },
					{ answer: 'I could not delete them.' },
				],
				triggerDeal,
				{ deleteLimit: 2 },
			);
			expect(portal.deletedIds()).toEqual([]);
			const answer = lastToolAnswer(model.requests[1]);
			expect(answer).toContain('more than the Delete Limit of 2');
			expect(answer).toContain('Nothing was deleted');
			expect(answer).toContain('Ask to delete at most 2 opportunities in one call');
			expect(agentAnswer(result)).toEqual({ output: 'I could not delete them.' });
		},
		RUN_TIMEOUT,
	);

	it(
		'recovers from a badly written ID list by the error text alone',
		async () => {
			const [triggerDeal, first, second] = addZephyrDeals(3);
			const result = await run(
				[
					{ tool: 'Delete', args: { opportunityIds: `${first} ${second}` } },
					(request) => {
						// The text names what was refused and the accepted form; the model retries in that form.
						const [{ error }] = JSON.parse(lastToolAnswer(request)) as Array<{ error: string }>;
						expect(error).toContain(`"${first} ${second}" contains a space inside an ID`);
						expect(error).toContain('Nothing was deleted');
						expect(error).toContain(`e.g. "${first}, ${second}"`);
						return { tool: 'Delete', args: { opportunityIds: [first, second] } };
					},
					{ answer: 'Deleted on the second try.' },
				],
				triggerDeal,
			);
			expect(result.exitCode).toBe(0);
			expect(model.requests).toHaveLength(3);
			expect(portal.deletedIds().sort()).toEqual([first, second].sort());
			expect(portal.hasOpportunity(triggerDeal)).toBe(true);
		},
		RUN_TIMEOUT,
	);
});
