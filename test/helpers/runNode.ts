/**
 * Runs the node's execute() with a thin n8n context. Requests go through n8n's own HTTP client
 * (@n8n/backend-network), and credentials are applied the way n8n-core 2.x's httpRequestWithAuthentication
 * does it: the credential the node hands over (or a fresh copy of the stored one), preAuthentication when the
 * session token is empty, authenticate, and one log-in-and-retry after a thrown 401. The real-n8n suite
 * (test/e2e) checks the same behaviour inside n8n itself.
 */
import type {
	IAdditionalCredentialOptions,
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
	 * An expression other than a plain `$json` field is evaluated by `opportunityIds` (n8n's expression engine here).
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
	/** How often the node read the credential. */
	credentialReads: number;
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
	const node: INode = {
		...testNode,
		parameters: rawIds === undefined ? {} : { opportunityIds: rawIds },
	};
	let evaluations = 0;
	let credentialReads = 0;

	/** Logs in when the session token is empty or expired; persists the new token and hands it to `data`, as n8n does. */
	const preAuthenticate = async (data: ICredentialDataDecryptedObject, expired: boolean) => {
		if (data.sessionToken !== '' && data.sessionToken !== undefined && !expired) return;
		const output = await credentialType.preAuthentication.call(
			{ helpers: { httpRequest } } as never,
			data,
		);
		if (output.sessionToken !== undefined) {
			logins++;
			Object.assign(credentials, output);
			Object.assign(data, output);
		}
	};

	const context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => run.continueOnFail === true,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		// A fresh copy, as n8n decrypts the stored credential anew for each call.
		getCredentials: async () => {
			credentialReads++;
			return { ...credentials };
		},
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
			async httpRequestWithAuthentication(
				_type: string,
				requestOptions: IHttpRequestOptions,
				additional?: IAdditionalCredentialOptions,
			) {
				const data = additional?.credentialsDecrypted?.data ?? { ...credentials };
				const send = async (expired: boolean) => {
					await preAuthenticate(data, expired);
					return await httpRequest(await credentialType.authenticate(data, requestOptions));
				};
				try {
					return await send(false);
				} catch (error) {
					if ((error as { response?: { status?: number } }).response?.status === 401) {
						try {
							return await send(true);
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
	return { output, hints, credentials, logins, evaluations, credentialReads };
}
