// @ts-check
'use strict';

/**
 * The portal's deal table and CRMSecurity's rules for it. Deals are kept in a Map by id, inserted in
 * ascending id order, so listing them needs no sort.
 */

/** @typedef {import('./seed').Deal} Deal */
/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./seed').Stage} Stage */

/**
 * Whether `user` can read (and so edit and delete) `deal`. CanDelete == CanEdit: a CRM admin, the
 * responsible user, the creator, anyone on the access list, anyone at all when the deal is not private.
 * Under these rules every deal a user can read, it can also delete; deals of another tenant are invisible.
 * @param {Employee} user
 * @param {Deal} deal
 */
function canAccess(user, deal) {
	if (deal.tenant !== 'main') return false;
	if (user.crm === 'admin' || !deal.isPrivate) return true;
	return (
		deal.responsibleId === user.id ||
		deal.createById === user.id ||
		deal.accessList.includes(user.id)
	);
}

/**
 * @typedef {object} DealQuery  the filter's parameters
 * @property {string} [keyword]  every word must appear in the title or description (case-insensitive)
 * @property {number} [stageType]
 * @property {string} [responsibleId]
 * @property {number} [stageId]
 * @property {number} [contactId]
 * @property {string} [sortBy]  title, responsible, stage, bidValue, dateAndTime, id (case-insensitive)
 * @property {boolean} [descending]
 */

class DealStore {
	/**
	 * @param {Iterable<Deal>} deals  in ascending id order
	 * @param {{ stages: Stage[], displayNameOf: (userId: string) => string }} lookups  for stage-type filters and sorting
	 */
	constructor(deals, lookups) {
		/** @type {Map<number, Deal>} */
		this.byId = new Map();
		/** @type {number[]} */
		this.deleted = [];
		this.stages = new Map(lookups.stages.map((s, index) => [s.id, { ...s, order: index }]));
		this.displayNameOf = lookups.displayNameOf;
		this.lastId = 0;
		for (const deal of deals) this.add(deal);
	}

	/** @param {Deal} deal */
	add(deal) {
		if (deal.id <= this.lastId)
			throw new Error(`deal ids must ascend: ${deal.id} after ${this.lastId}`);
		this.byId.set(deal.id, deal);
		this.lastId = deal.id;
	}

	/** @param {number} id */
	get(id) {
		return this.byId.get(id);
	}

	/**
	 * @param {Employee} user
	 * @param {number} id
	 */
	readable(user, id) {
		const deal = this.byId.get(id);
		return deal && canAccess(user, deal) ? deal : undefined;
	}

	/**
	 * DeleteBatchDeals: loads the deals among `ids` (duplicates once), keeps those `user` may delete, deletes
	 * them and returns them in ascending id order (the order of the database's `IN` query).
	 * @param {Employee} user
	 * @param {number[]} ids
	 */
	deleteMany(user, ids) {
		const deals = this.loadDeletable(user, ids);
		this.removeLoaded(deals);
		return deals;
	}

	/**
	 * DeleteBatchDeals' first step: the deals among `ids` (duplicates once) that `user` may delete, in
	 * ascending id order. Nothing is deleted yet.
	 * @param {Employee} user
	 * @param {number[]} ids
	 */
	loadDeletable(user, ids) {
		const deals = [];
		for (const id of new Set(ids)) {
			const deal = this.readable(user, id);
			if (deal) deals.push(deal);
		}
		deals.sort((a, b) => a.id - b.id);
		return deals;
	}

	/**
	 * DeleteBatchDeals' second step: deletes the loaded deals still there. A deal that an overlapping request
	 * deleted in between is skipped here, yet still returned by both requests, as the real server does.
	 * @param {Deal[]} deals
	 */
	removeLoaded(deals) {
		for (const deal of deals) if (this.byId.get(deal.id) === deal) this.remove(deal);
	}

	/** @param {Deal} deal */
	remove(deal) {
		this.byId.delete(deal.id);
		this.deleted.push(deal.id);
	}

	/** Ids of this portal's deals, ascending. */
	ids() {
		const ids = [];
		for (const deal of this.byId.values()) if (deal.tenant === 'main') ids.push(deal.id);
		return ids;
	}

	/**
	 * The deals `user` can read that match `query`, sorted (ties by id).
	 * @param {Employee} user
	 * @param {DealQuery} query
	 */
	query(user, query) {
		const words = (query.keyword ?? '').toLowerCase().split(/\s+/).filter(Boolean);
		const matches = [];
		for (const deal of this.byId.values()) {
			if (!canAccess(user, deal)) continue;
			if (query.stageType !== undefined && this.stageOf(deal).stageType !== query.stageType)
				continue;
			if (query.stageId !== undefined && deal.stageId !== query.stageId) continue;
			if (query.responsibleId !== undefined && deal.responsibleId !== query.responsibleId) continue;
			if (
				query.contactId !== undefined &&
				deal.contactId !== query.contactId &&
				!deal.memberIds.includes(query.contactId)
			)
				continue;
			if (words.length > 0) {
				const text = `${deal.title}\n${deal.description}`.toLowerCase();
				if (!words.every((word) => text.includes(word))) continue;
			}
			matches.push(deal);
		}
		const key = this.sortKey(query.sortBy);
		const direction = query.descending ? -1 : 1;
		if (key) {
			matches.sort((a, b) => {
				const ka = key(a);
				const kb = key(b);
				return (ka < kb ? -direction : ka > kb ? direction : 0) || a.id - b.id;
			});
		} else if (query.descending) {
			matches.reverse();
		}
		return matches;
	}

	/**
	 * A sort key for `sortBy`, or undefined for id order (which the Map already has).
	 * @param {string | undefined} sortBy
	 * @returns {((deal: Deal) => string | number) | undefined}
	 */
	sortKey(sortBy) {
		switch ((sortBy ?? '').toLowerCase()) {
			case 'title':
				return (d) => d.title.toLowerCase();
			case 'responsible':
				return (d) => this.displayNameOf(d.responsibleId).toLowerCase();
			case 'stage':
				return (d) => this.stageOf(d).order;
			case 'bidvalue':
				return (d) => d.bidValue;
			case 'dateandtime': // the expected close date; unset sorts first, like DateTime.MinValue
				return (d) => d.expectedCloseDate ?? -Infinity;
			default:
				return undefined;
		}
	}

	/** @param {Deal} deal */
	stageOf(deal) {
		const stage = this.stages.get(deal.stageId);
		if (!stage) throw new Error(`deal ${deal.id} refers to an unknown stage ${deal.stageId}`);
		return stage;
	}
}

module.exports = { DealStore };
