import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dateMs, nested } from '../common/output/opportunityRecord';
import { RECORD_PATHS } from '../common/record/dealReads';
import { PER_DEAL_UP_TO, READ_CONCURRENCY } from '../common/record/readPlan';
import type { PortalConnection } from '../common/transport';
import { eachConcurrently } from '../common/transport/concurrently';
import { fetchPages } from '../common/transport/fetchPages';
import type { ArchivedRecord } from './archivedRecords';
import type { PortalLists } from './portalLists';

/** The tag a restored deal carries: visible in ONLYOFFICE, harmless, and kept when the deal is edited. */
export function markerTag(oldId: number): string {
	return `restored-from-${oldId}`;
}

/** The deals that carry the record's marker tag (none unless the tag is in use). */
export async function findRestored(
	this: IExecuteFunctions,
	record: ArchivedRecord,
	lists: PortalLists,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	const tag = markerTag(record.oldId);
	if (!lists.tags.has(tag)) return [];
	return await fetchPages.call(this, { path: RECORD_PATHS.deals, qs: { tags: [tag] } }, connection);
}

/** A record to look for, with the responsible its deal would get (another user when the record's is gone). */
export interface LookFor {
	record: ArchivedRecord;
	responsibleId: string;
}

/**
 * Deals that may be a record restored by a run whose create answer was lost (before its marker tag was sent):
 * the same title and responsible, created after the record was kept (or on the record's own creation date, as
 * a restored copy is once its marker tag is removed). A deal the user made again by hand looks
 * the same, and is as much a reason not to create a second one unasked. Read once, before this run creates
 * anything, so that two records alike in this run are not taken for each other. Up to PER_DEAL_UP_TO records
 * are looked up by keyword; more are matched against one listing of every deal.
 */
export async function findLookAlikes(
	this: IExecuteFunctions,
	wanted: LookFor[],
	connection: PortalConnection,
): Promise<Map<ArchivedRecord, IDataObject[]>> {
	const found = new Map<ArchivedRecord, IDataObject[]>();
	const match = (deals: IDataObject[], { record, responsibleId }: LookFor) => {
		const keptAt = Date.parse(record.archivedAt);
		const alike = deals.filter(
			(deal) =>
				deal.title === record.deal.title &&
				String(nested(deal.responsible).id) === responsibleId &&
				(Number.isNaN(keptAt) ||
					(dateMs(deal.created) ?? 0) > keptAt ||
					// A copy restored before whose marker tag was removed: its creation date is the record's.
					dateMs(deal.created) === dateMs(record.deal.created)),
		);
		if (alike.length > 0) found.set(record, alike);
	};
	if (wanted.length > PER_DEAL_UP_TO) {
		const titles = new Set(wanted.map(({ record }) => record.deal.title));
		const deals = await fetchPages.call(this, { path: RECORD_PATHS.deals }, connection, {
			keep: (deal) => titles.has(deal.title),
		});
		for (const look of wanted) match(deals, look);
		return found;
	}
	await eachConcurrently(wanted, READ_CONCURRENCY, async (look) => {
		// The keyword search reads only what precedes a comma; the exact title is compared in `match`.
		const keyword = String(look.record.deal.title).split(',')[0].trim();
		const deals = await fetchPages.call(
			this,
			{
				path: RECORD_PATHS.deals,
				qs: { filterValue: keyword, responsibleid: look.responsibleId.toLowerCase() },
			},
			connection,
		);
		match(deals, look);
	});
	return found;
}
