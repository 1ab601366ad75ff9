import {
	InvalidOpportunityIdError,
	MAX_OPPORTUNITY_ID,
	parseOpportunityIds,
} from '../../../nodes/OnlyofficeDeleteOpportunities/parseOpportunityIds';

/** Runs the parser on a value it must refuse and returns the error. */
function rejection(value: unknown): InvalidOpportunityIdError {
	let caught: unknown;
	try {
		parseOpportunityIds(value);
	} catch (error) {
		caught = error;
	}
	expect(caught).toBeInstanceOf(InvalidOpportunityIdError);
	const error = caught as InvalidOpportunityIdError;
	expect(error.value).toBe(value);
	// Every hint ends in a fix: an example, then a full stop.
	expect(error.hint).toMatch(/e\.g\. .+\.$/);
	expect(error.message).not.toMatch(/\n|\.$/);
	return error;
}

const GENERIC_HINT =
	'Opportunity IDs are whole numbers from 1 to 2147483647, e.g. 1045. Check the expression in "Opportunity IDs".';

describe('parseOpportunityIds: accepted values', () => {
	test.each<[string, unknown, number[]]>([
		['a number', 1045, [1045]],
		['the smallest ID', 1, [1]],
		['the largest ID', 2147483647, [2147483647]],
		['the number 1e3 (an integer)', 1e3, [1000]],
		['the number 1.0 (an integer)', 1.0, [1]],
		['a bigint in range', BigInt(1045), [1045]],
		['the largest ID as a bigint', BigInt(MAX_OPPORTUNITY_ID), [MAX_OPPORTUNITY_ID]],
		['a numeric string', '1045', [1045]],
		['a numeric string with leading zeros', '007', [7]],
		['many leading zeros', '0000000000000000000000042', [42]],
		['the largest ID as a string', '2147483647', [2147483647]],
		['the largest ID with leading zeros', '002147483647', [2147483647]],
		['a padded string', '  12\t', [12]],
		['padding of non-breaking and other Unicode spaces', '\u00a012\u3000\ufeff\u2028', [12]],
		['comma and space', '1, 234', [1, 234]],
		['commas without spaces, four digits after', '1234,5678', [1234, 5678]],
		['commas without spaces, two digits after', '1,23', [1, 23]],
		['commas without spaces, one digit after', '10,2,3', [10, 2, 3]],
		['a comma followed by four digits', '1,2345', [1, 2345]],
		['comma then space then three digits', '12, 345, 678', [12, 345, 678]],
		['a space before the comma', '1 ,234', [1, 234]],
		// The thousands rule looks at each part between semicolons and line breaks: whitespace inside a part means
		// it was written as a list, so these are lists (as the rule says: "no spaces").
		[
			'a list whose first part looks like thousands, then a spaced comma',
			'12,345,678, 9',
			[12, 345, 678, 9],
		],
		['a thousands-like run after a spaced comma', '5, 1,234', [5, 1, 234]],
		['a thousands-like run before a space', '1,100 ,1', [1, 100, 1]],
		['a thousands-like run after a leading comma and a space', ', 1,234', [1, 234]],
		['bare commas where not every comma is followed by three digits', '1,100,1', [1, 100, 1]],
		['bare commas with a three-digit ID in the middle', '5,100,7', [5, 100, 7]],
		['semicolons', '1;234;5', [1, 234, 5]],
		['semicolons and spaces', ' 1 ; 2 ; 3 ', [1, 2, 3]],
		['\\n line breaks', '1\n234\n5', [1, 234, 5]],
		['\\r\\n line breaks', '1\r\n234\r\n5', [1, 234, 5]],
		['\\r line breaks', '1\r234\r5', [1, 234, 5]],
		['mixed separators', '1, 2;3\n4\r\n5\r6', [1, 2, 3, 4, 5, 6]],
		['a trailing comma', '1, 2,', [1, 2]],
		['a leading comma', ',234', [234]],
		['an empty piece', '1,,2', [1, 2]],
		['an empty piece before three digits', '1,,234', [1, 234]],
		['blank lines', '\n\n1\n\n2\n', [1, 2]],
		['duplicates, kept in order', '5, 3, 5', [5, 3, 5]],
		['an array of numbers', [1, 2, 3], [1, 2, 3]],
		['an array of strings', ['1', ' 2 ', '007'], [1, 2, 7]],
		['an array mixing numbers, strings and bigints', [1, '2', BigInt(3)], [1, 2, 3]],
		['an array with null, undefined and blank entries', [null, 1, undefined, '', ' ', 2], [1, 2]],
		['an array entry with a trailing separator', ['5\n', '6,'], [5, 6]],
		['an array entry of three digits', ['1', '234'], [1, 234]],
		['an array with duplicates', [3, '3', 3], [3, 3, 3]],
		['a sparse array', [1, , 3], [1, 3]],
	])('%s', (_name, value, expected) => {
		expect(parseOpportunityIds(value)).toEqual(expected);
	});

	test.each<[string, unknown]>([
		['undefined', undefined],
		['null', null],
		['an empty string', ''],
		['an empty array', []],
		['spaces only', '   '],
		['separators only', ',;,'],
		['separators, spaces and line breaks', ' , ;\n\r\n\t, '],
		['an array of empties', [null, undefined, '', ' , ']],
	])('%s is empty', (_name, value) => {
		expect(parseOpportunityIds(value)).toEqual([]);
	});

	test('a long list is read in full, in order', () => {
		const ids = Array.from({ length: 200_000 }, (_, i) => i + 1);
		expect(parseOpportunityIds(ids.join(', '))).toEqual(ids);
		expect(parseOpportunityIds(ids.join('\n'))).toEqual(ids);
		expect(parseOpportunityIds(ids)).toEqual(ids);
		expect(parseOpportunityIds(ids.map(String))).toEqual(ids);
	});

	test('returns a new array, not the input', () => {
		const input = [1, 2];
		const result = parseOpportunityIds(input);
		expect(result).toEqual([1, 2]);
		expect(result).not.toBe(input);
	});
});

