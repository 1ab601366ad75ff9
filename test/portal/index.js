// @ts-check
'use strict';

/**
 * A local stand-in for an ONLYOFFICE Workspace portal: a real HTTP(S) server on 127.0.0.1 that answers the
 * CRM opportunity API, the authentication API and the checks around them exactly as
 * docs/onlyoffice-api.md (read from the server's source) says a real portal does — even
 * where that is awkward for a client. Used by jest suites, the demo (`npm run portal`) and benchmarks.
 *
 *   const portal = await startPortal({ port: 0, https: false, opportunities: 50, seed: 1, maxPage: 1000, logFile, now });
 *
 * The portal object: `url`, `ca`, `users` ({ admin, user, noCrm, twoFactor }: id, email, userName, password,
 * token, displayName), `token` (admin's), `requests` (the log) and `clearRequests()`, `maxConcurrentRequests`,
 * `opportunityIds()`, `hasOpportunity(id)`, `getOpportunity(id)`, `deletedIds()`, `addOpportunity(partial)`,
 * `revokeToken(token)`, `revokeTokensOf(email)`, `activeTokens()`, `injectFault(fault, scope)`, `clearFaults()`, `stop()`.
 *
 * Options: `port` (0 = a free port), `https` (a self-signed certificate for 127.0.0.1/localhost, PEM in
 * `portal.ca`), `opportunities` (deals 1…N of this portal; two more, N+1 and N+2, belong to another tenant),
 * `seed` (same seed, same data), `maxPage` (the framework's cap on list responses), `logFile` (each request
 * appended as a JSON line, secrets redacted), `now` (the clock of the log-in lock and token expiry).
 * Off by default, for load and overlap tests: `latencyMs` (every request waits this long before the portal
 * looks at it; it is carried out even if the client has gone by then, as a server that received it would),
 * `deletePauseMs` (the bulk delete loads the deals, waits this long, deletes those still there and returns
 * all it loaded: two overlapping requests can both return a deal, as on the real server), `logResponses`
 * (each log entry gets the `responseBody` text the portal sent or would have sent; log-in answers redacted).
 *
 * Searching and watching (docs/onlyoffice-api.md §5; tests in search.test.ts and changes.test.ts):
 * - Routes: `GET crm/opportunity/filter` (every filter, the both-dates rule, default order, SQL paging with
 *   nextIndex = startIndex + count + 1, `total` cached for `countCacheMs`); `GET crm/opportunity/stage`,
 *   `GET crm/opportunity/tag`, `GET people` (whole lists paged by the framework: startIndex/count, the
 *   maxPage cap, `total` when longer than count); `POST crm/opportunity` (201); `PUT crm/opportunity/{id}`
 *   (replaces the deal); `PUT crm/opportunity/{id}/stage/{n}` (the stage comes from `stageid` in the body or
 *   query, as the server binds it; closes with the offset quirk).
 * - Options: `timeZoneOffsetMinutes` (default 180; every date goes out in it, `Z` for 0, and dates without an
 *   offset are read in it), `scenario: 'search'` (stages 9–12 — more won and lost stages — and hand-made
 *   deals after the random ones, named in `portal.fixtures`), `closedDeals: { count, stageType?, closedFrom?,
 *   closedTo? }` (that many public closed deals after those, close dates spread evenly; default: lost, during
 *   2019), `extraUsers` / `extraTags` (that many more users for `GET people`, unlinked tags for `GET …/tag`),
 *   `stageCloseQuirk` (default true: the stage route stores the close date shifted by the offset, as the
 *   contract says; false: the true now), `countCacheMs` (default 30000; 0: no cache).
 * - Methods: `createOpportunity(fields)` → id (a deal as POST stores it, without HTTP; defaults: stage 1,
 *   admin, USD, created now), `closeAsWebUi(id, stageId)` (the web UI's stage change: the true now) → copy of
 *   the row, `setNow(ms | () => ms | undefined)` (the portal's clock; undefined: Date.now), `stages()`,
 *   `tags()`, `employees()`, `fixtures` ({ ids: name → id, cutoff, cutoffMs, contacts }), and
 *   `timeZoneOffsetMinutes`.
 *
 * Whole records (docs/onlyoffice-api.md "A deal's whole record"; tests in records.test.ts):
 * - Option `records`: `true`, or `{ eventsPerDeal, filesPerDeal, fileBytes, tasksPerDeal, tagsPerDeal,
 *   otherEvents, otherTasks }` (absent counts: a few, at random). Each deal then has tags, history events
 *   (notes, calls, -1 TaskClosed, -2 FilesUpload) with files, tasks (some closed); contacts have events and
 *   tasks of their own; the field definitions gain a Heading. Off by default: the routes answer, with no
 *   events, tasks or files, and every other answer is as before.
 * - Routes: `GET crm/opportunity/{id}` (values plus every Heading), `GET crm/opportunity/tag/{id}`,
 *   `GET crm/opportunity/customfield/definitions`, `GET crm/opportunity/{id}/files`, `GET crm/history/filter`
 *   (404 for entityType=opportunity without a readable deal, every event without entityType, `entity: null`
 *   for unreadable deals, total = count + 1 on a full page), `GET crm/task/filter` (entityType alone filters
 *   nothing, open first, `isClosed` left out when false), and Files' download handler
 *   `/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=N` (same authentication, 403 for a
 *   file of a deal the caller cannot read, 404 once deleted). Options `publicUrl` (the origin in `viewUrl`, as
 *   behind a proxy) and `fileStorage: 's3'` (the handler redirects to a presigned `/storage/…` address that
 *   refuses a request carrying Authorization or a cookie).
 * - Every delete takes the deal's events, tasks and tag links and hard-deletes its files; contacts' own
 *   events and tasks stay; a bulk delete writes one audit row with the requested IDs.
 * - Methods: `recordOf(id, userKey = 'admin')` → { deal, tags, history, tasks, files: [{ id, title,
 *   contentType, bytes }] }, `fileExists(id)`, `recordCounts()` → { events, tasks, files },
 *   `canRead(userKey, id)`, `auditEvents()`.
 *
 * Restoring a deal (docs/onlyoffice-api.md "Restoring"; tests in restore.test.ts). Everything created reads back
 * through the routes above as a seeded record does, and goes with the deal when it is deleted.
 * - Routes: `PUT crm/opportunity/{id}/creationdate` and `…/lastmodifeddate` (read access suffices; answer
 *   `"response":{}`; no date stores year 1), `POST crm/opportunity/{id}/tag` and `POST crm/opportunity/taglist`
 *   (the name back, so `count` is its length; an existing tag matched case-insensitively, its casing kept; the
 *   batch stops at the first failure), `POST crm/opportunity/{id}/customfield/{fieldid}` (trimmed, "" clears,
 *   an unknown field 500, no permission check), `POST crm/opportunity/{id}/files/upload` (multipart or a raw
 *   body named by Content-Disposition; the deal is ignored and each file stored unattached — nobody can
 *   download it — and only the last answered; none, empty or too large: 500; `storeOriginalFileFlag` saved as
 *   the user's setting), `POST crm/opportunity/{id}/files` (`fileids`: a -2 event dated now),
 *   `POST crm/history` (`fileId[]` attaches uploads, `created` kept, the caller the author, -3 refused),
 *   `POST crm/task` (created open whatever is sent), `PUT crm/task/{id}/close`, `PUT crm/task/{id}/creationdate`,
 *   `POST crm/opportunity/{id}/contact/{contactid}`. `POST crm/opportunity` refuses a contact the caller cannot
 *   read (403) and drops such participants.
 * - Options: `privateContacts` (that many private companies after the seeded contacts, readable only by CRM
 *   admins and one staff user), `maxUploadBytes` (default 100 MiB).
 * - Methods: `unattachedFiles()` → [{ id, title, contentType, bytes, createdBy }], `storeOriginalFiles(userKey)`
 *   (the user's Files setting StoreOriginalFiles: true until an upload sets it), `privateContactIds()`.
 *
 * Removals between a delete and a restore (removals.js, as the server removes each; tests in removals.test.ts).
 * What the server refuses to remove throws an Error. Per portal: other portals of the process keep theirs.
 * - `removeUser(key | userName | id)` → id: terminated — gone from `GET people` and `employees()`, its tokens
 *   answer 401 and its log-in fails, refused as a deal's or a task's responsible (400); rows naming it keep it.
 * - `removeCustomField(id)`: the definition and every value (gone from `GET opportunity/{id}` and the
 *   definitions); `POST …/customfield/{id}` then 500, `customFieldList` skips it.
 * - `removeCategory(id, { moveTo }?)`: a history or task category, gone from `GET crm/history/category` /
 *   `GET crm/task/category`; `POST history` then 400, `POST task` 404. Refused for a history category any
 *   event still uses, the last of a list, a system one; a used task category needs `moveTo` for its tasks.
 * - `removeContact(id)`: its events (files hard-deleted) and tasks go, deals lose it as primary contact and
 *   participant, a company's people keep no company; `POST opportunity` with it then 400, `POST history` 400,
 *   `…/contact/{id}` 404, `POST task` keeps no contact.
 * - `removeStage(id)`: gone from `GET crm/opportunity/stage`, `POST opportunity` with it 400; refused while a
 *   deal is in it.
 * - `removeCurrency(abbreviation)`: no admin can (the server's currency table has no API): a server whose
 *   table lacks it — gone from `GET crm/settings/currency`, `POST opportunity` with it 400.
 *
 * Faults — `portal.injectFault(fault, { times = 1, match })` applies `fault` to the next `times` requests
 * for which `match({ method, path, query })` is true (every request when no `match`):
 * - { type: 'status', status, body?, contentType?, headers?, retryAfter? }: answers `status` (429, 503 with
 *   Retry-After, 500/502/504, 402, 403, a 404 HTML page …). `body` defaults to the JSON error envelope; a
 *   string body goes out as text/html unless `contentType` says otherwise.
 * - { type: 'html' }: status 200 with a sign-in page, as a wrong portal URL gives.
 * - { type: 'malformedJson' }: status 200, JSON cut off after `{"count":1,`.
 * - { type: 'notEnveloped' }: carries the request out and sends its `response` bare (a JSON array of
 *   records, as the docs' examples show), status 200.
 * - { type: 'reset' }: destroys the connection without answering, before doing anything.
 * - { type: 'resetAfterActing' }: carries the request out (e.g. deletes), then destroys the connection.
 * - { type: 'slow', delayMs }: answers after `delayMs`. The request is carried out only then, and not at all
 *   if the client has gone by then.
 * - { type: 'hang' }: never answers (until `stop()`); nothing is done.
 * - { type: 'brokenBody' }: carries the request out, sends the headers (with the whole Content-Length) and
 *   half the body, then drops the connection.
 * Any fault with `actFirst: true` carries the request out first, then misbehaves: the client cannot tell it
 * happened (`{ type: 'slow', delayMs, actFirst: true }` is a delete that succeeded while the client timed out).
 */

