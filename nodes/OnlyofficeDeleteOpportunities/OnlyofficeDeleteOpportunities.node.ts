import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import type { DeletionReport } from './deleteInChunks';
import { deleteInChunks } from './deleteInChunks';
import { lookUpOpportunities } from './lookUpOpportunities';
import { InvalidOpportunityIdError, parseOpportunityIds } from './parseOpportunityIds';
import type { DeletionPlan, RequestedIds } from './planDeletion';
import { itemsNaming, planDeletion } from './planDeletion';
import {
	describeOutcomes,
	formatIds,
	outputFor,
	pairedTo,
	simplifyOpportunity,
	toItem,
} from './shapeOutput';
import type { PortalFailure } from './transport';

interface Options {
	batchSize: number;
	deleteLimit: number;
	dryRun: boolean;
	notDeleted: 'ignore' | 'output' | 'fail';
	simplify: boolean;
	skipItemsWithoutId: boolean;
	timeout: number;
}

const DEFAULT_OPTIONS: Options = {
	batchSize: 500,
	deleteLimit: 0,
	dryRun: false,
	notDeleted: 'ignore',
	simplify: false,
	skipItemsWithoutId: false,
	timeout: 120_000,
};

export class OnlyofficeDeleteOpportunities implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ONLYOFFICE Delete Opportunities',
		name: 'onlyofficeDeleteOpportunities',
		icon: { light: 'file:onlyoffice.svg', dark: 'file:onlyoffice.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ $parameter["options"]["dryRun"] ? "Dry Run: Nothing Deleted" : "Delete Permanently" }}',
		description:
			'Permanently delete ONLYOFFICE CRM opportunities (deals) by ID, and output each deleted opportunity. A delete cannot be undone.',
		defaults: { name: 'ONLYOFFICE Delete Opportunities' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'onlyofficeApi', required: true }],
		properties: [
			{
				displayName:
					"Deleting is permanent. Try the node with the 'Dry Run' option first, and set a 'Delete Limit' for scheduled workflows.",
				name: 'permanentNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Opportunity IDs',
				name: 'opportunityIds',
				type: 'string',
				default: '={{ $json.id }}',
				required: true,
				placeholder: 'e.g. 1045, 1046',
				description:
					'The opportunities to delete: an ID, a list separated by commas, semicolons or line breaks, or an array. By default, the ID of each incoming item.',
				hint: 'IDs are whole numbers such as 1045. Write "1, 234" or [1, 234] for two IDs: "1,234" is refused as ambiguous.',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Batch Size',
						name: 'batchSize',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 1000 },
						default: 500,
						description:
							'How many IDs to send in one request. ONLYOFFICE returns at most 1000 deleted opportunities per request, so 1000 is the maximum.',
					},
					{
						displayName: 'Delete Limit',
						name: 'deleteLimit',
						type: 'number',
						typeOptions: { minValue: 0 },
						default: 0,
						description:
							'Stop without deleting anything if a run asks to delete more opportunities than this. 0 means no limit.',
					},
					{
						displayName: 'Dry Run',
						name: 'dryRun',
						type: 'boolean',
						default: false,
						description:
							'Whether to only look the opportunities up and output those that would be deleted, deleting nothing',
					},
					{
						displayName: 'IDs Not Deleted',
						name: 'notDeleted',
						type: 'options',
						default: 'ignore',
						description:
							'What to do with IDs ONLYOFFICE did not delete because they do not exist, were already deleted, or this user may not delete them',
						options: [
							{
								name: 'Ignore',
								value: 'ignore',
								description:
									'Output nothing for them; a schedule that repeats a delete keeps working',
							},
							{
								name: 'Output an Item',
								value: 'output',
								description:
									'Output an item with the ID, "deleted": false and a reason for each, linked to its input items',
							},
							{
								name: 'Fail',
								value: 'fail',
								description: 'Stop with an error naming them (the others are still deleted)',
							},
						],
					},
					{
						displayName: 'Simplify',
						name: 'simplify',
						type: 'boolean',
						default: false,
						description:
							'Whether to return ten fields of each opportunity (title, stage, bid, people, close date) instead of the full record',
					},
					{
						displayName: 'Skip Items Without ID',
						name: 'skipItemsWithoutId',
						type: 'boolean',
						default: false,
						description:
							"Whether to skip items whose 'Opportunity IDs' are empty instead of stopping with an error",
					},
					{
						displayName: 'Timeout',
						name: 'timeout',
						type: 'number',
						typeOptions: { minValue: 1000 },
						default: 120000,
						description:
							'How long to wait for each answer from ONLYOFFICE, in milliseconds. Deleting 1000 opportunities can take a while.',
					},
				],
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const options = {
			...DEFAULT_OPTIONS,
			...(this.getNodeParameter('options', 0, {}) as Partial<Options>),
		};
		const { requests, errorItems } = readRequestedIds.call(this, options.skipItemsWithoutId);
		const plan = planDeletion(requests);
		if (plan.ids.length === 0) {
			this.addExecutionHints({
				message: 'No opportunity IDs reached this node, so nothing was deleted.',
				location: 'outputPane',
			});
			return [errorItems];
		}
		if (options.deleteLimit > 0 && plan.ids.length > options.deleteLimit) {
			const error = new NodeOperationError(
				this.getNode(),
				`This run asks to delete ${plan.ids.length} opportunities, more than the Delete Limit of ${options.deleteLimit}. Nothing was deleted.`,
				{
					itemIndex: requests[0].itemIndex,
					description:
						'If that many is right, raise Delete Limit in the node’s Options (0 means no limit); otherwise check the items reaching this node.',
				},
			);
			return [[...errorItems, ...failItems.call(this, error, plan, plan.ids)]];
		}
		const output = options.dryRun
			? await dryRun.call(this, plan, options)
			: await deleteAll.call(this, plan, options);
		return [[...output, ...errorItems]];
	}
}

