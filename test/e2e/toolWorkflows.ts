/**
 * What the AI Agent and MCP suites share: a workflow node, the package's two tool nodes as both suites wire
 * them (the Get tool searching by a keyword from `$fromAI`, the Delete tool with its tool defaults), and the
 * deals a scripted model or client looks for.
 */
import { PACKAGE_NAME } from './harness';

type Json = Record<string, unknown>;

/** The word the scripted callers search for; only the deals added with it carry it. */
export const KEYWORD = 'Zephyr';
export const FIND_TOOL = 'Find deals';
export const DELETE_TOOL = 'Delete deals';

export function workflowNode(
	name: string,
	type: string,
	typeVersion: number,
	parameters: object,
	position: [number, number],
) {
	return { id: name.replace(/\W/g, '-'), name, type, typeVersion, parameters, position };
}

/**
 * Find deals and Delete deals, using the stored ONLYOFFICE credential `credential`, connected as tools to the
 * node named `user` (an AI Agent or an MCP Server Trigger). Delete Limit, Dry Run and the rest are the
 * author's `deleteOptions`.
 */
export function toolNodes(
	credential: { id: string; name: string },
	deleteOptions: Json,
	user: string,
) {
	const credentials = { onlyofficeApi: credential };
	const nodes = [
		{
			...workflowNode(
				FIND_TOOL,
				`${PACKAGE_NAME}.onlyofficeGetOpportunitiesTool`,
				1,
				{ filters: { keyword: "={{ $fromAI('keyword', 'A word in the deal title', 'string') }}" } },
				[440, 200],
			),
			credentials,
		},
		{
			...workflowNode(
				DELETE_TOOL,
				`${PACKAGE_NAME}.onlyofficeDeleteOpportunitiesTool`,
				1,
				{ options: deleteOptions },
				[580, 200],
			),
			credentials,
		},
	];
	const asTool = { ai_tool: [[{ node: user, type: 'ai_tool', index: 0 }]] };
	return { nodes, connections: { [FIND_TOOL]: asTool, [DELETE_TOOL]: asTool } };
}

/** Adds `count` public deals titled with the keyword to a stand-in portal; returns their IDs. */
export function addKeywordDeals(
	portal: { addOpportunity(partial: Json): unknown },
	count: number,
): number[] {
	return Array.from(
		{ length: count },
		(_, i) =>
			portal.addOpportunity({
				title: `${KEYWORD} deal ${i + 1}`,
				isPrivate: false,
				accessList: [],
			}) as number,
	);
}

/**
 * What the Delete tool answers a caller for each of `ids`, keyword deals with no events, files or tasks:
 * `outcome` is `{ deleted: true }`, or Dry Run's `{ dryRun: … }`.
 */
export function expectedSummaries(ids: number[], outcome: Json) {
	return ids.map((id) => ({
		id,
		title: expect.stringContaining(KEYWORD),
		...outcome,
		historyEvents: 0,
		files: 0,
		tasks: 0,
	}));
}
