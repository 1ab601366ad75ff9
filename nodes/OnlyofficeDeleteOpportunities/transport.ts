import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

const CREDENTIAL_TYPE = 'onlyofficeApi';
export const MAX_ATTEMPTS = 3;
export const MAX_WAIT_SECONDS = 60;

/** Whether the portal may have acted on a request that failed: decides between "not deleted" and "may have been deleted". */
export type Outcome = 'notDone' | 'unknown';

/** A request the portal did not complete for good; `message` and `hint` are written for the workflow's owner. */
export class PortalFailure extends Error {
	constructor(
		message: string,
		readonly outcome: Outcome,
		readonly hint: string,
		readonly httpCode?: string,
	) {
		super(message);
		this.name = 'PortalFailure';
	}
}

/** ONLYOFFICE's response envelope, reduced to what the node reads. */
export interface Envelope {
	response: unknown;
	total?: number;
	statusCode?: number;
}

export interface PortalAnswer {
	envelope: Envelope;
	/** An earlier attempt of this request broke off after the portal may have acted on it. */
	interrupted: boolean;
}

export interface PortalRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	/** Requests that may answer "not found" for one record (a look-up) get that as an answer, not a failure. */
	notFoundIsAnswer?: boolean;
}

/** What the requests of one run share. */
export interface PortalConnection {
	timeout: number;
	/**
	 * The credential, read on the first request and handed to n8n with every request: otherwise n8n reads and
	 * decrypts it from its database for each one. A session token n8n renews is written into this object too.
	 */
	credentials?: Promise<ICredentialsDecrypted>;
}

type Attempt =
	| { kind: 'answer'; statusCode: number; headers: Record<string, unknown>; body: unknown }
	| { kind: 'noAnswer'; code: string; message: string };

type Verdict =
	| { kind: 'ok'; envelope: Envelope }
	| { kind: 'retry'; outcome: Outcome; message: string; waitSeconds?: number }
	| { kind: 'fail'; outcome: Outcome; message: string; hint: string; httpCode?: string };

const CHECK_URL =
	'Check the Portal URL in the ONLYOFFICE credential: it is the address you open ONLYOFFICE at.';
const TRY_LATER =
	'Run the workflow again later; if it keeps failing, ask the portal administrator.';

/** Sends one request to the credential's portal, retrying what is safe to retry, and returns the unwrapped envelope. */
export async function callPortal(
	this: IExecuteFunctions,
	request: PortalRequest,
	connection: PortalConnection,
): Promise<PortalAnswer> {
	let interrupted = false;
	for (let attempt = 1; ; attempt++) {
		const verdict = judge(await sendOnce.call(this, request, connection), request);
		if (verdict.kind === 'ok') return { envelope: verdict.envelope, interrupted };
		interrupted = interrupted || verdict.outcome === 'unknown';
		const outcome: Outcome = interrupted ? 'unknown' : verdict.outcome;
		if (verdict.kind === 'fail') {
			throw new PortalFailure(verdict.message, outcome, verdict.hint, verdict.httpCode);
		}
		if (attempt === MAX_ATTEMPTS) {
			throw new PortalFailure(`${verdict.message} (${MAX_ATTEMPTS} attempts)`, outcome, TRY_LATER);
		}
		const waitSeconds = verdict.waitSeconds ?? attempt;
		if (waitSeconds > MAX_WAIT_SECONDS) {
			throw new PortalFailure(
				`${verdict.message}; the portal asked to wait ${waitSeconds} seconds before trying again`,
				outcome,
				`Waiting that long is more than this node does (${MAX_WAIT_SECONDS} s). ${TRY_LATER}`,
			);
		}
		await sleep(waitSeconds * 1000);
	}
}

async function sendOnce(
	this: IExecuteFunctions,
	request: PortalRequest,
	connection: PortalConnection,
): Promise<Attempt> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: request.path,
		body: request.body,
		json: true,
		timeout: connection.timeout,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	try {
		const first = await send.call(this, options, connection);
		if (first.kind === 'noAnswer' || first.statusCode !== 401) return first;
		// A 401 that came back as an answer did not make n8n log in again: let it throw once, which does.
		return await send.call(this, { ...options, ignoreHttpStatusErrors: false }, connection);
	} catch (error) {
		return attemptFromError(error);
	}
}

