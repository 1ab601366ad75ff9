import type { IBinaryKeyData, IDataObject } from 'n8n-workflow';

import { simplifyOpportunity, simplifyRecord } from '../common/output/opportunityOutput';
import type { RecordCounts } from '../common/record/readRecords';
import type { PortalFailure } from '../common/transport';
import type { IdOutcome } from './deleteInBatches';

/** What a user reads for an ID that produced no record. */
const REASONS = {
	notDeleted:
		'ONLYOFFICE did not delete it: it does not exist, was already deleted, or this user may not delete it',
	deletedWithoutRecord: 'deleted; the portal did not return its record',
} as const;

/**
 * The output item of one ID, or none. Records and uncertain outcomes are always output, since losing track
 * of a deletion is worse than an extra item; plain "not deleted" only when the user asked for it.
 */
export function outputFor(
	id: number,
	outcome: IdOutcome,
	options: { simplify: boolean; outputNotDeleted: boolean },
): IDataObject | undefined {
	switch (outcome.status) {
		case 'deleted':
			return options.simplify ? simplifyOpportunity(outcome.record) : outcome.record;
		case 'deletedWithoutRecord':
			return { id, deleted: true, reason: REASONS.deletedWithoutRecord };
		case 'mayHaveBeenDeleted':
			return { id, deleted: null, reason: outcome.reason };
		case 'notDeleted':
			return options.outputNotDeleted
				? { id, deleted: false, reason: REASONS.notDeleted }
				: undefined;
		default:
			return undefined;
	}
}

/**
 * The output item of one ID (without its pairing), or none: its whole record where one was read first, else
 * what `outputFor` says. A deal held back because its record could not be read always gets an item.
 */
export function deletionItem(
	id: number,
	outcome: IdOutcome,
	kept: KeptRecord | undefined,
	options: { simplify: boolean; outputNotDeleted: boolean },
): Omit<KeptRecord, 'counts'> | undefined {
	if (outcome.status === 'notRecorded')
		return { json: { id, deleted: false, error: notRecordedMessage(id, outcome) } };
	const recorded = kept && recordOutputFor(outcome, kept, options);
	if (recorded) return recorded;
	const json = outputFor(id, outcome, options);
	return json && { json };
}

/** A deal's whole record, read before it was deleted. */
export interface KeptRecord {
	json: IDataObject;
	binary?: IBinaryKeyData;
	counts: RecordCounts;
}

/**
 * The output item of an ID whose record was read first (Record = Whole Record), or undefined where the record
 * does not belong in the output (not deleted, or a failure reported by an error item). A deal that may have
 * been deleted is output with its record, "deleted": null and why: the record is all that is left of it.
 */
function recordOutputFor(
	outcome: IdOutcome,
	kept: KeptRecord,
	options: { simplify: boolean },
): Omit<KeptRecord, 'counts'> | undefined {
	const json = options.simplify ? simplifyRecord(kept.json) : { ...kept.json };
	const binary = kept.binary ? { binary: kept.binary } : {};
	switch (outcome.status) {
		case 'deleted':
		case 'deletedWithoutRecord':
			return { json, ...binary };
		case 'mayHaveBeenDeleted':
			return { json: { ...json, deleted: null, reason: outcome.reason }, ...binary };
		case 'failed':
			return outcome.failure.effect === 'unknown'
				? {
						json: {
							...json,
							deleted: null,
							reason: `the delete broke off: ${outcome.failure.message}`,
						},
						...binary,
					}
				: undefined;
		default:
			return undefined;
	}
}

/** What a user reads for a deal left undeleted because its record could not be read. */
export function notRecordedMessage(id: number, outcome: { failure: PortalFailure }): string {
	return `Opportunity ${id} was not deleted: its record could not be read completely (${outcome.failure.message}). ${outcome.failure.hint}`;
}

/** IDs as short exact ranges ("1-1000, 1005"), so that even thousands fit in an error message. */
export function formatIds(ids: number[]): string {
	const sorted = [...ids].sort((a, b) => a - b);
	const parts: string[] = [];
	for (let start = 0; start < sorted.length; ) {
		let end = start;
		while (end + 1 < sorted.length && sorted[end + 1] === sorted[end] + 1) end++;
		parts.push(end === start ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`);
		start = end + 1;
	}
	return parts.join(', ');
}

/**
 * The per-status ID lists of a run, as lines for an error's description. Each ends in a period: n8n's editor
 * runs the lines together into one paragraph.
 */
export function describeOutcomes(outcomes: Map<number, IdOutcome>, ids?: number[]): string {
	const groups: Record<string, number[]> = {};
	for (const id of ids ?? outcomes.keys()) {
		const outcome = outcomes.get(id);
		if (outcome === undefined) continue;
		const label = OUTCOME_LABELS[outcomeKey(outcome)];
		(groups[label] ??= []).push(id);
	}
	return Object.values(OUTCOME_LABELS)
		.filter((label) => groups[label])
		.map((label) => `${label} (${groups[label].length}): ${formatIds(groups[label])}.`)
		.join('\n');
}

const OUTCOME_LABELS = {
	deleted: 'Deleted',
	mayHaveBeenDeleted: 'May have been deleted (check in ONLYOFFICE)',
	notDeleted: 'Not deleted',
	notRecorded: 'Not deleted, because their records could not be read',
	notAttempted: 'Not attempted',
} as const;

function outcomeKey(outcome: IdOutcome): keyof typeof OUTCOME_LABELS {
	switch (outcome.status) {
		case 'deleted':
		case 'deletedWithoutRecord':
			return 'deleted';
		case 'mayHaveBeenDeleted':
			return 'mayHaveBeenDeleted';
		case 'failed':
			return outcome.failure.effect === 'unknown' ? 'mayHaveBeenDeleted' : 'notDeleted';
		default:
			return outcome.status;
	}
}
