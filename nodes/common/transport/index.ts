import type {
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { OperationHints, RequestEffect, Verdict } from './httpFailures';
import { judgeFailedAnswer, TRY_LATER } from './httpFailures';
import { normalizePortalUrl } from '../../../credentials/portalUrl';
import { PORTAL_MESSAGES } from './portalMessages';

export type { OperationHints, RequestEffect } from './httpFailures';

/** Every kind of n8n context a node of this package talks to the portal from. */
export type PortalContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

const CREDENTIAL_TYPE = 'onlyofficeApi';
const MAX_ATTEMPTS = 3;
const MAX_WAIT_SECONDS = 60;

/** A request the portal did not complete for good; `message` and `hint` are written for the workflow's owner. */
export class PortalFailure extends Error {
	constructor(
		message: string,
		readonly effect: RequestEffect,
		readonly hint: string,
		readonly httpCode?: string,
	) {
		super(message);
		this.name = 'PortalFailure';
	}
}

/** ONLYOFFICE's response envelope, reduced to what the nodes read. */
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
	qs?: IDataObject;
	/** JSON, or a file's bytes (an upload), sent as they are with `headers` naming them. */
	body?: IDataObject | Buffer;
	headers?: Record<string, string>;
	/** Requests that may answer "not found" for one record (a look-up) get that as an answer, not a failure. */
	notFoundIsAnswer?: boolean;
	/**
	 * The request creates something (a deal, an event, a task, an upload): one that broke off after the portal
	 * may have acted is not sent again, which could make a second copy; the caller looks first, then decides.
	 */
	creates?: boolean;
}

/** What the requests of one run share. */
export interface PortalConnection {
	timeout: number;
	hints: OperationHints;
	/**
	 * The credential, read on the first request and handed to n8n with every request: otherwise n8n reads and
	 * decrypts it from its database for each one. A session token n8n renews is written into this object too.
	 */
	credentials?: Promise<ICredentialsDecrypted>;
	/**
	 * How long a retry may wait at most, in seconds. A polling trigger waits less than its shortest interval,
	 * so that one poll is over before the next begins.
	 */
	maxWaitSeconds?: number;
}

type Attempt =
	| { kind: 'answer'; statusCode: number; headers: Record<string, unknown>; body: unknown }
	| { kind: 'noAnswer'; code: string; message: string };

/** Sends one request to the credential's portal, retrying what is safe to retry, and returns the unwrapped envelope. */
export async function callPortal(
	this: PortalContext,
	request: PortalRequest,
	connection: PortalConnection,
): Promise<PortalAnswer> {
	const options = requestOptions(request, connection, { json: true });
	const retryEnvelope = retrying<Envelope>;
	const { result: envelope, interrupted } = await retryEnvelope.call(
		this,
		options,
		connection,
		(attempt) => {
			const verdict = judge(attempt, request, connection.hints);
			return request.creates && verdict.kind === 'retry' && verdict.effect === 'unknown'
				? { ...verdict, kind: 'fail', hint: TRY_LATER }
				: verdict;
		},
	);
	return { envelope, interrupted };
}

/** A file's bytes as the portal (or the storage it redirected to) sends them, not yet read. */
export interface PortalFile {
	/** The response stream, for n8n's binary-data helpers to read. */
	body: unknown;
	contentType?: string;
}

/**
 * Downloads a file from the credential's portal by its path and query (`…/filehandler.ashx?action=download&fileid=N`).
 * A portal whose files live in S3 answers with a redirect to a presigned storage address: that one redirect is
 * followed without the credential (the address carries its own signature, and the token must never leave the
 * portal); any other redirect, and any failure, is a `PortalFailure` as for the API.
 */
export async function downloadFromPortal(
	this: IExecuteFunctions,
	request: { path: string; qs?: IDataObject },
	connection: PortalConnection,
): Promise<PortalFile> {
	const options = requestOptions({ method: 'GET', ...request }, connection, {
		json: false,
		encoding: 'stream',
	});
	const retryDownload = retrying<DownloadAnswer>;
	const { result } = await retryDownload.call(this, options, connection, judgeDownload);
	if (result.kind === 'file') return result.file;
	const storage = (await this.helpers.httpRequest({
		method: 'GET',
		url: result.location,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: connection.timeout,
	})) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
	if (storage.statusCode >= 200 && storage.statusCode < 300) {
		return { body: storage.body, contentType: headerText(storage.headers?.['content-type']) };
	}
	await readText(storage.body);
	throw new PortalFailure(
		`The file storage the portal redirected to answered HTTP ${storage.statusCode}`,
		'notDone',
		TRY_LATER,
		String(storage.statusCode),
	);
}

