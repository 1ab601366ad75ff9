import type { WallTime } from './zonedTime';
import { formatWithOffset, instantOf, wallTimeAt } from './zonedTime';

/** A value of Close Date From or To that is not a date, or a range that ends before it starts; `hint` is the fix. */
export class InvalidCloseDateError extends Error {
	constructor(
		message: string,
		readonly field: 'closeDateFrom' | 'closeDateTo',
		readonly hint: string,
	) {
		super(message);
		this.name = 'InvalidCloseDateError';
	}
}

/** The ends of the close-date filter as the portal is sent them: ISO 8601 with the workflow zone's offset. */
export interface CloseDateRange {
	from?: string;
	to?: string;
}

/** A calendar day (a date without a time), a wall-clock time in the workflow's zone, or one instant. */
type ReadDate =
	| { kind: 'day'; year: number; month: number; day: number }
	| { kind: 'wall'; wall: WallTime }
	| { kind: 'instant'; epochMs: number };

const FIELD_NAMES = {
	closeDateFrom: 'Close Date From',
	closeDateTo: 'Close Date To',
} as const;

const DATE_FORMATS_HINT =
	'Use a date such as 2025-06-30 (the whole day in the workflow’s time zone), a date and time such as 2025-06-30T18:00:00 or 2025-06-30T18:00:00+02:00, or an expression such as {{ $now.minus({ days: 90 }) }}.';

/**
 * The range the user meant. A date without a time is the whole day in `timeZone`: From at its first
 * millisecond, To through its last (23:59:59.999, or whatever a DST change makes of that day). A time without an
 * offset is a time in `timeZone` too; Luxon DateTimes and JS Dates from expressions are the instant they hold.
 */
export function closeDateRange(from: unknown, to: unknown, timeZone: string): CloseDateRange {
	const start = readDate(from, 'closeDateFrom');
	const end = readDate(to, 'closeDateTo');
	const fromMs =
		start && (start.kind === 'day' ? startOfDay(start, timeZone) : instant(start, timeZone));
	const toMs =
		end && (end.kind === 'day' ? startOfDay(nextDay(end), timeZone) - 1 : instant(end, timeZone));
	checkYear(fromMs, 'closeDateFrom', timeZone);
	checkYear(toMs, 'closeDateTo', timeZone);
	if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
		throw new InvalidCloseDateError(
			`'Close Date From' (${formatWithOffset(fromMs, timeZone)}) is after 'Close Date To' (${formatWithOffset(toMs, timeZone)})`,
			'closeDateFrom',
			`Swap the two dates, or leave one of them empty for a range open on that side. ${FIELD_NAMES.closeDateFrom} and ${FIELD_NAMES.closeDateTo} are both included.`,
		);
	}
	return {
		from: fromMs === undefined ? undefined : formatWithOffset(fromMs, timeZone),
		to: toMs === undefined ? undefined : formatWithOffset(toMs, timeZone),
	};
}

/**
 * The years a close date may fall in. Year 1 is the server's "not sent", which drops the whole date filter;
 * JavaScript reads the years 0–99 as 1900–1999; dates near 9999 overflow when the server shifts them by the
 * portal's offset. The node's own open ends are 1900-01-01 and 2100-01-01.
 */
const FIRST_YEAR = 1900;
const LAST_YEAR = 2100;

const YEARS_HINT = `Give a date between ${FIRST_YEAR} and ${LAST_YEAR}, or remove the field from Filters for a range open on that side.`;

function outOfYears(field: keyof typeof FIELD_NAMES, shown: string): InvalidCloseDateError {
	return new InvalidCloseDateError(
		`'${FIELD_NAMES[field]}' is ${shown}, not a date between ${FIRST_YEAR} and ${LAST_YEAR}`,
		field,
		YEARS_HINT,
	);
}

function checkYear(epochMs: number | undefined, field: keyof typeof FIELD_NAMES, timeZone: string) {
	if (epochMs === undefined) return;
	const { year } = wallTimeAt(epochMs, timeZone);
	if (!(year >= FIRST_YEAR && year <= LAST_YEAR)) throw outOfYears(field, `in the year ${year}`);
}

