import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../common/nodeErrors';
import { optionDefaults } from '../common/optionsCollection';
import type { OpportunityFilters, OpportunitySearch, StageType } from '../common/opportunitySearch';
import { keywordQuery, STAGE_TYPE_NUMBERS } from '../common/opportunitySearch';
import type { SortField, SortOrder } from '../common/sortOpportunities';
import { isKnownTimeZone } from '../common/zonedTime';
import { closeDateRange, InvalidCloseDateError } from './closeDateRange';
import type { SearchOptions } from './description';
import { nodeOptions } from './description';

/** One item's search, checked. */
export interface ItemSearch {
	itemIndex: number;
	search: OpportunitySearch;
	simplify: boolean;
}

/** A filter value the portal would misread or refuse; `field` is the name the user sees. */
class InvalidFilterError extends Error {
	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SORT_FIELDS: SortField[] = ['id', 'title', 'closeDate', 'bidValue', 'stage', 'responsible'];
const SORT_ORDERS: SortOrder[] = ['ascending', 'descending'];

/**
 * Reads and checks every item's search before the first request, so that a bad value in item 5 does not
 * come after four searches (or, in a workflow, after what the next node did with them).
 */
export function readSearchFilters(this: IExecuteFunctions): {
	searches: ItemSearch[];
	errorItems: Array<{ itemIndex: number; item: INodeExecutionData }>;
} {
	const searches: ItemSearch[] = [];
	const errorItems: Array<{ itemIndex: number; item: INodeExecutionData }> = [];
	const timeZone = this.getTimezone();
	if (!isKnownTimeZone(timeZone)) {
		throw new NodeOperationError(
			this.getNode(),
			`The workflow's time zone "${timeZone}" is unknown to this n8n. Nothing was searched.`,
			{ description: 'Choose a time zone in the workflow’s Settings, then run it again.' },
		);
	}
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			searches.push(readItemSearch.call(this, itemIndex, timeZone));
		} catch (error) {
			const nodeError = asNodeError.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			errorItems.push({ itemIndex, item: errorItem(nodeError, [itemIndex]) });
		}
	}
	return { searches, errorItems };
}

function readItemSearch(this: IExecuteFunctions, itemIndex: number, timeZone: string): ItemSearch {
	const options = {
		...optionDefaults<SearchOptions>(nodeOptions),
		...(this.getNodeParameter('options', itemIndex, {}) as Partial<SearchOptions>),
	};
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : this.getNodeParameter('limit', itemIndex, 50);
	const raw = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	return {
		itemIndex,
		simplify: options.simplify === true,
		search: {
			filters: readFilters(raw, timeZone),
			sort: {
				sortBy: oneOf(options.sortBy, SORT_FIELDS, 'Sort By'),
				sortOrder: oneOf(options.sortOrder, SORT_ORDERS, 'Sort Order'),
			},
			limit: limit === undefined ? undefined : positiveInteger(limit, 'Limit'),
		},
	};
}

/** The names the user sees for the filters, in messages. */
const FILTER_LABELS: Record<string, string> = {
	stageType: 'Stage Type',
	stageId: 'Stage',
	responsibleId: 'Responsible',
	tags: 'Tags',
	contactId: 'Contact ID',
	includeParticipants: 'Include Deals Where the Contact Participates',
	closeDateFrom: 'Close Date From',
	closeDateTo: 'Close Date To',
	keyword: 'Keyword',
};

/**
 * The filters as the shared search takes them. A filter left out of the collection is no filter; one that is
 * there but empty (typically an expression that gave nothing for this item) is refused: searching without it
 * would return every deal the other filters match, and a Delete after the search would remove them.
 */
export function readFilters(raw: IDataObject, timeZone: string): OpportunityFilters {
	for (const [key, label] of Object.entries(FILTER_LABELS))
		if (key in raw && isEmpty(raw[key]))
			throw new InvalidFilterError(
				`'${label}' is empty (${raw[key] === '' ? 'an empty text' : (JSON.stringify(raw[key]) ?? 'undefined')})`,
				`Give '${label}' a value, or remove '${label}' from Filters to search without it. If it is an expression, check that it gives a value for this item.`,
			);
	const filters: OpportunityFilters = {};
	if (isSet(raw.stageType))
		filters.stageType = oneOf(
			raw.stageType,
			Object.keys(STAGE_TYPE_NUMBERS) as StageType[],
			'Stage Type',
		);
	if (isSet(raw.stageId)) filters.stageId = positiveInteger(raw.stageId, 'Stage');
	if (isSet(raw.responsibleId)) filters.responsibleId = userId(raw.responsibleId);
	if (isSet(raw.tags)) filters.tags = tagList(raw.tags);
	const participants =
		'includeParticipants' in raw
			? flag(raw.includeParticipants, FILTER_LABELS.includeParticipants)
			: false;
	if (isSet(raw.contactId)) {
		filters.contactId = positiveInteger(raw.contactId, 'Contact ID');
		if (participants) filters.includeParticipants = true;
	}
	const range = closeDateRange(raw.closeDateFrom, raw.closeDateTo, timeZone);
	if (range.from !== undefined) filters.closeDateFrom = range.from;
	if (range.to !== undefined) filters.closeDateTo = range.to;
	if (isSet(raw.keyword)) filters.keyword = keyword(raw.keyword);
	return filters;
}

