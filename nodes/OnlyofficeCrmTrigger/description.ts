import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection, simplifyOption } from '../common/output/optionsCollection';

import {
	responsibleIdField,
	stageIdField,
	tagsField,
} from '../common/search/opportunityFilterFields';

export interface TriggerOptions {
	simplify: boolean;
}

export const nodeOptions: INodeProperties = optionsCollection([simplifyOption]);

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
	nodeOptions,
];
