/**
 * The whole-record reader against a scripted portal (no HTTP): which requests it chooses for the run at hand,
 * how it pages, groups and drops, and what makes a deal unreadable. The stand-in portal suites check the same
 * reader over real HTTP.
 */
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { openRecordReader } from '../../../../nodes/common/record/readRecords';
import type { PortalConnection } from '../../../../nodes/common/transport';
import { prepareBinaryData } from '../../../helpers/binaryData';

interface Answer {
	statusCode: number;
	body: unknown;
	headers?: Record<string, string>;
}
type Route = (options: IHttpRequestOptions) => Answer | undefined;

const ok = (response: unknown, extra: IDataObject = {}): Answer => ({
	statusCode: 200,
	body: {
		count: Array.isArray(response) ? response.length : 1,
		response,
		status: 0,
		statusCode: 200,
		...extra,
	},
});
const notFound = (): Answer => ({
	statusCode: 404,
	body: { status: 1, statusCode: 404, error: { message: 'Not found' } },
});

/** A portal of `deals` deals, each with `eventsPerDeal` events (plus `foreign` events of unreadable deals). */
function scriptedPortal(opts: {
	deals: number;
	eventsPerDeal: number;
	foreign?: number;
	fail?: Route;
}) {
	const deals = Array.from({ length: opts.deals }, (_, i) => ({
		id: i + 1,
		title: `Deal ${i + 1}`,
		customFields: [],
	}));
	const events: IDataObject[] = [];
	for (const deal of deals) {
		for (let n = 0; n < opts.eventsPerDeal; n++) {
			events.push({
				id: events.length + 1,
				created: '2024-01-01T00:00:00.0000000Z',
				content: `note ${n}`,
				entity: { entityType: 'opportunity', entityId: deal.id, entityTitle: deal.title },
				files: [],
			});
		}
	}
	for (let n = 0; n < (opts.foreign ?? 0); n++) {
		events.push({
			id: events.length + 1,
			created: '2024-01-01T00:00:00.0000000Z',
			content: 'secret',
			entity: null,
			files: [],
		});
	}
	const requests: IHttpRequestOptions[] = [];
	const page = (list: IDataObject[], qs: IDataObject) => {
		const start = Number(qs.startIndex ?? 0);
		const count = Number(qs.count ?? 1000);
		const slice = list.slice(start, start + count);
		// As ONLYOFFICE: a full page says one more than it holds, and points one too far.
		return slice.length === count
			? ok(slice, { total: count + 1, nextIndex: start + count + 1 })
			: ok(slice);
	};
	const route: Route = (options) => {
		const qs = (options.qs ?? {}) as IDataObject;
		const failed = opts.fail?.(options);
		if (failed) return failed;
		const url = String(options.url);
		let match: RegExpMatchArray | null;
		if (url.endsWith('/customfield/definitions.json')) return ok([]);
		if ((match = url.match(/\/opportunity\/(\d+)\.json$/))) {
			const deal = deals.find((d) => d.id === Number(match![1]));
			return deal ? ok(deal) : notFound();
		}
		if ((match = url.match(/\/opportunity\/tag\/(\d+)\.json$/))) return ok([]);
		if (url.endsWith('/opportunity/filter.json')) return page(deals, qs);
		if (url.endsWith('/opportunity/tag.json')) return ok([]);
		if (url.endsWith('/history/filter.json')) {
			if (qs.entityType === undefined) return page(events, qs);
			if (qs.entityType === 'opportunity' && qs.entityId === undefined) return notFound();
			return page(
				events.filter((e) => (e.entity as IDataObject | null)?.entityId === qs.entityId),
				qs,
			);
		}
		if (url.endsWith('/task/filter.json')) return ok([]);
		return notFound();
	};
	const context = {
		getNode: () => ({ name: 'test', credentials: {} }),
		getCredentials: async () => ({
			portalUrl: 'https://portal.example.com',
			authMethod: 'apiToken',
			apiToken: 'x',
		}),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IHttpRequestOptions) => {
				requests.push(options);
				return route(options);
			},
			prepareBinaryData,
		},
	} as unknown as IExecuteFunctions;
	return { context, requests, events };
}

const connection = (): PortalConnection => ({
	timeout: 1000,
	hints: { rejected: 'check' },
	maxWaitSeconds: 0,
});
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
const historyRequests = (requests: IHttpRequestOptions[]) =>
	requests.filter((r) => String(r.url).endsWith('/history/filter.json'));

