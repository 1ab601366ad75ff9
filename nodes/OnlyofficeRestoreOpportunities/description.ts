import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../common/output/optionsCollection';
import { forTools, outsideTools } from '../common/tool/toolUse';

export interface RestoreOptions {
	createDespiteLookAlike: boolean;
	timeout: number;
}

export const nodeOptions: INodeProperties = optionsCollection([
	{
		displayName: 'Create Even If a Look-Alike Exists',
		name: 'createDespiteLookAlike',
		type: 'boolean',
		default: false,
		description:
			'Whether to restore a deal even when a deal with the same title and responsible was created after the record was kept. Off, such a deal is reported as possibly restored already, and nothing is created.',
	},
	{
		displayName: 'Timeout',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1000 },
		default: 60000,
		description: 'How long to wait for each request to the portal, in milliseconds',
	},
]);

const recordField: INodeProperties = {
	displayName: 'Record',
	name: 'record',
	type: 'json',
	default: '={{ $json }}',
	required: true,
	description:
		'The whole record of one deleted deal: the item itself (the default), or the record as JSON text kept in a Data Table column, a sheet cell or a file. Its files come from the item’s binary data.',
};

/** What a model is told the tool's one input is. */
const TOOL_RECORD_TEXT =
	'The whole record of one deleted deal as JSON text, exactly as ONLYOFFICE Delete Opportunities output it (with its "archive" stamp); never a summary';

export const properties: INodeProperties[] = [
	{
		displayName:
			'Puts deleted deals back from the records ONLYOFFICE Delete Opportunities output (Record = Whole Record), with their tags, history, files and tasks. The restored deals get new IDs and the tag restored-from-(old ID); a deal restored before is not created again.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	outsideTools(recordField),
	forTools(recordField, {
		// Never the input item: as a tool, that is the agent's item (a chat message, a trigger's deal), not a record.
		default: `={{ $fromAI('record', ${JSON.stringify(TOOL_RECORD_TEXT)}, 'string') }}`,
		description:
			'The whole record of one deleted deal. As a tool, by default the JSON text the model passes, never the item that reached the agent. A record that names kept files cannot be restored this way: their content is binary data a model cannot pass.',
	}),
	nodeOptions,
];
