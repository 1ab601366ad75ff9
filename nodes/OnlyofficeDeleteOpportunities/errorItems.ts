import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import type { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { pairedTo } from '../shared/opportunityOutput';
import type { DeletionPlan } from './planDeletion';
import { itemsNaming } from './planDeletion';

/** Throws, or under Continue On Fail turns every input item behind `ids` into an error item. */
export function failItems(
	this: IExecuteFunctions,
	error: NodeApiError | NodeOperationError,
	plan: DeletionPlan,
	ids: number[],
): INodeExecutionData[] {
	if (!this.continueOnFail()) throw error;
	return itemsNaming(plan, ids).map((itemIndex) => errorItem(error, [itemIndex]));
}

/**
 * Shaped for n8n's error output, which takes an item whose json is `{ error }` or `{ error, message }`
 * (n8n 1.x and 2.x alike): `error` says what went wrong, `message` lists what was and was not deleted and
 * what to do. The item's `error` field stays unset: n8n would then keep only the first line.
 */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndexes: number[],
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.message = error.description;
	return { json, pairedItem: pairedTo(itemIndexes) };
}
