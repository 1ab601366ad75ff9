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
	type ExecuteResult,
	type N8nInstance,
} from './harness';
import { AI_AGENT_EXAMPLE, readExampleWorkflow, type ExampleWorkflow } from './exampleWorkflows';
import {
	addKeywordDeals,
	expectedSummaries,
	DELETE_TOOL,
	KEYWORD,
	toolNodes,
	workflowNode,
} from './toolWorkflows';
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
	const tools = toolNodes({ id: ids.portal, name: 'ONLYOFFICE agent' }, deleteOptions, AGENT);
	return {
		name: `agent ${Date.now()}`,
		// As the editor saves every new workflow: the AI Agent runs a tool before it reads the tool's answer.
		settings: { executionOrder: 'v1' },
		nodes: [
			workflowNode('Start', 'n8n-nodes-base.manualTrigger', 1, {}, [0, 0]),
			// What a CRM Trigger would hand the agent: a deal with its `id`, which no tool may take as its choice.
			workflowNode(
				'Trigger deal',
				'n8n-nodes-base.code',
				2,
				{
					jsCode: `return [{ json: { id: ${triggerDeal}, title: 'the deal that started the run' } }];`,
				},
				[220, 0],
			),
			workflowNode(
				AGENT,
				'@n8n/n8n-nodes-langchain.agent',
				3.1,
				{
					promptType: 'define',
					text: 'Find the Zephyr deals and delete the ones the user named.',
					options: {},
				},
				[440, 0],
			),
			{
				...workflowNode(
					'Model',
					'@n8n/n8n-nodes-langchain.lmChatOpenAi',
					1.2,
					{
						model: { __rl: true, mode: 'id', value: 'scripted-model' },
						options: {},
					},
					[300, 200],
				),
				credentials: { openAiApi: { id: ids.model, name: 'Scripted model' } },
			},
			...tools.nodes,
		],
		connections: {
			Start: { main: [[{ node: 'Trigger deal', type: 'main', index: 0 }]] },
			'Trigger deal': { main: [[{ node: AGENT, type: 'main', index: 0 }]] },
			Model: { ai_languageModel: [[{ node: AGENT, type: 'ai_languageModel', index: 0 }]] },
			...tools.connections,
		},
	};
}

/**
 * The shipped AI Agent example as a user imports it, with only what `n8n execute` cannot do replaced: the
 * Chat Trigger becomes a Manual Trigger and an item holding the chat message (as the Chat Trigger emits it),
 * and the model's credential points at the scripted model. The ONLYOFFICE tools, their settings and the
 * agent's instructions are the file's own.
 */
function runnableExample(ids: { portal: string; model: string }, message: string) {
	const shipped = readExampleWorkflow(AI_AGENT_EXAMPLE, {
		id: ids.portal,
		name: 'ONLYOFFICE agent',
	});
	const chat = shipped.nodes.find((n) => n.type === '@n8n/n8n-nodes-langchain.chatTrigger');
	if (!chat) throw new Error(`${AI_AGENT_EXAMPLE} has no Chat Trigger`);
	const nodes = shipped.nodes.map((node) => {
		if (node === chat) {
			const item = { sessionId: 'e2e-chat', action: 'sendMessage', chatInput: message };
			return {
				...node,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: { jsCode: `return [{ json: ${JSON.stringify(item)} }];` },
			};
		}
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi')
			return { ...node, credentials: { openAiApi: { id: ids.model, name: 'Scripted model' } } };
		return node;
	});
	const start = {
		id: 'start',
		name: 'Start',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		parameters: {},
		position: [-200, 0],
	};
	const workflow: ExampleWorkflow = {
		...shipped,
		nodes: [start, ...nodes],
		connections: {
			...shipped.connections,
			Start: { main: [[{ node: chat.name, type: 'main', index: 0 }]] },
		},
	};
	return workflow;
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

	const addZephyrDeals = (count: number) => addKeywordDeals(portal, count);

	const runWorkflow = async (turns: Turn[], workflow: object) => {
		model.script(turns);
		const result = await n8n.execute(await n8n.importWorkflow(workflow));
		expect(
			scanForSecrets({ stdout: result.stdout, stderr: result.stderr }, [...secrets.values()]),
		).toEqual([]);
		return result;
	};
	const run = (turns: Turn[], triggerDeal: number, deleteOptions: Json = {}) =>
		runWorkflow(turns, agentWorkflow(credentialIds, triggerDeal, deleteOptions));
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
				expectedSummaries([first, second], { deleted: true }),
			);
			const kept = nodeRuns(result.execution!, DELETE_TOOL)[0].data?.ai_tool?.[0] ?? [];
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
	it(
		'the shipped example: finds only lost deals closed before the date the model chose, and its Delete tool only dry-runs',
		async () => {
			const lostStage = (portal.stages() as Array<{ id: number; stageType: number }>).find(
				(stage) => stage.stageType === 2,
			)!.id;
			const lostOn = (date: string) =>
				portal.createOpportunity({
					title: `${KEYWORD} lost ${date}`,
					stageId: lostStage,
					actualCloseDate: Date.parse(`${date}T12:00:00Z`),
				}) as number;
			const old = [lostOn('2024-03-10'), lostOn('2024-11-30')];
			const recent = lostOn('2026-11-01');
			const open = portal.createOpportunity({ title: `${KEYWORD} open` }) as number;
			const listed: number[] = [];
			const result = await runWorkflow(
				[
					{ tool: 'Find', args: { closedBefore: '2025-01-01' } },
					(request) => {
						const found = JSON.parse(lastToolAnswer(request)) as Json[];
						listed.push(...found.filter((deal) => 'id' in deal).map((deal) => deal.id as number));
						return { tool: 'Delete', args: { opportunityIds: old } };
					},
					{ answer: 'That was a dry run: nothing was deleted.' },
				],
				runnableExample(credentialIds, 'Which lost deals closed before 2025-01-01? Delete them.'),
			);
			expect(result.exitCode).toBe(0);
			// The author's instructions reached the model.
			expect(JSON.stringify(model.requests[0].body.messages[0])).toContain('Deleting is permanent');
			// Stage Type Lost is the author's: whatever the model asks, only lost deals closed before its date.
			expect(listed).toEqual(expect.arrayContaining(old));
			expect(listed).not.toContain(recent);
			expect(listed).not.toContain(open);
			for (const id of listed) {
				const deal = portal.getOpportunity(id) as { stageId: number; actualCloseDate: number };
				expect(deal.stageId).toBe(lostStage);
				expect(deal.actualCloseDate).toBeLessThan(Date.parse('2025-01-01T00:00:00Z'));
			}
			// Dry Run is on in the shipped file: the model is told so, and nothing is deleted.
			expect(JSON.parse(lastToolAnswer(model.requests[2]))).toEqual(
				expectedSummaries(old, { dryRun: 'not deleted: this is a dry run' }),
			);
			expect(portal.deletedIds()).toEqual([]);
			expect(agentAnswer(result)).toEqual({ output: 'That was a dry run: nothing was deleted.' });
		},
		RUN_TIMEOUT,
	);
});
