import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import { nested } from './opportunityRecord';

const UNSET_DATE = '0001-01-01T00:00:00.0000000Z';
const STAGE_TYPES = ['Open', 'ClosedAndWon', 'ClosedAndLost'];

export function pairedTo(itemIndexes: number[]): IPairedItemData | IPairedItemData[] {
	return itemIndexes.length === 1
		? { item: itemIndexes[0] }
		: itemIndexes.map((item) => ({ item }));
}

export function toItem(json: IDataObject, itemIndexes: number[]): INodeExecutionData {
	return { json, pairedItem: pairedTo(itemIndexes) };
}

/**
 * A flat record for users who want a table, not ONLYOFFICE's nested objects: the ten fields (n8n's limit for a
 * simplified output) that tell which opportunity it was. An unset close date becomes null.
 */
export function simplifyOpportunity(record: IDataObject): IDataObject {
	const stage = nested(record.stage);
	const currency = nested(record.bidCurrency);
	return {
		id: record.id,
		title: record.title,
		description: record.description ?? '',
		stage: stage.title ?? null,
		stageType: STAGE_TYPES[Number(stage.stageType ?? 0)] ?? null,
		bidValue: Number(record.bidValue ?? 0),
		bidCurrency: currency.abbreviation ?? null,
		responsible: nested(record.responsible).displayName ?? null,
		contact: nested(record.contact).displayName ?? null,
		expectedCloseDate: dateOrNull(record.expectedCloseDate),
	};
}

function dateOrNull(value: unknown): string | null {
	return typeof value === 'string' && value !== '' && value !== UNSET_DATE ? value : null;
}

/** The keys a whole record adds to the deal (docs/whole-record.md). */
const RECORD_PARTS = ['tags', 'history', 'tasks', 'contacts', 'archive'] as const;

/**
 * Simplify for a whole record: the deal's own fields shrink to the ten; its tags, history, tasks, contacts and
 * archive stay whole, and the archive keeps the deal's own fields as read (`archive.deal`), since a record that
 * loses any of them can no longer be restored.
 */
export function simplifyRecord(record: IDataObject): IDataObject {
	const simplified = simplifyOpportunity(record);
	for (const key of RECORD_PARTS) if (key in record) simplified[key] = record[key];
	if (typeof record.archive === 'object' && record.archive !== null) {
		const deal = Object.fromEntries(
			Object.entries(record).filter(([key]) => !(RECORD_PARTS as readonly string[]).includes(key)),
		);
		simplified.archive = { ...(record.archive as IDataObject), deal };
	}
	return simplified;
}
