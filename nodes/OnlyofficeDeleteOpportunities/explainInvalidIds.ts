/**
 * The wording of a refused "Opportunity IDs" value: what was refused, where it sits, and a hint on how to fix
 * it. parseOpportunityIds decides; these functions only run once it has refused something, so none of this
 * costs anything on valid input. Values can be huge (a 1 MB string, a 100k-entry array): messages quote only
 * the start of them, and nothing here walks more of a value than it shows or backtracks over it.
 */

/** The valid range of an ONLYOFFICE opportunity ID (a C# int). Kept beside the messages that state it, so this module needs nothing back from the parser. */
export const MAX_OPPORTUNITY_ID = 2147483647;

export interface Explanation {
	message: string;
	hint: string;
}

/** Where a refused entry of a list sits. */
export interface Place {
	list: unknown[];
	index: number;
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
/** Examples built from the user's own value are used only when that value is this short, so the hint stays short too. */
const EXAMPLE_LENGTH = 40;
/** Longer pieces get the plain message: the finer diagnoses are for IDs typed by hand. */
const DIAGNOSE_LENGTH = 100;

/** A refused value that is not a string: a number, a bigint, an object, a list inside the list, anything else. */
export function explainValue(value: unknown, place?: Place): Explanation {
	const subject = locate(preview(value), place);
	if (typeof value === 'number' || typeof value === 'bigint') return explainNumber(subject, value);
	if (Array.isArray(value))
		return { message: `${subject} is a list inside the list`, hint: HINT_NESTED };
	if (typeof value === 'object')
		return { message: `${subject} is not an opportunity ID (it is an object)`, hint: HINT_OBJECT };
	return { message: `${subject} is not an opportunity ID`, hint: HINT };
}

/** A piece of `text` (between separators, padding trimmed) that is not an ID. */
export function explainPiece(piece: string, text: string, place?: Place): Explanation {
	const subject = locateIn(piece, text, place);
	const notAnId = (why: string, hint = HINT) => ({
		message: `${subject} is not an opportunity ID${why}`,
		hint,
	});
	if (/^[0-9]+$/.test(piece))
		return /^0+$/.test(piece) ? notAnId(' (IDs start at 1)') : tooLarge(subject);
	if (/^[0-9\s]+$/.test(piece)) {
		const groups = piece.length <= EXAMPLE_LENGTH ? piece.split(/\s+/) : ['1', '234'];
		// Inside a list, "separate them with commas" would make an entry that holds several IDs: one per entry.
		const separate = place
			? `put one ID in each entry, e.g. [${groups.join(', ')}]`
			: `separate them with commas, semicolons or line breaks, e.g. "${groups.join(', ')}"`;
		return {
			message: `${subject} contains a space inside an ID`,
			hint: `Spaces do not separate IDs: ${separate}. If it is one number, remove the spaces, e.g. ${groups.join('')}.`,
		};
	}
	if (piece.length <= DIAGNOSE_LENGTH) {
		if (/^\p{Nd}+$/u.test(piece))
			return notAnId(' (only the digits 0-9 are allowed)', HINT_UNICODE_DIGITS);
		if (/^[+-][0-9]+$/.test(piece)) return notAnId(' (IDs are written without a sign)');
		if (/^[0-9]*\.[0-9]*$/.test(piece) && piece !== '.') return notAnId(' (not a whole number)');
	}
	const trimmed = text.trim();
	return notAnId('', trimmed.startsWith('[') && trimmed.endsWith(']') ? HINT_TEXT_LIST : HINT);
}

/** A part of `text` (padding trimmed) that is digits and commas, each comma followed by three digits. */
export function explainThousandsLike(part: string, text: string, place?: Place): Explanation {
	// Commas at the ends are empty pieces, not part of the number the user may have meant.
	let end = part.length;
	while (part[end - 1] === ',') end--;
	const digits = part.slice(part.search(/[0-9]/), end);
	const several = digits.indexOf(',') !== digits.lastIndexOf(',');
	const message = `${locateIn(digits, text, place)} could be one number with ${several ? 'thousands separators or several IDs' : 'a thousands separator or two IDs'}`;
	const groups = digits.length <= EXAMPLE_LENGTH ? digits.split(',') : ['1', '234'];
	const asOne = groups.join('');
	// Offer the one-number reading only if it is itself a valid ID, written the way it would be typed.
	const oneNumber =
		digits.length <= EXAMPLE_LENGTH &&
		!asOne.startsWith('0') &&
		asOne.length <= 10 &&
		Number(asOne) <= MAX_OPPORTUNITY_ID
			? ` If it is one number, write it without separators, e.g. ${asOne}.`
			: '';
	const array = groups.map((group) => group.replace(/^0+(?=.)/, '')).join(', ');
	return {
		message,
		hint: `Write the IDs as an array, e.g. [${array}], or separate them with a comma and a space, e.g. "${groups.join(', ')}".${oneNumber}`,
	};
}

/** A string entry of a list that holds more than one ID. */
export function explainSeveralIds(entry: unknown, place: Place): Explanation {
	return {
		message: `${locate(preview(entry), place)} holds more than one ID`,
		hint: HINT_SEVERAL,
	};
}

function explainNumber(subject: string, value: number | bigint): Explanation {
	const notAnId = (why: string) => ({
		message: `${subject} is not an opportunity ID${why}`,
		hint: HINT,
	});
	if (typeof value === 'number' && !Number.isInteger(value)) {
		if (Number.isNaN(value)) return notAnId(' (not a number)');
		return notAnId(Number.isFinite(value) ? ' (not a whole number)' : '');
	}
	return value < 1 ? notAnId(' (IDs start at 1)') : tooLarge(subject);
}

function tooLarge(subject: string): Explanation {
	return {
		message: `${subject} is too large for an opportunity ID (the largest is ${MAX_OPPORTUNITY_ID})`,
		hint: HINT_TOO_LARGE,
	};
}

function locate(shown: string, place?: Place): string {
	return place ? `${shown} (${at(place)})` : shown;
}

/** Names `slice` of `text`, saying which text it is in unless it is all there is apart from separators and padding. */
function locateIn(slice: string, text: string, place?: Place): string {
	const start = text.search(/[^\s,;]/);
	const whole = text.startsWith(slice, start) && /^[\s,;]*$/.test(text.slice(start + slice.length));
	if (whole) return locate(quote(slice), place);
	return `${quote(slice)} (in ${preview(text)}${place ? `, ${at(place)}` : ''})`;
}

function at({ list, index }: Place): string {
	return `position ${index + 1} in ${preview(list)}`;
}

const ESCAPES = new Map([
	['"', '\\"'],
	['\\', '\\\\'],
	['\n', '\\n'],
	['\r', '\\r'],
	['\t', '\\t'],
]);

/** `text` in double quotes, JSON-style escapes, invisible characters made visible, cut to about `max` characters. */
function quote(text: string, max = PREVIEW_LENGTH): string {
	let out = '"';
	let cut = false;
	// for-of walks code points, so a cut never splits an emoji; a lone surrogate comes out as \uXXXX.
	for (const char of text) {
		if (out.length >= max) {
			cut = true;
			break;
		}
		const code = char.charCodeAt(0);
		if (ESCAPES.has(char)) out += ESCAPES.get(char);
		else if (char.length === 1 && isInvisible(code))
			out += `\\u${code.toString(16).padStart(4, '0')}`;
		else out += char;
	}
	return `${out}${cut ? '…' : ''}"`;
}

/** Characters shown as \uXXXX because they are invisible, look like a plain space, or are half a character. */
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
		code === 0xfeff ||
		(code >= 0xd800 && code <= 0xdfff)
	);
}

