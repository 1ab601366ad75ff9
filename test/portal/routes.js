// @ts-check
'use strict';

/**
 * The API the stand-in answers: authentication first (401), then CRM access (403), then the route (404),
 * then the CRMApi method, whose ArgumentException/ItemNotFound/Security errors become error envelopes.
 */

const { HRESULT, MIN_EPOCH, apiDate, envelope, errorEnvelope, toJson } = require('./wire');
const { sortKind, canAccess, canAccessContact, storedTag, tagKey } = require('./deals');
const { categoryList, toSecond } = require('./records');
const { baseName, boundaryOf, dispositionParams, parseMultipart } = require('./multipart');

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
 * @property {Buffer} [rawBytes]  the same body as bytes (a file upload is not text)
 *
 * @typedef {object} Answer
 * @property {number} status
 * @property {string} contentType
 * @property {string | Buffer} body  a Buffer only for a file's bytes
 * @property {Record<string, string>} [headers]
 * @property {unknown} [payload]  the envelope's `response` (or `error`), for the 'notEnveloped' fault
 * @property {Identity} [identity]  who was recognised, for the request log
 * @property {() => void} [commit]  the deletion still to do after the answer was built (`deletePauseMs`)
 *
 * @typedef {object} ApiState
 * @property {DealStore} store
 * @property {import('./records').RecordStore} records  events, tasks, files (empty unless `records`)
 * @property {Authenticator} auth
 * @property {Wrappers} wrappers
 * @property {number} maxPage  the framework's cap on list responses
 * @property {import('./seed').Catalog} [catalog]  users, stages and tags, for the look-ups and changes
 * @property {() => number} [now]  the portal's clock (true UTC now)
 * @property {number} [offsetMinutes]  the portal's UTC offset (default +180)
 * @property {boolean} [stageCloseQuirk]  PUT …/stage/… stores now shifted by the offset (default true)
 * @property {number} [countCacheMs]  how long GetDealsCount answers from its cache (default 30 s, 0: never)
 * @property {Map<string, { value: number, expires: number, generation: string }>} [countCache]
 * @property {number} [deletePauseMs]  > 0: the bulk delete loads, then leaves the deletion to `commit`
 * @property {number} [maxUploadBytes]  the largest file `…/files/upload` takes (default 100 MiB)
 *
 * @typedef {object} Call  what a route handler gets
 * @property {Employee} user
 * @property {string[]} match  the route's captured path parts
 * @property {(name: string) => string | undefined} query  a query parameter, name case-insensitive
 * @property {(name: string) => string[]} [queryAll]  every value of a query parameter (also `name[]`)
 * @property {number} [offsetMinutes]  the portal's UTC offset, for dates without one
 * @property {() => Record<string, unknown>} params  the body's parameters (JSON, form or multipart fields)
 * @property {() => Record<string, string[]>} [queryParams]  the query string's parameters (`name[]` as `name`)
 * @property {ApiRequest} [request]  the request itself, for a method that reads the raw body
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
/** Files' download handler, where each file's `viewUrl` points (lower-cased). */
const FILE_HANDLER = '/products/files/httphandlers/filehandler.ashx';
/** Where a portal whose files live in S3 redirects a download: a presigned object address. */
const STORAGE = '/storage/';
const PORTAL_OFFSET = 180;
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
/** `web.available-file-size`: the largest file Files takes by default. */
const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const GUID_PATTERN = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

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
	['GET', /^\/api\/2\.0\/people$/, listPeople],
	['PUT', /^\/api\/2\.0\/crm\/opportunity$/, deleteBatch],
	['POST', /^\/api\/2\.0\/crm\/opportunity$/, createDeal],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/stage$/, listStages],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/tag$/, listTags],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/tag\/([^/]+)$/, dealTags],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/customfield\/definitions$/, fieldDefinitions],
	['GET', /^\/api\/2\.0\/crm\/opportunity\/([^/]+)\/files$/, dealFiles],
	['GET', /^\/api\/2\.0\/crm\/history\/filter$/, historyFilter],
	[
		'GET',
		/^\/api\/2\.0\/crm\/history\/category$/,
		(call, state) => list(call, state, categoryList('history', state.records), (c) => c),
	],
	[
		'GET',
		/^\/api\/2\.0\/crm\/task\/category$/,
		(call, state) => list(call, state, categoryList('task', state.records), (c) => c),
	],
	['GET', /^\/api\/2\.0\/crm\/task\/filter$/, taskFilter],
	// Restoring a deal (docs/onlyoffice-api.md, "Restoring"): the IDs in these paths are `[0-9]+` on the server.
	[
		'PUT',
		/^\/api\/2\.0\/crm\/opportunity\/(\d+)\/creationdate$/,
		setDealDate('creationDate', 'created'),
	],
	[
		'PUT',
		/^\/api\/2\.0\/crm\/opportunity\/(\d+)\/lastmodifeddate$/,
		setDealDate('lastModifedDate', 'lastModified'),
	],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/tag$/, addTagTo],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/taglist$/, addTagToBatch],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/customfield\/(\d+)$/, setFieldValue],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/files\/upload$/, uploadFiles],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/files$/, attachFiles],
	['POST', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/contact\/(\d+)$/, addMember],
	['POST', /^\/api\/2\.0\/crm\/history$/, addHistory],
	['POST', /^\/api\/2\.0\/crm\/task$/, createTask],
	['PUT', /^\/api\/2\.0\/crm\/task\/(\d+)\/close$/, closeTask],
	['PUT', /^\/api\/2\.0\/crm\/task\/(\d+)\/creationdate$/, setTaskCreationDate],
	['PUT', /^\/api\/2\.0\/crm\/opportunity\/(\d+)\/stage\/(\d+)$/, updateToStage],
	['PUT', /^\/api\/2\.0\/crm\/opportunity\/(\d+)$/, updateDeal],
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
		if (path.startsWith(STORAGE) && request.method === 'GET') return storedObject(state, request);
		const download = path === FILE_HANDLER && request.method === 'GET';
		if (!path.startsWith(API) && !download) throw notFound();

		identity = state.auth.identify({
			queryKey: request.url.searchParams.get('asc_auth_key'),
			formKey: isForm(request) ? first(params().asc_auth_key) : undefined,
			cookie: request.headers.cookie,
			authorization: request.headers.authorization,
		});
		if (!identity) return unauthorized(request);
		if (download) return { ...downloadFile(state, request.url, identity.user), identity };

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
				{
					user,
					match: match.slice(1),
					query: queryReader(request.url),
					queryAll: queryValues(request.url),
					offsetMinutes: state.offsetMinutes,
					params,
					queryParams: () => fieldsOf(request.url.searchParams),
					request,
				},
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
			return single(201, {
				token: result.token,
				expires: apiDate(result.expires, state.offsetMinutes),
			});
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
	if (!state.deletePauseMs) {
		const deleted = state.store.deleteMany(call.user, ids);
		state.records.auditDelete(ids, deleted);
		return list(call, state, deleted, wrap);
	}
	// The server loads the deals, then deletes them and returns what it loaded: the caller pauses in between.
	const loaded = state.store.loadDeletable(call.user, ids);
	const commit = () => {
		state.store.removeLoaded(loaded);
		state.records.auditDelete(ids, loaded);
	};
	return { ...list(call, state, loaded, wrap), commit };
}

