/**
 * Property-based tests of the ID parser and the request planner, through the node over real HTTP: for any list
 * of items mixing valid IDs in every accepted form, duplicates across items and sometimes an invalid value,
 * either the node fails before any request naming the first bad item, or the IDs sent are exactly the unique
 * valid IDs of the input (each once, in first-appearance order, never one that was not there, never rounded
 * or cut), in ceil(unique ÷ batchSize) requests of at most batchSize, and each output item is paired to
 * exactly the items that named its ID. Under Continue On Fail only the bad items become error items.
 * A fresh portal per run (3000 deals start in ~15 ms) keeps every run independent.
 */
import fc from 'fast-check';
import type { IDataObject, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkDeletionAccounting } from './support/accounting';
import {
	dataItems,
	errorItemProblems,
	errorItems,
	foreignRequests,
	requestsOf,
	run,
	sentIdLists,
	show,
	tokenCredential,
	withPortal,
} from './support/harness';
import { tallyCase } from './support/tally';

const MAX_ID = 2147483647;
/** Deals 1…SEEDED exist; SEEDED+1 and SEEDED+2 belong to another tenant; higher IDs do not exist. */
const SEEDED = 3000;

/** One item's "Opportunity IDs" value and what it means: its IDs, or that it is invalid or empty. */
interface ItemValue {
	value: unknown;
	ids: number[];
	invalid?: boolean;
	empty?: boolean;
}

const idArb = fc.oneof(
	{ weight: 12, arbitrary: fc.integer({ min: 1, max: SEEDED }) },
	{ weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }) }, // a small range: many duplicates across items
	{
		weight: 1,
		arbitrary: fc.constantFrom(SEEDED + 1, SEEDED + 2, MAX_ID, MAX_ID - 1, 1_000_000_000),
	},
	{ weight: 1, arbitrary: fc.integer({ min: SEEDED + 3, max: MAX_ID }) },
);
const paddingArb = fc.constantFrom('', '', '', ' ', '  ', '\t', '\u00a0', '\u3000');
const zerosArb = fc.constantFrom('', '', '', '', '0', '00', '0000000000000');
/** An ID written as text: padding and harmless leading zeros around it. */
const writtenIdArb = fc
	.tuple(idArb, paddingArb, zerosArb, paddingArb)
	.map(([id, before, zeros, after]) => ({ id, text: `${before}${zeros}${id}${after}` }));
const separatorArb = fc.constantFrom(
	',',
	', ',
	' ,',
	';',
	'; ',
	'\n',
	'\r\n',
	'\r',
	',,',
	';\n',
	' ; ',
);

/** The thousands rule of the issue: a part between ; and line breaks that is digits with ",ddd" groups. */
const isAmbiguous = (text: string) =>
	text.split(/[;\n\r]/).some((part) => /^,*[0-9]+(?:,[0-9]{3})+,*$/.test(part.trim()));

const textListArb = fc
	.tuple(
		fc.array(fc.tuple(writtenIdArb, separatorArb), { minLength: 1, maxLength: 10 }),
		fc.boolean(),
		separatorArb,
	)
	.map(([pieces, leading, edge]): ItemValue => {
		const text = `${leading ? edge : ''}${pieces.map(([w, sep], i) => (i === 0 ? w.text : `${sep}${w.text}`)).join('')}`;
		return { value: text, ids: pieces.map(([w]) => w.id), invalid: isAmbiguous(text) };
	});

const arrayEntryArb = fc.oneof(
	{ weight: 4, arbitrary: idArb.map((id) => ({ entry: id as unknown, ids: [id] })) },
	{ weight: 3, arbitrary: writtenIdArb.map((w) => ({ entry: w.text as unknown, ids: [w.id] })) },
	{ weight: 1, arbitrary: idArb.map((id) => ({ entry: BigInt(id) as unknown, ids: [id] })) },
	{
		weight: 1,
		arbitrary: fc
			.constantFrom(null, undefined, '', '  ')
			.map((entry) => ({ entry: entry as unknown, ids: [] as number[] })),
	},
);

const validValueArb: fc.Arbitrary<ItemValue> = fc.oneof(
	{ weight: 4, arbitrary: idArb.map((id) => ({ value: id, ids: [id] })) },
	{ weight: 1, arbitrary: idArb.map((id) => ({ value: BigInt(id), ids: [id] })) },
	{ weight: 3, arbitrary: writtenIdArb.map((w) => ({ value: w.text, ids: [w.id] })) },
	{ weight: 3, arbitrary: textListArb },
	{
		weight: 3,
		arbitrary: fc.array(arrayEntryArb, { maxLength: 10 }).map((entries) => {
			const ids = entries.flatMap((e) => e.ids);
			return { value: entries.map((e) => e.entry), ids, empty: ids.length === 0 };
		}),
	},
	{
		weight: 1,
		arbitrary: fc
			.constantFrom<unknown>(null, undefined, '', [], ' ; \n', [null, ''])
			.map((value) => ({ value, ids: [], empty: true })),
	},
);

