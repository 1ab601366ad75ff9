/**
 * Wall-clock times in an IANA time zone, with Intl alone: the package has no runtime dependencies, and
 * n8n-workflow does not re-export Luxon. ONLYOFFICE reads a date without an offset in the portal's zone,
 * which is not the workflow's, so every instant the nodes send carries its offset.
 */

export interface WallTime {
	year: number;
	/** 1–12 */
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

/** Whether Intl knows the zone (n8n validates the setting, but a workflow may carry an old name). */
export function isKnownTimeZone(timeZone: string): boolean {
	try {
		formatterFor(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The wall-clock time in `timeZone` at the instant `epochMs`. */
export function wallTimeAt(epochMs: number, timeZone: string): WallTime {
	const parts: Record<string, number> = {};
	for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs)))
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour,
		minute: parts.minute,
		second: parts.second,
		millisecond: ((epochMs % 1000) + 1000) % 1000,
	};
}

/** The zone's offset from UTC at `epochMs`, in whole minutes (east positive). */
export function offsetMinutesAt(epochMs: number, timeZone: string): number {
	const wall = wallTimeAt(epochMs, timeZone);
	const asUtc = utcReading(wall);
	return Math.round((asUtc - epochMs) / 60_000);
}

/**
 * The instant at which the clocks of `timeZone` show `wall`. A time that a DST change skips is read with the
 * offset from before the change, as Luxon does (a skipped midnight becomes the instant the day begins); a
 * time shown twice is its first occurrence.
 */
export function instantOf(wall: WallTime, timeZone: string): number {
	const asUtc = utcReading(wall);
	const before = asUtc - offsetMinutesAt(asUtc - 86_400_000, timeZone) * 60_000;
	const after = asUtc - offsetMinutesAt(asUtc + 86_400_000, timeZone) * 60_000;
	const candidates = [before, after].filter(
		(t) => asUtc - offsetMinutesAt(t, timeZone) * 60_000 === t,
	);
	if (candidates.length > 0) return Math.min(...candidates);
	// In a gap: the clocks jumped over this time; the offset from before the jump places it after the jump.
	return before;
}

const pad = (value: number, length = 2) => String(Math.abs(value)).padStart(length, '0');

/** ISO 8601 with the zone's offset at that instant and milliseconds, e.g. `2025-06-30T23:59:59.999+02:00`. */
export function formatWithOffset(epochMs: number, timeZone: string): string {
	const wall = wallTimeAt(epochMs, timeZone);
	const offset = offsetMinutesAt(epochMs, timeZone);
	const sign = offset < 0 ? '-' : '+';
	return (
		`${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:` +
		`${pad(wall.second)}.${pad(wall.millisecond, 3)}${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
	);
}

/** The instant a wall-clock time would be if it were UTC: the start for finding a zone's offset. */
function utcReading(wall: WallTime): number {
	return Date.UTC(
		wall.year,
		wall.month - 1,
		wall.day,
		wall.hour,
		wall.minute,
		wall.second,
		wall.millisecond,
	);
}
