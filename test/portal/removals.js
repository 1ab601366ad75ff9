// @ts-check
'use strict';

/**
 * Parts of a portal an administrator removes, as the real server removes them (read from CommunityServer:
 * `CRMApi.ListItem.cs`, `ListItemDao.DeleteItem`, `DealMilestoneDao.Delete`, `CustomFieldDao.DeleteField`,
 * `ContactDao.DeleteBatchContactsExecute`), so that a test can make a part disappear between a delete and a
 * restore. Only what a later request sees is modelled; what the server refuses to remove throws an Error here
 * (a test asking for it is asking for a portal that cannot exist). Everything is per portal: the seed's shared
 * lists are copied or left alone.
 */

const { HISTORY_CATEGORIES, TASK_CATEGORIES } = require('./records');

/** @typedef {import('./seed').Catalog} Catalog */
/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./deals').DealStore} DealStore */
/** @typedef {import('./records').RecordStore} RecordStore */
/** @typedef {import('./auth').Authenticator} Authenticator */

/**
 * @typedef {object} RemovalContext
 * @property {Catalog} catalog
 * @property {DealStore} store
 * @property {RecordStore} records
 * @property {Authenticator} auth
 */

/**
 * A user terminated (or deleted) in People: no longer active, so gone from `GET people`, unable to sign in
 * (every token answers 401) and refused as a deal's or a task's responsible (400, the stand-in's check of an
 * unknown responsible). Rows that name the user (authors, responsibles, access lists of deals still there)
 * keep naming them, as the server's rows do. Returns the user's id.
 * @param {RemovalContext} context
 * @param {string} keyOrId  a demo user's key (admin, user, noCrm, twoFactor), a staff user's user name, or an id
 */
function removeUser({ catalog, auth }, keyOrId) {
	const wanted = keyOrId.trim().toLowerCase();
	const user = catalog.employees.find(
		(e) => e.key.toLowerCase() === wanted || e.id === wanted || e.userName === wanted,
	);
	if (!user) throw new Error(`no user ${keyOrId}`);
	if (user.terminated) throw new Error(`user ${keyOrId} is already removed`);
	user.terminated = true;
	auth.revokeAllOf(user.email);
	return user.id;
}

/**
 * DeleteCustomField (CustomFieldDao.DeleteField): the definition and every value of it go, in one
 * transaction; the server does not refuse a field that holds values. Afterwards `POST …/customfield/{id}`
 * answers 500 and `customFieldList` skips the ID.
 * @param {RemovalContext} context
 * @param {number} id
 */
function removeCustomField({ catalog, store }, id) {
	if (!catalog.fields.some((f) => f.id === id)) throw new Error(`no custom field ${id}`);
	// A new array: without records the catalog holds the seed's list, which every portal shares.
	catalog.fields = catalog.fields.filter((f) => f.id !== id);
	for (const deal of store.byId.values())
		if (deal.tenant === 'main' && deal.customFields.some((v) => v.fieldId === id))
			deal.customFields = deal.customFields.filter((v) => v.fieldId !== id);
}

/**
 * DeleteHistoryCategory / DeleteTaskCategory (ListItemDao.DeleteItem). A history category that any event
 * still uses cannot be deleted (HistoryCategoryHasRelatedEvents), nor the last category of its list, nor a
 * system one (-1, -2, -3). A task category's tasks move to `moveTo` (the web UI asks for one; the server
 * refuses without it when tasks use the category). Afterwards the category is gone from
 * `GET crm/history/category` / `GET crm/task/category`, and `POST history` refuses it (400), `POST task` too
 * (404).
 * @param {RemovalContext} context
 * @param {number} id
 * @param {{ moveTo?: number }} [options]
 */
