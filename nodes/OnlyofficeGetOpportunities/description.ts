import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection, simplifyOption } from '../common/output/optionsCollection';
import { filesOption, recordOption } from '../common/record/recordOptions';
import {
	responsibleIdField,
	stageIdField,
	stageTypeField,
	tagsField,
} from '../common/search/opportunityFilterFields';
import type { SortField, SortOrder } from '../common/search/sortOpportunities';
import { forTools, outsideTools } from '../common/tool/toolUse';

export interface SearchOptions {
	files: 'download' | 'listOnly';
	record: 'wholeRecord' | 'dealOnly';
	simplify: boolean;
	sortBy: SortField;
	sortOrder: SortOrder;
}

export const filtersCollection: INodeProperties = {
	displayName: 'Filters',
	name: 'filters',
	type: 'collection',
	placeholder: 'Add filter',
	default: {},
	options: [
		{
			displayName: 'Close Date From',
			name: 'closeDateFrom',
			type: 'dateTime',
			default: '',
			description:
				'Deals that close on or after this date: the expected close date of open deals, the actual one of closed deals. A date without a time starts at midnight in the workflow’s time zone.',
		},
		{
			displayName: 'Close Date To',
			name: 'closeDateTo',
			type: 'dateTime',
			default: '',
			description:
				'Deals that close on or before this date: the expected close date of open deals, the actual one of closed deals. A date without a time includes that whole day.',
		},
		{
			displayName: 'Contact ID',
			name: 'contactId',
			type: 'number',
			typeOptions: { numberPrecision: 0 },
			default: 0,
			description: 'Deals whose primary contact (a person or company) has this ID',
		},
		{
			displayName: 'Include Deals Where the Contact Participates',
			name: 'includeParticipants',
			type: 'boolean',
			default: false,
			description:
				"Whether, with 'Contact ID', to return the deals the contact takes part in rather than only those it is the primary contact of",
		},
		{
			displayName: 'Keyword',
			name: 'keyword',
			type: 'string',
			default: '',
			placeholder: 'e.g. renewal',
			description:
				'Deals whose title or description has a word starting with each word given here; % and _ are refused, as ONLYOFFICE would read them as wildcards',
		},
		responsibleIdField,
		stageIdField,
		stageTypeField,
		tagsField,
	],
};

export const nodeOptions: INodeProperties = optionsCollection([
	filesOption,
	{
		...recordOption,
		description:
			'What to output for each deal found. Whole Record is a backup that ONLYOFFICE Restore Opportunities can put back; it takes a few more requests.',
	},
	simplifyOption,
	{
		displayName: 'Sort By',
		name: 'sortBy',
		type: 'options',
		default: 'id',
		description:
			"The order of the deals. By ID keeps paging stable; with 'Return All' any other order is applied after all pages are in.",
		options: [
			{ name: 'Bid Value', value: 'bidValue' },
			{
				name: 'Close Date',
				value: 'closeDate',
				description: 'Expected close date of open deals, actual close date of closed ones',
			},
			{ name: 'ID', value: 'id' },
			{ name: 'Responsible', value: 'responsible' },
			{ name: 'Stage', value: 'stage', description: 'In the order of the portal’s pipeline' },
			{ name: 'Title', value: 'title' },
		],
	},
	{
		displayName: 'Sort Order',
		name: 'sortOrder',
		type: 'options',
		default: 'ascending',
		options: [
			{ name: 'Ascending', value: 'ascending' },
			{ name: 'Descending', value: 'descending' },
		],
	},
]);

const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	displayOptions: { show: { returnAll: [false] } },
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
};

/** The Limit a tool starts with. */
const TOOL_LIMIT = 20;

/** Everything the user sets on the node. */
export const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	outsideTools(limitField),
	// A model reads every deal the tool returns: a short answer by default, so a big portal cannot flood it.
	forTools(limitField, { default: TOOL_LIMIT }),
	filtersCollection,
	outsideTools(nodeOptions),
	forTools(nodeOptions, { default: { simplify: true } }),
];
