import type { IDataObject } from 'n8n-workflow';

import type {
	ClosedOpportunityState,
	NewOpportunityState,
} from '../../../nodes/OnlyofficeCrmTrigger/pollState';
import {
	CLOSE_DATE_LOOKBACK_MS,
	CLOSE_DATE_MARGIN_MS,
	closeDateOf,
	closeDateWindow,
	commitClosedOpportunities,
	commitNewOpportunities,
	mergeStates,
	pruneSeen,
	readState,
	STATE_KEY,
	writeState,
} from '../../../nodes/OnlyofficeCrmTrigger/pollState';
import { POLL_CONNECTION } from '../../../nodes/OnlyofficeCrmTrigger/pollOpportunities';

const HOUR = 3_600_000;
const T = Date.parse('2026-03-10T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const deal = (id: number, closedAt?: number): IDataObject => ({
	id,
	actualCloseDate: closedAt === undefined ? '0001-01-01T00:00:00.0000000Z' : iso(closedAt),
});
const lost = (polledAt: number, seen: [number, number][] = []): ClosedOpportunityState => ({
	event: 'opportunityLost',
	polledAt,
	seen,
});

describe('the margin', () => {
	it('reaches past the largest UTC offset (14 h) on both sides of the window, and a day back', () => {
		expect(CLOSE_DATE_MARGIN_MS).toBeGreaterThan(14 * HOUR);
		expect(CLOSE_DATE_LOOKBACK_MS).toBeGreaterThan(24 * HOUR);
		const { from, to } = closeDateWindow(lost(T - 60_000), T);
		expect(from).toBe(T - 60_000 - CLOSE_DATE_LOOKBACK_MS);
		expect(to).toBe(T + CLOSE_DATE_MARGIN_MS);
	});

	it('starts a first window a look-back before now', () => {
		expect(closeDateWindow(undefined, T)).toEqual({
			from: T - CLOSE_DATE_LOOKBACK_MS,
			to: T + CLOSE_DATE_MARGIN_MS,
		});
	});
});

describe('reading and writing the state', () => {
	it('reads back what it wrote', () => {
		const staticData: IDataObject = {};
		writeState(staticData, lost(T, [[4, T - HOUR]]));
		expect(readState(staticData, 'opportunityLost')).toEqual(lost(T, [[4, T - HOUR]]));
	});

	it('ignores the state of another event: changing the event starts afresh', () => {
		const staticData: IDataObject = {};
		writeState(staticData, { event: 'newOpportunity', highestId: 9 });
		expect(readState(staticData, 'opportunityWon')).toBeUndefined();
		expect(readState(staticData, 'newOpportunity')).toEqual({
			event: 'newOpportunity',
			highestId: 9,
		});
	});

	it('starts afresh when the filters changed, and keeps a state written before filters were kept', () => {
		const staticData: IDataObject = {};
		writeState(staticData, { event: 'newOpportunity', highestId: 9, filters: 'a' });
		expect(readState(staticData, 'newOpportunity', 'b')).toBeUndefined();
		expect(readState(staticData, 'newOpportunity', 'a')).toEqual({
			event: 'newOpportunity',
			highestId: 9,
			filters: 'a',
		});
		writeState(staticData, lost(T));
		expect(readState(staticData, 'opportunityLost', 'b')).toEqual(lost(T));
		expect(mergeStates({ ...lost(T), filters: 'a' }, { ...lost(T - HOUR), filters: 'b' })).toEqual({
			...lost(T - HOUR),
			filters: 'b',
		});
	});

	it('takes a damaged state for none', () => {
		for (const value of [
			null,
			'x',
			{ event: 'newOpportunity', highestId: -1 },
			{ event: 'opportunityLost' },
		])
			expect(readState({ [STATE_KEY]: value } as IDataObject, 'newOpportunity')).toBeUndefined();
		expect(
			readState(
				{ [STATE_KEY]: { event: 'opportunityLost', polledAt: T, seen: [[1, T], 'x'] } },
				'opportunityLost',
			),
		).toEqual(lost(T, [[1, T]]));
	});
});

describe('close dates', () => {
	it('reads an unset close date as none', () => {
		expect(closeDateOf(deal(1))).toBeUndefined();
		expect(closeDateOf({ id: 1 })).toBeUndefined();
		expect(closeDateOf({ id: 1, actualCloseDate: '2026-03-10T15:00:00.0000000+03:00' })).toBe(T);
	});
});

describe('new opportunities', () => {
	const state = (highestId: number): NewOpportunityState => ({
		event: 'newOpportunity',
		highestId,
	});

	it('emits nothing on a first activation and remembers the highest ID', () => {
		expect(commitNewOpportunities(undefined, undefined, { candidates: [], highestId: 50 })).toEqual(
			{
				emit: [],
				state: state(50),
			},
		);
	});

	it('emits the deals above what an overlapping poll already emitted', () => {
		const result = commitNewOpportunities(state(52), state(50), {
			candidates: [deal(51), deal(52), deal(53)],
			highestId: 53,
		});
		expect(result.emit.map((d) => d.id)).toEqual([53]);
		expect(result.state).toEqual(state(53));
	});

	it('never moves the highest ID back', () => {
		expect(
			commitNewOpportunities(state(60), state(50), { candidates: [deal(51)], highestId: 51 }).state,
		).toEqual(state(60));
	});
});

