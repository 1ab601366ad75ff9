import type { IBinaryData, IBinaryKeyData, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { settle } from '../transport/concurrently';
import type { PortalConnection } from '../transport';
import { downloadFromPortal, PortalFailure } from '../transport';

/** How often a download whose body broke off is tried. */
const BODY_ATTEMPTS = 3;

/** The binary property that holds a file's bytes on the record's item. */
export function binaryPropertyOf(file: IDataObject): string {
	return `file_${String(file.id)}`;
}

/** Finds a file again after a node renamed its binary property (Aggregate makes them `data`, `data_1`, …). */
export function fileKeyOf(dealId: number, file: IDataObject): string {
	return `${dealId}-${String(file.id)}-${String(file.title ?? '')}`;
}

/** The files of a record's history events, each once (an event lists the files attached through it). */
export function filesOf(history: IDataObject[]): IDataObject[] {
	const files = new Map<unknown, IDataObject>();
	for (const event of history) {
		for (const file of Array.isArray(event.files) ? (event.files as IDataObject[]) : []) {
			if (!files.has(file.id)) files.set(file.id, file);
		}
	}
	return [...files.values()];
}

/**
 * Marks each file of the record's events with its binary property and file key (docs/whole-record.md). With
 * `binaries` absent (Files = List Only) only the key is added.
 */
export function markFiles(
	dealId: number,
	history: IDataObject[],
	binaries?: IBinaryKeyData,
): IDataObject[] {
	return history.map((event) => {
		if (!Array.isArray(event.files)) return event;
		const files = (event.files as IDataObject[]).map((file) => {
			const property = binaryPropertyOf(file);
			return {
				...file,
				...(binaries?.[property] ? { binaryProperty: property } : {}),
				fileKey: fileKeyOf(dealId, file),
			};
		});
		return { ...event, files };
	});
}

/**
 * Downloads one file through the credential's portal and hands its bytes to n8n's binary-data store. The
 * request goes to the Portal URL with `viewUrl`'s path and query only: the server builds `viewUrl` from its own
 * idea of its address, which behind a proxy is not where the credential may be sent.
 */
export async function downloadFile(
	this: IExecuteFunctions,
	file: IDataObject,
	connection: PortalConnection,
): Promise<IBinaryKeyData> {
	const title =
		typeof file.title === 'string' && file.title !== '' ? file.title : `file-${file.id}`;
	const address = downloadAddress(file, title);
	let binary: IBinaryData | undefined;
	// The bytes are streamed into n8n's binary store after the answer began: a connection lost midway fails
	// there, not in the request, so such a download is tried again here.
	for (let attempt = 1; binary === undefined; attempt++) {
		const { body, contentType } = await downloadFromPortal.call(this, address, connection);
		const stored = await settle(() =>
			this.helpers.prepareBinaryData(
				body as Buffer,
				title,
				contentType?.split(';')[0].trim() || undefined,
			),
		);
		if (stored.ok) binary = stored.value;
		else if (attempt === BODY_ATTEMPTS)
			throw new PortalFailure(
				`The file "${title}" (ID ${String(file.id)}) could not be read completely (${BODY_ATTEMPTS} attempts: ${(stored.error as Error).message})`,
				'notDone',
				'Run the workflow again; if it keeps happening, check the file in ONLYOFFICE.',
			);
	}
	const expected = Number(file.pureContentLength);
	// n8n reports the stored size (`bytes`, n8n 1.80 and later); a download cut short must not pass for the file.
	if (typeof binary.bytes === 'number' && Number.isFinite(expected) && binary.bytes !== expected) {
		throw new PortalFailure(
			`The file "${title}" (ID ${String(file.id)}) came incomplete: ${binary.bytes} of ${expected} bytes`,
			'notDone',
			'Run the workflow again; if it keeps happening, check the file in ONLYOFFICE.',
		);
	}
	return { [binaryPropertyOf(file)]: binary };
}

/** Where a file's bytes are read: `viewUrl`'s path and query, for the credential's portal. */
function downloadAddress(file: IDataObject, title: string): { path: string; qs: IDataObject } {
	const viewUrl = typeof file.viewUrl === 'string' ? file.viewUrl : '';
	const url = URL.canParse(viewUrl, 'http://portal.invalid')
		? new URL(viewUrl, 'http://portal.invalid')
		: undefined;
	if (!url || !/\/filehandler\.ashx$/i.test(url.pathname)) {
		throw new PortalFailure(
			`The file "${title}" (ID ${String(file.id)}) has no download address ONLYOFFICE's file handler serves`,
			'notDone',
			'Check the file in ONLYOFFICE; the deal is kept until its files can be read.',
		);
	}
	// From `/Products/` on: a portal installed under a path has it in `viewUrl` and in the Portal URL alike.
	const start = url.pathname.toLowerCase().indexOf('/products/');
	return { path: url.pathname.slice(Math.max(0, start)), qs: Object.fromEntries(url.searchParams) };
}
