/**
 * The Restore node in-process against the stand-in portal: deals deleted with Record = Whole Record, then
 * restored from those output items, read back whole and compared field by field with what was kept. The only
 * differences allowed are those the output's `notRestored` names and what the server cannot restore at all.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../../helpers/runNode';
import {
	recordDifferences,
	unexplainedDifferences,
	type NotRestoredEntry,
} from '../../helpers/restoredRecords';
import { adminCredential, deleteWhole, runRestoreNode } from '../../helpers/runRestoreNode';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => from + i);

const notRestoredOf = (item: INodeExecutionData) =>
	item.json.notRestored as unknown as NotRestoredEntry[];

/** Each file's name and bytes, as the kept item's binary data holds them or the portal holds the restored deal's. */
const keptFiles = (item: INodeExecutionData) =>
	Object.values(item.binary ?? {})
		.map((binary) => `${String(binary.fileName)}:${binary.data}`)
		.sort();
const portalFiles = (id: number) =>
	(portal.recordOf(id).files as Array<{ title: string; bytes: Buffer }>)
		.map((file) => `${file.title}:${file.bytes.toString('base64')}`)
		.sort();

test('220 varied deals deleted whole come back whole: every field, tag, event, task and file byte', async () => {
	portal = await startPortal({ opportunities: 230, seed: 21, records: true });
	const counts = portal.recordCounts();
	const kept = await deleteWhole(portal, range(1, 220));
	expect(kept).toHaveLength(220);
	const parts = (key: string) =>
		kept.reduce((sum, item) => sum + ((item.json[key] as unknown[]) ?? []).length, 0);
	expect([parts('history'), parts('tasks'), parts('tags')].every((n) => n > 150)).toBe(true);
	expect(kept.some((item) => item.json.isPrivate === true)).toBe(true);
	const files = kept.reduce((sum, item) => sum + Object.keys(item.binary ?? {}).length, 0);
	expect(files).toBeGreaterThan(100);

	const output = await runRestoreNode({ items: kept, credentials: adminCredential(portal) });

	expect(output).toHaveLength(220);
	// Secrets stay secret: no token in anything the node output.
	expect(JSON.stringify(output)).not.toContain(portal.users.admin.token);
	expect(output.map((item) => item.pairedItem)).toEqual(kept.map((_, item) => ({ item })));
	for (const [at, item] of output.entries()) {
		expect(item.json.restoredFrom).toEqual({
			id: kept[at].json.id,
			archivedAt: (kept[at].json.archive as IDataObject).archivedAt,
		});
		expect(item.json.alreadyRestored).toBe(false);
		expect([
			kept[at].json.id,
			unexplainedDifferences(kept[at].json, item.json, notRestoredOf(item)),
		]).toEqual([kept[at].json.id, []]);
		expect(portalFiles(Number(item.json.id))).toEqual(keptFiles(kept[at]));
		expect(item.json.tags).toContain(`restored-from-${String(kept[at].json.id)}`);
	}
	// The restorer is always on a private deal's list, and said so where the kept list lacked them.
	for (const [at, item] of output.entries())
		if (kept[at].json.isPrivate === true) {
			expect(item.json.isPrivate).toBe(true);
			const listed = (kept[at].json.accessList as IDataObject[]).map((user) => user.id);
			if (!listed.includes(portal.users.admin.id))
				expect(notRestoredOf(item)).toContainEqual(
					expect.objectContaining({ part: 'accessList', id: portal.users.admin.id }),
				);
		}
	// Everything is held by an event again, and the portal holds as many events, tasks and files as before.
	expect(portal.unattachedFiles()).toEqual([]);
	const restored = portal.recordCounts();
	const mailEvents = output.reduce(
		(sum, item) => sum + notRestoredOf(item).filter((entry) => entry.part === 'event').length,
		0,
	);
	expect(restored).toEqual({ ...counts, events: counts.events - mailEvents });
});

test('the comparison sees a changed field, a lost event, an extra task and a lost tag', async () => {
	portal = await startPortal({ opportunities: 10, seed: 3, records: true });
	const [kept] = await deleteWhole(portal, [2]);
	const [item] = await runRestoreNode({ items: [kept], credentials: adminCredential(portal) });
	const json = item.json;
	expect(recordDifferences(kept.json, json)).toEqual([]);
	const history = json.history as IDataObject[];
	const tasks = json.tasks as IDataObject[];
	expect([history.length, (kept.json.tags as string[]).length].every((n) => n > 0)).toBe(true);
	const changed = {
		...json,
		bidValue: Number(json.bidValue) + 1,
		history: history.slice(1),
		tasks: [...tasks, { ...tasks[0], id: 999, title: 'Another' }],
		tags: (json.tags as string[]).filter((tag) => tag !== (kept.json.tags as string[])[0]),
	};
	expect(recordDifferences(kept.json, changed).map((difference) => difference.path)).toEqual([
		'deal.bidValue',
		'tags',
		`history[${String((kept.json.history as IDataObject[])[0].id)}]`,
		'tasks[new 999]',
	]);
	expect(
		unexplainedDifferences(kept.json, changed, [
			{ part: 'responsible', id: 'someone', reason: 'not this one' },
		]),
	).toHaveLength(4);
});

