/**
 * Bad input deletes nothing: each value of the table, in the middle item of five, fails the node before its
 * first request with a message naming the item and the value; under Continue On Fail only that item becomes
 * an error item and the other four items' opportunities are deleted exactly.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { checkDeletionAccounting } from './support/accounting';
import { BAD_INPUTS } from './support/badInputs';
import type { Portal } from './support/harness';
import {
	dataItems,
	errorItemProblems,
	errorItems,
	foreignRequests,
	outcomes,
	run,
	sentIdLists,
	startPortal,
	tokenCredential,
} from './support/harness';
import { tallyCase } from './support/tally';

const BAD_ITEM = 2;
/** Five items; the bad value goes into item 2. The others name 1, 2 and 3, 4 and 5, and 6. */
const itemsAround = (bad: unknown): IDataObject[] => [
	{ id: 1 },
	{ id: '2, 3' },
	{ id: bad as never },
	{ id: [4, 5] },
	{ id: 6 },
];
const VALID_IDS = [1, 2, 3, 4, 5, 6];

let portal: Portal;
beforeEach(async () => {
	portal = await startPortal({ opportunities: 60, seed: 11 });
});
afterEach(async () => {
	await portal.stop();
});

test('the table holds at least 40 distinct bad inputs', () => {
	expect(new Set(BAD_INPUTS.map((row) => row.name)).size).toBe(BAD_INPUTS.length);
	expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(40);
});

describe.each(BAD_INPUTS)('bad input: $name', ({ name, value, shows }) => {
	it('fails naming item 2 and the value, before any request, changing nothing', async () => {
		const before = portal.opportunityIds();
		const result = await run({ items: itemsAround(value()), credentials: tokenCredential(portal) });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		const error = result.error as NodeOperationError;
		expect(error.message).toMatch(new RegExp(`^Item ${BAD_ITEM}\\b`));
		expect(error.message).toMatch(shows);
		expect(error.message).toMatch(/Nothing was deleted\.$/);
		// Quoted, not dumped: a 1 MB value must not become a 1 MB message.
		expect(error.message.length).toBeLessThan(300);
		expect(error.context.itemIndex).toBe(BAD_ITEM);
		// What to do about it.
		expect(error.description).toMatch(
			/Opportunity IDs|Write the IDs|Spaces do not separate IDs|Skip Items Without ID|one ID/,
		);

		expect(portal.requests).toEqual([]);
		expect(portal.opportunityIds()).toEqual(before);
		expect(checkDeletionAccounting(portal, [], result)).toBe(0);
		tallyCase('badInput', name);
	});

	it('under Continue On Fail, only item 2 becomes an error item and the others are deleted exactly', async () => {
		const result = await run({
			items: itemsAround(value()),
			credentials: tokenCredential(portal),
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(sentIdLists(portal)).toEqual([VALID_IDS]);
		expect([...portal.deletedIds()].sort((a, b) => a - b)).toEqual(VALID_IDS);
		expect(outcomes(result.output)).toEqual(VALID_IDS.map((id) => [id, 'record']));
		expect(dataItems(result.output).map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
			{ item: 3 },
			{ item: 3 },
			{ item: 4 },
		]);
		const errors = errorItems(result.output);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: BAD_ITEM });
		expect(errorItemProblems(result.output)).toEqual([]);
		expect(errors[0].json.error).toMatch(shows);
		expect(foreignRequests(portal.requests)).toEqual([]);
		expect(checkDeletionAccounting(portal, VALID_IDS, result)).toBe(6);
	});
});
