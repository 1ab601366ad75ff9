/**
 * Issue #20: a part of a deal that an administrator removed between the delete and the restore (a user, a
 * custom field, a category, a contact, a stage, a currency) is restored around and reported. Each test
 * deletes deals whole with the Delete node, removes the part from the stand-in portal as the server would,
 * restores, and checks that the deal came back, that `notRestored` names exactly that part (and the ID it
 * had) in a sentence that names it, and that nothing else differs from what was kept.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { unexplainedDifferences, type NotRestoredEntry } from '../../helpers/restoredRecords';
import { adminCredential, deleteWhole, runRestoreNode } from '../../helpers/runRestoreNode';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
// The portal's whole records, parsed from the wire: looked into freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

const CRM = '/api/2.0/crm';

/** Deletes the deals whole, lets `remove` take the part away, restores them: kept and restored, in order. */
async function deleteRemoveRestore(ids: number[], remove: () => void) {
	const kept = await deleteWhole(portal, ids);
	remove();
	const output = await runRestoreNode({ items: kept, credentials: adminCredential(portal) });
	expect(output).toHaveLength(kept.length);
	return { kept, output };
}

const notRestoredOf = (item: INodeExecutionData) =>
	item.json.notRestored as unknown as NotRestoredEntry[];
const key = (entry: { part: string; id?: unknown }) => `${entry.part}|${String(entry.id)}`;
const sorted = (entries: Array<{ part: string; id?: unknown }>) =>
	entries
		.map((entry) => ({ part: entry.part, id: entry.id }))
		.sort((a, b) => (key(a) < key(b) ? -1 : 1));

/**
 * What every restore of a private deal reports whatever was removed: ONLYOFFICE adds the restoring user to
 * its access list.
 */
function baseline(kept: IDataObject): Array<{ part: string; id: unknown }> {
	const listed = ((kept.accessList as IDataObject[] | undefined) ?? []).map((user) => user.id);
	return kept.isPrivate === true && !listed.includes(portal.users.admin.id)
		? [{ part: 'accessList', id: portal.users.admin.id }]
		: [];
}

/**
 * The deal came back (not an error item), `notRestored` is exactly `expected` (plus the baseline), and no
 * difference from what was kept goes unexplained.
 */
function expectRestoredAround(
	kept: INodeExecutionData,
	item: INodeExecutionData,
	expected: Array<{ part: string; id: unknown }>,
) {
	expect(item.json.error).toBeUndefined();
	expect(typeof item.json.id).toBe('number');
	expect(item.json.restoredFrom).toMatchObject({ id: kept.json.id });
	expect([kept.json.id, sorted(notRestoredOf(item))]).toEqual([
		kept.json.id,
		sorted([...expected, ...baseline(kept.json)]),
	]);
	expect([kept.json.id, unexplainedDifferences(kept.json, item.json, notRestoredOf(item))]).toEqual(
		[kept.json.id, []],
	);
}

