import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { forToolCaller } from '../common/tool/toolUse';
import { properties } from './description';
import { restoreOpportunities } from './restoreOpportunities';

/**
 * Puts deleted deals back from the whole records the Delete node output: the deal, its creation date, tags,
 * history with files, and tasks. Every record is checked before the first request; a deal restored before
 * (it carries the tag restored-from-<old ID>) is completed, never created twice.
 */
export class OnlyofficeRestoreOpportunities implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ONLYOFFICE Restore Opportunities',
		name: 'onlyofficeRestoreOpportunities',
		icon: { light: 'file:onlyoffice.svg', dark: 'file:onlyoffice.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: 'Restore From Kept Records',
		description:
			'Put deleted ONLYOFFICE CRM opportunities (deals) back, with their notes, files and tasks, from the records ONLYOFFICE Delete Opportunities output',
		defaults: { name: 'ONLYOFFICE Restore Opportunities' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'onlyofficeApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		try {
			return [await restoreOpportunities.call(this)];
		} catch (error) {
			throw forToolCaller(this.getNode(), error);
		}
	}
}