async function send(
	this: IExecuteFunctions,
	options: IHttpRequestOptions,
	connection: PortalConnection,
): Promise<Attempt> {
	connection.credentials ??= readCredentials.call(this);
	const credentialsDecrypted = await connection.credentials;
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		CREDENTIAL_TYPE,
		options,
		{
			credentialsDecrypted,
		},
	)) as {
		statusCode: number;
		headers?: Record<string, unknown>;
		body: unknown;
	};
	return {
		kind: 'answer',
		statusCode: response.statusCode,
		headers: response.headers ?? {},
		body: response.body,
	};
}

async function readCredentials(this: IExecuteFunctions): Promise<ICredentialsDecrypted> {
	const { id, name } = this.getNode().credentials?.[CREDENTIAL_TYPE] ?? {};
	const data = await this.getCredentials(CREDENTIAL_TYPE);
	return { id: id ?? '', name: name ?? '', type: CREDENTIAL_TYPE, data };
}

/** n8n wraps request errors; the HTTP status or socket error code sits on the error or on its cause. */
function attemptFromError(error: unknown): Attempt {
	const wrapped = asRecord(error);
	const cause = asRecord(wrapped.cause);
	const response = asRecord(cause.response);
	const statusCode = Number(response.status ?? wrapped.httpCode);
	if (Number.isInteger(statusCode) && statusCode > 0) {
		return {
			kind: 'answer',
			statusCode,
			headers: asRecord(response.headers),
			body: response.data,
		};
	}
	const code = String(cause.code ?? wrapped.code ?? '');
	const message = typeof wrapped.message === 'string' ? wrapped.message : 'The request failed';
	return { kind: 'noAnswer', code, message };
}

