import type { IDataObject, INodeProperties } from 'n8n-workflow';

/**
 * The defaults of a collection's options, read from its description, so that a default is written once:
 * where the user sees it.
 */
export function optionDefaults<T extends object>(collection: INodeProperties): T {
	const defaults: IDataObject = {};
	for (const option of collection.options ?? []) {
		if ('name' in option && 'default' in option) defaults[option.name] = option.default;
	}
	return defaults as T;
}