const fs = require('fs');
const http = require('http');
const https = require('https');

const { Authenticator } = require('./auth');
const { selfSignedCertificate } = require('./certificate');
const { DealStore, storedTag } = require('./deals');
const { FaultQueue, LOGIN_PAGE } = require('./faults');
const { handleApi } = require('./routes');
const { closedDeals, searchScenario } = require('./scenarios');
const { createCatalog, createDeal } = require('./seed');
const { HRESULT, errorEnvelope, toJson } = require('./wire');
const { createWrappers } = require('./wrappers');
const { RecordStore } = require('./records');
const removals = require('./removals');
const { dealAlone } = require('./routes');

/** @typedef {import('./seed').Deal} Deal */
/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./faults').Fault} Fault */
/** @typedef {import('./faults').FaultScope} FaultScope */
/** @typedef {import('./routes').Answer} Answer */

/**
 * @typedef {object} PortalOptions
 * @property {number} [port]  0 (default): a free port
 * @property {boolean} [https]
 * @property {number} [opportunities]  default 50
 * @property {number} [seed]  default 1
 * @property {number} [maxPage]  default 1000
 * @property {string} [logFile]
 * @property {() => number} [now]  default Date.now; `portal.setNow` changes it later
 * @property {number} [timeZoneOffsetMinutes]  the portal's fixed UTC offset (default 180, i.e. +03:00)
 * @property {number} [extraUsers]  more active users (staff1…staffN) for `GET people` (default 0)
 * @property {number} [extraTags]  opportunity tags linked to no deal (tag-00001…) for `GET …/tag` (default 0)
 * @property {'search'} [scenario]  'search': more won/lost stages (9…12) and the hand-made deals of
 *   scenarios.js after the random ones, named in `portal.fixtures`
 * @property {import('./scenarios').ClosedDealsOptions} [closedDeals]  that many closed deals after those
 * @property {boolean} [stageCloseQuirk]  `PUT …/stage/…` stores the close date shifted by the offset (default true)
 * @property {number} [countCacheMs]  how long the filter's total count is cached (default 30000; 0: never)
 * @property {number} [latencyMs]  default 0
 * @property {number} [deletePauseMs]  default 0
 * @property {boolean} [logResponses]  default false
 * @property {boolean | import('./records').RecordsOptions} [records]  seed each deal's whole record (default off)
 * @property {string} [publicUrl]  the address the portal believes it has, in each file's `viewUrl` (default `url`)
 * @property {'local' | 's3'} [fileStorage]  's3': a download answers 302 to a presigned `/storage/…` address,
 *   which refuses requests that bring Authorization or a cookie
 * @property {number} [privateContacts]  that many private companies after the seeded contacts, readable only by
 *   CRM admins and the staff user Dana Whitfield (default 0)
 * @property {number} [maxUploadBytes]  the largest file `…/files/upload` takes (default 100 MiB)
 *
 * @typedef {object} DemoUser
 * @property {string} id  lowercase GUID
 * @property {string} email
 * @property {string} userName
 * @property {string} password
 * @property {string} token  a pre-issued API token
 * @property {string} displayName
 *
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} path  without the query string
 * @property {Record<string, string | string[]>} query  `asc_auth_key` redacted
 * @property {Record<string, string | string[] | undefined>} headers  lower-case names; Authorization and Cookie redacted
 * @property {unknown} body  parsed JSON, or the raw text (undefined when empty); passwords redacted
 * @property {number} status  0 until answered, and for requests never answered (reset, hang, a client that gave up)
 * @property {{ user: string, via: import('./auth').AuthVia }} [auth]  who the portal recognised (demo key or user name) and how
 * @property {Fault['type']} [fault]  the fault applied, if any
 * @property {string} [responseBody]  with `logResponses`: the body answered (also when the client had gone)
 */

