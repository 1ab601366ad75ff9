// @ts-check
'use strict';

/**
 * The API the stand-in answers: authentication first (401), then CRM access (403), then the route (404),
 * then the CRMApi method, whose ArgumentException/ItemNotFound/Security errors become error envelopes.
 */

const { HRESULT, apiDate, envelope, errorEnvelope, toJson } = require('./wire');

/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./seed').Deal} Deal */
/** @typedef {import('./deals').DealStore} DealStore */
/** @typedef {import('./deals').DealQuery} DealQuery */
/** @typedef {import('./auth').Authenticator} Authenticator */
/** @typedef {import('./auth').Identity} Identity */
/** @typedef {import('./wrappers').Wrappers} Wrappers */

/**
 * @typedef {object} ApiRequest
 * @property {string} method
 * @property {URL} url
 * @property {import('http').IncomingHttpHeaders} headers
 * @property {string} rawBody
 *
 * @typedef {object} Answer
 * @property {number} status
 * @property {string} contentType
 * @property {string} body
 * @property {Record<string, string>} [headers]
 * @property {unknown} [payload]  the envelope's `response` (or `error`), for the 'notEnveloped' fault
 * @property {Identity} [identity]  who was recognised, for the request log
 * @property {() => void} [commit]  the deletion still to do after the answer was built (`deletePauseMs`)
 *
 * @typedef {object} ApiState
 * @property {DealStore} store
 * @property {Authenticator} auth
 * @property {Wrappers} wrappers
 * @property {number} maxPage  the framework's cap on list responses
 * @property {number} [deletePauseMs]  > 0: the bulk delete loads, then leaves the deletion to `commit`
 *
 * @typedef {object} Call  what a route handler gets
 * @property {Employee} user
 * @property {string[]} match  the route's captured path parts
 * @property {(name: string) => string | undefined} query  a query parameter, name case-insensitive
 * @property {() => Record<string, unknown>} params  the body's parameters (JSON or form)
 */

class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {string} message
	 * @param {number} hresult
	 */
	constructor(status, message, hresult) {
		super(message);
		this.status = status;
		this.hresult = hresult;
	}
}

/** ArgumentException() without a message: .NET's default text. */
const argumentError = () =>
	new ApiError(400, 'Value does not fall within the expected range.', HRESULT.argument);
/** What the framework answers when a parameter cannot be bound (bad JSON, "abc" for an int). */
const invalidArguments = () => new ApiError(400, 'Invalid arguments', HRESULT.argument);
const notFound = () => new ApiError(404, 'Not found', HRESULT.fail);
const accessDenied = () => new ApiError(403, 'Access denied.', HRESULT.security);

const JSON_TYPE = 'application/json; charset=utf-8';
const INT32_MAX = 2147483647;
const API = '/api/2.0/';

/** @typedef {(call: Call, state: ApiState) => Answer} Handler */

/** @type {[string, RegExp, Handler][]} paths are matched lower-cased, without a `.json` suffix */
const ROUTES = [
	[
		'GET',
		/^\/api\/2\.0\/people\/@self$/,
		(call, state) => single(200, state.wrappers.profile(call.user)),
	],
	[
		'GET',
		/^\/api\/2\.0\/crm\/settings\/currency$/,
		(call, state) => list(call, state, state.wrappers.currencies(), (c) => c),
	],
	['PUT', /^\/api\/2\.0\/crm\/opportunity$/, deleteBatch],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/filter$/, filter],
	['DELETE', /^\/api\/2\.0\/crm\/opportunity\/filter$/, deleteByFilter],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/([^/]+)$/, getOne],
	['DELETE', /^\/api\/2\.0\/crm\/opportunity\/([^/]+)$/, deleteOne],
];

/**
 * Answers one API request.
 * @param {ApiState} state
 * @param {ApiRequest} request
 * @returns {Answer}
 */
function handleApi(state, request) {
	const path = request.url.pathname.toLowerCase().replace(/\.json$/, '');
	/** @type {Record<string, unknown> | undefined} */
	let parsed;
	const params = () => (parsed ??= bodyParams(request));
	/** @type {Identity | undefined} */
	let identity;
	try {
		if (request.method === 'POST' && path === '/api/2.0/authentication')
			return login(state, params());
		if (!path.startsWith(API)) throw notFound();

		identity = state.auth.identify({
			queryKey: request.url.searchParams.get('asc_auth_key'),
			formKey: isForm(request) ? first(params().asc_auth_key) : undefined,
			cookie: request.headers.cookie,
			authorization: request.headers.authorization,
		});
		if (!identity) return unauthorized(request);

		return { ...route(state, request, path, identity.user, params), identity };
	} catch (error) {
		if (error instanceof ApiError) return { ...failure(error), identity };
		throw error;
	}
}

