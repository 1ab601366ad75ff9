/**
 * Compares a deal's whole record as it was kept (the Delete node's output item) with the restored deal read
 * back whole (the Restore node's output, or Get Opportunities with Record = Whole Record), field by field.
 * What the server cannot restore at all (README "Undo a delete": IDs, authors, files' dates and versions, the
 * restorer on a private deal's list, the marker tag) is left out of both sides; every other difference must be
 * explained by an entry of the output's `notRestored`, or it is returned as unexplained.
 */
type Json = Record<string, unknown>;

export interface NotRestoredEntry {
	part: string;
	id?: number | string;
	reason: string;
}

/** A deal's ID, author and list; the deal's ID in each value; the keys the nodes add. */
const DEAL_UNRESTORABLE = ['id', 'createBy', 'archive', 'contacts', 'restoredFrom'];
const ROW_UNRESTORABLE = ['id', 'createBy'];
const FILE_UNRESTORABLE = [
	'id',
	'viewUrl',
	'webUrl',
	'version',
	'versionGroup',
	'created',
	'createdBy',
	'updated',
	'updatedBy',
	'binaryProperty',
	'fileKey',
];
const MAIL_CATEGORY = -3;

const without = (row: Json, keys: string[]) =>
	Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));
const idOf = (value: unknown) => (value as Json | undefined)?.id;
const second = (date: unknown) => Math.floor(Date.parse(String(date)) / 1000);

/** One difference: where (`deal.stage`, `history[12].category`, `tasks[7]`), and the old ID it concerns. */
export interface Difference {
	path: string;
	kept: unknown;
	restored: unknown;
}

function compare(path: string, kept: unknown, restored: unknown, into: Difference[]) {
	if (JSON.stringify(kept) !== JSON.stringify(restored)) into.push({ path, kept, restored });
}

function compareRows(name: string, kept: Json[], restored: Json[], key: (row: Json) => string) {
	const differences: Difference[] = [];
	const pool = [...restored];
	for (const row of kept) {
		const at = pool.findIndex((candidate) => key(candidate) === key(row));
		const match = at < 0 ? undefined : pool.splice(at, 1)[0];
		if (!match) {
			differences.push({ path: `${name}[${String(row.id)}]`, kept: row, restored: undefined });
			continue;
		}
		// The deal an event or task belongs to has a new ID; its type and title stay.
		const restorable = (side: Json) => {
			const rest = without(side, ROW_UNRESTORABLE);
			if (rest.entity) rest.entity = without(rest.entity as Json, ['entityId']);
			return rest;
		};
		const a = restorable(row);
		const b = restorable(match);
		for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
			if (field === 'files') {
				const files = (side: Json) =>
					((side.files as Json[] | undefined) ?? []).map((file) =>
						without(file, FILE_UNRESTORABLE),
					);
				compare(`${name}[${String(row.id)}].files`, files(a), files(b), differences);
			} else compare(`${name}[${String(row.id)}].${field}`, a[field], b[field], differences);
		}
	}
	for (const extra of pool)
		differences.push({
			path: `${name}[new ${String(extra.id)}]`,
			kept: undefined,
			restored: extra,
		});
	return differences;
}

