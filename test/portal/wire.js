// @ts-check
'use strict';

/**
 * How ONLYOFFICE writes JSON (ASC.Api's serializer, see docs/onlyoffice-api.md, "Wire format"): the
 * envelope with its fixed key order, fields left out when 0/null/false, `/` written as `\/`, decimals with
 * their database scale and dates in portal-local time with seven fractional digits.
 */

/** The portal's time zone: +03:00 (no daylight saving), so a client that assumes UTC is caught out. */
const PORTAL_OFFSET_MINUTES = 180;

/** .NET's DateTime.MinValue, what the server sends for an unset close date. */
const MIN_DATE = '0001-01-01T00:00:00.0000000Z';
/** DateTime.MinValue as epoch ms: what a date the server stores when none was sent (`creationdate` without one). */
const MIN_EPOCH = Date.parse('0001-01-01T00:00:00Z');

/** HRESULTs of the .NET exceptions behind each error the stand-in answers. */
const HRESULT = {
	/** E_FAIL, as an HttpException carries it: the contract's example shows it on a 404 "Not found". */
	fail: -2147467259,
	/** ArgumentException, E_INVALIDARG. */
	argument: -2147024809,
	/** SecurityException, COR_E_SECURITY. */
	security: -2146233078,
	/** System.Security.Authentication.AuthenticationException, COR_E_SYSTEM. */
	authentication: -2146233087,
	/** NullReferenceException, E_POINTER: what a method that dereferences a missing object answers (500). */
	nullReference: -2147467261,
	/** A plain System.Exception, COR_E_EXCEPTION (Files' "empty file", "too large"). */
	exception: -2146233088,
};

/** Marks a Decimal inside JSON.stringify's output until it is written as a bare number. */
const DECIMAL_MARK = '\u0001decimal:';
const MARKED_DECIMAL = /"\\u0001decimal:(-?\d+\.\d+)"/g;

/** A `decimal` read from MySQL's DECIMAL(…, 9): .NET keeps the column's scale, so 1500 goes out as 1500.000000000. */
class Decimal {
	/**
	 * @param {number} value
	 * @param {number} scale
	 */
	constructor(value, scale) {
		this.value = value;
		this.scale = scale;
	}

	toJSON() {
		return `${DECIMAL_MARK}${this.value.toFixed(this.scale)}`;
	}
}

/**
 * Writes a value as the server does: JSON.stringify (which keeps key order and skips undefined members),
 * with `/` written as `\/` — outside strings JSON has no `/`, so every one is inside a string — and Decimals
 * with their scale.
 * @param {unknown} value
 * @returns {string}
 */
function toJson(value) {
	const json = JSON.stringify(value) ?? 'null';
	return json.replaceAll('/', '\\/').replace(MARKED_DECIMAL, '$1');
}

/**
 * Copies an object in its key order without the members the server leaves out: 0, null, false and
 * undefined. Empty strings and empty lists stay. `keep` names the members a wrapper always writes.
 * @template {Record<string, unknown>} T
 * @param {T} object
 * @param {string[]} [keep]
 * @returns {Partial<T>}
 */
function dropDefaults(object, keep = []) {
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const [key, value] of Object.entries(object)) {
		const isDefault = value === undefined || value === null || value === 0 || value === false;
		if (!isDefault || (keep.includes(key) && value !== undefined)) out[key] = value;
	}
	return /** @type {Partial<T>} */ (out);
}

/**
 * An ApiDateTime: portal-local time, seven fractional digits, the offset (`Z` when zero).
 * `null` is an unset date, sent as DateTime.MinValue; so is MinValue itself (ApiDateTime writes any date not
 * after it as MinValue with offset zero).
 * @param {number | null} epochMs
 * @param {number} [offsetMinutes]
 */
function apiDate(epochMs, offsetMinutes = PORTAL_OFFSET_MINUTES) {
	if (epochMs === null || epochMs <= MIN_EPOCH) return MIN_DATE;
	const local = new Date(epochMs + offsetMinutes * 60_000).toISOString(); // 2024-05-01T15:30:00.123Z
	const fraction = `${local.slice(20, 23)}0000`;
	return `${local.slice(0, 19)}.${fraction}${offsetText(offsetMinutes)}`;
}

/** @param {number} minutes */
function offsetText(minutes) {
	if (minutes === 0) return 'Z';
	const sign = minutes > 0 ? '+' : '-';
	const abs = Math.abs(minutes);
	return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The success envelope. `count` is what the framework's Binder.GetCollectionCount says: the number of items
 * in a list, the length of a string (a string is a collection of chars), 1 for any other object; a method
 * that returns nothing answers `count` 0 (given as `count`) and `response` `{}`. Every key but `status` is
 * left out when 0/null.
 * @param {{ statusCode: number, response: unknown, count?: number, startIndex?: number, nextIndex?: number, total?: number }} parts
 */
function envelope({ statusCode, response, count, startIndex = 0, nextIndex = 0, total = 0 }) {
	count ??= Array.isArray(response) || typeof response === 'string' ? response.length : 1;
	return dropDefaults({ count, startIndex, nextIndex, total, status: 0, statusCode, response }, [
		'status',
	]);
}

/**
 * The error envelope (release builds: no `type` or `stack`).
 * @param {number} statusCode
 * @param {string} message
 * @param {number} hresult
 */
function errorEnvelope(statusCode, message, hresult) {
	return { status: 1, statusCode, error: { message, hresult, data: {} } };
}

module.exports = {
	PORTAL_OFFSET_MINUTES,
	MIN_EPOCH,
	HRESULT,
	Decimal,
	toJson,
	dropDefaults,
	apiDate,
	envelope,
	errorEnvelope,
};
