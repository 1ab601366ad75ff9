// @ts-check
'use strict';

/**
 * Who is calling, read the way ASC.Api's authorization module reads it (contract §3), and the log-in with
 * its brute-force lock.
 */

const crypto = require('crypto');

/** @typedef {import('./seed').Employee} Employee */

/**
 * How a caller was recognised: `asc_auth_key` from the query, a form field or the cookie; a raw
 * `Authorization: <token>`; `Basic`; `Bearer`.
 * @typedef {'query' | 'form' | 'cookie' | 'header' | 'basic' | 'bearer'} AuthVia
 * @typedef {{ user: Employee, via: AuthVia }} Identity
 */

/**
 * The credentials a request carries.
 * @typedef {object} Credentials
 * @property {string | null} queryKey  `asc_auth_key` in the query string
 * @property {string | undefined} formKey  `asc_auth_key` as a form field
 * @property {string | undefined} cookie  the Cookie header
 * @property {string | undefined} authorization  the Authorization header
 */

const LOGIN_LIMIT = 5;
const LOGIN_WINDOW_MS = 60_000;
const BLOCK_MS = 60_000;
const TOKEN_LIFETIME_MS = 365 * 86_400_000;

class Authenticator {
	/**
	 * @param {Employee[]} employees
	 * @param {() => number} now
	 */
	constructor(employees, now) {
		this.employees = employees;
		this.now = now;
		/** @type {Map<string, Employee>} token → user; a token is valid until revoked */
		this.tokens = new Map();
		for (const e of employees) if (e.token) this.tokens.set(e.token, e);
		/** @type {Map<string, number[]>} login → times of recent failures */
		this.failures = new Map();
		/** @type {Map<string, number>} login → blocked until */
		this.blockedUntil = new Map();
	}

	/** @param {string} token */
	revoke(token) {
		this.tokens.delete(token);
	}

	/** Every token issued to `email`, as "log out of all sessions" or a password change does. @param {string} email */
	revokeAllOf(email) {
		for (const [token, user] of this.tokens) if (user.email === email) this.tokens.delete(token);
	}

	/**
	 * @param {Credentials} credentials
	 * @returns {Identity | undefined}
	 */
	identify({ queryKey, formKey, cookie, authorization }) {
		// Only the part before a comma counts (a proxy may have appended a second value).
		const header = authorization === undefined ? undefined : authorization.split(',')[0].trim();
		const cookieKey = cookieValue(cookie, 'asc_auth_key');
		/** @type {[AuthVia, string | null | undefined][]} */
		const keys = [
			['query', queryKey],
			['form', formKey],
			['cookie', cookieKey],
		];
		const given = keys.find(([, key]) => key);
		const [via, key] = given ?? ['header', header];
		const byKey = key ? this.tokens.get(key) : undefined;
		if (byKey) return { user: byKey, via };
		if (!header) return undefined;
		const [scheme, value = ''] = header.split(/\s+/, 2);
		if (scheme.toLowerCase() === 'basic') {
			const decoded = Buffer.from(value, 'base64').toString('utf8');
			const colon = decoded.indexOf(':');
			const user =
				colon < 0
					? undefined
					: this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
			return user && { user, via: 'basic' };
		}
		if (scheme.toLowerCase() === 'bearer') {
			const user = this.tokens.get(value);
			return user && { user, via: 'bearer' };
		}
		return undefined;
	}

	/**
	 * POST api/2.0/authentication. Every attempt first passes the lock: after 5 failures of a login within
	 * 60 s, the next attempt (right password or not) blocks that login for 60 s.
	 * @param {unknown} userName
	 * @param {unknown} password
	 * @returns {{ kind: 'token', token: string, expires: number } | { kind: 'twoFactor', tfaKey: string } | { kind: 'failed' } | { kind: 'blocked' }}
	 */
	login(userName, password) {
		const login = String(userName ?? '')
			.trim()
			.toLowerCase();
		const now = this.now();
		if ((this.blockedUntil.get(login) ?? 0) > now) return { kind: 'blocked' };
		const recent = (this.failures.get(login) ?? []).filter((time) => now - time < LOGIN_WINDOW_MS);
		if (recent.length >= LOGIN_LIMIT) {
			this.blockedUntil.set(login, now + BLOCK_MS);
			this.failures.delete(login);
			return { kind: 'blocked' };
		}
		const user = typeof password === 'string' ? this.checkPassword(login, password) : undefined;
		if (!user) {
			this.failures.set(login, [...recent, now]);
			return { kind: 'failed' };
		}
		this.failures.delete(login);
		if (user.tfaKey) return { kind: 'twoFactor', tfaKey: user.tfaKey };
		const token = crypto.randomBytes(48).toString('base64');
		this.tokens.set(token, user);
		return { kind: 'token', token, expires: now + TOKEN_LIFETIME_MS };
	}

	/**
	 * @param {string} login  e-mail or user name, any case
	 * @param {string} password
	 */
	checkPassword(login, password) {
		const wanted = login.trim().toLowerCase();
		const user = this.employees.find((e) => e.email === wanted || e.userName === wanted);
		// A terminated user cannot sign in.
		return user && !user.terminated && user.password !== undefined && user.password === password
			? user
			: undefined;
	}
}

/**
 * @param {string | undefined} header
 * @param {string} name
 */
function cookieValue(header, name) {
	for (const part of (header ?? '').split(';')) {
		const eq = part.indexOf('=');
		if (eq > 0 && part.slice(0, eq).trim() === name) return safeDecode(part.slice(eq + 1).trim());
	}
	return undefined;
}

/** @param {string} text */
function safeDecode(text) {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

module.exports = { Authenticator };