/** Every difference between the kept record and the restored read-back, before any is explained. */
export function recordDifferences(kept: Json, restored: Json): Difference[] {
	const differences: Difference[] = [];
	const oldId = kept.id;
	const deal = (json: Json) =>
		without(json, [
			...DEAL_UNRESTORABLE,
			'tags',
			'history',
			'tasks',
			'alreadyRestored',
			'notRestored',
		]);
	const a = deal(kept);
	const b = deal(restored);
	for (const field of new Set([...Object.keys(a), ...Object.keys(b)])) {
		if (field === 'customFields') {
			// A value cleared to "" shows as no value in ONLYOFFICE, and a restore (which skips it) leaves no row.
			const values = (side: Json) =>
				((side.customFields as Json[] | undefined) ?? [])
					.filter((value) => value.fieldType === 4 || value.fieldValue !== '')
					.map((value) => without(value, ['entityId']));
			const restoredValues = values(b);
			for (const value of values(a))
				compare(
					`deal.customFields[${String(value.id)}]`,
					value,
					restoredValues.find((candidate) => candidate.id === value.id),
					differences,
				);
			for (const value of restoredValues)
				if (!values(a).some((candidate) => candidate.id === value.id))
					compare(`deal.customFields[${String(value.id)}]`, undefined, value, differences);
		} else if (field === 'accessList') {
			// ONLYOFFICE always adds the restoring user to a private deal's list.
			const ids = (side: Json) => ((side.accessList as Json[] | undefined) ?? []).map(idOf);
			const missing = ids(a).filter((id) => !ids(b).includes(id));
			if (missing.length > 0) compare('deal.accessList', ids(a), ids(b), differences);
		} else if (field === 'members') {
			const ids = (side: Json) => ((side.members as Json[] | undefined) ?? []).map(idOf);
			for (const id of ids(a))
				if (!ids(b).includes(id))
					differences.push({ path: `deal.members[${String(id)}]`, kept: id, restored: undefined });
			for (const id of ids(b))
				if (!ids(a).includes(id))
					differences.push({
						path: `deal.members[new ${String(id)}]`,
						kept: undefined,
						restored: id,
					});
		} else compare(`deal.${field}`, a[field], b[field], differences);
	}
	const marker = `restored-from-${String(oldId)}`;
	const tags = (side: Json) =>
		((side.tags as string[] | undefined) ?? []).filter((tag) => tag !== marker).sort();
	compare('tags', tags(kept), tags(restored), differences);
	const eventKey = (event: Json) => `${second(event.created)}|${String(event.content)}`;
	differences.push(
		...compareRows(
			'history',
			(kept.history as Json[]) ?? [],
			(restored.history as Json[]) ?? [],
			eventKey,
		),
	);
	const taskKey = (task: Json) =>
		`${String(task.title)}|${second(task.deadLine)}|${String(task.description ?? '')}`;
	differences.push(
		...compareRows(
			'tasks',
			(kept.tasks as Json[]) ?? [],
			(restored.tasks as Json[]) ?? [],
			taskKey,
		),
	);
	return differences;
}

/** Whether a `notRestored` entry accounts for a difference: the part it names, at the ID it names. */
function explains(entry: NotRestoredEntry, difference: Difference, kept: Json): boolean {
	const { path } = difference;
	const row = (name: string) => {
		const match = /^(history|tasks)\[(\d+)\]/.exec(path);
		if (!match || match[1] !== name) return undefined;
		return ((kept[name] as Json[]) ?? []).find((candidate) => String(candidate.id) === match[2]);
	};
	const same = (value: unknown) => String(value) === String(entry.id);
	switch (entry.part) {
		case 'responsible':
			return path === 'deal.responsible' && same(idOf(kept.responsible));
		case 'stage':
			return path === 'deal.stage' && same(idOf(kept.stage));
		case 'bidCurrency':
			return path === 'deal.bidCurrency';
		case 'customField':
			return path === `deal.customFields[${String(entry.id)}]`;
		case 'contact':
			return (
				(path === 'deal.contact' && same(idOf(kept.contact))) ||
				path === `deal.members[${String(entry.id)}]`
			);
		case 'accessList':
			return path === 'deal.accessList';
		case 'event':
			return (
				path === `history[${String(entry.id)}]` && idOf(row('history')?.category) === MAIL_CATEGORY
			);
		case 'event category':
			return /^history\[\d+\]\.category$/.test(path) && same(idOf(row('history')?.category));
		case 'event contact':
			return /^history\[\d+\]\.contact$/.test(path) && same(idOf(row('history')?.contact));
		case 'file':
			return (
				/^history\[\d+\]\.files$/.test(path) &&
				((row('history')?.files as Json[] | undefined) ?? []).some((file) => same(file.id))
			);
		case 'task responsible':
			return /^tasks\[\d+\]\.responsible$/.test(path) && same(idOf(row('tasks')?.responsible));
		case 'task category':
			return /^tasks\[\d+\]\.category$/.test(path) && same(idOf(row('tasks')?.category));
		case 'task contact':
			return /^tasks\[\d+\]\.contact$/.test(path) && same(idOf(row('tasks')?.contact));
		default:
			return false;
	}
}

/** The differences no `notRestored` entry explains: what a restore lost or changed without saying so. */
export function unexplainedDifferences(
	kept: Json,
	restored: Json,
	notRestored: NotRestoredEntry[],
): Difference[] {
	return recordDifferences(kept, restored).filter(
		(difference) => !notRestored.some((entry) => explains(entry, difference, kept)),
	);
}
