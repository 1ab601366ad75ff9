import type { IDataObject } from 'n8n-workflow';

import { closeDateRange } from './closeDateRange';
import type { OpportunityFilters, StageType } from './opportunitySearch';
import { keywordQuery, STAGE_TYPE_NUMBERS } from './opportunitySearch';

/**
 * Reading the Filters collection that the search and the trigger share. Any filter the portal would misread
 * is refused here, because ONLYOFFICE drops a filter it cannot read and answers as if it had not been sent:
 * more deals, which a Delete after them would remove.
 */

/** A filter value the portal would misread or refuse; `hint` is the fix. */
export class InvalidFilterError extends Error {
	constructor(
		message: string,
		readonly hint: string,
	) {
		super(message);
	}
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
 * The filters as the shared search takes them (`timeZone` is the workflow's). A filter left out of the collection is no filter; one that is
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

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
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

export function positiveInteger(value: unknown, field: string): number {
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
