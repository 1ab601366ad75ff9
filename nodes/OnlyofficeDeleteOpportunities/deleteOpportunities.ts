import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { optionDefaults } from '../common/output/optionsCollection';
import { pairedTo } from '../common/output/opportunityOutput';
import { settle } from '../common/transport/concurrently';
import { errorItem } from '../common/output/nodeErrors';
import {
	addCounts,
	countRecords,
	describeCounts,
	openRecordReader,
} from '../common/record/readRecords';
import { runsAsTool } from '../common/tool/toolUse';
import type { OperationHints, PortalConnection } from '../common/transport';
import { PortalFailure } from '../common/transport';
import type { DeletionReport } from './deleteInBatches';
import { deleteInBatches } from './deleteInBatches';
import { deletionItem, describeOutcomes, formatIds } from './deletionOutput';
import type { DeleteOptions } from './description';
import { nodeOptions } from './description';
import { dryRun } from './dryRun';
import { dryRunRecords } from './dryRunRecords';
import { failItems, recordsUnreadError } from './errorItems';
import type { DeletionPlan } from './planDeletion';
import { itemsNaming, planDeletion } from './planDeletion';
import { readRequestedIds } from './readRequestedIds';
import type { RecordKeeping } from './recordFirst';
import { keepRecordsFirst } from './recordFirst';

const DELETE_HINTS: OperationHints = { rejected: 'Check the opportunity IDs sent to this node.' };

/** The node's run: read and check every item, then delete (or look up, in a dry run) every ID once. */
export async function deleteOpportunities(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const options = {
		...optionDefaults<DeleteOptions>(nodeOptions),
		...(this.getNodeParameter('options', 0, {}) as Partial<DeleteOptions>),
	};
	checkChoice.call(this, options.record, ['wholeRecord', 'dealOnly'], 'Record');
	checkChoice.call(this, options.files, ['download', 'listOnly'], 'Files');
	const { requests, errorItems } = readRequestedIds.call(this, options.skipItemsWithoutId);
	const plan = planDeletion(requests);
	if (plan.ids.length === 0) {
		this.addExecutionHints({
			message: 'No opportunity IDs reached this node, so nothing was deleted.',
			location: 'outputPane',
		});
		return errorItems;
	}
	if (options.deleteLimit > 0 && plan.ids.length > options.deleteLimit) {
		const error = new NodeOperationError(
			this.getNode(),
			`This run asks to delete ${plan.ids.length} opportunities, more than the Delete Limit of ${options.deleteLimit}. Nothing was deleted.`,
			{
				itemIndex: requests[0].itemIndex,
				description: runsAsTool(this.getNode())
					? `Ask to delete at most ${options.deleteLimit} opportunities in one call; only the workflow’s author can raise the Delete Limit.`
					: 'If that many is right, raise Delete Limit in the node’s Options (0 means no limit); otherwise check the items reaching this node.',
			},
		);
		return [...errorItems, ...failItems.call(this, error, plan, plan.ids)];
	}
	const connection: PortalConnection = { timeout: options.timeout, hints: DELETE_HINTS };
	const output = !options.dryRun
		? await deleteAll.call(this, plan, options, connection)
		: options.record === 'wholeRecord'
			? await dryRunRecords.call(this, plan, options, connection)
			: await dryRun.call(this, plan, options, connection);
	return [...output, ...errorItems];
}

export async function deleteAll(
	this: IExecuteFunctions,
	plan: DeletionPlan,
	options: DeleteOptions,
	connection: PortalConnection,
): Promise<INodeExecutionData[]> {
	let keeping: RecordKeeping | undefined;
	if (options.record === 'wholeRecord') {
		const opened = await settle(() =>
			openRecordReader.call(this, plan.ids, connection, { files: options.files }),
		);
		if (!opened.ok) {
			return failItems.call(
				this,
				recordsUnreadError.call(
					this,
					opened.error,
					plan,
					'The records could not be read, so nothing was deleted.',
				),
				plan,
				plan.ids,
			);
		}
		keeping = keepRecordsFirst(opened.value);
	}
	const report = await deleteInBatches.call(
		this,
		plan.ids,
		options.batchSize,
		connection,
		keeping?.recordFirst,
	);
	const items: INodeExecutionData[] = [];
	for (const id of plan.ids) {
		const outcome = report.outcomes.get(id);
		const item =
			outcome &&
			deletionItem(id, outcome, keeping?.kept.get(id), {
				simplify: options.simplify,
				outputNotDeleted: options.notDeleted === 'output',
			});
		if (item) items.push({ ...item, pairedItem: pairedTo(plan.requesters.get(id) ?? []) });
	}
	addDeletionHints.call(this, report);
	if (keeping) addRecordHints.call(this, report, keeping);
	if (report.failure) {
		const error = failureError.call(this, report, report.failure, plan);
		// Records of deals already deleted exist nowhere else: a thrown error would drop them with the output.
		if (keeping && keeping.kept.size > 0 && anyDeleted(report)) {
			return [...items, ...itemsNaming(plan, failedIds(report)).map((i) => errorItem(error, [i]))];
		}
		return [...items, ...failItems.call(this, error, plan, failedIds(report))];
	}
	const notDeleted = plan.ids.filter((id) => report.outcomes.get(id)?.status === 'notDeleted');
	if (options.notDeleted === 'fail' && notDeleted.length > 0) {
		const error = new NodeOperationError(
			this.getNode(),
			`ONLYOFFICE did not delete ${notDeleted.length} of the ${plan.ids.length} opportunities: ${formatIds(notDeleted)}`,
			{
				itemIndex: itemsNaming(plan, notDeleted)[0],
				description: `They do not exist, were already deleted, or this user may not delete them. The others were deleted.\n${describeOutcomes(report.outcomes, plan.ids)}\nTo let such IDs pass, set IDs Not Deleted to Ignore or Output an Item.`,
			},
		);
		if (keeping && anyDeleted(report))
			return [...items, ...itemsNaming(plan, notDeleted).map((i) => errorItem(error, [i]))];
		return [...items, ...failItems.call(this, error, plan, notDeleted)];
	}
	return items;
}

