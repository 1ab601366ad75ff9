/**
 * Reads one item's "Opportunity IDs" value into opportunity IDs, refusing anything that is not clearly a list
 * of valid IDs. A pure function with no dependencies: the node turns its errors into NodeOperationErrors.
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
 */

/** The valid range of an ONLYOFFICE opportunity ID (a C# int). */
export const MAX_OPPORTUNITY_ID = 2147483647;

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

const RANGE = `Opportunity IDs are whole numbers from 1 to ${MAX_OPPORTUNITY_ID}`;
const HINT = `${RANGE}, e.g. 1045. Check the expression in "Opportunity IDs".`;
const HINT_TOO_LARGE = `${RANGE}. Check that the expression in "Opportunity IDs" reads the ID, e.g. {{ $json.id }}, not an amount or a phone number.`;
const HINT_OBJECT = `${RANGE}. Point the expression in "Opportunity IDs" at the ID itself, e.g. {{ $json.id }}.`;
const HINT_NESTED = `${RANGE}. Give a flat list, e.g. [1045, 1046], or flatten it in the expression, e.g. {{ $json.ids.flat() }}.`;
const HINT_SEVERAL = `Each entry of a list holds one ID. Put one ID in each entry, e.g. [1045, 1046], or pass the text on its own, e.g. "1045, 1046".`;
const HINT_UNICODE_DIGITS = `${RANGE}, written with the digits 0-9 only. Retype the ID with the digits 0-9, e.g. 1045.`;
const HINT_TEXT_LIST = `${RANGE}. This looks like a list written as text: parse it in the expression, e.g. {{ JSON.parse($json.ids) }}, or write the IDs without brackets, e.g. "1045, 1046".`;

/** At most this many characters of a value are quoted in a message. */
const PREVIEW_LENGTH = 60;
/** Examples built from the user's own value are used only when that value is this short. */
const EXAMPLE_LENGTH = 40;

const COMMA = 44;
const SEMICOLON = 59;
const LF = 10;
const CR = 13;
const ZERO = 48;
const NINE = 57;

/** Says where the offending text sits, given it quoted and whether it is all there is (apart from padding). */
type Describe = (quoted: string, whole?: boolean) => string;

/**
 * Reads one item's `opportunityIds` parameter value into IDs, in order, duplicates kept (the planner dedupes).
 * Returns [] for an empty value (undefined, null, '', [], or a string of only separators and spaces).
 * Throws InvalidOpportunityIdError otherwise for anything not valid.
 */
export function parseOpportunityIds(value: unknown): number[] {
	if (value === undefined || value === null) return [];
	const fail = failure(value);
	const describe: Describe = (quoted) => quoted;
	switch (typeof value) {
		case 'number':
			return [checkNumber(value, describe, fail)];
		case 'bigint':
			return [checkBigInt(value, describe, fail)];
		case 'string':
			return parseText(
				value,
				(quoted, whole) => (whole ? quoted : `${quoted} (in ${preview(value)})`),
				fail,
			);
		case 'object':
			if (Array.isArray(value)) return parseList(value, fail);
			return fail(`${preview(value)} is not an opportunity ID (it is an object)`, HINT_OBJECT);
		default:
			return fail(`${preview(value)} is not an opportunity ID`, HINT);
	}
}

type Fail = (message: string, hint: string) => never;

function failure(value: unknown): Fail {
	return (message, hint) => {
		throw new InvalidOpportunityIdError(message, value, hint);
	};
}

function parseList(list: unknown[], fail: Fail): number[] {
	const ids: number[] = [];
	for (let index = 0; index < list.length; index++) {
		const entry: unknown = list[index];
		if (entry === undefined || entry === null) continue;
		const at = () => `position ${index + 1} in ${preview(list)}`;
		const describe: Describe = (quoted) => `${quoted} (${at()})`;
		switch (typeof entry) {
			case 'number':
				ids.push(checkNumber(entry, describe, fail));
				break;
			case 'bigint':
				ids.push(checkBigInt(entry, describe, fail));
				break;
			case 'string': {
				const found = parseText(
					entry,
					(quoted, whole) =>
						whole ? describe(quoted) : `${quoted} (in ${preview(entry)}, ${at()})`,
					fail,
				);
				if (found.length > 1)
					fail(`${describe(preview(entry))} holds more than one ID`, HINT_SEVERAL);
				if (found.length === 1) ids.push(found[0]);
				break;
			}
			case 'object':
				return Array.isArray(entry)
					? fail(`${describe(preview(entry))} is a list inside the list`, HINT_NESTED)
					: fail(
							`${describe(preview(entry))} is not an opportunity ID (it is an object)`,
							HINT_OBJECT,
						);
			default:
				return fail(`${describe(preview(entry))} is not an opportunity ID`, HINT);
		}
	}
	return ids;
}

