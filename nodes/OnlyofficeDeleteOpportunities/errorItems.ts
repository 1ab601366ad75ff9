import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import type { NodeOperationError } from 'n8n-workflow';

import { errorItem, readFailureError } from '../common/output/nodeErrors';
import { PortalFailure } from '../common/transport';
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

/**
 * The error for records that could not be read at all (the field definitions, a portal-wide listing): the
 * portal's failure in plain words, then `consequence` (what was not done).
 */
export function recordsUnreadError(
	this: IExecuteFunctions,
	error: unknown,
	plan: DeletionPlan,
	consequence: string,
): NodeApiError | NodeOperationError {
	const itemIndex = plan.requesters.get(plan.ids[0])?.[0];
	if (!(error instanceof PortalFailure)) return readFailureError(this.getNode(), error, itemIndex);
	return new NodeApiError(this.getNode(), { message: error.message } as JsonObject, {
		message: `${error.message}. ${consequence}`,
		description: error.hint,
		httpCode: error.httpCode,
		itemIndex,
	});
}
