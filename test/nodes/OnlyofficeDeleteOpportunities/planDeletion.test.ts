import {
	itemsNaming,
	planDeletion,
} from '../../../nodes/OnlyofficeDeleteOpportunities/planDeletion';

describe('planDeletion', () => {
	it('keeps each ID once, in the order it first appeared across items', () => {
		const plan = planDeletion([
			{ itemIndex: 0, ids: [30, 10, 30] },
			{ itemIndex: 1, ids: [20, 10] },
			{ itemIndex: 3, ids: [40] },
		]);
		expect(plan.ids).toEqual([30, 10, 20, 40]);
	});

	it('pairs each ID with every item that named it, each item once', () => {
		const plan = planDeletion([
			{ itemIndex: 0, ids: [7, 7, 8] },
			{ itemIndex: 2, ids: [7] },
			{ itemIndex: 5, ids: [8, 7] },
		]);
		expect(plan.requesters.get(7)).toEqual([0, 2, 5]);
		expect(plan.requesters.get(8)).toEqual([0, 5]);
	});

	it('names the items behind a set of IDs, ascending and without repeats', () => {
		const plan = planDeletion([
			{ itemIndex: 4, ids: [1] },
			{ itemIndex: 1, ids: [2, 1] },
			{ itemIndex: 9, ids: [3] },
		]);
		expect(itemsNaming(plan, [1, 2])).toEqual([1, 4]);
		expect(itemsNaming(plan, [3, 99])).toEqual([9]);
	});

	it('plans nothing for no requests', () => {
		expect(planDeletion([]).ids).toEqual([]);
	});
});
