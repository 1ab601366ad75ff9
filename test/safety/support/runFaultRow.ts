/** Runs one row of the fault matrix against a fresh portal and checks it; shared by the matrix and the secret scan. */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { checkDeletionAccounting } from './accounting';
import type { FaultRow } from './faults';
import { DEFAULT_IDS, DEFAULT_ITEMS, DEFAULT_OPTIONS } from './faults';
import type { NodeRun, Portal, PortalOptions } from './harness';
import {
	errorItemDetails,
	errorItemProblems,
	errorItems,
	foreignRequests,
	outcomes,
	requestsOf,
	run,
	tokenCredential,
	withPortal,
} from './harness';

export interface RowRun {
	continueOnFail?: boolean;
	/** Replaces the row's credential (e.g. with one whose secrets the test knows). */
	credentials?: (portal: Portal) => ICredentialDataDecryptedObject;
	portal?: PortalOptions;
	/** The waits the node asked for (the test file's instantSleep `sleeps`), emptied before the run. */
	sleeps?: number[];
	/** Called with the run before the portal stops, after the row's own checks passed. */
	inspect?: (portal: Portal, result: NodeRun) => void | Promise<void>;
}

/** Runs `row` and checks what the user sees, what was output, what the portal did, and the deletion accounting. */
export async function runFaultRow(
	row: FaultRow,
	{ continueOnFail = false, credentials, portal: portalOptions, sleeps, inspect }: RowRun = {},
) {
	await withPortal({ ...row.portal, ...portalOptions }, async (portal) => {
		for (const [fault, scope] of row.faults(portal)) portal.injectFault(fault, scope);
		if (row.down) await portal.stop();
		if (sleeps) sleeps.length = 0;
		const options = row.options ?? DEFAULT_OPTIONS;
		const result = await run({
			items: row.items ?? DEFAULT_ITEMS,
			credentials: (credentials ?? row.credentials ?? tokenCredential)(portal),
			options,
			continueOnFail,
		});
		const { expect: wanted } = row;

		if (wanted.output) {
			expect(result.error).toBeUndefined();
			expect(outcomes(result.output)).toEqual(wanted.output);
			const held = errorItems(result.output);
			expect(held.map((item) => item.json.id)).toEqual(wanted.held ?? []);
			for (const item of held) {
				expect(item.json).toEqual({
					id: item.json.id,
					deleted: false,
					error: expect.stringMatching(
						/^Opportunity \d+ was not deleted: its record could not be read completely \(/,
					),
				});
			}
		} else if (wanted.error && !continueOnFail) {
			const error = result.error as NodeApiError;
			expect(error).toBeInstanceOf(wanted.error.kind === 'api' ? NodeApiError : NodeOperationError);
			for (const pattern of wanted.error.message) expect(error.message).toMatch(pattern);
			for (const pattern of wanted.error.description) expect(error.description).toMatch(pattern);
			expect(wanted.error.errorItems).toContain(error.context.itemIndex);
		} else if (wanted.error) {
			expect(result.error).toBeUndefined();
			expect(outcomes(result.output)).toEqual(wanted.error.outputBefore);
			const errors = errorItems(result.output);
			expect(errors.map((item) => item.pairedItem)).toEqual(
				wanted.error.errorItems.map((item) => ({ item })),
			);
			expect(errorItemProblems(result.output)).toEqual([]);
			for (const item of errors) {
				for (const pattern of wanted.error.message) expect(item.json.error).toMatch(pattern);
				for (const pattern of wanted.error.description)
					expect(errorItemDetails(item)).toMatch(pattern);
			}
		}

		expect([...portal.deletedIds()].sort((a, b) => a - b)).toEqual(wanted.deleted);
		for (const [method, count] of Object.entries(wanted.requests ?? {}))
			expect(requestsOf(portal, method)).toHaveLength(count);
		if (wanted.sleeps) expect(sleeps).toEqual(wanted.sleeps);
		if (wanted.hint)
			expect(result.hints.map((hint) => hint.message).join('\n')).toMatch(wanted.hint);
		expect(foreignRequests(portal.requests)).toEqual([]);
		checkDeletionAccounting(portal, row.requested ?? DEFAULT_IDS, result, {
			dryRun: options.dryRun === true,
		});
		await inspect?.(portal, result);
	});
}
