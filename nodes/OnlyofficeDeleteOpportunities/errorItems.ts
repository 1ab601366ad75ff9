import type {
	IExecuteFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';

import { errorItem } from '../common/nodeErrors';
import type { DeletionPlan } from './planDeletion';
import { itemsNaming } from './planDeletion';

/**
 * Throws, or under Continue On Fail turns every input item behind `ids` into an error item, whose `message`
 * lists what was and was not deleted and what to do.
 */
export function failItems(
	this: IExecuteFunctions,
	error: NodeApiError | NodeOperationError,
	plan: DeletionPlan,
	ids: number[],
): INodeExecutionData[] {
	if (!this.continueOnFail()) throw error;
	return itemsNaming(plan, ids).map((itemIndex) => errorItem(error, [itemIndex]));
}
