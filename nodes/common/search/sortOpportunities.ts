import type { IDataObject } from 'n8n-workflow';

import { dateMs, nested } from '../output/opportunityRecord';

export type SortField = 'id' | 'title' | 'closeDate' | 'bidValue' | 'stage' | 'responsible';
export type SortOrder = 'ascending' | 'descending';

export interface OpportunitySort {
	sortBy: SortField;
	sortOrder: SortOrder;
}

/** By ID: the one order that stays put while deals are added or moved, so paging by it is stable. */
export const DEFAULT_SORT: OpportunitySort = { sortBy: 'id', sortOrder: 'ascending' };

/** Sorts that need the portal's stage order, which the records themselves do not carry. */
export function needsStageOrder(sort: OpportunitySort): boolean {
	return sort.sortBy === 'stage' || sort.sortBy === 'responsible';
}

/** DateTime.MinValue as a sort key: an unset date sorts first ascending and last descending, as in SQL. */
const UNSET = Number.NEGATIVE_INFINITY;

type Key = number | string;
type Compare = (a: IDataObject, b: IDataObject) => number;

/**
 * ONLYOFFICE's ORDER BY for each sort, for results gathered over several pages (read by ID) and sorted here:
 * the same order the server gives one page. Ties by ID ascending. `stageOrder` maps a stage ID to its
 * position in the portal's pipeline (needed for `stage` and `responsible`).
 */
export function compareOpportunities(
	sort: OpportunitySort,
	stageOrder: Map<number, number> = new Map(),
): Compare {
	const dir = sort.sortOrder === 'descending' ? -1 : 1;
	const stage = (d: IDataObject) => stageOrder.get(Number(nested(d.stage).id)) ?? 0;
	// The server's order within a stage: contact, then actual close date newest first, expected, title.
	const byStageThenRest = (direction: number) =>
		then(
			by(stage, direction),
			by((d) => Number(nested(d.contact).id ?? 0)),
			by((d) => dateKey(d.actualCloseDate), -1),
			by((d) => dateKey(d.expectedCloseDate)),
			by(title),
		);
	const primary: Record<SortField, Compare> = {
		id: by((d) => Number(d.id), dir),
		title: by(title, dir),
		closeDate: by(closeDateKey, dir),
		bidValue: by((d) => Number(d.bidValue ?? 0), dir),
		stage: byStageThenRest(dir),
		// GUIDs compare as text, as in the database.
		responsible: then(
			by((d) => String(nested(d.responsible).id ?? '').toLowerCase(), dir),
			byStageThenRest(dir),
		),
	};
	return then(
		primary[sort.sortBy],
		by((d) => Number(d.id)),
	);
}

/** The date the close-date filter and sort use: expected while the stage is open, actual once closed. */
export function closeDateKey(record: IDataObject): number {
	const open = Number(nested(record.stage).stageType ?? 0) === 0;
	return dateKey(open ? record.expectedCloseDate : record.actualCloseDate);
}

function dateKey(value: unknown): number {
	return dateMs(value) ?? UNSET;
}

function title(record: IDataObject): string {
	return String(record.title ?? '').toLowerCase();
}

function by(key: (record: IDataObject) => Key, direction = 1): Compare {
	return (a, b) => {
		const ka = key(a);
		const kb = key(b);
		return ka < kb ? -direction : ka > kb ? direction : 0;
	};
}

function then(...parts: Compare[]): Compare {
	return (a, b) => {
		for (const part of parts) {
			const result = part(a, b);
			if (result !== 0) return result;
		}
		return 0;
	};
}
