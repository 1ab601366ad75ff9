import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { simplifyRecord, toItem } from '../common/output/opportunityOutput';
import { settle } from '../common/transport/concurrently';
import { countRecords, describeCounts, openRecordReader } from '../common/record/readRecords';
import type { PortalConnection } from '../common/transport';
import { formatIds, notRecordedMessage } from './deletionOutput';
import type { DeleteOptions } from './description';
import { failItems, recordsUnreadError } from './errorItems';
import type { DeletionPlan } from './planDeletion';
import { itemsNaming } from './planDeletion';

/**
 * Dry Run with Record = Whole Record: reads every record a delete would read, batch by batch, and outputs
 * them as the delete would; deletes nothing. Its hint counts what the delete would take with it.
 */
export async function dryRunRecords(
	this: IExecuteFunctions,
	plan: DeletionPlan,
	options: DeleteOptions,
	connection: PortalConnection,
): Promise<INodeExecutionData[]> {
	const read = await settle(async () => {
		const reader = await openRecordReader.call(this, plan.ids, connection, {
			files: options.files,
		});
		const reads = [];
		for (let offset = 0; offset < plan.ids.length; offset += options.batchSize) {
			reads.push(...(await reader.read(plan.ids.slice(offset, offset + options.batchSize))));
		}
		return new Map(reads);
	});
	if (!read.ok) {
		const error = recordsUnreadError.call(this, read.error, plan, 'Dry run: nothing was deleted.');
		return failItems.call(this, error, plan, plan.ids);
	}
	const items: INodeExecutionData[] = [];
	const wouldNotDelete: number[] = [];
	const unreadable: number[] = [];
	for (const id of plan.ids) {
		const record = read.value.get(id);
		const requesters = plan.requesters.get(id) ?? [];
		if (record?.kind === 'read') {
			const json = options.simplify ? simplifyRecord(record.json) : record.json;
			items.push({ ...toItem(json, requesters), ...(record.binary && { binary: record.binary }) });
		} else if (record?.kind === 'unreadable') {
			unreadable.push(id);
			const message = notRecordedMessage(id, record).replace(
				'was not deleted',
				'would not be deleted',
			);
			items.push(toItem({ id, deleted: false, error: message }, requesters));
		} else if (record) {
			wouldNotDelete.push(id);
			if (options.notDeleted === 'output')
				items.push(
					toItem(
						{
							id,
							deleted: false,
							reason: 'would not be deleted: it does not exist, or this user may not read it',
						},
						requesters,
					),
				);
		}
	}
	const total = countRecords(read.value.values());
	this.addExecutionHints({
		message: `Dry run: nothing was deleted. A delete would take ${describeCounts(total)}.${unreadable.length > 0 ? ` ${unreadable.length} opportunities would not be deleted because their records could not be read: ${formatIds(unreadable)}.` : ''}`,
		location: 'outputPane',
	});
	if (options.notDeleted === 'fail' && wouldNotDelete.length > 0) {
		const error = new NodeOperationError(
			this.getNode(),
			`Dry run: ${wouldNotDelete.length} of the ${plan.ids.length} opportunities would not be deleted: ${formatIds(wouldNotDelete)}`,
			{
				itemIndex: itemsNaming(plan, wouldNotDelete)[0],
				description:
					'They do not exist, or this user may not read them. To let such IDs pass, set IDs Not Deleted to Ignore or Output an Item.',
			},
		);
		return [...items, ...failItems.call(this, error, plan, wouldNotDelete)];
	}
	return items;
}