/** Values that are never valid. */
const badValueArb: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom<unknown>(
		0,
		-0,
		-1,
		1.5,
		NaN,
		Infinity,
		-Infinity,
		true,
		false,
		{},
		{ id: 1 },
		[[1]],
		['1, 2'],
		'1,234',
		'1 234',
		'+5',
		'1.0',
		'0x1A',
		'1e3',
		'٣',
		'１',
	),
	fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
	fc.integer({ min: MAX_ID + 1, max: Number.MAX_SAFE_INTEGER }),
	fc.integer({ min: -MAX_ID, max: 0 }),
	fc.bigInt({ min: BigInt(MAX_ID) + BigInt(1), max: BigInt(2) ** BigInt(80) }),
	// Digits with something that is not a digit, separator or padding inside or around them.
	fc
		.tuple(
			fc.integer({ min: 1, max: 99999 }),
			fc.constantFrom(
				'a',
				'x',
				'.',
				'e',
				'+',
				'-',
				'/',
				'#',
				'?',
				'%',
				'_',
				'٣',
				'\u200b',
				'\u0000',
			),
			fc.boolean(),
		)
		.map(([n, junk, before]) => (before ? `${junk}${n}` : `${n}${junk}${n}`)),
	// A thousands-separated number: ambiguous.
	fc
		.tuple(
			fc.integer({ min: 1, max: 999 }),
			fc.array(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 3 }),
		)
		.map(([head, groups]) => [head, ...groups.map((g) => String(g).padStart(3, '0'))].join(',')),
	// Too many digits, written out.
	fc.integer({ min: 2147483648, max: Number.MAX_SAFE_INTEGER }).map((n) => String(n)),
	// A valid ID next to an invalid entry in an array.
	fc
		.tuple(idArb, fc.constantFrom<unknown>('abc', 2.5, true, [3], { id: 3 }, '4 5'))
		.map(([id, bad]) => [id, bad]),
);

interface Scenario {
	values: ItemValue[];
	batchSize: number;
	notDeleted: 'ignore' | 'output';
	skipItemsWithoutId: boolean;
	continueOnFail: boolean;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
	.oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 1000 }), fc.constant(1000))
	.chain((batchSize) =>
		fc.record({
			batchSize: fc.constant(batchSize),
			values: fc
				.tuple(
					fc.array(validValueArb, { minLength: 1, maxLength: 20 }),
					fc.option(fc.tuple(badValueArb, fc.nat()), { freq: 3 }),
					// Sometimes one big item: a run of consecutive IDs, to make several full chunks (≤ 10 chunks).
					fc.option(
						fc.tuple(
							fc.integer({ min: 1, max: SEEDED }),
							fc.integer({ min: 1, max: Math.min(2500, batchSize * 10) }),
							fc.nat(),
						),
						{ freq: 4 },
					),
				)
				.map(([values, bad, bulk]) => {
					const all = [...values];
					if (bulk) {
						const [start, length, at] = bulk;
						const ids = Array.from({ length }, (_, i) => start + i);
						all.splice(at % (all.length + 1), 0, { value: ids, ids });
					}
					if (bad)
						all.splice(bad[1] % (all.length + 1), 0, { value: bad[0], ids: [], invalid: true });
					return all;
				}),
			notDeleted: fc.constantFrom<'ignore' | 'output'>('ignore', 'output'),
			skipItemsWithoutId: fc.boolean(),
			continueOnFail: fc.boolean(),
		}),
	);

/** What the node must do with a scenario. */
function expectation({ values, skipItemsWithoutId }: Scenario) {
	const badItems = values.flatMap((v, index) =>
		v.invalid || (v.empty && !skipItemsWithoutId) ? [index] : [],
	);
	const requesters = new Map<number, number[]>();
	values.forEach((v, index) => {
		if (badItems.includes(index)) return;
		for (const id of v.ids) {
			const items = requesters.get(id) ?? [];
			if (!items.includes(index)) items.push(index);
			requesters.set(id, items);
		}
	});
	return { badItems, planIds: [...requesters.keys()], requesters };
}

const paired = (items: number[]): IPairedItemData | IPairedItemData[] =>
	items.length === 1 ? { item: items[0] } : items.map((item) => ({ item }));
const exists = (id: number) => id <= SEEDED;

