import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { dateMs, nested } from '../common/output/opportunityRecord';
import { tagKey } from '../common/record/dealReads';
import type { PortalConnection } from '../common/transport';
import { callPortal, PortalFailure } from '../common/transport';
import { settle } from '../common/transport/concurrently';
import type { ArchivedFile, ArchivedRecord } from './archivedRecords';
import type { NotRestored } from './dealBody';
import type { PortalLists } from './portalLists';

const CRM = '/api/2.0/crm';
/** ONLYOFFICE's system category of a mail event, which only the mail module can create. */
const MAIL_CATEGORY = -3;

/** What the restored deal holds now: read back, or as the create answered (nothing else yet). */
export interface CurrentParts {
	deal: IDataObject;
	tags: string[];
	history: IDataObject[];
	tasks: IDataObject[];
}

/** How far a restore got: the new deal, and files uploaded that no event holds yet (they sit unattached). */
export interface RestoreProgress {
	id?: number;
	/** Whether the new deal carries its marker tag, by which the next run finds it. */
	marked?: boolean;
	/** The file being uploaded: if its answer is lost, it may sit unattached under an ID nobody was told. */
	uploading?: string;
	unattached: number[];
	/** Files uploaded in this run (each with storeOriginalFileFlag, which ONLYOFFICE saves as a setting). */
	uploads: number;
}

/** Sends one write of a restore to the portal and answers its `response`. */
export function sender(this: IExecuteFunctions, connection: PortalConnection): Send {
	return async (method, path, body, creates = false) =>
		(await callPortal.call(this, { method, path: `${CRM}/${path}`, body, creates }, connection))
			.envelope.response as IDataObject;
}

/**
 * Gives the restored deal `id` the record's creation date and the custom values it lacks, and reports the
 * members the portal dropped. Parts are compared, not counted, so a re-run sends only what is missing.
 */
export async function restoreDealFields(
	this: IExecuteFunctions,
	id: number,
	record: ArchivedRecord,
	current: CurrentParts,
	lists: PortalLists,
	connection: PortalConnection,
	notRestored: NotRestored[],
): Promise<void> {
	const send = sender.call(this, connection);
	const { deal } = record;
	if (dateMs(current.deal.created) !== dateMs(deal.created))
		await send('PUT', `opportunity/${id}/creationdate.json`, { creationDate: deal.created });
	const values = new Map(
		((current.deal.customFields as IDataObject[] | undefined) ?? []).map((v) => [v.id, v]),
	);
	for (const value of (deal.customFields as IDataObject[] | undefined) ?? []) {
		const empty = value.fieldValue === '' || value.fieldValue === undefined;
		if (!lists.fields.has(Number(value.id)) || value.fieldType === 4 || empty) continue;
		if (values.get(value.id)?.fieldValue !== value.fieldValue)
			await send('POST', `opportunity/${id}/customfield/${Number(value.id)}.json`, {
				fieldValue: value.fieldValue,
			});
	}
	reportMissingContacts(deal, current.deal, notRestored);
}

/** The record's tags the restored deal does not carry yet. */
export function missingTags(record: ArchivedRecord, current: CurrentParts): string[] {
	const carried = new Set(current.tags.map(tagKey));
	return record.tags.filter((tag) => !carried.has(tagKey(tag)));
}

/**
 * Adds the history events (with their files) and tasks the restored deal `id` lacks, matched by what they
 * hold, so a run that stopped part-way is completed without a second copy of anything.
 */
export async function restoreTimeline(
	this: IExecuteFunctions,
	id: number,
	record: ArchivedRecord,
	current: CurrentParts,
	lists: PortalLists,
	connection: PortalConnection,
	notRestored: NotRestored[],
	progress: RestoreProgress,
): Promise<void> {
	const send = sender.call(this, connection);
	await restoreHistory.call(this, id, record, current.history, lists, send, notRestored, {
		connection,
		progress,
	});
	await restoreTasks(id, record, current.tasks, lists, send, notRestored);
}

