import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

/**
 * What the node answers as an AI tool: for each deal its ID, title, what became of it and what its record
 * held, not the record. A model reads every item's JSON, and a few deleted deals' records would fill its
 * context with notes and field values it does not need. The record itself stays on the item as the binary
 * `record` (a JSON file), which models are not sent, so the execution still holds what the delete took.
 * Error items and IDs without a record are answered as they are: they are short and say what happened.
 */
export async function toolAnswer(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	dryRun: boolean,
): Promise<INodeExecutionData[]> {
	return await Promise.all(
		items.map(async (item) => {
			const { json } = item;
			// An ID without a record ({ id, deleted, reason }) is already short.
			if (json.title === undefined || json.error !== undefined) return item;
			const record = await this.helpers.prepareBinaryData(
				Buffer.from(JSON.stringify(json)),
				`opportunity-${json.id}.json`,
				'application/json',
			);
			return {
				json: summaryOf(json, dryRun),
				binary: { ...item.binary, record },
				pairedItem: item.pairedItem,
			};
		}),
	);
}

function summaryOf(json: IDataObject, dryRun: boolean): IDataObject {
	const summary: IDataObject = { id: json.id, title: json.title };
	if (dryRun) summary.dryRun = 'not deleted: this is a dry run';
	else summary.deleted = json.deleted === undefined ? true : json.deleted;
	if (json.reason !== undefined) summary.reason = json.reason;
	if (Array.isArray(json.history)) {
		const history = json.history as IDataObject[];
		summary.historyEvents = history.length;
		summary.files = history.reduce(
			(count, event) => count + (Array.isArray(event.files) ? event.files.length : 0),
			0,
		);
	}
	if (Array.isArray(json.tasks)) summary.tasks = json.tasks.length;
	return summary;
}