/**
 * @param {ApiState} state
 * @param {ApiRequest} request
 * @param {string} path
 * @param {Employee} user
 * @param {() => Record<string, unknown>} params
 */
function route(state, request, path, user, params) {
	if (path.startsWith(`${API}crm/`) && user.crm === 'none') throw accessDenied();
	for (const [method, pattern, handler] of ROUTES) {
		const match = method === request.method ? pattern.exec(path) : null;
		if (match)
			return handler(
				{ user, match: match.slice(1), query: queryReader(request.url), params },
				state,
			);
	}
	throw notFound();
}

/**
 * @param {ApiState} state
 * @param {Record<string, unknown>} params
 */
function login(state, params) {
	const result = state.auth.login(first(params.userName), first(params.password));
	switch (result.kind) {
		case 'token':
			return single(201, { token: result.token, expires: apiDate(result.expires) });
		case 'twoFactor': // the token needs a code from the authenticator app, which a workflow cannot give
			return single(201, { token: null, tfa: true, tfaKey: result.tfaKey });
		case 'blocked':
			throw new ApiError(500, 'Login Fail. Too many attempts', HRESULT.authentication);
		default:
			throw new ApiError(500, 'User authentication failed', HRESULT.authentication);
	}
}

/** DeleteBatchDeals(IEnumerable<int> opportunityids). @type {Handler} */
function deleteBatch(call, state) {
	const ids = integerList(call.params().opportunityids);
	if (ids.length === 0) throw argumentError();
	const wrap = (/** @type {Deal} */ deal) => state.wrappers.opportunity(deal, 'deleted');
	if (!state.deletePauseMs) return list(call, state, state.store.deleteMany(call.user, ids), wrap);
	// The server loads the deals, then deletes them and returns what it loaded: the caller pauses in between.
	const loaded = state.store.loadDeletable(call.user, ids);
	return { ...list(call, state, loaded, wrap), commit: () => state.store.removeLoaded(loaded) };
}

/** @type {Handler} */
function getOne(call, state) {
	const deal = state.store.readable(call.user, dealId(call.match[0]));
	if (!deal) throw notFound();
	return single(200, state.wrappers.opportunity(deal, 'single'));
}

/**
 * DeleteDeal: 404 when missing or unreadable. The server answers 403 for a deal the caller can read but not
 * delete; under CRM's rules (see deals.js) no such deal exists.
 * @type {Handler}
 */
function deleteOne(call, state) {
	const deal = state.store.readable(call.user, dealId(call.match[0]));
	if (!deal) throw notFound();
	state.store.remove(deal);
	return single(200, state.wrappers.opportunity(deal, 'deleted'));
}

/** GetDeals: the method pages itself, so the envelope always has `total`. @type {Handler} */
function filter(call, state) {
	const matches = state.store.query(call.user, dealQuery(call));
	const startIndex = nonNegativeInt(call.query('startIndex')) ?? 0;
	const count = Math.min(positiveInt(call.query('count')) ?? state.maxPage, state.maxPage);
	const page = matches.slice(startIndex, startIndex + count);
	const nextIndex = startIndex + page.length < matches.length ? startIndex + page.length : 0;
	const response = page.map((deal) => state.wrappers.opportunity(deal, 'list'));
	return json(
		200,
		envelope({ statusCode: 200, response, startIndex, nextIndex, total: matches.length }),
	);
}

/** DeleteBatchDeals by filter: with no filter it deletes every deal the caller can see. @type {Handler} */
function deleteByFilter(call, state) {
	const matches = state.store.query(call.user, dealQuery(call));
	for (const deal of matches) state.store.remove(deal);
	matches.sort((a, b) => a.id - b.id);
	return list(call, state, matches, (deal) => state.wrappers.opportunity(deal, 'deleted'));
}

/** @param {Call} call @returns {DealQuery} */
function dealQuery(call) {
	return {
		keyword: call.query('filterValue'),
		stageType: nonNegativeInt(call.query('stageType')),
		stageId: positiveInt(call.query('opportunityStagesid')),
		responsibleId: call.query('responsibleid')?.toLowerCase(),
		contactId: positiveInt(call.query('contactid')),
		sortBy: call.query('sortBy'),
		descending: call.query('sortOrder')?.toLowerCase() === 'descending',
	};
}

