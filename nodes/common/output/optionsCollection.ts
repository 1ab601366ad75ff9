import type { IDataObject, INodeProperties } from 'n8n-workflow';

/** The "Options" collection every node of the package has, holding `options`. */
export function optionsCollection(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options,
	};
}

/** Simplify, the same in every node: the ten fields of `simplifyOpportunity` instead of the full record. */
export const simplifyOption: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: false,
	description:
		'Whether to return ten fields of each opportunity (title, stage, bid, people, close date) instead of the full record',
};

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
