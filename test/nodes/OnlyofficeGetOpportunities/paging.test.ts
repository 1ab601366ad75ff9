/**
 * Return All, Limit and the sort orders against the stand-in portal over real HTTP: pages by
 * `startIndex += count` (never the envelope's nextIndex, which is one too far), each deal exactly once, a Limit
 * that fits one page in one request, and other orders applied the way the server applies them.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runSearchNode } from '../../helpers/runSearchNode';
import type { Portal } from '../../portal';
import { startPortal } from '../../portal';

let portal: Portal;

afterEach(async () => {
	await portal?.stop();
});

const admin = () => ({ portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token });
const idsOf = (output: INodeExecutionData[]) => output.map((item) => item.json.id as number);
type Logged = { path: string; query: Record<string, string | string[]> };
const searches = (): Logged[] =>
	portal.requests.filter((r: Logged) => r.path.endsWith('/opportunity/filter.json'));
/** The pages asked for, by start: after the first page, several are asked for at once. */
const paging = () =>
	searches()
		.map((r) => [Number(r.query.startIndex), Number(r.query.count)])
		.sort((a, b) => a[0] - b[0]);

async function search(parameters: IDataObject) {
	portal.clearRequests();
	const { output } = await runSearchNode({ parameters, credentials: admin() });
	return output;
}

describe('Return All', () => {
	it.each([
		[2500, [0, 1000, 2000]],
		[2000, [0, 1000, 2000]],
		[999, [0]],
	])(
		'returns each of %i lost deals once, in ceil(N / 1000) requests (+1 for a multiple of 1000)',
		async (count, starts) => {
			portal = await startPortal({ opportunities: 0, closedDeals: { count } });
			const output = await search({ returnAll: true, filters: { stageType: 'lost' } });
			const found = idsOf(output);
			expect(found).toHaveLength(count);
			expect(new Set(found).size).toBe(count);
			expect(found).toEqual([...found].sort((a, b) => a - b));
			expect(paging()).toEqual(starts.map((start) => [start, 1000]));
			expect(searches().every((r) => r.query.sortBy === 'id')).toBe(true);
		},
	);

	it('reads the whole portal (random deals, private ones included) exactly once', async () => {
		portal = await startPortal({ opportunities: 2300, seed: 3 });
		const output = await search({ returnAll: true });
		expect(idsOf(output)).toEqual(portal.opportunityIds());
		expect(searches()).toHaveLength(3);
	});

	it('pages by ID descending when that is the order asked for', async () => {
		portal = await startPortal({ opportunities: 0, closedDeals: { count: 1500 } });
		const output = await search({
			returnAll: true,
			options: { sortBy: 'id', sortOrder: 'descending' },
		});
		const found = idsOf(output);
		expect(found).toEqual([...found].sort((a, b) => b - a));
		expect(found).toHaveLength(1500);
		expect(searches().map((r) => r.query.sortOrder)).toEqual(['descending', 'descending']);
	});
});

describe('Limit', () => {
	it('a Limit that fits one page is one request asking only for that many, sorted by the server', async () => {
		portal = await startPortal({ opportunities: 300, seed: 5 });
		const output = await search({
			returnAll: false,
			limit: 7,
			options: { sortBy: 'title', sortOrder: 'descending' },
		});
		expect(output).toHaveLength(7);
		expect(paging()).toEqual([[0, 7]]);
		expect(searches()[0].query).toMatchObject({ sortBy: 'title', sortOrder: 'descending' });
		const titles = output.map((item) => String(item.json.title).toLowerCase());
		expect(titles).toEqual([...titles].sort().reverse());
	});

	it('defaults to 50', async () => {
		portal = await startPortal({ opportunities: 120, seed: 5 });
		const { output } = await runSearchNode({
			parameters: { returnAll: false },
			credentials: admin(),
		});
		expect(output).toHaveLength(50);
	});

	it('a Limit above one page by ID asks the last page only for what is missing', async () => {
		portal = await startPortal({ opportunities: 0, closedDeals: { count: 2500 } });
		const output = await search({ returnAll: false, limit: 1200 });
		expect(output).toHaveLength(1200);
		expect(paging()).toEqual([
			[0, 1000],
			[1000, 200],
		]);
		expect(idsOf(output)).toEqual(portal.opportunityIds().slice(0, 1200));
	});
});

describe('sort orders over several pages', () => {
	const sorts = ['title', 'closeDate', 'bidValue', 'stage', 'responsible', 'id'].flatMap(
		(sortBy) => [
			[sortBy, 'ascending'],
			[sortBy, 'descending'],
		],
	);

	it.each(sorts)(
		'%s %s: Return All, read by ID and sorted by the node, starts exactly as the server’s own order',
		async (sortBy, sortOrder) => {
			portal = await startPortal({
				opportunities: 1300,
				seed: 11,
				scenario: 'search',
				countCacheMs: 0,
			});
			const options = { sortBy, sortOrder };
			const all = await search({ returnAll: true, options });
			const allSearches = searches();
			const stageLists = portal.requests.filter((r: Logged) => r.path.includes('/stage'));
			const serverPage = await search({ returnAll: false, limit: 1000, options });
			expect(idsOf(all)).toHaveLength(portal.opportunityIds().length);
			expect(idsOf(all).slice(0, 1000)).toEqual(idsOf(serverPage));
			// Every page of Return All was read by ID; the pipeline's stage order is one more request.
			expect(allSearches.map((r) => r.query.sortBy)).toEqual(['id', 'id']);
			expect(stageLists).toHaveLength(['stage', 'responsible'].includes(sortBy) ? 1 : 0);
		},
	);

	it('a Limit above one page with another order reads everything by ID, then sorts and cuts', async () => {
		portal = await startPortal({ opportunities: 1800, seed: 2 });
		const options = { sortBy: 'bidValue', sortOrder: 'descending' };
		const all = await search({ returnAll: true, options });
		const limited = await search({ returnAll: false, limit: 1500, options });
		expect(idsOf(limited)).toEqual(idsOf(all).slice(0, 1500));
		expect(paging()).toEqual([
			[0, 1000],
			[1000, 1000],
		]);
	});
});