export type Send = (
	method: 'POST' | 'PUT',
	path: string,
	body: IDataObject,
	creates?: boolean,
) => Promise<IDataObject>;

/** The record's primary contact and members the restored deal lacks: gone, or not readable by the restorer. */
function reportMissingContacts(deal: IDataObject, now: IDataObject, notRestored: NotRestored[]) {
	const unreadable = 'no longer exists, or the restoring user may not read it';
	const primary = nested(deal.contact);
	if (primary.id !== undefined && nested(now.contact).id !== primary.id)
		notRestored.push({
			part: 'contact',
			id: Number(primary.id),
			reason: `${String(primary.displayName ?? 'The contact')}, the deal's primary contact, ${unreadable}; the deal has no primary contact`,
		});
	const present = new Set(
		((now.members as IDataObject[] | undefined) ?? []).map((m) => nested(m).id),
	);
	for (const member of (deal.members as IDataObject[] | undefined) ?? []) {
		const contact = nested(member);
		if (!present.has(contact.id) && contact.id !== primary.id)
			notRestored.push({
				part: 'contact',
				id: Number(contact.id),
				reason: `${String(contact.displayName ?? 'The contact')}, a participant, ${unreadable}`,
			});
	}
}

/** Takes from `pool` the first entry with `key`, so each current part answers for one recorded part only. */
function takeMatch(pool: IDataObject[], key: string, keyOf: (part: IDataObject) => string) {
	const at = pool.findIndex((part) => keyOf(part) === key);
	return at < 0 ? undefined : pool.splice(at, 1)[0];
}

const second = (date: unknown) => Math.floor((dateMs(date) ?? 0) / 1000);
const eventKey = (event: IDataObject) => `${second(event.created)}|${String(event.content)}`;
const taskKey = (task: IDataObject) =>
	`${String(task.title)}|${second(task.deadLine)}|${String(task.description ?? '')}`;

/** A category of `categories`, or the first one when the record's is gone (said in `notRestored`). */
function categoryFor(
	category: IDataObject,
	categories: IDataObject[],
	part: string,
	notRestored: NotRestored[],
): number {
	const id = Number(category.id);
	if (id < 0 || categories.some((c) => c.id === id)) return id;
	const instead = categories[0];
	notRestored.push({
		part,
		id,
		reason: `The category "${String(category.title)}" no longer exists; "${String(instead?.title)}" is used instead`,
	});
	return Number(instead?.id);
}

async function restoreHistory(
	this: IExecuteFunctions,
	id: number,
	record: ArchivedRecord,
	current: IDataObject[],
	lists: PortalLists,
	send: Send,
	notRestored: NotRestored[],
	{ connection, progress }: { connection: PortalConnection; progress: RestoreProgress },
): Promise<void> {
	const pool = [...current];
	for (const [position, event] of record.history.entries()) {
		if (takeMatch(pool, eventKey(event), eventKey)) continue;
		const category = nested(event.category);
		if (category.id === MAIL_CATEGORY) {
			notRestored.push({
				part: 'event',
				id: Number(event.id),
				reason: 'A mail event can only be created by ONLYOFFICE’s mail module',
			});
			continue;
		}
		const fileIds: number[] = [];
		for (const archived of record.files.get(position) ?? []) {
			if (archived.binaryProperty === undefined) {
				notRestored.push({
					part: 'file',
					id: Number(archived.file.id),
					reason: `The record lists "${String(archived.file.title)}" without its content (Files = List Only)`,
				});
				continue;
			}
			progress.uploading = String(archived.file.title);
			const fileId = await upload.call(this, id, record.itemIndex, archived, connection);
			progress.uploading = undefined;
			progress.uploads++;
			fileIds.push(fileId);
			progress.unattached.push(fileId);
		}
		const body: IDataObject = {
			entityType: 'opportunity',
			entityId: id,
			content: event.content,
			categoryId: categoryFor(category, lists.historyCategories, 'event category', notRestored),
			created: event.created,
			fileId: fileIds,
		};
		const contactId = nested(event.contact).id;
		if (contactId !== undefined) body.contactId = contactId;
		const posted = await settle(() => send('POST', 'history.json', body, true));
		if (!posted.ok) {
			// ONLYOFFICE answers 400 for an event whose contact is gone: the event goes back without it.
			const error = posted.error;
			if (!(error instanceof PortalFailure && error.httpCode === '400' && body.contactId))
				throw error;
			notRestored.push({
				part: 'event contact',
				id: Number(body.contactId),
				reason: `${String(nested(event.contact).displayName ?? 'The contact')}, the contact of the event of ${String(event.created)}, no longer exists, or the restoring user may not read it; the event names no contact`,
			});
			delete body.contactId;
			await send('POST', 'history.json', body, true);
		}
		progress.unattached = [];
	}
}

