/**
 * The fault matrix (support/faults.ts): every fault is either survived (exact output) or reported with what
 * happened and what to do, plain and under Continue On Fail; for every row the portal's own record of what it
 * deleted is checked against what the node said (support/accounting.ts).
 */
jest.mock('n8n-workflow', () => jest.requireActual('./support/instantSleep').mockedWorkflow());

import { FAULT_ROWS } from './support/faults';
import { sleeps } from './support/instantSleep';
import { runFaultRow } from './support/runFaultRow';
import { tallyCase } from './support/tally';

test('the matrix holds at least 20 distinct faults', () => {
	expect(new Set(FAULT_ROWS.map((row) => row.name)).size).toBe(FAULT_ROWS.length);
	expect(FAULT_ROWS.length).toBeGreaterThanOrEqual(20);
});

describe.each(FAULT_ROWS)('fault: $name', (row) => {
	it(
		row.expect.output
			? 'is survived: exact output, every deletion accounted for'
			: 'is reported: what happened, what to do, what became of each ID',
		async () => {
			await runFaultRow(row, { sleeps });
			tallyCase('fault', row.name);
		},
	);

	if (row.expect.error) {
		it('under Continue On Fail: outputs what was deleted and turns the affected items into error items', async () => {
			await runFaultRow(row, { sleeps, continueOnFail: true });
		});
	}
});
