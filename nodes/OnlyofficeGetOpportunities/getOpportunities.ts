import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, readFailureError } from '../common/output/nodeErrors';
import { simplifyOpportunity, toItem } from '../common/output/opportunityOutput';
import { SEARCH_HINTS, searchOpportunities } from '../common/search/opportunitySearch';
import { runsAsTool } from '../common/tool/toolUse';
import type { PortalConnection } from '../common/transport';
import { readSearchFilters } from './readSearchFilters';
import { wholeRecords } from './wholeRecords';

/** How long to wait for one page; a page of 1000 full records takes the portal a few seconds. */
const PAGE_TIMEOUT = 120_000;

/**
 * What a model is told when its search found more than the Limit lets through: it sees only the listed deals,
 * so it would take them for all of them.
 */
function moreMatching(listed: number, total: number): IDataObject {
	return {
		listed,
		matchingInAll: total,
		note: `${total} deals match in all; only the first ${listed} are listed (the tool's Limit). Narrow the filters to find the others.`,
	};
}

/** The node's run: check every item's filters, then search once per item and output the deals found. */
export async function getOpportunities(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const { searches, errorItems } = readSearchFilters.call(this);
	// One connection for the run: the credential is read once, not once per item or page.
	const connection: PortalConnection = { timeout: PAGE_TIMEOUT, hints: SEARCH_HINTS };
	// Each item's deals (or its error item) in the place of that item, as n8n lists a node's output.
	const byItem = new Map<number, INodeExecutionData[]>();
	for (const { itemIndex, item } of errorItems) byItem.set(itemIndex, [item]);
	const asTool = runsAsTool(this.getNode());
	let found = 0;
	for (const { itemIndex, search, simplify, record } of searches) {
		try {
			let total: number | undefined;
			const deals = await searchOpportunities.call(this, search, connection, (n) => (total = n));
			found += deals.length;
			const items = record
				? await wholeRecords.call(this, deals, { ...record, simplify, itemIndex }, connection)
				: deals.map((deal) => toItem(simplify ? simplifyOpportunity(deal) : deal, [itemIndex]));
			if (asTool && total !== undefined && total > deals.length)
				items.push(toItem(moreMatching(deals.length, total), [itemIndex]));
			byItem.set(itemIndex, items);
		} catch (error) {
			const nodeError = readFailureError(this.getNode(), error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			byItem.set(itemIndex, [errorItem(nodeError, [itemIndex])]);
		}
	}
	if (found === 0 && searches.length > 0) {
		this.addExecutionHints({
			message:
				'No opportunities matched the filters. Private deals are found only by users on their access list (and CRM administrators). To run the next nodes anyway, turn on Always Output Data in the node settings.',
			location: 'outputPane',
		});
	}
	return [...byItem.entries()].sort(([a], [b]) => a - b).flatMap(([, items]) => items);
}