/**
 * A list response as the framework writes it: cut to `?count=N` (at most maxPage) after the method has run;
 * a cut list carries `total` and `nextIndex`. Only the items sent are wrapped.
 * @template T
 * @param {Call} call
 * @param {ApiState} state
 * @param {T[]} items
 * @param {(item: T) => unknown} wrap
 */
function list(call, state, items, wrap) {
	const limit = Math.min(positiveInt(call.query('count')) ?? state.maxPage, state.maxPage);
	const cut = items.length > limit;
	const response = items.slice(0, limit).map(wrap);
	return json(
		200,
		envelope({
			statusCode: 200,
			response,
			nextIndex: cut ? limit : 0,
			total: cut ? items.length : 0,
		}),
	);
}

/**
 * @param {number} status
 * @param {unknown} response
 */
function single(status, response) {
	return json(status, envelope({ statusCode: status, response }));
}

/**
 * @param {number} status
 * @param {{ response?: unknown, error?: unknown }} body
 * @returns {Answer}
 */
function json(status, body) {
	return {
		status,
		contentType: JSON_TYPE,
		body: toJson(body),
		payload: body.response ?? body.error,
	};
}

/** @param {ApiError} error */
function failure(error) {
	return json(error.status, errorEnvelope(error.status, error.message, error.hresult));
}

/**
 * 401 in plain text; the challenge only when an Authorization header was sent.
 * @param {ApiRequest} request
 * @returns {Answer}
 */
function unauthorized(request) {
	const realm = (request.headers.host ?? '127.0.0.1').replace(/:\d+$/, '');
	const headers =
		request.headers.authorization === undefined
			? undefined
			: { 'WWW-Authenticate': `Basic realm="${realm}"` };
	return { status: 401, contentType: 'text/plain; charset=utf-8', body: 'Unauthorized', headers };
}

/**
 * The body's parameters. The server reads a body only as JSON or as a form; any other Content-Type leaves
 * every parameter unset.
 * @param {ApiRequest} request
 * @returns {Record<string, unknown>}
 */
function bodyParams(request) {
	if (isForm(request)) {
		/** @type {Record<string, string[]>} */
		const params = {};
		for (const [key, value] of new URLSearchParams(request.rawBody))
			(params[key.replace(/\[\]$/, '')] ??= []).push(value);
		return params;
	}
	if (mediaType(request) !== 'application/json' || request.rawBody.trim() === '') return {};
	let value;
	try {
		value = JSON.parse(request.rawBody);
	} catch {
		throw invalidArguments();
	}
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** @param {ApiRequest} request */
function mediaType(request) {
	return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** @param {ApiRequest} request */
function isForm(request) {
	return mediaType(request) === 'application/x-www-form-urlencoded';
}

/** @param {unknown} value  a form field's first value, or a JSON value as it is */
function first(value) {
	return Array.isArray(value) ? value[0] : value;
}

/**
 * Binds an IEnumerable<int>: integers, or strings holding one (as Json.NET and form binding accept);
 * anything else fails the whole request.
 * @param {unknown} value
 * @returns {number[]}
 */
function integerList(value) {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value)) throw invalidArguments();
	return value.map((element) => {
		const number =
			typeof element === 'string' && /^\s*[-+]?\d+\s*$/.test(element) ? Number(element) : element;
		if (typeof number !== 'number' || !Number.isInteger(number) || Math.abs(number) > INT32_MAX)
			throw invalidArguments();
		return number;
	});
}

/** @param {string} text  an id in the path: 400 unless a positive integer */
function dealId(text) {
	const id = /^-?\d+$/.test(text) ? Number(text) : NaN;
	if (!(id > 0 && id <= INT32_MAX)) throw argumentError();
	return id;
}

/** @param {URL} url */
function queryReader(url) {
	/** @type {Map<string, string>} */
	const values = new Map();
	for (const [key, value] of url.searchParams)
		if (!values.has(key.toLowerCase())) values.set(key.toLowerCase(), value);
	return (/** @type {string} */ name) => values.get(name.toLowerCase());
}

/** @param {string | undefined} text */
function nonNegativeInt(text) {
	return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/** @param {string | undefined} text */
function positiveInt(text) {
	const value = nonNegativeInt(text);
	return value ? value : undefined;
}

module.exports = { handleApi };