/** The reason of the entry for `part` and `id`: a sentence, naming each of `names`. */
function expectReason(item: INodeExecutionData, part: string, id: unknown, ...names: string[]) {
	const entries = notRestoredOf(item).filter((entry) => entry.part === part && entry.id === id);
	expect(entries.length).toBeGreaterThan(0);
	for (const { reason } of entries) {
		expect(reason).toMatch(/^["“A-Z].{20,}$/s);
		expect(reason).not.toMatch(/undefined|null|\[object|NaN/);
		for (const name of names) expect([reason, reason.includes(name)]).toEqual([reason, true]);
	}
}

/** The first deal of the portal for which `test` holds of its whole record as the admin reads it. */
function findDeal(test: (record: Json, deal: Json) => boolean, what: string): number {
	const id = portal
		.opportunityIds()
		.find((n: number) => test(portal.recordOf(n), portal.getOpportunity(n)));
	if (id === undefined) throw new Error(`the seed has no deal ${what}`);
	return id;
}

const contactNamed = (record: Json, id: number): string => {
	const all = [
		record.deal.contact,
		...(record.deal.members ?? []),
		...record.history.map((e: Json) => e.contact),
		...record.tasks.map((t: Json) => t.contact),
	];
	return all.find((c: Json) => c?.id === id).displayName;
};
/** Every contact a record names anywhere but `except` (its primary contact, a member, an event's, a task's). */
const contactsOf = (record: Json, except: 'contact' | 'members' | 'history' | 'tasks') =>
	new Set<number>(
		[
			except === 'contact' ? undefined : record.deal.contact?.id,
			...(except === 'members' ? [] : (record.deal.members ?? []).map((m: Json) => m.id)),
			...(except === 'history' ? [] : record.history.map((e: Json) => e.contact?.id)),
			...(except === 'tasks' ? [] : record.tasks.map((t: Json) => t.contact?.id)),
		].filter((id) => id !== undefined),
	);

describe('a user who is no longer active', () => {
	test('the deal’s responsible: the restoring user is responsible instead, and said so by name', async () => {
		portal = await startPortal({ opportunities: 40, seed: 31, records: true });
		const gone = portal.users.user;
		const id = findDeal(
			(record, deal) =>
				deal.responsibleId === gone.id &&
				!deal.isPrivate &&
				!record.tasks.some((t: Json) => t.responsible.id === gone.id),
			'of the demo user, public, with no task of theirs',
		);
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeUser('user'));
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'responsible', id: gone.id }]);
		expectReason(item, 'responsible', gone.id, gone.displayName, portal.users.admin.displayName);
		expect((item.json.responsible as IDataObject).id).toBe(portal.users.admin.id);
	});

	test('a task’s responsible: the task comes back with the restoring user responsible, and said so', async () => {
		portal = await startPortal({ opportunities: 40, seed: 32, records: { tasksPerDeal: 3 } });
		const staff = 'sam.okafor';
		const gone = portal.employees().find((e: { userName: string }) => e.userName === staff);
		const id = findDeal(
			(record, deal) =>
				deal.responsibleId !== gone.id &&
				!deal.accessList.includes(gone.id) &&
				record.tasks.filter((t: Json) => t.responsible.id === gone.id).length === 1,
			`with one task of ${staff}, who has no other part in it`,
		);
		const task = portal.recordOf(id).tasks.find((t: Json) => t.responsible.id === gone.id);
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeUser(staff));
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'task responsible', id: gone.id }]);
		expectReason(item, 'task responsible', gone.id, gone.displayName, task.title);
		const restored = (item.json.tasks as IDataObject[]).find((t) => t.title === task.title)!;
		expect((restored.responsible as IDataObject).id).toBe(portal.users.admin.id);
	});
});

test('a custom field deleted: the value is reported with the field’s name, every other value comes back', async () => {
	portal = await startPortal({ opportunities: 30, seed: 33, records: { valuesPerDeal: 5 } });
	const id = findDeal(
		(record) =>
			record.deal.customFields.some((v: Json) => v.id === 10 && v.fieldValue !== '') &&
			record.deal.customFields.filter((v: Json) => v.fieldType !== 4).length > 2,
		'with a Next steps value and others',
	);
	const { kept, output } = await deleteRemoveRestore([id], () => portal.removeCustomField(10));
	const [item] = output;
	expectRestoredAround(kept[0], item, [{ part: 'customField', id: 10 }]);
	const value = (kept[0].json.customFields as IDataObject[]).find((v) => v.id === 10)!;
	expectReason(item, 'customField', 10, 'Next steps', String(value.fieldValue));
	const restoredIds = (item.json.customFields as IDataObject[]).map((v) => v.id);
	expect(restoredIds).not.toContain(10);
	expect(restoredIds.length).toBeGreaterThan(2);
});

