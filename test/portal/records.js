// @ts-check
'use strict';

/**
 * What a deal's whole record holds beyond its row (docs/onlyoffice-api.md, "A deal's whole record"): history
 * events with their files, tasks, tags, and the field definitions; how each goes on the wire; and what the
 * delete takes with the deal. Seeded per deal from a PRNG stream of its own, so deal 7's record is the same
 * whatever else the portal holds. Off (no events, tasks or files) unless the portal has `records`.
 */

const crypto = require('crypto');

const { apiDate, dropDefaults } = require('./wire');
const { between, pick, randomBytes, stream, DAY } = require('./seed');

/** @typedef {import('./seed').Deal} Deal */
/** @typedef {import('./seed').Employee} Employee */
/** @typedef {import('./seed').Catalog} Catalog */
/** @typedef {import('./wrappers').Wrappers} Wrappers */

/**
 * @typedef {object} RecordsOptions  what each seeded deal holds (absent: random, a few of each)
 * @property {number} [eventsPerDeal]
 * @property {number} [filesPerDeal]
 * @property {number} [fileBytes]  every file this size (default: 200 B … 30 KB)
 * @property {number} [tasksPerDeal]
 * @property {number} [tagsPerDeal]
 * @property {number} [valuesPerDeal]  exactly this many custom-field values (default: the seed's own)
 * @property {number} [otherEvents]  events of contacts alone (entity null; they survive a delete), default 10
 * @property {number} [otherTasks]  tasks of contacts alone, default 3
 *
 * @typedef {object} HistoryEvent  a crm_relationship_event row
 * @property {number} id
 * @property {number | null} dealId
 * @property {number | null} contactId
 * @property {number} categoryId  > 0 a list category; -1 TaskClosed, -2 FilesUpload (-3 MailMessage is never stored:
 *   the server would fetch the mail, and the stand-in has none)
 * @property {string} content
 * @property {number} created  epoch ms
 * @property {string} createById
 * @property {number[]} fileIds
 *
 * @typedef {object} Task  a crm_task row
 * @property {number} id
 * @property {number | null} dealId
 * @property {number | null} contactId
 * @property {string} title
 * @property {string} description
 * @property {number} deadline  epoch ms
 * @property {number} alertValue  minutes before the deadline, 0: none
 * @property {string} responsibleId
 * @property {string} createById
 * @property {number} created
 * @property {boolean} isClosed
 * @property {number} categoryId
 *
 * @typedef {object} StoredFile  a files_file row (current version) and its content
 * @property {number} id
 * @property {string} title
 * @property {string} contentType
 * @property {Buffer} bytes
 * @property {number} created
 * @property {string} createById
 * @property {number | null} eventId  the first event it was attached to, which decides who may read it; null for
 *   an upload no event holds yet (nobody may read it)
 *
 * @typedef {object} NewEvent  what `POST history` and `POST …/files` store
 * @property {number | null} dealId
 * @property {number | null} contactId
 * @property {number} categoryId
 * @property {string} content
 * @property {number} created  epoch ms
 * @property {string} createById
 */

/** Categories of history (crm_list_item, list type 3) and the system ones, as `category` goes on the wire. */
const HISTORY_CATEGORIES = [
	{ id: 1, title: 'Note', description: '', color: '', imagePath: 'event_category_note.png' },
	{ id: 2, title: 'Email', description: '', color: '', imagePath: 'event_category_email.png' },
	{ id: 3, title: 'Phone call', description: '', color: '', imagePath: 'event_category_call.png' },
	{ id: 4, title: 'Meeting', description: '', color: '', imagePath: 'event_category_meeting.png' },
	{ id: -1, title: 'Task closed', description: '', color: '', imagePath: null },
	{ id: -2, title: 'Attached file', description: '', color: '', imagePath: null },
	{ id: -3, title: 'Mail message', description: '', color: '', imagePath: null },
];
const TASK_CATEGORIES = [
	{ id: 5, title: 'Call', description: '', color: '', imagePath: 'task_category_call.png' },
	{ id: 6, title: 'Email', description: '', color: '', imagePath: 'task_category_email.png' },
	{ id: 7, title: 'Meeting', description: '', color: '', imagePath: 'task_category_meeting.png' },
	{
		id: 8,
		title: 'Follow up',
		description: '',
		color: '',
		imagePath: 'task_category_follow_up.png',
	},
];
/**
 * ListItemDao.GetByID: any list item by id, whatever its list (a task category is a valid event category and
 * the other way round), or a system category for a negative id.
 * @param {number} id
 */
