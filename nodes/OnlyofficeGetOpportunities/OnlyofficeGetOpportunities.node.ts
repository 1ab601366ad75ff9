import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CRM_LIST_METHODS } from '../common/search/crmLists';
import { forToolCaller } from '../common/tool/toolUse';
import { properties } from './description';
import { getOpportunities } from './getOpportunities';

/**
 * Finds ONLYOFFICE CRM opportunities by stage, people, tags, close date or keyword and outputs each one, paired
 * to the item that asked. Every item's filters are checked before the first request; a one-sided date range
 * still filters (the portal is always sent both ends), and Return All reads every page exactly once.
 */
export class OnlyofficeGetOpportunities implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ONLYOFFICE Get Opportunities',
		name: 'onlyofficeGetOpportunities',
		icon: { light: 'file:onlyoffice.svg', dark: 'file:onlyoffice.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{ $parameter["returnAll"] ? "Return All" : "Limit " + $parameter["limit"] }}',
		description:
			'Find ONLYOFFICE CRM opportunities (deals) by stage, responsible user, tags, contact, close date or keyword',
		defaults: { name: 'ONLYOFFICE Get Opportunities' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'onlyofficeApi', required: true }],
		properties,
	};

	methods = CRM_LIST_METHODS;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return [await getOpportunities.call(this)];
		} catch (error) {
			throw forToolCaller(this.getNode(), error);
		}
	}
}
