// @ts-check
'use strict';

/**
 * The two ways `…/files/upload` takes a file (CRMApi.UploadFileInCRM): a multipart/form-data body, read as
 * ASP.NET reads it (every part with a `filename` is a posted file, the others are form fields), or a raw body
 * named by its Content-Disposition header. Bytes stay Buffers: a file is not text.
 */

/**
 * @typedef {object} PostedFile
 * @property {string} fileName  as the client named it, without a path
 * @property {string} contentType
 * @property {Buffer} bytes
 *
 * @typedef {object} MultipartBody
 * @property {Record<string, string[]>} fields  form fields by name (`name[]` as `name`)
 * @property {PostedFile[]} files  in the order of the body
 */

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');

/**
 * The boundary of a multipart/form-data Content-Type, or undefined for any other body.
 * @param {string | undefined} contentType
 */
function boundaryOf(contentType) {
	if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType ?? '')) return undefined;
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
	return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Splits a multipart body into fields and files. A part without a blank line after its headers is skipped,
 * as is anything after the closing delimiter.
 * @param {Buffer} body
 * @param {string} boundary
 * @returns {MultipartBody}
 */
function parseMultipart(body, boundary) {
	const delimiter = Buffer.from(`--${boundary}`);
	/** @type {MultipartBody} */
	const result = { fields: {}, files: [] };
	let at = body.indexOf(delimiter);
	while (at >= 0) {
		const afterDelimiter = at + delimiter.length;
		if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break; // the closing one
		const start = afterDelimiter + CRLF.length;
		// The next delimiter starts a line: the CRLF before it belongs to the delimiter, not to the data.
		const next = body.indexOf(Buffer.concat([CRLF, delimiter]), start);
		if (next < 0) break;
		addPart(result, body.subarray(start, next));
		at = next + CRLF.length;
	}
	return result;
}

/**
 * @param {MultipartBody} result
 * @param {Buffer} part  headers, a blank line, the data
 */
function addPart(result, part) {
	const end = part.indexOf(HEADERS_END);
	if (end < 0) return;
	/** @type {Record<string, string>} */
	const headers = {};
	for (const line of part.subarray(0, end).toString('utf8').split('\r\n')) {
		const colon = line.indexOf(':');
		if (colon > 0)
			headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
	}
	const disposition = dispositionParams(headers['content-disposition']);
	const data = part.subarray(end + HEADERS_END.length);
	if (disposition.filename !== undefined) {
		result.files.push({
			fileName: baseName(disposition.filename),
			contentType: headers['content-type'] ?? 'application/octet-stream',
			bytes: Buffer.from(data),
		});
	} else if (disposition.name !== undefined) {
		(result.fields[disposition.name.replace(/\[\]$/, '')] ??= []).push(data.toString('utf8'));
	}
}

/**
 * The `name` and `filename` of a Content-Disposition value (`filename*=UTF-8''…` wins over `filename`).
 * @param {string | undefined} value
 * @returns {{ name?: string, filename?: string }}
 */
function dispositionParams(value) {
	/** @type {{ name?: string, filename?: string }} */
	const params = {};
	let extended;
	for (const match of (value ?? '').matchAll(
		/;\s*([\w*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g,
	)) {
		const key = match[1].toLowerCase();
		const text = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3].trim();
		if (key === 'name') params.name = text;
		else if (key === 'filename') params.filename = text;
		else if (key === 'filename*') extended = text;
	}
	if (extended !== undefined) {
		const encoded = /^[\w-]*'[\w-]*'(.*)$/.exec(extended);
		try {
			params.filename = decodeURIComponent(encoded ? encoded[1] : extended);
		} catch {
			// A malformed extended name: the plain one stands.
		}
	}
	return params;
}

/** Some browsers send the whole path of the file: the name is its last part. @param {string} name */
function baseName(name) {
	return name.slice(Math.max(name.lastIndexOf('\\'), name.lastIndexOf('/')) + 1);
}

module.exports = { baseName, boundaryOf, dispositionParams, parseMultipart };
