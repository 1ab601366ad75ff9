/**
 * The deletion accounting invariant, checked against the portal's own record of what it deleted:
 * - nothing was deleted that the user did not ask for;
 * - every deleted opportunity is accounted for: output as a record, output with `deleted: true` or
 *   `deleted: null`, or named in an error under "Deleted" or "May have been deleted";
 * - no deleted opportunity is reported as not deleted: not under "Not deleted" or "Not attempted", not as
 *   `deleted: false`, not in a "did not delete …" message;
 * - nothing is claimed deleted (a record, `deleted: true`, "Deleted") that the portal did not delete;
 * - an error thrown with "Nothing was deleted" comes from a run that deleted nothing;
 * - in a dry run nothing at all was deleted.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { NodeRun, Portal } from './harness';
import { dataItems, errorItems } from './harness';
import { tallyCount } from './tally';

export interface AccountingOptions {
	/** Deletions the portal made before this run (its `deletedIds()` length then). */
	deletedBefore?: number;
	dryRun?: boolean;
}

type Claim = 'deleted' | 'mayHaveBeenDeleted' | 'notDeleted' | 'notAttempted';

/** Checks the invariant for one run; throws listing every violation. Returns how many deletions it checked. */
export function checkDeletionAccounting(
	portal: Portal,
	requestedIds: Iterable<number>,
	result: Pick<NodeRun, 'output' | 'error'>,
	{ deletedBefore = 0, dryRun = false }: AccountingOptions = {},
): number {
	const requested = new Set(requestedIds);
	const deleted = portal.deletedIds().slice(deletedBefore);
	const deletedSet = new Set(deleted);
	const violations: string[] = [];
	const claims = collectClaims(result, violations);

	if (dryRun && deleted.length > 0) violations.push(`a dry run deleted ${deleted.join(', ')}`);
	for (const id of deleted) {
		if (!requested.has(id)) violations.push(`${id} was deleted but not requested`);
		const said = claims.get(id) ?? new Set<string>();
		const accounted = [
			'record',
			'deleted: true',
			'deleted: null',
			'deleted',
			'mayHaveBeenDeleted',
		].some((c) => said.has(c));
		if (!accounted)
			violations.push(
				`${id} was deleted but neither output nor named as deleted or "may have been deleted"`,
			);
		for (const wrong of ['deleted: false', 'notDeleted', 'notAttempted']) {
			if (said.has(wrong)) violations.push(`${id} was deleted but reported as ${wrong}`);
		}
	}
	for (const [id, said] of claims) {
		if (said.has('output') && !requested.has(id))
			violations.push(`${id} was output but not requested`);
		if (dryRun) continue;
		for (const claim of ['record', 'deleted: true', 'deleted']) {
			if (said.has(claim) && !deletedSet.has(id))
				violations.push(`${id} is reported as ${claim} but the portal did not delete it`);
		}
	}
	const error = result.error as { message?: unknown } | undefined;
	if (error && /Nothing was deleted/.test(String(error.message)) && deleted.length > 0) {
		violations.push(
			`the error says "Nothing was deleted" but ${deleted.length} were: ${deleted.slice(0, 20).join(', ')}`,
		);
	}

	if (violations.length > 0)
		throw new Error(`Deletion accounting failed:\n${violations.join('\n')}`);
	tallyCount('deletionsChecked', deleted.length);
	return deleted.length;
}

/** What the run says about each ID: output kinds, and the lists in error messages and descriptions. */
function collectClaims(
	result: Pick<NodeRun, 'output' | 'error'>,
	violations: string[],
): Map<number, Set<string>> {
	const claims = new Map<number, Set<string>>();
	const claim = (id: number, what: string) => {
		if (!claims.has(id)) claims.set(id, new Set());
		claims.get(id)!.add(what);
	};
	for (const item of dataItems(result.output)) {
		const id = item.json.id;
		if (typeof id !== 'number') {
			violations.push(
				`an output item has no numeric id: ${JSON.stringify(item.json).slice(0, 200)}`,
			);
			continue;
		}
		claim(id, 'output');
		claim(id, outputKind(item, violations));
	}
	const texts: string[] = [];
	const add = (error: unknown) => {
		const { message, description } = (error ?? {}) as { message?: unknown; description?: unknown };
		for (const text of [message, description]) if (typeof text === 'string') texts.push(text);
	};
	add(result.error);
	for (const item of errorItems(result.output)) {
		add(item.error);
		for (const text of [item.json.error, item.json.message, item.json.details])
			if (typeof text === 'string') texts.push(text);
	}
	for (const text of texts)
		for (const [what, ids] of listsIn(text, violations)) for (const id of ids) claim(id, what);
	return claims;
}

function outputKind(item: INodeExecutionData, violations: string[]): string {
	if (!('deleted' in item.json)) return 'record';
	const { deleted } = item.json;
	if (deleted === true || deleted === false || deleted === null) return `deleted: ${deleted}`;
	violations.push(`output ${String(item.json.id)} has deleted: ${JSON.stringify(deleted)}`);
	return 'unknown';
}

const LABELS: Array<[RegExp, Claim]> = [
	[/^Deleted$/, 'deleted'],
	[/^May have been deleted\b/, 'mayHaveBeenDeleted'],
	[/^Not deleted$/, 'notDeleted'],
	[/^Not attempted$/, 'notAttempted'],
];

/** The ID lists of a message or description: "Label (n): 1-3, 7." lines and "did not delete n of …: ids". */
function listsIn(text: string, violations: string[]): Array<[Claim, number[]]> {
	const lists: Array<[Claim, number[]]> = [];
	for (const line of text.split('\n')) {
		const labelled = /^(.+?) \((\d+)\): ([0-9][0-9, -]*)\.$/.exec(line);
		if (labelled) {
			const [, label, count, list] = labelled;
			const what = LABELS.find(([pattern]) =>
				pattern.test(label.replace(/ \(check in ONLYOFFICE\)$/, '')),
			)?.[1];
			const ids = expand(list);
			if (!what) violations.push(`unknown list label "${label}"`);
			else lists.push([what, ids]);
			if (ids.length !== Number(count))
				violations.push(`"${label}" says ${count} but lists ${ids.length}`);
		}
		const notDeleted = /did not delete (\d+) of the \d+ opportunities: ([0-9][0-9, -]*)/.exec(line);
		if (notDeleted) lists.push(['notDeleted', expand(notDeleted[2])]);
	}
	return lists;
}

/** "1-3, 7" → [1, 2, 3, 7] */
function expand(list: string): number[] {
	const ids: number[] = [];
	for (const part of list
		.split(',')
		.map((p) => p.trim())
		.filter(Boolean)) {
		const [from, to = from] = part.split('-').map(Number);
		if (!(to >= from) || to - from > 1_000_000)
			throw new Error(`cannot read the ID range "${part}"`);
		for (let id = from; id <= to; id++) ids.push(id);
	}
	return ids;
}
