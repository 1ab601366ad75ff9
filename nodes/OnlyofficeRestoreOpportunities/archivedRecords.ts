import type { IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { nested } from '../common/output/opportunityRecord';
import { RECORD_FORMAT } from '../common/record/shapeRecord';

/** One file of a kept record, and where its bytes are on the item (undefined: the record lists it only). */
export interface ArchivedFile {
	file: IDataObject;
	binaryProperty?: string;
}

/** One item's record, checked: what the restore reads from it. */
export interface ArchivedRecord {
	itemIndex: number;
	/** The deal's ID before it was deleted. */
	oldId: number;
	archivedAt: string;
	deal: IDataObject;
	tags: string[];
	history: IDataObject[];
	tasks: IDataObject[];
	/** The files of each event, by the event's position in `history`. */
	files: Map<number, ArchivedFile[]>;
}

/** A record kept as text larger than this is refused before it is parsed: no deal's record comes near it. */
export const MAX_RECORD_TEXT = 64 * 1024 * 1024;
/** ONLYOFFICE keeps at most this many characters of an event's text. */
const MAX_EVENT_CHARACTERS = 65_000;

/** The parts of the deal a restore cannot do without; a simplified record (Simplify on) lacks them. */
const REQUIRED_DEAL_PARTS: Array<[string, (deal: IDataObject) => boolean]> = [
	['title', (deal) => typeof deal.title === 'string' && deal.title.trim() !== ''],
	['created', (deal) => typeof deal.created === 'string'],
	['stage.id', (deal) => Number.isInteger(nested(deal.stage).id)],
	['responsible.id', (deal) => typeof nested(deal.responsible).id === 'string'],
	['bidCurrency.abbreviation', (deal) => typeof nested(deal.bidCurrency).abbreviation === 'string'],
];

/** The records to restore, and under Continue On Fail the items refused (each an error for its own item). */
export interface CheckedRecords {
	records: ArchivedRecord[];
	refused: NodeOperationError[];
}

/**
 * Reads and checks every item's record before the first request: one that cannot be restored whole stops the
 * run with a message naming the item and what is wrong, and nothing is created. Under Continue On Fail only
 * that item is refused and the others are restored.
 */
export function readArchivedRecords(this: IExecuteFunctions): CheckedRecords {
	const firstOf = new Map<number, number>();
	const checked: CheckedRecords = { records: [], refused: [] };
	this.getInputData().forEach((item, itemIndex) => {
		const problem = (message: string, description: string) =>
			new NodeOperationError(
				this.getNode(),
				`Item ${itemIndex}: ${message}. Nothing was restored.`,
				{
					itemIndex,
					description,
				},
			);
		try {
			const json = parseRecord(this.getNodeParameter('record', itemIndex), problem);
			const record = checkRecord(json, item.binary, itemIndex, problem);
			// Restored a few at a time, two items of one deal would each create it: the second is refused.
			const first = firstOf.get(record.oldId);
			if (first !== undefined)
				throw problem(
					`Record is the record of deal ${record.oldId}, as is item ${first}'s`,
					'Give the node each deleted deal once, e.g. with a Remove Duplicates node (compare the field id) before it.',
				);
			firstOf.set(record.oldId, itemIndex);
			checked.records.push(record);
		} catch (error) {
			const refusal =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			if (!this.continueOnFail()) throw refusal;
			checked.refused.push(refusal);
		}
	});
	return checked;
}

type Problem = (message: string, description: string) => NodeOperationError;

const USE_WHOLE_RECORD =
	'Restore from what ONLYOFFICE Delete Opportunities output with Record = Whole Record (or Get Opportunities with Record = Whole Record), unchanged.';

function parseRecord(value: unknown, problem: Problem): IDataObject {
	if (typeof value === 'string') {
		const text = value;
		if (text.length > MAX_RECORD_TEXT) {
			throw problem(
				`Record is ${text.length} characters of text, more than a deal's record can be (${MAX_RECORD_TEXT})`,
				'Check that Record holds one deal’s record, not a whole table or file of them.',
			);
		}
		try {
			value = JSON.parse(text) as unknown;
		} catch (error) {
			throw problem(
				`Record is not JSON (${(error as Error).message}): "${text.slice(0, 40)}${text.length > 40 ? '…' : ''}"`,
				`Record takes the record as the item holds it, or as JSON text. ${USE_WHOLE_RECORD}`,
			);
		}
	}
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw problem(
			`Record is ${value === null ? 'null' : Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`}, not one deal's record`,
			USE_WHOLE_RECORD,
		);
	}
	return value as IDataObject;
}

