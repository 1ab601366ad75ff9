import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { errorItem, readFailureError } from '../common/output/nodeErrors';
import { nested } from '../common/output/opportunityRecord';
import { pairedTo } from '../common/output/opportunityOutput';
import { readDeal, readDealHistory, readDealTags, readDealTasks } from '../common/record/dealReads';
import { openRecordReader } from '../common/record/readRecords';
import { optionDefaults } from '../common/output/optionsCollection';
import type { PortalConnection } from '../common/transport';
import { callPortal, PortalFailure } from '../common/transport';
import { eachConcurrently, settle } from '../common/transport/concurrently';
import { READ_CONCURRENCY } from '../common/record/readPlan';
import type { ArchivedRecord } from './archivedRecords';
import { readArchivedRecords } from './archivedRecords';
import type { NotRestored } from './dealBody';
import { dealBody } from './dealBody';
import type { RestoreOptions } from './description';
import { nodeOptions } from './description';
import { findLookAlikes, findRestored, markerTag } from './findRestored';
import { runsAsTool } from '../common/tool/toolUse';
import type { PortalLists } from './portalLists';
import { readPortalLists } from './portalLists';
import type { CurrentParts, RestoreProgress } from './restoreParts';
import { restoreParts } from './restoreParts';

const RESTORE_HINTS = {
	rejected:
		'Check that the record is unchanged since the Delete node output it, then run the node again.',
};

/** How one record went: restored (now or before), or stopped, with the new deal's ID once it exists. */
type Outcome =
	| {
			kind: 'restored';
			id: number;
			alreadyRestored: boolean;
			notRestored: NotRestored[];
			uploads: number;
	  }
	| { kind: 'failed'; error: NodeApiError | NodeOperationError; id?: number };

/** One record's restore as planned before the first write: its deal's body and what already differs. */
interface Plan {
	record: ArchivedRecord;
	body: IDataObject;
	notRestored: NotRestored[];
	/** Deals that may be this record restored before (see findLookAlikes); none when the option says so. */
	lookAlikes: IDataObject[];
}

/** Deals restored at once, as many as the record reader reads: quick without tripping a rate limit. */
const RESTORE_CONCURRENCY = READ_CONCURRENCY;

/** The node's run: check every record first, then restore a few at a time, then read them back. */
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
	const outcomes: Array<Outcome | undefined> = new Array(records.length);
	let stop: Outcome | undefined;
	await eachConcurrently(plans, RESTORE_CONCURRENCY, async (plan) => {
		if (stop) return;
		const outcome = await restoreOne.call(this, plan, lists, connection);
		outcomes[records.indexOf(plan.record)] = outcome;
		if (outcome.kind === 'failed' && !this.continueOnFail()) stop ??= outcome;
	});
	if (stop?.kind === 'failed') {
		stop.error.description = [stop.error.description, restoredSoFar(records, outcomes)]
			.filter(Boolean)
			.join(' ');
		throw stop.error;
	}
	hintWhatHappened.call(this, outcomes as Outcome[]);
	const restored = await outputItems.call(this, records, outcomes as Outcome[], connection);
	if (refusedItems.length === 0) return restored;
	const itemOf = (item: INodeExecutionData) => (item.pairedItem as { item: number }).item;
	return [...restored, ...refusedItems].sort((a, b) => itemOf(a) - itemOf(b));
}