/** @type {Handler} */
function getOne(call, state) {
	const deal = state.store.readable(call.user, dealId(call.match[0]));
	if (!deal) throw notFound();
	return single(200, dealAlone(state, deal));
}

/**
 * OpportunityWrapper as `GET opportunity/{id}` writes it: the values, then every Heading field (which holds
 * no value), in the order of the fields' positions.
 * @param {ApiState} state
 * @param {Deal} deal
 */
function dealAlone(state, deal) {
	const wire = state.wrappers.opportunity(deal, 'single');
	const headings = state.records.headingsWire();
	if (headings.length === 0) return wire;
	const values = /** @type {{ position?: number, id?: number }[]} */ (wire.customFields ?? []);
	const customFields = [...values, ...headings].sort(
		(a, b) => (a.position ?? 0) - (b.position ?? 0) || Number(a.id) - Number(b.id),
	);
	return { ...wire, customFields };
}

/** GetDealTags: the tag titles of a deal the caller can read (404 otherwise). @type {Handler} */
function dealTags(call, state) {
	const deal = state.store.readable(call.user, dealId(call.match[0]));
	if (!deal) throw notFound();
	return single(200, [...(deal.tags ?? [])]);
}

/** GetCustomFieldDefinitions('opportunity'). @type {Handler} */
function fieldDefinitions(call, state) {
	const deals = [...state.store.byId.values()].filter((deal) => deal.tenant === 'main');
	return list(call, state, state.records.definitionsWire(deals), (field) => field);
}

/** GetFiles(opportunity, id): the files of the deal's events, flat; the deal's access is not checked. @type {Handler} */
function dealFiles(call, state) {
	const id = dealId(call.match[0]);
	const records = state.records;
	const files = [...records.events.values()]
		.filter((event) => event.dealId === id)
		.flatMap((event) => event.fileIds.map((fileId) => records.files.get(fileId)))
		.filter((file) => file !== undefined);
	return list(call, state, files, (file) => records.fileWire(file));
}

const HISTORY_ENTITY_TYPES = ['opportunity', 'case', 'contact', 'person', 'company'];
const HISTORY_SORTS = ['created', 'createby', 'category', 'content', 'id'];

/**
 * GetHistory. `entityType=opportunity` needs a deal the caller can read (404); without `entityType` it lists
 * every event of the portal, those of deals the caller cannot read with `entity: null` (no access filter).
 * The DAO pages itself and returns count + 1 events: a full page says `total` = count + 1 and a `nextIndex`
 * one past the next page's start.
 * @type {Handler}
 */
function historyFilter(call, state) {
	const records = state.records;
	const dealOf = (/** @type {number} */ id) => state.store.readable(call.user, id);
	const type = call.query('entityType')?.trim().toLowerCase() || undefined;
	const entityId = integer(call.query('entityId'));
	let events = [...records.events.values()];
	if (type !== undefined) {
		if (!HISTORY_ENTITY_TYPES.includes(type)) throw argumentError();
		if (type === 'opportunity') {
			if (!(entityId && entityId > 0) || !dealOf(entityId)) throw notFound();
			events = events.filter((event) => event.dealId === entityId);
		} else if (type === 'case') {
			events = []; // the stand-in has no cases
		} else if (entityId && entityId > 0) {
			events = events.filter((event) => event.contactId === entityId);
		}
	}
	const offset = call.offsetMinutes ?? PORTAL_OFFSET;
	const categoryId = integer(call.query('categoryId'));
	const createBy = guidText(call.query('createBy'));
	const fromDate = filterDate(call.query('fromDate'), offset);
	const toDate = filterDate(call.query('toDate'), offset);
	const words = call.query('filterValue')?.trim().toLowerCase();
	events = events.filter(
		(event) =>
			(categoryId === undefined || categoryId === 0 || event.categoryId === categoryId) &&
			(createBy === undefined || createBy === EMPTY_GUID || event.createById === createBy) &&
			(fromDate === undefined || event.created >= fromDate) &&
			// The server widens toDate to the end of its day: a day minus a minute.
			(toDate === undefined || event.created <= toDate + 86_400_000 - 60_000) &&
			(!words || event.content.toLowerCase().includes(words)),
	);
	const value = requestValue(call);
	const sortBy = value('sortBy')?.trim().toLowerCase();
	const sort = sortBy && HISTORY_SORTS.includes(sortBy) ? sortBy : 'created';
	const descending =
		sortBy && HISTORY_SORTS.includes(sortBy) ? value('sortOrder') === 'descending' : true;
	/** @type {(e: import('./records').HistoryEvent) => string | number} */
	const key =
		sort === 'id'
			? (e) => e.id
			: sort === 'createby'
				? (e) => e.createById
				: sort === 'category'
					? (e) => e.categoryId
					: sort === 'content'
						? (e) => e.content.toLowerCase()
						: (e) => e.created;
	const dir = descending ? -1 : 1;
	events.sort((a, b) => {
		const ka = key(a);
		const kb = key(b);
		return (ka < kb ? -dir : ka > kb ? dir : 0) || a.id - b.id;
	});
	const { specified, startIndex } = paging(call, state);
	const returned = events.slice(startIndex, startIndex + specified + 1);
	const full = returned.length > specified;
	const page = full ? returned.slice(0, specified) : returned;
	return json(
		200,
		envelope({
			statusCode: 200,
			response: page.map((event) => records.eventWire(event, call.user, dealOf)),
			startIndex,
			nextIndex: full ? startIndex + specified + 1 : 0,
			total: returned.length,
		}),
	);
}

const TASK_ENTITY_TYPES = ['contact', 'opportunity', 'case'];

/**
 * GetAllTasks. `entityType` with `entityid` narrows to one deal or contact (an unknown deal gives none);
 * `entityType` alone filters nothing. The caller sees the tasks of deals it can read and of contacts. Open
 * tasks first, then by deadline.
 * @type {Handler}
 */
function taskFilter(call, state) {
	const records = state.records;
	const dealOf = (/** @type {number} */ id) => state.store.readable(call.user, id);
	const type = call.query('entityType')?.trim().toLowerCase() || undefined;
	if (type !== undefined && !TASK_ENTITY_TYPES.includes(type)) throw argumentError();
	const entityId = integer(call.query('entityid'));
	const closed = call.query('isClosed')?.trim().toLowerCase();
	const responsible = guidText(call.query('responsibleid'));
	const categoryId = integer(call.query('categoryid'));
	const tasks = [...records.tasks.values()].filter(
		(task) =>
			(task.dealId === null || dealOf(task.dealId) !== undefined) &&
			(type === undefined ||
				!(entityId && entityId > 0) ||
				(type === 'opportunity' && task.dealId === entityId) ||
				(type === 'contact' && task.contactId === entityId)) &&
			(closed !== 'true' || task.isClosed) &&
			(closed !== 'false' || !task.isClosed) &&
			(responsible === undefined ||
				responsible === EMPTY_GUID ||
				task.responsibleId === responsible) &&
			(!categoryId || task.categoryId === categoryId),
	);
	tasks.sort(
		(a, b) => Number(a.isClosed) - Number(b.isClosed) || a.deadline - b.deadline || a.id - b.id,
	);
	const { specified, startIndex } = paging(call, state);
	const page = tasks.slice(startIndex, startIndex + specified);
	const full = tasks.length > startIndex + specified;
	return json(
		200,
		envelope({
			statusCode: 200,
			response: page.map((task) => records.taskWire(task, call.user, dealOf)),
			startIndex,
			nextIndex: full ? startIndex + specified + 1 : 0,
			total: tasks.length,
		}),
	);
}

