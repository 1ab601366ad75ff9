/**
 * The pager alone, against a list whose `total` can be made to lie: the first page's total only decides how
 * many pages are asked for at once; the records and where the list ends always come from the pages.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { fetchPages } from '../../../../nodes/common/transport/fetchPages';
import type { PortalConnection } from '../../../../nodes/common/transport';

interface ListServer {
	context: IExecuteFunctions;
	/** [startIndex, count] of every request, in the order they were sent. */
	asked: Array<[number, number]>;
	/** The most requests that were waiting for an answer at one time. */
	mostAtOnce: number;
}

/** Serves `records` as ONLYOFFICE pages a list, with `total` as given (the portal's count is cached). */
function listServer(records: IDataObject[], total: number): ListServer {
	const server: ListServer = { context: undefined as never, asked: [], mostAtOnce: 0 };
	let inFlight = 0;
	server.context = {
		getNode: () => ({ credentials: {} }),
		getCredentials: async () => ({}),
		helpers: {
			async httpRequestWithAuthentication(_type: string, options: IHttpRequestOptions) {
				const { startIndex, count } = options.qs as { startIndex: number; count: number };
				server.asked.push([startIndex, count]);
				inFlight++;
				server.mostAtOnce = Math.max(server.mostAtOnce, inFlight);
				await new Promise((resolve) => setTimeout(resolve, 5));
				inFlight--;
				const page = records.slice(startIndex, startIndex + count);
				return { statusCode: 200, body: { status: 0, total, response: page } };
			},
		},
	} as unknown as IExecuteFunctions;
	return server;
}

const connection = (): PortalConnection => ({ timeout: 1000, hints: { rejected: 'x' } });
const deals = (n: number) => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

describe('fetchPages with pages in flight at once', () => {
	it('asks for the pages the first page’s total announces together, and returns each record once in order', async () => {
		const server = listServer(deals(4500), 4500);
		const found = await fetchPages.call(server.context, { path: '/list' }, connection(), {
			concurrency: 3,
		});
		expect(found.map((r) => r.id)).toEqual(deals(4500).map((r) => r.id));
		expect([...server.asked].sort((a, b) => a[0] - b[0])).toEqual(
			[0, 1000, 2000, 3000, 4000].map((start) => [start, 1000]),
		);
		expect(server.mostAtOnce).toBe(3);
	});

	it('a total that lags behind (deals added since it was counted) still returns every record', async () => {
		const server = listServer(deals(3200), 1500);
		const found = await fetchPages.call(server.context, { path: '/list' }, connection(), {
			concurrency: 3,
		});
		expect(found.map((r) => r.id)).toEqual(deals(3200).map((r) => r.id));
		expect(server.asked.map(([start]) => start).sort((a, b) => a - b)).toEqual([
			0, 1000, 2000, 3000,
		]);
	});

	it('a total that is too high (deals deleted since) ends at the first short page, with nothing after it', async () => {
		const server = listServer(deals(1200), 5000);
		const found = await fetchPages.call(server.context, { path: '/list' }, connection(), {
			concurrency: 3,
		});
		expect(found.map((r) => r.id)).toEqual(deals(1200).map((r) => r.id));
	});

	it('asks the last page only for what a limit still needs, and one page at a time without concurrency', async () => {
		const server = listServer(deals(5000), 5000);
		const found = await fetchPages.call(server.context, { path: '/list' }, connection(), {
			limit: 2500,
		});
		expect(found).toHaveLength(2500);
		expect(server.asked).toEqual([
			[0, 1000],
			[1000, 1000],
			[2000, 500],
		]);
		expect(server.mostAtOnce).toBe(1);
	});
});

describe('fetchPages telling the total', () => {
	it('tells the first page’s total once, also when a limit stops it after that page', async () => {
		const server = listServer(deals(4500), 4500);
		const totals: number[] = [];
		const found = await fetchPages.call(server.context, { path: '/list' }, connection(), {
			limit: 20,
			onTotal: (total) => totals.push(total),
		});
		expect(found).toHaveLength(20);
		expect(totals).toEqual([4500]);
		expect(server.asked).toEqual([[0, 20]]);
	});
});
