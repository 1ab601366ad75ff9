import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { asSentence, PORTAL_MESSAGES } from '../nodes/common/transport/portalMessages';
import { normalizePortalUrl, sessionOwner } from './portalUrl';

export class OnlyofficeApi implements ICredentialType {
	name = 'onlyofficeApi';

	displayName = 'ONLYOFFICE API';

	icon = 'file:onlyoffice.svg' as const;

	documentationUrl = 'https://api.onlyoffice.com/workspace/api-backend/get-started/authentication/';

	properties: INodeProperties[] = [
		{
			displayName: 'Portal URL',
			name: 'portalUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. https://portal.example.com',
			description:
				'The address you open ONLYOFFICE at. ENOTFOUND or ECONNREFUSED on Test means n8n cannot reach this address: check it, and that n8n may reach private addresses (see the README).',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{
					name: 'API Token',
					value: 'apiToken',
					description:
						'A token from ONLYOFFICE; the only choice for accounts with two-factor login',
				},
				{
					name: 'E-Mail and Password',
					value: 'emailPassword',
					description: 'n8n logs in for you and renews the token when ONLYOFFICE revokes it',
				},
			],
			default: 'apiToken',
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['apiToken'] } },
			description:
				'The token ONLYOFFICE returns from POST /api/2.0/authentication (the README shows how to get one)',
		},
		{
			displayName: 'E-Mail',
			name: 'email',
			type: 'string',
			placeholder: 'e.g. name@example.com',
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['emailPassword'] } },
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			displayOptions: { show: { authMethod: ['emailPassword'] } },
		},
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Session Owner',
			name: 'sessionOwner',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Session Expires',
			name: 'sessionExpires',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description:
				'Whether to connect even if the portal’s certificate cannot be verified, e.g. a self-signed certificate (the Test shows a certificate error such as DEPTH_ZERO_SELF_SIGNED_CERT). Turn on only for a portal you trust.',
		},
	];

	/** Logs in with e-mail and password; n8n stores the token and calls this again when the portal answers 401. */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		if (credentials.authMethod !== 'emailPassword') return {};
		const portalUrl = normalizePortalUrl(credentials.portalUrl);
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${portalUrl}/api/2.0/authentication.json`,
			body: { userName: credentials.email, password: credentials.password },
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			skipSslCertificateValidation: credentials.ignoreSslIssues === true,
		})) as { statusCode: number; body: unknown };
		const session = readLoginAnswer(response.statusCode, response.body, portalUrl);
		return {
			sessionToken: session.token,
			sessionOwner: sessionOwner(portalUrl, credentials.email),
			sessionExpires: session.expires,
		};
	}

	/**
	 * Every request of the node passes through here, so this is where the portal address, the
	 * certificate option and the no-redirect rule are applied: a token never leaves the portal it is for.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const portalUrl = normalizePortalUrl(credentials.portalUrl);
		const token = tokenFor(credentials, portalUrl);
		return {
			...requestOptions,
			baseURL: portalUrl,
			disableFollowRedirect: true,
			skipSslCertificateValidation: credentials.ignoreSslIssues === true,
			headers: { ...requestOptions.headers, ...(token ? { Authorization: token } : {}) },
		};
	}

	test: ICredentialTestRequest = {
		request: { method: 'GET', url: '/api/2.0/crm/settings/currency.json', json: true },
		// n8n's type wants one kind of rule per list, but its tester checks each rule's own type.
		rules: credentialTestRules as IAuthenticateRuleResponseCode[],
	};
}

const credentialTestRules: Array<
	IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody
> = [
	responseCodeRule(401, asSentence(PORTAL_MESSAGES.credentialRejected)),
	responseCodeRule(403, asSentence(PORTAL_MESSAGES.noCrmAccess)),
	responseCodeRule(404, asSentence(PORTAL_MESSAGES.noApiHere)),
	...[301, 302, 303, 307, 308].map((status) =>
		responseCodeRule(status, asSentence(PORTAL_MESSAGES.redirected())),
	),
	{
		type: 'responseSuccessBody',
		properties: {
			key: 'statusCode',
			value: undefined,
			message: asSentence(PORTAL_MESSAGES.notOnlyoffice()),
		},
	},
];

function responseCodeRule(value: number, message: string): IAuthenticateRuleResponseCode {
	return { type: 'responseCode', properties: { value, message } };
}

/** The token to send, or none: a session token obtained for another portal or account, or expired, is never sent (the 401 that follows makes n8n log in again). */
function tokenFor(
	credentials: ICredentialDataDecryptedObject,
	portalUrl: string,
): string | undefined {
	if (credentials.authMethod !== 'emailPassword') {
		return typeof credentials.apiToken === 'string' ? credentials.apiToken.trim() : undefined;
	}
	const token = credentials.sessionToken;
	if (typeof token !== 'string' || token === '') return undefined;
	if (credentials.sessionOwner !== sessionOwner(portalUrl, credentials.email)) return undefined;
	const expires = Date.parse(String(credentials.sessionExpires));
	if (!Number.isNaN(expires) && expires <= Date.now()) return undefined;
	return token;
}

function readLoginAnswer(
	statusCode: number,
	body: unknown,
	portalUrl: string,
): { token: string; expires: string } {
	const envelope =
		typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
	const answer = (envelope.response ?? {}) as Record<string, unknown>;
	const serverMessage = String(
		(envelope.error as Record<string, unknown> | undefined)?.message ?? '',
	);
	if (statusCode === 201 || statusCode === 200) {
		if (typeof answer.token === 'string' && answer.token !== '') {
			return {
				token: answer.token,
				expires: typeof answer.expires === 'string' ? answer.expires : '',
			};
		}
		if (answer.tfa === true || answer.sms === true) {
			throw new Error(
				'This account uses two-factor login; create a token and choose API Token. The README shows how to create a token.',
			);
		}
	}
	if (/too many attempts/i.test(serverMessage)) {
		throw new Error(
			'ONLYOFFICE has paused logins for this account after too many failed attempts. Wait a minute, check the e-mail and password in the credential, then try again.',
		);
	}
	if (/authentication failed/i.test(serverMessage)) {
		throw new Error(
			'ONLYOFFICE rejected the e-mail or password. Check both in the credential; after a password change, enter the new password.',
		);
	}
	throw new Error(
		`Could not log in to ONLYOFFICE at ${portalUrl} (the address answered HTTP ${statusCode}, not as an ONLYOFFICE portal). ${PORTAL_MESSAGES.checkUrl}`,
	);
}