/** Reads and validates every item's IDs before anything is sent, so bad input never deletes anything. */
function readRequestedIds(
	this: IExecuteFunctions,
	skipItemsWithoutId: boolean,
): { requests: RequestedIds[]; errorItems: INodeExecutionData[] } {
	const requests: RequestedIds[] = [];
	const errorItems: INodeExecutionData[] = [];
	const items = this.getInputData();
	const field = plainJsonField(this.getNode().parameters.opportunityIds);
	const readValue =
		field === undefined
			? (itemIndex: number) => this.getNodeParameter('opportunityIds', itemIndex)
			: (itemIndex: number) => items[itemIndex].json[field];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const ids = readItemIds.call(this, itemIndex, readValue(itemIndex), skipItemsWithoutId);
			if (ids.length > 0) requests.push({ itemIndex, ids });
		} catch (error) {
			const nodeError =
				error instanceof NodeOperationError
					? error
					: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
			if (!this.continueOnFail()) throw nodeError;
			errorItems.push(errorItem(nodeError, [itemIndex]));
		}
	}
	return { requests, errorItems };
}

/**
 * The field when Opportunity IDs is a plain `{{ $json.<field> }}` (absent means the default, `id`): the node
 * then reads that field itself. n8n 2.x evaluates each expression in an isolate, about 0.5 ms per item,
 * which for thousands of items costs far more than the delete requests (see the README's benchmark).
 */
