import type { IDataObject, IPollFunctions } from 'n8n-workflow';

import { fetchPages } from '../common/transport/fetchPages';
import type { OpportunityFilters, StageType } from '../common/search/opportunitySearch';
import { FAR_PAST, filterQuery, OPPORTUNITY_SEARCH_PATH } from '../common/search/opportunitySearch';
import type { PortalConnection } from '../common/transport';
import { formatWithOffset } from '../common/search/zonedTime';
import type { ClosedEvent, ClosedOpportunityPoll, ClosedOpportunityState } from './pollState';
import { readById } from './readById';
import { CLOSE_DATE_MARGIN_MS, closeDateWindow } from './pollState';

const STAGE_TYPES: Record<ClosedEvent, StageType> = {
	opportunityWon: 'won',
	opportunityLost: 'lost',
};

/** Instants go out with their offset: without one the portal reads them in its own time zone. */
const utc = (epochMs: number) => formatWithOffset(epochMs, 'UTC');

/**
 * Every deal won (or lost) whose close date falls in the poll's window, by ID so that pages do not shift (and
 * overlapping, so that a deal leaving the list between two pages does not make another one skipped).
 * Which of them are news is decided when the poll commits, against the closes already seen.
 */
export async function pollClosedOpportunities(
	this: IPollFunctions,
	event: ClosedEvent,
	filters: OpportunityFilters,
	started: ClosedOpportunityState | undefined,
	connection: PortalConnection,
	now: number,
): Promise<ClosedOpportunityPoll> {
	const { from, to } = closeDateWindow(started, now);
	const closed = await readById.call(
		this,
		{
			qs: filterQuery({
				...filters,
				stageType: STAGE_TYPES[event],
				closeDateFrom: utc(from),
				closeDateTo: utc(to),
			}),
			order: 'ascending',
		},
		connection,
	);
	return { event, startedAt: now, closed };
}

/**
 * "Fetch Test Event": the deal won (or lost) most recently. Close dates later than a poll would look are left
 * out, so a deal closed with a date far in the future does not hide the others.
 */
export async function latestClosedOpportunity(
	this: IPollFunctions,
	event: ClosedEvent,
	filters: OpportunityFilters,
	connection: PortalConnection,
	now: number,
): Promise<IDataObject | undefined> {
	const [latest] = await fetchPages.call(
		this,
		{
			path: OPPORTUNITY_SEARCH_PATH,
			qs: {
				...filterQuery({
					...filters,
					stageType: STAGE_TYPES[event],
					closeDateFrom: FAR_PAST,
					closeDateTo: utc(now + CLOSE_DATE_MARGIN_MS),
				}),
				sortBy: 'dateAndTime',
				sortOrder: 'descending',
			},
		},
		connection,
		{ limit: 1 },
	);
	return latest;
}