/**
 * A choice set by an expression must be one the node knows: an unknown Record read as Deal Only would delete
 * without keeping the record.
 */
function checkChoice(this: IExecuteFunctions, value: unknown, allowed: string[], option: string) {
	if (typeof value === 'string' && allowed.includes(value)) return;
	throw new NodeOperationError(
		this.getNode(),
		`The option '${option}' is ${JSON.stringify(value)}, not one of ${allowed.join(', ')}. Nothing was deleted.`,
		{
			description: `Choose '${option}' from the list, or make its expression give one of: ${allowed.join(', ')}.`,
		},
	);
}

/** Whether any deal may be gone: its record is then in the output and must not be thrown away. */
function anyDeleted(report: DeletionReport): boolean {
	for (const outcome of report.outcomes.values()) {
		if (['deleted', 'deletedWithoutRecord', 'mayHaveBeenDeleted'].includes(outcome.status))
			return true;
		if (outcome.status === 'failed' && outcome.failure.effect === 'unknown') return true;
	}
	return false;
}

/** What a whole-record delete took with it, and which deals it held back because their records were unreadable. */
function addRecordHints(this: IExecuteFunctions, report: DeletionReport, keeping: RecordKeeping) {
	const held: number[] = [];
	for (const [id, outcome] of report.outcomes) if (outcome.status === 'notRecorded') held.push(id);
	if (held.length > 0) {
		this.addExecutionHints({
			message: `${held.length} opportunities were not deleted because their records could not be read completely: ${formatIds(held)}. Their items say why; run the workflow again to delete them.`,
			location: 'outputPane',
		});
	}
	let deleted = 0;
	const total = countRecords([]);
	for (const [id, outcome] of report.outcomes) {
		if (outcome.status !== 'deleted' && outcome.status !== 'deletedWithoutRecord') continue;
		deleted++;
		const record = keeping.kept.get(id);
		if (record) addCounts(total, record.counts);
	}
	if (deleted > 0) {
		this.addExecutionHints({
			message: `Deleted ${describeCounts(total)}. Each deal's whole record is in this node's output: keep it, ONLYOFFICE cannot undo the delete.`,
			location: 'outputPane',
		});
	}
}

function addDeletionHints(this: IExecuteFunctions, report: DeletionReport) {
	let deleted = 0;
	let uncertain = 0;
	for (const outcome of report.outcomes.values()) {
		if (outcome.status === 'deleted' || outcome.status === 'deletedWithoutRecord') deleted++;
		if (outcome.status === 'mayHaveBeenDeleted') uncertain++;
	}
	if (deleted === 0 && !report.failure) {
		this.addExecutionHints({
			message:
				'ONLYOFFICE deleted none of the requested opportunities (missing, already deleted, or not permitted). To run the next nodes anyway, turn on Always Output Data in the node settings.',
			location: 'outputPane',
		});
	}
	if (uncertain > 0) {
		this.addExecutionHints({
			message: `${uncertain} opportunities may have been deleted by a request that broke off; they are output with "deleted": null. Check them in ONLYOFFICE.`,
			location: 'outputPane',
		});
	}
}
function failedIds(report: DeletionReport): number[] {
	const ids: number[] = [];
	for (const [id, outcome] of report.outcomes)
		if (outcome.status === 'failed' || outcome.status === 'notAttempted') ids.push(id);
	return ids;
}
/** The error for a run stopped part-way: says what failed, how many were already deleted, and lists every ID's fate. */
function failureError(
	this: IExecuteFunctions,
	report: DeletionReport,
	failure: PortalFailure,
	plan: DeletionPlan,
) {
	const deleted = plan.ids.filter((id) =>
		['deleted', 'deletedWithoutRecord'].includes(report.outcomes.get(id)?.status ?? ''),
	);
	const progress =
		deleted.length > 0
			? `${deleted.length} of ${plan.ids.length} opportunities were deleted before this; see the details for which`
			: failure.effect === 'unknown'
				? 'Some opportunities may have been deleted; see the details for which'
				: 'Nothing was deleted';
	return new NodeApiError(this.getNode(), { message: failure.message } as JsonObject, {
		message: `${failure.message}. ${progress}.`,
		description: `${describeOutcomes(report.outcomes, plan.ids)}\n${failure.hint} Do not use n8n's Retry On Fail for this node: run the workflow again, already deleted IDs are then skipped.`,
		httpCode: failure.httpCode,
		itemIndex: itemsNaming(plan, failedIds(report))[0],
	});
}
