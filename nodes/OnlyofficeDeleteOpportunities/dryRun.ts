import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { simplifyOpportunity, toItem } from '../common/output/opportunityOutput';
import type { PortalConnection } from '../common/transport';
import { formatIds } from './deletionOutput';
import type { DeleteOptions } from './description';
import { failItems } from './errorItems';
import { lookUpOpportunities } from './lookUpOpportunities';
import type { DeletionPlan } from './planDeletion';
import { itemsNaming } from './planDeletion';

/** Outputs what a delete would remove, from side-effect-free look-ups; deletes nothing. */
export async function dryRun(
	this: IExecuteFunctions,
	plan: DeletionPlan,
	options: DeleteOptions,
	connection: PortalConnection,
): Promise<INodeExecutionData[]> {
	const report = await lookUpOpportunities.call(this, plan.ids, connection);
	if (report.failure) {
		const error = new NodeApiError(
			this.getNode(),
			{ message: report.failure.message } as JsonObject,
			{
				message: `${report.failure.message}. Dry run: nothing was deleted.`,
				description: report.failure.hint,
				httpCode: report.failure.httpCode,
				itemIndex: plan.requesters.get(plan.ids[0])?.[0],
			},
		);
		return failItems.call(this, error, plan, plan.ids);
	}
	const items: INodeExecutionData[] = [];
	const wouldNotDelete: number[] = [];
	for (const id of plan.ids) {
		const prediction = report.predictions.get(id);
		const requesters = plan.requesters.get(id) ?? [];
		if (prediction?.status === 'wouldDelete') {
			items.push(
				toItem(
					options.simplify ? simplifyOpportunity(prediction.record) : prediction.record,
					requesters,
				),
			);
		} else if (prediction) {
			wouldNotDelete.push(id);
			if (options.notDeleted === 'output')
				items.push(
					toItem(
						{ id, deleted: false, reason: `would not be deleted: ${prediction.reason}` },
						requesters,
					),
				);
		}
	}
	this.addExecutionHints({
		message: `Dry run: nothing was deleted. ${plan.ids.length - wouldNotDelete.length} of ${plan.ids.length} opportunities would be deleted.`,
		location: 'outputPane',
	});
	if (options.notDeleted === 'fail' && wouldNotDelete.length > 0) {
		const error = new NodeOperationError(
			this.getNode(),
			`Dry run: ${wouldNotDelete.length} of the ${plan.ids.length} opportunities would not be deleted: ${formatIds(wouldNotDelete)}`,
			{
				itemIndex: itemsNaming(plan, wouldNotDelete)[0],
				description:
					'They do not exist, or this user may not delete them. To let such IDs pass, set IDs Not Deleted to Ignore or Output an Item.',
			},
		);
		return [...items, ...failItems.call(this, error, plan, wouldNotDelete)];
	}
	return items;
}
