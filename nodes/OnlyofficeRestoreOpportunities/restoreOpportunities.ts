import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem } from '../common/output/nodeErrors';
import { pairedTo } from '../common/output/opportunityOutput';
import { optionDefaults } from '../common/output/optionsCollection';
import { READ_CONCURRENCY } from '../common/record/readPlan';
import { openRecordReader } from '../common/record/readRecords';
import { runsAsTool } from '../common/tool/toolUse';
import type { PortalConnection } from '../common/transport';
import { eachConcurrently } from '../common/transport/concurrently';
import type { ArchivedRecord } from './archivedRecords';
import { readArchivedRecords } from './archivedRecords';
import { dealBody } from './dealBody';
import type { RestoreOptions } from './description';
import { nodeOptions } from './description';
import { findLookAlikes, markerTag } from './findRestored';
import { readPortalLists } from './portalLists';
import type { DealInProgress, Outcome, Plan } from './restoreDeal';
import { beginRestore, finishRestore, RESTORE_HINTS, tagsFailed } from './restoreDeal';
import { restoreTags } from './restoreTags';

/** Deals restored at once, as many as the record reader reads: quick without tripping a rate limit. */
const RESTORE_CONCURRENCY = READ_CONCURRENCY;

/**
 * The node's run: check every record first, look for deals restored before, then restore a few deals at a
 * time (each created or found, dated, then its history and tasks), then every deal's tags together, then read
 * them back. A failure stops the run after the deals already begun are finished.
 */
export async function restoreOpportunities(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = {
		...optionDefaults<RestoreOptions>(nodeOptions),
		...(this.getNodeParameter('options', 0, {}) as Partial<RestoreOptions>),
	};
	const { records, refused } = readArchivedRecords.call(this);
	const refusedItems = refused.map((error) =>
		errorItem(error, [error.context.itemIndex as number]),
	);
	if (records.length === 0) return refusedItems;
	const connection: PortalConnection = { timeout: options.timeout, hints: RESTORE_HINTS };
	const lists = await readPortalLists.call(this, connection);
	const plans: Plan[] = records.map((record) => ({
		record,
		...dealBody(record, lists),
		lookAlikes: [],
	}));
	if (!options.createDespiteLookAlike) {
		// A record whose marker tag is in use is found by it; the others are looked for before anything is created.
		const unmarked = plans.filter(({ record }) => !lists.tags.has(markerTag(record.oldId)));
		const lookAlikes = await findLookAlikes.call(
			this,
			unmarked.map(({ record, body }) => ({ record, responsibleId: String(body.responsibleid) })),
			connection,
		);
		for (const plan of plans) plan.lookAlikes = lookAlikes.get(plan.record) ?? [];
	}
	const outcomes = new Map<Plan, Outcome>();
	let stop: Outcome | undefined;
	const settled = (plan: Plan, outcome: Outcome) => {
		outcomes.set(plan, outcome);
		if (outcome.kind === 'failed' && !this.continueOnFail()) stop ??= outcome;
	};
	const begun: DealInProgress[] = [];
	await eachConcurrently(plans, RESTORE_CONCURRENCY, async (plan) => {
		if (stop) return;
		const step = await beginRestore.call(this, plan, lists, connection);
		if ('kind' in step) return settled(plan, step);
		begun.push(step);
		settled(plan, await finishRestore.call(this, step, lists, connection));
	});
	// Tags last, for every deal begun (even when another failed: a half-restored deal helps nobody), so a
	// tag many deals lack is one request for all of them.
	const untagged = await restoreTags.call(
		this,
		begun.filter((deal) => outcomes.get(deal.plan)?.kind === 'restored'),
		connection,
	);
	for (const [deal, failure] of untagged) settled(deal.plan, tagsFailed.call(this, deal, failure));
	const inOrder = plans.map((plan) => outcomes.get(plan));
	if (stop?.kind === 'failed') {
		stop.error.description = [stop.error.description, restoredSoFar(records, inOrder)]
			.filter(Boolean)
			.join(' ');
		throw stop.error;
	}
	hintWhatHappened.call(this, inOrder as Outcome[]);
	const restored = await outputItems.call(this, records, inOrder as Outcome[], connection);
	if (refusedItems.length === 0) return restored;
	const itemOf = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;
	return [...restored, ...refusedItems].sort((a, b) => itemOf(a) - itemOf(b));
}