function isEmpty(value: unknown): boolean {
	if (value === undefined || value === null) return true;
	if (Array.isArray(value)) return value.length === 0;
	return typeof value === 'string' && value.trim() === '';
}

/** A switch: a boolean, or from an expression the text "true" or "false". */
function flag(value: unknown, field: string): boolean {
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	throw new InvalidFilterError(
		`'${field}' is ${JSON.stringify(value)}, not true or false`,
		`Turn '${field}' on or off, or make its expression give true or false.`,
	);
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && String(value).trim() !== '';
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw new InvalidFilterError(
		`'${field}' is ${JSON.stringify(value)}, not one of ${allowed.join(', ')}`,
		`Choose '${field}' from the list, or make its expression give one of: ${allowed.join(', ')}.`,
	);
}

/**
 * The largest ID each filter can carry: the server applies the stage filter only below int.MaxValue, and a
 * value that does not fit an int is not bound at all, so either would reach the portal as no filter.
 */
const MAX_ID: Record<string, number> = { Stage: 2_147_483_646, 'Contact ID': 2_147_483_647 };

function positiveInteger(value: unknown, field: string): number {
	// Digits only: Number() would also read "1e1", "0x0b" or "12.0" as some other whole number.
	const number =
		typeof value === 'string' ? (/^\s*\d+\s*$/.test(value) ? Number(value) : NaN) : value;
	const max = MAX_ID[field] ?? Number.MAX_SAFE_INTEGER;
	if (typeof number === 'number' && Number.isSafeInteger(number) && number > 0 && number <= max)
		return number;
	throw new InvalidFilterError(
		`'${field}' must be a whole number above 0${field in MAX_ID ? ` and at most ${max}` : ''}, not ${JSON.stringify(value)}`,
		field === 'Stage'
			? 'Choose the stage from the list, or give its ID (a whole number such as 3).'
			: `Enter '${field}' as a whole number such as 12.`,
	);
}

function userId(value: unknown): string {
	const text = String(value).trim();
	// The zero GUID is ONLYOFFICE's "nobody": the server would drop the filter and return every deal.
	if (GUID.test(text) && !/^[0-]+$/.test(text)) return text.toLowerCase();
	throw new InvalidFilterError(
		`'Responsible' is not a user ID: ${JSON.stringify(value)}`,
		'Choose the user from the list, or give the ID ONLYOFFICE shows for them (a GUID such as 93e2b7f6-1a6c-4cb4-b1d7-3d4e9b2a6f01), not a name or e-mail.',
	);
}

function keyword(value: unknown): string {
	const text = String(value);
	// ONLYOFFICE puts each word into an SQL LIKE unescaped: % would match any text and _ any character.
	if (/[%_]/.test(text)) {
		throw new InvalidFilterError(
			`'Keyword' contains % or _, which ONLYOFFICE reads as "any text" and "any character": ${JSON.stringify(value)}`,
			'Leave those characters out: search for the words around them instead.',
		);
	}
	// Sent as it is, a keyword of nothing but commas would reach the portal as no keyword: every deal.
	if (keywordQuery(text) !== '') return text;
	throw new InvalidFilterError(
		`'Keyword' has no word to search for: ${JSON.stringify(value)}`,
		"Enter at least one word (commas only separate words), or remove 'Keyword' from Filters.",
	);
}

/**
 * Tag titles: a list, or from an expression a text with commas between titles. A missing title is refused: left
 * out, the deal would have to carry one tag fewer than asked for. Titles that differ only in letter case or
 * spaces are one tag to the portal, which would then match nothing, so they are sent once.
 */
function tagList(value: unknown): string[] {
	const values = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: undefined;
	const refuse = (problem: string) =>
		new InvalidFilterError(
			`'Tags' ${problem}: ${JSON.stringify(value)}`,
			'Choose the tags from the list, or make the expression give a list of tag titles (or a text with commas between them), each one a title.',
		);
	if (!values) throw refuse('is not a list of tag titles');
	const titles: string[] = [];
	const seen = new Set<string>();
	for (const tag of values) {
		const title = typeof tag === 'string' || typeof tag === 'number' ? String(tag).trim() : '';
		if (title === '') throw refuse('has an empty tag title');
		if (seen.has(title.toLowerCase())) continue;
		seen.add(title.toLowerCase());
		titles.push(title);
	}
	return titles;
}

function asNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	// Without Continue On Fail the node stops before any request; with it, only this item is left out.
	const consequence = this.continueOnFail() ? 'This item was skipped.' : 'Nothing was searched.';
	if (error instanceof InvalidCloseDateError || error instanceof InvalidFilterError) {
		return new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: ${error.message}. ${consequence}`,
			{ itemIndex, description: error.hint },
		);
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}