function listItem(id) {
	return [...HISTORY_CATEGORIES, ...TASK_CATEGORIES].find((c) => c.id === id);
}
const TAGS = ['hot lead', 'renewal', 'enterprise', 'needs legal', 'Q4', 'partner deal', 'upsell'];
const NOTES = [
	'Called the customer: they want the quote by Friday.',
	'Sent the revised proposal (v3) with the volume discount.',
	'Meeting notes: IT agrees, finance asks for 60-day terms.',
	'The customer asked to postpone the decision to next quarter.',
	'Lost to a competitor on price; keep in touch for the renewal.',
	'Zitat: "Bitte die Preise in EUR" — umgerechnet und geschickt.',
];
const FILE_KINDS = [
	{ name: 'Proposal', ext: '.pdf', contentType: 'application/pdf', fileType: 7 },
	{
		name: 'Contract',
		ext: '.docx',
		contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
		fileType: 7,
	},
	{
		name: 'Price list',
		ext: '.xlsx',
		contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
		fileType: 5,
	},
	{ name: 'Whiteboard photo', ext: '.png', contentType: 'image/png', fileType: 4 },
	{ name: 'Call notes', ext: '.txt', contentType: 'text/plain', fileType: 7 },
];
/** The CRM's folder in Files, where every file attached to a CRM event lives. */
const CRM_FOLDER_ID = 3;
/** A Heading custom field (type 4, never holds a value), added to the definitions when records are on. */
const HEADING_FIELD = {
	id: 12,
	label: 'Contract details',
	fieldType: /** @type {4} */ (4),
	position: 5,
	mask: '',
};

class RecordStore {
	/**
	 * @param {{ catalog: Catalog, wrappers: Wrappers, seed: number, offsetMinutes: number }} context
	 * @param {RecordsOptions | undefined} options  undefined: records off
	 */
	constructor(context, options) {
		this.catalog = context.catalog;
		this.wrappers = context.wrappers;
		this.seed = context.seed;
		this.offset = context.offsetMinutes;
		this.options = options;
		/** @type {Map<number, HistoryEvent>} */
		this.events = new Map();
		/** @type {Map<number, Task>} */
		this.tasks = new Map();
		/** @type {Map<number, StoredFile>} */
		this.files = new Map();
		/** @type {{ action: string, target: number[], description: string }[]} */
		this.audit = [];
		/** Where the portal is reached (set once the server listens). */
		this.baseUrl = '';
		/** The address the server believes it has, for `viewUrl` (behind a proxy: not `baseUrl`). */
		this.publicUrl = '';
		/** @type {'local' | 's3'} where file contents live: s3 answers a download with a redirect */
		this.fileStorage = 'local';
		this.lastEventId = 0;
		this.lastTaskId = 0;
		this.lastFileId = 0;
		/** @type {Map<string, boolean>} user id → Files' StoreOriginalFiles, as an upload saves it (default true) */
		this.storeOriginal = new Map();
		/** @type {Set<number>} history and task categories this portal's administrator deleted (removals.js) */
		this.removedCategories = new Set();
		// A copy: the seed's field list is shared by every portal of the process.
		if (options) this.catalog.fields = [...this.catalog.fields, { ...HEADING_FIELD }];
	}

	/**
	 * Seeds the record of every deal (call once, before serving), then the contacts' own events and tasks.
	 * @param {Iterable<Deal>} deals
	 * @param {(title: string) => void} addTag
	 */
	seedAll(deals, addTag) {
		const options = this.options;
		if (!options) return;
		for (const deal of deals) if (deal.tenant === 'main') this.seedDeal(deal, options, addTag);
		const random = stream(this.seed, 'contact records');
		// Private contacts (`privateContacts`) come after the seeded ones and take no part in the seed.
		const contacts = this.catalog.contacts.filter((c) => !c.accessList);
		for (let n = 0; n < (options.otherEvents ?? 10); n++) {
			const contact = pick(random, contacts);
			this.addEvent(random, { dealId: null, contactId: contact.id, after: Date.UTC(2023, 0, 2) });
		}
		for (let n = 0; n < (options.otherTasks ?? 3); n++) {
			const contact = pick(random, contacts);
			this.addTask(random, { dealId: null, contactId: contact.id, after: Date.UTC(2023, 0, 2) });
		}
	}