/** One line under the output: how many deals came back, and what to check. */
function hintWhatHappened(this: IExecuteFunctions, outcomes: Outcome[]) {
	const restored = outcomes.filter((outcome) => outcome.kind === 'restored');
	const before = restored.filter((outcome) => outcome.alreadyRestored).length;
	const changed = restored.filter((outcome) => outcome.notRestored.length > 0).length;
	const uploads = restored.reduce((sum, outcome) => sum + outcome.uploads, 0);
	const parts = [
		`Restored ${restored.length} of ${outcomes.length} deals${before > 0 ? ` (${before} had been restored before; whatever they lacked was added)` : ''}.`,
		changed > 0
			? `${changed} could not be put back exactly as they were: their notRestored lists what and why.`
			: '',
		uploads > 0
			? `${uploads} files were uploaded in their original format, which turns on "Save the file copy in the original format as well" in your ONLYOFFICE Documents settings (its default; the API cannot read what it was before). If you had it off, turn it off again in Documents > Settings > Common Settings.`
			: '',
	];
	this.addExecutionHints({ message: parts.filter(Boolean).join(' '), location: 'outputPane' });
}

/** "Restored before this: 12 as 57, 13 as 58." for a failure that stops the run. */
function restoredSoFar(records: ArchivedRecord[], outcomes: Array<Outcome | undefined>): string {
	const done = outcomes
		.map((outcome, at) =>
			outcome?.kind === 'restored' ? `${records[at].oldId} as ${outcome.id}` : undefined,
		)
		.filter(Boolean);
	return done.length > 0
		? `Restored in this run before it stopped (old ID as new ID): ${done.join(', ')}.`
		: 'No deal was restored in this run before it stopped.';
}

/** Each restored deal read back whole (files listed, not downloaded again), or the item's error. */
async function outputItems(
	this: IExecuteFunctions,
	records: ArchivedRecord[],
	outcomes: Outcome[],
	connection: PortalConnection,
): Promise<INodeExecutionData[]> {
	const asTool = runsAsTool(this.getNode());
	const ids = asTool
		? []
		: outcomes.flatMap((outcome) => (outcome.kind === 'restored' ? [outcome.id] : []));
	const reads =
		ids.length === 0
			? new Map<number, never>()
			: await (
					await openRecordReader.call(this, ids, connection, {
						files: 'listOnly',
						// Many deals' tags are read one listing per record tag, not per deal; each marker tag is
						// known from the request that added it or the listing that found it.
						tagNames: [...new Set(records.flatMap((record) => record.tags))],
					})
				).read(ids);
	return outcomes.map((outcome, at) => {
		const record = records[at];
		if (outcome.kind === 'failed') {
			const item = errorItem(outcome.error, [record.itemIndex]);
			if (outcome.id !== undefined) item.json.restoredAs = outcome.id;
			item.json.restoredFrom = record.oldId;
			return item;
		}
		if (asTool) {
			// A model gets what happened per deal, not the deal's whole record.
			return {
				json: {
					id: outcome.id,
					title: record.deal.title,
					restoredFrom: record.oldId,
					alreadyRestored: outcome.alreadyRestored,
					notRestored: outcome.notRestored as unknown as IDataObject[],
				},
				pairedItem: pairedTo([record.itemIndex]),
			};
		}
		const read = reads.get(outcome.id);
		const json: IDataObject =
			read?.kind === 'read' ? { ...read.json } : { id: outcome.id, readBack: false };
		delete json.archive;
		const marker = markerTag(record.oldId);
		const tags = json.tags as string[] | undefined;
		if (tags && !tags.includes(marker)) json.tags = [...tags, marker];
		return {
			json: {
				...json,
				restoredFrom: { id: record.oldId, archivedAt: record.archivedAt },
				alreadyRestored: outcome.alreadyRestored,
				notRestored: outcome.notRestored as unknown as IDataObject[],
			},
			pairedItem: pairedTo([record.itemIndex]),
		};
	});
}
