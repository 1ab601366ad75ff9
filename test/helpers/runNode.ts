/**
 * Runs the node's execute() with a thin n8n context. Requests go through n8n's own HTTP client
 * (@n8n/backend-network), and credentials are applied the way n8n-core 2.x's httpRequestWithAuthentication
 * does it: preAuthentication when the session token is empty, authenticate, and one log-in-and-retry after a
 * thrown 401. The real-n8n suite (test/e2e) checks the same behaviour inside n8n itself.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { OnlyofficeApi } from '../../credentials/OnlyofficeApi.credentials';
import { OnlyofficeDeleteOpportunities } from '../../nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { httpRequest } = require('@n8n/backend-network/testing') as {
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
};

export interface RunOptions {
	/** Input items' json. */
	items: IDataObject[];
	/**
	 * The Opportunity IDs parameter as saved in the workflow; absent means the default, `={{ $json.id }}`.
	 * An expression other than a plain `$json` field is evaluated by `evaluate` (n8n's expression engine here).
	 */
	opportunityIdsParameter?: string;
	/** What n8n would make of that expression for an item. */
	opportunityIds?: (json: IDataObject, itemIndex: number) => unknown;
	options?: IDataObject;
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
}

export interface RunResult {
	output: INodeExecutionData[];
	hints: NodeExecutionHint[];
	/** The credential data after the run (n8n persists what preAuthentication returns). */
	credentials: ICredentialDataDecryptedObject;
	/** How often preAuthentication logged in. */
	logins: number;
	/** How often the node asked n8n to evaluate Opportunity IDs. */
	evaluations: number;
}

export const testNode: INode = {
	id: 'test-node',
	name: 'ONLYOFFICE Delete Opportunities',
	type: 'n8n-nodes-onlyoffice-crm.onlyofficeDeleteOpportunities',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Stands for any expression the node cannot read as a plain `$json` field. */
const OTHER_EXPRESSION = '={{ $json.id ?? $json.ids }}';

export async function runNode(run: RunOptions): Promise<RunResult> {
	const credentialType = new OnlyofficeApi();
	const credentials: ICredentialDataDecryptedObject = { sessionToken: '', ...run.credentials };
	const hints: NodeExecutionHint[] = [];
	let logins = 0;
	const items: INodeExecutionData[] = run.items.map((json) => ({ json }));
	const rawIds = run.opportunityIdsParameter ?? (run.opportunityIds ? OTHER_EXPRESSION : undefined);
	const node: INode = { ...testNode, parameters: rawIds === undefined ? {} : { opportunityIds: rawIds } };
	let evaluations = 0;

	const preAuthenticate = async (expired: boolean) => {
		if (credentials.sessionToken !== '' && credentials.sessionToken !== undefined && !expired) return;
		const data = await credentialType.preAuthentication.call({ helpers: { httpRequest } } as never, credentials);
		if (data.sessionToken !== undefined) {
			logins++;
			Object.assign(credentials, data);
		}
	};

	const context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => run.continueOnFail === true,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			if (name === 'opportunityIds') {
				evaluations++;
				const json = items[itemIndex].json;
				return run.opportunityIds ? run.opportunityIds(json, itemIndex) : json.id;
			}
			if (name === 'options') return run.options ?? fallback ?? {};
			throw new Error(`Unexpected parameter ${name}`);
		},
		helpers: {
			async httpRequestWithAuthentication(_type: string, requestOptions: IHttpRequestOptions) {
				try {
					await preAuthenticate(false);
					return await httpRequest(await credentialType.authenticate(credentials, requestOptions));
				} catch (error) {
					if ((error as { response?: { status?: number } }).response?.status === 401) {
						try {
							await preAuthenticate(true);
							return await httpRequest(await credentialType.authenticate(credentials, requestOptions));
						} catch (retryError) {
							throw new NodeApiError(testNode, retryError as never);
						}
					}
					throw new NodeApiError(testNode, error as never);
				}
			},
		},
	} as unknown as IExecuteFunctions;

	const [output] = await new OnlyofficeDeleteOpportunities().execute.call(context);
	return { output, hints, credentials, logins, evaluations };
}