const DAY_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** The editor's date picker saves a picked day as its midnight without an offset. */
const PICKED_DAY = /^(\d{4})-(\d{2})-(\d{2})T00:00(?::00(?:\.0+)?)?$/;
const DATE_TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;
/** How n8n prints a DateTime or Date that an expression placed inside a longer text. */
const PRINTED_OBJECT = /^\[(?:DateTime|Date): (.*)\]$/;

function readDate(value: unknown, field: keyof typeof FIELD_NAMES): ReadDate | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const refuse = (shown: string) =>
		new InvalidCloseDateError(
			`'${FIELD_NAMES[field]}' is not a date: ${shown}`,
			field,
			DATE_FORMATS_HINT,
		);
	if (isJsDate(value)) {
		const epochMs = value.getTime();
		if (Number.isNaN(epochMs)) throw refuse('an invalid Date');
		checkYear(epochMs, field, 'UTC');
		return { kind: 'instant', epochMs };
	}
	if (isLuxonLike(value)) {
		if (value.isValid === false)
			throw refuse(`an invalid DateTime (${String(value.invalidReason)})`);
		const epochMs = Number(value.toMillis());
		if (!Number.isFinite(epochMs)) throw refuse('a DateTime without a time');
		checkYear(epochMs, field, 'UTC');
		return { kind: 'instant', epochMs };
	}
	if (typeof value !== 'string') throw refuse(`${typeof value} ${JSON.stringify(value)}`);
	const text = value.trim().replace(PRINTED_OBJECT, '$1').trim();
	// Checked on the text: a year below 100 would otherwise be read as 19xx.
	const year = /^(\d{4})-/.exec(text)?.[1];
	if (year !== undefined && !(Number(year) >= FIRST_YEAR && Number(year) <= LAST_YEAR))
		throw outOfYears(field, JSON.stringify(value));
	const parsed = parseDateText(text);
	if (!parsed) throw refuse(`"${value}"`);
	return parsed;
}

function parseDateText(text: string): ReadDate | undefined {
	const day = DAY_ONLY.exec(text) ?? PICKED_DAY.exec(text);
	if (day) {
		const [year, month, dayOfMonth] = day.slice(1, 4).map(Number);
		return isRealDay(year, month, dayOfMonth)
			? { kind: 'day', year, month, day: dayOfMonth }
			: undefined;
	}
	const match = DATE_TIME.exec(text);
	if (!match) return undefined;
	const [year, month, dayOfMonth, hour, minute] = match.slice(1, 6).map(Number);
	const second = Number(match[6] ?? 0);
	const millisecond = Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000);
	if (!isRealDay(year, month, dayOfMonth) || hour > 23 || minute > 59 || second > 59)
		return undefined;
	const wall: WallTime = { year, month, day: dayOfMonth, hour, minute, second, millisecond };
	const zone = match[8];
	if (zone === undefined) return { kind: 'wall', wall };
	const asUtc = Date.UTC(year, month - 1, dayOfMonth, hour, minute, second, millisecond);
	return { kind: 'instant', epochMs: asUtc - offsetOf(zone) * 60_000 };
}

function instant(date: Exclude<ReadDate, { kind: 'day' }>, timeZone: string): number {
	return date.kind === 'wall' ? instantOf(date.wall, timeZone) : date.epochMs;
}

function offsetOf(zone: string): number {
	if (zone.toUpperCase() === 'Z') return 0;
	const digits = zone.replace(':', '');
	const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
	return zone.startsWith('-') ? -minutes : minutes;
}

function isRealDay(year: number, month: number, day: number): boolean {
	const date = new Date(Date.UTC(year, month - 1, day));
	return date.getUTCMonth() === month - 1 && date.getUTCDate() === day && year >= 1;
}

function startOfDay(day: { year: number; month: number; day: number }, timeZone: string): number {
	return instantOf({ ...day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

function nextDay(day: { year: number; month: number; day: number }) {
	const next = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
	return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

function isJsDate(value: unknown): value is Date {
	// Dates made in n8n's expression sandbox come from another realm, where `instanceof Date` fails.
	return Object.prototype.toString.call(value) === '[object Date]';
}

interface LuxonLike {
	toMillis: () => unknown;
	isValid?: boolean;
	invalidReason?: unknown;
}

function isLuxonLike(value: unknown): value is LuxonLike {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as LuxonLike).toMillis === 'function' &&
		'isValid' in value
	);
}
