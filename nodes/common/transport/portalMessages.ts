/**
 * What a user reads when the portal itself is the problem. The credential's Test and every node show the
 * same words, so a user who meets one of these in a failed execution recognises it from the credential dialog.
 * Each is a problem and the fix; the credential test joins them into one sentence pair.
 */
export interface PortalMessage {
	problem: string;
	fix: string;
}

const CHECK_URL =
	'Check the Portal URL in the ONLYOFFICE credential: it is the address you open ONLYOFFICE at, e.g. https://portal.example.com.';

export const PORTAL_MESSAGES = {
	checkUrl: CHECK_URL,
	credentialRejected: {
		problem: 'ONLYOFFICE did not accept the credential',
		fix: 'Check the API token (or the e-mail and password) in the ONLYOFFICE credential and that it belongs to this portal, then press Test.',
	},
	noCrmAccess: {
		problem: 'This ONLYOFFICE user has no access to the CRM module',
		fix: 'Ask a portal administrator to give the user CRM access, or use a credential of another user.',
	},
	noApiHere: {
		problem: 'No ONLYOFFICE API answered at this address (HTTP 404)',
		fix: CHECK_URL,
	},
	redirected: (location?: string): PortalMessage => ({
		problem: `The portal redirected the request${location ? ` to ${location}` : ''}; n8n does not send the credential to another address`,
		fix: `${CHECK_URL} Use the address it redirects to, with https:// if it has one.`,
	}),
	notOnlyoffice: (statusCode?: number): PortalMessage => ({
		problem: `The portal answered${statusCode ? ` HTTP ${statusCode}` : ''}, but not with ONLYOFFICE's API response (an HTML page or an unreadable answer)`,
		fix: CHECK_URL,
	}),
} as const;

/** The one-line form n8n's credential dialog shows. */
export function asSentence({ problem, fix }: PortalMessage): string {
	return `${problem}. ${fix}`;
}
