/**
 * n8n's `prepareBinaryData` for in-process runs, as n8n-core's default (in-memory) mode does it: the bytes
 * read from the stream or buffer, kept base64 in the item, with the stored size in `bytes`. The real-n8n
 * suites check the filesystem and database modes.
 */
import type { IBinaryData } from 'n8n-workflow';

export async function prepareBinaryData(
	data: Buffer | AsyncIterable<Buffer | string>,
	fileName?: string,
	mimeType?: string,
): Promise<IBinaryData> {
	let bytes: Buffer;
	if (Buffer.isBuffer(data)) bytes = data;
	else {
		const chunks: Buffer[] = [];
		for await (const chunk of data) chunks.push(Buffer.from(chunk));
		bytes = Buffer.concat(chunks);
	}
	return {
		data: bytes.toString('base64'),
		mimeType: mimeType ?? 'application/octet-stream',
		...(fileName !== undefined && { fileName }),
		fileSize: `${bytes.length} B`,
		bytes: bytes.length,
	};
}
