/**
 * Runs the Get Opportunities node in-process, as n8n would: execute() with a thin context (parameters per item,
 * the workflow's time zone, Continue On Fail), and the dropdowns' load-options methods. Requests and
 * credentials go through portalHttp.ts, the same as for the Delete node's runner.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	INodePropertyOptions,
	NodeExecutionHint,
} from 'n8n-workflow';

import { OnlyofficeGetOpportunities } from '../../nodes/OnlyofficeGetOpportunities/OnlyofficeGetOpportunities.node';
import { portalHttp } from './portalHttp';

export interface SearchRun {
	/** Input items' json; one empty item when absent (a Manual Trigger). */
	items?: IDataObject[];
	/** The node's parameters as n8n hands them over for every item (expressions already evaluated). */
	parameters: IDataObject;
	/** Per item, what the expressions in the parameters evaluate to; overrides `parameters`. */
	perItem?: (json: IDataObject, itemIndex: number) => IDataObject;
	credentials: ICredentialDataDecryptedObject;
	/** The workflow's time zone (n8n's `getTimezone()`); UTC when absent. */
	timeZone?: string;
	continueOnFail?: boolean;
}

export interface SearchResult {
	output: INodeExecutionData[];
	hints: NodeExecutionHint[];
	credentialReads: number;
}

export const searchNode: INode = {
	id: 'search-node',
	name: 'ONLYOFFICE Get Opportunities',
	type: 'n8n-nodes-onlyoffice-crm.onlyofficeGetOpportunities',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export async function runSearchNode(run: SearchRun): Promise<SearchResult> {
	const hints: NodeExecutionHint[] = [];
	const items: INodeExecutionData[] = (run.items ?? [{}]).map((json) => ({ json }));
	const node: INode = { ...searchNode, parameters: run.parameters as INode['parameters'] };
	const http = portalHttp(run.credentials, node);
	const context = {
		getInputData: () => items,
		getNode: () => node,
		getTimezone: () => run.timeZone ?? 'UTC',
		continueOnFail: () => run.continueOnFail === true,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		getCredentials: http.getCredentials,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			const values = { ...run.parameters, ...run.perItem?.(items[itemIndex].json, itemIndex) };
			if (name in values) return values[name];
			if (fallback !== undefined) return fallback;
			throw new Error(`Unexpected parameter ${name}`);
		},
		helpers: { httpRequestWithAuthentication: http.httpRequestWithAuthentication },
	} as unknown as IExecuteFunctions;
	const [output] = await new OnlyofficeGetOpportunities().execute.call(context);
	return { output, hints, credentialReads: http.credentialReads };
}

/** What the editor shows in a dropdown: the node's load-options method `method`, run as n8n runs it. */
export async function loadOptions(
	method: string,
	credentials: ICredentialDataDecryptedObject,
): Promise<INodePropertyOptions[]> {
	const http = portalHttp(credentials, searchNode);
	const context = {
		getNode: () => searchNode,
		getCredentials: http.getCredentials,
		helpers: { httpRequestWithAuthentication: http.httpRequestWithAuthentication },
	} as unknown as ILoadOptionsFunctions;
	const loader = new OnlyofficeGetOpportunities().methods.loadOptions[
		method as keyof OnlyofficeGetOpportunities['methods']['loadOptions']
	];
	if (!loader) throw new Error(`No load-options method ${method}`);
	return await loader.call(context);
}
