import type { INode, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * A node used as an AI tool. n8n makes the tool variant of a `usableAsTool` node by naming it `<name>Tool`, and
 * evaluates `'@tool'` in display options against that name, in the editor and when the node runs alike.
 * (`usableAsTool.replacements` cannot do this: it replaces header fields only, and n8n applies it to the
 * description the editor gets, not to the one the run resolves defaults from.)
 */

export function runsAsTool(node: INode): boolean {
	return node.type.endsWith('Tool');
}

/** The property as the node shows it when it is not a tool. */
export function outsideTools(property: INodeProperties): INodeProperties {
	return withToolCondition(property, false);
}

/** The property as the tool variant shows it, with the default a tool needs. */
export function forTools(
	property: INodeProperties,
	changes: Partial<INodeProperties>,
): INodeProperties {
	return withToolCondition({ ...property, ...changes }, true);
}

function withToolCondition(property: INodeProperties, tool: boolean): INodeProperties {
	const show = property.displayOptions?.show ?? {};
	return {
		...property,
		displayOptions: { ...property.displayOptions, show: { ...show, '@tool': [tool] } },
	};
}

/**
 * The error a tool's caller is given. An AI Agent hands the model only the error's message (`{ "error":
 * message }`), so a tool's message carries the fix that n8n's editor shows as the description.
 */
export function forToolCaller(node: INode, error: unknown): unknown {
	if (!runsAsTool(node)) return error;
	if (!(error instanceof NodeOperationError || error instanceof NodeApiError)) return error;
	const fix = error.description;
	if (typeof fix === 'string' && fix !== '' && !error.message.includes(fix)) {
		error.message = `${error.message} ${fix}`;
	}
	return error;
}
