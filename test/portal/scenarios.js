// @ts-check
'use strict';

/**
 * Deals made for searching and watching, on top of the random seed: a small hand-made set in which every
 * filter of `GET opportunity/filter` changes the answer (`scenario: 'search'`), and any number of deals
 * closed long ago (`closedDeals`), cheap enough for 20,000.
 */

const { createDeal, DAY } = require('./seed');

/** @typedef {import('./seed').Catalog} Catalog */
/** @typedef {import('./seed').Deal} Deal */

/**
 * @typedef {object} ClosedDealsOptions
 * @property {number} count
 * @property {1 | 2} [stageType]  1 won, 2 lost (default)
 * @property {number} [closedFrom]  epoch ms of the first close date (default 2019-01-01 local midnight)
 * @property {number} [closedTo]  epoch ms of the last (default 2019-12-31 local midnight); spread evenly between
 *
 * @typedef {object} SearchFixtures  what the `search` scenario holds, for tests
 * @property {Record<string, number>} ids  fixture name → deal id
 * @property {string} cutoff  `yyyy-MM-dd`: some closes fall before it, some after, one on it at midnight and one at 15:00
 * @property {number} cutoffMs  that day's local midnight
 * @property {{ company: number, person: number, other: number }} contacts  the contacts the filters use
 */

/**
 * Local midnight (or a time of day) of a calendar day in the portal's zone.
 * @param {Catalog} catalog
 * @param {string} day  yyyy-MM-dd
 * @param {number} [hours]
 */
function localTime(catalog, day, hours = 0) {
	const [y, m, d] = day.split('-').map(Number);
	return Date.UTC(y, m - 1, d, hours) - catalog.offsetMinutes * 60_000;
}

const CUTOFF = '2024-06-01';
/** Contact 1 is a company, 31 one of its people (as the seed numbers contacts); 3 another company. */
const COMPANY = 1;
const PERSON = 31;
const OTHER_COMPANY = 3;

/**
 * The `search` scenario: needs a catalog with `extraStages` (won stages 7, 9, 12; lost 8, 10, 11).
 * @param {Catalog} catalog
 * @param {number} firstId
 * @returns {{ deals: Deal[], fixtures: SearchFixtures }}
 */
