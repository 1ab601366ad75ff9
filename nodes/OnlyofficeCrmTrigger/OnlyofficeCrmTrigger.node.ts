import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { CRM_LIST_METHODS } from '../common/search/crmLists';
import { properties } from './description';
import { pollOpportunities } from './pollOpportunities';

/**
 * Starts a workflow when an opportunity is created, won or lost. ONLYOFFICE Workspace has no webhooks, so it
 * polls: new deals by ID, won and lost ones by a close-date window, each emitted once (see pollState.ts).
 */
export class OnlyofficeCrmTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ONLYOFFICE CRM Trigger',
		name: 'onlyofficeCrmTrigger',
		icon: { light: 'file:onlyoffice.svg', dark: 'file:onlyoffice.dark.svg' },
		group: ['trigger'],
		version: 1,
		// The option's name, not its value ("opportunityLost"), is what a user should read on the canvas.
		subtitle:
			'={{ {newOpportunity: "New Opportunity", opportunityWon: "Opportunity Won", opportunityLost: "Opportunity Lost"}[$parameter["event"]] }}',
		description:
			'Starts the workflow when an ONLYOFFICE CRM opportunity (deal) is created, won or lost',
		defaults: { name: 'ONLYOFFICE CRM Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'onlyofficeApi', required: true }],
		properties,
	};

	methods = CRM_LIST_METHODS;

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollOpportunities.call(this);
	}
}
