import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { forToolCaller, runsAsTool } from '../common/tool/toolUse';
import { deleteOpportunities } from './deleteOpportunities';
import { properties } from './description';
import { toolAnswer } from './toolAnswer';

/**
 * Deletes opportunities by ID with ONLYOFFICE's bulk call and outputs each deleted one, paired to the items
 * that asked for it. Every item's IDs are checked before the first request; a dry run only looks them up.
 */
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
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			const items = await deleteOpportunities.call(this);
			if (!runsAsTool(this.getNode())) return [items];
			const options = this.getNodeParameter('options', 0, {}) as IDataObject;
			return [await toolAnswer.call(this, items, options.dryRun === true)];
		} catch (error) {
			throw forToolCaller(this.getNode(), error);
		}
	}
}