function removeCategory({ records }, id, { moveTo } = {}) {
	const inHistory = HISTORY_CATEGORIES.some((c) => c.id === id);
	const list = inHistory ? HISTORY_CATEGORIES : TASK_CATEGORIES;
	if (!(id > 0) || !records.listItem(id)) throw new Error(`no history or task category ${id}`);
	if (list.filter((c) => c.id > 0 && records.listItem(c.id)).length < 2)
		throw new Error(`category ${id} is the last of its list: the server refuses to delete it`);
	if (inHistory) {
		const used = [...records.events.values()].filter((event) => event.categoryId === id);
		if (used.length > 0)
			throw new Error(
				`history category ${id} is used by events ${used.map((e) => e.id).join(', ')}: the server refuses to delete it`,
			);
	} else {
		const used = [...records.tasks.values()].filter((task) => task.categoryId === id);
		if (used.length > 0) {
			// ChangeRelativeItemsLink: the target must exist (any list item) and differ.
			if (moveTo === undefined || moveTo === id || !records.listItem(moveTo))
				throw new Error(
					`task category ${id} is used by tasks ${used.map((t) => t.id).join(', ')}: give another category to move them to`,
				);
			for (const task of used) task.categoryId = moveTo;
		}
	}
	records.removedCategories.add(id);
}

/**
 * DeleteBatchContactsExecute: the contact's events (and their files, hard-deleted) and tasks go — also those
 * of a deal; deals that had it as primary contact have none (`contact_id` 0); it leaves every deal's
 * participants; a company's people keep no company. Afterwards `POST opportunity` with it is 400,
 * `POST history` with it 400, `…/contact/{id}` 404, and `POST task` keeps no contact.
 * @param {RemovalContext} context
 * @param {number} id
 */
function removeContact({ catalog, store, records }, id) {
	const at = catalog.contacts.findIndex((c) => c.id === id);
	if (at < 0) throw new Error(`no contact ${id}`);
	const [contact] = catalog.contacts.splice(at, 1);
	for (const event of [...records.events.values()])
		if (event.contactId === id) {
			records.events.delete(event.id);
			for (const fileId of event.fileIds) records.files.delete(fileId);
		}
	for (const task of [...records.tasks.values()])
		if (task.contactId === id) records.tasks.delete(task.id);
	for (const deal of store.byId.values()) {
		if (deal.contactId === id) deal.contactId = null;
		if (deal.memberIds.includes(id)) deal.memberIds = deal.memberIds.filter((m) => m !== id);
	}
	if (contact.isCompany) {
		for (const person of catalog.peopleOf.get(id) ?? []) person.companyId = null;
		catalog.peopleOf.delete(id);
		catalog.companies = catalog.companies.filter((c) => c.id !== id);
	} else if (contact.companyId !== null) {
		const people = (catalog.peopleOf.get(contact.companyId) ?? []).filter((p) => p.id !== id);
		catalog.peopleOf.set(contact.companyId, people);
	}
}

/**
 * DeleteDealMilestone (DealMilestoneDao.Delete): refused while a deal of the portal is in the stage
 * (DealMilestoneHasRelatedDeals). Afterwards the stage is gone from `GET crm/opportunity/stage`, and
 * `POST opportunity` with it is 400 ("The stage is not found").
 * @param {RemovalContext} context
 * @param {number} id
 */
function removeStage({ catalog, store }, id) {
	const at = catalog.stages.findIndex((s) => s.id === id);
	if (at < 0) throw new Error(`no stage ${id}`);
	const deals = [...store.byId.values()].filter((d) => d.tenant === 'main' && d.stageId === id);
	if (deals.length > 0)
		throw new Error(
			`stage ${id} holds deals ${deals.map((d) => d.id).join(', ')}: the server refuses to delete it`,
		);
	catalog.stages.splice(at, 1); // in place: the deal store sorts by the same list
}

/**
 * Not an administrator's action: the server's currency table (`crm_currency_info`, shared by every portal
 * of the server) has no API to change it. This stands for a server whose table lacks the currency, e.g.
 * after an upgrade: gone from `GET crm/settings/currency`, and `POST opportunity` with it is 400. Deals that
 * carry it still show it.
 * @param {RemovalContext} context
 * @param {string} abbreviation
 */
function removeCurrency({ catalog }, abbreviation) {
	const wanted = abbreviation.trim().toUpperCase();
	const at = catalog.currencies.findIndex((c) => c.abbreviation === wanted);
	if (at < 0) throw new Error(`no currency ${abbreviation}`);
	catalog.currencies.splice(at, 1);
}

module.exports = {
	removeUser,
	removeCustomField,
	removeCategory,
	removeContact,
	removeStage,
	removeCurrency,
};
