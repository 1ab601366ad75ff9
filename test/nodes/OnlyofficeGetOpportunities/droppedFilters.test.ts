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

	// The server puts each word into an SQL LIKE without escaping it: '%' alone would match every deal.
	it.each([['%'], ['50%'], ['a_c'], ['renewal %']])(
		'keyword %p (an SQL wildcard) is refused instead of matching deals without it',
		async (keyword) => {
			const error = await refusedForItem1({ stageType: 'lost', keyword });
			expect(error.message).toMatch(/'Keyword' contains % or _/);
		},
	);
});

describe('a filter that was added but whose value is empty for this item', () => {
	// An expression such as {{ $json.cutoff }} gives undefined, null or '' for an item without that field;
	// searching without the filter would return (and a Delete after it remove) every other match.
	it.each([
		['closeDateTo', undefined, 'Close Date To'],
		['closeDateTo', null, 'Close Date To'],
		['closeDateTo', '', 'Close Date To'],
		['closeDateFrom', '  ', 'Close Date From'],
		['stageId', '', 'Stage'],
		['stageId', null, 'Stage'],
		['responsibleId', undefined, 'Responsible'],
		['responsibleId', ' ', 'Responsible'],
		['contactId', null, 'Contact ID'],
		['contactId', '', 'Contact ID'],
		['keyword', '', 'Keyword'],
		['keyword', undefined, 'Keyword'],
		['tags', '', 'Tags'],
		['tags', [], 'Tags'],
		['tags', null, 'Tags'],
	])('%s = %p is refused, not searched as “any”', async (field, value, label) => {
		const error = await refusedForItem1({ stageType: 'lost', [field]: value });
		expect(error.message).toContain(`'${label}' is empty`);
		expect(error.description).toMatch(/remove .* from Filters/);
	});

	it.each([[['VIP', '']], [['VIP', '  ']], [['VIP', null]], ['VIP,'], ['VIP, ,EMEA'], [5]])(
		'tags %p: a missing tag title is refused, not left out of the “all of these” match',
		async (tags) => {
			const error = await refusedForItem1({ stageType: 'lost', tags });
			expect(error.message).toMatch(/'Tags'/);
		},
	);

	it.each([['yes'], [1], [null]])(
		'includeParticipants %p is refused rather than read as off',
		async (includeParticipants) => {
			const error = await refusedForItem1({ contactId: 5, includeParticipants });
			expect(error.message).toMatch(/'Include Deals Where the Contact Participates'/);
		},
	);

	it('a filter not added at all is no filter, and “true”/“false” texts are read as such', async () => {
		const { output } = await runSearchNode({
			parameters: {
				returnAll: true,
				filters: { stageType: 'won', contactId: '7', includeParticipants: 'false' },
			},
			credentials: admin(),
		});
		expect(output).toEqual([]);
		expect(searches()[0].query).not.toHaveProperty('contactAlsoIsParticipant');
	});
});

it('tags that differ only in letter case are sent once, so the deals carrying that tag are found', async () => {
	const { output } = await runSearchNode({
		parameters: { returnAll: true, filters: { tags: ['EMEA', 'emea ', 'VIP'] } },
		credentials: admin(),
	});
	expect(output.map((item) => item.json.id)).toEqual([portal.fixtures!.ids.lostBefore]);
	expect(searches()[0].query.tags).toEqual(['EMEA', 'VIP']);
});

describe('IDs the portal would not bind', () => {
	it.each([
		[{ stageId: 2147483647 }, 'Stage'],
		[{ stageId: '3000000000' }, 'Stage'],
		[{ stageId: '1e1' }, 'Stage'],
		[{ stageId: '0x0b' }, 'Stage'],
		[{ contactId: 99999999999 }, 'Contact ID'],
		[{ contactId: '12.0' }, 'Contact ID'],
	])(
		'%p is refused instead of reaching the portal as no filter (or as another ID)',
		async (filters, label) => {
			const error = await refusedForItem1({ stageType: 'lost', ...filters });
			expect(error.message).toContain(`'${label}' must be a whole number`);
		},
	);
});

it('with Continue On Fail, a refused item’s error comes in its place among the items, paired to it', async () => {
	const { output } = await runSearchNode({
		items: [{ cutoff: null }, { cutoff: '2024-05-31' }],
		parameters: { returnAll: true },
		perItem: (json) => ({ filters: { stageType: 'lost', closeDateTo: json.cutoff } }),
		credentials: admin(),
		timeZone: 'Europe/Moscow',
		continueOnFail: true,
	});
	expect(output[0].json.error).toMatch(/^Item 0: 'Close Date To' is empty/);
	expect(output[0].pairedItem).toEqual({ item: 0 });
	expect(output.slice(1).every((item) => (item.pairedItem as { item: number }).item === 1)).toBe(
		true,
	);
	expect(output.length).toBeGreaterThan(1);
});
