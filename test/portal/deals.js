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
 * CRMSecurity.CanAccessTo(contact): seeded contacts are readable by every CRM user; a private one (with an
 * access list) only by CRM administrators and the users on its list.
 * @param {Employee} user
 * @param {import('./seed').Contact} contact
 */
function canAccessContact(user, contact) {
	return !contact.accessList || user.crm === 'admin' || contact.accessList.includes(user.id);
}

/** How TagDao compares tag titles: trimmed, case-insensitive. @param {string} title */
function tagKey(title) {
	return title.trim().toLowerCase();
}

/**
 * TagDao's lookup: a tag equal to `title` after trim + lower-case is the tag (its stored casing wins);
 * otherwise `title` becomes a new one. Returns the title as stored.
 * @param {string[]} tags  the portal's tags, in creation order (appended to)
 * @param {string} title
 */
function storedTag(tags, title) {
	const key = tagKey(title);
	const found = tags.find((t) => tagKey(t) === key);
	if (found !== undefined) return found;
	tags.push(title);
	return title;
}

/**
 * @typedef {object} DealQuery  the filter's parameters, as DealDao.GetDeals takes them
 * @property {string} [keyword]  every space-separated word must start the title or description or follow a space in it
 * @property {number} [stageType]
 * @property {string} [responsibleId]
 * @property {number} [stageId]
 * @property {number} [contactId]
 * @property {boolean} [contactAlsoIsParticipant]
 * @property {string[]} [tags]  the deal must carry all of them (trim + lower-case match)
 * @property {number} [fromDate]  epoch ms; the range applies only when both ends are given
 * @property {number} [toDate]
 * @property {string} [sortBy]  title, responsible, stage, bidValue, dateAndTime, id (case-insensitive, or the
 *   enum's number); absent: by stage; anything else: the DAO's unsorted order (stage, contact, title)
 * @property {boolean} [descending]
 */

