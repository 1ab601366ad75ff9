import type { IDataObject } from 'n8n-workflow';

/**
 * Reading ONLYOFFICE's opportunity records, whose nested objects (stage, contact, responsible) may be absent
 * and whose dates may be unset.
 */

export function nested(value: unknown): IDataObject {
	return typeof value === 'object' && value !== null ? (value as IDataObject) : {};
}

/** A date field as epoch ms, or undefined when it is unset (year 1, ONLYOFFICE's "no date") or unreadable. */
export function dateMs(value: unknown): number | undefined {
	if (typeof value !== 'string' || value.startsWith('0001-01-01')) return undefined;
	const time = Date.parse(value);
	return Number.isNaN(time) ? undefined : time;
}
