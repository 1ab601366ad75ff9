import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { simplifyRecord, toItem } from '../common/output/opportunityOutput';
import { openRecordReader } from '../common/record/readRecords';
import type { PortalConnection } from '../common/transport';

/** Deals read whole at a time: a batch's files are in n8n's binary store before the next batch is read. */
const BATCH = 100;

/**
 * Record = Whole Record: the whole record of each deal found, in the search's order. A deal deleted since the
 * search is left out; one whose record could not be read completely gives an item saying so, so a backup
 * never silently lacks a deal.
 */
export async function wholeRecords(
	this: IExecuteFunctions,
	deals: IDataObject[],
	options: { files: 'download' | 'listOnly'; simplify: boolean; itemIndex: number },
	connection: PortalConnection,
): Promise<INodeExecutionData[]> {
	const ids = deals.map((deal) => Number(deal.id));
	const reader = await openRecordReader.call(this, ids, connection, {
		files: options.files,
		deals: new Map(deals.map((deal) => [Number(deal.id), deal])),
	});
	const items: INodeExecutionData[] = [];
	for (let offset = 0; offset < ids.length; offset += BATCH) {
		const batch = ids.slice(offset, offset + BATCH);
		const reads = await reader.read(batch);
		for (const id of batch) {
			const read = reads.get(id);
			if (read?.kind === 'read') {
				const json = options.simplify ? simplifyRecord(read.json) : read.json;
				items.push({
					...toItem(json, [options.itemIndex]),
					...(read.binary && { binary: read.binary }),
				});
			} else if (read?.kind === 'unreadable') {
				items.push(
					toItem(
						{
							id,
							error: `The record of opportunity ${id} could not be read completely (${read.failure.message}). ${read.failure.hint}`,
						},
						[options.itemIndex],
					),
				);
			}
		}
	}
	return items;
}
