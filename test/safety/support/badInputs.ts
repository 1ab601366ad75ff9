/**
 * Bad "Opportunity IDs" values, each with what the error message must quote so the user recognises it.
 * Every one must stop the node before its first request (or, under Continue On Fail, fail only its own item).
 */

export interface BadInput {
	/** Distinct name; also the key the summary counts. */
	name: string;
	value: () => unknown;
	/** What the message must contain about the value (besides "Item <index>"). */
	shows: RegExp;
}

const digits1MB = (() => {
	let text = '';
	for (let id = 1; text.length < 1_000_000; id++) text += `${id}, `;
	return text;
})();

const hundredThousandIds = Array.from({ length: 99_999 }, (_, i) => i + 1);

export const BAD_INPUTS: BadInput[] = [
	// Numbers
	{ name: 'zero', value: () => 0, shows: /\b0 is not an opportunity ID \(IDs start at 1\)/ },
	{ name: 'negative number', value: () => -3, shows: /-3 is not an opportunity ID/ },
	{ name: 'negative zero', value: () => -0, shows: /-0 is not an opportunity ID/ },
	{
		name: 'fraction',
		value: () => 1.5,
		shows: /1\.5 is not an opportunity ID \(not a whole number\)/,
	},
	{ name: 'almost an integer', value: () => 7.000001, shows: /7\.000001 is not/ },
	{ name: 'smallest positive double', value: () => 5e-324, shows: /5e-324 is not/ },
	{ name: 'NaN', value: () => NaN, shows: /NaN is not an opportunity ID/ },
	{ name: 'Infinity', value: () => Infinity, shows: /Infinity is not an opportunity ID/ },
	{ name: '-Infinity', value: () => -Infinity, shows: /-Infinity is not an opportunity ID/ },
	{
		name: 'one past the largest ID (2^31)',
		value: () => 2147483648,
		shows: /2147483648 is too large.*2147483647/,
	},
	{ name: 'smallest int32', value: () => -2147483648, shows: /-2147483648 is not/ },
	{
		name: 'beyond safe integers (2^53 + 1 rounds)',
		value: () => 2 ** 53 + 2,
		shows: /9007199254740994 is too large/,
	},
	{ name: 'a huge number', value: () => 1e21, shows: /1e\+21 is too large/ },
	{ name: 'bigint zero', value: () => BigInt(0), shows: /\b0 is not an opportunity ID/ },
	{
		name: 'bigint one past the largest ID',
		value: () => BigInt('2147483648'),
		shows: /2147483648 is too large/,
	},
	{
		name: 'huge bigint',
		value: () => BigInt('123456789012345678901234567890'),
		shows: /123456789012345678901234567890 is too large/,
	},
	// Strings
	{ name: 'letters after digits', value: () => '12abc', shows: /"12abc" is not an opportunity ID/ },
	{ name: 'a word', value: () => 'deal', shows: /"deal" is not/ },
	{
		name: 'decimal string "1.0"',
		value: () => '1.0',
		shows: /"1\.0" is not an opportunity ID \(not a whole number\)/,
	},
	{
		name: 'plus sign "+5"',
		value: () => '+5',
		shows: /"\+5" is not an opportunity ID \(IDs are written without a sign\)/,
	},
	{ name: 'minus sign "-5"', value: () => '-5', shows: /"-5" is not/ },
	{ name: 'hexadecimal "0x1A"', value: () => '0x1A', shows: /"0x1A" is not/ },
	{ name: 'exponent "1e3"', value: () => '1e3', shows: /"1e3" is not/ },
	{
		name: 'thousands separator "1,234"',
		value: () => '1,234',
		shows: /"1,234" could be one number with a thousands separator or two IDs/,
	},
	{
		name: 'thousands separators "12,345,678"',
		value: () => '12,345,678',
		shows: /"12,345,678" could be one number with thousands separators/,
	},
	{
		name: 'thousands inside a list "5;1,234"',
		value: () => '5;1,234',
		shows: /"1,234" \(in "5;1,234"\) could be one number/,
	},
	{
		name: 'space inside an ID "1 234"',
		value: () => '1 234',
		shows: /"1 234" contains a space inside an ID/,
	},
	{
		name: 'tab inside an ID',
		value: () => '1\t234',
		shows: /"1\\t234" contains a space inside an ID/,
	},
	{
		name: 'no-break space inside an ID',
		value: () => '1\u00a0234',
		shows: /"1\\u00a0234" contains a space/,
	},
	{ name: 'zero-width space after an ID', value: () => '42\u200b', shows: /"42\\u200b" is not/ },
	{ name: 'NUL inside an ID', value: () => '1\u00002', shows: /"1\\u00002" is not/ },
	{
		name: 'Arabic-Indic digits',
		value: () => '٣٤',
		shows: /"٣٤" is not an opportunity ID \(only the digits 0-9 are allowed\)/,
	},
	{
		name: 'fullwidth digits',
		value: () => '１２',
		shows: /"１２" is not an opportunity ID \(only the digits 0-9/,
	},
	{
		name: 'Devanagari digits in a list',
		value: () => '7, १२३',
		shows: /"१२३" \(in "7, १२३"\) is not/,
	},
	{
		name: 'string zero "000"',
		value: () => '000',
		shows: /"000" is not an opportunity ID \(IDs start at 1\)/,
	},
	{
		name: 'string one past the largest ID',
		value: () => '2147483648',
		shows: /"2147483648" is too large/,
	},
	{
		name: 'digits that would be truncated',
		value: () => '21474836470',
		shows: /"21474836470" is too large/,
	},
	{
		name: '20-digit string',
		value: () => '99999999999999999999',
		shows: /"99999999999999999999" is too large/,
	},
	{ name: 'underscore digit separator', value: () => '1_000', shows: /"1_000" is not/ },
	{ name: 'string "Infinity"', value: () => 'Infinity', shows: /"Infinity" is not/ },
	{ name: 'string "NaN"', value: () => 'NaN', shows: /"NaN" is not/ },
	{ name: 'string "true"', value: () => 'true', shows: /"true" is not/ },
	{ name: 'a path "../1"', value: () => '../1', shows: /"\.\.\/1" is not/ },
	{ name: 'a query "1?x=1"', value: () => '1?x=1', shows: /"1\?x=1" is not/ },
	{ name: 'percent-encoded "%31"', value: () => '%31', shows: /"%31" is not/ },
	{
		name: 'JSON array as text "[1, 2]"',
		value: () => '[1, 2]',
		shows: /"\[1" \(in "\[1, 2\]"\) is not/,
	},
	{ name: 'JSON object as text', value: () => '{"id":1}', shows: /"\{\\"id\\":1\}" is not/ },
	{
		name: 'one bad entry in a text list',
		value: () => '1, 2, x, 4',
		shows: /"x" \(in "1, 2, x, 4"\) is not/,
	},
	{
		name: 'a 1 MB string of letters',
		value: () => 'x'.repeat(1_000_000),
		shows: /"x{40,60}…" is not/,
	},
	{
		name: 'a 1 MB list of IDs ending in "12abc"',
		value: () => `${digits1MB}12abc`,
		shows: /"12abc" \(in "1, 2, 3, .*…"\) is not/,
	},
	// Other types
	{ name: 'true', value: () => true, shows: /true is not an opportunity ID/ },
	{ name: 'false', value: () => false, shows: /false is not an opportunity ID/ },
	{
		name: 'an object',
		value: () => ({ id: 1 }),
		shows: /\{"id": 1\} is not an opportunity ID \(it is an object\)/,
	},
	{
		name: 'an empty object',
		value: () => ({}),
		shows: /\{\} is not an opportunity ID \(it is an object\)/,
	},
	{ name: 'a date', value: () => new Date(0), shows: /"1970-01-01T00:00:00.000Z" is not/ },
	{
		name: 'a nested array',
		value: () => [[1, 2]],
		shows: /\[1, 2\] \(position 1 in \[\[1, 2\]\]\) is a list inside the list/,
	},
	{
		name: 'a nested array after an ID',
		value: () => [1, [2]],
		shows: /\[2\] \(position 2 in \[1, \[2\]\]\) is a list inside the list/,
	},
	{
		name: 'an object in an array',
		value: () => [{ id: 1 }],
		shows: /\(position 1 in \[\{"id": 1\}\]\) is not an opportunity ID \(it is an object\)/,
	},
	{
		name: 'several IDs in one array entry',
		value: () => ['1, 2'],
		shows: /"1, 2" \(position 1 in \["1, 2"\]\) holds more than one ID/,
	},
	{
		name: 'a word in an array',
		value: () => [1, 'abc'],
		shows: /"abc" \(position 2 in \[1, "abc"\]\) is not/,
	},
	{
		name: 'NaN in an array',
		value: () => [1, NaN],
		shows: /NaN \(position 2 in \[1, NaN\]\) is not/,
	},
	{
		name: 'a boolean in an array',
		value: () => [true],
		shows: /true \(position 1 in \[true\]\) is not/,
	},
	{
		name: 'a fraction in an array',
		value: () => [3, 2.5],
		shows: /2\.5 \(position 2 in \[3, 2\.5\]\) is not/,
	},
	{
		name: 'thousands in an array entry',
		value: () => ['1,234'],
		shows: /"1,234" \(position 1 in \["1,234"\]\) could be one number/,
	},
	{
		name: '100k-element array with one bad entry at the end',
		value: () => [...hundredThousandIds, 'x'],
		shows: /"x" \(position 100000 in \[1, 2, 3, .*…\]\) is not/,
	},
	// Empty values (an error unless Skip Items Without ID is on)
	{ name: 'empty string', value: () => '', shows: /has no opportunity ID/ },
	{ name: 'null', value: () => null, shows: /has no opportunity ID/ },
	{ name: 'undefined', value: () => undefined, shows: /has no opportunity ID/ },
	{ name: 'empty array', value: () => [], shows: /has no opportunity ID/ },
	{
		name: 'only separators and spaces',
		value: () => ' ,;\n\r\n ; ',
		shows: /has no opportunity ID/,
	},
	{ name: 'array of blanks', value: () => [null, '', '  '], shows: /has no opportunity ID/ },
];