function plainJsonField(raw: unknown): string | undefined {
	if (raw === undefined) return 'id';
	if (typeof raw !== 'string') return undefined;
	const match = /^=\{\{\s*\$json(?:\.([A-Za-z_$][\w$]*)|\[\s*(["'])([\w$ -]+)\2\s*\])\s*\}\}$/.exec(
		raw,
	);
	return match ? (match[1] ?? match[3]) : undefined;
}

function readItemIds(
	this: IExecuteFunctions,
	itemIndex: number,
	value: unknown,
	skipItemsWithoutId: boolean,
): number[] {
	// Without Continue On Fail the node stops before any request; with it, only this item is left out.
	const consequence = this.continueOnFail() ? 'This item was skipped.' : 'Nothing was deleted.';
	let ids: number[];
	try {
		ids = parseOpportunityIds(value);
	} catch (error) {
		if (!(error instanceof InvalidOpportunityIdError))
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: ${error.message}. ${consequence}`,
			{
				itemIndex,
				description: error.hint,
			},
		);
	}
	if (ids.length === 0 && !skipItemsWithoutId) {
		throw new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex} has no opportunity ID. ${consequence}`,
			{
				itemIndex,
				description:
					'Check the Opportunity IDs field (by default it reads the item’s "id" field), or turn on Skip Items Without ID in the Options.',
			},
		);
	}
	return ids;
}

async function deleteAll(
	this: IExecuteFunctions,
	plan: DeletionPlan,
	options: Options,
): Promise<INodeExecutionData[]> {
	const report = await deleteInChunks.call(this, plan.ids, options.batchSize, {
		timeout: options.timeout,
	});
	const items: INodeExecutionData[] = [];
	for (const id of plan.ids) {
		const outcome = report.outcomes.get(id);
		const json =
			outcome &&
			outputFor(id, outcome, {
				simplify: options.simplify,
				outputNotDeleted: options.notDeleted === 'output',
			});
		if (json) items.push(toItem(json, plan.requesters.get(id) ?? []));
	}
	addDeletionHints.call(this, report);
	if (report.failure) {
		return [
			...items,
			...failItems.call(
				this,
				failureError.call(this, report, report.failure, plan),
				plan,
				failedIds(report),
			),
		];
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
		return [...items, ...failItems.call(this, error, plan, notDeleted)];
	}
	return items;
}

async function dryRun(
	this: IExecuteFunctions,
	plan: DeletionPlan,
	options: Options,
): Promise<INodeExecutionData[]> {
	const report = await lookUpOpportunities.call(this, plan.ids, { timeout: options.timeout });
	if (report.failure) {
		const error = new NodeApiError(
			this.getNode(),
			{ message: report.failure.message } as JsonObject,
			{
				message: `${report.failure.message}. Dry run: nothing was deleted.`,
				description: report.failure.hint,
				httpCode: report.failure.httpCode,
				itemIndex: plan.requesters.get(plan.ids[0])?.[0],
			},
		);
		return failItems.call(this, error, plan, plan.ids);
	}
	const items: INodeExecutionData[] = [];
	const wouldNotDelete: number[] = [];
	for (const id of plan.ids) {
		const outcome = report.outcomes.get(id);
		const requesters = plan.requesters.get(id) ?? [];
		if (outcome?.status === 'wouldDelete') {
			items.push(
				toItem(options.simplify ? simplifyOpportunity(outcome.record) : outcome.record, requesters),
			);
		} else if (outcome) {
			wouldNotDelete.push(id);
			if (options.notDeleted === 'output')
				items.push(
					toItem(
						{ id, deleted: false, reason: `would not be deleted: ${outcome.reason}` },
						requesters,
					),
				);
		}
	}
	this.addExecutionHints({
		message: `Dry run: nothing was deleted. ${plan.ids.length - wouldNotDelete.length} of ${plan.ids.length} opportunities would be deleted.`,
		location: 'outputPane',
	});
	if (options.notDeleted === 'fail' && wouldNotDelete.length > 0) {
		const error = new NodeOperationError(
			this.getNode(),
			`Dry run: ${wouldNotDelete.length} of the ${plan.ids.length} opportunities would not be deleted: ${formatIds(wouldNotDelete)}`,
			{
				itemIndex: itemsNaming(plan, wouldNotDelete)[0],
				description:
					'They do not exist, or this user may not delete them. To let such IDs pass, set IDs Not Deleted to Ignore or Output an Item.',
			},
		);
		return [...items, ...failItems.call(this, error, plan, wouldNotDelete)];
	}
	return items;
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
			: failure.outcome === 'unknown'
				? 'Some opportunities may have been deleted; see the details for which'
				: 'Nothing was deleted';
	return new NodeApiError(this.getNode(), { message: failure.message } as JsonObject, {
		message: `${failure.message}. ${progress}.`,
		description: `${describeOutcomes(report.outcomes, plan.ids)}\n${failure.hint} Do not use n8n's Retry On Fail for this node: run the workflow again, already deleted IDs are then skipped.`,
		httpCode: failure.httpCode,
		itemIndex: itemsNaming(plan, failedIds(report))[0],
	});
}

/** Throws, or under Continue On Fail turns every input item behind `ids` into an error item. */
function failItems(
	this: IExecuteFunctions,
	error: NodeApiError | NodeOperationError,
	plan: DeletionPlan,
	ids: number[],
): INodeExecutionData[] {
	if (!this.continueOnFail()) throw error;
	return itemsNaming(plan, ids).map((itemIndex) => errorItem(error, [itemIndex]));
}

/**
 * Shaped for n8n's error output, which takes an item whose json is `{ error }` or `{ error, message }`
 * (n8n 1.x and 2.x alike): `error` says what went wrong, `message` lists what was and was not deleted and
 * what to do. The item's `error` field stays unset: n8n would then keep only the first line.
 */
function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndexes: number[],
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.message = error.description;
	return { json, pairedItem: pairedTo(itemIndexes) };
}