describe('parseOpportunityIds: rejected values', () => {
	test.each<[string, unknown, string]>([
		// Strings that are not IDs.
		['letters after digits', '12abc', '"12abc" is not an opportunity ID'],
		['letters only', 'abc', '"abc" is not an opportunity ID'],
		['a decimal string', '1.5', '"1.5" is not an opportunity ID (not a whole number)'],
		['"1.0"', '1.0', '"1.0" is not an opportunity ID (not a whole number)'],
		['a trailing decimal point', '12.', '"12." is not an opportunity ID (not a whole number)'],
		['exponent notation', '1e3', '"1e3" is not an opportunity ID'],
		['hexadecimal', '0x1A', '"0x1A" is not an opportunity ID'],
		['binary notation', '0b11', '"0b11" is not an opportunity ID'],
		['a negative string', '-3', '"-3" is not an opportunity ID (IDs are written without a sign)'],
		['a plus sign', '+5', '"+5" is not an opportunity ID (IDs are written without a sign)'],
		['a zero string', '0', '"0" is not an opportunity ID (IDs start at 1)'],
		['zeros only', '000', '"000" is not an opportunity ID (IDs start at 1)'],
		['an underscore separator', '1_000', '"1_000" is not an opportunity ID'],
		['an apostrophe separator', "1'000", '"1\'000" is not an opportunity ID'],
		['a dot separator', '1.000.000', '"1.000.000" is not an opportunity ID'],
		['"NaN"', 'NaN', '"NaN" is not an opportunity ID'],
		['"Infinity"', 'Infinity', '"Infinity" is not an opportunity ID'],
		['"true"', 'true', '"true" is not an opportunity ID'],
		['"null"', 'null', '"null" is not an opportunity ID'],
		['"undefined"', 'undefined', '"undefined" is not an opportunity ID'],
		['an unresolved expression', '{{ $json.id }}', '"{{ $json.id }}" is not an opportunity ID'],
		['a pipe separator', '1|2', '"1|2" is not an opportunity ID'],
		['a slash', '1/2', '"1/2" is not an opportunity ID'],
		['a zero-width space inside', '1\u200b2', '"1\\u200b2" is not an opportunity ID'],
		['a control character', '1\u00002', '"1\\u00002" is not an opportunity ID'],
		// Unicode digits.
		[
			'Arabic-Indic digits',
			'١٢٣',
			'"١٢٣" is not an opportunity ID (only the digits 0-9 are allowed)',
		],
		[
			'fullwidth digits',
			'１２',
			'"１２" is not an opportunity ID (only the digits 0-9 are allowed)',
		],
		['Devanagari digits', '४२', '"४२" is not an opportunity ID (only the digits 0-9 are allowed)'],
		[
			'ASCII mixed with fullwidth',
			'1２',
			'"1２" is not an opportunity ID (only the digits 0-9 are allowed)',
		],
		['superscript digits', '²', '"²" is not an opportunity ID'],
		['circled digits', '①', '"①" is not an opportunity ID'],
		// Spaces inside an ID.
		['a space inside an ID', '1 234', '"1 234" contains a space inside an ID'],
		['a tab inside an ID', '1\t234', '"1\\t234" contains a space inside an ID'],
		[
			'a non-breaking space inside an ID',
			'1\u00a0234',
			'"1\\u00a0234" contains a space inside an ID',
		],
		[
			'a narrow no-break space inside an ID',
			'1\u202f234',
			'"1\\u202f234" contains a space inside an ID',
		],
		[
			'a space inside one of several IDs',
			'5, 1 234',
			'"1 234" (in "5, 1 234") contains a space inside an ID',
		],
		['IDs separated by spaces only', '1 2 3', '"1 2 3" contains a space inside an ID'],
		// Too large.
		[
			'one more than the largest ID, as a string',
			'2147483648',
			'"2147483648" is too large for an opportunity ID (the largest is 2147483647)',
		],
		[
			'a 20-digit string',
			'99999999999999999999',
			'"99999999999999999999" is too large for an opportunity ID',
		],
		[
			'an 11-digit string with leading zeros',
			'0021474836470',
			'"0021474836470" is too large for an opportunity ID',
		],
		// Ambiguous thousands separators.
		['"1,234"', '1,234', '"1,234" could be one number with a thousands separator or two IDs'],
		[
			'"12,345,678"',
			'12,345,678',
			'"12,345,678" could be one number with thousands separators or several IDs',
		],
		[
			'"1,234" with padding around it',
			' 1,234 ',
			'"1,234" could be one number with a thousands separator or two IDs',
		],
		['"1234,567" (four digits before)', '1234,567', '"1234,567" could be one number'],
		['"1,234" with a trailing comma', '1,234,', '"1,234" could be one number'],
		['"1,234" with a leading comma', ',1,234', '"1,234" could be one number'],
		[
			'"1,234" then a semicolon',
			'1,234;5',
			'"1,234" (in "1,234;5") could be one number with a thousands separator or two IDs',
		],
		['"1,234" after a semicolon', '5;1,234', '"1,234" (in "5;1,234") could be one number'],
		[
			'"1,234" on one line of several',
			'5\n1,234\n6',
			'"1,234" (in "5\\n1,234\\n6") could be one number',
		],
		[
			'"1,234" with padding inside the part, not after a comma',
			'5;1,234 ',
			'"1,234" (in "5;1,234 ") could be one number',
		],
		['"0,123"', '0,123', '"0" (in "0,123") is not an opportunity ID (IDs start at 1)'],
		[
			'"1,234.56"',
			'1,234.56',
			'"234.56" (in "1,234.56") is not an opportunity ID (not a whole number)',
		],
		// One bad piece in a list.
		[
			'one bad piece among good ones',
			'1, 12abc, 3',
			'"12abc" (in "1, 12abc, 3") is not an opportunity ID',
		],
		[
			'a zero among good ones',
			'1;0;3',
			'"0" (in "1;0;3") is not an opportunity ID (IDs start at 1)',
		],
		[
			'a too-large piece among good ones',
			'1\n2147483648',
			'"2147483648" (in "1\\n2147483648") is too large',
		],
		['a list written as JSON text', '[1, 2]', '"[1" (in "[1, 2]") is not an opportunity ID'],
		// Numbers.
		['a fraction', 1.5, '1.5 is not an opportunity ID (not a whole number)'],
		['a tiny fraction', 1.0000001, '1.0000001 is not an opportunity ID (not a whole number)'],
		['a negative number', -3, '-3 is not an opportunity ID (IDs start at 1)'],
		['zero', 0, '0 is not an opportunity ID (IDs start at 1)'],
		['negative zero', -0, '-0 is not an opportunity ID (IDs start at 1)'],
		['NaN', NaN, 'NaN is not an opportunity ID (not a number)'],
		['Infinity', Infinity, 'Infinity is not an opportunity ID'],
		['-Infinity', -Infinity, '-Infinity is not an opportunity ID'],
		[
			'one more than the largest ID',
			2147483648,
			'2147483648 is too large for an opportunity ID (the largest is 2147483647)',
		],
		[
			'the largest 32-bit unsigned number',
			4294967295,
			'4294967295 is too large for an opportunity ID',
		],
		[
			'MAX_SAFE_INTEGER',
			Number.MAX_SAFE_INTEGER,
			'9007199254740991 is too large for an opportunity ID',
		],
		[
			'beyond MAX_SAFE_INTEGER (shown as JavaScript prints it)',
			2 ** 60,
			'1152921504606847000 is too large for an opportunity ID',
		],
		['1e300', 1e300, '1e+300 is too large for an opportunity ID'],
		['a bigint zero', BigInt(0), '0 is not an opportunity ID (IDs start at 1)'],
		['a negative bigint', BigInt(-5), '-5 is not an opportunity ID (IDs start at 1)'],
		[
			'a bigint too large',
			BigInt('99999999999999999999'),
			'99999999999999999999 is too large for an opportunity ID',
		],
		// Other types.
		['true', true, 'true is not an opportunity ID'],
		['false', false, 'false is not an opportunity ID'],
		['an object', { id: 5 }, '{"id": 5} is not an opportunity ID (it is an object)'],
		['an empty object', {}, '{} is not an opportunity ID (it is an object)'],
		['a boxed number', Object(5), 'is not an opportunity ID (it is an object)'],
		[
			'a date',
			new Date(0),
			'"1970-01-01T00:00:00.000Z" is not an opportunity ID (it is an object)',
		],
		['a function', () => 5, 'a function is not an opportunity ID'],
		['a symbol', Symbol('5'), 'a symbol is not an opportunity ID'],
		// Arrays with a bad entry.
		['a nested array', [1, [2, 3]], '[2, 3] (position 2 in [1, [2, 3]]) is a list inside the list'],
		['an empty nested array', [[]], '[] (position 1 in [[]]) is a list inside the list'],
		[
			'an object in an array',
			[1, { id: 2 }],
			'{"id": 2} (position 2 in [1, {"id": 2}]) is not an opportunity ID (it is an object)',
		],
		[
			'a bad string in an array',
			[1, '12abc', 3],
			'"12abc" (position 2 in [1, "12abc", 3]) is not an opportunity ID',
		],
		[
			'a fraction in an array',
			[1, 1.5],
			'1.5 (position 2 in [1, 1.5]) is not an opportunity ID (not a whole number)',
		],
		['zero in an array', [0], '0 (position 1 in [0]) is not an opportunity ID (IDs start at 1)'],
		['NaN in an array', [1, NaN], 'NaN (position 2 in [1, NaN]) is not an opportunity ID'],
		['true in an array', [true], 'true (position 1 in [true]) is not an opportunity ID'],
		[
			'a too-large number in an array',
			[2147483648],
			'2147483648 (position 1 in [2147483648]) is too large',
		],
		[
			'a too-large bigint in an array',
			[BigInt(2147483648)],
			'2147483648 (position 1 in [2147483648]) is too large',
		],
		[
			'a list string in an array',
			['1, 2'],
			'"1, 2" (position 1 in ["1, 2"]) holds more than one ID',
		],
		[
			'an ambiguous string in an array',
			['1,234'],
			'"1,234" (position 1 in ["1,234"]) could be one number',
		],
		[
			'a spaced string in an array',
			['1 234'],
			'"1 234" (position 1 in ["1 234"]) contains a space inside an ID',
		],
		[
			'a bad piece of a string in an array',
			['5, x'],
			'"x" (in "5, x", position 1 in ["5, x"]) is not an opportunity ID',
		],
		[
			'unicode digits in an array',
			['١٢٣'],
			'"١٢٣" (position 1 in ["١٢٣"]) is not an opportunity ID (only the digits 0-9',
		],
	])('%s', (_name, value, message) => {
		expect(rejection(value).message).toContain(message);
	});

	test('the example messages and hints read as specified', () => {
		expect(rejection('12abc')).toMatchObject({
			message: '"12abc" is not an opportunity ID',
			hint: GENERIC_HINT,
		});
		expect(rejection('1,234')).toMatchObject({
			message: '"1,234" could be one number with a thousands separator or two IDs',
			hint:
				'Write the IDs as an array, e.g. [1, 234], or separate them with a comma and a space, e.g. "1, 234".' +
				' If it is one number, write it without separators, e.g. 1234.',
		});
		expect(rejection('1 234')).toMatchObject({
			message: '"1 234" contains a space inside an ID',
			hint: 'Spaces do not separate IDs: separate them with commas, semicolons or line breaks, e.g. "1, 234". If it is one number, remove the spaces, e.g. 1234.',
		});
		// In a list (a tool's JSON array), commas would make an entry with several IDs, itself refused.
		expect(rejection([7, '1 234'])).toMatchObject({
			message: expect.stringContaining('"1 234"'),
			hint: 'Spaces do not separate IDs: put one ID in each entry, e.g. [1, 234]. If it is one number, remove the spaces, e.g. 1234.',
		});
	});

	test('hints are built from the value when it is short', () => {
		expect(rejection('12,345,678').hint).toBe(
			'Write the IDs as an array, e.g. [12, 345, 678], or separate them with a comma and a space, e.g. "12, 345, 678".' +
				' If it is one number, write it without separators, e.g. 12345678.',
		);
		// 12345678901 is not a valid ID, so the hint does not offer it as one.
		expect(rejection('12,345,678,901').hint).toBe(
			'Write the IDs as an array, e.g. [12, 345, 678, 901], or separate them with a comma and a space, e.g. "12, 345, 678, 901".',
		);
		expect(rejection('1,034').hint).toContain('e.g. [1, 34]');
		expect(rejection('3 10 20').hint).toContain(
			'e.g. "3, 10, 20". If it is one number, remove the spaces, e.g. 31020.',
		);
	});

	test('each kind of problem has its own hint', () => {
		expect(rejection(2147483648).hint).toContain(
			'reads the ID, e.g. {{ $json.id }}, not an amount or a phone number.',
		);
		expect(rejection({ id: 1 }).hint).toContain(
			'Point the expression in "Opportunity IDs" at the ID itself, e.g. {{ $json.id }}.',
		);
		expect(rejection([[1]]).hint).toContain('{{ $json.ids.flat() }}');
		expect(rejection(['1, 2']).hint).toContain('Put one ID in each entry, e.g. [1045, 1046]');
		expect(rejection('١٢٣').hint).toContain('Retype the ID with the digits 0-9, e.g. 1045.');
		expect(rejection('[1, 2]').hint).toContain('{{ JSON.parse($json.ids) }}');
		expect(rejection(-3).hint).toBe(GENERIC_HINT);
	});

	test('the first problem in the value is the one reported', () => {
		expect(rejection('1, x, y').message).toContain('"x"');
		expect(rejection([1, 'x', 'y']).message).toContain('"x" (position 2');
		// A bad piece is reported before a thousands-like run elsewhere in the string.
		expect(rejection('1,234, 12abc').message).toContain('"12abc"');
	});

	test('the error is an Error with a name, the whole value and a hint', () => {
		const value = ['1', 'nope'];
		const error = rejection(value);
		expect(error).toBeInstanceOf(Error);
		expect(error.name).toBe('InvalidOpportunityIdError');
		expect(error.value).toBe(value);
		expect(error.hint).toBe(GENERIC_HINT);
		expect(new InvalidOpportunityIdError('m', 7, 'h')).toMatchObject({
			message: 'm',
			value: 7,
			hint: 'h',
		});
	});
});

