import { PORTAL_MESSAGES } from './portalMessages';

/** Whether the portal may have carried out a request that failed: "not done" lets a caller say so for sure. */
export type RequestEffect = 'notDone' | 'unknown';

/** What the caller knows about its own operation, for the failures whose fix depends on it. */
export interface OperationHints {
	/** The fix for HTTP 400: what in this node's input the portal may have refused. */
	rejected: string;
}

export type Verdict =
	| { kind: 'retry'; effect: RequestEffect; message: string; waitSeconds?: number }
	| { kind: 'fail'; effect: RequestEffect; message: string; hint: string; httpCode?: string };

export interface FailedAnswer {
	statusCode: number;
	/** Whether the body was ONLYOFFICE's JSON envelope. */
	enveloped: boolean;
	serverMessage: string;
	location?: string;
	retryAfterSeconds?: number;
}

export const TRY_LATER =
	'Run the workflow again later; if it keeps failing, ask the portal administrator.';

type Rule = (answer: FailedAnswer, hints: OperationHints) => Verdict | undefined;

const fail = (effect: RequestEffect, message: string, hint: string) => ({
	kind: 'fail' as const,
	effect,
	message,
	hint,
});
const withServer = (text: string, server: string) => (server ? `${text}: ${server}` : text);

/**
 * Every HTTP status the node treats specially, and how. A rule may decline (undefined) when the body is
 * not ONLYOFFICE's: a 403 or 404 page from a proxy says nothing about the CRM.
 */
const RULES: Record<number, Rule> = {
	400: (a, hints) =>
		a.enveloped
			? fail(
					'notDone',
					withServer('ONLYOFFICE rejected the request', a.serverMessage),
					hints.rejected,
				)
			: undefined,
	401: () =>
		fail(
			'notDone',
			PORTAL_MESSAGES.credentialRejected.problem,
			PORTAL_MESSAGES.credentialRejected.fix,
		),
	402: (a) =>
		a.enveloped
			? fail(
					'notDone',
					'The ONLYOFFICE portal is blocked because its subscription is not paid',
					'Ask the portal administrator to renew the subscription, then run the workflow again.',
				)
			: undefined,
	403: (a) =>
		a.enveloped
			? fail('notDone', PORTAL_MESSAGES.noCrmAccess.problem, PORTAL_MESSAGES.noCrmAccess.fix)
			: undefined,
	404: (a) =>
		a.enveloped
			? fail('notDone', PORTAL_MESSAGES.noApiHere.problem, PORTAL_MESSAGES.noApiHere.fix)
			: undefined,
	429: busy,
	500: (a) =>
		a.enveloped
			? fail(
					'unknown',
					withServer('ONLYOFFICE failed with an internal error', a.serverMessage),
					TRY_LATER,
				)
			: undefined,
	502: gateway,
	503: busy,
	504: gateway,
};

function busy(a: FailedAnswer): Verdict {
	const message = `ONLYOFFICE is busy (HTTP ${a.statusCode})`;
	return { kind: 'retry', effect: 'notDone', message, waitSeconds: a.retryAfterSeconds };
}

function gateway(a: FailedAnswer): Verdict {
	const message = `The portal's gateway answered HTTP ${a.statusCode}`;
	return { kind: 'retry', effect: 'unknown', message };
}

function redirected(a: FailedAnswer): Verdict {
	const { problem, fix } = PORTAL_MESSAGES.redirected(a.location);
	return fail('notDone', problem, fix);
}

/** The verdict on an answer that was not a success. */
export function judgeFailedAnswer(answer: FailedAnswer, hints: OperationHints): Verdict {
	const { statusCode, enveloped, serverMessage } = answer;
	const rule = statusCode >= 300 && statusCode < 400 ? redirected : RULES[statusCode];
	const verdict =
		rule?.(answer, hints) ??
		fail(
			statusCode >= 500 ? 'unknown' : 'notDone',
			enveloped
				? withServer(`ONLYOFFICE answered HTTP ${statusCode}`, serverMessage)
				: `The portal answered HTTP ${statusCode}, but not as ONLYOFFICE's API`,
			enveloped ? TRY_LATER : PORTAL_MESSAGES.checkUrl,
		);
	return verdict.kind === 'fail' ? { ...verdict, httpCode: String(statusCode) } : verdict;
}