describe('any list of items, through the node', () => {
	it('fails before any request naming the bad item, or sends exactly the unique valid IDs in batchSize chunks and pairs every output', async () => {
		await fc.assert(
			fc.asyncProperty(scenarioArb, async (scenario) => {
				await withPortal({ opportunities: SEEDED, seed: 5 }, async (portal) => {
					const { badItems, planIds, requesters } = expectation(scenario);
					const items: IDataObject[] = scenario.values.map((_, index) => ({ index }));
					const result = await run({
						items,
						opportunityIds: (_json, index) => scenario.values[index].value,
						credentials: tokenCredential(portal),
						options: {
							batchSize: scenario.batchSize,
							notDeleted: scenario.notDeleted,
							skipItemsWithoutId: scenario.skipItemsWithoutId,
						},
						continueOnFail: scenario.continueOnFail,
					});

					if (badItems.length > 0 && !scenario.continueOnFail) {
						const error = result.error as NodeOperationError;
						expect(error).toBeInstanceOf(NodeOperationError);
						expect(error.message).toMatch(
							new RegExp(`^Item ${badItems[0]}\\b.*Nothing was deleted\\.$`, 's'),
						);
						expect(error.context.itemIndex).toBe(badItems[0]);
						expect(portal.requests).toEqual([]);
						expect(portal.deletedIds()).toEqual([]);
						checkDeletionAccounting(portal, [], result);
						for (const index of badItems)
							if (scenario.values[index].invalid)
								tallyCase('badInput', `generated: ${show(scenario.values[index].value)}`);
						return;
					}

					expect(result.error).toBeUndefined();
					// Every ID once, in first-appearance order: none added, none dropped, none rounded or cut.
					const lists = sentIdLists(portal);
					expect(lists.flat()).toEqual(planIds);
					expect(lists.every((list) => list.length >= 1 && list.length <= scenario.batchSize)).toBe(
						true,
					);
					expect(lists).toHaveLength(Math.ceil(planIds.length / scenario.batchSize));
					expect(foreignRequests(portal.requests)).toEqual([]);
					expect(requestsOf(portal, 'PUT')).toHaveLength(portal.requests.length);

					expect([...portal.deletedIds()].sort((a, b) => a - b)).toEqual(
						planIds.filter(exists).sort((a, b) => a - b),
					);
					const expected = planIds
						.filter((id) => exists(id) || scenario.notDeleted === 'output')
						.map((id) => [id, exists(id) ? 'record' : false, paired(requesters.get(id)!)]);
					expect(
						dataItems(result.output).map((item) => [
							item.json.id,
							'deleted' in item.json ? item.json.deleted : 'record',
							item.pairedItem,
						]),
					).toEqual(expected);

					// Under Continue On Fail, exactly the bad items became error items, each paired to itself.
					expect(errorItems(result.output).map((item) => item.pairedItem)).toEqual(
						badItems.map((item) => ({ item })),
					);
					expect(errorItemProblems(result.output)).toEqual([]);
					checkDeletionAccounting(portal, planIds, result);
					for (const index of badItems)
						if (scenario.values[index].invalid)
							tallyCase('badInput', `generated: ${show(scenario.values[index].value)}`);
				});
			}),
			{ numRuns: 70 },
		);
	}, 60_000);

	it('in a dry run looks each unique valid ID up once (at most 5 at a time), deletes nothing and outputs what it would delete', async () => {
		const smallScenario = fc.record({
			values: fc.array(
				fc.oneof(
					idArb.map((id): ItemValue => ({ value: id, ids: [id] })),
					textListArb.filter((v) => !v.invalid && v.ids.length <= 5),
				),
				{ minLength: 1, maxLength: 10 },
			),
		});
		await fc.assert(
			fc.asyncProperty(smallScenario, async ({ values }) => {
				await withPortal({ opportunities: SEEDED, seed: 5 }, async (portal) => {
					// The first look-ups answer a little late, so that look-ups started together are in flight together.
					portal.injectFault({ type: 'slow', delayMs: 10 }, { times: 10 });
					const { planIds, requesters } = expectation({
						values,
						batchSize: 1,
						notDeleted: 'ignore',
						skipItemsWithoutId: false,
						continueOnFail: false,
					});
					const result = await run({
						items: values.map((_, index) => ({ index })),
						opportunityIds: (_json, index) => values[index].value,
						credentials: tokenCredential(portal),
						options: { dryRun: true },
					});
					expect(result.error).toBeUndefined();
					expect(requestsOf(portal, 'GET')).toHaveLength(portal.requests.length);
					const looked = portal.requests.map((r) =>
						Number(/\/opportunity\/(\d+)\.json$/.exec(r.path)?.[1]),
					);
					expect([...looked].sort((a, b) => a - b)).toEqual([...planIds].sort((a, b) => a - b));
					expect(portal.maxConcurrentRequests).toBeLessThanOrEqual(5);
					expect(foreignRequests(portal.requests)).toEqual([]);
					expect(portal.deletedIds()).toEqual([]);
					expect(dataItems(result.output).map((item) => [item.json.id, item.pairedItem])).toEqual(
						planIds.filter(exists).map((id) => [id, paired(requesters.get(id)!)]),
					);
					expect(result.hints.map((hint) => hint.message)).toContain(
						`Dry run: nothing was deleted. ${planIds.filter(exists).length} of ${planIds.length} opportunities would be deleted.`,
					);
					checkDeletionAccounting(portal, planIds, result, { dryRun: true });
				});
			}),
			{ numRuns: 25 },
		);
	}, 60_000);
});
