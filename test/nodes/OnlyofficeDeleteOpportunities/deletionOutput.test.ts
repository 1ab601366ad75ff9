import type { IdOutcome } from '../../../nodes/OnlyofficeDeleteOpportunities/deleteInBatches';
import {
	describeOutcomes,
	formatIds,
	outputFor,
} from '../../../nodes/OnlyofficeDeleteOpportunities/deletionOutput';
import { pairedTo, simplifyOpportunity } from '../../../nodes/common/output/opportunityOutput';
import { PortalFailure } from '../../../nodes/common/transport';

const record = {
	createBy: { id: 'a1', displayName: 'Ann Admin' },
	created: '2024-05-01T15:30:00.0000000+03:00',
	members: [],
	contact: { displayName: 'Northwind Ltd', id: 12 },
	title: 'Renewal 2025',
	description: '',
	responsible: { id: 'b2', displayName: 'Bob Seller' },
	bidType: 2,
	bidValue: 1500,
	bidCurrency: { title: 'Euro', abbreviation: 'EUR' },
	stage: { title: 'Negotiation', stageType: 0, id: 3 },
	actualCloseDate: '0001-01-01T00:00:00.0000000Z',
	expectedCloseDate: '2025-01-31T00:00:00.0000000+03:00',
	isPrivate: false,
	canEdit: true,
	customFields: [],
	id: 101,
};

describe('simplifyOpportunity', () => {
	it('flattens the record into ten fields', () => {
		expect(simplifyOpportunity(record)).toEqual({
			id: 101,
			title: 'Renewal 2025',
			description: '',
			stage: 'Negotiation',
			stageType: 'Open',
			bidValue: 1500,
			bidCurrency: 'EUR',
			responsible: 'Bob Seller',
			contact: 'Northwind Ltd',
			expectedCloseDate: '2025-01-31T00:00:00.0000000+03:00',
		});
	});

	it('reads omitted zero fields as ONLYOFFICE means them (a bid of 0, no contact, no close date)', () => {
		const { bidValue, contact, ...rest } = record;
		void bidValue;
		void contact;
		const unset = {
			...rest,
			stage: { title: 'Won', stageType: 1 },
			expectedCloseDate: '0001-01-01T00:00:00.0000000Z',
		};
		expect(simplifyOpportunity(unset)).toMatchObject({
			bidValue: 0,
			contact: null,
			stageType: 'ClosedAndWon',
			expectedCloseDate: null,
		});
	});
});

describe('outputFor', () => {
	const full = { simplify: false, outputNotDeleted: false };
	it('outputs the record as ONLYOFFICE returned it, or simplified', () => {
		expect(outputFor(101, { status: 'deleted', record }, full)).toBe(record);
		expect(
			outputFor(101, { status: 'deleted', record }, { ...full, simplify: true }),
		).toMatchObject({ id: 101, stage: 'Negotiation' });
	});

	it('outputs uncertain and record-less deletions always, plain not-deleted IDs only on request', () => {
		expect(outputFor(5, { status: 'deletedWithoutRecord' }, full)).toMatchObject({
			id: 5,
			deleted: true,
		});
		expect(outputFor(6, { status: 'mayHaveBeenDeleted', reason: 'r' }, full)).toEqual({
			id: 6,
			deleted: null,
			reason: 'r',
		});
		expect(outputFor(7, { status: 'notDeleted' }, full)).toBeUndefined();
		expect(
			outputFor(7, { status: 'notDeleted' }, { ...full, outputNotDeleted: true }),
		).toMatchObject({ id: 7, deleted: false });
		expect(
			outputFor(8, { status: 'notAttempted' }, { ...full, outputNotDeleted: true }),
		).toBeUndefined();
	});
});

describe('pairedTo', () => {
	it('links to one item as an object and to several as a list', () => {
		expect(pairedTo([3])).toEqual({ item: 3 });
		expect(pairedTo([0, 2])).toEqual([{ item: 0 }, { item: 2 }]);
	});
});

describe('formatIds', () => {
	it('writes runs of consecutive IDs as ranges, sorted', () => {
		expect(formatIds([5, 1, 2, 3, 9, 10, 7])).toBe('1-3, 5, 7, 9-10');
		expect(formatIds([])).toBe('');
	});
});

describe('describeOutcomes', () => {
	it('groups IDs by what became of them; a failed request counts as not deleted or as may-have-been-deleted', () => {
		const outcomes = new Map<number, IdOutcome>([
			[1, { status: 'deleted', record }],
			[2, { status: 'deletedWithoutRecord' }],
			[3, { status: 'failed', failure: new PortalFailure('x', 'unknown', 'h') }],
			[4, { status: 'failed', failure: new PortalFailure('x', 'notDone', 'h') }],
			[5, { status: 'notAttempted' }],
			[6, { status: 'notAttempted' }],
		]);
		expect(describeOutcomes(outcomes).split('\n')).toEqual([
			'Deleted (2): 1-2.',
			'May have been deleted (check in ONLYOFFICE) (1): 3.',
			'Not deleted (1): 4.',
			'Not attempted (2): 5-6.',
		]);
	});
});