/**
 * Uploads one file's bytes as a raw body named by Content-Disposition. `storeOriginalFileFlag` keeps the
 * portal from converting it to another format. The file lands unattached: the event that follows holds it.
 */
async function upload(
	this: IExecuteFunctions,
	dealId: number,
	itemIndex: number,
	archived: ArchivedFile,
	connection: PortalConnection,
): Promise<number> {
	const property = archived.binaryProperty!;
	const bytes = await this.helpers.getBinaryDataBuffer(itemIndex, property);
	const binary = this.getInputData()[itemIndex].binary![property];
	const title = String(archived.file.title ?? binary.fileName ?? 'file');
	const { envelope } = await callPortal.call(
		this,
		{
			method: 'POST',
			path: `${CRM}/opportunity/${dealId}/files/upload.json`,
			qs: { storeOriginalFileFlag: true },
			body: bytes,
			headers: {
				'Content-Type': binary.mimeType || 'application/octet-stream',
				'Content-Disposition': `attachment; filename="${title.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(title)}`,
			},
			creates: true,
		},
		connection,
	);
	return Number(nested(envelope.response).id);
}

async function restoreTasks(
	id: number,
	record: ArchivedRecord,
	current: IDataObject[],
	lists: PortalLists,
	send: Send,
	notRestored: NotRestored[],
): Promise<void> {
	const pool = [...current];
	for (const task of record.tasks) {
		let made = takeMatch(pool, taskKey(task), taskKey);
		if (!made) {
			const responsible = nested(task.responsible);
			let responsibleId = String(responsible.id);
			if (!lists.users.has(responsibleId)) {
				notRestored.push({
					part: 'task responsible',
					id: responsibleId,
					reason: `${String(responsible.displayName ?? 'The responsible user')} of the task "${String(task.title)}" is no longer an active user; the restoring user is responsible instead`,
				});
				responsibleId = String(lists.self.id);
			}
			const body: IDataObject = {
				title: task.title,
				description: task.description ?? '',
				deadline: task.deadLine,
				responsibleId,
				categoryId: categoryFor(
					nested(task.category),
					lists.taskCategories,
					'task category',
					notRestored,
				),
				entityType: 'opportunity',
				entityId: id,
				alertValue: task.alertValue ?? 0,
				isNotify: false,
			};
			const contactId = nested(task.contact).id;
			if (contactId !== undefined) body.contactId = contactId;
			made = await send('POST', 'task.json', body, true);
			if (contactId !== undefined && nested(made.contact).id !== contactId)
				notRestored.push({
					part: 'task contact',
					id: Number(contactId),
					reason: `${String(nested(task.contact).displayName ?? 'The contact')}, the contact of the task "${String(task.title)}", no longer exists, or the restoring user may not read it; the task names no contact`,
				});
		}
		if (task.isClosed === true && made.isClosed !== true)
			await send('PUT', `task/${Number(made.id)}/close.json`, {});
		if (second(made.created) !== second(task.created))
			await send('PUT', `task/${Number(made.id)}/creationdate.json`, {
				creationDate: task.created,
			});
	}
}