test('the record as JSON text (a Data Table cell, a file) restores the same as the item', async () => {
	portal = await startPortal({ opportunities: 10, seed: 5, records: true });
	const kept = await deleteWhole(portal, [1, 4]);
	const asText = kept.map((item) => ({
		json: { dealId: item.json.id, record: JSON.stringify(item.json) },
		binary: item.binary,
	}));
	const output = await runRestoreNode({
		items: asText,
		record: (item) => item.json.record,
		credentials: adminCredential(portal),
	});
	for (const [at, item] of output.entries()) {
		expect(unexplainedDifferences(kept[at].json, item.json, notRestoredOf(item))).toEqual([]);
		expect(portalFiles(Number(item.json.id))).toEqual(keptFiles(kept[at]));
	}
});

test('as an AI tool: the record the model passes as JSON text, a summary per deal back, and kept files refused by name', async () => {
	portal = await startPortal({
		opportunities: 10,
		seed: 6,
		records: { eventsPerDeal: 2, filesPerDeal: 0, tasksPerDeal: 1, tagsPerDeal: 1 },
	});
	const [kept] = await deleteWhole(portal, [2]);
	const agentItem = { json: { chatInput: 'restore deal 2' } };
	const [answer] = await runRestoreNode({
		items: [agentItem],
		asTool: true,
		record: () => JSON.stringify(kept.json),
		credentials: adminCredential(portal),
	});
	expect(answer.json).toEqual({
		id: expect.any(Number),
		title: kept.json.title,
		restoredFrom: 2,
		alreadyRestored: false,
		notRestored: [],
	});
	expect(portal.recordOf(Number(answer.json.id)).history).toHaveLength(2);

	const withFiles = await deleteWhole(portal, [3]);
	expect(withFiles[0].binary).toBeUndefined();
	(withFiles[0].json.history as IDataObject[]).push({
		id: 1,
		content: 'x',
		created: '2025-01-02T10:00:00.0000000+03:00',
		category: { id: 1 },
		files: [
			{ id: 9, title: 'Proposal.pdf', binaryProperty: 'file_9', fileKey: '3-9-Proposal.pdf' },
		],
	});
	const refused = await runRestoreNode({
		items: [agentItem],
		asTool: true,
		record: () => JSON.stringify(withFiles[0].json),
		credentials: adminCredential(portal),
	}).catch((error: Error) => error);
	// The model gets the fix in the message itself.
	expect(String((refused as Error).message)).toMatch(
		/names files whose content is not on the item: "Proposal\.pdf" \(file_9\)\. Nothing was restored\. Pass each file/,
	);
});

test('a mail event, which only the mail module can create, is named in notRestored; the rest comes back', async () => {
	portal = await startPortal({ opportunities: 10, seed: 7, records: true });
	const [kept] = await deleteWhole(portal, [4]);
	const mail = {
		id: 777,
		content: '{"from":"buyer@example.com","subject":"Re: quote"}',
		created: '2025-02-03T09:00:00.0000000+03:00',
		category: { id: -3, title: 'Mail message' },
	};
	kept.json.history = [...(kept.json.history as IDataObject[]), mail];
	const [item] = await runRestoreNode({ items: [kept], credentials: adminCredential(portal) });
	expect(notRestoredOf(item)).toEqual([
		{ part: 'event', id: 777, reason: expect.stringMatching(/mail module/) },
	]);
	expect(unexplainedDifferences(kept.json, item.json, notRestoredOf(item))).toEqual([]);
	expect(recordDifferences(kept.json, item.json).map((difference) => difference.path)).toEqual([
		'history[777]',
	]);
});

test('a record written with Simplify on keeps the deal as read in its archive stamp, and restores whole', async () => {
	portal = await startPortal({ opportunities: 10, seed: 9, records: true });
	const full = portal.recordOf(3);
	const { output } = await runNode({
		items: [{ id: 3 }],
		options: { record: 'wholeRecord', simplify: true },
		credentials: adminCredential(portal),
	});
	const [kept] = output;
	expect(kept.json.stageType).toBeDefined();
	expect((kept.json.archive as IDataObject).deal).toEqual(
		expect.objectContaining({ id: 3, title: full.deal.title, stage: full.deal.stage }),
	);
	const [item] = await runRestoreNode({ items: [kept], credentials: adminCredential(portal) });
	const { deal, ...withoutDeal } = kept.json.archive as IDataObject;
	const whole = { ...(deal as IDataObject), ...pickParts(kept.json), archive: withoutDeal };
	expect(unexplainedDifferences(whole, item.json, notRestoredOf(item))).toEqual([]);
	expect(portalFiles(Number(item.json.id))).toEqual(keptFiles(kept));
});

const pickParts = (json: IDataObject) => ({
	tags: json.tags,
	history: json.history,
	tasks: json.tasks,
});