describe('a category deleted', () => {
	test('a history category: each of its events comes back in the first history category, said so', async () => {
		// Contacts' own events would keep the category in use; the server refuses to delete it then.
		portal = await startPortal({
			opportunities: 12,
			seed: 34,
			records: { eventsPerDeal: 3, otherEvents: 0, filesPerDeal: 1 },
		});
		const inMeeting = (record: Json) => record.history.filter((e: Json) => e.category.id === 4);
		const ids = portal
			.opportunityIds()
			.filter((n: number) => inMeeting(portal.recordOf(n)).length > 0);
		expect(ids.length).toBeGreaterThan(0);
		const counts = new Map<number, number>(
			ids.map((n: number) => [n, inMeeting(portal.recordOf(n)).length]),
		);
		const { kept, output } = await deleteRemoveRestore(ids, () => portal.removeCategory(4));
		for (const [at, item] of output.entries()) {
			const entries = Array.from({ length: counts.get(ids[at])! }, () => ({
				part: 'event category',
				id: 4,
			}));
			expectRestoredAround(kept[at], item, entries);
			expectReason(item, 'event category', 4, 'Meeting', 'Note');
		}
	});

	test('a task category, its other tasks moved: each of its tasks comes back in the first task category, said so', async () => {
		portal = await startPortal({ opportunities: 15, seed: 35, records: { tasksPerDeal: 3 } });
		const id = findDeal(
			(record) => record.tasks.filter((t: Json) => t.category.id === 7).length === 1,
			'with one Meeting task',
		);
		const { kept, output } = await deleteRemoveRestore([id], () =>
			portal.removeCategory(7, { moveTo: 8 }),
		);
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'task category', id: 7 }]);
		expectReason(item, 'task category', 7, 'Meeting', 'Call');
		const categories = (item.json.tasks as IDataObject[]).map(
			(t) => (t.category as IDataObject).id,
		);
		expect(categories).not.toContain(7);
	});
});

