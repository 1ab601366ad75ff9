import type { IDataObject } from 'n8n-workflow';

import { listStages } from './crmLists';
import { fetchPages, MAX_PAGE_SIZE } from '../transport/fetchPages';
import type { OpportunitySort } from './sortOpportunities';
import { compareOpportunities, DEFAULT_SORT, needsStageOrder } from './sortOpportunities';
import type { OperationHints, PortalConnection, PortalContext } from '../transport';

export type { OpportunitySort, SortField, SortOrder } from './sortOpportunities';

export const OPPORTUNITY_SEARCH_PATH = '/api/2.0/crm/opportunity/filter.json';

/**
 * The ends of a one-sided close-date range: ONLYOFFICE drops the date filter unless both ends are sent, so
 * the missing end goes out as a real, distant date. Not year 1 (the server's "not sent"), and not 9999-12-31,
 * which can overflow when the server shifts it by the portal's offset.
 */
export const FAR_PAST = '1900-01-01';
export const FAR_FUTURE = '2100-01-01';

/** The 400 fix for a search: the filters are the only input the portal can refuse. */
export const SEARCH_HINTS: OperationHints = {
	rejected:
		'Check the filters: Stage and Contact ID are whole numbers, Responsible is a user ID, the dates are dates.',
};

/**
 * Pages of one search in flight at once: the portal's answer time, not n8n, is most of a long search, and
 * three requests at a time stay far below ONLYOFFICE cloud's rate limit (500 requests in 10 s).
 */
const PAGES_AT_ONCE = 3;

export type StageType = 'open' | 'won' | 'lost';

/** What ONLYOFFICE calls each kind of stage (0 Open, 1 ClosedAndWon, 2 ClosedAndLost). */
export const STAGE_TYPE_NUMBERS: Record<StageType, number> = { open: 0, won: 1, lost: 2 };

/** The search's filters, each already checked; absent means "any". */
export interface OpportunityFilters {
	stageType?: StageType;
	stageId?: number;
	/** A user's GUID. */
	responsibleId?: string;
	/** Tag titles; a deal must carry every one. */
	tags?: string[];
	contactId?: number;
	/** With Contact ID, also deals where the contact is a participant, not only the primary contact. */
	includeParticipants?: boolean;
	/** ISO 8601 with an offset (or `yyyy-MM-dd` in the portal's zone); filters the computed close date, inclusive. */
	closeDateFrom?: string;
	closeDateTo?: string;
	keyword?: string;
}

export interface OpportunitySearch {
	filters: OpportunityFilters;
	/** By ID ascending when absent. */
	sort?: OpportunitySort;
	/** How many deals at most; absent: all of them. */
	limit?: number;
}

/** The filters as `crm/opportunity/filter` reads them. */
export function filterQuery(filters: OpportunityFilters): IDataObject {
	const qs: IDataObject = {};
	if (filters.stageType !== undefined) qs.stageType = STAGE_TYPE_NUMBERS[filters.stageType];
	if (filters.stageId !== undefined) qs.opportunityStagesid = filters.stageId;
	if (filters.responsibleId) qs.responsibleid = filters.responsibleId.trim().toLowerCase();
	// An array goes out as repeated keys (tags=a&tags=b); "a,b" would be one tag of that name.
	if (filters.tags && filters.tags.length > 0) qs.tags = [...filters.tags];
	if (filters.contactId !== undefined) {
		qs.contactid = filters.contactId;
		if (filters.includeParticipants) qs.contactAlsoIsParticipant = true;
	}
	if (filters.closeDateFrom !== undefined || filters.closeDateTo !== undefined) {
		qs.fromDate = filters.closeDateFrom ?? FAR_PAST;
		qs.toDate = filters.closeDateTo ?? FAR_FUTURE;
	}
	const keyword = filters.keyword === undefined ? '' : keywordQuery(filters.keyword);
	if (keyword) qs.filterValue = keyword;
	return qs;
}

/**
 * A keyword as `filterValue` takes it: the server keeps only what precedes a comma in a single value, so a
 * comma goes out as the word break it is for the user. Empty when nothing is left, and then the portal would
 * search without a keyword at all.
 */
export function keywordQuery(keyword: string): string {
	return keyword.replace(/,/g, ' ').replace(/\s+/g, ' ').trim();
}

const SERVER_SORT_KEYS: Record<OpportunitySort['sortBy'], string> = {
	id: 'id',
	title: 'title',
	closeDate: 'dateAndTime',
	bidValue: 'bidValue',
	stage: 'stage',
	responsible: 'responsible',
};

/** `sortBy`/`sortOrder` as the server reads them; only its own keys, since any other one disables paging. */
export function sortQuery(sort: OpportunitySort): IDataObject {
	return { sortBy: SERVER_SORT_KEYS[sort.sortBy], sortOrder: sort.sortOrder };
}

/**
 * The deals matching `search`, in its order. A limit that fits one page is one request, sorted by the server.
 * More than one page is read by ID (the only order that does not shift between pages) and any other order is
 * applied here, so each deal comes once. `onTotal` is told how many match in all.
 */
export async function searchOpportunities(
	this: PortalContext,
	search: OpportunitySearch,
	connection: PortalConnection,
	onTotal?: (total: number) => void,
): Promise<IDataObject[]> {
	const sort = search.sort ?? DEFAULT_SORT;
	const { limit } = search;
	const filters = filterQuery(search.filters);
	const request = (pageSort: OpportunitySort) => ({
		path: OPPORTUNITY_SEARCH_PATH,
		qs: { ...filters, ...sortQuery(pageSort) },
	});
	if ((limit !== undefined && limit <= MAX_PAGE_SIZE) || sort.sortBy === 'id') {
		return await fetchPages.call(this, request(sort), connection, {
			limit,
			concurrency: PAGES_AT_ONCE,
			onTotal,
		});
	}
	const records = await fetchPages.call(this, request(DEFAULT_SORT), connection, {
		concurrency: PAGES_AT_ONCE,
	});
	onTotal?.(records.length);
	const stageOrder = needsStageOrder(sort) ? await stageOrderOf.call(this, connection) : undefined;
	records.sort(compareOpportunities(sort, stageOrder));
	return limit === undefined ? records : records.slice(0, limit);
}

async function stageOrderOf(
	this: PortalContext,
	connection: PortalConnection,
): Promise<Map<number, number>> {
	const stages = await listStages.call(this, connection);
	return new Map(stages.map((stage, index) => [Number(stage.id), index]));
}
