import type { IDataObject } from 'n8n-workflow';

import { eachConcurrently, settle } from '../transport/concurrently';
import { fetchPages, MAX_PAGE_SIZE } from '../transport/fetchPages';
import { nested } from '../output/opportunityRecord';
import type { PortalConnection, PortalContext } from '../transport';
import { callPortal, PortalFailure } from '../transport';
import { RECORD_PATHS, tagKey } from './dealReads';
import { pageBudget, pagesFor, READ_CONCURRENCY } from './readPlan';

/** The parts read portal-wide, by deal ID; a part left undefined is read per deal. */
export interface PortalWideParts {
	deals?: Map<number, IDataObject>;
	tags?: Map<number, string[]>;
	history?: Map<number, IDataObject[]>;
	tasks?: Map<number, IDataObject[]>;
}

/** A listing that ran past its page budget: the part is read per deal instead. */
class OverBudget extends Error {}

/**
 * Reads each part for every deal in `ids` from portal-wide listings, each within its page budget. A part whose
 * listing is over budget, or fails in a way that concerns no deal in particular, is left to per-deal reads;
 * a failure that would fail those too (credential, CRM access) is thrown.
 */
export async function readPortalWide(
	this: PortalContext,
	ids: ReadonlySet<number>,
	connection: PortalConnection,
	{ dealsKnown = false, tagNames }: { dealsKnown?: boolean; tagNames?: string[] } = {},
): Promise<PortalWideParts> {
	const budget = pageBudget(ids.size);
	const attempt = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
		const outcome = await settle(read);
		if (outcome.ok) return outcome.value;
		if (outcome.error instanceof OverBudget) return undefined;
		if (outcome.error instanceof PortalFailure && !stopsEveryRead(outcome.error)) return undefined;
		throw outcome.error;
	};
	const listing = (path: string, qs: IDataObject, keep: (record: IDataObject) => boolean) =>
		listWithinBudget.call(this, path, qs, keep, budget, connection);
	const deals = dealsKnown
		? undefined
		: await attempt(async () => {
				const records = await listing(RECORD_PATHS.deals, { sortBy: 'id' }, (deal) =>
					ids.has(Number(deal.id)),
				);
				return new Map(records.map((deal) => [Number(deal.id), deal]));
			});
	const tags = await attempt(() =>
		readTagsPortalWide.call(this, ids, budget, connection, tagNames),
	);
	const history = await attempt(async () =>
		groupByDeal(
			await listing(RECORD_PATHS.history, { sortBy: 'id' }, (event) =>
				ids.has(dealIdOf(event) ?? 0),
			),
		),
	);
	const tasks = await attempt(async () =>
		groupByDeal(await listing(RECORD_PATHS.tasks, {}, (task) => ids.has(dealIdOf(task) ?? 0))),
	);
	return { deals, tags, history, tasks };
}

/**
 * Failures that a per-deal read would meet as well: the credential, the portal's subscription, CRM access, a
 * redirect. Anything else (a busy portal, one failing page) may pass with smaller requests.
 */
export function stopsEveryRead(failure: PortalFailure): boolean {
	const code = Number(failure.httpCode);
	return code === 401 || code === 402 || code === 403 || (code >= 300 && code < 400);
}

async function listWithinBudget(
	this: PortalContext,
	path: string,
	qs: IDataObject,
	keep: (record: IDataObject) => boolean,
	budget: number,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	let pages = 0;
	let ended = false;
	const records = await fetchPages.call(this, { path, qs }, connection, {
		keep,
		onPage: (page) => {
			ended = page.length < MAX_PAGE_SIZE;
			return ++pages < budget;
		},
	});
	// The budget's last page may also have been the listing's last (a short page): then nothing is missing.
	if (!ended) throw new OverBudget();
	return records;
}

/**
 * Tags by deal: the portal's tag list (each with how many deals carry it; only `tagNames` when given), then
 * the deals of each tag. Only when that takes fewer requests than one per deal.
 */
async function readTagsPortalWide(
	this: PortalContext,
	ids: ReadonlySet<number>,
	budget: number,
	connection: PortalConnection,
	tagNames?: string[],
): Promise<Map<number, string[]>> {
	const named = tagNames && new Set(tagNames.map(tagKey));
	const { envelope } = await callPortal.call(
		this,
		{ method: 'GET', path: RECORD_PATHS.tags },
		connection,
	);
	const tags = (Array.isArray(envelope.response) ? envelope.response : [])
		.map((tag) => nested(tag))
		.filter((tag) => typeof tag.title === 'string' && Number(tag.relativeItemsCount ?? 0) > 0)
		.filter((tag) => !named || named.has(tagKey(String(tag.title))));
	const cost = tags.reduce((sum, tag) => sum + pagesFor(Number(tag.relativeItemsCount)), 0);
	if (cost > budget) throw new OverBudget();
	const byDeal = new Map<number, string[]>();
	await eachConcurrently(tags, READ_CONCURRENCY, async (tag) => {
		const deals = await fetchPages.call(
			this,
			{ path: RECORD_PATHS.deals, qs: { tags: [tag.title as string], sortBy: 'id' } },
			connection,
			{ keep: (deal) => ids.has(Number(deal.id)) },
		);
		for (const deal of deals) {
			const id = Number(deal.id);
			byDeal.set(id, [...(byDeal.get(id) ?? []), tag.title as string]);
		}
	});
	return byDeal;
}

/** The deal an event or task belongs to; undefined for a contact's own, and for events of unreadable deals. */
export function dealIdOf(record: IDataObject): number | undefined {
	const entity = nested(record.entity);
	return entity.entityType === 'opportunity' && typeof entity.entityId === 'number'
		? entity.entityId
		: undefined;
}

function groupByDeal(records: IDataObject[]): Map<number, IDataObject[]> {
	const byDeal = new Map<number, IDataObject[]>();
	for (const record of records) {
		const id = dealIdOf(record);
		if (id === undefined) continue;
		const list = byDeal.get(id);
		if (list) list.push(record);
		else byDeal.set(id, [record]);
	}
	return byDeal;
}
