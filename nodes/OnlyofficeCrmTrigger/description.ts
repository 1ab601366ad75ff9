import type { INodeProperties } from 'n8n-workflow';

import { responsibleIdField, stageIdField, tagsField } from '../shared/opportunityFilterFields';

export interface TriggerOptions {
	simplify: boolean;
}

export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	options: [
		{
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: false,
			description:
				'Whether to return ten fields of each opportunity (title, stage, bid, people, close date) instead of the full record',
		},
	],
};

export const properties: INodeProperties[] = [
	{
		displayName: 'Trigger On',
		name: 'event',
		type: 'options',
		noDataExpression: true,
		default: 'newOpportunity',
		options: [
			{
				name: 'New Opportunity',
				value: 'newOpportunity',
				description:
					'An opportunity is created. Opportunities that exist when the workflow is activated do not trigger.',
			},
			{
				name: 'Opportunity Won',
				value: 'opportunityWon',
				description: 'An opportunity moves to a won stage',
			},
			{
				name: 'Opportunity Lost',
				value: 'opportunityLost',
				description: 'An opportunity moves to a lost stage',
			},
		],
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add filter',
		default: {},
		options: [responsibleIdField, stageIdField, tagsField],
	},
	optionsCollection,
];
