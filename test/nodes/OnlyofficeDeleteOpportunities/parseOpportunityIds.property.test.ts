import fc from 'fast-check';

import {
	InvalidOpportunityIdError,
	MAX_OPPORTUNITY_ID,
	parseOpportunityIds,
} from '../../../nodes/OnlyofficeDeleteOpportunities/parseOpportunityIds';

// ---------------------------------------------------------------------------------------------------------
// A second, deliberately naive reading of the rules (written apart from the parser, with BigInt for the range),
// used as the oracle: the parser must agree with it on every generated input.
// ---------------------------------------------------------------------------------------------------------

const INVALID = Symbol('invalid');
type Reading = number[] | typeof INVALID;

function referenceId(text: string): number | typeof INVALID {
	if (!/^[0-9]+$/.test(text)) return INVALID;
	const value = BigInt(text);
	return value >= BigInt(1) && value <= BigInt(MAX_OPPORTUNITY_ID) ? Number(value) : INVALID;
}

function referenceText(text: string): Reading {
	const ids: number[] = [];
	// String.prototype.trim removes exactly the whitespace the rules call padding.
	for (const piece of text.split(/[,;\n\r]/).map((p) => p.trim())) {
		if (piece === '') continue;
		const id = referenceId(piece);
		if (id === INVALID) return INVALID;
		ids.push(id);
	}
	// A part between semicolons and line breaks with nothing but digits and commas, each comma followed by three digits.
	for (const part of text.split(/[;\n\r]/))
		if (/^,*[0-9]+(?:,[0-9]{3})+,*$/.test(part.trim())) return INVALID;
	return ids;
}

function referenceScalar(value: unknown): Reading {
	if (typeof value === 'number')
		return Number.isInteger(value) && value >= 1 && value <= MAX_OPPORTUNITY_ID ? [value] : INVALID;
	if (typeof value === 'bigint')
		return value >= BigInt(1) && value <= BigInt(MAX_OPPORTUNITY_ID) ? [Number(value)] : INVALID;
	if (typeof value === 'string') return referenceText(value);
	return INVALID;
}

function reference(value: unknown): Reading {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) return referenceScalar(value);
	const ids: number[] = [];
	for (const entry of value as unknown[]) {
		if (entry === undefined || entry === null) continue;
		const found = referenceScalar(entry);
		if (found === INVALID || found.length > 1) return INVALID;
		ids.push(...found);
	}
	return ids;
}

/** What the input literally holds, in order: each number as is, each run of digits 0-9 in a string without its leading zeros. */
function literalIds(value: unknown): string[] {
	const literal = (entry: unknown): string[] => {
		if (typeof entry === 'number' || typeof entry === 'bigint') return [String(entry)];
		if (typeof entry === 'string')
			return (entry.match(/[0-9]+/g) ?? []).map((run) => run.replace(/^0+(?=.)/, ''));
		return [];
	};
	return Array.isArray(value) ? (value as unknown[]).flatMap(literal) : literal(value);
}

type Outcome = { ids: number[] } | { error: unknown };

function run(value: unknown): Outcome {
	try {
		return { ids: parseOpportunityIds(value) };
	} catch (error) {
		return { error };
	}
}

function expectRejected(value: unknown): InvalidOpportunityIdError {
	const outcome = run(value);
	if (!('error' in outcome))
		throw new Error(`accepted ${JSON.stringify(outcome.ids)} from ${String(value)}`);
	expect(outcome.error).toBeInstanceOf(InvalidOpportunityIdError);
	return outcome.error as InvalidOpportunityIdError;
}

// ---------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------

const validId = fc.oneof(
	fc.integer({ min: 1, max: MAX_OPPORTUNITY_ID }),
	fc.integer({ min: 1, max: 2000 }),
);
/** A valid ID as text, sometimes with leading zeros. */
const validIdText = fc
	.tuple(fc.nat({ max: 3 }), validId)
	.map(([zeros, id]) => '0'.repeat(zeros) + id);
