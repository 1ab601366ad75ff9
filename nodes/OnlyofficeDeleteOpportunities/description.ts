import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection, simplifyOption } from '../common/output/optionsCollection';
import { filesOption, recordOption } from '../common/record/recordOptions';
import { forTools, outsideTools } from '../common/tool/toolUse';

export interface DeleteOptions {
	batchSize: number;
	deleteLimit: number;
	dryRun: boolean;
	files: 'download' | 'listOnly';
	notDeleted: 'ignore' | 'output' | 'fail';
	record: 'wholeRecord' | 'dealOnly';
	simplify: boolean;
	skipItemsWithoutId: boolean;
	timeout: number;
}

export const nodeOptions: INodeProperties = optionsCollection([
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
	filesOption,
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
				description: 'Output nothing for them; a schedule that repeats a delete keeps working',
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
		...recordOption,
		default: 'wholeRecord',
		description:
			'What to output for each deleted opportunity. ONLYOFFICE deletes its notes, files, tasks, tags and field values with it, and nothing can undo that.',
	},
	simplifyOption,
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
]);

const opportunityIdsField: INodeProperties = {
	displayName: 'Opportunity IDs',
	name: 'opportunityIds',
	type: 'string',
	default: '={{ $json.id }}',
	required: true,
	placeholder: 'e.g. 1045, 1046',
	description:
		'The opportunities to delete: an ID, a list separated by commas, semicolons or line breaks, or an array. By default, the ID of each incoming item.',
	hint: 'IDs are whole numbers such as 1045. Write "1, 234" or [1, 234] for two IDs: "1,234" is refused as ambiguous.',
};

/** What the model is told to fill in: an array, so "1,234" cannot be read two ways. */
const TOOL_IDS_TEXT =
	'The IDs of the deals to delete, as a JSON array of whole numbers, e.g. [1045, 1046]. Deleting is permanent: give only IDs you found and were asked to delete.';

/** Everything the user sets on the node. */
export const properties: INodeProperties[] = [
	{
		displayName:
			"Deleting is permanent. Try the node with the 'Dry Run' option first, and set a 'Delete Limit' for scheduled workflows.",
		name: 'permanentNotice',
		type: 'notice',
		default: '',
	},
	outsideTools(opportunityIdsField),
	forTools(opportunityIdsField, {
		// Never the input item's ID: as a tool, the input is the agent's item (a trigger's deal, say), not a choice.
		default: `={{ $fromAI('opportunityIds', ${JSON.stringify(TOOL_IDS_TEXT)}, 'json') }}`,
		description:
			'The opportunities to delete. As a tool, by default the IDs the model chooses (a JSON array such as [1045, 1046]), never the ID of the item that reached the agent.',
	}),
	nodeOptions,
];
