import type { IDataObject } from 'n8n-workflow';

import { fetchPages } from '../transport/fetchPages';
import type { PortalConnection, PortalContext } from '../transport';
import { callPortal } from '../transport';

/** The requests that read one deal's parts (`api/2.0/crm/…`, docs/onlyoffice-api.md "A deal's whole record"). */
export const RECORD_PATHS = {
	deal: (id: number) => `/api/2.0/crm/opportunity/${id}.json`,
	dealTags: (id: number) => `/api/2.0/crm/opportunity/tag/${id}.json`,
	deals: '/api/2.0/crm/opportunity/filter.json',
	tags: '/api/2.0/crm/opportunity/tag.json',
	history: '/api/2.0/crm/history/filter.json',
	tasks: '/api/2.0/crm/task/filter.json',
	definitions: '/api/2.0/crm/opportunity/customfield/definitions.json',
} as const;

/** The deal as `GET opportunity/{id}` has it, or undefined when it is missing or this user may not read it. */
export async function readDeal(
	this: PortalContext,
	id: number,
	connection: PortalConnection,
): Promise<IDataObject | undefined> {
	const { envelope } = await callPortal.call(
		this,
		{ method: 'GET', path: RECORD_PATHS.deal(id), notFoundIsAnswer: true },
		connection,
	);
	return envelope.statusCode === 404 ? undefined : asObject(envelope.response);
}

/** ONLYOFFICE's tag names compare trimmed and case-insensitively: the key a tag is known by. */
export const tagKey = (tag: string) => tag.trim().toLowerCase();

/** The deal's tag names, or undefined when the deal is gone (404). */
export async function readDealTags(
	this: PortalContext,
	id: number,
	connection: PortalConnection,
): Promise<string[] | undefined> {
	const { envelope } = await callPortal.call(
		this,
		{ method: 'GET', path: RECORD_PATHS.dealTags(id), notFoundIsAnswer: true },
		connection,
	);
	if (envelope.statusCode === 404) return undefined;
	const tags = Array.isArray(envelope.response) ? envelope.response : [];
	return tags.filter((tag): tag is string => typeof tag === 'string');
}

/**
 * The deal's history events. `entityType=opportunity` needs the ID of a deal the user can read: call it only
 * after the deal itself was read (ONLYOFFICE answers 404 otherwise).
 */
export async function readDealHistory(
	this: PortalContext,
	id: number,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	return await fetchPages.call(
		this,
		{ path: RECORD_PATHS.history, qs: { entityType: 'opportunity', entityId: id, sortBy: 'id' } },
		connection,
	);
}

/** The deal's tasks, open and closed (`isClosed` left out asks for both). */
export async function readDealTasks(
	this: PortalContext,
	id: number,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	return await fetchPages.call(
		this,
		{ path: RECORD_PATHS.tasks, qs: { entityType: 'opportunity', entityid: id } },
		connection,
	);
}

/** The portal's custom fields of opportunities: once per run, for labels and the Heading fields. */
export async function readFieldDefinitions(
	this: PortalContext,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	const { envelope } = await callPortal.call(
		this,
		{ method: 'GET', path: RECORD_PATHS.definitions },
		connection,
	);
	return Array.isArray(envelope.response)
		? envelope.response.filter((field): field is IDataObject => asObject(field) !== undefined)
		: [];
}

function asObject(value: unknown): IDataObject | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}
