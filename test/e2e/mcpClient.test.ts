/**
 * The package's nodes as tools of n8n's MCP Server Trigger, in an activated workflow of a real `n8n start`,
 * called by the official MCP client (`@modelcontextprotocol/sdk`, the version n8n ships) over Streamable HTTP
 * with a bearer token: it lists the tools, searches, deletes chosen IDs, is refused by the Delete Limit the
 * workflow's author set, and is told how to write an ID list. Every answer the client received is scanned
 * for the portal's token. Loopback only.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { scanForSecrets, scanPaths, type Secret } from '../safety/secrets';
import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	filesN8nWrote,
	type N8nInstance,
	type N8nServer,
	waitFor,
} from './harness';
import {
	addKeywordDeals,
	expectedSummaries,
	KEYWORD,
	toolNodes,
	workflowNode,
} from './toolWorkflows';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type Json = Record<string, unknown>;

const VERSION = defaultN8nVersion();
const MCP_SERVER = 'MCP Server';
const MCP_PATH = 'onlyoffice-deals';
const MCP_TOKEN = 'mcp-client-bearer-token-for-e2e';
/** The author's limit: the client may delete 3 deals per call, however many it asks for. */
const DELETE_LIMIT = 3;

function mcpWorkflow(ids: { portal: string; bearer: string }) {
	const tools = toolNodes(
		{ id: ids.portal, name: 'ONLYOFFICE mcp' },
		{ deleteLimit: DELETE_LIMIT },
		MCP_SERVER,
	);
	return {
		name: `mcp ${Date.now()}`,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				...workflowNode(
					MCP_SERVER,
					'@n8n/n8n-nodes-langchain.mcpTrigger',
					2,
					{ authentication: 'bearerAuth', path: MCP_PATH },
					[440, 0],
				),
				webhookId: 'c2b1e6f0-6d1c-4f51-9a4e-0d8f1e2a7b31',
				credentials: { httpBearerAuth: { id: ids.bearer, name: 'MCP bearer' } },
			},
			...tools.nodes,
		],
		connections: tools.connections,
	};
}

interface ToolResult {
	isError: boolean;
	text: string;
}

