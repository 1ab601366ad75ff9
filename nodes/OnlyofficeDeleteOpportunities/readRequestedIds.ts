import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../common/output/nodeErrors';
import { runsAsTool } from '../common/tool/toolUse';
import { InvalidOpportunityIdError, parseOpportunityIds } from './parseOpportunityIds';
import type { RequestedIds } from './planDeletion';

/** Reads and validates every item's IDs before anything is sent, so bad input never deletes anything. */
export function readRequestedIds(
	this: IExecuteFunctions,
	skipItemsWithoutId: boolean,
): { requests: RequestedIds[]; errorItems: INodeExecutionData[] } {
	const requests: RequestedIds[] = [];
	const errorItems: INodeExecutionData[] = [];
	const items = this.getInputData();
	const node = this.getNode();
	// Unset means the default: the item's `id`, but as a tool the IDs the model chose (`$fromAI`).
	const field = plainJsonField(node.parameters.opportunityIds, runsAsTool(node) ? undefined : 'id');
	const readValue =
		field === undefined
			? (itemIndex: number) => this.getNodeParameter('opportunityIds', itemIndex)
			: (itemIndex: number) => items[itemIndex].json[field];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ids = readItemIds.call(this, itemIndex, readValue(itemIndex), skipItemsWithoutId);
			if (ids.length > 0) requests.push({ itemIndex, ids });
		} catch (error) {
			const nodeError =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			if (!this.continueOnFail()) throw nodeError;
			errorItems.push(errorItem(nodeError, [itemIndex]));
		}
	}
	return { requests, errorItems };
}

/**
 * The field when Opportunity IDs is a plain `{{ $json.<field> }}` (absent means the default): the node
 * then reads that field itself. n8n 2.x evaluates each expression in an isolate, about 0.5 ms per item,
 * which for thousands of items costs far more than the delete requests (see the README's benchmark).
 */
function plainJsonField(raw: unknown, defaultField: string | undefined): string | undefined {
	if (raw === undefined) return defaultField;
	if (typeof raw !== 'string') return undefined;
	const match = /^=\{\{\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(["'])([\w$ -]+)\2\s*\])\s*\}\}$/.exec(
		raw,
	);
	return match ? (match[1] ?? match[3]) : undefined;
}

function readItemIds(
	this: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	skipItemsWithoutId: boolean,
): number[] {
	// Without Continue On Fail the node stops before any request; with it, only this item is left out.
	const consequence = this.continueOnFail() ? 'This item was skipped.' : 'Nothing was deleted.';
	let ids: number[];
	try {
		ids = parseOpportunityIds(value);
	} catch (error) {
		if (!(error instanceof InvalidOpportunityIdError))
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: ${error.message}. ${consequence}`,
			{
				itemIndex,
				description: error.hint,
			},
		);
	}
	if (ids.length === 0 && !skipItemsWithoutId) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has no opportunity ID. ${consequence}`,
			{
				itemIndex,
				description:
					'Check the Opportunity IDs field (by default it reads the item’s "id" field), or turn on Skip Items Without ID in the Options.',
			},
		);
	}
	return ids;
}
