/**
 * Failures of a search, through the shared transport and its retries: errors carry the item, the fix fits a
 * search (nothing about deleting), and Continue On Fail turns a failed item into an error item paired to it
 * while the other items still search.
 */
import { NodeApiError } from 'n8n-workflow';

import { SEARCH_HINTS } from '../../../nodes/common/search/opportunitySearch';
import { runSearchNode } from '../../helpers/runSearchNode';
import type { Portal } from '../../portal';
import { startPortal } from '../../portal';

let portal: Portal;

beforeEach(async () => {
	portal = await startPortal({ opportunities: 0, scenario: 'search' });
});
afterEach(async () => {
	await portal.stop();
});

const admin = () => ({ portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token });
const isSearch = (r: { path: string }) => r.path.endsWith('/opportunity/filter.json');
/** A fault matcher for the n-th search request only. */
const nthSearch = (n: number) => {
	let seen = 0;
	return (request: { method: string; path: string }) => isSearch(request) && ++seen === n;
};

async function failure(run: Parameters<typeof runSearchNode>[0]): Promise<NodeApiError> {
	try {
		await runSearchNode(run);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('The node did not fail');
}

describe('failures', () => {
	it('a 400 names the item and points at the filters, without delete wording', async () => {
		portal.injectFault({ type: 'status', status: 400 }, { match: nthSearch(2) });
		const error = await failure({
			items: [{}, {}],
			parameters: { returnAll: true, filters: { stageType: 'won' } },
			credentials: admin(),
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^ONLYOFFICE rejected the request/);
		expect(error.description).toBe(SEARCH_HINTS.rejected);
		expect(error.httpCode).toBe('400');
		expect(error.context.itemIndex).toBe(1);
		expect(`${error.message} ${error.description}`).not.toMatch(/delet/i);
	});

	it('a wrong credential says so and how to fix it', async () => {
		const error = await failure({
			parameters: { returnAll: true },
			credentials: { ...admin(), apiToken: 'not-a-token' },
		});
		expect(error.message).toMatch(/did not accept the credential/);
		expect(error.description).toMatch(/press Test/);
	});

	it('retries a busy portal and then finds every deal', async () => {
		portal.injectFault({ type: 'status', status: 503, retryAfter: 0 }, { match: nthSearch(1) });
		const { output } = await runSearchNode({
			parameters: { returnAll: true, filters: { stageType: 'won' } },
			credentials: admin(),
		});
		expect(output).toHaveLength(2);
		expect(portal.requests.filter(isSearch)).toHaveLength(2);
	});

	it('a page that is not ONLYOFFICE’s answer fails instead of returning part of the deals', async () => {
		portal.injectFault({ type: 'html' }, { match: nthSearch(1) });
		const error = await failure({ parameters: { returnAll: true }, credentials: admin() });
		expect(error.message).toMatch(/not with ONLYOFFICE's API response/);
		expect(error.description).toMatch(/Portal URL/);
	});
});

describe('Continue On Fail', () => {
	it('turns a refused item and a failed search into error items paired to them; the others search', async () => {
		portal.injectFault({ type: 'status', status: 500 }, { match: nthSearch(2) });
		const { output } = await runSearchNode({
			items: [{ to: '2030-01-01' }, { to: 'soon' }, { to: '2030-01-01' }, { to: '2030-01-01' }],
			parameters: { returnAll: true },
			perItem: (json) => ({ filters: { stageType: 'won', closeDateTo: json.to } }),
			credentials: admin(),
			continueOnFail: true,
		});
		const paired = output.map((item) => [item.pairedItem, item.json.error ?? item.json.id]);
		const ids = portal.fixtures!.ids;
		expect(paired).toEqual([
			[{ item: 0 }, ids.wonBefore],
			[{ item: 0 }, ids.wonAfter],
			[{ item: 1 }, expect.stringMatching(/^Item 1: 'Close Date To' is not a date.*skipped/)],
			[{ item: 2 }, expect.stringMatching(/ONLYOFFICE failed with an internal error/)],
			[{ item: 3 }, ids.wonBefore],
			[{ item: 3 }, ids.wonAfter],
		]);
		expect(output[2].json.message).toContain('2025-06-30');
		expect(portal.requests.filter(isSearch)).toHaveLength(3);
	});
});
