// @ts-check
'use strict';

/**
 * The server's wrapper classes (OpportunityWrapper, EmployeeWraper, ContactBaseWrapper, …): how a stored row
 * becomes the object on the wire, with members in the wrapper's order and defaults left out.
 */

const { Decimal, apiDate, dropDefaults } = require('./wire');

/** @typedef {import('./seed').Catalog} Catalog */
/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./seed').Deal} Deal */
/** @typedef {import('./seed').Contact} Contact */
/** @typedef {import('./seed').Currency} Currency */

/**
 * How a deal is shown:
 * - 'single': GET opportunity/{id}; `accessList` always present (`[]` when public).
 * - 'list': the filter; `accessList` only on private deals.
 * - 'deleted': built after the row, its links and access rules are gone: no members, no custom fields,
 *   not private, no access list.
 * @typedef {'single' | 'list' | 'deleted'} DealForm
 */

const AVATAR_SMALL = '/skins/default/images/default_user_photo_size_32-32.png';

/**
 * @param {Catalog} catalog
 */
function createWrappers(catalog) {
	const employees = new Map(catalog.employees.map((e) => [e.id, e]));
	const contacts = new Map(catalog.contacts.map((c) => [c.id, c]));
	const stages = new Map(catalog.stages.map((s) => [s.id, s]));
	const currencies = new Map(catalog.currencies.map((c) => [c.abbreviation, c]));
	const offset = catalog.offsetMinutes;

	/**
	 * The seed's record of `key`; a key the seed does not have is a bug in the stand-in, not a portal behaviour.
	 * @template K, R
	 * @param {Map<K, R>} records
	 * @param {string} what
	 * @param {K} key
	 * @returns {R}
	 */
	function known(records, what, key) {
		const record = records.get(key);
		if (!record) throw new Error(`seed data refers to an unknown ${what} ${key}`);
		return record;
	}

	/**
	 * Users, contacts, stages and currencies never change, so each is wrapped once and the object reused:
	 * a 1000-deal response then costs one wrapper per deal, not a dozen.
	 * @template K, R, V
	 * @param {Map<K, R>} records
	 * @param {string} what
	 * @param {(record: R) => V} wrap
	 * @returns {(key: K) => V}
	 */
	function wrappedOnce(records, what, wrap) {
		/** @type {Map<K, V>} */
		const cache = new Map();
		return (key) => {
			let value = cache.get(key);
			if (value === undefined) cache.set(key, (value = wrap(known(records, what, key))));
			return value;
		};
	}

	const employee = wrappedOnce(employees, 'user', (e) =>
		dropDefaults({
			id: e.id,
			displayName: e.displayName,
			title: e.title || undefined, // an empty job title is left out, unlike other empty strings
			avatarSmall: AVATAR_SMALL,
			profileUrl: `/Products/People/Profile.aspx?user=${encodeURIComponent(e.userName)}`,
		}),
	);

	/** @param {Currency} c */
	function currency(c) {
		return dropDefaults({
			title: c.title,
			symbol: c.symbol,
			abbreviation: c.abbreviation,
			cultureName: c.cultureName,
			isConvertable: c.isConvertable,
			isBasic: c.isBasic,
		});
	}

	const currencyOf = wrappedOnce(currencies, 'currency', currency);

	/** Seeded contacts are all public, so no `accessList`; a private one (`privateContacts`) lists its readers. */
	const contact = wrappedOnce(contacts, 'contact', (c) => {
		const kind = c.isCompany ? 'company' : 'people';
		return dropDefaults(
			{
				smallFotoUrl: `/skins/default/images/empty_${kind}_logo_40_40.png`,
				mediumFotoUrl: `/skins/default/images/empty_${kind}_logo_82_82.png`,
				displayName: c.displayName,
				isCompany: c.isCompany,
				accessList: c.accessList?.map(employee),
				isPrivate: c.accessList !== undefined,
				isShared: c.shareType !== 0,
				shareType: c.shareType,
				currency: c.currency ? currencyOf(c.currency) : null,
				canEdit: true,
				canDelete: true,
				id: c.id,
			},
			['currency'],
		);
	});

	/** `sortOrder` is not filled in by the server's wrapper, so it never goes out. */
	const stage = wrappedOnce(stages, 'stage', (s) =>
		dropDefaults({
			successProbability: s.successProbability,
			stageType: s.stageType,
			title: s.title,
			description: s.description,
			color: s.color,
			id: s.id,
		}),
	);

	/**
	 * CustomFieldBaseWrapper of one value. The definitions are looked up when wrapped: the record store adds a
	 * Heading to them after the wrappers were made.
	 * @param {number} entityId
	 * @param {{ fieldId: number, value: string }} value
	 */
	function customField(entityId, value) {
		const f = catalog.fields.find((field) => field.id === value.fieldId);
		if (!f) throw new Error(`seed data refers to an unknown custom field ${value.fieldId}`);
		return dropDefaults({
			entityId,
			label: f.label,
			fieldValue: value.value,
			fieldType: f.fieldType,
			position: f.position,
			mask: f.mask,
			id: f.id,
		});
	}

	/**
	 * OpportunityWrapper. `canEdit` is always true here: every deal a caller can read, it can also edit.
	 * @param {Deal} deal
	 * @param {DealForm} form
	 */
	function opportunity(deal, form) {
		const deleted = form === 'deleted';
		const isPrivate = !deleted && deal.isPrivate;
		const accessList = isPrivate ? deal.accessList.map(employee) : [];
		return dropDefaults(
			{
				createBy: employee(deal.createById),
				created: apiDate(deal.created, offset),
				members: deleted ? [] : deal.memberIds.map(contact),
				contact: deal.contactId === null ? undefined : contact(deal.contactId),
				title: deal.title,
				description: deal.description,
				responsible: employee(deal.responsibleId),
				bidType: deal.bidType,
				bidValue: deal.bidValue ? new Decimal(deal.bidValue, 9) : 0,
				bidCurrency: currencyOf(deal.bidCurrency),
				perPeriodValue: deal.perPeriodValue,
				stage: stage(deal.stageId),
				successProbability: deal.successProbability,
				actualCloseDate: apiDate(deal.actualCloseDate, offset),
				expectedCloseDate: apiDate(deal.expectedCloseDate, offset),
				isPrivate,
				accessList: form === 'single' || isPrivate ? accessList : undefined,
				canEdit: true,
				customFields: deleted ? [] : deal.customFields.map((value) => customField(deal.id, value)),
				id: deal.id,
			},
			['isPrivate', 'canEdit'],
		);
	}

	/**
	 * EmployeeWraperFull, reduced: the base employee members first (as DataContract writes a base class),
	 * then the profile.
	 * @param {Employee} e
	 */
	function profile(e) {
		return dropDefaults({
			...employee(e.id),
			firstName: e.firstName,
			lastName: e.lastName,
			userName: e.userName,
			email: e.email,
			status: 1, // Active
			activationStatus: 1, // Activated
			department: '',
			workFrom: apiDate(Date.UTC(2021, 2, 1, 6), offset),
			isAdmin: e.isAdmin,
			isOwner: e.key === 'admin',
			isVisitor: false,
			cultureName: 'en-US',
		});
	}

	/**
	 * DealMilestoneWrapper: the stage with the number of deals in it (left out when 0), its own member first.
	 * @param {import('./seed').Stage} s
	 * @param {number} relativeItemsCount
	 */
	function stageWithCount(s, relativeItemsCount) {
		return { ...dropDefaults({ relativeItemsCount }), ...stage(s.id) };
	}

	/**
	 * TagWrapper: title, and the number of deals carrying it (left out when 0).
	 * @param {string} title
	 * @param {number} relativeItemsCount
	 */
	function tag(title, relativeItemsCount) {
		return dropDefaults({ title, relativeItemsCount });
	}

	return {
		employee,
		contact,
		customField,
		opportunity,
		profile,
		stageWithCount,
		tag,
		currencies: () => catalog.currencies.map(currency),
	};
}

/** @typedef {ReturnType<typeof createWrappers>} Wrappers */

module.exports = { createWrappers };