function searchScenario(catalog, firstId) {
	const { admin, user, twoFactor } = catalog.demoUsers;
	const dana = catalog.employees[4];
	const morgan = catalog.employees[5];
	const at = (/** @type {string} */ day, hours = 0) => localTime(catalog, day, hours);
	/** @type {[string, Partial<Deal>][]} */
	const rows = [
		[
			'lostBefore',
			{
				title: 'Alpha lost before the cutoff',
				stageId: 8,
				actualCloseDate: at('2024-03-10'),
				responsibleId: user.id,
				tags: ['VIP', 'EMEA'],
				contactId: COMPANY,
				memberIds: [COMPANY, PERSON],
			},
		],
		[
			'lostAfter',
			{
				title: 'Bravo lost after the cutoff',
				stageId: 10,
				actualCloseDate: at('2024-09-15'),
				responsibleId: twoFactor.id,
				tags: ['VIP'],
				contactId: OTHER_COMPANY,
				memberIds: [OTHER_COMPANY],
			},
		],
		[
			'lostOnCutoff',
			{
				title: 'Charlie lost on the cutoff at midnight',
				stageId: 11,
				actualCloseDate: at(CUTOFF),
				responsibleId: user.id,
				tags: ['emea'],
			},
		],
		[
			'lostCutoffAfternoon',
			{
				title: 'Delta lost on the cutoff afternoon',
				stageId: 8,
				actualCloseDate: at(CUTOFF, 15),
				responsibleId: admin.id,
			},
		],
		['lostUnset', { title: 'Echo lost without a close date', stageId: 8, responsibleId: user.id }],
		[
			'wonBefore',
			{
				title: 'Foxtrot won before the cutoff',
				stageId: 7,
				actualCloseDate: at('2024-02-01'),
				responsibleId: user.id,
				tags: ['EMEA', 'Renewal'],
				contactId: PERSON,
				memberIds: [PERSON],
			},
		],
		[
			'wonAfter',
			{
				title: 'Golf won after the cutoff',
				stageId: 9,
				actualCloseDate: at('2024-08-20'),
				responsibleId: twoFactor.id,
				tags: ['Renewal'],
			},
		],
		[
			'openExpectedBefore',
			{
				title: 'Hotel open, expected before the cutoff',
				stageId: 2,
				expectedCloseDate: at('2024-04-01'),
				responsibleId: user.id,
				description: 'Cloud migration planned for spring',
			},
		],
		[
			'openExpectedAfter',
			{
				// A leftover actual close date: an open deal is still filtered on its expected date.
				title: 'India open, expected after the cutoff',
				stageId: 5,
				expectedCloseDate: at('2024-10-01'),
				actualCloseDate: at('2024-01-05'),
				responsibleId: admin.id,
			},
		],
		['openUnset', { title: 'Juliet open without dates', stageId: 1, responsibleId: twoFactor.id }],
		[
			'participantOnly',
			{
				title: 'Kilo with the company as a participant',
				stageId: 3,
				responsibleId: user.id,
				contactId: OTHER_COMPANY,
				memberIds: [OTHER_COMPANY, COMPANY],
			},
		],
		[
			'primaryNotMember',
			{
				// As after a PUT that changed the contact: primary, but not in the participants table.
				title: 'Lima with the company as primary only',
				stageId: 3,
				responsibleId: user.id,
				contactId: COMPANY,
				memberIds: [],
			},
		],
		[
			'privateOfStaff',
			{
				title: 'Mike private of staff',
				stageId: 8,
				actualCloseDate: at('2024-03-01'),
				responsibleId: dana.id,
				createById: dana.id,
				isPrivate: true,
				accessList: [dana.id, morgan.id],
				tags: ['VIP'],
			},
		],
		[
			'privateWithUser',
			{
				title: 'November private shared with user',
				stageId: 8,
				actualCloseDate: at('2024-03-02'),
				responsibleId: dana.id,
				createById: dana.id,
				isPrivate: true,
				accessList: [dana.id, user.id],
				tags: ['VIP'],
			},
		],
		[
			'keywordTitle',
			{
				title: 'Oscar cloud migration for Fabrikam',
				stageId: 4,
				responsibleId: twoFactor.id,
				description: '',
			},
		],
		[
			'keywordInsideWord',
			{
				// "cloud" is inside a word here, not at its start: a keyword search must not find it.
				title: 'Papa Recloud services',
				stageId: 4,
				responsibleId: twoFactor.id,
				description: 'Wordcloud and migration-free',
			},
		],
	];
	/** @type {Record<string, number>} */
	const ids = {};
	const deals = rows.map(([name, fields], index) => {
		const id = firstId + index;
		ids[name] = id;
		const base = createDeal(catalog, id, { isPrivate: false });
		const stage = catalog.stages.find((s) => s.id === fields.stageId);
		if (!stage) throw new Error(`the search scenario needs stage ${fields.stageId} (extraStages)`);
		return {
			...base,
			description: '',
			contactId: null,
			memberIds: [],
			createById: fields.responsibleId ?? base.responsibleId,
			actualCloseDate: null,
			expectedCloseDate: null,
			tags: [],
			accessList: [],
			...fields,
			successProbability: stage.successProbability,
			id,
		};
	});
	return {
		deals,
		fixtures: {
			ids,
			cutoff: CUTOFF,
			cutoffMs: at(CUTOFF),
			contacts: { company: COMPANY, person: PERSON, other: OTHER_COMPANY },
		},
	};
}

/**
 * `count` public deals in closed stages of `stageType` (cycling through them), closed between `closedFrom` and
 * `closedTo`, ids from `firstId`.
 * @param {Catalog} catalog
 * @param {number} firstId
 * @param {ClosedDealsOptions} options
 * @returns {Generator<Deal>}
 */
function* closedDeals(catalog, firstId, options) {
	const stageType = options.stageType ?? 2;
	const stages = catalog.stages.filter((s) => s.stageType === stageType);
	if (stages.length === 0) throw new Error(`no stage of type ${stageType}`);
	const from = options.closedFrom ?? localTime(catalog, '2019-01-01');
	const to = options.closedTo ?? localTime(catalog, '2019-12-31');
	const step = options.count > 1 ? (to - from) / (options.count - 1) : 0;
	for (let n = 0; n < options.count; n++) {
		const id = firstId + n;
		const stage = stages[n % stages.length];
		const deal = createDeal(catalog, id, { isPrivate: false });
		const actualCloseDate = Math.round(from + n * step);
		yield {
			...deal,
			created: Math.min(deal.created, actualCloseDate - 30 * DAY),
			stageId: stage.id,
			successProbability: stage.successProbability,
			actualCloseDate,
		};
	}
}

module.exports = { searchScenario, closedDeals, localTime };