/** DateTime.MinValue as a sort key: an unset date sorts first ascending, last descending. */
const UNSET = -8.64e15;

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
		/** @type {((deal: Deal) => void) | undefined} what else goes with a deleted deal (its record) */
		this.onRemove = undefined;
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
		this.onRemove?.(deal);
	}

	/** Ids of this portal's deals, ascending. */
	ids() {
		const ids = [];
		for (const deal of this.byId.values()) if (deal.tenant === 'main') ids.push(deal.id);
		return ids;
	}

	/**
	 * The deals `user` can read that match `query`, in the order the database gives them (ties by id).
	 * @param {Employee} user
	 * @param {DealQuery} query
	 */
	query(user, query) {
		const matches = [];
		for (const deal of this.byId.values())
			if (canAccess(user, deal) && this.matches(deal, query)) matches.push(deal);
		const compare = this.comparator(query.sortBy, query.descending ?? false);
		return matches.sort((a, b) => compare(a, b) || a.id - b.id);
	}

	/**
	 * WhereConditional and the HAVING on close_date. A request with filters none of which survive (only one date
	 * given) matches nothing; without any filter everything matches.
	 * @param {Deal} deal
	 * @param {DealQuery} q
	 */
	matches(deal, q) {
		const hasRange = q.fromDate !== undefined && q.toDate !== undefined;
		const words = (q.keyword ?? '').trim().split(' ').filter(Boolean);
		const conditions =
			words.length > 0 ||
			(q.tags !== undefined && q.tags.length > 0) ||
			(q.contactId ?? 0) > 0 ||
			q.stageId !== undefined ||
			q.responsibleId !== undefined ||
			q.stageType !== undefined;
		const withParams =
			conditions ||
			q.contactAlsoIsParticipant !== undefined ||
			q.fromDate !== undefined ||
			q.toDate !== undefined;
		if (withParams && !conditions && !hasRange) return false;
		if (words.length > 0) {
			const fields = [deal.title.toLowerCase(), deal.description.toLowerCase()];
			const startsWord = (/** @type {string} */ word) =>
				fields.some((text) => text.startsWith(word) || text.includes(` ${word}`));
			if (!words.every((word) => startsWord(word.toLowerCase()))) return false;
		}
		if (q.tags !== undefined && q.tags.length > 0) {
			const wanted = new Set(q.tags.map(tagKey));
			const carried = (deal.tags ?? []).filter((t) => wanted.has(tagKey(t))).length;
			if (carried !== q.tags.length) return false; // HAVING count = the number of tags asked for
		}
		if (q.contactId !== undefined && q.contactId > 0 && !this.contactMatches(deal, q)) return false;
		if (q.stageId !== undefined && deal.stageId !== q.stageId) return false;
		if (q.responsibleId !== undefined && deal.responsibleId !== q.responsibleId) return false;
		if (q.stageType !== undefined && this.stageOf(deal).stageType !== q.stageType) return false;
		if (hasRange) {
			const close = this.closeDate(deal);
			if (close === null || close < Number(q.fromDate) || close > Number(q.toDate)) return false;
		}
		return true;
	}

	/**
	 * The primary contact; with contactAlsoIsParticipant, the deals the contact takes part in — and only when it
	 * takes part in none, those it is the primary contact of.
	 * @param {Deal} deal
	 * @param {DealQuery} q
	 */
	contactMatches(deal, q) {
		if (!q.contactAlsoIsParticipant) return deal.contactId === q.contactId;
		const contactId = Number(q.contactId);
		let participates = false;
		for (const other of this.byId.values())
			if (other.tenant === 'main' && other.memberIds.includes(contactId)) {
				participates = true;
				break;
			}
		return participates ? deal.memberIds.includes(contactId) : deal.contactId === contactId;
	}

	/**
	 * close_date: the expected close date while the stage is Open, the actual one once closed.
	 * @param {Deal} deal
	 * @returns {number | null}
	 */
	closeDate(deal) {
		return this.stageOf(deal).stageType === 0 ? deal.expectedCloseDate : deal.actualCloseDate;
	}

	/**
	 * ORDER BY of GetCrudeDeals. Unset dates are MinValue, no contact is 0, GUIDs compare as text, titles
	 * case-insensitively.
	 * @param {string | undefined} sortBy
	 * @param {boolean} descending
	 * @returns {(a: Deal, b: Deal) => number}
	 */
	comparator(sortBy, descending) {
		const dir = descending ? -1 : 1;
		/** @type {(key: (d: Deal) => string | number, direction?: number) => (a: Deal, b: Deal) => number} */
		const by =
			(key, direction = 1) =>
			(a, b) => {
				const ka = key(a);
				const kb = key(b);
				return ka < kb ? -direction : ka > kb ? direction : 0;
			};
		const then =
			(/** @type {((a: Deal, b: Deal) => number)[]} */ ...parts) =>
			(/** @type {Deal} */ a, /** @type {Deal} */ b) => {
				for (const part of parts) {
					const result = part(a, b);
					if (result) return result;
				}
				return 0;
			};
		const stageOrder = (/** @type {Deal} */ d) => this.stageOf(d).order;
		const contact = by((d) => d.contactId ?? 0);
		const title = by((d) => d.title.toLowerCase());
		const byStageThenRest = (/** @type {number} */ direction) =>
			then(
				by(stageOrder, direction),
				contact,
				by((d) => d.actualCloseDate ?? UNSET, -1),
				by((d) => d.expectedCloseDate ?? UNSET),
				title,
			);
		switch (sortKind(sortBy)) {
			case 'none':
				return byStageThenRest(1);
			case 'title':
				return by((d) => d.title.toLowerCase(), dir);
			case 'responsible':
				return then(
					by((d) => d.responsibleId, dir),
					byStageThenRest(dir),
				);
			case 'stage':
				return byStageThenRest(dir);
			case 'bidvalue':
				return by((d) => d.bidValue, dir);
			case 'dateandtime':
				return by((d) => this.closeDate(d) ?? UNSET, dir);
			case 'id':
				return by((d) => d.id, dir);
			default: // not a DealSortedByType: the DAO's order without ORDER BY field
				return then(by(stageOrder), contact, title);
		}
	}

	/** Deals per stage id (every deal of the portal, private ones included), for the stage list. */
	stageCounts() {
		/** @type {Map<number, number>} */
		const counts = new Map();
		for (const deal of this.byId.values())
			if (deal.tenant === 'main') counts.set(deal.stageId, (counts.get(deal.stageId) ?? 0) + 1);
		return counts;
	}

	/** Deals per tag, by trimmed lower-case title. */
	tagCounts() {
		/** @type {Map<string, number>} */
		const counts = new Map();
		for (const deal of this.byId.values())
			if (deal.tenant === 'main')
				for (const tag of new Set((deal.tags ?? []).map(tagKey)))
					counts.set(tag, (counts.get(tag) ?? 0) + 1);
		return counts;
	}

	/** @param {Deal} deal */
	stageOf(deal) {
		const stage = this.stages.get(deal.stageId);
		if (!stage) throw new Error(`deal ${deal.id} refers to an unknown stage ${deal.stageId}`);
		return stage;
	}
}

const SORT_FIELDS = ['title', 'responsible', 'stage', 'bidvalue', 'dateandtime', 'id'];

/**
 * How GetDeals reads `sortBy`: absent or empty → 'none' (by stage, ascending, paged); a DealSortedByType name
 * (any case) or its number → that field (paged); a number that is not one of them → 'unknown' (paged, the
 * DAO's fallback order); anything else → 'unparsed' (not paged, the DAO's fallback order).
 * @param {string | undefined} sortBy
 */
function sortKind(sortBy) {
	if (sortBy === undefined || sortBy === '') return 'none';
	const text = sortBy.trim().toLowerCase();
	if (SORT_FIELDS.includes(text)) return text;
	if (/^[-+]?\d+$/.test(text)) return SORT_FIELDS[Number(text)] ?? 'unknown';
	return 'unparsed';
}

module.exports = { DealStore, canAccess, canAccessContact, sortKind, storedTag, tagKey };
