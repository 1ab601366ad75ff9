/**
 * Record = Whole Record (the default) in-process, against the stand-in portal seeded with records: every part
 * of every deleted deal is in its output item, a deal whose record could not be read is never deleted, and
 * the files come from the credential's portal only.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../../helpers/runNode';
import { expectedRecord, recordView, type PortalRecord } from '../../helpers/wholeRecords';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, unknown>;
	status: number;
}

let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

const credential = (user: 'admin' | 'user' = 'admin') => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.users[user].token,
});
const wholeRecord = (options: IDataObject = {}) => ({ record: 'wholeRecord', ...options });
const requests = (): LoggedRequest[] => portal.requests;
const deletes = () =>
	requests().filter((r) => r.method === 'PUT' && /opportunity(\.json)?$/.test(r.path));
const deletedIds = () =>
	deletes().flatMap(
		(r) => (r as unknown as { body: { opportunityids: number[] } }).body.opportunityids,
	);

function fileBytes(item: INodeExecutionData, fileId: number): Buffer | undefined {
	const binary = item.binary?.[`file_${fileId}`];
	return binary ? Buffer.from(binary.data, 'base64') : undefined;
}

/** Every part of every deleted deal equals what the portal held before the delete; its files are gone after. */
function expectNothingLost(output: INodeExecutionData[], before: Map<number, PortalRecord>) {
	for (const [id, record] of before) {
		const item = output.find((candidate) => candidate.json.id === id);
		expect(item).toBeDefined();
		expect(recordView(item!.json)).toEqual(expectedRecord(record));
		for (const file of record.files) {
			expect(fileBytes(item!, file.id)).toEqual(file.bytes);
			expect(item!.binary![`file_${file.id}`].fileName).toBe(file.title);
			expect(portal.fileExists(file.id)).toBe(false);
		}
		expect(portal.hasOpportunity(id)).toBe(false);
	}
}

const snapshot = (ids: number[]) =>
	new Map<number, PortalRecord>(ids.map((id) => [id, portal.recordOf(id)]));
const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('Whole Record (the default)', () => {
	test('a few deals, read per deal: every value, tag, event, task and file byte is in the output, then deleted', async () => {
		portal = await startPortal({ opportunities: 40, seed: 3, records: true });
		const ids = range(1, 6);
		const before = snapshot(ids);
		expect([...before.values()].some((record) => record.files.length > 0)).toBe(true);
		const { output, hints } = await runNode({
			items: ids.map((id) => ({ id })),
			options: { record: undefined },
			credentials: credential(),
		});
		expectNothingLost(output, before);
		expect(output.map((item) => item.pairedItem)).toEqual(ids.map((_, item) => ({ item })));
		expect(
			requests().some(
				(r) => /\/history\/filter(\.json)?$/.test(r.path) && r.query.entityType === undefined,
			),
		).toBe(false);
		expect(hints.map((hint) => hint.message).join(' ')).toMatch(
			/^Deleted 6 deals, with \d+ history events/,
		);
	});

	test('many deals, read from portal-wide pages: the same whole records, in a few listing requests', async () => {
		portal = await startPortal({ opportunities: 300, seed: 4, records: true });
		const ids = range(1, 300);
		const before = snapshot(ids);
		const { output } = await runNode({
			items: [{ ids }],
			opportunityIds: (json) => json.ids,
			options: wholeRecord(),
			credentials: credential(),
		});
		expectNothingLost(output, before);
		const perDealReads = requests().filter(
			(r) => /\/opportunity\/\d+(\.json)?$/.test(r.path) && r.method === 'GET',
		);
		expect(perDealReads).toHaveLength(0);
		const files = [...before.values()].reduce((sum, record) => sum + record.files.length, 0);
		// Listings of deals, tags, history and tasks, one definitions read, a download per file, the deletes.
		expect(requests().length).toBeLessThanOrEqual(files + 40);
	});

	test('a history page that keeps failing for one deal leaves exactly that deal undeleted, with an error item and a hint', async () => {
		portal = await startPortal({ opportunities: 20, seed: 5, records: true });
		portal.injectFault(
			{ type: 'status', status: 503 },
			{
				times: 10,
				match: (r: { path: string; query?: Record<string, string> }) =>
					/\/history\/filter(\.json)?$/.test(r.path) && String(r.query?.entityId) === '4',
			},
		);
		const ids = range(1, 6);
		const before = snapshot(ids.filter((id) => id !== 4));
		const { output, hints } = await runNode({
			items: ids.map((id) => ({ id })),
			options: wholeRecord(),
			credentials: credential(),
		});
		expect(deletedIds()).not.toContain(4);
		expect(portal.hasOpportunity(4)).toBe(true);
		expectNothingLost(output, before);
		const held = output.find((item) => item.json.id === 4);
		expect(held?.json).toEqual({
			id: 4,
			deleted: false,
			error: expect.stringMatching(
				/^Opportunity 4 was not deleted: its record could not be read completely \(.*503/,
			),
		});
		expect(held?.pairedItem).toEqual({ item: 3 });
		expect(hints.map((hint) => hint.message).join('\n')).toMatch(
			/1 opportunities were not deleted because their records could not be read completely: 4\./,
		);
	});
	test.each([
		['breaks off once: it is read again and the deal deleted', 1, true],
		['keeps breaking off: the deal is kept', 5, false],
	])('a download that %s', async (_label, times, deleted) => {
		portal = await startPortal({ opportunities: 30, seed: 21, records: true });
		const ids = range(1, 10);
		const victim = ids.find((id) => portal.recordOf(id).files.length > 0)!;
		const file = portal.recordOf(victim).files[0];
		portal.injectFault(
			{ type: 'brokenBody' },
			{
				times,
				match: (r: { path: string; query: Record<string, string> }) =>
					/filehandler\.ashx$/i.test(r.path) && r.query.fileid === String(file.id),
			},
		);
		const before = snapshot(deleted ? ids : ids.filter((id) => id !== victim));
		const { output } = await runNode({
			items: [{ ids }],
			opportunityIds: (json) => json.ids,
			options: wholeRecord(),
			credentials: credential(),
		});
		expectNothingLost(output, before);
		expect(portal.hasOpportunity(victim)).toBe(!deleted);
		if (!deleted)
			expect(output.find((item) => item.json.id === victim)?.json.error).toMatch(
				/^Opportunity \d+ was not deleted: its record could not be read completely \(The file ".*" \(ID \d+\) could not be read completely \(3 attempts/,
			);
	});
	test.each([
		['behind a proxy (viewUrl on another origin): read from the Portal URL', {}],
		['with files in S3: the redirect to storage followed without the token', { fileStorage: 's3' }],
	])('downloads %s', async (_label, storage) => {
		portal = await startPortal({
			opportunities: 10,
			seed: 6,
			records: { filesPerDeal: 1 },
			publicUrl: 'http://crm.invalid:8080',
			...storage,
		});
		const ids = range(1, 4);
		const before = snapshot(ids);
		const { output } = await runNode({
			items: ids.map((id) => ({ id })),
			options: wholeRecord(),
			credentials: credential(),
		});
		expectNothingLost(output, before);
		const storageReads = requests().filter((r) => r.path.startsWith('/storage/'));
		expect(storageReads).toHaveLength('fileStorage' in storage ? 4 : 0);
		for (const read of storageReads) {
			expect(read.headers.authorization).toBeUndefined();
			expect(read.headers.cookie).toBeUndefined();
		}
	});
});
