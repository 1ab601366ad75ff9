import type { RecordReader, RunCounts } from '../common/record/readRecords';
import { countRecords } from '../common/record/readRecords';
import type { IdOutcome, RecordFirst } from './deleteInBatches';
import type { KeptRecord } from './deletionOutput';

/** The records a run read before deleting, by deal ID, and what they hold in all. */
export interface RecordKeeping {
	recordFirst: RecordFirst;
	kept: Map<number, KeptRecord>;
	counts: RunCounts;
}

/**
 * Makes the batch gate of a whole-record delete: each batch's records are read just before it is deleted, and
 * only deals whose records were read completely go on to be deleted. A deal that is gone counts as today's
 * "not deleted"; one whose record could not be read is held back and reported.
 */
export function keepRecordsFirst(reader: RecordReader): RecordKeeping {
	const kept = new Map<number, KeptRecord>();
	const counts = countRecords([]);
	const recordFirst: RecordFirst = async (batch) => {
		const reads = await reader.read(batch);
		countRecords(reads.values(), counts);
		const deletable: number[] = [];
		const held = new Map<number, IdOutcome>();
		for (const id of batch) {
			const read = reads.get(id);
			if (read?.kind === 'read') {
				kept.set(id, { json: read.json, binary: read.binary, counts: read.counts });
				deletable.push(id);
			} else if (read?.kind === 'unreadable') {
				held.set(id, { status: 'notRecorded', failure: read.failure });
			} else {
				held.set(id, { status: 'notDeleted' });
			}
		}
		return { deletable, held };
	};
	return { recordFirst, kept, counts };
}
