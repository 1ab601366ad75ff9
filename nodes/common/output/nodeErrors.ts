import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { pairedTo } from './opportunityOutput';
import { PortalFailure } from '../transport';

/**
 * The error n8n shows for a failed read: a portal failure keeps its plain-words message, its fix as the
 * description and its HTTP code; anything else is wrapped as it is. Reads change nothing, so the text need not
 * say what was done before the failure.
 */
export function readFailureError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof PortalFailure) {
		return new NodeApiError(node, { message: error.message } as JsonObject, {
			message: `${error.message}.`,
			description: error.hint,
			httpCode: error.httpCode,
			itemIndex,
		});
	}
	return new NodeOperationError(node, error as Error, { itemIndex });
}

/**
 * An item for n8n's error output (Continue On Fail): `error` says what went wrong, `message` what to do.
 * The item's own `error` field stays unset: n8n would then keep only the first line.
 */
export function errorItem(
	error: NodeApiError | NodeOperationError,
	itemIndexes: number[],
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.message = error.description;
	return { json, pairedItem: pairedTo(itemIndexes) };
}
