/**
 * n8n's side of an authenticated request, for running a node in-process: requests go through n8n's own HTTP
 * client (@n8n/backend-network), and credentials are applied the way n8n-core 2.x's
 * httpRequestWithAuthentication does it: the credential the node hands over (or a fresh copy of the stored
 * one), preAuthentication when the session token is empty, authenticate, and one log-in-and-retry after a
 * thrown 401. Shared by every in-process runner, whatever the node's context.
 */
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	INode,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { OnlyofficeApi } from '../../credentials/OnlyofficeApi.credentials';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { httpRequest } = require('@n8n/backend-network/testing') as {
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
};

export interface PortalHttp {
	/** The stored credential: n8n persists what preAuthentication returns into it. */
	credentials: ICredentialDataDecryptedObject;
	/** What the node's `getCredentials` returns: a fresh copy, as n8n decrypts the stored one anew each call. */
	getCredentials: () => Promise<ICredentialDataDecryptedObject>;
	/** The node's `helpers.httpRequestWithAuthentication`. */
	httpRequestWithAuthentication: (
		type: string,
		requestOptions: IHttpRequestOptions,
		additional?: IAdditionalCredentialOptions,
	) => Promise<unknown>;
	/** The node's `helpers.httpRequest`: no credential (a file storage's presigned address). */
	httpRequest: (requestOptions: IHttpRequestOptions) => Promise<unknown>;
	/** How often preAuthentication logged in. */
	readonly logins: number;
	/** How often the node read the credential. */
	readonly credentialReads: number;
}

export function portalHttp(stored: ICredentialDataDecryptedObject, node: INode): PortalHttp {
	const credentialType = new OnlyofficeApi();
	const credentials: ICredentialDataDecryptedObject = { sessionToken: '', ...stored };
	let logins = 0;
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

	return {
		credentials,
		get logins() {
			return logins;
		},
		get credentialReads() {
			return credentialReads;
		},
		httpRequest,
		getCredentials: async () => {
			credentialReads++;
			return { ...credentials };
		},
		async httpRequestWithAuthentication(_type, requestOptions, additional) {
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
						throw new NodeApiError(node, retryError as never);
					}
				}
				throw new NodeApiError(node, error as never);
			}
		},
	};
}
