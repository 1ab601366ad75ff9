// @ts-check
'use strict';

/**
 * Scripted misbehaviour: faults queued by tests, each for the next `times` requests that `match`.
 * See index.js for what each type does.
 */

/**
 * @typedef {object} StatusFault  an error answer, as the portal or a proxy in front of it gives
 * @property {'status'} type
 * @property {number} status
 * @property {unknown} [body]  a string is sent as is (text/html unless `contentType`), anything else as JSON;
 *   by default the JSON error envelope for `status`
 * @property {string} [contentType]
 * @property {Record<string, string>} [headers]
 * @property {number} [retryAfter]  seconds, sent as Retry-After
 *
 * @typedef {{ type: 'slow', delayMs: number }} SlowFault
 * @typedef {{ type: 'html' | 'malformedJson' | 'notEnveloped' | 'reset' | 'resetAfterActing' | 'hang' | 'brokenBody' }} PlainFault
 * @typedef {(StatusFault | SlowFault | PlainFault) & { actFirst?: boolean }} Fault
 *
 * @typedef {{ method: string, path: string, query: Record<string, string> }} FaultTarget  `query`: each parameter's first value
 * @typedef {{ times?: number, match?: (request: FaultTarget) => boolean }} FaultScope
 */

const FAULT_TYPES = [
	'status',
	'html',
	'malformedJson',
	'notEnveloped',
	'reset',
	'resetAfterActing',
	'slow',
	'hang',
	'brokenBody',
];

class FaultQueue {
	constructor() {
		/** @type {{ fault: Fault, remaining: number, match?: FaultScope['match'] }[]} */
		this.entries = [];
	}

	/**
	 * @param {Fault} fault
	 * @param {FaultScope} [scope]
	 */
	add(fault, { times = 1, match } = {}) {
		if (!FAULT_TYPES.includes(fault.type))
			throw new Error(`unknown fault type ${fault.type}; one of ${FAULT_TYPES.join(', ')}`);
		if (fault.type === 'status' && !(fault.status >= 100 && fault.status <= 599))
			throw new Error('a status fault needs a status');
		if (fault.type === 'slow' && !(fault.delayMs >= 0))
			throw new Error('a slow fault needs delayMs');
		this.entries.push({ fault, remaining: times, match });
	}

	/**
	 * The fault for this request, if any; it counts as used.
	 * @param {FaultTarget} request
	 */
	take(request) {
		const entry = this.entries.find((e) => !e.match || e.match(request));
		if (!entry) return undefined;
		entry.remaining -= 1;
		if (entry.remaining <= 0) this.entries.splice(this.entries.indexOf(entry), 1);
		return entry.fault;
	}

	clear() {
		this.entries.length = 0;
	}
}

/** What a wrong portal URL often shows: the portal's (or a proxy's) sign-in page, with status 200. */
const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>ONLYOFFICE</title></head>
<body class="login">
<form id="authForm" method="post" action="/Auth.aspx">
<input type="email" name="login" placeholder="E-mail"><input type="password" name="pwd" placeholder="Password">
<button type="submit">Sign in</button>
</form>
</body>
</html>
`;

module.exports = { FaultQueue, LOGIN_PAGE };