/** The options of one request; `extra` says how the answer is read. */
function requestOptions(
	request: PortalRequest,
	connection: PortalConnection,
	extra: Pick<IHttpRequestOptions, 'json' | 'encoding'>,
): IHttpRequestOptions {
	return {
		method: request.method,
		url: request.path,
		qs: request.qs,
		body: request.body,
		...(request.headers ? { headers: request.headers } : {}),
		timeout: connection.timeout,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// Repeated keys (tags=a&tags=b), which is how ONLYOFFICE reads a list.
		arrayFormat: 'repeat',
		...extra,
	};
}

type Judged<T> = Verdict | { kind: 'ok'; result: T };

/** Sends a request until it succeeds, fails for good, or has been tried MAX_ATTEMPTS times. */
async function retrying<T>(
	this: PortalContext,
	options: IHttpRequestOptions,
	connection: PortalConnection,
	judgeAttempt: (attempt: Attempt) => Judged<T> | Promise<Judged<T>>,
): Promise<{ result: T; interrupted: boolean }> {
	const maxWaitSeconds = connection.maxWaitSeconds ?? MAX_WAIT_SECONDS;
	let interrupted = false;
	for (let attempt = 1; ; attempt++) {
		const verdict = await judgeAttempt(await sendRenewingToken.call(this, options, connection));
		if (verdict.kind === 'ok') return { result: verdict.result, interrupted };
		interrupted = interrupted || verdict.effect === 'unknown';
		const effect: RequestEffect = interrupted ? 'unknown' : verdict.effect;
		if (verdict.kind === 'fail') {
			throw new PortalFailure(verdict.message, effect, verdict.hint, verdict.httpCode);
		}
		if (attempt === MAX_ATTEMPTS) {
			throw new PortalFailure(`${verdict.message} (${MAX_ATTEMPTS} attempts)`, effect, TRY_LATER);
		}
		const waitSeconds = verdict.waitSeconds ?? attempt;
		if (waitSeconds > maxWaitSeconds) {
			throw new PortalFailure(
				`${verdict.message}; the portal asked to wait ${waitSeconds} seconds before trying again`,
				effect,
				`Waiting that long is more than this node does (${maxWaitSeconds} s). ${TRY_LATER}`,
			);
		}
		await sleep(waitSeconds * 1000);
	}
}

/**
 * One attempt of a request. A 401 comes back as an answer, which does not make n8n log in again; so a 401
 * is sent a second time with status errors thrown, which makes n8n renew an e-mail/password session.
 */
async function sendRenewingToken(
	this: PortalContext,
	options: IHttpRequestOptions,
	connection: PortalConnection,
): Promise<Attempt> {
	try {
		const first = await send.call(this, options, connection);
		if (first.kind === 'noAnswer' || first.statusCode !== 401) return first;
		return await send.call(this, { ...options, ignoreHttpStatusErrors: false }, connection);
	} catch (error) {
		return attemptFromError(error);
	}
}

async function send(
	this: PortalContext,
	options: IHttpRequestOptions,
	connection: PortalConnection,
): Promise<Attempt> {
	connection.credentials ??= readCredentials.call(this);
	const credentialsDecrypted = await connection.credentials;
	const response = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		CREDENTIAL_TYPE,
		options,
		{ credentialsDecrypted },
	)) as { statusCode: number; headers?: Record<string, unknown>; body: unknown };
	return {
		kind: 'answer',
		statusCode: response.statusCode,
		headers: response.headers ?? {},
		body: response.body,
	};
}

/** The credential's portal address (it holds no secret), from the run's one read of the credential. */
export async function portalAddress(
	this: PortalContext,
	connection: PortalConnection,
): Promise<string> {
	connection.credentials ??= readCredentials.call(this);
	return normalizePortalUrl((await connection.credentials).data?.portalUrl);
}