	/**
	 * @param {Deal} deal
	 * @param {RecordsOptions} options
	 * @param {(title: string) => void} addTag
	 */
	seedDeal(deal, options, addTag) {
		const random = stream(this.seed, `record:${deal.id}`);
		const tagCount = options.tagsPerDeal ?? between(random, 0, 2);
		const tags = new Set(deal.tags ?? []);
		while (tags.size < Math.min(tagCount + (deal.tags?.length ?? 0), TAGS.length))
			tags.add(pick(random, TAGS));
		deal.tags = [...tags];
		for (const tag of deal.tags) addTag(tag);
		if (options.valuesPerDeal !== undefined)
			deal.customFields = this.catalog.fields
				.filter((f) => f.fieldType !== 4)
				.slice(0, options.valuesPerDeal)
				.map((f) => ({ fieldId: f.id, value: fieldValue(f, deal) }));
		const on = { dealId: deal.id, after: deal.created };
		const withContact = () => (deal.contactId !== null && random() < 0.5 ? deal.contactId : null);
		/** @type {HistoryEvent[]} */
		const events = [];
		for (let n = options.eventsPerDeal ?? between(random, 0, 5); n > 0; n--)
			events.push(this.addEvent(random, { ...on, contactId: withContact() }));
		const fileCount = options.filesPerDeal ?? (random() < 0.4 ? between(random, 1, 2) : 0);
		for (let n = 0; n < fileCount; n++) {
			/** @type {HistoryEvent} */
			const event =
				events[n % Math.max(1, events.length)] ??
				this.addEvent(random, { ...on, contactId: withContact(), categoryId: -2 });
			if (events.length === 0) events.push(event);
			this.attachFile(random, event, options.fileBytes);
		}
		for (let n = options.tasksPerDeal ?? between(random, 0, 3); n > 0; n--)
			this.addTask(random, { ...on, contactId: withContact() });
	}

	/**
	 * @param {() => number} random
	 * @param {{ dealId: number | null, contactId: number | null, after: number, categoryId?: number }} on
	 */
	addEvent(random, on) {
		const categoryId = on.categoryId ?? pick(random, [1, 1, 1, 2, 3, 4, -1]);
		/** @type {HistoryEvent} */
		const event = {
			id: ++this.lastEventId,
			dealId: on.dealId,
			contactId: on.contactId,
			categoryId,
			content:
				categoryId === -1
					? `Task closed: ${pick(random, ['Call back', 'Send quote'])}`
					: pick(random, NOTES),
			// Whole seconds: the server stores event dates to the second.
			created: Math.floor((on.after + between(random, 1, 200 * 24) * 3_600_000) / 1000) * 1000,
			createById: pick(random, this.crmUsers()).id,
			fileIds: [],
		};
		this.events.set(event.id, event);
		return event;
	}

	/**
	 * @param {() => number} random
	 * @param {HistoryEvent} event
	 * @param {number} [size]
	 */
	attachFile(random, event, size) {
		const kind = pick(random, FILE_KINDS);
		const id = ++this.lastFileId;
		/** @type {StoredFile} */
		const file = {
			id,
			title: `${kind.name} ${id}${kind.ext}`,
			contentType: kind.contentType,
			bytes: randomBytes(random, size ?? between(random, 200, 30_000)),
			created: event.created,
			createById: event.createById,
			eventId: event.id,
		};
		this.files.set(id, file);
		event.fileIds.push(id);
	}

