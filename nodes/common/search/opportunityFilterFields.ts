import type { INodeProperties } from 'n8n-workflow';

/**
 * The filter fields a search and a trigger both offer, written once so they read the same in both nodes.
 * Their dropdowns load through `CRM_LIST_METHODS` (crmLists.ts), which a node registers as its `methods`.
 */

export const stageTypeField: INodeProperties = {
	displayName: 'Stage Type',
	name: 'stageType',
	type: 'options',
	default: 'open',
	description: 'Whether the deal is still open, or was closed as won or lost',
	options: [
		{ name: 'Lost', value: 'lost' },
		{ name: 'Open', value: 'open' },
		{ name: 'Won', value: 'won' },
	],
};

export const stageIdField: INodeProperties = {
	displayName: 'Stage Name or ID',
	name: 'stageId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getStages' },
	default: '',
	description:
		'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
};

export const responsibleIdField: INodeProperties = {
	displayName: 'Responsible Name or ID',
	name: 'responsibleId',
	type: 'options',
	typeOptions: { loadOptionsMethod: 'getUsers' },
	default: '',
	description:
		'The user responsible for the deal. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};

export const tagsField: INodeProperties = {
	displayName: 'Tag Names or IDs',
	name: 'tags',
	type: 'multiOptions',
	typeOptions: { loadOptionsMethod: 'getTags' },
	default: [],
	description:
		'Deals that carry all of these tags. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
};