async function readCredentials(this: PortalContext): Promise<ICredentialsDecrypted> {
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

function judge(attempt: Attempt, request: PortalRequest, hints: OperationHints): Judged<Envelope> {
	if (attempt.kind === 'noAnswer') return judgeNoAnswer(attempt.code, attempt.message);
	const { statusCode } = attempt;
	const envelope = readEnvelope(attempt.body);
	if (statusCode >= 200 && statusCode < 300) {
		if (envelope && 'response' in envelope) return { kind: 'ok', result: envelope };
		const { problem, fix } = PORTAL_MESSAGES.notOnlyoffice(statusCode);
		return { kind: 'fail', effect: 'unknown', message: problem, hint: fix };
	}
	if (statusCode === 404 && request.notFoundIsAnswer && envelope)
		return { kind: 'ok', result: envelope };
	return judgeFailed(attempt, envelope, hints);
}

function judgeFailed(
	attempt: Extract<Attempt, { kind: 'answer' }>,
	envelope: (Envelope & IDataObject) | undefined,
	hints: OperationHints,
): Verdict {
	const { statusCode, headers } = attempt;
	return judgeFailedAnswer(
		{
			statusCode,
			enveloped: envelope !== undefined,
			serverMessage: envelope ? errorMessageOf(envelope) : '',
			location: headerText(headers.location),
			retryAfterSeconds: retryAfterSeconds(headers['retry-after']),
		},
		hints,
	);
}

const DOWNLOAD_HINTS: OperationHints = {
	rejected: 'Check that the file still exists in ONLYOFFICE, then run the workflow again.',
};

type DownloadAnswer = { kind: 'file'; file: PortalFile } | { kind: 'storage'; location: string };

/** A download succeeded (a stream), was redirected to the file's storage, or failed (its error body read). */
async function judgeDownload(attempt: Attempt): Promise<Judged<DownloadAnswer>> {
	if (attempt.kind === 'noAnswer') return judgeNoAnswer(attempt.code, attempt.message);
	const { statusCode, headers } = attempt;
	if (statusCode >= 200 && statusCode < 300) {
		const file = { body: attempt.body, contentType: headerText(headers['content-type']) };
		return { kind: 'ok', result: { kind: 'file', file } };
	}
	const location = headerText(headers.location);
	if (statusCode >= 300 && statusCode < 400 && location && isStorageRedirect(location))
		return { kind: 'ok', result: { kind: 'storage', location } };
	const envelope = readEnvelope(await readText(attempt.body));
	return judgeFailed(attempt, envelope, DOWNLOAD_HINTS);
}

/**
 * A storage address is absolute (S3 presigned addresses are). It is asked without the credential, and what it
 * answers is checked against the file's size by the caller, so a sign-in page cannot pass for the file.
 */
function isStorageRedirect(location: string): boolean {
	return /^https?:\/\//i.test(location);
}

/** Reads a (small) error body of a streamed answer, so it can be judged, and the socket is freed. */
async function readText(body: unknown): Promise<unknown> {
	if (typeof body !== 'object' || body === null || !(Symbol.asyncIterator in body)) return body;
	let text = '';
	for await (const chunk of body as AsyncIterable<{ toString(): string }>) {
		text += chunk.toString();
		if (text.length > 65_536) break;
	}
	return text;
}

function headerText(value: unknown): string | undefined {
	return typeof value === 'string' ? value : undefined;
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

function judgeNoAnswer(code: string, message: string): Verdict {
	// Socket error codes stay out of messages: n8n swaps a message naming one for a generic text.
	const errorCode = `Error code ${code}.`;
	if (RETRY_UNKNOWN_CODES.has(code)) {
		return {
			kind: 'retry',
			effect: 'unknown',
			message: 'The connection to the portal broke off before it answered',
		};
	}
	if (RETRY_NOT_DONE_CODES.has(code)) {
		return { kind: 'retry', effect: 'notDone', message: 'The portal could not be reached' };
	}
	if (CERTIFICATE_CODES.has(code)) {
		return {
			kind: 'fail',
			effect: 'notDone',
			message: "The portal's certificate could not be verified",
			hint: `${errorCode} If the portal uses a self-signed certificate, turn on "Ignore SSL Issues (Insecure)" in the ONLYOFFICE credential.`,
		};
	}
	if (code === 'ENOTFOUND') {
		return {
			kind: 'fail',
			effect: 'notDone',
			message: 'The portal address could not be found',
			hint: `${errorCode} ${PORTAL_MESSAGES.checkUrl}`,
		};
	}
	if (code === '') {
		// No HTTP status and no socket error: the credential failed before a request was sent (e.g. the login).
		return {
			kind: 'fail',
			effect: 'notDone',
			message,
			hint: 'Open the ONLYOFFICE credential and press Test.',
		};
	}
	return {
		kind: 'fail',
		effect: 'unknown',
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
function retryAfterSeconds(value: unknown, now = Date.now()): number | undefined {
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	if (/^\d+$/.test(value.trim())) return Number(value.trim());
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

function asRecord(value: unknown): Record<string, unknown> {
	return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
