import type { IDataObject } from 'n8n-workflow';

import { dateMs, nested } from '../output/opportunityRecord';

/** The version of the record's shape (docs/whole-record.md); Restore refuses formats it does not know. */
export const RECORD_FORMAT = 1;

/** Said in every record: what of the files could not be kept. */
export const FILES_NOTE =
	'Only the current version of each file is kept: ONLYOFFICE deletes every older version with the deal.';

/** The parts of one deal's record, as read (from whichever request). */
export interface RecordParts {
	deal: IDataObject;
	tags: string[];
	history: IDataObject[];
	tasks: IDataObject[];
}

/**
 * The record of one deal (docs/whole-record.md): the deal as `GET opportunity/{id}` has it, plus its tags,
 * history, tasks, contacts and the archive stamp. `definitions` completes a deal read from the filter listing,
 * which leaves out the Heading fields and a public deal's empty access list.
 */
export function shapeRecord(
	parts: RecordParts,
	definitions: IDataObject[],
	archive: { archivedAt: string; portalUrl: string },
): IDataObject {
	const deal = asReadAlone(parts.deal, definitions);
	return {
		...deal,
		tags: [...parts.tags],
		history: oldestFirst(parts.history).map(withoutEntity),
		tasks: oldestFirst(parts.tasks).map((task) => ({
			...withoutEntity(task),
			isClosed: task.isClosed === true,
		})),
		contacts: contactsOf(deal),
		archive: { format: RECORD_FORMAT, ...archive, filesNote: FILES_NOTE },
	};
}

/** A deal as its own read returns it: every Heading field among the values, and `accessList` always there. */
function asReadAlone(deal: IDataObject, definitions: IDataObject[]): IDataObject {
	const values = Array.isArray(deal.customFields) ? (deal.customFields as IDataObject[]) : [];
	const present = new Set(values.map((value) => value.id));
	const headings: IDataObject[] = definitions
		.filter((field) => field.fieldType === HEADING && !present.has(field.id))
		.map((field) => {
			// A definition carries how many deals use the field and entity -1; a deal's Heading carries entity 0,
			// which ONLYOFFICE leaves out, as every zero.
			const { relativeItemsCount: _count, entityId: _entity, ...heading } = field;
			return { ...heading, fieldValue: '' };
		});
	const customFields = [...values, ...headings].sort(
		(a, b) => Number(a.position ?? 0) - Number(b.position ?? 0) || Number(a.id) - Number(b.id),
	);
	return { ...deal, accessList: deal.accessList ?? [], customFields };
}

/** ONLYOFFICE's field type of a Heading, which holds no value. */
const HEADING = 4;

/** The deal an event or task belongs to is the record itself; the grouping key says nothing more. */
function withoutEntity(record: IDataObject): IDataObject {
	const copy = { ...record };
	delete copy.entity;
	return copy;
}

function oldestFirst(records: IDataObject[]): IDataObject[] {
	return [...records].sort(
		(a, b) => (dateMs(a.created) ?? 0) - (dateMs(b.created) ?? 0) || Number(a.id) - Number(b.id),
	);
}

/** The deal's primary contact and its members, each once. */
function contactsOf(deal: IDataObject): IDataObject[] {
	const contacts = new Map<unknown, IDataObject>();
	const named = [deal.contact, ...(Array.isArray(deal.members) ? deal.members : [])];
	for (const contact of named.map(nested)) {
		if (contact.id !== undefined && !contacts.has(contact.id)) contacts.set(contact.id, contact);
	}
	return [...contacts.values()];
}