describe('a contact deleted', () => {
	test('the primary contact: the deal comes back without it, said once, by name', async () => {
		portal = await startPortal({ opportunities: 40, seed: 36, records: true });
		const id = findDeal(
			(record) =>
				record.deal.contact !== undefined &&
				!new Set([
					...record.history.map((e: Json) => e.contact?.id),
					...record.tasks.map((t: Json) => t.contact?.id),
				]).has(record.deal.contact.id),
			'with a primary contact that no event or task has',
		);
		const record = portal.recordOf(id);
		const contactId = record.deal.contact.id;
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeContact(contactId));
		const [item] = output;
		// The primary contact is also a participant: one entry for the one contact.
		expectRestoredAround(kept[0], item, [{ part: 'contact', id: contactId }]);
		expectReason(item, 'contact', contactId, contactNamed(record, contactId));
		expect(item.json.contact).toBeUndefined();
	});

	test('the primary contact that events and tasks have too: each part comes back without it, each said', async () => {
		portal = await startPortal({
			opportunities: 40,
			seed: 45,
			records: { eventsPerDeal: 4, tasksPerDeal: 3 },
		});
		const of = (record: Json, part: 'history' | 'tasks') =>
			record[part].filter((row: Json) => row.contact?.id === record.deal.contact?.id);
		const id = findDeal(
			(record) =>
				record.deal.contact !== undefined &&
				of(record, 'history').length > 0 &&
				of(record, 'tasks').length > 0,
			'whose primary contact has events and tasks of the deal',
		);
		const record = portal.recordOf(id);
		const contactId = record.deal.contact.id;
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeContact(contactId));
		const [item] = output;
		expectRestoredAround(kept[0], item, [
			{ part: 'contact', id: contactId },
			...of(record, 'history').map(() => ({ part: 'event contact', id: contactId })),
			...of(record, 'tasks').map(() => ({ part: 'task contact', id: contactId })),
		]);
		expect(item.json.history).toHaveLength(record.history.length);
		expect(item.json.tasks).toHaveLength(record.tasks.length);
	});

	test('a participant that is not the primary contact: the others come back, it is said by name', async () => {
		portal = await startPortal({ opportunities: 40, seed: 37, records: true });
		const id = findDeal(
			(record) =>
				record.deal.contact !== undefined &&
				(record.deal.members ?? []).some(
					(m: Json) => m.id !== record.deal.contact.id && !contactsOf(record, 'members').has(m.id),
				),
			'with a participant besides the primary contact that nothing else names',
		);
		const record = portal.recordOf(id);
		const memberId = record.deal.members.find(
			(m: Json) => m.id !== record.deal.contact.id && !contactsOf(record, 'members').has(m.id),
		).id;
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeContact(memberId));
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'contact', id: memberId }]);
		expectReason(item, 'contact', memberId, contactNamed(record, memberId));
		expect((item.json.contact as IDataObject).id).toBe(record.deal.contact.id);
	});

	/** A contact the deal names nowhere: one of the seed's companies (1…30) that no part of the record has. */
	const strangerTo = (record: Json) => {
		const named = contactsOf(record, 'tasks');
		for (const task of record.tasks) if (task.contact) named.add(task.contact.id);
		return Array.from({ length: 30 }, (_, n) => n + 1).find((n) => !named.has(n))!;
	};

	test('an event’s contact: the event comes back without it, said with the contact’s name', async () => {
		portal = await startPortal({ opportunities: 10, seed: 38, records: { eventsPerDeal: 2 } });
		const id = 3;
		const stranger = strangerTo(portal.recordOf(id));
		const added = await fetch(`${portal.url}${CRM}/history`, {
			method: 'POST',
			headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				entityType: 'opportunity',
				entityId: id,
				contactId: stranger,
				content: 'Met their procurement team',
				categoryId: 4,
				created: '2025-03-04T10:00:00.0000000+03:00',
			}),
		});
		expect(added.status).toBe(201);
		const record = portal.recordOf(id);
		const name = contactNamed(record, stranger);
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeContact(stranger));
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'event contact', id: stranger }]);
		expectReason(item, 'event contact', stranger, name);
		const event = (item.json.history as IDataObject[]).find(
			(e) => e.content === 'Met their procurement team',
		)!;
		expect(event.contact).toBeUndefined();
	});

	test('a task’s contact: the task comes back without it, said with the contact’s name', async () => {
		portal = await startPortal({ opportunities: 10, seed: 39, records: { tasksPerDeal: 1 } });
		const id = 4;
		const stranger = strangerTo(portal.recordOf(id));
		const added = await fetch(`${portal.url}${CRM}/task`, {
			method: 'POST',
			headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
			body: JSON.stringify({
				title: 'Send the NDA',
				deadline: '2025-06-01T09:00:00.0000000+03:00',
				responsibleId: portal.users.admin.id,
				categoryId: 6,
				entityType: 'opportunity',
				entityId: id,
				contactId: stranger,
			}),
		});
		expect(added.status).toBe(201);
		const record = portal.recordOf(id);
		const name = contactNamed(record, stranger);
		const { kept, output } = await deleteRemoveRestore([id], () => portal.removeContact(stranger));
		const [item] = output;
		expectRestoredAround(kept[0], item, [{ part: 'task contact', id: stranger }]);
		expectReason(item, 'task contact', stranger, name, 'Send the NDA');
		const task = (item.json.tasks as IDataObject[]).find((t) => t.title === 'Send the NDA')!;
		expect(task.contact).toBeUndefined();
	});
});

describe('a stage deleted', () => {
	test('an open stage: each of its deals is in the first open stage, and the entry names both stages', async () => {
		portal = await startPortal({ opportunities: 16, seed: 40, records: true });
		const stageId = 4; // Proposal / quote
		const ids = portal
			.opportunityIds()
			.filter((n: number) => portal.getOpportunity(n).stageId === stageId);
		expect(ids.length).toBeGreaterThan(0);
		const { kept, output } = await deleteRemoveRestore(ids, () => portal.removeStage(stageId));
		for (const [at, item] of output.entries()) {
			expectRestoredAround(kept[at], item, [{ part: 'stage', id: stageId }]);
			expectReason(item, 'stage', stageId, 'Proposal / quote', 'Initial contact');
			expect((item.json.stage as IDataObject).id).toBe(1);
			expect(item.json.successProbability).toBe(kept[at].json.successProbability);
		}
	});

	test('a won stage: each of its deals is in the first won stage left, still closed on its day', async () => {
		// The search scenario's pipeline has more won stages (9 "Won: renewal", 12 "Won: upsell").
		portal = await startPortal({ opportunities: 20, seed: 41, scenario: 'search', records: true });
		const ids = portal
			.opportunityIds()
			.filter((n: number) => portal.getOpportunity(n).stageId === 7);
		expect(ids.length).toBeGreaterThan(0);
		const { kept, output } = await deleteRemoveRestore(ids, () => portal.removeStage(7));
		for (const [at, item] of output.entries()) {
			expectRestoredAround(kept[at], item, [{ part: 'stage', id: 7 }]);
			expectReason(item, 'stage', 7, '"Won"', 'Won: renewal');
			expect(item.json.stage).toMatchObject({ id: 9, stageType: 1 });
			expect(item.json.actualCloseDate).toBe(kept[at].json.actualCloseDate);
		}
	});
});

