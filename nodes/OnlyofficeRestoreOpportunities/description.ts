import type { INodeProperties } from 'n8n-workflow';

import { optionsCollection } from '../common/output/optionsCollection';

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

export const properties: INodeProperties[] = [
	{
		displayName:
			'Puts deleted deals back from the records ONLYOFFICE Delete Opportunities output (Record = Whole Record), with their tags, history, files and tasks. The restored deals get new IDs and the tag restored-from-(old ID); a deal restored before is not created again.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Record',
		name: 'record',
		type: 'json',
		default: '={{ $json }}',
		required: true,
		description:
			'The whole record of one deleted deal: the item itself (the default), or the record as JSON text kept in a Data Table column, a sheet cell or a file. Its files come from the item’s binary data.',
	},
	nodeOptions,
];
