import {
	pageBudget,
	pagesFor,
	PER_DEAL_UP_TO,
	tryPortalWide,
} from '../../../../nodes/common/record/readPlan';

describe('readPlan', () => {
	test('a handful of deals never pages the portal', () => {
		expect(tryPortalWide(1)).toBe(false);
		expect(tryPortalWide(PER_DEAL_UP_TO)).toBe(false);
		expect(tryPortalWide(PER_DEAL_UP_TO + 1)).toBe(true);
	});

	test('a portal-wide listing may cost fewer pages than the per-deal reads it replaces', () => {
		expect(pageBudget(21)).toBe(20);
		expect(pageBudget(1000)).toBe(999);
	});

	test('a listing of n items takes floor(n / 1000) + 1 pages: a full page is followed by one more', () => {
		expect(pagesFor(0)).toBe(1);
		expect(pagesFor(999)).toBe(1);
		expect(pagesFor(1000)).toBe(2);
		expect(pagesFor(3000)).toBe(4);
	});
});