function checkRecord(
	json: IDataObject,
	binary: IBinaryKeyData | undefined,
	itemIndex: number,
	problem: Problem,
): ArchivedRecord {
	const archive = nested(json.archive);
	if (json.archive === undefined) {
		throw problem(
			'Record is not a whole record: it has no "archive" stamp',
			`Deal Only output cannot be restored. ${USE_WHOLE_RECORD}`,
		);
	}
	if (archive.format !== RECORD_FORMAT) {
		throw problem(
			`Record is of format ${JSON.stringify(archive.format)}, which this version of the node does not know (it reads format ${RECORD_FORMAT})`,
			'Update n8n-nodes-onlyoffice-crm to the version that wrote the record, or a later one.',
		);
	}
	// A simplified record (Simplify on) keeps the deal's own fields as read in its archive stamp.
	if (typeof archive.deal === 'object' && archive.deal !== null && !Array.isArray(archive.deal))
		json = {
			...(archive.deal as IDataObject),
			tags: json.tags,
			history: json.history,
			tasks: json.tasks,
			contacts: json.contacts,
			archive: json.archive,
		};
	const oldId = json.id;
	if (!Number.isInteger(oldId) || (oldId as number) <= 0) {
		throw problem(`Record has no deal ID (id is ${JSON.stringify(oldId)})`, USE_WHOLE_RECORD);
	}
	const missing = REQUIRED_DEAL_PARTS.filter(([, present]) => !present(json)).map(([key]) => key);
	if (missing.length > 0) {
		throw problem(
			`The record of deal ${oldId} lacks ${missing.join(', ')}${'stageType' in json ? ': it was simplified (Simplify was on in the node that wrote it)' : ''}`,
			`A simplified or edited record cannot be restored whole. ${USE_WHOLE_RECORD}`,
		);
	}
	const history = listOf(json.history, 'history', oldId as number, problem);
	const tasks = listOf(json.tasks, 'tasks', oldId as number, problem);
	const tags = json.tags;
	if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== 'string')) {
		throw problem(`The record of deal ${oldId} has no list of tag names`, USE_WHOLE_RECORD);
	}
	for (const event of history) {
		const content = event.content;
		if (typeof content !== 'string' || content.length > MAX_EVENT_CHARACTERS) {
			throw problem(
				`The record of deal ${oldId} has a history event (${JSON.stringify(event.id)}) whose text ${typeof content === 'string' ? `is ${content.length} characters, more than ONLYOFFICE keeps (${MAX_EVENT_CHARACTERS})` : 'is missing'}`,
				USE_WHOLE_RECORD,
			);
		}
		if (!Number.isInteger(nested(event.category).id) || typeof event.created !== 'string') {
			throw problem(
				`The record of deal ${oldId} has a history event (${JSON.stringify(event.id)}) without its category or date`,
				USE_WHOLE_RECORD,
			);
		}
		if (event.files !== undefined && !Array.isArray(event.files)) {
			throw problem(
				`The record of deal ${oldId} has a history event (${JSON.stringify(event.id)}) whose files are not a list`,
				USE_WHOLE_RECORD,
			);
		}
	}
	for (const task of tasks) {
		if (
			typeof task.title !== 'string' ||
			task.title === '' ||
			typeof task.deadLine !== 'string' ||
			!Number.isInteger(nested(task.category).id)
		) {
			throw problem(
				`The record of deal ${oldId} has a task (${JSON.stringify(task.id)}) without its title, deadline or category`,
				USE_WHOLE_RECORD,
			);
		}
	}
	const files = findFiles(history, binary, oldId as number, problem);
	return {
		itemIndex,
		oldId: oldId as number,
		archivedAt: typeof archive.archivedAt === 'string' ? archive.archivedAt : '',
		deal: json,
		tags: tags as string[],
		history,
		tasks,
		files,
	};
}

function listOf(value: unknown, key: string, oldId: number, problem: Problem): IDataObject[] {
	if (
		!Array.isArray(value) ||
		value.some((entry) => typeof entry !== 'object' || entry === null || Array.isArray(entry))
	) {
		throw problem(`The record of deal ${oldId} has no list of ${key}`, USE_WHOLE_RECORD);
	}
	return value as IDataObject[];
}

/**
 * Where each file's bytes are on the item: under the record's `binaryProperty`, or, after a node renamed the
 * binary keys (Aggregate, Read Files from Disk), the one binary named by the file's `fileKey` or, failing
 * that, its title. A file the record says was kept (it has a `binaryProperty`) whose bytes are not on the
 * item stops the run: restoring without it would lose it for good.
 */
function findFiles(
	history: IDataObject[],
	binary: IBinaryKeyData | undefined,
	oldId: number,
	problem: Problem,
): Map<number, ArchivedFile[]> {
	const binaries = Object.entries(binary ?? {});
	const byName = (name: unknown) => {
		const named = binaries.filter(([, data]) => data.fileName === name);
		return named.length === 1 ? named[0][0] : undefined;
	};
	const found = new Map<number, ArchivedFile[]>();
	const lost: string[] = [];
	history.forEach((event, position) => {
		const files = ((event.files as IDataObject[] | undefined) ?? []).map((file) => {
			if (file.binaryProperty === undefined) return { file };
			const property =
				(typeof file.binaryProperty === 'string' && binary?.[file.binaryProperty]
					? file.binaryProperty
					: undefined) ??
				byName(file.fileKey) ??
				byName(file.title);
			if (property === undefined)
				lost.push(`"${String(file.title)}" (${String(file.binaryProperty)})`);
			return { file, binaryProperty: property };
		});
		found.set(position, files);
	});
	if (lost.length > 0) {
		throw problem(
			`The record of deal ${oldId} names files whose content is not on the item: ${lost.join(', ')}`,
			'Pass each file to this node as the item’s binary data, under the name the Delete node gave it (file_ followed by its ID) or named by its fileKey, e.g. with Read Files from Disk and Merge.',
		);
	}
	return found;
}