describe(`The nodes as MCP tools of n8n ${VERSION}'s MCP Server Trigger`, () => {
	let n8n: N8nInstance;
	let server: N8nServer;
	let portal: Portal;
	let client: Client;
	/** Every body n8n's MCP endpoint answered the client with. */
	const received: string[] = [];
	const secrets = (): Secret[] =>
		(portal.activeTokens() as string[]).map((value) => ({ label: 'an ONLYOFFICE token', value }));

	beforeAll(async () => {
		ensureN8nInstalled(VERSION);
		portal = await startPortal({ opportunities: 40, seed: 5 });
		n8n = await createN8nInstance({ version: VERSION, name: 'mcp-client' });
		const [portalId, bearer] = await n8n.importCredentials([
			{
				name: 'ONLYOFFICE mcp',
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			},
			{ name: 'MCP bearer', type: 'httpBearerAuth', data: { token: MCP_TOKEN } },
		]);
		const workflowId = await n8n.importWorkflow(mcpWorkflow({ portal: portalId, bearer }));
		server = await n8n.startServer();
		await server.signInAsOwner();
		expect(await server.activateWorkflow(workflowId)).toBe(true);
		// n8n registers the trigger's webhooks a moment after it answers: until then the path answers 404.
		await waitFor(
			'the MCP Server Trigger to answer',
			async () =>
				(await fetch(`${server.baseUrl}/mcp/${MCP_PATH}`)).status !== 404 ? true : undefined,
			{ timeoutMs: 30_000, intervalMs: 250 },
		);

		const transport = new StreamableHTTPClientTransport(
			new URL(`${server.baseUrl}/mcp/${MCP_PATH}`),
			{
				requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } },
				fetch: async (url, init) => {
					const response = await fetch(url, init);
					received.push(await response.clone().text());
					return response;
				},
			},
		);
		client = new Client({ name: 'onlyoffice-e2e', version: '1.0.0' });
		await client.connect(transport);
	}, 30 * 60_000);

	afterAll(async () => {
		await client?.close();
		await server?.stop();
		if (portal) {
			// Nothing the client received, and nothing n8n wrote, may hold the portal's token. What was received
			// holds the tools' answers (so the scan covers them).
			expect(received.join('\n')).toContain('Delete Limit');
			expect(scanForSecrets({ received }, secrets())).toEqual([]);
			if (n8n) expect(scanPaths(filesN8nWrote(n8n), secrets())).toEqual([]);
			await portal.stop();
		}
		await n8n?.cleanup();
	}, 60_000);

	const call = async (name: string, args: Json): Promise<ToolResult> => {
		const result = await client.callTool({ name, arguments: args });
		const content = result.content as Array<{ type: string; text?: string }>;
		return {
			isError: result.isError === true,
			text: content.map((part) => part.text ?? '').join('\n'),
		};
	};
	const addZephyrDeals = (count: number) => addKeywordDeals(portal, count);

	test('lists the two tools, each saying what it does', async () => {
		const { tools } = await client.listTools();
		const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(byName).sort()).toEqual(['Delete_deals', 'Find_deals']);
		expect(byName.Delete_deals.description).toMatch(/permanent/i);
		// The only input the client gives the delete is the IDs, and it is told their form.
		expect(byName.Delete_deals.inputSchema.properties).toEqual({
			opportunityIds: { description: expect.stringContaining('JSON array of whole numbers') },
		});
		expect(Object.keys(byName.Find_deals.inputSchema.properties ?? {})).toEqual(['keyword']);
	});

	test('searches: 20 short records of 1,000 matching deals, and how many match in all', async () => {
		const zephyr = addZephyrDeals(1000);
		const answer = await call('Find_deals', { keyword: KEYWORD });
		expect(answer.isError).toBe(false);
		expect(Buffer.byteLength(answer.text)).toBeLessThan(32 * 1024);
		const found = JSON.parse(answer.text) as Json[];
		expect(found).toHaveLength(21);
		for (const deal of found.slice(0, 20)) {
			expect(zephyr).toContain(deal.id);
			expect(Object.keys(deal).length).toBeLessThanOrEqual(10);
		}
		expect(found[20]).toMatchObject({ listed: 20, matchingInAll: 1000 });
		expect(portal.deletedIds()).toEqual([]);
	});

	test('deletes exactly the IDs it named, and is told what each delete took', async () => {
		const [first, second] = addZephyrDeals(2);
		const answer = await call('Delete_deals', { opportunityIds: [first, second] });
		expect(answer.isError).toBe(false);
		expect(JSON.parse(answer.text)).toEqual(expectedSummaries([first, second], { deleted: true }));
		expect(portal.deletedIds().sort()).toEqual([first, second].sort());
	});

	test('is refused by the Delete Limit the author set: nothing deleted, the limit and the fix in the answer', async () => {
		const before = portal.deletedIds().length;
		const named = addZephyrDeals(DELETE_LIMIT + 1);
		const answer = await call('Delete_deals', { opportunityIds: named });
		// The MCP Server Trigger hands the client the error's name and message: the fix must be in the message.
		expect(answer.isError).toBe(true);
		expect(answer.text).toMatch(/^NodeOperationError: This run asks to delete 4 opportunities/);
		expect(answer.text).toContain(`more than the Delete Limit of ${DELETE_LIMIT}`);
		expect(answer.text).toContain('Nothing was deleted');
		expect(answer.text).toContain(
			`Ask to delete at most ${DELETE_LIMIT} opportunities in one call`,
		);
		expect(portal.deletedIds()).toHaveLength(before);
		for (const id of named) expect(portal.hasOpportunity(id)).toBe(true);
	});

	test('a badly written ID list is refused with the accepted form, and the retry in that form deletes', async () => {
		const [first, second] = addZephyrDeals(2);
		// Text instead of an array: n8n checks the tool's input schema before the node runs.
		const asText = await call('Delete_deals', { opportunityIds: `${first} ${second}` });
		expect(asText.isError).toBe(true);
		expect(asText.text).toContain('non-empty array');
		// An array whose entry holds two IDs reaches the node, which names the entry and the accepted form.
		const inOneEntry = await call('Delete_deals', { opportunityIds: [`${first} ${second}`] });
		expect(inOneEntry.isError).toBe(true);
		expect(inOneEntry.text).toContain(
			`"${first} ${second}" (position 1 in ["${first} ${second}"]) contains a space inside an ID`,
		);
		expect(inOneEntry.text).toContain('Nothing was deleted');
		expect(inOneEntry.text).toContain(`put one ID in each entry, e.g. [${first}, ${second}]`);
		expect(portal.hasOpportunity(first)).toBe(true);
		expect(portal.hasOpportunity(second)).toBe(true);

		const retried = await call('Delete_deals', { opportunityIds: [first, second] });
		expect(retried.isError).toBe(false);
		expect(portal.hasOpportunity(first)).toBe(false);
		expect(portal.hasOpportunity(second)).toBe(false);
	});
});