const REDACTED = '[redacted]';
const SECRET_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Starts a portal on 127.0.0.1.
 * @param {PortalOptions} [options]
 */
async function startPortal(options = {}) {
	const {
		port = 0,
		opportunities = 50,
		seed = 1,
		maxPage = 1000,
		logFile,
		latencyMs = 0,
		deletePauseMs = 0,
		logResponses = false,
		timeZoneOffsetMinutes = 180,
		extraUsers = 0,
		extraTags = 0,
		scenario,
		stageCloseQuirk = true,
		countCacheMs = 30_000,
		privateContacts = 0,
		maxUploadBytes = 100 * 1024 * 1024,
	} = options;
	let clock = options.now ?? Date.now;
	const now = () => clock();
	const catalog = createCatalog(seed, {
		offsetMinutes: timeZoneOffsetMinutes,
		extraUsers,
		extraTags,
		extraStages: scenario === 'search',
	});
	const names = new Map(catalog.employees.map((e) => [e.id, e.displayName]));
	/** @type {import('./scenarios').SearchFixtures | undefined} */
	let fixtures;
	/** @type {Deal[]} */
	const extra = [];
	if (scenario === 'search') {
		const made = searchScenario(catalog, opportunities + 1);
		fixtures = made.fixtures;
		extra.push(...made.deals);
	}
	if (options.closedDeals)
		extra.push(...closedDeals(catalog, opportunities + extra.length + 1, options.closedDeals));
	for (const deal of extra) for (const tag of deal.tags ?? []) addTag(tag);
	const store = new DealStore(seedDeals(catalog, opportunities, extra), {
		stages: catalog.stages,
		displayNameOf: (id) => names.get(id) ?? '',
	});
	const auth = new Authenticator(catalog.employees, now);
	// After the scenarios, which pick from the seeded contacts, and before the wrappers, which index them all.
	catalog.contacts.push(...privateCompanies(catalog, privateContacts));
	const wrappers = createWrappers(catalog);
	const records = new RecordStore(
		{ catalog, wrappers, seed, offsetMinutes: timeZoneOffsetMinutes },
		options.records === true ? {} : options.records || undefined,
	);
	records.seedAll(store.byId.values(), addTag);
	store.onRemove = (deal) => records.removeDeal(deal);
	const removable = { catalog, store, records, auth };
	const state = {
		store,
		records,
		auth,
		wrappers,
		maxPage,
		deletePauseMs,
		catalog,
		now,
		offsetMinutes: timeZoneOffsetMinutes,
		stageCloseQuirk,
		countCacheMs,
		countCache: new Map(),
		maxUploadBytes,
	};

	/** Adds a tag title to the portal's tags unless one equal after trim + lower-case exists. @param {string} title */
	function addTag(title) {
		storedTag(catalog.tags, title);
	}
	const faults = new FaultQueue();
	/** @type {RequestLogEntry[]} */
	const requests = [];
	/** @type {Set<NodeJS.Timeout>} */
	const timers = new Set();
	let inFlight = 0;
	let maxInFlight = 0;

	/** @param {RequestLogEntry} entry @param {number} status */
	function settle(entry, status) {
		entry.status = status;
		if (logFile) fs.appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
	}

	/** @param {number} ms */
	function delay(ms) {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve(undefined);
			}, ms);
			timers.add(timer);
		});
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async function serve(req, res) {
		let clientGone = false;
		res.once('close', () => (clientGone = !res.writableFinished));
		const method = req.method ?? 'GET';
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const rawBytes = await readBody(req);
		const rawBody = rawBytes.toString('utf8');
		const entry = logEntry(method, url, req.headers, rawBody, rawBytes.length);
		requests.push(entry);
		if (latencyMs > 0) await delay(latencyMs);

		/** Carries the request out and notes who made it. */
		const act = async () => {
			const answer = handleApi(state, { method, url, headers: req.headers, rawBody, rawBytes });
			if (answer.identity)
				entry.auth = { user: answer.identity.user.key, via: answer.identity.via };
			if (answer.commit) {
				await delay(deletePauseMs);
				answer.commit();
			}
			return answer;
		};
		/** @param {Answer} answer */
		const reply = (answer) => {
			if (logResponses)
				entry.responseBody = url.pathname.toLowerCase().startsWith('/api/2.0/authentication')
					? REDACTED
					: typeof answer.body === 'string'
						? answer.body
						: `[${answer.body.length} bytes]`;
			if (clientGone) return settle(entry, 0);
			res.writeHead(answer.status, {
				'Content-Type': answer.contentType,
				'Content-Length': Buffer.byteLength(answer.body),
				...answer.headers,
			});
			res.end(answer.body);
			settle(entry, answer.status);
		};

		const fault = faults.take({
			method,
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
		});
		if (!fault) return reply(await act());
		entry.fault = fault.type;
		const early = fault.actFirst || fault.type === 'resetAfterActing' ? await act() : undefined;
		switch (fault.type) {
			case 'reset':
			case 'resetAfterActing':
				req.socket.destroy();
				return settle(entry, 0);
			case 'hang': // stop() closes the connection
				return settle(entry, 0);
			case 'slow':
				await delay(fault.delayMs);
				if (clientGone) return settle(entry, 0); // gave up before the portal did anything
				return reply(early ?? (await act()));
			case 'status':
				return reply(statusAnswer(fault));
			case 'html':
				return reply({ status: 200, contentType: 'text/html; charset=utf-8', body: LOGIN_PAGE });
			case 'malformedJson':
				return reply({
					status: 200,
					contentType: 'application/json; charset=utf-8',
					body: '{"count":1,',
				});
			case 'brokenBody': {
				// Headers promise the whole body; half of it comes, then the connection drops.
				const answer = early ?? (await act());
				const body = Buffer.from(answer.body);
				res.writeHead(answer.status, {
					'Content-Type': answer.contentType,
					'Content-Length': body.length,
					...answer.headers,
				});
				res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
				return settle(entry, answer.status);
			}
			case 'notEnveloped': {
				const answer = early ?? (await act());
				return reply({ ...answer, status: 200, body: toJson(answer.payload) });
			}
		}
	}

	/** @type {http.RequestListener} */
	const listener = (req, res) => {
		inFlight += 1;
		maxInFlight = Math.max(maxInFlight, inFlight);
		res.once('close', () => (inFlight -= 1)); // answered, or the connection is gone
		serve(req, res).catch((error) => {
			// A bug in the stand-in, not a portal behaviour: make it loud.
			console.error('ONLYOFFICE stand-in portal failed on a request:', error);
			if (res.headersSent) {
				res.destroy();
			} else {
				res.writeHead(500, { 'Content-Type': 'application/json; charset=utf-8' });
				res.end(toJson(errorEnvelope(500, String(error && error.message), HRESULT.fail)));
			}
		});
	};

	const certificate = options.https ? selfSignedCertificate() : undefined;
	const server = certificate
		? https.createServer(certificate, listener)
		: http.createServer(listener);
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => {
			server.off('error', reject);
			resolve(undefined);
		});
	});
	const address = /** @type {import('net').AddressInfo} */ (server.address());
	const { admin, user, noCrm, twoFactor } = catalog.demoUsers;
	const users = {
		admin: demoUser(admin),
		user: demoUser(user),
		noCrm: demoUser(noCrm),
		twoFactor: demoUser(twoFactor),
	};
	let stopped = false;
	const url = `${certificate ? 'https' : 'http'}://127.0.0.1:${address.port}`;
	records.baseUrl = url;
	records.publicUrl = options.publicUrl ?? url;
	records.fileStorage = options.fileStorage ?? 'local';
	/** @param {keyof typeof catalog.demoUsers} key */
	const demo = (key) => {
		const found = catalog.demoUsers[key];
		if (!found) throw new Error(`no demo user ${key}`);
		return found;
	};

	return {
		url,
		/** PEM of the self-signed certificate (its own CA) in HTTPS mode. */
		ca: certificate?.cert,
		users,
		token: users.admin.token,
		/** The request log, oldest first (the same array for the portal's lifetime). */
		requests,
		/** The most requests the portal had in progress at once since it started or the log was cleared. */
		get maxConcurrentRequests() {
			return maxInFlight;
		},
		/** Empties the request log and restarts the concurrency count from the requests in progress now. */
		clearRequests() {
			requests.length = 0;
			maxInFlight = inFlight;
		},
		/** Ids of this portal's deals still present, ascending. */
		opportunityIds: () => store.ids(),
		/** @param {number} id  whether the row exists (of any tenant) */
		hasOpportunity: (id) => store.get(id) !== undefined,
		/** @param {number} id  a copy of the stored row */
		getOpportunity: (id) => {
			const deal = store.get(id);
			return deal && structuredClone(deal);
		},
		/** Ids deleted so far, in order of deletion. */
		deletedIds: () => [...store.deleted],
		/**
		 * Adds a deal with the next id and returns the id. It is seeded like the others (a private one owned by
		 * staff, out of the demo `user`'s reach), then `partial` is applied.
		 * @param {Partial<Omit<Deal, 'id'>>} [partial]
		 */
		addOpportunity(partial = {}) {
			const id = store.lastId + 1;
			const seeded = createDeal(catalog, id, {
				tenant: partial.tenant,
				isPrivate: partial.isPrivate ?? false,
			});
			store.add({ ...seeded, ...partial, id });
			return id;
		},
		/**
		 * Adds a deal as `POST crm/opportunity` would store it, without HTTP or checks, and returns its id:
		 * defaults are stage 1, USD, the admin responsible and creator, created now, no contact, public, no
		 * dates; any Deal field may be given (dates in epoch ms, null for unset). New tags join the portal's tags.
		 * @param {Partial<Omit<Deal, 'id'>>} [fields]
		 */
		createOpportunity(fields = {}) {
			const id = store.lastId + 1;
			const stageId = fields.stageId ?? 1;
			const stage = catalog.stages.find((s) => s.id === stageId);
			if (!stage) throw new Error(`no stage ${stageId}`);
			const { admin } = catalog.demoUsers;
			for (const tag of fields.tags ?? []) addTag(tag);
			store.add({
				tenant: 'main',
				title: `Opportunity ${id}`,
				description: '',
				contactId: null,
				memberIds: fields.contactId ? [fields.contactId] : [],
				responsibleId: fields.responsibleId ?? admin.id,
				createById: fields.responsibleId ?? admin.id,
				created: now(),
				bidType: 0,
				bidValue: 0,
				bidCurrency: 'USD',
				perPeriodValue: 0,
				successProbability: stage.successProbability,
				actualCloseDate: null,
				expectedCloseDate: null,
				isPrivate: false,
				accessList: [],
				customFields: [],
				tags: [],
				...fields,
				stageId,
				id,
			});
			return id;
		},
		/**
		 * Moves a deal to a stage as the web UI does: the actual close date becomes the true now for a closed
		 * stage (stored correctly, unlike `PUT …/stage/…`), unset for an open one. Returns a copy of the row.
		 * @param {number} id
		 * @param {number} stageId
		 */
		closeAsWebUi(id, stageId) {
			const deal = store.get(id);
			const stage = catalog.stages.find((s) => s.id === stageId);
			if (!deal || !stage) throw new Error(`no deal ${id} or no stage ${stageId}`);
			deal.stageId = stage.id;
			deal.successProbability = stage.successProbability;
			deal.actualCloseDate = stage.stageType === 0 ? null : now();
			return structuredClone(deal);
		},
		/**
		 * Sets the portal's clock (the true UTC now, epoch ms): a number freezes it, a function replaces it,
		 * nothing goes back to Date.now. Used by PUT …/stage/…, POST, closeAsWebUi, the count cache and log-in.
		 * @param {number | (() => number)} [value]
		 */
		setNow(value) {
			clock = value === undefined ? Date.now : typeof value === 'number' ? () => value : value;
		},
		/** The portal's UTC offset in minutes. */
		timeZoneOffsetMinutes,
		/** Names of the `search` scenario's deals and its cut-off date (undefined without it). */
		fixtures,
		/** The stages, in pipeline order (copies). */
		stages: () => structuredClone(catalog.stages),
		/** The portal's opportunity tags, in creation order. */
		tags: () => [...catalog.tags],
		/** Every active user (demo users, staff, extra users): id, displayName, email, userName. */
		employees: () =>
			catalog.employees
				.filter((e) => !e.terminated)
				.map((e) => ({
					id: e.id,
					displayName: e.displayName,
					email: e.email,
					userName: e.userName,
				})),
		/** @param {string} token  from now on answered 401, as after a logout or password change */
		revokeToken: (token) => auth.revoke(token),
		/** @param {string} email  every token of this user now gets 401, as after "log out of all sessions" */
		revokeTokensOf: (email) => auth.revokeAllOf(email),
		/** Every token that works now: the demo users' and those issued at log-in (for secret scans). */
		activeTokens: () => [...auth.tokens.keys()],
		/**
		 * A deal's whole record as `userKey` reads it, in wire form (copies): the deal as `GET opportunity/{id}`
		 * answers, its tags, history events (with `entity`), tasks, and each file's bytes.
		 * @param {number} id
		 * @param {keyof typeof catalog.demoUsers} [userKey]
		 */
		recordOf(id, userKey = 'admin') {
			const user = demo(userKey);
			const deal = store.readable(user, id);
			if (!deal) throw new Error(`${userKey} cannot read deal ${id}`);
			const dealOf = (/** @type {number} */ other) => store.readable(user, other);
			const events = [...records.events.values()].filter((event) => event.dealId === id);
			const wire = JSON.parse(
				toJson({
					deal: dealAlone(state, deal),
					tags: [...(deal.tags ?? [])],
					history: events.map((event) => records.eventWire(event, user, dealOf)),
					tasks: [...records.tasks.values()]
						.filter((task) => task.dealId === id)
						.map((task) => records.taskWire(task, user, dealOf)),
				}),
			);
			const files = events
				.flatMap((event) => event.fileIds)
				.map((fileId) => records.files.get(fileId))
				.filter((file) => file !== undefined)
				.map((file) => {
					const { title, contentType } = file;
					return { id: file.id, title, contentType, bytes: Buffer.from(file.bytes) };
				});
			return { ...wire, files };
		},
		/**
		 * Files uploaded (`…/files/upload`) that no event holds yet, oldest first (copies): nobody can read them.
		 * @returns {{ id: number, title: string, contentType: string, bytes: Buffer, createdBy: string }[]}
		 */
		unattachedFiles: () =>
			records.unattached().map((file) => ({
				id: file.id,
				title: file.title,
				contentType: file.contentType,
				bytes: Buffer.from(file.bytes),
				createdBy: file.createById,
			})),
		/**
		 * The demo user's Files setting StoreOriginalFiles, which every upload overwrites with its
		 * `storeOriginalFileFlag` (false when not sent); true until the user uploads.
		 * @param {keyof typeof catalog.demoUsers} userKey
		 */
		storeOriginalFiles: (userKey) => records.storeOriginal.get(demo(userKey).id) ?? true,
		/** IDs of the private contacts (`privateContacts`), ascending. */
		privateContactIds: () => catalog.contacts.filter((c) => c.accessList).map((c) => c.id),
		/** @param {number} id  whether the file (and its content) is still stored */
		fileExists: (id) => records.files.has(id),
		/** How many history events, tasks and files the portal holds (deals' and contacts'). */
		recordCounts: () => ({
			events: records.events.size,
			tasks: records.tasks.size,
			files: records.files.size,
		}),
		/**
		 * @param {keyof typeof catalog.demoUsers} userKey
		 * @param {number} id  whether that demo user can read the deal
		 */
		canRead: (userKey, id) => store.readable(demo(userKey), id) !== undefined,
		/** The audit rows of bulk deletes (OpportunitiesDeleted): requested IDs, deleted titles. */
		auditEvents: () => structuredClone(records.audit),
		/**
		 * Terminates a user (see the header): returns its id.
		 * @param {string} keyOrId  a demo user's key, a staff user's user name, or an id
		 */
		removeUser: (keyOrId) => removals.removeUser(removable, keyOrId),
		/** @param {number} id  deletes a custom field of opportunities and its values */
		removeCustomField: (id) => removals.removeCustomField(removable, id),
		/**
		 * Deletes a history or task category; a task category's tasks move to `moveTo`.
		 * @param {number} id
		 * @param {{ moveTo?: number }} [options]
		 */
		removeCategory: (id, options) => removals.removeCategory(removable, id, options),
		/** @param {number} id  deletes a contact with its events and tasks */
		removeContact: (id) => removals.removeContact(removable, id),
		/** @param {number} id  deletes a stage no deal is in */
		removeStage: (id) => removals.removeStage(removable, id),
		/** @param {string} abbreviation  a currency the server no longer knows */
		removeCurrency: (abbreviation) => removals.removeCurrency(removable, abbreviation),
		/** @param {Fault} fault @param {FaultScope} [scope] */
		injectFault: (fault, scope) => faults.add(fault, scope),
		clearFaults: () => faults.clear(),
		/** Stops listening and drops every connection, hanging ones included. */
		async stop() {
			if (stopped) return;
			stopped = true;
			for (const timer of timers) clearTimeout(timer);
			await new Promise((resolve) => {
				server.close(() => resolve(undefined));
				server.closeAllConnections();
			});
		},
	};
}

