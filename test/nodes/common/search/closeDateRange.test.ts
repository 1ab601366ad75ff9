import { DateTime } from 'luxon';

import {
	closeDateRange,
	InvalidCloseDateError,
} from '../../../../nodes/common/search/closeDateRange';
import {
	formatWithOffset,
	instantOf,
	offsetMinutesAt,
} from '../../../../nodes/common/search/zonedTime';

describe('closeDateRange', () => {
	it('a date is the whole day: From at its first millisecond, To through its last', () => {
		expect(closeDateRange('2025-06-30', '2025-06-30', 'Europe/Berlin')).toEqual({
			from: '2025-06-30T00:00:00.000+02:00',
			to: '2025-06-30T23:59:59.999+02:00',
		});
		expect(closeDateRange('2025-01-15', '2025-01-15', 'America/Los_Angeles')).toEqual({
			from: '2025-01-15T00:00:00.000-08:00',
			to: '2025-01-15T23:59:59.999-08:00',
		});
		expect(closeDateRange('2025-06-30', undefined, 'UTC')).toEqual({
			from: '2025-06-30T00:00:00.000+00:00',
			to: undefined,
		});
	});

	it('a day with a DST change ends in the offset that day ends in', () => {
		// Europe/Berlin switches to summer time on 2025-03-30 at 02:00.
		expect(closeDateRange('2025-03-30', '2025-03-30', 'Europe/Berlin')).toEqual({
			from: '2025-03-30T00:00:00.000+01:00',
			to: '2025-03-30T23:59:59.999+02:00',
		});
	});

	it('a day whose midnight the clocks skip starts when the day begins', () => {
		// America/Santiago jumped from 2024-09-08 00:00 to 01:00.
		expect(closeDateRange('2024-09-08', undefined, 'America/Santiago').from).toBe(
			'2024-09-08T01:00:00.000-03:00',
		);
	});

	it.each([
		['2025-06-30T00:00:00', '2025-06-30T23:59:59.999+05:30'],
		['2025-06-30T00:00', '2025-06-30T23:59:59.999+05:30'],
		['2025-06-30T00:00:00.000', '2025-06-30T23:59:59.999+05:30'],
		[' 2025-06-30 ', '2025-06-30T23:59:59.999+05:30'],
		['2025-06-30T18:15:00', '2025-06-30T18:15:00.000+05:30'],
		['2025-06-30 18:15', '2025-06-30T18:15:00.000+05:30'],
		['2025-06-30T18:15:00Z', '2025-06-30T23:45:00.000+05:30'],
		['2025-06-30T18:15:00.1234567+02:00', '2025-06-30T21:45:00.123+05:30'],
		['[DateTime: 2025-06-30T12:00:00.000+00:00]', '2025-06-30T17:30:00.000+05:30'],
	])('reads %p as To = %s', (value, to) => {
		expect(closeDateRange(undefined, value, 'Asia/Kolkata').to).toBe(to);
	});

	it('takes Luxon DateTimes and JS Dates as instants, written in the workflow’s zone', () => {
		const luxon = DateTime.fromISO('2025-06-30T10:00:00', { zone: 'Asia/Tokyo' });
		expect(closeDateRange(luxon, new Date('2025-07-01T00:00:00Z'), 'Europe/London')).toEqual({
			from: '2025-06-30T02:00:00.000+01:00',
			to: '2025-07-01T01:00:00.000+01:00',
		});
	});

	it('empty values are no bound', () => {
		expect(closeDateRange('', null, 'UTC')).toEqual({ from: undefined, to: undefined });
	});

	it('From on the same day as To is a range; From after To is refused', () => {
		expect(() => closeDateRange('2025-06-30', '2025-06-30T00:00:01Z', 'UTC')).not.toThrow();
		expect(() => closeDateRange('2025-07-01', '2025-06-30', 'UTC')).toThrow(
			/'Close Date From' \(2025-07-01T00:00:00.000\+00:00\) is after 'Close Date To' \(2025-06-30T23:59:59.999\+00:00\)/,
		);
	});

	it.each([
		['tomorrow'],
		['2025-02-29'],
		['2025-06-31'],
		['2025-06-30T24:00:00'],
		['30.06.2025'],
		[12345],
		[{}],
		[true],
		[new Date(Number.NaN)],
		[DateTime.invalid('no reason')],
	])('refuses %p, naming the field', (value) => {
		let error: unknown;
		try {
			closeDateRange(undefined, value, 'UTC');
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InvalidCloseDateError);
		expect((error as InvalidCloseDateError).field).toBe('closeDateTo');
		expect((error as Error).message).toMatch(/^'Close Date To' is not a date/);
	});
});

describe('zonedTime', () => {
	it('offsets follow the zone’s rules at that instant', () => {
		expect(offsetMinutesAt(Date.UTC(2025, 0, 1), 'America/New_York')).toBe(-300);
		expect(offsetMinutesAt(Date.UTC(2025, 6, 1), 'America/New_York')).toBe(-240);
		expect(offsetMinutesAt(Date.UTC(2025, 6, 1), 'Asia/Kathmandu')).toBe(345);
	});

	it('a time shown twice (DST ends) is its first occurrence', () => {
		const wall = { year: 2025, month: 10, day: 26, hour: 2, minute: 30, second: 0, millisecond: 0 };
		expect(formatWithOffset(instantOf(wall, 'Europe/Berlin'), 'Europe/Berlin')).toBe(
			'2025-10-26T02:30:00.000+02:00',
		);
	});

	it('negative offsets with minutes keep their sign', () => {
		expect(formatWithOffset(Date.UTC(2025, 0, 1, 12), 'America/St_Johns')).toBe(
			'2025-01-01T08:30:00.000-03:30',
		);
	});
});

describe('dates the portal would misread', () => {
	it.each([
		['0001-01-01'],
		['0001-01-01T00:00:00.0000000Z'],
		['0099-12-31'],
		['1899-12-31'],
		['2101-01-01'],
		['9999-12-31'],
		[new Date('0001-01-01T00:00:00Z')],
		[DateTime.fromISO('9999-12-31T23:59:59Z')],
	])(
		'refuses %p instead of sending year 1 (“not sent”), a 19xx date, or one that overflows',
		(value) => {
			for (const [from, to, field] of [
				[value, undefined, 'Close Date From'],
				[undefined, value, 'Close Date To'],
			]) {
				expect(() => closeDateRange(from, to, 'Asia/Tokyo')).toThrow(InvalidCloseDateError);
				expect(() => closeDateRange(from, to, 'Asia/Tokyo')).toThrow(
					new RegExp(`^'${field}' .*between 1900 and 2100`),
				);
			}
		},
	);

	it('takes the first and last days of the years it allows, and From equal to To', () => {
		expect(closeDateRange('1900-01-01', '2100-12-31', 'UTC')).toEqual({
			from: '1900-01-01T00:00:00.000+00:00',
			to: '2100-12-31T23:59:59.999+00:00',
		});
		expect(closeDateRange('2025-06-30T10:00:00Z', '2025-06-30T10:00:00Z', 'UTC')).toEqual({
			from: '2025-06-30T10:00:00.000+00:00',
			to: '2025-06-30T10:00:00.000+00:00',
		});
	});
});
