import type { IDataObject } from 'n8n-workflow';

import {
	FILES_NOTE,
	RECORD_FORMAT,
	shapeRecord,
} from '../../../../nodes/common/record/shapeRecord';

const heading = {
	relativeItemsCount: 3,
	entityId: -1,
	label: 'Terms',
	fieldValue: ' ',
	fieldType: 4,
	position: 1,
	mask: '',
	id: 7,
};
const text = {
	relativeItemsCount: 9,
	entityId: -1,
	label: 'Region',
	fieldValue: ' ',
	fieldType: 0,
	position: 0,
	mask: '',
	id: 3,
};
const archive = { archivedAt: '2026-12-05T10:00:00.000Z', portalUrl: 'https://portal.example.com' };

function deal(extra: IDataObject = {}): IDataObject {
	return {
		id: 12,
		title: 'Deal 12',
		contact: { id: 5, displayName: 'Ann' },
		members: [
			{ id: 5, displayName: 'Ann' },
			{ id: 6, displayName: 'Bob' },
		],
		customFields: [
			{
				entityId: 12,
				label: 'Region',
				fieldValue: 'North',
				fieldType: 0,
				position: 0,
				mask: '',
				id: 3,
			},
		],
		...extra,
	};
}

describe('shapeRecord', () => {
	test('completes a deal read from the filter listing as its own read has it: Headings and an access list', () => {
		const record = shapeRecord(
			{ deal: deal(), tags: [], history: [], tasks: [] },
			[heading, text],
			archive,
		);
		expect(record.accessList).toEqual([]);
		expect(record.customFields).toEqual([
			{
				entityId: 12,
				label: 'Region',
				fieldValue: 'North',
				fieldType: 0,
				position: 0,
				mask: '',
				id: 3,
			},
			// ONLYOFFICE leaves a Heading's entity 0 out, as every zero.
			{ label: 'Terms', fieldValue: '', fieldType: 4, position: 1, mask: '', id: 7 },
		]);
	});

	test('does not add a Heading the deal already lists, nor values of fields it has none of', () => {
		const own = deal({
			customFields: [
				{ entityId: 0, label: 'Terms', fieldValue: '', fieldType: 4, position: 1, mask: '', id: 7 },
			],
			accessList: [{ id: 'u1' }],
		});
		const record = shapeRecord(
			{ deal: own, tags: [], history: [], tasks: [] },
			[heading, text],
			archive,
		);
		expect(record.customFields).toHaveLength(1);
		expect(record.accessList).toEqual([{ id: 'u1' }]);
	});

	test('orders history and tasks oldest first, drops the grouping key, and says whether each task is closed', () => {
		const history = [
			{
				id: 2,
				created: '2024-02-01T10:00:00.0000000+03:00',
				entity: { entityType: 'opportunity', entityId: 12 },
			},
			{
				id: 1,
				created: '2024-03-01T10:00:00.0000000+03:00',
				entity: { entityType: 'opportunity', entityId: 12 },
			},
			{ id: 3, created: '2024-02-01T10:00:00.0000000+03:00' },
		];
		const tasks = [
			{ id: 9, created: '2024-01-01T00:00:00Z', isClosed: true },
			{ id: 8, created: '2023-01-01T00:00:00Z' },
		];
		const record = shapeRecord({ deal: deal(), tags: ['vip'], history, tasks }, [], archive);
		expect((record.history as IDataObject[]).map((e) => e.id)).toEqual([2, 3, 1]);
		expect((record.history as IDataObject[]).some((e) => 'entity' in e)).toBe(false);
		expect(record.tasks).toEqual([
			{ id: 8, created: '2023-01-01T00:00:00Z', isClosed: false },
			{ id: 9, created: '2024-01-01T00:00:00Z', isClosed: true },
		]);
		expect(record.tags).toEqual(['vip']);
	});

	test('lists the primary contact and the members once each, and stamps the archive', () => {
		const record = shapeRecord({ deal: deal(), tags: [], history: [], tasks: [] }, [], archive);
		expect((record.contacts as IDataObject[]).map((c) => c.id)).toEqual([5, 6]);
		expect(record.archive).toEqual({ format: RECORD_FORMAT, ...archive, filesNote: FILES_NOTE });
	});
});