/** @typedef {Awaited<ReturnType<typeof startPortal>>} Portal */

/**
 * Deals 1…count of this portal, then the extra ones (scenario, closed deals), then two of another tenant on
 * the same database.
 * @param {import('./seed').Catalog} catalog
 * @param {number} count
 * @param {Deal[]} [extra]  ids count+1… in order
 * @returns {Generator<Deal>}
 */
function* seedDeals(catalog, count, extra = []) {
	for (let id = 1; id <= count; id++) yield createDeal(catalog, id);
	yield* extra;
	const last = count + extra.length;
	yield createDeal(catalog, last + 1, { tenant: 'other' });
	yield createDeal(catalog, last + 2, { tenant: 'other' });
}

/**
 * Private companies after the seeded contacts: share type None with an access list, which leaves out every
 * demo user but the CRM admin (who reads every contact).
 * @param {import('./seed').Catalog} catalog
 * @param {number} count
 * @returns {import('./seed').Contact[]}
 */
function privateCompanies(catalog, count) {
	const reader =
		catalog.employees.find((e) => e.userName === 'dana.whitfield') ?? catalog.demoUsers.admin;
	const first = catalog.contacts.length + 1;
	return Array.from({ length: count }, (_, n) => ({
		id: first + n,
		isCompany: true,
		displayName: `Private Holding ${n + 1}`,
		companyId: null,
		shareType: /** @type {0} */ (0),
		currency: null,
		accessList: [reader.id],
	}));
}

