/**
 * The Restore node's bad input restores nothing: a tampered record, a wrong format, a huge text, in the last
 * of three items, fails the node before its first request with a message naming the item and what is wrong;
 * under Continue On Fail only that item becomes an error item and the other two deals are restored.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { adminCredential, deleteWhole, runRestoreNode } from '../helpers/runRestoreNode';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type Json = IDataObject;
let portal: Portal;
let kept: INodeExecutionData[];

beforeAll(async () => {
	portal = await startPortal({
		opportunities: 10,
		seed: 8,
		records: { eventsPerDeal: 2, filesPerDeal: 1, tasksPerDeal: 1, tagsPerDeal: 1 },
	});
	kept = await deleteWhole(portal, [1, 2, 3]);
});
afterAll(async () => {
	await portal.stop();
});

const copy = (item: INodeExecutionData): Json => structuredClone(item.json);
const edited = (change: (record: Json) => void) => (item: INodeExecutionData) => {
	const record = copy(item);
	change(record);
	return record;
};
const firstEvent = (record: Json) => (record.history as Json[])[0];
const firstTask = (record: Json) => (record.tasks as Json[])[0];

/** Each row: what Record holds for the last item (made from its kept record), and what the message shows. */
const BAD_RECORDS: Array<{
	name: string;
	record: (item: INodeExecutionData) => unknown;
	shows: RegExp;
	/** The binary data the item keeps (default: its own). */
	binary?: (item: INodeExecutionData) => INodeExecutionData['binary'];
}> = [
	{
		name: 'text that is not JSON',
		record: () => '{"id": 3, oops',
		shows: /Record is not JSON .*"\{"id": 3, oops"/,
	},
	{
		name: 'a huge text',
		record: () => ' '.repeat(64 * 1024 * 1024 + 1),
		shows: /Record is 67108865 characters of text, more than a deal's record can be/,
	},
	{ name: 'null', record: () => null, shows: /Record is null, not one deal's record/ },
	{ name: 'a list of records', record: (item) => [copy(item)], shows: /Record is a list/ },
	{ name: 'a number', record: () => 42, shows: /Record is the number 42/ },
	{ name: 'an empty text', record: () => '', shows: /Record is not JSON/ },
	{
		name: 'Deal Only output (no archive stamp)',
		record: edited((record) => delete record.archive),
		shows: /not a whole record: it has no "archive" stamp/,
	},
	{
		name: 'an unknown format',
		record: edited((record) => ((record.archive as Json).format = 2)),
		shows: /Record is of format 2, which this version of the node does not know/,
	},
	{
		name: 'the format as text',
		record: edited((record) => ((record.archive as Json).format = '1')),
		shows: /Record is of format "1"/,
	},
	{
		name: 'no deal ID',
		record: edited((record) => delete record.id),
		shows: /has no deal ID \(id is undefined\)/,
	},
	{ name: 'a negative deal ID', record: edited((record) => (record.id = -4)), shows: /id is -4/ },
	{
		name: 'the deal ID as text',
		record: edited((record) => (record.id = '3')),
		shows: /id is "3"/,
	},
	{
		name: 'an empty title',
		record: edited((record) => (record.title = ' ')),
		shows: /lacks title/,
	},
	{
		name: 'no responsible',
		record: edited((record) => delete record.responsible),
		shows: /lacks responsible\.id/,
	},
	{ name: 'no stage', record: edited((record) => delete record.stage), shows: /lacks stage\.id/ },
	{
		name: 'no currency',
		record: edited((record) => delete record.bidCurrency),
		shows: /lacks bidCurrency\.abbreviation/,
	},
	{
		name: 'no creation date',
		record: edited((record) => delete record.created),
		shows: /lacks created/,
	},
	{
		name: 'a simplified record',
		record: edited((record) => {
			record.stageType = 'Open';
			record.stage = 'Qualification';
			record.responsible = 'Jamie Rivera';
		}),
		shows: /lacks stage\.id, responsible\.id: it was simplified/,
	},
	{
		name: 'tags not a list',
		record: edited((record) => (record.tags = 'vip')),
		shows: /has no list of tag names/,
	},
	{
		name: 'a tag that is a number',
		record: edited((record) => (record.tags = [7])),
		shows: /has no list of tag names/,
	},
	{
		name: 'history not a list',
		record: edited((record) => (record.history = {})),
		shows: /has no list of history/,
	},
	{
		name: 'a history entry that is not an object',
		record: edited((record) => (record.history as unknown[]).push('note')),
		shows: /has no list of history/,
	},
	{
		name: 'tasks missing',
		record: edited((record) => delete record.tasks),
		shows: /has no list of tasks/,
	},
	{
		name: 'an event text longer than ONLYOFFICE keeps',
		record: edited((record) => (firstEvent(record).content = 'x'.repeat(65_001))),
		shows: /whose text is 65001 characters, more than ONLYOFFICE keeps \(65000\)/,
	},
	{
		name: 'an event without its category',
		record: edited((record) => delete firstEvent(record).category),
		shows: /history event \(\d+\) without its category or date/,
	},
	{
		name: 'an event whose files are not a list',
		record: edited((record) => (firstEvent(record).files = 'Proposal.pdf')),
		shows: /whose files are not a list/,
	},
	{
		name: 'a task without its deadline',
		record: edited((record) => delete firstTask(record).deadLine),
		shows: /a task \(\d+\) without its title, deadline or category/,
	},
	{
		name: 'a kept file whose content is not on the item',
		record: copy,
		binary: () => undefined,
		shows: /names files whose content is not on the item: ".+" \(file_\d+\)/,
	},
	{
		name: 'the record of a deal another item holds',
		record: () => copy(kept[0]),
		binary: () => kept[0].binary,
		shows: /Record is the record of deal 1, as is item 0's/,
	},
];

const BAD_ITEM = 2;
function itemsWith(row: (typeof BAD_RECORDS)[number]): INodeExecutionData[] {
	const bad = kept[BAD_ITEM];
	return [
		kept[0],
		kept[1],
		{
			json: { record: row.record(bad) as never },
			binary: row.binary ? row.binary(bad) : bad.binary,
		},
	];
}
const recordOf = (item: INodeExecutionData, itemIndex: number) =>
	itemIndex === BAD_ITEM ? item.json.record : item.json;

test('the table holds at least 25 distinct bad records', () => {
	expect(new Set(BAD_RECORDS.map((row) => row.name)).size).toBe(BAD_RECORDS.length);
	expect(BAD_RECORDS.length).toBeGreaterThanOrEqual(25);
	expect(kept[BAD_ITEM].binary).toBeDefined();
});

describe.each(BAD_RECORDS)('bad record: $name', (row) => {
	test('fails naming item 2 and what is wrong, before any request', async () => {
		portal.clearRequests();
		const deals = portal.opportunityIds().length;
		const error = await runRestoreNode({
			items: itemsWith(row),
			record: recordOf,
			credentials: adminCredential(portal),
		}).then(
			() => undefined,
			(thrown: unknown) => thrown,
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		const { message } = error as NodeOperationError;
		expect(message).toMatch(new RegExp(`^Item ${BAD_ITEM}: `));
		expect(message).toMatch(row.shows);
		expect(message).toMatch(/Nothing was restored\.$/);
		expect(message.length).toBeLessThan(300);
		expect((error as NodeOperationError).description).toMatch(/\w/);
		expect(portal.requests).toEqual([]);
		expect(portal.opportunityIds().length).toBe(deals);
	});

	test('under Continue On Fail, only item 2 is an error item and the other deals are restored', async () => {
		const output = await runRestoreNode({
			items: itemsWith(row),
			record: recordOf,
			credentials: adminCredential(portal),
			continueOnFail: true,
		});
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[BAD_ITEM].json.error).toMatch(row.shows);
		for (const at of [0, 1]) {
			expect(output[at].json.error).toBeUndefined();
			expect(output[at].json.restoredFrom).toMatchObject({ id: kept[at].json.id });
			expect(portal.hasOpportunity(output[at].json.id)).toBe(true);
		}
	});
});
