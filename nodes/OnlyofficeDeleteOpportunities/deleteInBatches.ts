import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { PortalConnection } from '../common/transport';
import { PORTAL_MESSAGES } from '../common/transport/portalMessages';
import { callPortal, PortalFailure } from '../common/transport';

/** What became of one requested ID. */
export type IdOutcome =
	| { status: 'deleted'; record: IDataObject }
	| { status: 'deletedWithoutRecord' }
	| { status: 'mayHaveBeenDeleted'; reason: string }
	| { status: 'notDeleted' }
	/** Left undeleted because its whole record could not be read first. */
	| { status: 'notRecorded'; failure: PortalFailure }
	| { status: 'failed'; failure: PortalFailure }
	| { status: 'notAttempted' };

/**
 * Runs just before a batch is deleted (Record = Whole Record): reads the batch's records and answers which IDs
 * may be deleted, and what became of the others. A throw stops the run as a failed delete would.
 */
export type RecordFirst = (
	batch: number[],
) => Promise<{ deletable: number[]; held: Map<number, IdOutcome> }>;

export interface DeletionReport {
	outcomes: Map<number, IdOutcome>;
	/** The failure that stopped the run, if one did; the IDs after it are `notAttempted`. */
	failure?: PortalFailure;
}

/**
 * Deletes `ids` with one bulk request per batch and records what happened to each ID. Stops at the first
 * batch that fails for good, so that a broken portal or credential is not hit again for every batch.
 */
export async function deleteInBatches(
	this: IExecuteFunctions,
	ids: number[],
	batchSize: number,
	connection: PortalConnection,
	recordFirst?: RecordFirst,
): Promise<DeletionReport> {
	const outcomes = new Map<number, IdOutcome>();
	let batchLimit = batchSize;
	for (let offset = 0; offset < ids.length; ) {
		const requested = ids.slice(offset, offset + batchLimit);
		let batch = requested;
		let records: Map<number, IDataObject>;
		let answer;
		try {
			if (recordFirst) {
				const { deletable, held } = await recordFirst(requested);
				for (const [id, outcome] of held) outcomes.set(id, outcome);
				batch = deletable;
				if (batch.length === 0) {
					offset += requested.length;
					continue;
				}
			}
			answer = await callPortal.call(
				this,
				{ method: 'PUT', path: '/api/2.0/crm/opportunity.json', body: { opportunityids: batch } },
				connection,
			);
			records = deletedRecords(answer.envelope.response);
		} catch (error) {
			if (!(error instanceof PortalFailure))
				throw new NodeApiError(this.getNode(), error as JsonObject);
			for (const id of batch) outcomes.set(id, { status: 'failed', failure: error });
			for (const id of ids.slice(offset + requested.length))
				outcomes.set(id, { status: 'notAttempted' });
			return { outcomes, failure: error };
		}
		const returned = recordBatch(
			batch,
			records,
			answer.envelope.total,
			answer.interrupted,
			outcomes,
		);
		// A portal whose response cap is below our batch size would keep hiding records: stay under its cap.
		if (
			returned < batch.length &&
			typeof answer.envelope.total === 'number' &&
			answer.envelope.total > returned
		) {
			batchLimit = Math.max(1, returned);
		}
		offset += requested.length;
	}
	return { outcomes };
}

function deletedRecords(response: unknown): Map<number, IDataObject> {
	const byId = new Map<number, IDataObject>();
	if (!Array.isArray(response)) {
		throw new PortalFailure(
			'ONLYOFFICE answered the delete without a list of deleted opportunities',
			'unknown',
			`${PORTAL_MESSAGES.checkUrl} Then check in ONLYOFFICE which opportunities are gone.`,
		);
	}
	for (const record of response as IDataObject[]) {
		if (typeof record?.id === 'number') byId.set(record.id, record);
	}
	return byId;
}

/** Files each ID of the batch under its outcome; returns how many records came back. */
function recordBatch(
	batch: number[],
	records: Map<number, IDataObject>,
	total: number | undefined,
	interrupted: boolean,
	outcomes: Map<number, IdOutcome>,
): number {
	const missing = batch.filter((id) => !records.has(id));
	const deletedButNotReturned =
		typeof total === 'number' ? total - (batch.length - missing.length) : 0;
	for (const id of batch) {
		const record = records.get(id);
		if (record) outcomes.set(id, { status: 'deleted', record });
	}
	for (const id of missing) {
		if (deletedButNotReturned > 0 && deletedButNotReturned === missing.length) {
			outcomes.set(id, { status: 'deletedWithoutRecord' });
		} else if (deletedButNotReturned > 0) {
			outcomes.set(id, {
				status: 'mayHaveBeenDeleted',
				reason: `the portal deleted ${deletedButNotReturned} more opportunities of this request than it returned`,
			});
		} else if (interrupted) {
			outcomes.set(id, {
				status: 'mayHaveBeenDeleted',
				reason: 'may have been deleted by the interrupted attempt',
			});
		} else {
			outcomes.set(id, { status: 'notDeleted' });
		}
	}
	return batch.length - missing.length;
}