describe('openRecordReader', () => {
	test('a handful of deals is read per deal, with the entity type and ID that ONLYOFFICE requires', async () => {
		const { context, requests } = scriptedPortal({ deals: 5000, eventsPerDeal: 2 });
		const reader = await openRecordReader.call(context, [3, 4], connection(), {
			files: 'listOnly',
		});
		const reads = await reader.read([3, 4]);
		expect(historyRequests(requests).map((r) => r.qs)).toEqual([
			{ entityType: 'opportunity', entityId: 3, sortBy: 'id', startIndex: 0, count: 1000 },
			{ entityType: 'opportunity', entityId: 4, sortBy: 'id', startIndex: 0, count: 1000 },
		]);
		expect(requests.some((r) => String(r.url).endsWith('/opportunity/filter.json'))).toBe(false);
		const read = reads.get(3);
		expect(read?.kind).toBe('read');
		expect(
			read?.kind === 'read' && (read.json.history as IDataObject[]).map((e) => e.content),
		).toEqual(['note 0', 'note 1']);
	});

	test('many deals read history from portal-wide pages, stepping by count (not nextIndex), grouped by deal; unreadable events dropped', async () => {
		const { context, requests } = scriptedPortal({ deals: 600, eventsPerDeal: 3, foreign: 700 });
		const ids = range(600);
		const reader = await openRecordReader.call(context, ids, connection(), { files: 'listOnly' });
		const reads = await reader.read(ids);
		// 1,800 + 700 events: pages at 0, 1000, 2000 (the last one short).
		expect(historyRequests(requests).map((r) => (r.qs as IDataObject).startIndex)).toEqual([
			0, 1000, 2000,
		]);
		for (const id of ids) {
			const read = reads.get(id);
			expect(read?.kind === 'read' && (read.json.history as IDataObject[]).length).toBe(3);
		}
		const contents = [...reads.values()].flatMap((read) =>
			read.kind === 'read' ? (read.json.history as IDataObject[]) : [],
		);
		expect(contents.some((event) => event.content === 'secret')).toBe(false);
	});

	test('a portal-wide listing that would cost more pages than the deals is dropped for per-deal reads', async () => {
		// 25 deals, but 30,000 events in the portal: the listing would take 31 pages, per deal takes 25.
		const { context, requests } = scriptedPortal({ deals: 25, eventsPerDeal: 1, foreign: 30_000 });
		const ids = range(25);
		const reader = await openRecordReader.call(context, ids, connection(), { files: 'listOnly' });
		const reads = await reader.read(ids);
		const wide = historyRequests(requests).filter(
			(r) => (r.qs as IDataObject).entityType === undefined,
		);
		const perDeal = historyRequests(requests).filter(
			(r) => (r.qs as IDataObject).entityType === 'opportunity',
		);
		expect(wide).toHaveLength(24);
		expect(perDeal).toHaveLength(25);
		expect([...reads.values()].every((read) => read.kind === 'read')).toBe(true);
	});

	test('a part that keeps failing makes only its deal unreadable; a deal that is gone is not found', async () => {
		const fail: Route = (options) =>
			String(options.url).endsWith('/history/filter.json') &&
			(options.qs as IDataObject).entityId === 2
				? { statusCode: 500, body: { status: 1, statusCode: 500, error: { message: 'boom' } } }
				: undefined;
		const { context } = scriptedPortal({ deals: 5, eventsPerDeal: 1, fail });
		const reader = await openRecordReader.call(context, [1, 2, 99], connection(), {
			files: 'listOnly',
		});
		const reads = await reader.read([1, 2, 99]);
		expect(reads.get(1)?.kind).toBe('read');
		expect(reads.get(2)).toMatchObject({ kind: 'unreadable', failure: { httpCode: '500' } });
		expect(reads.get(99)).toEqual({ kind: 'notFound' });
	});

	test('a refused credential stops the whole read instead of marking every deal', async () => {
		const fail: Route = () => ({
			statusCode: 403,
			body: { status: 1, statusCode: 403, error: { message: 'Access denied' } },
		});
		const { context } = scriptedPortal({ deals: 5, eventsPerDeal: 1, fail });
		await expect(
			openRecordReader.call(context, [1], connection(), { files: 'listOnly' }),
		).rejects.toMatchObject({ httpCode: '403' });
	});

	test('a file is downloaded from the credential’s portal by viewUrl’s path and query, whatever host viewUrl names', async () => {
		const file = {
			id: 77,
			title: 'contract.pdf',
			pureContentLength: 5,
			viewUrl:
				'http://internal-host:8080/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=77',
		};
		const fail: Route = (options) => {
			const url = String(options.url);
			if (url.endsWith('/history/filter.json'))
				return ok([
					{
						id: 1,
						created: '2024-01-01T00:00:00Z',
						entity: { entityType: 'opportunity', entityId: 1 },
						files: [file],
					},
				]);
			if (/filehandler\.ashx$/.test(url))
				return {
					statusCode: 200,
					body: Buffer.from('hello'),
					headers: { 'content-type': 'application/pdf' },
				};
			return undefined;
		};
		const { context, requests } = scriptedPortal({ deals: 1, eventsPerDeal: 0, fail });
		const reader = await openRecordReader.call(context, [1], connection(), { files: 'download' });
		const read = (await reader.read([1])).get(1);
		const download = requests.find((r) => /filehandler/.test(String(r.url)));
		expect(download?.url).toBe('/Products/Files/HttpHandlers/filehandler.ashx');
		expect(download?.qs).toEqual({ action: 'download', fileid: '77' });
		expect(read?.kind === 'read' && read.binary?.file_77).toMatchObject({
			fileName: 'contract.pdf',
			mimeType: 'application/pdf',
			bytes: 5,
		});
		expect(read?.kind === 'read' && (read.json.history as IDataObject[])[0].files).toEqual([
			{ ...file, binaryProperty: 'file_77', fileKey: '1-77-contract.pdf' },
		]);
	});

	test('a download shorter than the file’s size makes the deal unreadable', async () => {
		const file = {
			id: 8,
			title: 'a.txt',
			pureContentLength: 50,
			viewUrl: '/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=8',
		};
		const fail: Route = (options) => {
			const url = String(options.url);
			if (url.endsWith('/history/filter.json'))
				return ok([
					{
						id: 1,
						created: '2024-01-01T00:00:00Z',
						entity: { entityType: 'opportunity', entityId: 1 },
						files: [file],
					},
				]);
			if (/filehandler\.ashx$/.test(url))
				return {
					statusCode: 200,
					body: Buffer.from('short'),
					headers: { 'content-type': 'text/plain' },
				};
			return undefined;
		};
		const { context } = scriptedPortal({ deals: 1, eventsPerDeal: 0, fail });
		const reader = await openRecordReader.call(context, [1], connection(), { files: 'download' });
		expect((await reader.read([1])).get(1)).toMatchObject({
			kind: 'unreadable',
			failure: { message: expect.stringMatching(/came incomplete: 5 of 50 bytes/) },
		});
	});
});
