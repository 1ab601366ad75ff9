import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { MAX_PAGE_SIZE } from '../common/transport/fetchPages';
import { OPPORTUNITY_SEARCH_PATH } from '../common/search/opportunitySearch';
import { PORTAL_MESSAGES } from '../common/transport/portalMessages';
import type { PortalConnection } from '../common/transport';
import { callPortal, PortalFailure } from '../common/transport';

/**
 * How many records each page repeats of the one before. A deal deleted (or, for Won/Lost, reopened) between
 * two requests shifts the rest of the list back by one, and a pager that moved on by a whole page would skip
 * a deal; with this overlap up to this many can go between two pages without a gap.
 */
export const PAGE_OVERLAP = 50;

export interface ReadByIdOptions {
	/** The search's filters, without sorting and paging. */
	qs: IDataObject;
	order: 'ascending' | 'descending';
	/** Sees each page; returning false ends the reading after it (a trigger that reached known IDs). */
	onPage?: (page: IDataObject[]) => boolean;
}

/**
 * Every deal of a search sorted by ID, page by page, each kept once. Pages overlap, and each must begin at or
 * before the last deal of the page before (in the list's order): otherwise more deals than the overlap left
 * the list between the two requests, and the reading steps back a page until there is no gap (the first page
 * never has one). Deals that join the list meanwhile may be read or not; the next poll sees them.
 */
export async function readById(
	this: IPollFunctions,
	options: ReadByIdOptions,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	const byId = new Map<number, IDataObject>();
	const step = MAX_PAGE_SIZE - PAGE_OVERLAP;
	/** Whether `a` comes before `b` in the list's order. */
	const before = (a: number, b: number) => (options.order === 'ascending' ? a < b : a > b);
	let startIndex = 0;
	let lastId: number | undefined;
	let previous: number[] = [];
	for (;;) {
		const page = await readPage.call(this, options, startIndex, connection);
		const pageIds = page.map((record) => Number(record.id));
		if (
			startIndex > 0 &&
			lastId !== undefined &&
			(page.length === 0 || before(lastId, pageIds[0]))
		) {
			// A gap: more than PAGE_OVERLAP deals left the list before this page. Read an earlier stretch again.
			startIndex = Math.max(0, startIndex - step);
			continue;
		}
		let added = 0;
		for (const [index, record] of page.entries()) {
			if (byId.has(pageIds[index])) continue;
			byId.set(pageIds[index], record);
			added++;
		}
		if (page.length < MAX_PAGE_SIZE || options.onPage?.(page) === false) break;
		if (added === 0 && pageIds.every((id, index) => id === previous[index])) {
			// The same full page again: the portal ignores `startIndex`, and reading on would never end.
			throw new PortalFailure(
				`The portal answered the same ${page.length} records for the next page of ${OPPORTUNITY_SEARCH_PATH}`,
				'notDone',
				'Check that the Portal URL in the ONLYOFFICE credential points at ONLYOFFICE itself, not at a proxy that caches answers.',
			);
		}
		previous = pageIds;
		lastId = pageIds[pageIds.length - 1];
		startIndex += step;
	}
	return [...byId.values()];
}

async function readPage(
	this: IPollFunctions,
	options: ReadByIdOptions,
	startIndex: number,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	const { envelope } = await callPortal.call(
		this,
		{
			method: 'GET',
			path: OPPORTUNITY_SEARCH_PATH,
			qs: {
				...options.qs,
				sortBy: 'id',
				sortOrder: options.order,
				startIndex,
				count: MAX_PAGE_SIZE,
			},
		},
		connection,
	);
	if (!Array.isArray(envelope.response)) {
		const { problem, fix } = PORTAL_MESSAGES.notOnlyoffice(200);
		throw new PortalFailure(problem, 'notDone', fix);
	}
	return envelope.response.filter(
		(record): record is IDataObject => typeof record === 'object' && record !== null,
	);
}
