import type { IDataObject } from 'n8n-workflow';

import { PORTAL_MESSAGES } from './portalMessages';
import type { Envelope, PortalConnection, PortalContext } from './index';
import { callPortal, PortalFailure } from './index';

/** ONLYOFFICE answers at most this many records per request; a larger or missing `count` means this. */
export const MAX_PAGE_SIZE = 1000;

export interface PagedRequest {
	path: string;
	/** The query without `startIndex` and `count`, which the pager sets. */
	qs?: IDataObject;
}

export interface PagingOptions {
	/** Stop once this many distinct records are in (absent: every record). Pages ask only for what is missing. */
	limit?: number;
	/** Records per request, at most (and by default) 1000. */
	pageSize?: number;
	/** What makes two records the same one, dropped the second time; by default `id`. */
	keyOf?: (record: IDataObject) => unknown;
	/**
	 * Which records to keep (absent: all). A portal-wide listing keeps only what the run needs, so memory
	 * follows the run, not the portal.
	 */
	keep?: (record: IDataObject) => boolean;
	/** Sees each page as it arrives; returning false stops the paging after it (e.g. a trigger that reached known IDs). */
	onPage?: (page: IDataObject[]) => boolean | void;
	/**
	 * Pages in flight at once after the first one, which tells (in `total`) how many there are likely to be.
	 * Pages are still taken in order, and the first short one ends the list, so a `total` that lags behind
	 * the portal costs at most a wasted request, never a record. Not with `onPage`, which reads page by page.
	 */
	concurrency?: number;
	/**
	 * Told the first page's `total`: exact when that page is short, else the portal's count (cached for 30 s),
	 * so it can be behind by what changed in the last half minute.
	 */
	onTotal?: (total: number) => void;
}

/**
 * Reads a list page by page: `startIndex` grows by the `count` asked for, and the first page shorter than that
 * is the last. The envelope's `nextIndex` is never followed: ONLYOFFICE sets it one too far, which skips a
 * record per page. A record met twice (the list shifted between two pages) is kept once.
 */
export async function fetchPages(
	this: PortalContext,
	request: PagedRequest,
	connection: PortalConnection,
	options: PagingOptions = {},
): Promise<IDataObject[]> {
	const limit = options.limit ?? Number.POSITIVE_INFINITY;
	const pageSize = Math.min(Math.max(1, options.pageSize ?? MAX_PAGE_SIZE), MAX_PAGE_SIZE);
	const keyOf = options.keyOf ?? ((record: IDataObject) => record.id);
	const concurrency = options.onPage ? 1 : Math.max(1, options.concurrency ?? 1);
	const records: IDataObject[] = [];
	const seen = new Set<unknown>();
	const fetchPage = async (startIndex: number, count: number) => {
		const { envelope } = await callPortal.call(
			this,
			{ method: 'GET', path: request.path, qs: { ...request.qs, startIndex, count } },
			connection,
		);
		return { envelope, page: recordsOf(envelope.response) };
	};
	/** Takes one page in; false when it was the last. */
	const take = (page: IDataObject[], count: number): boolean => {
		let added = 0;
		for (const record of page) {
			const key = keyOf(record);
			if (key !== undefined && seen.has(key)) continue;
			if (key !== undefined) seen.add(key);
			added++;
			if (options.keep && !options.keep(record)) continue;
			records.push(record);
			if (records.length >= limit) return false;
		}
		if (options.onPage?.(page) === false || page.length < count) return false;
		if (added === 0) {
			// A full page of records already seen: the portal ignores `startIndex`, and asking again would never end.
			throw new PortalFailure(
				`The portal answered the same ${page.length} records for the next page of ${request.path}`,
				'notDone',
				'Check that the Portal URL in the ONLYOFFICE credential points at ONLYOFFICE itself, not at a proxy that caches answers.',
			);
		}
		return true;
	};
	let startIndex = 0;
	let expected: number | undefined;
	for (let more = true; more && records.length < limit; ) {
		// The first page alone; then as many at once as `total` says remain (always at least one).
		const batch: Array<{ startIndex: number; count: number }> = [];
		const width = expected === undefined ? 1 : concurrency;
		let next = startIndex;
		let wanted = limit - records.length;
		while (batch.length < width && wanted > 0 && (batch.length === 0 || next < (expected ?? 0))) {
			// Never 0: ONLYOFFICE reads `count=0` as "no limit".
			const count = Math.min(pageSize, wanted);
			batch.push({ startIndex: next, count });
			next += count;
			wanted -= count;
		}
		const answers = await Promise.all(batch.map((p) => fetchPage(p.startIndex, p.count)));
		for (const [index, { envelope, page }] of answers.entries()) {
			if (expected === undefined) {
				expected = totalOf(envelope);
				if (Number.isFinite(expected)) options.onTotal?.(expected);
			}
			more = take(page, batch[index].count);
			startIndex = batch[index].startIndex + batch[index].count;
			if (!more) break;
		}
	}
	return records;
}

function totalOf(envelope: Envelope): number {
	return typeof envelope.total === 'number' ? envelope.total : Number.POSITIVE_INFINITY;
}

function recordsOf(response: unknown): IDataObject[] {
	if (Array.isArray(response))
		return response.filter((r): r is IDataObject => typeof r === 'object' && r !== null);
	const { problem, fix } = PORTAL_MESSAGES.notOnlyoffice(200);
	throw new PortalFailure(problem, 'notDone', fix);
}