/** @param {Employee} e @returns {DemoUser} */
function demoUser(e) {
	if (!e.password || !e.token) throw new Error(`${e.key} is not a demo user`);
	return {
		id: e.id,
		email: e.email,
		userName: e.userName,
		password: e.password,
		token: e.token,
		displayName: e.displayName,
	};
}

/** @param {http.IncomingMessage} req @returns {Promise<Buffer>} bytes: an upload is not text */
function readBody(req) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * @param {import('./faults').StatusFault} fault
 * @returns {Answer}
 */
function statusAnswer(fault) {
	const headers = {
		...(fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) }),
		...fault.headers,
	};
	if (fault.body === undefined) {
		const message = http.STATUS_CODES[fault.status] ?? 'Error';
		return {
			status: fault.status,
			contentType: 'application/json; charset=utf-8',
			body: toJson(errorEnvelope(fault.status, message, HRESULT.fail)),
			headers,
		};
	}
	if (typeof fault.body === 'string') {
		return {
			status: fault.status,
			contentType: fault.contentType ?? 'text/html; charset=utf-8',
			body: fault.body,
			headers,
		};
	}
	return {
		status: fault.status,
		contentType: fault.contentType ?? 'application/json; charset=utf-8',
		body: toJson(fault.body),
		headers,
	};
}

