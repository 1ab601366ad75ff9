import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readFieldDefinitions, tagKey } from '../common/record/dealReads';
import { listStages, listTags, listUsers } from '../common/search/crmLists';
import type { PortalConnection } from '../common/transport';
import { callPortal } from '../common/transport';
import { fetchPages } from '../common/transport/fetchPages';

/** What a restore checks a record against: the portal as it is now, read once per run. */
export interface PortalLists {
	/** The user the credential signs in as: the author of everything restored. */
	self: IDataObject;
	users: Map<string, IDataObject>;
	stages: IDataObject[];
	currencies: Set<string>;
	/** Custom fields of opportunities, by ID. */
	fields: Map<number, IDataObject>;
	historyCategories: IDataObject[];
	taskCategories: IDataObject[];
	/** The deal tags in use, lower-cased: a marker tag not among them marks no deal. */
	tags: Set<string>;
}

const PATHS = {
	self: '/api/2.0/people/@self.json',
	currencies: '/api/2.0/crm/settings/currency.json',
	historyCategories: '/api/2.0/crm/history/category.json',
	taskCategories: '/api/2.0/crm/task/category.json',
};

export async function readPortalLists(
	this: IExecuteFunctions,
	connection: PortalConnection,
): Promise<PortalLists> {
	const list = async (path: string) =>
		(await callPortal.call(this, { method: 'GET', path }, connection)).envelope.response;
	const [self, users, stages, currencies, fields, historyCategories, taskCategories, tags] =
		await Promise.all([
			list(PATHS.self),
			listUsers.call(this, connection),
			listStages.call(this, connection),
			list(PATHS.currencies),
			readFieldDefinitions.call(this, connection),
			fetchPages.call(this, { path: PATHS.historyCategories }, connection),
			fetchPages.call(this, { path: PATHS.taskCategories }, connection),
			listTags.call(this, connection),
		]);
	return {
		self: self as IDataObject,
		users: new Map(users.map((user) => [String(user.id), user])),
		stages,
		currencies: new Set(
			(Array.isArray(currencies) ? (currencies as IDataObject[]) : []).map((c) =>
				String(c.abbreviation).toUpperCase(),
			),
		),
		fields: new Map(fields.map((field) => [Number(field.id), field])),
		historyCategories,
		taskCategories,
		tags: new Set(tags.map((tag) => tagKey(String(tag.title)))),
	};
}
