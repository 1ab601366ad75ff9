/**
 * Filter values the portal would silently ignore, so that the search returns more deals than were asked for
 * (and the Delete node after it removes them): each is refused before the first request, naming the item and
 * the field and saying what to do.
 */
import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { SearchRun } from '../../helpers/runSearchNode';
import { runSearchNode } from '../../helpers/runSearchNode';
import type { Portal } from '../../portal';
import { startPortal } from '../../portal';

let portal: Portal;

beforeAll(async () => {
	portal = await startPortal({ opportunities: 0, scenario: 'search' });
});
afterAll(async () => {
	await portal.stop();
});
beforeEach(() => portal.clearRequests());

const admin = () => ({ portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token });
const searches = () =>
	portal.requests.filter((r: { path: string }) => r.path.endsWith('/opportunity/filter.json'));

async function failure(run: SearchRun): Promise<NodeOperationError> {
	try {
		await runSearchNode(run);
	} catch (error) {
		return error as NodeOperationError;
	}
	throw new Error(
		`The node did not fail; it sent ${JSON.stringify(searches().map((r: { query: unknown }) => r.query))}`,
	);
}

/** Item 1 asks with `filters`; item 0 with a harmless filter, so the error must name the right item. */
async function refusedForItem1(filters: IDataObject) {
	const error = await failure({
		items: [{}, {}],
		parameters: { returnAll: true },
		perItem: (_json, itemIndex) => ({
			filters: itemIndex === 1 ? filters : { stageType: 'lost' },
		}),
		credentials: admin(),
	});
	expect(error).toBeInstanceOf(NodeOperationError);
	expect(error.message).toMatch(/^Item 1: /);
	expect(error.context.itemIndex).toBe(1);
	expect(error.description).toBeTruthy();
	expect(searches()).toHaveLength(0);
	return error;
}

describe('a keyword the portal would drop', () => {
	it.each([[','], [' , ,'], [',,,']])(
		'keyword %p (nothing but commas) is refused instead of searching without a keyword',
		async (keyword) => {
			const error = await refusedForItem1({ stageType: 'lost', keyword });
			expect(error.message).toMatch(/'Keyword'/);
		},
	);
});