async function restoreOne(
	this: IExecuteFunctions,
	{ record, body, notRestored, lookAlikes }: Plan,
	lists: PortalLists,
	connection: PortalConnection,
): Promise<Outcome> {
	const name = `Deal "${String(record.deal.title)}" (ID ${record.oldId} before it was deleted)`;
	const progress: RestoreProgress = { unattached: [], uploads: 0 };
	const steps = async (): Promise<Outcome> => {
		const found = await findRestored.call(this, record, lists, connection);
		if (found.length > 1) {
			return failed(
				this,
				record,
				`${name} was restored more than once: deals ${found.map((d) => d.id).join(', ')} carry the tag ${markerTag(record.oldId)}`,
				'Delete the copies you do not want in ONLYOFFICE, then run the node again.',
			);
		}
		let current: CurrentParts;
		const alreadyRestored = found.length === 1;
		if (alreadyRestored) {
			progress.id = Number(found[0].id);
			progress.marked = true;
			current = await readCurrent.call(this, progress.id, connection);
		} else {
			if (lookAlikes.length > 0) return lookAlikeFailure(this, record, name, lookAlikes);
			const created = await createDeal.call(this, body, notRestored, connection);
			progress.id = Number(created.id);
			await callPortal.call(
				this,
				{
					method: 'POST',
					path: `/api/2.0/crm/opportunity/${progress.id}/tag.json`,
					body: { tagName: markerTag(record.oldId) },
				},
				connection,
			);
			progress.marked = true;
			current = { deal: created, tags: [], history: [], tasks: [] };
		}
		await restoreParts.call(
			this,
			progress.id,
			record,
			current,
			lists,
			connection,
			notRestored,
			progress,
		);
		return {
			kind: 'restored',
			id: progress.id,
			alreadyRestored,
			notRestored,
			uploads: progress.uploads,
		};
	};
	const outcome = await settle(steps);
	if (outcome.ok) return outcome.value;
	const failure = outcome.error;
	if (!(failure instanceof PortalFailure))
		throw readFailureError(this.getNode(), failure, record.itemIndex);
	const { id, unattached } = progress;
	return {
		kind: 'failed',
		id,
		error: new NodeApiError(this.getNode(), { message: failure.message } as JsonObject, {
			message: `${name} ${id === undefined ? 'was not restored' : `was restored as deal ${id} only in part`}: ${failure.message}.`,
			description: [
				failure.hint,
				id === undefined
					? failure.effect === 'unknown'
						? 'The deal may have been created all the same: run the node again with the same input; it looks for the deal before creating one.'
						: 'Nothing was created for it.'
					: progress.marked
						? `Run the node again with the same input: it completes deal ${id} without a second copy of anything.`
						: `Deal ${id} does not carry the tag ${markerTag(record.oldId)} yet, so a new run would not know it: add that tag to deal ${id} in ONLYOFFICE, then run the node again with the same input to complete it.`,
				unattached.length > 0
					? `Files ${unattached.join(', ')} were uploaded but no event holds them; they stay unattached in the CRM folder.`
					: '',
				progress.uploading !== undefined && failure.effect === 'unknown'
					? `"${progress.uploading}" may have been uploaded all the same; it would stay unattached in the CRM folder.`
					: '',
			]
				.filter(Boolean)
				.join(' '),
			httpCode: failure.httpCode,
			itemIndex: record.itemIndex,
		}),
	};
}

/** `POST opportunity`; a primary contact that is gone or unreadable (400, 403) is left out and said so. */
async function createDeal(
	this: IExecuteFunctions,
	body: IDataObject,
	notRestored: NotRestored[],
	connection: PortalConnection,
): Promise<IDataObject> {
	const post = async () =>
		nested(
			(
				await callPortal.call(
					this,
					{ method: 'POST', path: '/api/2.0/crm/opportunity.json', body, creates: true },
					connection,
				)
			).envelope.response,
		);
	const first = await settle(post);
	if (first.ok) return first.value;
	const error = first.error;
	const refused =
		error instanceof PortalFailure && (error.httpCode === '400' || error.httpCode === '403');
	if (!refused || body.contactid === undefined) throw error;
	notRestored.push({
		part: 'contact',
		id: Number(body.contactid),
		reason:
			'The primary contact no longer exists, or the restoring user may not read it; the deal has no primary contact',
	});
	delete body.contactid;
	return await post();
}

async function readCurrent(
	this: IExecuteFunctions,
	id: number,
	connection: PortalConnection,
): Promise<CurrentParts> {
	const deal = await readDeal.call(this, id, connection);
	if (deal === undefined)
		throw new PortalFailure(
			`The restored deal ${id} could not be read`,
			'notDone',
			RESTORE_HINTS.rejected,
		);
	return {
		deal,
		tags: (await readDealTags.call(this, id, connection)) ?? [],
		history: await readDealHistory.call(this, id, connection),
		tasks: await readDealTasks.call(this, id, connection),
	};
}

function failed(
	context: IExecuteFunctions,
	record: ArchivedRecord,
	message: string,
	description: string,
): Outcome {
	return {
		kind: 'failed',
		error: new NodeOperationError(context.getNode(), message, {
			description,
			itemIndex: record.itemIndex,
		}),
	};
}

function lookAlikeFailure(
	context: IExecuteFunctions,
	record: ArchivedRecord,
	name: string,
	lookAlikes: IDataObject[],
): Outcome {
	const ids = lookAlikes.map((deal) => deal.id).join(', ');
	return failed(
		context,
		record,
		`${name} may already exist: deal ${ids} has the same title and responsible and was created after the record was kept. Nothing was created.`,
		`If deal ${ids} is this deal restored earlier, add the tag ${markerTag(record.oldId)} to it in ONLYOFFICE and run the node again: it completes that deal. If it is another deal, turn on "Create Even If a Look-Alike Exists" in the node's Options.`,
	);
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
			: await (await openRecordReader.call(this, ids, connection, { files: 'listOnly' })).read(ids);
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