	/**
	 * @param {() => number} random
	 * @param {{ dealId: number | null, contactId: number | null, after: number }} on
	 */
	addTask(random, on) {
		const created = Math.floor((on.after + between(random, 1, 100) * DAY) / 1000) * 1000;
		const users = this.crmUsers();
		/** @type {Task} */
		const task = {
			id: ++this.lastTaskId,
			dealId: on.dealId,
			contactId: on.contactId,
			title: pick(random, [
				'Call back',
				'Send the quote',
				'Prepare the demo',
				'Check the contract',
			]),
			description: random() < 0.5 ? '' : 'Ask about the budget for next year.',
			deadline: created + between(random, 1, 30) * DAY,
			alertValue: pick(random, [0, 0, 15, 60]),
			responsibleId: pick(random, users).id,
			createById: pick(random, users).id,
			created,
			isClosed: random() < 0.4,
			categoryId: pick(random, TASK_CATEGORIES).id,
		};
		this.tasks.set(task.id, task);
	}

	/**
	 * A history event as `POST history` (or `POST …/files`) stores it: the next id, dates to the second (the
	 * column has no fraction), no files yet.
	 * @param {NewEvent} fields
	 */
	createEvent(fields) {
		/** @type {HistoryEvent} */
		const event = {
			id: ++this.lastEventId,
			...fields,
			created: toSecond(fields.created),
			fileIds: [],
		};
		this.events.set(event.id, event);
		return event;
	}

	/**
	 * RelationshipEventDao.AttachFiles: tags each file with the event. IDs of files that do not exist are tagged
	 * too but never show; a file that already has an event keeps the first one's access.
	 * @param {HistoryEvent} event
	 * @param {number[]} fileIds
	 */
	attach(event, fileIds) {
		for (const id of fileIds) {
			const file = this.files.get(id);
			if (!file || event.fileIds.includes(id)) continue;
			event.fileIds.push(id);
			file.eventId ??= event.id;
		}
	}

	/**
	 * A file uploaded into the CRM's folder (`…/files/upload`): stored, but attached to no event.
	 * @param {{ title: string, contentType: string, bytes: Buffer, created: number, createById: string }} fields
	 */
	storeUpload(fields) {
		/** @type {StoredFile} */
		const file = { id: ++this.lastFileId, ...fields, eventId: null };
		this.files.set(file.id, file);
		return file;
	}

	/**
	 * A task as `POST task` stores it: the next id, open, dates to the second.
	 * @param {Omit<Task, 'id' | 'isClosed'>} fields
	 */
	createTask(fields) {
		/** @type {Task} */
		const task = {
			id: ++this.lastTaskId,
			...fields,
			deadline: toSecond(fields.deadline),
			created: toSecond(fields.created),
			isClosed: false,
		};
		this.tasks.set(task.id, task);
		return task;
	}

	/**
	 * ListItemDao.GetByID on this portal: a list item of any list, or a system category, unless deleted.
	 * @param {number} id
	 */
	listItem(id) {
		return this.removedCategories.has(id) ? undefined : listItem(id);
	}

	/** Files uploaded and attached to no event yet, oldest first. */
	unattached() {
		return [...this.files.values()].filter((file) => file.eventId === null);
	}

	/** Who writes events and tasks: CRM users of every portal (not `extraUsers`, so the records do not change with them). */
	crmUsers() {
		return this.catalog.employees.filter(
			(e) => e.crm !== 'none' && !e.userName.startsWith('staff'),
		);
	}

	/**
	 * The cascade of a deleted deal (DealDao.DeleteBatchDeals): its events, tasks and tag links go in the
	 * transaction (values and contact links live on the row here), then every file of its events is hard-deleted.
	 * Contacts' own events and tasks stay.
	 * @param {Deal} deal
	 */
	removeDeal(deal) {
		for (const event of [...this.events.values()])
			if (event.dealId === deal.id) {
				this.events.delete(event.id);
				for (const fileId of event.fileIds) this.files.delete(fileId);
			}
		for (const task of [...this.tasks.values()])
			if (task.dealId === deal.id) this.tasks.delete(task.id);
	}

	/**
	 * The audit row of one bulk delete: the IDs asked for, the titles deleted (written even when none were).
	 * @param {number[]} requested
	 * @param {Deal[]} deleted
	 */
	auditDelete(requested, deleted) {
		this.audit.push({
			action: 'OpportunitiesDeleted',
			target: [...requested],
			description: deleted.map((deal) => deal.title).join(', '),
		});
	}