const RETRY_UNKNOWN_CODES = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'ESOCKETTIMEDOUT',
]);
const RETRY_NOT_DONE_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN']);
const CERTIFICATE_CODES = new Set([
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
	'CERT_HAS_EXPIRED',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function judge(attempt: Attempt, request: PortalRequest): Verdict {
	if (attempt.kind === 'noAnswer') return judgeNoAnswer(attempt.code, attempt.message);
	const { statusCode, headers } = attempt;
	const envelope = readEnvelope(attempt.body);
	const serverMessage = envelope ? errorMessageOf(envelope) : '';
	if (statusCode >= 200 && statusCode < 300) {
		if (envelope && 'response' in envelope) return { kind: 'ok', envelope };
		return {
			kind: 'fail',
			outcome: 'unknown',
			message: `The portal answered HTTP ${statusCode}, but not with ONLYOFFICE's API response (an HTML page or an unreadable answer)`,
			hint: CHECK_URL,
		};
	}
	if (statusCode === 404 && request.notFoundIsAnswer && envelope) return { kind: 'ok', envelope };
	if (statusCode === 429 || statusCode === 503) {
		return {
			kind: 'retry',
			outcome: 'notDone',
			message: `ONLYOFFICE is busy (HTTP ${statusCode})`,
			waitSeconds: retryAfterSeconds(headers['retry-after']),
		};
	}
	if (statusCode === 502 || statusCode === 504) {
		return {
			kind: 'retry',
			outcome: 'unknown',
			message: `The portal's gateway answered HTTP ${statusCode}`,
		};
	}
	const httpCode = String(statusCode);
	if (statusCode >= 300 && statusCode < 400) {
		const location = typeof headers.location === 'string' ? ` to ${headers.location}` : '';
		return {
			kind: 'fail',
			outcome: 'notDone',
			httpCode,
			message: `The portal redirected the request${location}; n8n does not send the credential to another address`,
			hint: `${CHECK_URL} Use the address it redirects to, with https:// if it has one.`,
		};
	}
	const known = FAILURES[statusCode];
	if (known && (envelope || statusCode === 401)) {
		return { kind: 'fail', outcome: known.outcome, httpCode, ...known.text(serverMessage) };
	}
	if (!envelope) {
		return {
			kind: 'fail',
			outcome: statusCode >= 500 ? 'unknown' : 'notDone',
			httpCode,
			message: `The portal answered HTTP ${statusCode}, but not as ONLYOFFICE's API`,
			hint: CHECK_URL,
		};
	}
	return {
		kind: 'fail',
		outcome: statusCode >= 500 ? 'unknown' : 'notDone',
		httpCode,
		message: `ONLYOFFICE answered HTTP ${statusCode}${serverMessage ? `: ${serverMessage}` : ''}`,
		hint: TRY_LATER,
	};
}

const FAILURES: Record<
	number,
	{ outcome: Outcome; text: (server: string) => { message: string; hint: string } }
> = {
	400: {
		outcome: 'notDone',
		text: (server) => ({
			message: `ONLYOFFICE rejected the request${server ? `: ${server}` : ''}`,
			hint: 'Check the opportunity IDs sent to this node.',
		}),
	},
	401: {
		outcome: 'notDone',
		text: () => ({
			message: 'ONLYOFFICE did not accept the credential',
			hint: 'Open the ONLYOFFICE credential, check the API token (or the e-mail and password) and press Test.',
		}),
	},
	402: {
		outcome: 'notDone',
		text: () => ({
			message: 'The ONLYOFFICE portal is blocked because its subscription is not paid',
			hint: 'Ask the portal administrator to renew the subscription, then run the workflow again.',
		}),
	},
	403: {
		outcome: 'notDone',
		text: () => ({
			message: 'This ONLYOFFICE user has no access to the CRM module',
			hint: 'Ask a portal administrator to give the user CRM access, or use a credential of another user.',
		}),
	},
	404: {
		outcome: 'notDone',
		text: () => ({
			message: 'No ONLYOFFICE CRM API answered at this address (HTTP 404)',
			hint: CHECK_URL,
		}),
	},
	500: {
		outcome: 'unknown',
		text: (server) => ({
			message: `ONLYOFFICE failed with an internal error${server ? `: ${server}` : ''}`,
			hint: TRY_LATER,
		}),
	},
};

function judgeNoAnswer(code: string, message: string): Verdict {
	// Socket error codes stay out of messages: n8n swaps a message naming one for a generic text.
	const errorCode = `Error code ${code}.`;
	if (RETRY_UNKNOWN_CODES.has(code)) {
		return {
			kind: 'retry',
			outcome: 'unknown',
			message: 'The connection to the portal broke off before it answered',
		};
	}
	if (RETRY_NOT_DONE_CODES.has(code)) {
		return { kind: 'retry', outcome: 'notDone', message: 'The portal could not be reached' };
	}
	if (CERTIFICATE_CODES.has(code)) {
		return {
			kind: 'fail',
			outcome: 'notDone',
			message: "The portal's certificate could not be verified",
			hint: `${errorCode} If the portal uses a self-signed certificate, turn on "Ignore SSL Issues (Insecure)" in the ONLYOFFICE credential.`,
		};
	}
	if (code === 'ENOTFOUND') {
		return {
			kind: 'fail',
			outcome: 'notDone',
			message: 'The portal address could not be found',
			hint: `${errorCode} ${CHECK_URL}`,
		};
	}
	if (code === '') {
		// No HTTP status and no socket error: the credential failed before a request was sent (e.g. the login).
		return {
			kind: 'fail',
			outcome: 'notDone',
			message,
			hint: 'Open the ONLYOFFICE credential and press Test.',
		};
	}
	return {
		kind: 'fail',
		outcome: 'unknown',
		message: 'The request to the portal failed',
		hint: `${errorCode} ${TRY_LATER}`,
	};
}

function readEnvelope(body: unknown): (Envelope & IDataObject) | undefined {
	let value = body;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return undefined;
		}
	}
	const record = asRecord(value);
	return typeof record.status === 'number' ? (record as Envelope & IDataObject) : undefined;
}

function errorMessageOf(envelope: IDataObject): string {
	const message = asRecord(envelope.error).message;
	return typeof message === 'string' ? message : '';
}

/** `Retry-After` is either seconds or an HTTP date. */
export function retryAfterSeconds(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim());
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function asRecord(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