function checkNumber(value: number, describe: Describe, fail: Fail): number {
	if (Number.isInteger(value) && value >= 1 && value <= MAX_OPPORTUNITY_ID) return value;
	const subject = describe(preview(value));
	if (Number.isNaN(value)) return fail(`${subject} is not an opportunity ID (not a number)`, HINT);
	if (!Number.isFinite(value)) return fail(`${subject} is not an opportunity ID`, HINT);
	if (!Number.isInteger(value))
		return fail(`${subject} is not an opportunity ID (not a whole number)`, HINT);
	if (value < 1) return fail(`${subject} is not an opportunity ID (IDs start at 1)`, HINT);
	return fail(
		`${subject} is too large for an opportunity ID (the largest is ${MAX_OPPORTUNITY_ID})`,
		HINT_TOO_LARGE,
	);
}

function checkBigInt(value: bigint, describe: Describe, fail: Fail): number {
	if (value >= BigInt(1) && value <= BigInt(MAX_OPPORTUNITY_ID)) return Number(value);
	const subject = describe(preview(value));
	if (value < BigInt(1)) return fail(`${subject} is not an opportunity ID (IDs start at 1)`, HINT);
	return fail(
		`${subject} is too large for an opportunity ID (the largest is ${MAX_OPPORTUNITY_ID})`,
		HINT_TOO_LARGE,
	);
}

/** Splits a string at the separators and reads every non-empty piece as one ID; one pass, plus one more if a comma sits between digits. */
function parseText(text: string, describe: Describe, fail: Fail): number[] {
	const ids: number[] = [];
	const length = text.length;
	let start = 0;
	let commaBetweenDigits = false;
	for (let i = 0; i <= length; i++) {
		const code = i < length ? text.charCodeAt(i) : -1;
		if (code !== -1 && !isSeparator(code)) continue;
		if (
			code === COMMA &&
			i > 0 &&
			i + 1 < length &&
			isDigit(text.charCodeAt(i - 1)) &&
			isDigit(text.charCodeAt(i + 1))
		) {
			commaBetweenDigits = true;
		}
		let from = start;
		let to = i;
		start = i + 1;
		while (from < to && isPadding(text.charCodeAt(from))) from++;
		while (to > from && isPadding(text.charCodeAt(to - 1))) to--;
		if (from < to) ids.push(readId(text, from, to, describe, fail));
	}
	if (commaBetweenDigits) rejectThousands(text, describe, fail);
	return ids;
}

/** Reads text[from, to) (no padding at either end) as one ID. */
function readId(text: string, from: number, to: number, describe: Describe, fail: Fail): number {
	let value = 0;
	let significant = 0;
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code < ZERO || code > NINE) return rejectPiece(text, from, to, describe, fail);
		if (significant > 0 || code !== ZERO) {
			significant++;
			if (significant <= 10) value = value * 10 + (code - ZERO);
		}
	}
	if (significant > 0 && significant <= 10 && value <= MAX_OPPORTUNITY_ID) return value;
	const subject = describe(quote(text, from, to), isWhole(text, from, to));
	if (significant === 0) return fail(`${subject} is not an opportunity ID (IDs start at 1)`, HINT);
	return fail(
		`${subject} is too large for an opportunity ID (the largest is ${MAX_OPPORTUNITY_ID})`,
		HINT_TOO_LARGE,
	);
}

