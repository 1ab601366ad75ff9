import type { INodeProperties } from 'n8n-workflow';

/** Record: the whole record or the deal only. Each node sets its own default and description. */
export const recordOption: INodeProperties = {
	displayName: 'Record',
	name: 'record',
	type: 'options',
	default: 'dealOnly',
	options: [
		{
			name: 'Whole Record',
			value: 'wholeRecord',
			description:
				'The deal with its tags, history (notes, calls, mails, each with its files), tasks and contacts, read before anything is deleted',
		},
		{
			name: 'Deal Only',
			value: 'dealOnly',
			description: 'The deal’s own fields, as ONLYOFFICE returns them',
		},
	],
};

/** Files: how a whole record holds the files of the deal's history. */
export const filesOption: INodeProperties = {
	displayName: 'Files',
	name: 'files',
	type: 'options',
	default: 'download',
	description:
		'With Record = Whole Record: what to do with the files attached to the deal’s history',
	options: [
		{
			name: 'Download',
			value: 'download',
			description:
				'Attach each file to the output item as binary data (file_ followed by the file’s ID, e.g. file_5), with its name and type',
		},
		{
			name: 'List Only',
			value: 'listOnly',
			description:
				'Describe each file (name, size, ID) without its content. The content is lost when the deal is deleted.',
		},
	],
};
