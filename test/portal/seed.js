// @ts-check
'use strict';

/**
 * Deterministic seed data: the same seed gives the same users, contacts and deals. Each deal draws from its
 * own PRNG stream (seed, id), so deal 7 is the same whether the portal holds 50 deals or 100,000.
 */

const { PORTAL_OFFSET_MINUTES } = require('./wire');

/**
 * @typedef {'admin' | 'user' | 'none'} CrmRole  CRM administrator, regular CRM user, no CRM access
 *
 * @typedef {object} Employee
 * @property {string} key  demo users: admin, user, noCrm, twoFactor; other staff: their user name
 * @property {string} id  lowercase GUID
 * @property {string} userName
 * @property {string} firstName
 * @property {string} lastName
 * @property {string} displayName
 * @property {string} title  job title, '' when none
 * @property {string} email
 * @property {CrmRole} crm
 * @property {boolean} isAdmin  portal administrator
 * @property {string} [password]  demo users only (other staff cannot log in)
 * @property {string} [token]  demo users' pre-issued API token
 * @property {string} [tfaKey]  two-factor users' authenticator key
 * @property {boolean} [terminated]  removed by an administrator (portal.removeUser): no longer active
 *
 * @typedef {object} Stage
 * @property {number} id
 * @property {string} title
 * @property {string} description
 * @property {string} color
 * @property {number} successProbability
 * @property {0 | 1 | 2} stageType  0 Open, 1 ClosedAndWon, 2 ClosedAndLost
 *
 * @typedef {object} Currency
 * @property {string} abbreviation
 * @property {string} title
 * @property {string} symbol
 * @property {string} cultureName
 * @property {boolean} isConvertable
 * @property {boolean} isBasic
 *
 * @typedef {object} Contact
 * @property {number} id
 * @property {boolean} isCompany
 * @property {string} displayName
 * @property {number | null} companyId  people: their company
 * @property {0 | 1 | 2} shareType  0 None, 1 ReadWrite, 2 Read
 * @property {string | null} currency  abbreviation, null when unset
 * @property {string[]} [accessList]  a private contact (the portal's `privateContacts`): only CRM administrators
 *   and these users may read it. Seeded contacts have none: every CRM user reads them.
 *
 * @typedef {object} FieldDef  a custom field of opportunities
 * @property {number} id
 * @property {string} label
 * @property {0 | 1 | 2 | 3 | 4 | 5} fieldType  0 TextField, 1 TextArea, 2 SelectBox, 3 CheckBox, 4 Heading, 5 Date
 * @property {number} position
 * @property {string} mask
 *
 * @typedef {object} Deal  the stored row (what the database holds), not the wire shape
 * @property {number} id
 * @property {'main' | 'other'} tenant  'other': another portal on the same database, invisible to this one
 * @property {string} title
 * @property {string} description
 * @property {number | null} contactId
 * @property {number[]} memberIds
 * @property {string} responsibleId
 * @property {string} createById
 * @property {number} created  epoch ms
 * @property {0 | 1 | 2 | 3 | 4 | 5} bidType
 * @property {number} bidValue
 * @property {string} bidCurrency  abbreviation
 * @property {number} perPeriodValue
 * @property {number} stageId
 * @property {number} successProbability
 * @property {number | null} actualCloseDate  epoch ms, null when not closed
 * @property {number | null} expectedCloseDate  epoch ms, null when unset
 * @property {boolean} isPrivate
 * @property {string[]} accessList  user ids allowed to see a private deal
 * @property {{ fieldId: number, value: string }[]} customFields
 * @property {string[]} [tags]  tag titles as stored (absent: none)
 * @property {number | null} [lastModified]  epoch ms, as `PUT …/lastmodifeddate` stores it; never on the wire
 *
 * @typedef {object} CatalogOptions
 * @property {number} [offsetMinutes]  the portal's fixed UTC offset; seeded dates are local midnights in it (default +180)
 * @property {number} [extraUsers]  more active staff users beyond the demo users and the four staff (default 0)
 * @property {number} [extraTags]  opportunity tags linked to no deal (default 0)
 * @property {boolean} [extraStages]  append more won and lost stages (ids 9…12) to the pipeline
 *
 * @typedef {object} Catalog  everything but the deals
 * @property {number} seed
 * @property {number} offsetMinutes  the portal's UTC offset
 * @property {string[]} tags  opportunity tags (crm_tag), in creation order
 * @property {{ admin: Employee, user: Employee, noCrm: Employee, twoFactor: Employee }} demoUsers
 * @property {Employee[]} employees  demo users and other staff
 * @property {Stage[]} stages  in pipeline order
 * @property {Currency[]} currencies
 * @property {Contact[]} contacts
 * @property {Contact[]} companies  the contacts that are companies
 * @property {Map<number, Contact[]>} peopleOf  company id → the people who work there
 * @property {FieldDef[]} fields
 */

