/**
 * Comparing a node's whole records with what the stand-in portal held (portal.recordOf), for the in-process,
 * real-n8n and queue suites alike: both reduced to the same view (lists sorted by ID, the grouping key and the
 * node's file marks left out), so that a lost or changed part shows as a difference.
 */
type Json = Record<string, unknown>;

export interface PortalRecord {
	deal: Json;
	tags: string[];
	history: Json[];
	tasks: Json[];
	files: Array<{ id: number; title: string; contentType: string; bytes: Buffer }>;
}

const byId = (a: Json, b: Json) => Number(a.id) - Number(b.id);
const withoutEntity = ({ entity: _entity, ...rest }: Json) => rest;
const sortedFields = (deal: Json) => ({
	...deal,
	customFields: [...((deal.customFields as Json[] | undefined) ?? [])].sort(byId),
});

/** What the portal held, as the node must output it. */
export function expectedRecord(record: PortalRecord): Json {
	return {
		deal: sortedFields(record.deal),
		tags: [...record.tags].sort(),
		history: record.history.map(withoutEntity).sort(byId),
		tasks: record.tasks
			.map((task) => ({ ...withoutEntity(task), isClosed: task.isClosed === true }))
			.sort(byId),
	};
}

/** An output item's json in the same view. */
export function recordView(json: Json): Json {
	const { tags, history, tasks, contacts: _contacts, archive: _archive, ...deal } = json;
	const unmark = (event: Json) =>
		Array.isArray(event.files)
			? {
					...event,
					files: (event.files as Json[]).map(
						({ binaryProperty: _property, fileKey: _key, ...file }) => file,
					),
				}
			: event;
	return {
		deal: sortedFields(deal),
		tags: [...((tags as string[] | undefined) ?? [])].sort(),
		history: ((history as Json[] | undefined) ?? []).map(unmark).sort(byId),
		tasks: [...((tasks as Json[] | undefined) ?? [])].sort(byId),
	};
}

/**
 * A Code node that reads every binary of every item back through n8n (`getBinaryDataBuffer`, whatever the
 * binary-data mode) and outputs `{ id, files: { <binary key>: { base64, fileName, mimeType, id } } }`.
 */
export const READ_FILES_CODE = [
	'const out = [];',
	'const items = $input.all();',
	'for (let i = 0; i < items.length; i++) {',
	'  const files = {};',
	'  for (const [key, meta] of Object.entries(items[i].binary ?? {})) {',
	'    const bytes = await this.helpers.getBinaryDataBuffer(i, key);',
	'    files[key] = { base64: bytes.toString("base64"), fileName: meta.fileName, mimeType: meta.mimeType, id: meta.id ?? null };',
	'  }',
	'  out.push({ json: { id: items[i].json.id, files } });',
	'}',
	'return out;',
].join('\n');

/** A file as the stand-in portal holds it. */
export interface PortalFile {
	id: number;
	title: string;
	bytes: Buffer;
}

interface PortalWithRecords {
	opportunityIds(): number[];
	getOpportunity(id: number): unknown;
	recordOf(id: number): { files: PortalFile[] };
}

/** Each deal's files as the portal holds them now, copied: a later delete does not change them. */
export function filesHeld(portal: PortalWithRecords, ids: number[]): Map<number, PortalFile[]> {
	return new Map(
		ids.map((id) => [
			id,
			portal.recordOf(id).files.map((file) => ({
				id: file.id,
				title: file.title,
				bytes: Buffer.from(file.bytes),
			})),
		]),
	);
}

/** The deals the nightly example deletes: in stage `lostStageId`, closed before `cutoff` (epoch ms), by ID. */
export function lostClosedBefore(
	portal: PortalWithRecords,
	lostStageId: number,
	cutoff: number,
): number[] {
	return portal
		.opportunityIds()
		.map(
			(id) =>
				portal.getOpportunity(id) as {
					id: number;
					stageId: number;
					actualCloseDate: number | null;
				},
		)
		.filter(
			(d) => d.stageId === lostStageId && d.actualCloseDate !== null && d.actualCloseDate < cutoff,
		)
		.map((d) => d.id)
		.sort((a, b) => a - b);
}