describe('won and lost opportunities', () => {
	it('emits nothing on a first activation, but remembers the closes it saw', () => {
		const result = commitClosedOpportunities(undefined, undefined, {
			event: 'opportunityLost',
			startedAt: T,
			closed: [deal(3, T - HOUR), deal(4, T + 3 * HOUR)],
		});
		expect(result.emit).toEqual([]);
		expect(result.state).toEqual(
			lost(T, [
				[3, T - HOUR],
				[4, T + 3 * HOUR],
			]),
		);
	});

	it('emits a close once, the oldest close first, and the same deal again when it closes at another time', () => {
		const before = lost(T - 60_000, [[3, T - HOUR]]);
		const result = commitClosedOpportunities(before, before, {
			event: 'opportunityLost',
			startedAt: T,
			closed: [deal(3, T - HOUR), deal(5, T + 5 * HOUR), deal(4, T - 3 * HOUR), deal(6)],
		});
		expect(result.emit.map((d) => d.id)).toEqual([4, 5]);
		const reclosed = commitClosedOpportunities(result.state, result.state, {
			event: 'opportunityLost',
			startedAt: T + 60_000,
			closed: [deal(3, T + 30_000)],
		});
		expect(reclosed.emit.map((d) => d.id)).toEqual([3]);
	});

	it('does not emit what an overlapping poll committed meanwhile', () => {
		const start = lost(T - 60_000);
		const first = commitClosedOpportunities(start, start, {
			event: 'opportunityLost',
			startedAt: T,
			closed: [deal(7, T)],
		});
		const second = commitClosedOpportunities(first.state, start, {
			event: 'opportunityLost',
			startedAt: T + 1,
			closed: [deal(7, T), deal(8, T)],
		});
		expect(first.emit.map((d) => d.id)).toEqual([7]);
		expect(second.emit.map((d) => d.id)).toEqual([8]);
	});

	it('forgets a close once it is older than the next window, and not before', () => {
		const state = lost(T, [
			[1, T - CLOSE_DATE_LOOKBACK_MS - 1],
			[2, T - CLOSE_DATE_LOOKBACK_MS],
			[3, T + CLOSE_DATE_MARGIN_MS],
		]);
		expect(pruneSeen(state).seen).toEqual([
			[2, T - CLOSE_DATE_LOOKBACK_MS],
			[3, T + CLOSE_DATE_MARGIN_MS],
		]);
		const { from } = closeDateWindow(state, T + 60_000);
		expect(from).toBe(T - CLOSE_DATE_LOOKBACK_MS);
	});
});

describe('merging states', () => {
	it('keeps everything either state knows, at the later poll time', () => {
		expect(mergeStates(lost(T - HOUR, [[1, T - HOUR]]), lost(T, [[2, T]]))).toEqual(
			lost(T, [
				[1, T - HOUR],
				[2, T],
			]),
		);
		expect(
			mergeStates(
				{ event: 'newOpportunity', highestId: 9 },
				{ event: 'newOpportunity', highestId: 4 },
			),
		).toEqual({ event: 'newOpportunity', highestId: 9 });
	});

	it('lets the newer state win when the event changed, and takes either when one is missing', () => {
		const newer = { event: 'newOpportunity', highestId: 4 } as const;
		expect(mergeStates(lost(T), newer)).toEqual(newer);
		expect(mergeStates(undefined, newer)).toEqual(newer);
		expect(mergeStates(newer, undefined)).toEqual(newer);
	});
});

describe('overlapping polls and forgotten closes', () => {
	it('does not emit again a close that an overlapping, later poll has already forgotten', () => {
		// Seen at the edge of the window of the state both polls started from.
		const edge = T - 60_000 - CLOSE_DATE_LOOKBACK_MS;
		const start = lost(T - 60_000, [[9, edge]]);
		// A later poll commits first: its window starts later, so it forgets the close at the edge.
		const later = commitClosedOpportunities(start, start, {
			event: 'opportunityLost',
			startedAt: T + 60_000,
			closed: [],
		});
		expect(later.state.seen).toEqual([]);
		// The slow poll's window began a margin before the older poll time: it still finds that close.
		const slow = commitClosedOpportunities(later.state, start, {
			event: 'opportunityLost',
			startedAt: T,
			closed: [deal(9, edge)],
		});
		expect(slow.emit).toEqual([]);
	});
});

describe('timing', () => {
	it('gives up on a request well within the shortest poll interval (a minute)', () => {
		const { timeout, maxWaitSeconds } = POLL_CONNECTION();
		// callPortal makes up to 3 attempts, each waiting up to `timeout`, with up to 2 waits between them.
		const attempts = 3;
		expect(attempts * timeout + (attempts - 1) * (maxWaitSeconds ?? 60) * 1000).toBeLessThan(
			50_000,
		);
	});
});