	/**
	 * @param {HistoryEvent | Task} row
	 * @param {(id: number) => Deal | undefined} dealOf  the deal as `user` may read it
	 */
	entityOf(row, dealOf) {
		if (row.dealId === null) return null;
		const deal = dealOf(row.dealId);
		return deal ? { entityType: 'opportunity', entityId: deal.id, entityTitle: deal.title } : null;
	}

	/**
	 * RelationshipEventWrapper. `entity` is null for a contact's event and for a deal `user` may not read.
	 * @param {HistoryEvent} event
	 * @param {Employee} user
	 * @param {(id: number) => Deal | undefined} dealOf
	 */
	eventWire(event, user, dealOf) {
		const w = this.wrappers;
		const category = this.listItem(event.categoryId);
		// A file deleted with another deal's event leaves its ID on a contact's event: it no longer shows.
		const files = event.fileIds
			.map((id) => this.files.get(id))
			.filter((file) => file !== undefined);
		return dropDefaults(
			{
				createBy: w.employee(event.createById),
				created: apiDate(event.created, this.offset),
				content: event.content,
				category: category && categoryWire(category),
				contact: event.contactId === null ? undefined : w.contact(event.contactId),
				entity: this.entityOf(event, dealOf),
				canEdit: user.crm === 'admin' || event.createById === user.id,
				files: files.length > 0 ? files.map((file) => this.fileWire(file)) : undefined,
				id: event.id,
			},
			['entity'],
		);
	}

	/**
	 * TaskWrapper: `isClosed` and `entity` left out when false / none; `canEdit` always written.
	 * @param {Task} task
	 * @param {Employee} user
	 * @param {(id: number) => Deal | undefined} dealOf
	 */
	taskWire(task, user, dealOf) {
		const w = this.wrappers;
		const category = this.listItem(task.categoryId);
		return dropDefaults(
			{
				createBy: w.employee(task.createById),
				created: apiDate(task.created, this.offset),
				contact: task.contactId === null ? undefined : w.contact(task.contactId),
				title: task.title,
				description: task.description,
				deadLine: apiDate(task.deadline, this.offset),
				alertValue: task.alertValue,
				responsible: w.employee(task.responsibleId),
				isClosed: task.isClosed,
				category: category && categoryWire(category),
				entity: this.entityOf(task, dealOf) ?? undefined,
				canEdit:
					user.crm === 'admin' || task.responsibleId === user.id || task.createById === user.id,
				id: task.id,
			},
			['canEdit'],
		);
	}

	/** @param {StoredFile} file  FileWrapper, in wire order */
	fileWire(file) {
		const w = this.wrappers;
		const ext = file.title.slice(file.title.lastIndexOf('.'));
		const kind = FILE_KINDS.find((k) => k.ext === ext);
		return dropDefaults({
			folderId: CRM_FOLDER_ID,
			version: 1,
			versionGroup: 1,
			contentLength: contentLength(file.bytes.length),
			pureContentLength: file.bytes.length,
			fileStatus: 0,
			viewUrl: `${this.publicUrl}/Products/Files/HttpHandlers/filehandler.ashx?action=download&fileid=${file.id}`,
			webUrl: `${this.publicUrl}/Products/Files/DocEditor.aspx?fileid=${file.id}`,
			fileType: kind?.fileType ?? 0,
			fileExst: ext,
			comment: '',
			encrypted: false,
			id: file.id,
			title: file.title,
			access: 0,
			shared: false,
			rootFolderType: 8, // BUNCH: the CRM's own folder tree
			updatedBy: w.employee(file.createById),
			created: apiDate(file.created, this.offset),
			createdBy: w.employee(file.createById),
			updated: apiDate(file.created, this.offset),
		});
	}

	/**
	 * CustomFieldWrapper of a definition: `entityId` -1, `fieldValue` " ", how many deals hold a value.
	 * @param {Iterable<Deal>} deals  this portal's deals
	 */
	definitionsWire(deals) {
		/** @type {Map<number, number>} */
		const counts = new Map();
		for (const deal of deals)
			for (const value of deal.customFields)
				if (value.value !== '') counts.set(value.fieldId, (counts.get(value.fieldId) ?? 0) + 1);
		return [...this.catalog.fields]
			.sort((a, b) => a.position - b.position || a.id - b.id)
			.map((f) =>
				dropDefaults({
					relativeItemsCount: counts.get(f.id) ?? 0,
					entityId: -1,
					label: f.label,
					fieldValue: ' ',
					fieldType: f.fieldType,
					position: f.position,
					mask: f.mask,
					id: f.id,
				}),
			);
	}

