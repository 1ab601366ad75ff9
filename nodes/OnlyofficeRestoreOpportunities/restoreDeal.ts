import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { readFailureError } from '../common/output/nodeErrors';
import { nested } from '../common/output/opportunityRecord';
import { readDeal, readDealHistory, readDealTags, readDealTasks } from '../common/record/dealReads';
import type { PortalConnection } from '../common/transport';
import { PortalFailure } from '../common/transport';
import { settle } from '../common/transport/concurrently';
import type { ArchivedRecord } from './archivedRecords';
import type { NotRestored } from './dealBody';
import { findRestored, markerTag } from './findRestored';
import type { PortalLists } from './portalLists';
import type { CurrentParts, RestoreProgress, Send } from './restoreParts';
import { restoreDealFields, restoreTimeline, sender } from './restoreParts';

/** The connection's hints for a restore's failures. */
export const RESTORE_HINTS = {
	rejected:
		'Check that the record is unchanged since the Delete node output it, then run the node again.',
};

/** How one record went: restored (now or before), or stopped, with the new deal's ID once it exists. */
export type Outcome =
	| {
			kind: 'restored';
			id: number;
			alreadyRestored: boolean;
			notRestored: NotRestored[];
			uploads: number;
	  }
	| { kind: 'failed'; error: NodeApiError | NodeOperationError; id?: number };

/** One record's restore as planned before the first write: its deal's body and what already differs. */
export interface Plan {
	record: ArchivedRecord;
	body: IDataObject;
	notRestored: NotRestored[];
	/** Deals that may be this record restored before (see findLookAlikes); none when the option says so. */
	lookAlikes: IDataObject[];
}

/** A deal that exists now (created in this run or found by its marker tag), its parts still being added. */
export interface DealInProgress {
	plan: Plan;
	id: number;
	alreadyRestored: boolean;
	current: CurrentParts;
	progress: RestoreProgress;
}

const nameOf = (record: ArchivedRecord) =>
	`Deal "${String(record.deal.title)}" (ID ${record.oldId} before it was deleted)`;

/**
 * The first steps of one record: find the deal restored before by its marker tag, or create it and tag it
 * at once; then its creation date and custom values. Its history and tasks follow (finishRestore), and its
 * tags last, for many deals together (restoreTags).
 */
export async function beginRestore(
	this: IExecuteFunctions,
	plan: Plan,
	lists: PortalLists,
	connection: PortalConnection,
): Promise<DealInProgress | Outcome> {
	const { record, body, notRestored, lookAlikes } = plan;
	const progress: RestoreProgress = { unattached: [], uploads: 0 };
	return await settleDeal(this, record, progress, async () => {
		const found = await findRestored.call(this, record, lists, connection);
		if (found.length > 1) {
			return failed(
				this,
				record,
				`${nameOf(record)} was restored more than once: deals ${found.map((d) => d.id).join(', ')} carry the tag ${markerTag(record.oldId)}`,
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
			if (lookAlikes.length > 0) return lookAlikeFailure(this, record, lookAlikes);
			const send = sender.call(this, connection);
			const created = await createDeal(send, body);
			progress.id = Number(created.id);
			await send('POST', `opportunity/${progress.id}/tag.json`, {
				tagName: markerTag(record.oldId),
			});
			progress.marked = true;
			current = { deal: created, tags: [markerTag(record.oldId)], history: [], tasks: [] };
		}
		await restoreDealFields.call(
			this,
			progress.id,
			record,
			current,
			lists,
			connection,
			notRestored,
		);
		return { plan, id: progress.id, alreadyRestored, current, progress };
	});
}

/** The last steps of one record: its history events with their files, and its tasks. */
export async function finishRestore(
	this: IExecuteFunctions,
	deal: DealInProgress,
	lists: PortalLists,
	connection: PortalConnection,
): Promise<Outcome> {
	const { plan, id, current, progress, alreadyRestored } = deal;
	return await settleDeal(this, plan.record, progress, async () => {
		await restoreTimeline.call(
			this,
			id,
			plan.record,
			current,
			lists,
			connection,
			plan.notRestored,
			progress,
		);
		return {
			kind: 'restored',
			id,
			alreadyRestored,
			notRestored: plan.notRestored,
			uploads: progress.uploads,
		};
	});
}

/** The outcome of a deal whose tags could not be added (restoreTags). */
export function tagsFailed(
	this: IExecuteFunctions,
	deal: DealInProgress,
	failure: unknown,
): Outcome {
	return failureOutcome(this, deal.plan.record, deal.progress, failure);
}

/** Runs a record's steps; a portal failure becomes that record's failed outcome, saying how far it got. */
async function settleDeal<T>(
	context: IExecuteFunctions,
	record: ArchivedRecord,
	progress: RestoreProgress,
	steps: () => Promise<T | Outcome>,
): Promise<T | Outcome> {
	const outcome = await settle(steps);
	return outcome.ok ? outcome.value : failureOutcome(context, record, progress, outcome.error);
}

function failureOutcome(
	context: IExecuteFunctions,
	record: ArchivedRecord,
	progress: RestoreProgress,
	failure: unknown,
): Outcome {
	if (!(failure instanceof PortalFailure))
		throw readFailureError(context.getNode(), failure, record.itemIndex);
	const { id, unattached } = progress;
	return {
		kind: 'failed',
		id,
		error: new NodeApiError(context.getNode(), { message: failure.message } as JsonObject, {
			message: `${nameOf(record)} ${id === undefined ? 'was not restored' : `was restored as deal ${id} only in part`}: ${failure.message}.`,
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
async function createDeal(send: Send, body: IDataObject): Promise<IDataObject> {
	const post = async () => nested(await send('POST', 'opportunity.json', body, true));
	const first = await settle(post);
	if (first.ok) return first.value;
	const error = first.error;
	const refused =
		error instanceof PortalFailure && (error.httpCode === '400' || error.httpCode === '403');
	if (!refused || body.contactid === undefined) throw error;
	// Said by reportMissingContacts, which compares the deal with its record on every run.
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
	lookAlikes: IDataObject[],
): Outcome {
	const name = nameOf(record);
	const ids = lookAlikes.map((deal) => deal.id).join(', ');
	return failed(
		context,
		record,
		`${name} may already exist: deal ${ids} has the same title and responsible and was created after the record was kept. Nothing was created.`,
		`If deal ${ids} is this deal restored earlier, add the tag ${markerTag(record.oldId)} to it in ONLYOFFICE and run the node again: it completes that deal. If it is another deal, turn on "Create Even If a Look-Alike Exists" in the node's Options.`,
	);
}