/** Explains why text[from, to), which is not all digits 0-9, is not an ID. */
function rejectPiece(
	text: string,
	from: number,
	to: number,
	describe: Describe,
	fail: Fail,
): never {
	const subject = describe(quote(text, from, to), isWhole(text, from, to));
	const groups = digitGroups(text, from, to);
	if (groups !== undefined) {
		const example =
			to - from <= EXAMPLE_LENGTH
				? { list: `"${groups.join(', ')}"`, number: groups.join('') }
				: { list: '"1, 234"', number: '1234' };
		return fail(
			`${subject} contains a space inside an ID`,
			`Spaces do not separate IDs: separate them with commas, semicolons or line breaks, e.g. ${example.list}. If it is one number, remove the spaces, e.g. ${example.number}.`,
		);
	}
	if (to - from <= 100) {
		const piece = text.slice(from, to);
		if (/^\p{Nd}+$/u.test(piece))
			return fail(
				`${subject} is not an opportunity ID (only the digits 0-9 are allowed)`,
				HINT_UNICODE_DIGITS,
			);
		if (/^[+-][0-9]+$/.test(piece))
			return fail(`${subject} is not an opportunity ID (IDs are written without a sign)`, HINT);
		if (/^[0-9]*\.[0-9]*$/.test(piece) && piece !== '.') {
			return fail(`${subject} is not an opportunity ID (not a whole number)`, HINT);
		}
	}
	const trimmed = text.trim();
	if (trimmed.startsWith('[') && trimmed.endsWith(']'))
		return fail(`${subject} is not an opportunity ID`, HINT_TEXT_LIST);
	return fail(`${subject} is not an opportunity ID`, HINT);
}

/** The digit groups of text[from, to) if it holds only digits 0-9 and whitespace, else undefined. */
function digitGroups(text: string, from: number, to: number): string[] | undefined {
	const groups: string[] = [];
	let group = '';
	for (let i = from; i < to; i++) {
		const code = text.charCodeAt(i);
		if (code >= ZERO && code <= NINE) {
			if (groups.length < 100) group += text[i];
		} else if (isPadding(code)) {
			if (group !== '') groups.push(group);
			group = '';
		} else {
			return undefined;
		}
	}
	if (group !== '') groups.push(group);
	return groups;
}

/**
 * Refuses a part of the string between semicolons and line breaks that, apart from whitespace at its ends,
 * is digits and commas only, every comma followed by exactly three digits: "1,234" may be 1234 written with a
 * thousands separator. Commas at the ends of the part do not count ("1,234," is refused too, ",234" is 234);
 * whitespace inside the part means it was written as a list ("1, 234", "12,345,678, 9").
 */
function rejectThousands(text: string, describe: Describe, fail: Fail): void {
	const length = text.length;
	let start = 0;
	for (let end = 0; end <= length; end++) {
		const code = end < length ? text.charCodeAt(end) : -1;
		if (code !== -1 && code !== SEMICOLON && code !== LF && code !== CR) continue;
		let from = start;
		let to = end;
		start = end + 1;
		while (from < to && isPadding(text.charCodeAt(from))) from++;
		while (to > from && isPadding(text.charCodeAt(to - 1))) to--;
		while (from < to && text.charCodeAt(from) === COMMA) from++;
		while (to > from && text.charCodeAt(to - 1) === COMMA) to--;
		if (!looksLikeThousands(text, from, to)) continue;
		let commas = 0;
		for (let k = from; k < to; k++) if (text.charCodeAt(k) === COMMA) commas++;
		const several = commas > 1 ? 'several IDs' : 'two IDs';
		const separators = commas > 1 ? 'thousands separators' : 'a thousands separator';
		let example = { array: '[1, 234]', text: '"1, 234"', number: '' };
		if (to - from <= EXAMPLE_LENGTH) {
			const groups = text.slice(from, to).split(',');
			const asNumber = groups.join('');
			example = {
				array: `[${groups.map((group) => group.replace(/^0+(?=.)/, '')).join(', ')}]`,
				text: `"${groups.join(', ')}"`,
				number:
					asNumber[0] !== '0' && asNumber.length <= 10 && Number(asNumber) <= MAX_OPPORTUNITY_ID
						? asNumber
						: '',
			};
		}
		const oneNumber = example.number
			? ` If it is one number, write it without separators, e.g. ${example.number}.`
			: '';
		fail(
			`${describe(quote(text, from, to), isWhole(text, from, to))} could be one number with ${separators} or ${several}`,
			`Write the IDs as an array, e.g. ${example.array}, or separate them with a comma and a space, e.g. ${example.text}.${oneNumber}`,
		);
	}
}

/** Whether text[from, to), digits and commas with none at either end, is digits followed by one or more ",ddd". */
function looksLikeThousands(text: string, from: number, to: number): boolean {
	let i = from;
	while (i < to && isDigit(text.charCodeAt(i))) i++;
	if (i === from || i === to) return false;
	while (i < to) {
		if (text.charCodeAt(i) !== COMMA || i + 4 > to) return false;
		if (
			!isDigit(text.charCodeAt(i + 1)) ||
			!isDigit(text.charCodeAt(i + 2)) ||
			!isDigit(text.charCodeAt(i + 3))
		)
			return false;
		i += 4;
	}
	return true;
}