/**
 * Files' download handler: the file's current bytes for a caller who can read the event's deal or contact
 * (403 otherwise, and for an upload no event holds yet), 404 for a file that is gone. Answers in plain text,
 * not the API's envelope.
 * @param {ApiState} state
 * @param {URL} url
 * @param {Employee} user
 * @returns {Answer}
 */
function downloadFile(state, url, user) {
	const query = queryReader(url);
	const text = (/** @type {number} */ status, /** @type {string} */ body) => ({
		status,
		contentType: 'text/plain; charset=utf-8',
		body,
	});
	if (query('action')?.toLowerCase() !== 'download') return text(400, 'Unknown action');
	const file = state.records.files.get(Number(query('fileid')));
	if (!file) return text(404, 'The file was not found');
	const dealOf = (/** @type {number} */ id) => state.store.readable(user, id);
	const canReadContact = (/** @type {number} */ id) =>
		readableContact(state, user, id) !== undefined;
	if (user.crm === 'none' || !state.records.canDownload(file, dealOf, canReadContact))
		return text(403, 'You do not have enough permissions to view the file');
	if (state.records.fileStorage === 's3') {
		// FileHandler's DownloadFile: the bytes come from the storage, by a presigned address of its own.
		const object = `${STORAGE}crm/file_${file.id}`;
		const location = `${state.records.baseUrl}${object}?X-Amz-Signature=${state.records.signature(object)}`;
		return {
			status: 302,
			contentType: 'text/html; charset=utf-8',
			body: '',
			headers: { Location: location },
		};
	}
	return fileAnswer(file);
}

/** @param {import('./records').StoredFile} file */
function fileAnswer(file) {
	return {
		status: 200,
		contentType: file.contentType,
		body: file.bytes,
		headers: {
			'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.title)}`,
		},
	};
}

/**
 * The storage behind a presigned address (S3): the signature is the only authentication; a request that also
 * brings an Authorization header or a cookie is refused, as S3 refuses two authentication mechanisms.
 * @param {ApiState} state
 * @param {ApiRequest} request
 * @returns {Answer}
 */