/** A short, JSON-like rendering of any value for a message; never walks more of a big value than it shows. */
function preview(value: unknown, max = PREVIEW_LENGTH): string {
	try {
		return render(value, max, 0);
	} catch {
		// A getter that throws, a revoked proxy: the message must still be built.
		return 'a value that cannot be shown';
	}
}

function render(value: unknown, max: number, depth: number): string {
	switch (typeof value) {
		case 'string':
			return quote(value, max);
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
	if (value instanceof Date)
		return Number.isNaN(value.getTime()) ? 'an invalid date' : quote(value.toISOString());
	const isArray = Array.isArray(value);
	if (depth >= 2) return isArray ? (value.length === 0 ? '[]' : '[…]') : '{…}';
	// Arrays by index, so that a hole shows as undefined; objects by their own enumerable keys.
	const keys = isArray ? value.keys() : ownKeys(value as object);
	let out = isArray ? '[' : '{';
	for (const key of keys) {
		if (out.length > 1) out += ', ';
		if (out.length >= max) {
			out += '…';
			break;
		}
		const room = Math.max(max - out.length, 12);
		const shown = render((value as Record<string | number, unknown>)[key], room, depth + 1);
		out += isArray ? shown : `${quote(String(key), 24)}: ${shown}`;
	}
	return `${out}${isArray ? ']' : '}'}`;
}

/** An object's own enumerable keys, lazily, so a 100k-key object is not listed in full. */
function* ownKeys(value: object): Generator<string> {
	for (const key in value) if (Object.prototype.hasOwnProperty.call(value, key)) yield key;
}
