/**
 * Reads one item's "Opportunity IDs" value into opportunity IDs, refusing anything that is not clearly a list
 * of valid IDs. A pure function: the node turns its errors into NodeOperationErrors.
 *
 * Accepted per item:
 * - a number or a bigint (an integer from 1 to MAX_OPPORTUNITY_ID);
 * - a string listing IDs written with the digits 0-9, separated by commas, semicolons or line breaks
 *   (\n, \r\n, \r). Whitespace around an ID is padding, never a separator: "1 234" is an error. Empty pieces
 *   ("1,,2", a trailing comma, a blank line) are ignored. Leading zeros are harmless: "007" is 7;
 * - an array of numbers, bigints and strings that each hold one ID. null, undefined and blank strings in the
 *   array are ignored like empty pieces; nested arrays and objects are errors.
 * - undefined, null, '', [] or a string of only separators and whitespace: no IDs ([]).
 *
 * Ambiguous: a part of a string between semicolons and line breaks that holds only digits and commas (no
 * whitespace inside), every comma followed by exactly three digits ("1,234", "12,345,678", also "5;1,234" or
 * one line of a multi-line list) might be one number with thousands separators: an error rather than a guess.
 * Whitespace inside the part means a list ("1, 234", "5, 1,234"), so padding only ever removes an ambiguity.
 *
 * The first problem in the value is the one reported. Deciding is kept apart from explaining: the wording of
 * a refusal (explainInvalidIds) is only worked out once a value has been refused.
 */
import {
	explainPiece,
	explainSeveralIds,
	explainThousandsLike,
	explainValue,
	MAX_OPPORTUNITY_ID,
	type Explanation,
	type Place,
} from './explainInvalidIds';

export { MAX_OPPORTUNITY_ID };

/** Thrown for a value that is not a list of valid opportunity IDs. `message` is for the user (no item index: the node adds it); `hint` says how to fix it. */
export class InvalidOpportunityIdError extends Error {
	constructor(
		message: string,
		readonly value: unknown,
		readonly hint: string,
	) {
		super(message);
		this.name = 'InvalidOpportunityIdError';
	}
}

// Whitespace is deliberately not a separator: "1 234" is more likely one number typed with a space than two IDs.
const SEPARATORS = /[,;\n\r]/;
// A comma may be a thousands separator, so only semicolons and line breaks bound a part checked for that.
const PARTS = /[;\n\r]/;
const DIGITS = /^[0-9]+$/;
// Commas at the ends of a part are empty pieces, so they neither make nor unmake the ambiguity.
const THOUSANDS_LIKE = /^,*[0-9]+(?:,[0-9]{3})+,*$/;

type Refuse = (explanation: Explanation) => never;

/**
 * Reads one item's `opportunityIds` parameter value into IDs, in order, duplicates kept (the planner dedupes).
 * Returns [] for an empty value (undefined, null, '', [], or a string of only separators and spaces).
 * Throws InvalidOpportunityIdError otherwise for anything not valid.
 */
export function parseOpportunityIds(value: unknown): number[] {
	if (value === undefined || value === null) return [];
	const refuse: Refuse = ({ message, hint }) => {
		throw new InvalidOpportunityIdError(message, value, hint);
	};
	return Array.isArray(value) ? readList(value, refuse) : readScalar(value, undefined, refuse);
}

function readList(list: unknown[], refuse: Refuse): number[] {
	const ids: number[] = [];
	// An index loop, not for-of or forEach, so that a hole in a sparse array is read like undefined.
	for (let index = 0; index < list.length; index++) {
		const entry: unknown = list[index];
		if (entry === undefined || entry === null) continue;
		const place = { list, index };
		if (typeof entry === 'object') refuse(explainValue(entry, place));
		const found = readScalar(entry, place, refuse);
		// "1, 2" in one entry is more likely a mistake than a wish to mix both ways of listing IDs.
		if (found.length > 1) refuse(explainSeveralIds(entry, place));
		if (found.length === 1) ids.push(found[0]);
	}
	return ids;
}

function readScalar(value: unknown, place: Place | undefined, refuse: Refuse): number[] {
	if (typeof value === 'string') return readText(value, place, refuse);
	// Number() of a bigint is exact within the ID range, and out of range anywhere else.
	if ((typeof value === 'number' || typeof value === 'bigint') && isId(Number(value)))
		return [Number(value)];
	return refuse(explainValue(value, place));
}

function readText(text: string, place: Place | undefined, refuse: Refuse): number[] {
	const ids: number[] = [];
	for (const raw of text.split(SEPARATORS)) {
		// trim() removes exactly JavaScript's whitespace, which is what counts as padding.
		const piece = raw.trim();
		if (piece === '') continue;
		const id = DIGITS.test(piece) ? Number(piece) : NaN;
		if (!isId(id)) refuse(explainPiece(piece, text, place));
		ids.push(id);
	}
	// Checked after every piece, so that a plainly bad piece anywhere is reported before an ambiguity.
	if (text.includes(','))
		for (const part of text.split(PARTS)) {
			const trimmed = part.trim();
			if (THOUSANDS_LIKE.test(trimmed)) refuse(explainThousandsLike(trimmed, text, place));
		}
	return ids;
}

function isId(id: number): boolean {
	return Number.isInteger(id) && id >= 1 && id <= MAX_OPPORTUNITY_ID;
}