function storedObject(state, request) {
	const xml = (/** @type {number} */ status, /** @type {string} */ code) => ({
		status,
		contentType: 'application/xml',
		body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`,
	});
	if (request.headers.authorization !== undefined || request.headers.cookie !== undefined)
		return xml(400, 'InvalidArgument');
	const object = request.url.pathname;
	const match = /^\/storage\/crm\/file_(\d+)$/.exec(object);
	const file = match ? state.records.files.get(Number(match[1])) : undefined;
	if (request.url.searchParams.get('X-Amz-Signature') !== state.records.signature(object))
		return xml(403, 'SignatureDoesNotMatch');
	return file ? fileAnswer(file) : xml(404, 'NoSuchKey');
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

/**
 * GetDeals. With a known sortBy (or none) it pages in SQL: it asks for count + 1 deals from startIndex (the
 * framework's look-ahead), `total` is startIndex + returned on a short page, else the count query (cached);
 * the framework then cuts the page to `count` and sets nextIndex = startIndex + count + 1. With any other
 * sortBy it loads every match and the framework skips and cuts in memory.
 * @type {Handler}
 */
function filter(call, state) {
	const query = dealQuery(call);
	const { specified, startIndex } = paging(call, state);
	const fetch = specified + 1;
	const matches = state.store.query(call.user, query);
	const paged = sortKind(query.sortBy) !== 'unparsed';
	const result = paged ? matches.slice(startIndex, startIndex + fetch) : matches;
	const total =
		result.length < fetch
			? startIndex + result.length
			: countDeals(call, state, query, matches.length);
	const afterSkip = paged ? result : result.slice(startIndex);
	const page = specified > 0 ? afterSkip.slice(0, specified) : afterSkip;
	const contextStart = paged ? 0 : startIndex;
	const nextIndex =
		page.length === specified && result.length - contextStart > specified
			? startIndex + specified + 1
			: 0;
	const response = page.map((deal) => state.wrappers.opportunity(deal, 'list'));
	return json(200, envelope({ statusCode: 200, response, startIndex, nextIndex, total }));
}

/**
 * GetDealsCount: the visible matches, remembered for countCacheMs under the server's cache key (user and
 * filters, not paging or sorting). Creating or deleting deals empties the cache; editing them does not.
 * @param {Call} call
 * @param {ApiState} state
 * @param {DealQuery} q
 * @param {number} fresh
 */
function countDeals(call, state, q, fresh) {
	const ttl = state.countCacheMs ?? 30_000;
	const cache = state.countCache;
	if (!(ttl > 0) || !cache || !state.now) return fresh;
	const key = [
		call.user.id,
		q.keyword ?? '',
		q.responsibleId ?? '',
		q.stageId ?? 0,
		q.contactId ?? 0,
		(q.tags ?? []).join(''),
		q.stageType ?? '',
		q.contactAlsoIsParticipant ?? '',
		q.fromDate ?? '',
		q.toDate ?? '',
	].join('|');
	const generation = `${state.store.lastId}:${state.store.deleted.length}`;
	const now = state.now();
	const hit = cache.get(key);
	if (hit && hit.expires > now && hit.generation === generation) return hit.value;
	if (fresh > 0) cache.set(key, { value: fresh, expires: now + ttl, generation });
	return fresh;
}

/** DeleteBatchDeals by filter: with no filter it deletes every deal the caller can see. @type {Handler} */
function deleteByFilter(call, state) {
	const matches = state.store.query(call.user, dealQuery(call));
	for (const deal of matches) state.store.remove(deal);
	matches.sort((a, b) => a.id - b.id);
	return list(call, state, matches, (deal) => state.wrappers.opportunity(deal, 'deleted'));
}

/**
 * The filter's parameters as the server binds them (unparseable values count as not sent).
 * @param {Call} call
 * @returns {DealQuery}
 */
function dealQuery(call) {
	const value = requestValue(call);
	const participant = call.query('contactAlsoIsParticipant')?.trim().toLowerCase();
	const stageId = integer(call.query('opportunityStagesid'));
	const responsible = guidText(call.query('responsibleid'));
	const offset = call.offsetMinutes ?? PORTAL_OFFSET;
	const tags = call.queryAll ? [...call.queryAll('tags'), ...call.queryAll('tags[]')] : [];
	return {
		keyword: value('filterValue'),
		stageType: stageTypeOf(call.query('stageType')),
		stageId: stageId !== undefined && stageId > 0 && stageId < INT32_MAX ? stageId : undefined,
		responsibleId: responsible === EMPTY_GUID ? undefined : responsible,
		contactId: integer(call.query('contactid')),
		contactAlsoIsParticipant:
			participant === 'true' ? true : participant === 'false' ? false : undefined,
		tags: tags.length > 0 ? tags : undefined,
		fromDate: filterDate(call.query('fromDate'), offset),
		toDate: filterDate(call.query('toDate'), offset),
		sortBy: value('sortBy'),
		descending: value('sortOrder') === 'descending',
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
	if (isForm(request)) return fieldsOf(new URLSearchParams(request.rawBody));
	const boundary = boundaryOf(request.headers['content-type']);
	if (boundary !== undefined) return parseMultipart(bodyBytes(request), boundary).fields;
	if (mediaType(request) !== 'application/json' || request.rawBody.trim() === '') return {};
	let value;
	try {
		value = JSON.parse(request.rawBody);
	} catch {
		throw invalidArguments();
	}
	return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/**
 * Form fields by name, every value kept; `name[]` is `name`.
 * @param {URLSearchParams} search
 */
function fieldsOf(search) {
	/** @type {Record<string, string[]>} */
	const params = {};
	for (const [key, value] of search) (params[key.replace(/\[\]$/, '')] ??= []).push(value);
	return params;
}

/** @param {ApiRequest} request */
function bodyBytes(request) {
	return request.rawBytes ?? Buffer.from(request.rawBody, 'utf8');
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

/**
 * ApiContext's paging: `count` capped at maxPage (absent or unreadable: maxPage; 0 stays 0, which the
 * framework reads as "no cut"), `startIndex` at least 0.
 * @param {Call} call
 * @param {ApiState} state
 */
function paging(call, state) {
	const value = requestValue(call);
	const count = nonNegativeInt(value('count'));
	const start = value('startIndex');
	const startIndex =
		start !== undefined && /^\s*-?\d+\s*$/.test(start) ? Math.max(0, Number(start)) : 0;
	return {
		specified: count === undefined ? state.maxPage : Math.min(count, state.maxPage),
		startIndex,
	};
}

/**
 * ApiContext.GetRequestValue: `name[]` or `name`; a single value is split at commas and the first part kept.
 * @param {Call} call
 */
function requestValue(call) {
	return (/** @type {string} */ name) => {
		const values = call.queryAll
			? [...call.queryAll(`${name}[]`), ...call.queryAll(name)]
			: [call.query(name)].filter((v) => v !== undefined);
		if (values.length === 0) return undefined;
		return values.length === 1 && values[0] !== '' ? values[0].split(',')[0] : values[0];
	};
}

/**
 * A list the method returns whole, paged by the framework: skip startIndex, cut at count; `total` when the
 * list is longer than count; nextIndex = startIndex + count + 1 when more remain.
 * @template T
 * @param {Call} call
 * @param {ApiState} state
 * @param {T[]} items
 * @param {(item: T) => unknown} wrap
 */
function pagedList(call, state, items, wrap) {
	const { specified, startIndex } = paging(call, state);
	const total = specified < items.length ? items.length : 0;
	const skipped = startIndex > 0 ? items.slice(startIndex) : items;
	const page = specified > 0 ? skipped.slice(0, specified) : skipped;
	const nextIndex =
		page.length === specified && items.length - startIndex > specified
			? startIndex + specified + 1
			: 0;
	return json(
		200,
		envelope({ statusCode: 200, response: page.map(wrap), startIndex, nextIndex, total }),
	);
}

/** GET people: the active users (EmployeeWraperFull), in the order the user cache holds them. @type {Handler} */
function listPeople(call, state) {
	const employees = state.catalog?.employees.filter((e) => !e.terminated) ?? [call.user];
	return pagedList(call, state, employees, (e) => state.wrappers.profile(e));
}

/** GetDealMilestones: the stages in their order, with the number of deals in each. @type {Handler} */
function listStages(call, state) {
	const counts = state.store.stageCounts();
	const stages = state.catalog?.stages ?? [];
	return pagedList(call, state, stages, (s) =>
		state.wrappers.stageWithCount(s, counts.get(s.id) ?? 0),
	);
}

/** GetAllTags('opportunity'): titles ordered case-insensitively, with the number of deals carrying each. @type {Handler} */
function listTags(call, state) {
	const counts = state.store.tagCounts();
	const titles = [...(state.catalog?.tags ?? [])].sort((a, b) => {
		const ka = tagKey(a);
		const kb = tagKey(b);
		return ka < kb ? -1 : ka > kb ? 1 : 0;
	});
	return pagedList(call, state, titles, (title) =>
		state.wrappers.tag(title, counts.get(tagKey(title)) ?? 0),
	);
}

/**
 * CreateDeal: 201 with the new deal, as `GET opportunity/{id}` writes it (the same ToOpportunityWrapper). The
 * primary contact joins the participants, those the caller cannot read are dropped; the deal is private only
 * with isPrivate and a non-empty access list (the creator is added to it); the actual close date is stored
 * as sent.
 * @type {Handler}
 */
function createDeal(call, state) {
	const body = bodyReader(call.params(), state.offsetMinutes);
	const now = clock(state);
	const fields = dealFields(body);
	demandCreateOrUpdate(state, call.user, fields);
	const id = state.store.lastId + 1;
	const members = [...body.ints('members'), ...(fields.contactId ? [fields.contactId] : [])];
	/** @type {Deal} */
	const deal = {
		id,
		tenant: 'main',
		...fields,
		createById: call.user.id,
		created: now,
		memberIds: readableContacts(state, call.user, members),
		...access(call.user, body),
		customFields: customFieldValues(state, body, []),
		tags: [],
	};
	state.store.add(deal);
	return single(201, dealAlone(state, deal));
}

/**
 * UpdateDeal: replaces every field from the request (absent ones become empty, 0 or unset), then changes the
 * participants only when some are sent, the access only for a CRM admin or the creator, and sets the custom
 * fields sent with a value. 404 for a deal not in the portal, 403 when the caller cannot edit it.
 * @type {Handler}
 */
function updateDeal(call, state) {
	const deal = state.store.get(Number(call.match[0]));
	if (!deal || deal.tenant !== 'main') throw notFound();
	const body = bodyReader(call.params(), state.offsetMinutes);
	const fields = dealFields(body);
	demandCreateOrUpdate(state, call.user, fields);
	if (!canAccess(call.user, deal)) throw accessDenied();
	Object.assign(deal, fields);
	const members = body.ints('members');
	if (members.length > 0) deal.memberIds = readableContacts(state, call.user, members);
	if (call.user.crm === 'admin' || deal.createById === call.user.id)
		Object.assign(deal, access(call.user, body));
	deal.customFields = customFieldValues(state, body, deal.customFields);
	return single(200, state.wrappers.opportunity(deal, 'single'));
}

/**
 * UpdateToDealMilestone. Its parameter is named `stageid` while the route's placeholder is `{id}`, so the
 * stage comes from the body or the query (`stageid`), never from the path. 400 when an id is ≤ 0, 404 when
 * the deal is missing or not editable or the stage missing. A closed stage sets the actual close date to
 * DateTime.UtcNow, which the DAO converts again as if local: stored shifted by the offset (stageCloseQuirk);
 * the answer, built from the deal in memory, shows the true time. An open stage clears it.
 * @type {Handler}
 */
function updateToStage(call, state) {
	const dealId = Number(call.match[0]);
	const body = bodyReader({ ...queryParams(call), ...call.params() }, state.offsetMinutes);
	const stageId = body.int('stageid');
	if (dealId <= 0 || stageId <= 0) throw argumentError();
	const deal = state.store.readable(call.user, dealId);
	if (!deal) throw notFound();
	const stage = state.catalog?.stages.find((s) => s.id === stageId);
	if (!stage) throw notFound();
	const now = clock(state);
	const offsetMs = (state.offsetMinutes ?? PORTAL_OFFSET) * 60_000;
	const closed = stage.stageType !== 0;
	deal.stageId = stage.id;
	deal.successProbability = stage.successProbability;
	deal.actualCloseDate = closed ? (state.stageCloseQuirk === false ? now : now - offsetMs) : null;
	const shown = { ...deal, actualCloseDate: closed ? now : null };
	return single(200, state.wrappers.opportunity(shown, 'single'));
}

/**
 * The parameters of a method that binds them from the body (JSON, form or multipart fields) and the query
 * string alike, as ApiArgumentBuilder does; a name in both takes the body's value.
 * @param {Call} call
 * @param {ApiState} state
 */
function boundParams(call, state) {
	/** @type {Record<string, unknown>} */
	const merged = { ...call.params() };
	for (const [key, value] of Object.entries(call.queryParams?.() ?? {}))
		if (!(key in merged)) merged[key] = value;
	return bodyReader(merged, state.offsetMinutes);
}

/** An ID from a `[0-9]+` route segment: bound as an Int32 (a larger one cannot be, 400). @param {string} text */
function pathId(text) {
	const id = Number(text);
	if (!(id <= INT32_MAX)) throw invalidArguments();
	return id;
}

/** A method that returns nothing (void): `count` 0 (left out) and `response` `{}`. @param {number} status */
function nothing(status) {
	return json(status, envelope({ statusCode: status, response: {}, count: 0 }));
}

/** A method that dereferences something missing: a NullReferenceException, which the framework answers 500. */
const nullReference = () =>
	new ApiError(500, 'Object reference not set to an instance of an object.', HRESULT.nullReference);

/** Global.MaxHistoryEventCharacters. */
const MAX_HISTORY_CHARACTERS = 65000;

/**
 * SetDealCreationDate and SetDealLastModifedDate (hidden; the server's spelling): read access suffices (404
 * otherwise). The date `param` is stored in the deal's `field` as sent, to the second; without one,
 * DateTime.MinValue (year 1), which `created` then shows (the last-modified date is never returned). Both
 * answer nothing (`{}`).
 * @param {string} param
 * @param {'created' | 'lastModified'} field
 * @returns {Handler}
 */
function setDealDate(param, field) {
	return (call, state) => {
		const date = boundParams(call, state).date(param);
		const deal = state.store.readable(call.user, pathId(call.match[0]));
		if (!deal) throw notFound();
		deal[field] = date === null ? MIN_EPOCH : toSecond(date);
		return nothing(200);
	};
}

/**
 * AddTagTo: tags one deal (see tagDeal) and answers the name as sent — a string, so the envelope's `count`
 * is its length.
 * @type {Handler}
 */
function addTagTo(call, state) {
	const tagName = boundParams(call, state).string('tagName');
	tagDeal(call, state, pathId(call.match[0]), tagName);
	return single(201, tagName);
}

/**
 * AddTagToBatch: AddTagTo for each `entityid` in turn. The first failure (400, 404) ends the request; the
 * deals before it keep the tag. No IDs: 400.
 * @type {Handler}
 */
function addTagToBatch(call, state) {
	const body = boundParams(call, state);
	const ids = body.ints('entityid');
	const tagName = body.string('tagName');
	if (ids.length === 0) throw argumentError();
	for (const id of ids) tagDeal(call, state, id, tagName);
	return single(201, tagName);
}

/**
 * AddTagTo's work: 400 for an ID ≤ 0 or no name, 404 for a deal the caller cannot read (read access
 * suffices). TagDao cleans the name (trimmed, line breaks out; nothing left: 400), takes an existing tag equal
 * to it case-insensitively (its stored casing wins) or creates one; a deal carries a tag once.
 * @param {Call} call
 * @param {ApiState} state
 * @param {number} id
 * @param {string | undefined} tagName
 */
function tagDeal(call, state, id, tagName) {
	if (id <= 0 || !tagName) throw argumentError();
	const deal = state.store.readable(call.user, id);
	if (!deal) throw notFound();
	const title = tagName.trim().replace(/\r\n|\n|\r/g, '');
	if (!title || !state.catalog) throw argumentError();
	const stored = storedTag(state.catalog.tags, title);
	const tags = deal.tags ?? [];
	if (!tags.some((t) => tagKey(t) === tagKey(stored))) deal.tags = [...tags, stored];
}

/**
 * SetEntityCustomFieldValue: no permission check and no look at the deal. An unknown field is a null
 * reference (500), and so is a missing `fieldValue` (the DAO trims it). The value is stored trimmed ("" or
 * blanks clear the field) — on a deal of this portal; for any other ID the row belongs to nothing. The
 * answer carries the value as sent.
 * @type {Handler}
 */
function setFieldValue(call, state) {
	const value = boundParams(call, state).string('fieldValue');
	const entityId = pathId(call.match[0]);
	const fieldId = pathId(call.match[1]);
	if (!state.catalog?.fields.some((f) => f.id === fieldId)) throw nullReference();
	if (value === undefined) throw nullReference();
	const deal = state.store.get(entityId);
	if (deal && deal.tenant === 'main')
		deal.customFields = withValue(state, deal.customFields, fieldId, value);
	return single(201, state.wrappers.customField(entityId, { fieldId, value }));
}

/**
 * UploadFileInCRM: the deal in the path is not looked at. It first saves `storeOriginalFileFlag` as the
 * caller's Files setting StoreOriginalFiles (not sent: false), then stores each file of a multipart body — or
 * the raw body, named by its Content-Disposition — in the CRM's folder, attached to no event (nobody can read
 * it until an event attaches it), and answers the last one only. No file, an empty one, one without a name or
 * one over the size limit: 500 (Files throws plain exceptions; files before it stay stored); a raw body
 * without Content-Disposition is a null reference (500).
 * @type {Handler}
 */
function uploadFiles(call, state) {
	const flag = boundParams(call, state).bool('storeOriginalFileFlag');
	pathId(call.match[0]);
	const request = /** @type {ApiRequest} */ (call.request);
	const boundary = boundaryOf(request.headers['content-type']);
	state.records.storeOriginal.set(call.user.id, flag);
	const posted =
		boundary === undefined
			? [rawFile(request)]
			: parseMultipart(bodyBytes(request), boundary).files;
	const limit = state.maxUploadBytes ?? MAX_UPLOAD_BYTES;
	/** @type {import('./records').StoredFile | undefined} */
	let last;
	for (const file of posted) {
		if (file.bytes.length === 0) throw new ApiError(500, 'The file is empty', HRESULT.exception);
		if (file.bytes.length > limit)
			throw new ApiError(500, 'The maximum file size is exceeded', HRESULT.exception);
		if (!file.fileName) throw new ApiError(500, 'The file has no title', HRESULT.exception);
		last = state.records.storeUpload({
			title: file.fileName,
			contentType: file.contentType,
			bytes: file.bytes,
			created: toSecond(clock(state)),
			createById: call.user.id,
		});
	}
	if (!last) throw nullReference(); // a multipart body without a file: the method reads the missing header
	return single(201, state.records.fileWire(last));
}

/**
 * The raw body as the one posted file, named by Content-Disposition (none: a null reference, 500).
 * @param {ApiRequest} request
 * @returns {import('./multipart').PostedFile}
 */
function rawFile(request) {
	const disposition = request.headers['content-disposition'];
	if (disposition === undefined) throw nullReference();
	return {
		fileName: baseName(dispositionParams(disposition).filename ?? ''),
		contentType: request.headers['content-type'] ?? 'application/octet-stream',
		bytes: bodyBytes(request),
	};
}

/**
 * AttachFiles: 400 for an ID ≤ 0 or no `fileids` (an empty list will do), 404 for a deal the caller cannot
 * read. Creates a FilesUpload (-2) event on the deal, dated now and written by the caller, attaches the files
 * to it (making them readable with the deal) and answers the event.
 * @type {Handler}
 */
function attachFiles(call, state) {
	const body = boundParams(call, state);
	const fileIds = body.ints('fileids');
	const id = pathId(call.match[0]);
	if (id <= 0 || !body.has('fileids')) throw argumentError();
	if (!state.store.readable(call.user, id)) throw notFound();
	const event = state.records.createEvent({
		dealId: id,
		contactId: null,
		categoryId: -2,
		content: state.records.listItem(-2)?.title ?? '',
		created: clock(state),
		createById: call.user.id,
	});
	state.records.attach(event, fileIds);
	return single(201, eventAnswer(call, state, event));
}

/**
 * AddMemberToDeal: 400 for an ID ≤ 0, 404 for a deal or a contact the caller cannot read; the contact joins
 * the participants (once). Answers the contact.
 * @type {Handler}
 */
function addMember(call, state) {
	const dealId = pathId(call.match[0]);
	const contactId = pathId(call.match[1]);
	if (dealId <= 0 || contactId <= 0) throw argumentError();
	const deal = state.store.readable(call.user, dealId);
	if (!deal || !readableContact(state, call.user, contactId)) throw notFound();
	if (!deal.memberIds.includes(contactId)) deal.memberIds = [...deal.memberIds, contactId];
	return single(201, state.wrappers.contact(contactId));
}

/**
 * AddHistoryTo. `entityType` is empty, opportunity or case (else 400); a contact (`contactId` > 0) and the
 * deal must exist and be readable (else 400, not 404; the stand-in has no cases); the category must exist —
 * any list item, or -1, -2 (else 400); `content` is required and at most 65000 characters, and an event needs
 * a contact or an entity (400). -3 (MailMessage) makes the server fetch the mail the content names: content
 * that is not a JSON object fails to parse (500), and the stand-in has no mail to find (400). `created` is
 * kept, to the second (not sent: now); the author is the caller. `fileId[]` attaches those files. Answers the
 * event as history/filter writes it.
 * @type {Handler}
 */
function addHistory(call, state) {
	const body = boundParams(call, state);
	const type = body.string('entityType')?.toLowerCase();
	const entityId = body.int('entityId');
	const contactId = body.int('contactId');
	const content = body.string('content') ?? '';
	const categoryId = body.int('categoryId');
	const created = body.date('created');
	const fileIds = body.ints('fileId');
	if (type && type !== 'opportunity' && type !== 'case') throw argumentError();
	if (contactId > 0 && !readableContact(state, call.user, contactId)) throw argumentError();
	if (type === 'case') throw argumentError();
	if (type === 'opportunity' && !state.store.readable(call.user, entityId)) throw argumentError();
	if (!state.records.listItem(categoryId)) throw argumentError();
	if (!content || (contactId === 0 && entityId === 0) || (entityId > 0 && type !== 'opportunity'))
		throw argumentError();
	if (content.length > MAX_HISTORY_CHARACTERS)
		throw new ApiError(400, 'The event text is too long', HRESULT.argument);
	if (categoryId === -3) fetchMail(content);
	const event = state.records.createEvent({
		dealId: type === 'opportunity' ? entityId : null,
		contactId: contactId > 0 ? contactId : null,
		categoryId,
		content,
		created: created === null || created <= MIN_EPOCH ? clock(state) : created,
		createById: call.user.id,
	});
	state.records.attach(event, fileIds);
	return single(201, eventAnswer(call, state, event));
}

/**
 * RelationshipEventDao.CreateItem for a MailMessage: parses the content for the mail's `message_id` and asks
 * the mail module for it. The stand-in has no mail module: never an event.
 * @param {string} content
 * @returns {never}
 */
function fetchMail(content) {
	let parsed;
	try {
		parsed = JSON.parse(content);
	} catch {
		parsed = undefined;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
		throw new ApiError(500, 'Error reading JObject from JsonReader.', HRESULT.exception);
	throw new ApiError(400, 'Mail message cannot be found', HRESULT.argument);
}

/**
 * CreateTask. `entityType` is empty, opportunity or case and `categoryId` > 0 (else 400); the category must
 * exist — any list item (404); `title` and `deadline` are required (400). The deal is not checked. The task is
 * created open whatever is sent (`PUT task/{id}/close` closes it), written by the caller, created now. The
 * stand-in also refuses a responsible user it does not know (400), and keeps no contact it does not know (the
 * wrapper would find none). Answers the task as task/filter writes it.
 * @type {Handler}
 */
function createTask(call, state) {
	const body = boundParams(call, state);
	const type = body.string('entityType')?.toLowerCase();
	const categoryId = body.int('categoryId');
	const title = body.string('title');
	const deadline = body.date('deadline');
	const responsibleId = body.guid('responsibleId');
	const contactId = body.int('contactId');
	const entityId = body.int('entityId');
	const alertValue = body.int('alertValue');
	body.bool('isNotify'); // bound (and so checked) like the others; the stand-in sends no notices
	if ((type && type !== 'opportunity' && type !== 'case') || categoryId <= 0) throw argumentError();
	if (!state.records.listItem(categoryId))
		throw new ApiError(404, 'The task category is not found', HRESULT.fail);
	if (!title || deadline === null || deadline <= MIN_EPOCH) throw argumentError();
	const catalog = state.catalog;
	if (!catalog?.employees.some((e) => e.id === responsibleId && !e.terminated))
		throw argumentError();
	const task = state.records.createTask({
		dealId: type === 'opportunity' && entityId > 0 ? entityId : null,
		contactId: catalog.contacts.some((c) => c.id === contactId) ? contactId : null,
		title,
		description: body.string('description') ?? '',
		deadline,
		alertValue,
		responsibleId,
		createById: call.user.id,
		created: clock(state),
		categoryId,
	});
	return single(201, taskAnswer(call, state, task));
}

/**
 * CloseTask: 400 for an ID ≤ 0 or a task that does not exist (the DAO throws ArgumentException), 403 for one
 * the caller may not edit (a CRM admin, its responsible and its author may). Answers the task, closed.
 * @type {Handler}
 */
function closeTask(call, state) {
	const id = pathId(call.match[0]);
	const task = id > 0 ? state.records.tasks.get(id) : undefined;
	if (!task) throw argumentError();
	const user = call.user;
	if (!(user.crm === 'admin' || task.responsibleId === user.id || task.createById === user.id))
		throw accessDenied();
	task.isClosed = true;
	return single(200, taskAnswer(call, state, task));
}

/**
 * SetTaskCreationDate (hidden): 404 for a task the caller cannot read; otherwise as the deal's `creationdate`.
 * @type {Handler}
 */
function setTaskCreationDate(call, state) {
	const date = boundParams(call, state).date('creationDate');
	const task = state.records.tasks.get(pathId(call.match[0]));
	if (!task || !canAccessTask(state, call.user, task)) throw notFound();
	task.created = date === null ? MIN_EPOCH : toSecond(date);
	return nothing(200);
}

/**
 * CRMSecurity.CanAccessTo(task): a CRM admin, its responsible, its author, anyone for a task of nothing;
 * otherwise whoever can read its contact when it has one, else its deal (a deal that is gone: nobody).
 * @param {ApiState} state
 * @param {Employee} user
 * @param {import('./records').Task} task
 */
function canAccessTask(state, user, task) {
	if (user.crm === 'admin' || task.responsibleId === user.id || task.createById === user.id)
		return true;
	if (task.contactId === null && task.dealId === null) return true;
	const contact = state.catalog?.contacts.find((c) => c.id === task.contactId);
	if (contact) return canAccessContact(user, contact);
	return task.dealId !== null && state.store.readable(user, task.dealId) !== undefined;
}

/**
 * @param {Call} call
 * @param {ApiState} state
 * @param {import('./records').HistoryEvent} event
 */
function eventAnswer(call, state, event) {
	return state.records.eventWire(event, call.user, (id) => state.store.readable(call.user, id));
}

/**
 * @param {Call} call
 * @param {ApiState} state
 * @param {import('./records').Task} task
 */
function taskAnswer(call, state, task) {
	return state.records.taskWire(task, call.user, (id) => state.store.readable(call.user, id));
}

/** @param {ApiState} state */
function clock(state) {
	return state.now ? state.now() : Date.now();
}

/**
 * The fields CreateDeal and UpdateDeal assign from the request.
 * @param {ReturnType<typeof bodyReader>} body
 */
function dealFields(body) {
	const probability = body.int('successProbability');
	const currency = body.string('bidCurrencyAbbr');
	const contactId = body.int('contactid');
	return {
		title: body.string('title') ?? '',
		description: body.string('description') ?? '',
		responsibleId: body.guid('responsibleid'),
		bidType: /** @type {Deal['bidType']} */ (body.bidType('bidType')),
		bidValue: body.number('bidValue'),
		perPeriodValue: body.int('perPeriodValue'),
		stageId: body.int('stageid'),
		successProbability: Math.min(100, Math.max(0, probability)),
		contactId: contactId === 0 ? null : contactId,
		actualCloseDate: body.date('actualCloseDate'),
		expectedCloseDate: body.date('expectedCloseDate'),
		bidCurrency: currency ? currency.toUpperCase() : '',
	};
}

/**
 * CRMSecurity.DemandCreateOrUpdate(deal): title, responsible, stage and a known currency are required
 * (400), the contact must exist (400) and be readable by the caller (403). The stand-in also refuses a
 * responsible user it does not know.
 * @param {ApiState} state
 * @param {Employee} user
 * @param {ReturnType<typeof dealFields>} fields
 */
function demandCreateOrUpdate(state, user, fields) {
	if (
		!fields.title ||
		fields.responsibleId === EMPTY_GUID ||
		fields.stageId <= 0 ||
		!fields.bidCurrency
	)
		throw argumentError();
	const catalog = state.catalog;
	if (!catalog) throw argumentError();
	if (!catalog.stages.some((s) => s.id === fields.stageId))
		throw new ApiError(400, 'The stage is not found', HRESULT.argument);
	if (fields.contactId !== null) {
		const contact = catalog.contacts.find((c) => c.id === fields.contactId);
		if (!contact) throw argumentError();
		if (!canAccessContact(user, contact)) throw accessDenied();
	}
	if (!catalog.currencies.some((c) => c.abbreviation === fields.bidCurrency)) throw argumentError();
	if (!catalog.employees.some((e) => e.id === fields.responsibleId && !e.terminated))
		throw argumentError();
}

/**
 * SetAccessToDeal: private only with isPrivate and a non-empty access list, to which the caller is added.
 * @param {Employee} user
 * @param {ReturnType<typeof bodyReader>} body
 */
function access(user, body) {
	const list = [...new Set(body.guids('accessList'))];
	if (!body.bool('isPrivate') || list.length === 0) return { isPrivate: false, accessList: [] };
	if (!list.includes(user.id)) list.push(user.id);
	return { isPrivate: true, accessList: list };
}

/**
 * The participants as SetMembers gets them: each once, only contacts that exist and `user` can read (the
 * others are dropped without a word).
 * @param {ApiState} state
 * @param {Employee} user
 * @param {number[]} ids
 */
function readableContacts(state, user, ids) {
	return [...new Set(ids)].filter((id) => readableContact(state, user, id) !== undefined);
}

/**
 * @param {ApiState} state
 * @param {Employee} user
 * @param {number} id
 */
function readableContact(state, user, id) {
	const contact = state.catalog?.contacts.find((c) => c.id === id);
	return contact && canAccessContact(user, contact) ? contact : undefined;
}

/**
 * customFieldList: [{ key, value }]; fields of opportunities with a non-empty value are set (trimmed, as
 * SetFieldValue stores them), others ignored.
 * @param {ApiState} state
 * @param {ReturnType<typeof bodyReader>} body
 * @param {Deal['customFields']} current
 */
function customFieldValues(state, body, current) {
	const known = new Set((state.catalog?.fields ?? []).map((f) => f.id));
	let values = current;
	for (const { key, value } of body.keyValues('customFieldList')) {
		if (!value || !known.has(key)) continue;
		values = withValue(state, values, key, value);
	}
	return values;
}

/**
 * CustomFieldDao.SetFieldValue: the old value goes, the new one is stored trimmed unless that leaves it empty
 * (then the field is cleared). Values are kept in the fields' order, as the DAO reads them.
 * @param {ApiState} state
 * @param {Deal['customFields']} values
 * @param {number} fieldId
 * @param {string} value
 */
function withValue(state, values, fieldId, value) {
	const trimmed = value.trim();
	const kept = values.filter((v) => v.fieldId !== fieldId).map((v) => ({ ...v }));
	if (trimmed !== '') kept.push({ fieldId, value: trimmed });
	const fields = state.catalog?.fields ?? [];
	const order = (/** @type {number} */ id) => {
		const field = fields.find((f) => f.id === id);
		return field ? field.position : Number.MAX_SAFE_INTEGER;
	};
	return kept.sort((a, b) => order(a.fieldId) - order(b.fieldId) || a.fieldId - b.fieldId);
}

/**
 * Reads a request's parameters as the server's binder would: names case-insensitive, JSON values or form
 * strings; a value that cannot be converted fails the request (400 Invalid arguments); an absent one is
 * the type's default.
 * @param {Record<string, unknown>} params
 * @param {number} [offsetMinutes]  for dates without an offset
 */
function bodyReader(params, offsetMinutes = PORTAL_OFFSET) {
	/** @type {Map<string, unknown>} */
	const byName = new Map();
	for (const [key, value] of Object.entries(params)) {
		const name = key.toLowerCase().replace(/\[\]$/, ''); // `fileId[]` binds `fileId`, in JSON too
		if (!byName.has(name)) byName.set(name, value);
	}
	const raw = (/** @type {string} */ name) => byName.get(name.toLowerCase());
	const one = (/** @type {string} */ name) => first(raw(name));
	const many = (/** @type {string} */ name) => {
		const value = raw(name);
		if (value === undefined || value === null) return [];
		return Array.isArray(value) ? value : [value];
	};
	/** @param {unknown} value */
	const toInt = (value) => {
		if (value === undefined || value === null || value === '') return 0;
		const number =
			typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : value;
		if (typeof number !== 'number' || !Number.isInteger(number) || Math.abs(number) > INT32_MAX)
			throw invalidArguments();
		return number;
	};
	/** @param {unknown} value */
	const toGuid = (value) => {
		if (value === undefined || value === null || value === '') return EMPTY_GUID;
		const match = typeof value === 'string' ? GUID_PATTERN.exec(value.trim()) : null;
		if (!match) throw invalidArguments();
		return match[1].toLowerCase();
	};
	return {
		/** Whether the parameter was sent at all (a list the server gets as null when not). */
		has: (/** @type {string} */ name) => raw(name) !== undefined && raw(name) !== null,
		string: (/** @type {string} */ name) => {
			const value = one(name);
			if (value === undefined || value === null) return undefined;
			if (typeof value === 'object') throw invalidArguments();
			return String(value);
		},
		int: (/** @type {string} */ name) => toInt(one(name)),
		ints: (/** @type {string} */ name) => many(name).map(toInt),
		number: (/** @type {string} */ name) => {
			const value = one(name);
			if (value === undefined || value === null || value === '') return 0;
			const number =
				typeof value === 'string' && /^\s*[-+]?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
			if (typeof number !== 'number' || !Number.isFinite(number)) throw invalidArguments();
			return number;
		},
		bool: (/** @type {string} */ name) => {
			const value = one(name);
			if (value === undefined || value === null || value === '') return false;
			if (typeof value === 'boolean') return value;
			if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
				return value.trim().toLowerCase() === 'true';
			throw invalidArguments();
		},
		guid: (/** @type {string} */ name) => toGuid(one(name)),
		guids: (/** @type {string} */ name) => many(name).map(toGuid),
		bidType: (/** @type {string} */ name) => {
			const value = one(name);
			const names = ['fixedbid', 'perhour', 'perday', 'perweek', 'permonth', 'peryear'];
			if (typeof value === 'string' && names.includes(value.trim().toLowerCase()))
				return names.indexOf(value.trim().toLowerCase());
			const number = toInt(value);
			if (number < 0 || number > 5) throw invalidArguments();
			return number;
		},
		date: (/** @type {string} */ name) => {
			const value = one(name);
			if (value === undefined || value === null || value === '') return null;
			if (typeof value !== 'string') throw invalidArguments();
			const parsed = parseApiDate(value, offsetMinutes);
			if (parsed === undefined) throw invalidArguments();
			return parsed;
		},
		keyValues: (/** @type {string} */ name) =>
			many(name).map((item) => {
				if (item === null || typeof item !== 'object') throw invalidArguments();
				const entry = /** @type {Record<string, unknown>} */ (item);
				const key = toInt(entry.key ?? entry.Key);
				const value = entry.value ?? entry.Value;
				return { key, value: value === undefined || value === null ? '' : String(value) };
			}),
	};
}

/**
 * The query string's parameters, for a method that binds from it too.
 * @param {Call} call
 * @returns {Record<string, unknown>}
 */
function queryParams(call) {
	const value = call.query('stageid');
	return value === undefined ? {} : { stageid: value };
}

/** @param {URL} url */
function queryValues(url) {
	return (/** @type {string} */ name) => {
		const wanted = name.toLowerCase();
		const values = [];
		for (const [key, value] of url.searchParams)
			if (key.toLowerCase() === wanted) values.push(value);
		return values;
	};
}

/** @param {string | undefined} text  an Int32, or undefined */
function integer(text) {
	if (text === undefined || !/^\s*[-+]?\d+\s*$/.test(text)) return undefined;
	const value = Number(text);
	return Math.abs(value) <= INT32_MAX ? value : undefined;
}

/** @param {string | undefined} text  a GUID, lower-cased, or undefined */
function guidText(text) {
	const match = text === undefined ? null : GUID_PATTERN.exec(text.trim());
	return match ? match[1].toLowerCase() : undefined;
}

/**
 * DealMilestoneStatus? from the query: a name (any case) or a number; a number other than 0–2 filters on a
 * status no stage has.
 * @param {string | undefined} text
 */
function stageTypeOf(text) {
	if (text === undefined) return undefined;
	const names = ['open', 'closedandwon', 'closedandlost'];
	const name = names.indexOf(text.trim().toLowerCase());
	return name >= 0 ? name : integer(text);
}

/**
 * fromDate / toDate: undefined when absent, unreadable or year 1 (DateTime.MinValue, the server's "not sent").
 * @param {string | undefined} text
 * @param {number} offsetMinutes
 */
function filterDate(text, offsetMinutes) {
	if (text === undefined || text.trim().startsWith('0001-01-01')) return undefined;
	return parseApiDate(text.trim(), offsetMinutes);
}

const API_DATE =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})[:-](\d{2})[:-](\d{2})(?:\.(\d{1,7}))?(Z|[+-]\d{2}:\d{2})?)?$/i;

/**
 * ApiDateTime.Parse: `yyyy-MM-dd` or ISO 8601 (seconds required, up to 7 fractional digits); with an offset
 * or Z that instant, without one a time in the portal's zone.
 * @param {string} text
 * @param {number} offsetMinutes
 * @returns {number | undefined}  epoch ms
 */
function parseApiDate(text, offsetMinutes) {
	const m = API_DATE.exec(text);
	if (!m) return undefined;
	const [, y, mo, d, h = '0', mi = '0', sec = '0', fraction = '', zone] = m;
	// Date.UTC reads years 0–99 as 1900–1999; setUTCFullYear takes year 1 (DateTime.MinValue) as it is.
	const check = new Date(0);
	check.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
	check.setUTCHours(Number(h), Number(mi), Number(sec), 0);
	const local = check.getTime();
	if (
		check.getUTCFullYear() !== Number(y) ||
		check.getUTCMonth() !== Number(mo) - 1 ||
		check.getUTCDate() !== Number(d) ||
		check.getUTCHours() !== Number(h) ||
		check.getUTCMinutes() !== Number(mi) ||
		check.getUTCSeconds() !== Number(sec)
	)
		return undefined;
	const ms = local + Math.floor(Number(`0.${fraction || '0'}`) * 1000);
	if (zone === undefined) return ms - offsetMinutes * 60_000;
	if (zone.toUpperCase() === 'Z') return ms;
	const sign = zone[0] === '-' ? -1 : 1;
	return ms - sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

module.exports = { dealAlone, handleApi, parseApiDate };
