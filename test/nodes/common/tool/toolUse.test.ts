import type { INode, INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import { OnlyofficeDeleteOpportunities } from '../../../../nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node';
import { OnlyofficeGetOpportunities } from '../../../../nodes/OnlyofficeGetOpportunities/OnlyofficeGetOpportunities.node';
import { forToolCaller } from '../../../../nodes/common/tool/toolUse';
import { runNode } from '../../../helpers/runNode';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../../portal');

/** The tool variant's description as n8n makes it: the same properties, the name suffixed with `Tool`. */
function asTool(description: INodeTypeDescription): INodeTypeDescription {
	return { ...description, name: `${description.name}Tool` };
}

/** The parameters n8n resolves for a node added with nothing changed, as a run and the editor both do. */
function defaults(description: INodeTypeDescription) {
	const node = { typeVersion: 1, parameters: {} } as unknown as INode;
	return NodeHelpers.getNodeParameters(
		description.properties as INodeProperties[],
		{},
		true,
		false,
		node,
		description,
	);
}

const deleteNode = new OnlyofficeDeleteOpportunities().description;
const getNode = new OnlyofficeGetOpportunities().description;

describe('defaults of the tool variants', () => {
	it('Delete takes the IDs the model chooses, as a JSON array, never the input item’s ID', () => {
		expect(defaults(deleteNode)?.opportunityIds).toBe('={{ $json.id }}');
		const ids = defaults(asTool(deleteNode))?.opportunityIds as string;
		expect(ids).toMatch(/^=\{\{ \$fromAI\('opportunityIds', ".+", 'json'\) \}\}$/);
		expect(ids).not.toContain('$json');
	});

	it('Get returns a short answer: Limit 20 and Simplify on', () => {
		const plain = defaults(getNode);
		expect([plain?.limit, plain?.options]).toEqual([50, {}]);
		const tool = defaults(asTool(getNode));
		expect([tool?.limit, tool?.options]).toEqual([20, { simplify: true }]);
	});
});

describe('a tool run of Delete', () => {
	let portal: Awaited<ReturnType<typeof startPortal>>;
	beforeEach(async () => {
		portal = await startPortal({ opportunities: 10, seed: 3 });
	});
	afterEach(async () => {
		await portal.stop();
	});
	const credentials = () => ({
		portalUrl: portal.url,
		authMethod: 'apiToken',
		apiToken: portal.token,
	});

	it('deletes what the model named, not the deal of the item that reached the agent', async () => {
		const { output } = await runNode({
			asTool: true,
			items: [{ id: 2, title: 'the trigger’s deal' }],
			opportunityIds: () => [5, 6],
			credentials: credentials(),
		});
		expect(output.map((item) => item.json.id)).toEqual([5, 6]);
		expect(portal.opportunityIds()).toContain(2);
	});

	it('answers with a summary per deal and keeps the whole record as the binary `record`', async () => {
		const before = portal.getOpportunity(5);
		const { output } = await runNode({
			asTool: true,
			items: [{}],
			opportunityIds: () => [5],
			options: { record: 'wholeRecord', files: 'listOnly' },
			credentials: credentials(),
		});
		expect(output).toHaveLength(1);
		const [{ json, binary, pairedItem }] = output;
		expect(json).toEqual({
			id: 5,
			title: before.title,
			deleted: true,
			historyEvents: expect.any(Number),
			files: expect.any(Number),
			tasks: expect.any(Number),
		});
		expect(pairedItem).toEqual({ item: 0 });
		const record = JSON.parse(Buffer.from(binary!.record.data, 'base64').toString('utf8'));
		expect(record).toMatchObject({ id: 5, title: before.title, archive: { format: 1 } });
		expect(record.history).toHaveLength(json.historyEvents as number);
	});

	it('puts the fix into the message of a Delete Limit refusal, where a model reads it', async () => {
		const error = await runNode({
			asTool: true,
			items: [{}],
			opportunityIds: () => [1, 2, 3],
			options: { deleteLimit: 2 },
			credentials: credentials(),
		}).catch((thrown: NodeOperationError) => thrown);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).message).toBe(
			'This run asks to delete 3 opportunities, more than the Delete Limit of 2. Nothing was deleted. Ask to delete at most 2 opportunities in one call; only the workflow’s author can raise the Delete Limit.',
		);
		expect(portal.requests).toEqual([]);
	});

	it('names the accepted format in the message of a refused ID list', async () => {
		const error = await runNode({
			asTool: true,
			items: [{}],
			opportunityIds: () => '1,234',
			credentials: credentials(),
		}).catch((thrown: NodeOperationError) => thrown);
		expect((error as NodeOperationError).message).toMatch(
			/^Item 0: .*Nothing was deleted\. .*"1, 234"/,
		);
		expect(portal.requests).toEqual([]);
	});
});

describe('forToolCaller', () => {
	const node = (type: string) => ({ type }) as INode;
	const refusal = () =>
		new NodeOperationError(node('x'), 'Nothing was deleted.', { description: 'Do this instead.' });

	it('leaves errors outside tools as they are: the editor shows the description', () => {
		expect(
			(forToolCaller(node('pkg.onlyofficeDeleteOpportunities'), refusal()) as Error).message,
		).toBe('Nothing was deleted.');
	});

	it('appends the description once for a tool', () => {
		const tool = node('pkg.onlyofficeDeleteOpportunitiesTool');
		const error = forToolCaller(tool, forToolCaller(tool, refusal())) as Error;
		expect(error.message).toBe('Nothing was deleted. Do this instead.');
	});
});
