import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { eachConcurrently, settle } from '../transport/concurrently';
import type { PortalConnection } from '../transport';
import { portalAddress, PortalFailure } from '../transport';
import {
	readDeal,
	readDealHistory,
	readDealTags,
	readDealTasks,
	readFieldDefinitions,
} from './dealReads';
import type { PortalWideParts } from './portalWideReads';
import { readPortalWide, stopsEveryRead } from './portalWideReads';
import { READ_CONCURRENCY, tryPortalWide } from './readPlan';
import { downloadFile, filesOf, markFiles } from './recordFiles';
import { shapeRecord } from './shapeRecord';

/** What a record holds, for hints such as "12 deals, with 40 notes, 9 files (3.2 MB) and 17 tasks". */
export interface RecordCounts {
	events: number;
	files: number;
	fileBytes: number;
	tasks: number;
}

/** What reading one deal's record gave. */
export type RecordRead =
	| { kind: 'read'; json: IDataObject; binary?: IBinaryKeyData; counts: RecordCounts }
	/** The deal does not exist or this user may not read it (`GET opportunity/{id}` answered 404). */
	| { kind: 'notFound' }
	/** A part could not be read completely: the deal must not be deleted. */
	| { kind: 'unreadable'; failure: PortalFailure };

export interface RecordReader {
	/**
	 * Reads the whole records of `ids` (a few deals at a time). A failure that would stop every read (the
	 * credential, CRM access) is thrown; any other failure makes only its deal `unreadable`.
	 */
	read(ids: number[]): Promise<Map<number, RecordRead>>;
}

export interface RecordOptions {
	/** Download each file as binary data (`download`) or describe it only (`listOnly`). */
	files: 'download' | 'listOnly';
	/** The deals, where the caller has read them already (a search): they are not read again. */
	deals?: Map<number, IDataObject>;
	/**
	 * The only tag names the deals can carry, where the caller knows them (a restore: the records' tags). Many
	 * deals' tags are then read with one listing per name, however many other tags the portal has.
	 */
	tagNames?: string[];
}

/**
 * Opens the record reading of a run over `ids`: reads the field definitions once and, for a run of many deals,
 * the portal-wide listings that cost fewer requests than per-deal reads (readPlan.ts). Those are read
 * now, once; each `read` then reads what is still missing, so a batch's records are complete just before the
 * batch is deleted.
 */
export async function openRecordReader(
	this: IExecuteFunctions,
	ids: number[],
	connection: PortalConnection,
	options: RecordOptions,
): Promise<RecordReader> {
	const portalUrl = await portalAddress.call(this, connection);
	const definitions = await readFieldDefinitions.call(this, connection);
	const wide: PortalWideParts = tryPortalWide(ids.length)
		? await readPortalWide.call(this, new Set(ids), connection, {
				dealsKnown: options.deals !== undefined,
				tagNames: options.tagNames,
			})
		: {};
	wide.deals ??= options.deals;
	const readOne = async (id: number): Promise<RecordRead> => {
		const deal = wide.deals?.get(id) ?? (await readDeal.call(this, id, connection));
		if (deal === undefined) return { kind: 'notFound' };
		// A 404 on the deal's tags: it was deleted since it was read.
		const tags = wide.tags
			? (wide.tags.get(id) ?? [])
			: await readDealTags.call(this, id, connection);
		if (tags === undefined) return { kind: 'notFound' };
		const history = wide.history
			? (wide.history.get(id) ?? [])
			: await readDealHistory.call(this, id, connection);
		const tasks = wide.tasks
			? (wide.tasks.get(id) ?? [])
			: await readDealTasks.call(this, id, connection);
		const files = filesOf(history);
		let binary: IBinaryKeyData | undefined;
		if (options.files === 'download') {
			binary = {};
			// One file at a time per deal: READ_CONCURRENCY deals at once bound the downloads in flight.
			for (const file of files)
				Object.assign(binary, await downloadFile.call(this, file, connection));
		}
		const json = shapeRecord(
			{ deal, tags, history: markFiles(id, history, binary), tasks },
			definitions,
			{ archivedAt: new Date().toISOString(), portalUrl },
		);
		const counts = {
			events: history.length,
			files: files.length,
			fileBytes: files.reduce((sum, file) => sum + (Number(file.pureContentLength) || 0), 0),
			tasks: tasks.length,
		};
		return { kind: 'read', json, ...(binary && files.length > 0 ? { binary } : {}), counts };
	};
	return {
		async read(batch) {
			const reads = new Map<number, RecordRead>();
			let stop: unknown;
			await eachConcurrently(batch, READ_CONCURRENCY, async (id) => {
				if (stop !== undefined) return;
				const outcome = await settle(() => readOne(id));
				if (outcome.ok) reads.set(id, outcome.value);
				else if (outcome.error instanceof PortalFailure && !stopsEveryRead(outcome.error))
					reads.set(id, { kind: 'unreadable', failure: outcome.error });
				else stop = outcome.error;
			});
			if (stop !== undefined) throw stop;
			return reads;
		},
	};
}

/** What a run's records hold in all. */
export type RunCounts = RecordCounts & { deals: number };

/** Adds what `reads` hold to `total` (a new total by default). */
export function countRecords(
	reads: Iterable<RecordRead>,
	total: RunCounts = { deals: 0, events: 0, files: 0, fileBytes: 0, tasks: 0 },
): RunCounts {
	for (const read of reads) if (read.kind === 'read') addCounts(total, read.counts);
	return total;
}

/** Adds one deal's record to `total`. */
export function addCounts(total: RunCounts, counts: RecordCounts): void {
	total.deals++;
	total.events += counts.events;
	total.files += counts.files;
	total.fileBytes += counts.fileBytes;
	total.tasks += counts.tasks;
}

/** "12 deals, with 40 history events, 9 files (3.2 MB) and 17 tasks". */
export function describeCounts(total: RunCounts): string {
	const megabytes = (total.fileBytes / 1_000_000).toFixed(1);
	return `${total.deals} ${total.deals === 1 ? 'deal' : 'deals'}, with ${total.events} history events (notes, calls, mails), ${total.files} files (${megabytes} MB) and ${total.tasks} tasks`;
}