test('a currency the portal no longer knows: the bid is in the first currency listed, said so', async () => {
	portal = await startPortal({ opportunities: 40, seed: 42, records: true });
	const id = findDeal(
		(_record, deal) => deal.bidCurrency === 'CHF' && !deal.isPrivate,
		'bid in CHF, public',
	);
	const { kept, output } = await deleteRemoveRestore([id], () => portal.removeCurrency('CHF'));
	const [item] = output;
	expectRestoredAround(kept[0], item, [{ part: 'bidCurrency', id: 'CHF' }]);
	expectReason(item, 'bidCurrency', 'CHF', 'CHF', 'USD');
	expect((item.json.bidCurrency as IDataObject).abbreviation).toBe('USD');
	expect(item.json.bidValue).toBe(kept[0].json.bidValue);
});

describe('a private deal', () => {
	const listed = (json: IDataObject) =>
		((json.accessList as IDataObject[] | undefined) ?? []).map((user) => String(user.id)).sort();

	test('stays private: its access list is the kept list plus the restoring user', async () => {
		portal = await startPortal({ opportunities: 40, seed: 43, records: true });
		const ids = portal.opportunityIds().filter((n: number) => portal.getOpportunity(n).isPrivate);
		expect(ids.length).toBeGreaterThan(2);
		const { kept, output } = await deleteRemoveRestore(ids, () => undefined);
		for (const [at, item] of output.entries()) {
			expectRestoredAround(kept[at], item, []);
			expect(item.json.isPrivate).toBe(true);
			expect(listed(item.json)).toEqual(
				[...new Set([...listed(kept[at].json), portal.users.admin.id])].sort(),
			);
			expectReason(item, 'accessList', portal.users.admin.id, portal.users.admin.displayName);
			expect(portal.canRead('user', Number(item.json.id))).toBe(false);
		}
	});

	test('whose only listed user is gone stays private, the restoring user alone on its list', async () => {
		portal = await startPortal({ opportunities: 60, seed: 44, records: true });
		const id = findDeal(
			(_record, deal) => deal.isPrivate && deal.accessList.length === 1,
			'private with one listed user',
		);
		const deal = portal.getOpportunity(id);
		const [only] = deal.accessList as string[];
		const gone = portal.employees().find((e: { id: string }) => e.id === only);
		const tasksOfTheirs = portal
			.recordOf(id)
			.tasks.filter((t: Json) => t.responsible.id === only).length;
		const { kept, output } = await deleteRemoveRestore([id], () =>
			portal.removeUser(gone.userName),
		);
		const [item] = output;
		// The only listed user is the responsible too (the seed puts the responsible on the list).
		expect(deal.responsibleId).toBe(only);
		expectRestoredAround(kept[0], item, [
			{ part: 'responsible', id: only },
			{ part: 'accessList', id: only },
			...Array.from({ length: tasksOfTheirs }, () => ({ part: 'task responsible', id: only })),
		]);
		expectReason(item, 'accessList', only, gone.displayName);
		expect(item.json.isPrivate).toBe(true);
		expect(listed(item.json)).toEqual([portal.users.admin.id]);
		expect(portal.canRead('user', Number(item.json.id))).toBe(false);
	});
});