/** @typedef {() => number} Random  uniform in [0, 1) */

/**
 * mulberry32: a tiny, fast 32-bit PRNG.
 * @param {number} seed
 * @returns {Random}
 */
function mulberry32(seed) {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * A PRNG stream of its own for (seed, label): FNV-1a over the pair picks its starting state.
 * @param {number} seed
 * @param {string | number} label
 */
function stream(seed, label) {
	let hash = 0x811c9dc5;
	for (const char of `${seed}:${label}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
	return mulberry32(hash);
}

/** @template T @param {Random} random @param {readonly T[]} list @returns {T} */
const pick = (random, list) => list[Math.floor(random() * list.length)];
/** @param {Random} random @param {number} min @param {number} max inclusive */
const between = (random, min, max) => min + Math.floor(random() * (max - min + 1));

/** @param {Random} random @param {number} count */
function randomBytes(random, count) {
	return Buffer.from(Array.from({ length: count }, () => Math.floor(random() * 256)));
}

/** @param {Random} random a lowercase version-4 GUID, as the server writes user ids */
function guid(random) {
	const bytes = randomBytes(random, 16);
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = bytes.toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * An API token shaped like ONLYOFFICE's: base64 of encrypted bytes, so it may hold `/`, `+` and `=`.
 * @param {Random} random
 */
function tokenFrom(random) {
	return randomBytes(random, 48).toString('base64');
}

/** @param {Random} random a base32 authenticator key */
function tfaKeyFrom(random) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	return Array.from({ length: 16 }, () => pick(random, [...alphabet])).join('');
}

const DEMO_USERS = /** @type {const} */ ([
	['admin', 'Alex', 'Morgan', 'Sales Director', 'admin@example.com', 'admin', true, 'demo-admin-1'],
	[
		'user',
		'Jamie',
		'Rivera',
		'Account Executive',
		'user@example.com',
		'user',
		false,
		'demo-user-1',
	],
	['noCrm', 'Casey', 'Lee', 'Accountant', 'no-crm@example.com', 'none', false, 'demo-nocrm-1'],
	[
		'twoFactor',
		'Robin',
		'Patel',
		'Sales Manager',
		'two-factor@example.com',
		'user',
		false,
		'demo-2fa-1',
	],
]);

/** Staff who own deals but have no demo password; one has no job title (the wrapper then omits `title`). */
const STAFF = /** @type {const} */ ([
	['Dana', 'Whitfield', 'Key Account Manager'],
	['Morgan', 'Blake', 'Sales Representative'],
	['Sam', 'Okafor', 'Business Development'],
	['Taylor', 'Nguyen', ''],
]);

/** Default CRM pipeline, in order; stage ids are 1…8. */
const STAGES = /** @type {const} */ ([
	['Initial contact', 'First call or meeting; interest not confirmed yet', '#e795c1', 10, 0],
	['Qualification', 'Budget, authority, need and timing checked', '#df7895', 20, 0],
	['Needs analysis', 'Requirements gathered with the customer', '#f48454', 30, 0],
	['Proposal / quote', 'Offer sent and under review', '#ffb45e', 50, 0],
	['Negotiation', 'Terms, discounts and contract wording', '#ffd267', 70, 0],
	['Commitment', 'Verbal agreement, paperwork pending', '#b7d36b', 90, 0],
	['Won', 'Contract signed', '#6bbd72', 100, 1],
	['Lost', 'Customer declined or went silent', '#a7a7a7', 0, 2],
]);

const CURRENCIES = /** @type {const} */ ([
	['USD', 'US Dollar', '$', 'en-US', true, true],
	['EUR', 'Euro', '€', 'de-DE', true, true],
	['GBP', 'Pound Sterling', '£', 'en-GB', true, true],
	['RUB', 'Russian Ruble', '₽', 'ru-RU', true, true],
	['JPY', 'Japanese Yen', '¥', 'ja-JP', true, true],
	['CNY', 'Chinese Yuan', '¥', 'zh-CN', true, true],
	['CHF', 'Swiss Franc', 'CHF', 'de-CH', true, true],
	['CAD', 'Canadian Dollar', '$', 'en-CA', true, false],
	['AUD', 'Australian Dollar', '$', 'en-AU', true, false],
	['INR', 'Indian Rupee', '₹', 'hi-IN', true, false],
	['BRL', 'Brazilian Real', 'R$', 'pt-BR', true, false],
	['PLN', 'Polish Zloty', 'zł', 'pl-PL', true, false],
	['BYN', 'Belarusian Ruble', 'Br', 'be-BY', false, false],
]);

const DEAL_CURRENCIES = ['USD', 'USD', 'USD', 'EUR', 'EUR', 'GBP', 'RUB', 'CAD', 'CHF'];

const COMPANIES = [
	'Northwind Traders',
	'Contoso Ltd',
	'Fabrikam Inc',
	'Adventure Works',
	'Tailspin Toys',
	'Wide World Importers',
	'Litware Inc',
	'Proseware',
	'Alpine Ski House',
	'Blue Yonder Airlines',
	'Coho Winery',
	'Fourth Coffee',
	'Humongous Insurance',
	'Lucerne Publishing',
	"Margie's Travel",
	'Southridge Video',
	'Trey Research',
	'Wingtip Toys',
	'Woodgrove Bank',
	'Baltic Freight GmbH',
	'Kestrel Analytics',
	'Meridian Health',
	'Orbital Logistics',
	'Pinecrest Realty',
	'Redwood Legal LLP',
	'Silverline Media',
	'Harbor & Vine',
	'Atlas Manufacturing',
	'Nordlicht Energie AG',
	'Sakura Design Studio',
];
const FIRST_NAMES = [
	'Olivia',
	'Liam',
	'Emma',
	'Noah',
	'Sofia',
	'Lucas',
	'Mia',
	'Mateo',
	'Anna',
	'Jonas',
	'Chloé',
	'Ivan',
	'Yuki',
	'Priya',
	'Omar',
	'Elena',
	'Kwame',
	'Lena',
	'Diego',
	'Hannah',
];
const LAST_NAMES = [
	'Schmidt',
	'García',
	'Kowalski',
	'Johnson',
	'Rossi',
	'Petrov',
	'Tanaka',
	'Sharma',
	'Dubois',
	"O'Brien",
	'Haddad',
	'Larsen',
	'Mensah',
	'Novak',
	'Silva',
];

const PRODUCTS = [
	'CRM licence renewal',
	'Document Server upgrade',
	'Onboarding workshop',
	'Annual support contract',
	'Cloud migration',
	'Mail Server setup',
	'Custom integration with 1C',
	'Q3/Q4 consulting retainer',
	'Data import & clean-up',
	'Private cloud hosting',
	'Security audit',
	'Workspace Enterprise licences',
	'Training for the sales team',
	'Mobile apps roll-out',
	'Backup and disaster recovery',
];

const LEAD_SOURCES = ['Website', 'Referral', 'Trade show', 'Partner', 'Cold call'];
const REGIONS = ['EMEA', 'North America', 'LATAM', 'APAC', 'DACH', 'Nordics'];
const NEXT_STEPS = [
	'Send the revised quote',
	'Schedule a demo with IT',
	'Wait for the legal review',
	'Call the CFO next week',
	'Prepare the pilot environment',
	'',
];

/** Custom fields defined for opportunities (ids as a portal that also has contact fields would number them). */
const FIELDS = /** @type {FieldDef[]} */ ([
	{ id: 7, label: 'Lead source', fieldType: 2, position: 0, mask: JSON.stringify(LEAD_SOURCES) },
	{ id: 8, label: 'Contract signed', fieldType: 3, position: 1, mask: '' },
	{ id: 9, label: 'Region', fieldType: 0, position: 2, mask: '{"size":"40"}' },
	{ id: 10, label: 'Next steps', fieldType: 1, position: 3, mask: '{"rows":"4","cols":"40"}' },
	{ id: 11, label: 'Renewal date', fieldType: 5, position: 4, mask: '' },
]);

const DAY = 86_400_000;
/** Deals are created between these instants (fixed, so seed data does not depend on today's date). */
const CREATED_FROM = Date.UTC(2023, 0, 2, 6);
const CREATED_SPAN_DAYS = 900;

/**
 * @param {number} epochMs  midnight of that day in portal-local time
 * @param {number} [offsetMinutes]
 */
function localMidnight(epochMs, offsetMinutes = PORTAL_OFFSET_MINUTES) {
	const offset = offsetMinutes * 60_000;
	return Math.floor((epochMs + offset) / DAY) * DAY - offset;
}

/** @param {number} epochMs  en-US date, as a Date custom field stores it */
function usDate(epochMs) {
	const d = new Date(epochMs);
	return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** Won and lost stages a portal with `extraStages` has after the default pipeline (ids 9…12). */
const EXTRA_STAGES = /** @type {const} */ ([
	['Won: renewal', 'Existing customer renewed', '#3f9a4b', 100, 1],
	['Lost: no budget', 'Customer had no budget this year', '#8c8c8c', 0, 2],
	['Lost: competitor', 'Customer chose a competitor', '#6f6f6f', 0, 2],
	['Won: upsell', 'More seats sold to a customer', '#2e7d32', 100, 1],
]);

/**
 * Users, stages, currencies, contacts and custom fields for a seed.
 * @param {number} seed
 * @param {CatalogOptions} [options]
 * @returns {Catalog}
 */
function createCatalog(seed, options = {}) {
	const {
		offsetMinutes = PORTAL_OFFSET_MINUTES,
		extraUsers = 0,
		extraTags = 0,
		extraStages = false,
	} = options;
	const random = stream(seed, 'users');
	/** @type {Employee[]} */
	const employees = DEMO_USERS.map(
		([key, firstName, lastName, title, email, crm, isAdmin, password]) => ({
			key,
			id: guid(random),
			userName: `${firstName}.${lastName}`.toLowerCase(),
			firstName,
			lastName,
			displayName: `${firstName} ${lastName}`,
			title,
			email,
			crm,
			isAdmin,
			password,
			token: tokenFrom(random),
			tfaKey: key === 'twoFactor' ? tfaKeyFrom(random) : undefined,
		}),
	);
	for (const [firstName, lastName, title] of STAFF) {
		employees.push(
			staffUser(random, `${firstName}.${lastName}`.toLowerCase(), firstName, lastName, title),
		);
	}
	employees.push(...createExtraUsers(stream(seed, 'extra-users'), extraUsers));
	const [admin, user, noCrm, twoFactor] = employees;
	const contacts = createContacts(stream(seed, 'contacts'));
	/** @type {Map<number, Contact[]>} */
	const peopleOf = new Map();
	for (const person of contacts) {
		if (person.companyId !== null)
			peopleOf.set(person.companyId, [...(peopleOf.get(person.companyId) ?? []), person]);
	}
	const stageRows = extraStages ? [...STAGES, ...EXTRA_STAGES] : STAGES;
	return {
		seed,
		offsetMinutes,
		tags: Array.from({ length: extraTags }, (_, i) => `tag-${String(i + 1).padStart(5, '0')}`),
		demoUsers: { admin, user, noCrm, twoFactor },
		employees,
		stages: stageRows.map(([title, description, color, successProbability, stageType], index) => ({
			id: index + 1,
			title,
			description,
			color,
			successProbability,
			stageType,
		})),
		currencies: CURRENCIES.map(
			([abbreviation, title, symbol, cultureName, isConvertable, isBasic]) => ({
				abbreviation,
				title,
				symbol,
				cultureName,
				isConvertable,
				isBasic,
			}),
		),
		contacts,
		companies: contacts.filter((c) => c.isCompany),
		peopleOf,
		fields: FIELDS,
	};
}

/**
 * An active CRM user who is not an admin, with a fresh guid from `random`.
 * @param {Random} random
 * @param {string} userName
 * @param {string} firstName
 * @param {string} lastName
 * @param {string} title
 * @returns {Employee}
 */
function staffUser(random, userName, firstName, lastName, title) {
	return {
		key: userName,
		id: guid(random),
		userName,
		firstName,
		lastName,
		displayName: `${firstName} ${lastName}`,
		title,
		email: `${userName}@example.com`,
		crm: 'user',
		isAdmin: false,
	};
}

/**
 * Active staff users beyond the fixed ones, from a stream of their own so the fixed users keep their ids.
 * @param {Random} random
 * @param {number} count
 * @returns {Employee[]}
 */
function createExtraUsers(random, count) {
	/** @type {Employee[]} */
	const users = [];
	for (let n = 1; n <= count; n++) {
		const firstName = pick(random, FIRST_NAMES);
		const lastName = pick(random, LAST_NAMES);
		const title = n % 3 === 0 ? '' : 'Sales Representative';
		users.push(staffUser(random, `staff${n}`, firstName, lastName, title));
	}
	return users;
}

/**
 * Companies (ids 1…30) and two or three people at each (ids from 31 on).
 * @param {Random} random
 * @returns {Contact[]}
 */
function createContacts(random) {
	/** @type {Contact[]} */
	const contacts = COMPANIES.map((displayName, index) => ({
		id: index + 1,
		isCompany: true,
		displayName,
		companyId: null,
		shareType: pick(random, /** @type {const} */ ([0, 1, 1, 2])),
		currency: random() < 0.3 ? pick(random, DEAL_CURRENCIES) : null,
	}));
	for (const company of contacts.slice()) {
		for (let n = between(random, 2, 3); n > 0; n--) {
			contacts.push({
				id: contacts.length + 1,
				isCompany: false,
				displayName: `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`,
				companyId: company.id,
				shareType: company.shareType,
				currency: null,
			});
		}
	}
	return contacts;
}

/**
 * One deal of this seed. Private deals (by default every 10th) are owned by staff, with an access list that
 * leaves out the demo `user`, so a regular CRM user can neither read nor delete them.
 * @param {Catalog} catalog
 * @param {number} id
 * @param {{ tenant?: Deal['tenant'], isPrivate?: boolean }} [options]
 * @returns {Deal}
 */
function createDeal(catalog, id, { tenant = 'main', isPrivate = id % 10 === 0 } = {}) {
	const random = stream(catalog.seed, id);
	const { admin, user, twoFactor } = catalog.demoUsers;
	const staff = catalog.employees.slice(4, 4 + STAFF.length);
	const owners = isPrivate ? staff : [admin, user, user, twoFactor, ...staff];
	const responsible = pick(random, owners);
	const creator = random() < 0.7 ? responsible : pick(random, owners);

	const company = pick(random, catalog.companies);
	const person = pick(random, catalog.peopleOf.get(company.id) ?? []);
	const hasContact = random() < 0.85;
	const contact = hasContact ? (random() < 0.6 ? company : person) : null;
	const memberIds = hasContact ? [...new Set([company.id, person.id])] : [];

	const stage = pick(random, catalog.stages.slice(0, STAGES.length));
	const created = CREATED_FROM + Math.floor(random() * CREATED_SPAN_DAYS * 86_400) * 1000;
	const bidType = /** @type {Deal['bidType']} */ (random() < 0.6 ? 0 : between(random, 1, 5));
	const bidValue =
		random() < 0.1
			? 0
			: between(random, 5, 2000) * pick(random, [10, 25, 50, 100]) +
				pick(random, [0, 0, 0, 0.5, 0.99]);
	const seats = pick(random, [5, 10, 20, 50, 120, 250]);
	const product = pick(random, PRODUCTS);
	const title =
		random() < 0.5
			? `${company.displayName}: ${product}`
			: `${product} (${seats} seats) — ${company.displayName}`;
	const closed = stage.stageType !== 0;

	return {
		id,
		tenant,
		title,
		description: describe(random, id, person.displayName, seats),
		contactId: contact ? contact.id : null,
		memberIds,
		responsibleId: responsible.id,
		createById: creator.id,
		created,
		bidType,
		bidValue,
		bidCurrency: contact && contact.currency ? contact.currency : pick(random, DEAL_CURRENCIES),
		perPeriodValue: bidType === 0 ? 0 : between(random, 1, 24),
		stageId: stage.id,
		successProbability: stage.successProbability,
		actualCloseDate: closed
			? localMidnight(created + between(random, 5, 120) * DAY, catalog.offsetMinutes)
			: null,
		expectedCloseDate:
			random() < 0.8
				? localMidnight(created + between(random, 15, 180) * DAY, catalog.offsetMinutes)
				: null,
		isPrivate,
		accessList: isPrivate ? [...new Set([responsible.id, pick(random, staff).id])] : [],
		customFields: customFieldValues(random, created),
	};
}

/**
 * @param {Random} random
 * @param {number} id
 * @param {string} person
 * @param {number} seats
 */
function describe(random, id, person, seats) {
	const templates = [
		() => '',
		() => '',
		() => `Follow-up after the demo. Decision maker: ${person}.`,
		() => `Proposal sent: https://docs.example.com/proposals/${id}`,
		() => `Budget approved for ${seats} seats; waiting for the legal review.`,
		() => 'Renewal of the existing contract. Payment terms 30/60 days.',
		() => `${person} asked for a discount "if signed this quarter".\nSee the call notes.`,
	];
	return pick(random, templates)();
}

/**
 * @param {Random} random
 * @param {number} created
 */
function customFieldValues(random, created) {
	/** @type {Deal['customFields']} */
	const values = [];
	if (random() < 0.7) values.push({ fieldId: 7, value: pick(random, LEAD_SOURCES) });
	if (random() < 0.5) values.push({ fieldId: 8, value: random() < 0.5 ? 'true' : 'false' });
	if (random() < 0.5) values.push({ fieldId: 9, value: pick(random, REGIONS) });
	if (random() < 0.3) values.push({ fieldId: 10, value: pick(random, NEXT_STEPS) });
	if (random() < 0.3) values.push({ fieldId: 11, value: usDate(created + 365 * DAY) });
	return values;
}

module.exports = {
	createCatalog,
	createDeal,
	mulberry32,
	stream,
	pick,
	between,
	randomBytes,
	localMidnight,
	DAY,
};