const separator = fc.constantFrom(',', ';', '\n', '\r\n', '\r');
const paddingChar = fc.constantFrom(
	' ',
	'\t',
	'\v',
	'\f',
	'\u00a0',
	'\u1680',
	'\u2003',
	'\u2028',
	'\u2029',
	'\u202f',
	'\u3000',
	'\ufeff',
);
const padding = fc.array(paddingChar, { maxLength: 3 }).map((chars) => chars.join(''));
const unicodeDigits = fc
	.tuple(
		fc.constantFrom(0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10, 0x1d7ce),
		fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 4 }),
	)
	.map(([zero, digits]) => digits.map((d) => String.fromCodePoint(zero + d)).join(''));
const tooLargeText = fc.oneof(
	fc
		.bigInt({ min: BigInt(MAX_OPPORTUNITY_ID) + BigInt(1), max: BigInt(10) ** BigInt(30) })
		.map(String),
	fc.integer({ min: 11, max: 400 }).map((length) => '9'.repeat(length)),
);

/**
 * A token that is never a valid ID wherever it is put between separators: it holds a character that is not a
 * digit 0-9, a separator or whitespace, or it is zero, too large, or digits with whitespace inside.
 */
const invalidToken = fc.oneof(
	fc.constantFrom(
		'12abc',
		'1.5',
		'1.0',
		'1e3',
		'0x1A',
		'-3',
		'+5',
		'0',
		'000',
		'NaN',
		'Infinity',
		'true',
		'1_000',
		'[1',
		'½',
		'²',
		'①',
		'#1',
	),
	unicodeDigits,
	tooLargeText,
	fc
		.tuple(validIdText, fc.array(paddingChar, { minLength: 1, maxLength: 2 }), validIdText)
		.map(([a, space, b]) => a + space.join('') + b),
	fc
		.tuple(
			fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
			fc.option(validIdText, { nil: '' }),
		)
		.filter(([text]) => /[^0-9\s,;]/.test(text))
		.map(([text, id]) => id + text),
);

/** Free-form text mixing every kind of piece the rules talk about. */
const soup = fc
	.array(
		fc.oneof(
			{ weight: 4, arbitrary: validIdText },
			{ weight: 3, arbitrary: separator },
			{ weight: 3, arbitrary: padding },
			{ weight: 1, arbitrary: invalidToken },
			{
				weight: 1,
				arbitrary: fc.constantFrom(',234', ',23', ',2345', '1,234', ',', ',,', '12,345,678'),
			},
			{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) },
		),
		{ maxLength: 12 },
	)
	.map((parts) => parts.join(''));

const anyNumber = fc.oneof(
	validId,
	fc.integer(),
	fc.double(),
	fc.double({ min: 2 ** 31, max: 1e308, noNaN: true }),
	fc.constantFrom(
		0,
		-0,
		NaN,
		Infinity,
		-Infinity,
		MAX_OPPORTUNITY_ID,
		MAX_OPPORTUNITY_ID + 1,
		Number.MAX_SAFE_INTEGER,
		2 ** 53 + 2,
		1e21,
		1e3,
		1.5,
	),
);
const anyBigInt = fc.oneof(
	fc.bigInt({ min: BigInt(1), max: BigInt(MAX_OPPORTUNITY_ID) }),
	fc.bigInt(),
);
const scalar = fc.oneof(
	anyNumber,
	anyBigInt,
	soup,
	validIdText,
	fc.boolean(),
	fc.constant(null),
	fc.constant(undefined),
	fc.string(),
);
const entry = fc.oneof(
	{ weight: 6, arbitrary: scalar },
	{ weight: 1, arbitrary: fc.array(validId, { maxLength: 2 }) },
	{ weight: 1, arbitrary: fc.object({ maxDepth: 1 }) },
);
const anyInput = fc.oneof(
	{ weight: 4, arbitrary: scalar },
	{ weight: 4, arbitrary: fc.array(entry, { maxLength: 8 }) },
	{
		weight: 1,
		arbitrary: fc.anything({
			withBigInt: true,
			withBoxedValues: true,
			withDate: true,
			withNullPrototype: true,
			withSparseArray: true,
		}),
	},
);