/**
 * A log entry with secrets taken out; a file's bytes (multipart, octet-stream) are logged as their length.
 * @param {string} method
 * @param {URL} url
 * @param {http.IncomingHttpHeaders} headers
 * @param {string} rawBody
 * @param {number} byteLength
 * @returns {RequestLogEntry}
 */
function logEntry(method, url, headers, rawBody, byteLength) {
	const binary = /^\s*(multipart\/|application\/octet-stream)/i.test(headers['content-type'] ?? '');
	/** @type {Record<string, string | string[]>} */
	const query = {};
	for (const [key, value] of url.searchParams) {
		const shown = key.toLowerCase() === 'asc_auth_key' ? REDACTED : value;
		const before = query[key];
		query[key] =
			before === undefined ? shown : [...(Array.isArray(before) ? before : [before]), shown];
	}
	/** @type {Record<string, string | string[] | undefined>} */
	const shownHeaders = { ...headers };
	for (const name of SECRET_HEADERS) if (name in shownHeaders) shownHeaders[name] = REDACTED;
	return {
		method,
		path: url.pathname,
		query,
		headers: shownHeaders,
		body: binary ? `[${byteLength} bytes]` : redactBody(rawBody),
		status: 0,
	};
}

/** @param {string} rawBody */
function redactBody(rawBody) {
	if (rawBody === '') return undefined;
	try {
		const body = JSON.parse(rawBody);
		if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
		for (const key of Object.keys(body))
			if (/^(password|asc_auth_key)$/i.test(key)) body[key] = REDACTED;
		return body;
	} catch {
		return rawBody.replace(/(^|&)(password|asc_auth_key)=[^&]*/gi, `$1$2=${REDACTED}`);
	}
}

module.exports = { startPortal };
