import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dateMs, nested } from '../common/output/opportunityRecord';
import { RECORD_PATHS } from '../common/record/dealReads';
import type { PortalConnection } from '../common/transport';
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

/**
 * Deals that may be this record restored by a run whose create answer was lost (before its marker tag was
 * sent): the same title and responsible, created after the record was kept. A deal the user made again by hand
 * looks the same, and is as much a reason not to create a second one unasked.
 */
export async function findLookAlikes(
	this: IExecuteFunctions,
	record: ArchivedRecord,
	responsibleId: string,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	const title = String(record.deal.title);
	const keptAt = Date.parse(record.archivedAt);
	// The keyword search reads only what precedes a comma; the exact title is compared below.
	const keyword = title.split(',')[0].trim();
	const deals = await fetchPages.call(
		this,
		{
			path: RECORD_PATHS.deals,
			qs: { filterValue: keyword, responsibleid: responsibleId.toLowerCase() },
		},
		connection,
	);
	return deals.filter(
		(deal) =>
			deal.title === title &&
			String(nested(deal.responsible).id) === responsibleId &&
			(Number.isNaN(keptAt) || (dateMs(deal.created) ?? 0) > keptAt),
	);
}
