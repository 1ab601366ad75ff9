import type { IDataObject, ILoadOptionsFunctions, INodePropertyOptions } from 'n8n-workflow';

import { fetchPages } from '../transport/fetchPages';
import { readFailureError } from '../output/nodeErrors';
import type { PortalConnection, PortalContext } from '../transport';

const STAGES_PATH = '/api/2.0/crm/opportunity/stage.json';
const TAGS_PATH = '/api/2.0/crm/opportunity/tag.json';
const USERS_PATH = '/api/2.0/people.json';

const STAGE_TYPE_NAMES = ['Open', 'Won', 'Lost'];

/** A dropdown waits this long per request: the editor is waiting, but a portal with many users pages. */
const LIST_TIMEOUT = 30_000;

const LIST_CONNECTION = (): PortalConnection => ({
	timeout: LIST_TIMEOUT,
	// These requests carry no input of the user's: a 400 means the portal refused the list itself.
	hints: {
		rejected: 'Enter the value as an ID with an expression, or ask the portal administrator.',
	},
});

/** The deal stages, in the pipeline order the portal shows them. */
export async function listStages(
	this: PortalContext,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	return await fetchPages.call(this, { path: STAGES_PATH }, connection);
}

/** The portal's active users, every page of them. */
export async function listUsers(
	this: PortalContext,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	return await fetchPages.call(this, { path: USERS_PATH }, connection);
}

/** The tags used on deals, every page of them. */
export async function listTags(
	this: PortalContext,
	connection: PortalConnection,
): Promise<IDataObject[]> {
	return await fetchPages.call(this, { path: TAGS_PATH }, connection, {
		keyOf: (tag) => String(tag.title ?? '').toLowerCase(),
	});
}

/** Dropdown: stages in pipeline order, each with its kind (Open, Won, Lost). */
export async function loadStageOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const stages = await readList.call(this, listStages);
	return stages.map((stage) => ({
		name: String(stage.title ?? stage.id),
		value: Number(stage.id),
		description: `${STAGE_TYPE_NAMES[Number(stage.stageType ?? 0)] ?? 'Open'} stage`,
	}));
}

/** Dropdown: users by name, with their e-mail to tell namesakes apart. */
export async function loadUserOptions(
	this: ILoadOptionsFunctions,
): Promise<INodePropertyOptions[]> {
	const users = await readList.call(this, listUsers);
	return users
		.map((user) => ({
			name: String(user.displayName ?? user.id),
			value: String(user.id),
			description: typeof user.email === 'string' ? user.email : undefined,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** Dropdown: tag titles, which is what the search matches on. */
export async function loadTagOptions(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const tags = await readList.call(this, listTags);
	return tags.map((tag) => ({ name: String(tag.title), value: String(tag.title) }));
}

async function readList(
	this: ILoadOptionsFunctions,
	list: (this: PortalContext, connection: PortalConnection) => Promise<IDataObject[]>,
): Promise<IDataObject[]> {
	try {
		return await list.call(this, LIST_CONNECTION());
	} catch (error) {
		throw readFailureError(this.getNode(), error);
	}
}

/** The `methods` of a node whose fields come from opportunityFilterFields.ts. */
export const CRM_LIST_METHODS = {
	loadOptions: {
		getStages: loadStageOptions,
		getUsers: loadUserOptions,
		getTags: loadTagOptions,
	},
};
