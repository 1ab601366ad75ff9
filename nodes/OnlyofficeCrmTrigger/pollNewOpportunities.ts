import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { fetchPages } from '../common/transport/fetchPages';
import type { OpportunityFilters } from '../common/search/opportunitySearch';
import { filterQuery, OPPORTUNITY_SEARCH_PATH } from '../common/search/opportunitySearch';
import type { PortalConnection } from '../common/transport';
import { readById } from './readById';
import type { NewOpportunityPoll, NewOpportunityState } from './pollState';

const NEWEST_FIRST = { sortBy: 'id', sortOrder: 'descending' };

/**
 * The deals above the remembered highest ID that match the filters: newest first, page by page (overlapping,
 * see readById.ts), until a page reaches the remembered ID (IDs grow by one, so nothing below it is new).
 * With nothing new that is one request. A first activation only learns the highest ID of all deals the user
 * can see: matching or not, a deal that existed before activation is never new.
 */
export async function pollNewOpportunities(
	this: IPollFunctions,
	filters: OpportunityFilters,
	started: NewOpportunityState | undefined,
	connection: PortalConnection,
): Promise<NewOpportunityPoll> {
	if (!started) {
		const newest = await newestOpportunity.call(this, {}, connection);
		return { candidates: [], highestId: newest ? Number(newest.id) : 0 };
	}
	const isNew = (deal: IDataObject) => Number(deal.id) > started.highestId;
	const records = await readById.call(
		this,
		{ qs: filterQuery(filters), order: 'descending', onPage: (page) => page.every(isNew) },
		connection,
	);
	const candidates = records.filter(isNew).sort((a, b) => Number(a.id) - Number(b.id));
	const highestId = Math.max(started.highestId, ...candidates.map((deal) => Number(deal.id)));
	return { candidates, highestId };
}

/** The newest deal that matches the filters: what "Fetch Test Event" shows, and where a first activation starts. */
export async function newestOpportunity(
	this: IPollFunctions,
	filters: OpportunityFilters,
	connection: PortalConnection,
): Promise<IDataObject | undefined> {
	const [newest] = await fetchPages.call(
		this,
		{ path: OPPORTUNITY_SEARCH_PATH, qs: { ...filterQuery(filters), ...NEWEST_FIRST } },
		connection,
		{ limit: 1 },
	);
	return newest;
}