/** Whether text[from, to) is all there is apart from padding and separators around it. */
function isWhole(text: string, from: number, to: number): boolean {
	for (let i = 0; i < from; i++)
		if (!isPadding(text.charCodeAt(i)) && !isSeparator(text.charCodeAt(i))) return false;
	for (let i = to; i < text.length; i++)
		if (!isPadding(text.charCodeAt(i)) && !isSeparator(text.charCodeAt(i))) return false;
	return true;
}

function isDigit(code: number): boolean {
	return code >= ZERO && code <= NINE;
}

function isSeparator(code: number): boolean {
	return code === COMMA || code === SEMICOLON || code === LF || code === CR;
}

/** JavaScript's whitespace other than \n and \r (which separate IDs): what String.prototype.trim removes. */
function isPadding(code: number): boolean {
	if (code <= 0x20) return code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c;
	if (code < 0xa0) return false;
	return (
		code === 0xa0 ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200a) ||
		code === 0x2028 ||
		code === 0x2029 ||
		code === 0x202f ||
		code === 0x205f ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/** Characters shown as \uXXXX in a message because they are invisible or look like a plain space. */
function isInvisible(code: number): boolean {
	return (
		code < 0x20 ||
		(code >= 0x7f && code <= 0xa0) ||
		code === 0xad ||
		code === 0x1680 ||
		(code >= 0x2000 && code <= 0x200f) ||
		(code >= 0x2028 && code <= 0x202f) ||
		(code >= 0x205f && code <= 0x206f) ||
		code === 0x3000 ||
		code === 0xfeff
	);
}

/** text[from, to) in double quotes, JSON-style escapes, invisible characters made visible, cut to about `max` characters. */
function quote(text: string, from = 0, to = text.length, max = PREVIEW_LENGTH): string {
	let out = '"';
	let i = from;
	while (i < to && out.length < max) {
		const code = text.charCodeAt(i);
		if (code === 0x22) out += '\\"';
		else if (code === 0x5c) out += '\\\\';
		else if (code === LF) out += '\\n';
		else if (code === CR) out += '\\r';
		else if (code === 0x09) out += '\\t';
		else if (
			code >= 0xd800 &&
			code <= 0xdbff &&
			i + 1 < to &&
			isLowSurrogate(text.charCodeAt(i + 1))
		) {
			out += text[i] + text[i + 1];
			i++;
		} else if (isInvisible(code) || (code >= 0xd800 && code <= 0xdfff))
			out += `\\u${code.toString(16).padStart(4, '0')}`;
		else out += text[i];
		i++;
	}
	return `${out}${i < to ? '…' : ''}"`;
}

function isLowSurrogate(code: number): boolean {
	return code >= 0xdc00 && code <= 0xdfff;
}

/** A short, JSON-like rendering of any value for a message; never walks more of a big value than it shows. */
function preview(value: unknown, max = PREVIEW_LENGTH): string {
	try {
		return render(value, max, 0);
	} catch {
		return 'a value that cannot be shown';
	}
}

function render(value: unknown, max: number, depth: number): string {
	switch (typeof value) {
		case 'string':
			return quote(value, 0, value.length, max);
		case 'number':
			return Object.is(value, -0) ? '-0' : String(value);
		case 'bigint':
		case 'boolean':
		case 'undefined':
			return String(value);
		case 'symbol':
			return 'a symbol';
		case 'function':
			return 'a function';
	}
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		if (depth >= 2) return value.length === 0 ? '[]' : '[…]';
		let out = '[';
		for (let i = 0; i < value.length; i++) {
			if (i > 0) out += ', ';
			if (out.length >= max) {
				out += '…';
				break;
			}
			out += render(value[i], Math.max(max - out.length, 12), depth + 1);
		}
		return `${out}]`;
	}
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? 'an invalid date' : quote(value.toISOString());
	if (depth >= 2) return '{…}';
	let out = '{';
	let first = true;
	for (const key in value as object) {
		if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
		if (!first) out += ', ';
		first = false;
		if (out.length >= max) {
			out += '…';
			break;
		}
		const rendered = render(
			(value as Record<string, unknown>)[key],
			Math.max(max - out.length, 12),
			depth + 1,
		);
		out += `${quote(key, 0, key.length, 24)}: ${rendered}`;
	}
	return `${out}}`;
}