	/**
	 * The Heading fields as `GET opportunity/{id}` adds them to a deal's values: entity 0, empty value.
	 */
	headingsWire() {
		return this.catalog.fields
			.filter((f) => f.fieldType === 4)
			.map((f) =>
				dropDefaults({
					entityId: 0,
					label: f.label,
					fieldValue: '',
					fieldType: f.fieldType,
					position: f.position,
					mask: f.mask,
					id: f.id,
				}),
			);
	}

	/**
	 * The storage's signature of an object's address (stands for S3's presigned query).
	 * @param {string} object
	 */
	signature(object) {
		return crypto.createHmac('sha256', `storage-${this.seed}`).update(object).digest('hex');
	}

	/**
	 * Whether the caller may download a file (FileSecurity.CanRead): it is attached through an event of a deal
	 * the caller can read, or of a contact the caller can read (every seeded one). An upload no event holds yet
	 * is readable by nobody, not even an administrator: the check finds no event to ask.
	 * @param {StoredFile} file
	 * @param {(id: number) => Deal | undefined} dealOf  the deal as the caller may read it
	 * @param {(id: number) => boolean} [canReadContact]  default: every contact
	 */
	canDownload(file, dealOf, canReadContact = () => true) {
		const event = file.eventId === null ? undefined : this.events.get(file.eventId);
		if (!event) return false;
		if (event.dealId !== null) return dealOf(event.dealId) !== undefined;
		return event.contactId === null || canReadContact(event.contactId);
	}
}

/**
 * A value of the field's type, as the web UI stores it.
 * @param {import('./seed').FieldDef} field
 * @param {Deal} deal
 */
function fieldValue(field, deal) {
	switch (field.fieldType) {
		case 2:
			return JSON.parse(field.mask)[deal.id % JSON.parse(field.mask).length];
		case 3:
			return deal.id % 2 === 0 ? 'true' : 'false';
		case 5:
			return '01/15/2027';
		default:
			return `${field.label} of deal ${deal.id}`;
	}
}

/** @param {{ id: number, title: string, description: string, color: string, imagePath: string | null }} c */
function categoryWire(c) {
	return dropDefaults(
		{
			imagePath: c.imagePath,
			title: c.title,
			description: c.description,
			color: c.color,
			sortOrder: 0,
			id: c.id,
		},
		['imagePath'],
	);
}

/** A date as a DATETIME column keeps it: whole seconds. @param {number} epochMs */
function toSecond(epochMs) {
	return Math.floor(epochMs / 1000) * 1000;
}

/** FileSizeComment.FilesSizeToString: "812 bytes", "12.06 KB", "3.20 MB". @param {number} bytes */
function contentLength(bytes) {
	if (bytes < 1024) return `${bytes} bytes`;
	if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(2)} KB`;
	return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * GetHistoryCategories / GetTaskCategories (`GET crm/history/category`, `GET crm/task/category`): a list's
 * categories in their order, each with how many events or tasks use it (the system ones are not listed).
 * @param {'history' | 'task'} list
 * @param {RecordStore} records
 */
function categoryList(list, records) {
	const categories = (list === 'history' ? HISTORY_CATEGORIES : TASK_CATEGORIES).filter(
		(c) => c.id > 0 && !records.removedCategories.has(c.id),
	);
	const uses = new Map();
	for (const item of list === 'history' ? records.events.values() : records.tasks.values())
		uses.set(item.categoryId, (uses.get(item.categoryId) ?? 0) + 1);
	return categories.map((c, sortOrder) => ({
		relativeItemsCount: uses.get(c.id) ?? 0,
		imagePath: c.imagePath,
		title: c.title,
		description: c.description,
		color: c.color,
		sortOrder,
		id: c.id,
	}));
}

module.exports = {
	RecordStore,
	HISTORY_CATEGORIES,
	TASK_CATEGORIES,
	categoryList,
	listItem,
	toSecond,
};