describe('parseOpportunityIds: big values stay out of messages', () => {
	const MAX_MESSAGE = 300;

	test('a 1 MB string is quoted only in part', () => {
		const value = 'x'.repeat(1_000_000);
		const error = rejection(value);
		expect(error.message.length).toBeLessThan(MAX_MESSAGE);
		expect(error.message).toMatch(/^"x+…" is not an opportunity ID$/);
		expect(error.value).toBe(value);
	});

	test('a bad piece at the end of a 1 MB list is named, the list is cut', () => {
		const value = `${'1, '.repeat(350_000)}12abc`;
		const error = rejection(value);
		expect(error.message.length).toBeLessThan(MAX_MESSAGE);
		expect(error.message).toMatch(/^"12abc" \(in "1, 1, .*…"\) is not an opportunity ID$/);
	});

	test('a 1 MB digit run is too large and cut', () => {
		const error = rejection('9'.repeat(1_000_000));
		expect(error.message.length).toBeLessThan(MAX_MESSAGE);
		expect(error.message).toMatch(/^"9+…" is too large for an opportunity ID/);
	});

	test('a 1 MB space-separated run and a 1 MB thousands-like run are cut, with default examples', () => {
		const spaced = rejection(`1${' 2'.repeat(500_000)}`);
		expect(spaced.message.length).toBeLessThan(MAX_MESSAGE);
		expect(spaced.hint).toContain('e.g. "1, 234"');
		const thousands = rejection(`1${',234'.repeat(250_000)}`);
		expect(thousands.message.length).toBeLessThan(MAX_MESSAGE);
		expect(thousands.message).toContain('or several IDs');
		expect(thousands.hint).toBe(
			'Write the IDs as an array, e.g. [1, 234], or separate them with a comma and a space, e.g. "1, 234".',
		);
	});

	test('a bad entry at the end of a 100k-entry array is named by position, the array is cut', () => {
		const value: unknown[] = Array.from({ length: 100_000 }, (_, i) => i + 1);
		value[99_999] = 'bad';
		const error = rejection(value);
		expect(error.message.length).toBeLessThan(MAX_MESSAGE);
		expect(error.message).toMatch(
			/^"bad" \(position 100000 in \[1, 2, 3, .*…\]\) is not an opportunity ID$/,
		);
	});

	test('a big object and a deep one are cut', () => {
		const big = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`key${i}`, i]));
		expect(rejection(big).message.length).toBeLessThan(MAX_MESSAGE);
		const deep = { a: { b: { c: { d: 1 } } } };
		expect(rejection(deep).message).toBe(
			'{"a": {"b": {…}}} is not an opportunity ID (it is an object)',
		);
		const cyclic: Record<string, unknown> = {};
		cyclic.self = cyclic;
		expect(rejection([cyclic]).message.length).toBeLessThan(MAX_MESSAGE);
	});

	test('a long key, a long string entry and emoji are cut without breaking a character', () => {
		expect(rejection({ ['k'.repeat(1000)]: 1 }).message.length).toBeLessThan(MAX_MESSAGE);
		expect(rejection(['y'.repeat(1000)]).message.length).toBeLessThan(MAX_MESSAGE);
		const emoji = rejection('😀'.repeat(100)).message;
		expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
		expect(emoji).toContain('😀😀…');
	});

	test('an object whose getter throws still gets a message', () => {
		const hostile = {
			get id(): number {
				throw new Error('boom');
			},
		};
		expect(rejection(hostile).message).toBe(
			'a value that cannot be shown is not an opportunity ID (it is an object)',
		);
	});
});
