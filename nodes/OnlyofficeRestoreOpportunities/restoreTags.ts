import type { IExecuteFunctions } from 'n8n-workflow';

import { tagKey } from '../common/record/dealReads';
import type { PortalConnection } from '../common/transport';
import { settle } from '../common/transport/concurrently';
import type { DealInProgress } from './restoreDeal';
import { missingTags, sender } from './restoreParts';

/**
 * Gives each deal the record's tags it lacks. A tag several deals lack goes to all of them in one request
 * (`opportunity/taglist`); if that fails, each deal is tagged on its own, so a failure is that deal's only.
 * Answers the deals that could not be tagged, with why.
 */
export async function restoreTags(
	this: IExecuteFunctions,
	deals: DealInProgress[],
	connection: PortalConnection,
): Promise<Map<DealInProgress, unknown>> {
	const lacking = new Map<string, { tag: string; deals: DealInProgress[] }>();
	for (const deal of deals)
		for (const tag of missingTags(deal.plan.record, deal.current)) {
			const entry = lacking.get(tagKey(tag)) ?? { tag, deals: [] };
			entry.deals.push(deal);
			lacking.set(tagKey(tag), entry);
		}
	const send = sender.call(this, connection);
	const failures = new Map<DealInProgress, unknown>();
	for (const { tag, deals: untagged } of lacking.values()) {
		const pending = untagged.filter((deal) => !failures.has(deal));
		if (pending.length > 1) {
			const batch = await settle(() =>
				send('POST', 'opportunity/taglist.json', {
					entityid: pending.map((d) => d.id),
					tagName: tag,
				}),
			);
			if (batch.ok) continue;
		}
		for (const deal of pending) {
			const one = await settle(() =>
				send('POST', `opportunity/${deal.id}/tag.json`, { tagName: tag }),
			);
			if (!one.ok) failures.set(deal, one.error);
		}
	}
	return failures;
}
