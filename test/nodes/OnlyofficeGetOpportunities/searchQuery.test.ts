import type { INodeProperties } from 'n8n-workflow';

import { OnlyofficeGetOpportunities } from '../../../nodes/OnlyofficeGetOpportunities/OnlyofficeGetOpportunities.node';
import { readFilters } from '../../../nodes/common/search/readFilters';
import { filterQuery, sortQuery } from '../../../nodes/common/search/opportunitySearch';
import { compareOpportunities } from '../../../nodes/common/search/sortOpportunities';

describe('filterQuery', () => {
	it('maps every filter to the parameter ONLYOFFICE reads', () => {
		expect(
			filterQuery({
				stageType: 'lost',
				stageId: 8,
				responsibleId: ' 93E2B7F6-1A6C-4CB4-B1D7-3D4E9B2A6F01 ',
				tags: ['VIP', 'EMEA'],
				contactId: 12,
				includeParticipants: true,
				closeDateFrom: '2025-01-01T00:00:00.000+02:00',
				closeDateTo: '2025-06-30T23:59:59.999+03:00',
				keyword: '  cloud   migration ',
			}),
		).toEqual({
			stageType: 2,
			opportunityStagesid: 8,
			responsibleid: '93e2b7f6-1a6c-4cb4-b1d7-3d4e9b2a6f01',
			tags: ['VIP', 'EMEA'],
			contactid: 12,
			contactAlsoIsParticipant: true,
			fromDate: '2025-01-01T00:00:00.000+02:00',
			toDate: '2025-06-30T23:59:59.999+03:00',
			filterValue: 'cloud migration',
		});
	});

	it.each([
		['open', 0],
		['won', 1],
		['lost', 2],
	] as const)('Stage Type %s is %i', (stageType, number) => {
		expect(filterQuery({ stageType })).toEqual({ stageType: number });
	});

	it('always sends both dates: the missing end is a far, real date', () => {
		expect(filterQuery({ closeDateTo: '2025-06-30' })).toEqual({
			fromDate: '1900-01-01',
			toDate: '2025-06-30',
		});
		expect(filterQuery({ closeDateFrom: '2025-06-30' })).toEqual({
			fromDate: '2025-06-30',
			toDate: '2100-01-01',
		});
		expect(filterQuery({})).toEqual({});
	});

	it('participants count only with a contact', () => {
		expect(filterQuery({ includeParticipants: true })).toEqual({});
		expect(filterQuery({ contactId: 3 })).toEqual({ contactid: 3 });
	});
});

describe('sortQuery', () => {
	it('sends only the server’s own sort keys', () => {
		expect(sortQuery({ sortBy: 'closeDate', sortOrder: 'descending' })).toEqual({
			sortBy: 'dateAndTime',
			sortOrder: 'descending',
		});
		for (const sortBy of ['id', 'title', 'bidValue', 'stage', 'responsible'] as const)
			expect(sortQuery({ sortBy, sortOrder: 'ascending' }).sortBy).toBe(sortBy);
	});
});

describe('compareOpportunities', () => {
	const open = { stageType: 0 };
	const lost = { stageType: 2 };
	const deals = [
		{ id: 1, stage: { ...lost, id: 8 }, actualCloseDate: '2025-03-01T00:00:00.0000000+03:00' },
		{ id: 2, stage: { ...open, id: 1 }, expectedCloseDate: '2025-02-01T00:00:00.0000000Z' },
		{
			id: 3,
			stage: { ...lost, id: 8 },
			actualCloseDate: '0001-01-01T00:00:00.0000000Z',
			expectedCloseDate: '2020-01-01T00:00:00.0000000Z',
		},
		{ id: 4, stage: { ...open, id: 1 }, expectedCloseDate: '2025-02-01T00:00:00.0000000Z' },
	];
	const order = (sortOrder: 'ascending' | 'descending') =>
		[...deals].sort(compareOpportunities({ sortBy: 'closeDate', sortOrder })).map((d) => d.id);

	it('sorts on the close date a filter uses, unset first ascending, ties by ID', () => {
		expect(order('ascending')).toEqual([3, 2, 4, 1]);
		expect(order('descending')).toEqual([1, 2, 4, 3]);
	});
});

describe('readFilters', () => {
	it('reads a tag text as titles, once each whatever their letter case', () => {
		expect(readFilters({ tags: ' VIP, EMEA ,VIP,vip ' }, 'UTC')).toEqual({ tags: ['VIP', 'EMEA'] });
		expect(readFilters({ tags: ['VIP', ' Vip', 'EMEA'] }, 'UTC')).toEqual({
			tags: ['VIP', 'EMEA'],
		});
	});

	it('refuses a filter that is there but empty, rather than searching without it', () => {
		for (const raw of [{ stageId: '' }, { responsibleId: '' }, { keyword: ' ' }, { tags: [] }])
			expect(() => readFilters(raw, 'UTC')).toThrow(/is empty/);
		expect(readFilters({}, 'UTC')).toEqual({});
	});
});

describe('the node’s interface', () => {
	const { description } = new OnlyofficeGetOpportunities();
	const byName = (list: INodeProperties[] | undefined, name: string) =>
		list?.find((p) => p.name === name) as INodeProperties;
	const values = (property: INodeProperties) =>
		(property.options as { value: string }[]).map((o) => o.value).sort();

	it('has the fixed names, types and values workflows rely on', () => {
		expect(description).toMatchObject({
			name: 'onlyofficeGetOpportunities',
			version: 1,
			usableAsTool: true,
		});
		expect(byName(description.properties, 'returnAll')).toMatchObject({ type: 'boolean' });
		expect(byName(description.properties, 'limit')).toMatchObject({
			type: 'number',
			default: 50,
			displayOptions: { show: { returnAll: [false] } },
		});
		const filters = byName(description.properties, 'filters').options as INodeProperties[];
		expect(filters.map((f) => [f.name, f.type]).sort()).toEqual(
			[
				['closeDateFrom', 'dateTime'],
				['closeDateTo', 'dateTime'],
				['contactId', 'number'],
				['includeParticipants', 'boolean'],
				['keyword', 'string'],
				['responsibleId', 'options'],
				['stageId', 'options'],
				['stageType', 'options'],
				['tags', 'multiOptions'],
			].sort(),
		);
		expect(values(byName(filters, 'stageType'))).toEqual(['lost', 'open', 'won']);
		const options = byName(description.properties, 'options').options as INodeProperties[];
		expect(options.map((o) => o.name).sort()).toEqual([
			'files',
			'record',
			'simplify',
			'sortBy',
			'sortOrder',
		]);
		expect(byName(options, 'record').default).toBe('dealOnly');
		expect(values(byName(options, 'record'))).toEqual(['dealOnly', 'wholeRecord']);
		expect(byName(options, 'files').default).toBe('download');
		expect(values(byName(options, 'files'))).toEqual(['download', 'listOnly']);
		expect(values(byName(options, 'sortBy'))).toEqual(
			['bidValue', 'closeDate', 'id', 'responsible', 'stage', 'title'].sort(),
		);
		expect(byName(options, 'sortBy').default).toBe('id');
		expect(values(byName(options, 'sortOrder'))).toEqual(['ascending', 'descending']);
	});
});