// ---------------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------------

describe('parseOpportunityIds: properties', () => {
	test('agrees with the reference reading of the rules on any input', () => {
		fc.assert(
			fc.property(anyInput, (value) => {
				const outcome = run(value);
				const expected = reference(value);
				if (expected === INVALID) {
					expect(outcome).toEqual({ error: expect.any(InvalidOpportunityIdError) });
				} else {
					expect(outcome).toEqual({ ids: expected });
				}
			}),
			{ numRuns: 2000 },
		);
	});

	test('either throws InvalidOpportunityIdError or returns only valid IDs that the input literally holds, in order', () => {
		fc.assert(
			fc.property(anyInput, (value) => {
				const outcome = run(value);
				if ('error' in outcome) {
					expect(outcome.error).toBeInstanceOf(InvalidOpportunityIdError);
					return;
				}
				for (const id of outcome.ids) {
					expect(Number.isInteger(id)).toBe(true);
					expect(id).toBeGreaterThanOrEqual(1);
					expect(id).toBeLessThanOrEqual(MAX_OPPORTUNITY_ID);
				}
				// Never an ID not in the input, never a truncated or rounded one, never one dropped.
				expect(outcome.ids.map(String)).toEqual(literalIds(value));
			}),
			{ numRuns: 2000 },
		);
	});

	test('every error carries the value, a short one-line message and a hint, however big the value', () => {
		const big = fc.oneof(
			invalidToken.map((token) => `${'1, '.repeat(20_000)}${token}`),
			fc.integer({ min: 1000, max: 200_000 }).map((length) => 'x'.repeat(length)),
			fc.array(fc.oneof(validId, invalidToken), { minLength: 1000, maxLength: 5000 }),
		);
		fc.assert(
			fc.property(fc.oneof(anyInput, big), (value) => {
				const outcome = run(value);
				if (!('error' in outcome)) return;
				const error = outcome.error as InvalidOpportunityIdError;
				expect(error).toBeInstanceOf(InvalidOpportunityIdError);
				expect(error.value).toBe(value);
				expect(error.message.length).toBeLessThan(400);
				expect(error.message).not.toMatch(/[\n\r]/);
				expect(error.hint).toMatch(/e\.g\. .+\.$/);
			}),
			{ numRuns: 500 },
		);
	});

	test('IDs joined with ", ", ";" or line breaks round-trip exactly', () => {
		fc.assert(
			fc.property(
				fc.array(validId, { maxLength: 30 }),
				fc.constantFrom(', ', ';', '\n', '\r\n', '\r', ' ; ', ',\n'),
				(ids, sep) => {
					expect(parseOpportunityIds(ids.join(sep))).toEqual(ids);
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('IDs joined with a bare comma round-trip unless every ID after the first has exactly three digits', () => {
		fc.assert(
			fc.property(
				fc.array(fc.oneof(validId, fc.integer({ min: 100, max: 999 })), {
					minLength: 1,
					maxLength: 6,
				}),
				(ids) => {
					const text = ids.join(',');
					const ambiguous = ids.length > 1 && ids.slice(1).every((id) => String(id).length === 3);
					if (ambiguous) expect(expectRejected(text).message).toContain('could be one number with');
					else expect(parseOpportunityIds(text)).toEqual(ids);
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('an array of valid IDs round-trips, as numbers, strings or bigints', () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(validId, fc.constantFrom('number', 'string', 'bigint')), {
					maxLength: 30,
				}),
				(pairs) => {
					const input = pairs.map(([id, form]) =>
						form === 'number' ? id : form === 'string' ? String(id) : BigInt(id),
					);
					expect(parseOpportunityIds(input)).toEqual(pairs.map(([id]) => id));
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('padding around the pieces of valid IDs never changes a result, and only ever removes an ambiguity', () => {
		const piece = fc.tuple(padding, validIdText, padding);
		fc.assert(
			fc.property(fc.array(piece, { minLength: 1, maxLength: 10 }), separator, (pieces, sep) => {
				const ids = pieces.map(([, id]) => Number(id));
				const plain = run(pieces.map(([, id]) => id).join(sep));
				const padded = run(pieces.map(([before, id, after]) => before + id + after).join(sep));
				if ('ids' in plain) {
					expect(plain.ids).toEqual(ids);
					expect(padded).toEqual({ ids });
				} else {
					// Valid IDs without padding can only be refused as a thousands-like part.
					expect((plain.error as Error).message).toContain('could be one number with');
					if ('error' in padded)
						expect((padded.error as Error).message).toContain('could be one number with');
					else expect(padded.ids).toEqual(ids);
				}
				// Entries of an array are one ID each, padded or not.
				expect(
					parseOpportunityIds(pieces.map(([before, id, after]) => before + id + after)),
				).toEqual(ids);
			}),
			{ numRuns: 1000 },
		);
	});

	test('padding next to the separators of any accepted string does not change its IDs', () => {
		fc.assert(
			fc.property(
				soup,
				fc.array(fc.tuple(padding, padding), { minLength: 1, maxLength: 5 }),
				(text, pads) => {
					const plain = run(text);
					fc.pre('ids' in plain);
					let n = 0;
					const padded = text.replace(/[,;\n\r]/g, (sep) => {
						const [before, after] = pads[n++ % pads.length];
						return before + sep + after;
					});
					expect(run(padded)).toEqual(plain);
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('inserting any invalid token into a list of valid IDs makes it throw, naming the token', () => {
		fc.assert(
			fc.property(
				fc.array(validId, { maxLength: 10 }),
				fc.nat(),
				invalidToken,
				separator,
				padding,
				(ids, at, token, sep, pad) => {
					const pieces = ids.map(String);
					pieces.splice(at % (pieces.length + 1), 0, token);
					const error = expectRejected(pieces.join(pad + sep + pad));
					if (/^[\x21-\x7e]{1,40}$/.test(token) && !/["\\,;]/.test(token))
						expect(error.message).toContain(token);
					// And as an entry of an array.
					const entries: unknown[] = [...ids];
					entries.splice(at % (entries.length + 1), 0, token);
					expectRejected(entries);
				},
			),
			{ numRuns: 1000 },
		);
	});

	test('inserting any invalid entry into an array of valid IDs makes it throw', () => {
		const invalidEntry = fc.oneof(
			fc.constantFrom<unknown>(
				0,
				-0,
				-3,
				1.5,
				NaN,
				Infinity,
				-Infinity,
				true,
				false,
				{},
				[1],
				[],
				'abc',
				'1, 2',
				'1,234',
				BigInt(0),
				MAX_OPPORTUNITY_ID + 1,
			),
			fc.double({ min: 1.0001, max: 1e6, noInteger: true }),
			fc.integer({ min: MAX_OPPORTUNITY_ID + 1, max: Number.MAX_SAFE_INTEGER }),
			fc.integer({ max: 0 }),
			fc.bigInt({ min: BigInt(MAX_OPPORTUNITY_ID) + BigInt(1) }),
			fc.object({ maxDepth: 1 }),
		);
		fc.assert(
			fc.property(fc.array(validId, { maxLength: 10 }), fc.nat(), invalidEntry, (ids, at, bad) => {
				const entries: unknown[] = [...ids];
				entries.splice(at % (entries.length + 1), 0, bad);
				expectRejected(entries);
			}),
			{ numRuns: 1000 },
		);
	});

	test('a string with no digits 0-9 (Unicode digits, separators, spaces, anything else) is either empty or an error', () => {
		const noAsciiDigits = fc
			.array(
				fc.oneof(unicodeDigits, separator, padding, fc.string({ unit: 'binary', maxLength: 4 })),
				{ maxLength: 8 },
			)
			.map((parts) => parts.join('').replace(/[0-9]/g, ''));
		fc.assert(
			fc.property(noAsciiDigits, (text) => {
				const outcome = run(text);
				if ('ids' in outcome) expect(outcome.ids).toEqual([]);
				else expect(outcome.error).toBeInstanceOf(InvalidOpportunityIdError);
			}),
			{ numRuns: 1000 },
		);
	});
});
