import type { IDataObject } from 'n8n-workflow';

import { dateMs } from '../common/output/opportunityRecord';

/**
 * What the trigger remembers between polls, and the pure rules for moving it on. Kept in n8n's workflow
 * static data, which n8n writes to its database only after some polls (the first, and those that emit): so
 * every rule here must also be right when the next poll starts from an older state than the last one left.
 * See docs/onlyoffice-api.md, "Watching for changes", for why the portal allows no simpler design.
 */

export type TriggerEvent = 'newOpportunity' | 'opportunityWon' | 'opportunityLost';
export type ClosedEvent = Exclude<TriggerEvent, 'newOpportunity'>;

const HOUR_MS = 3_600_000;

/**
 * How far the close-date window reaches past now. A deal closed through the API gets a close date shifted by
 * the portal's UTC offset (up to 14 h either way); one more hour absorbs a clock difference between n8n and
 * the portal.
 */
export const CLOSE_DATE_MARGIN_MS = 15 * HOUR_MS;

/**
 * How far the close-date window reaches behind the last poll. Besides the 14 h of the offset quirk, a close set
 * through `PUT opportunity/{id}` with today's date and no time is dated the portal's midnight, up to 24 h
 * back; one more hour absorbs a clock difference.
 */
export const CLOSE_DATE_LOOKBACK_MS = 25 * HOUR_MS;

/**
 * What every state carries besides its event: the filters it was built for (see `filterKey` in
 * pollOpportunities.ts). Absent in a state written before the filters were kept: that one is taken as built
 * for the current filters.
 */
interface StateOf {
	filters?: string;
}

export interface NewOpportunityState extends StateOf {
	event: 'newOpportunity';
	/** The highest deal ID this trigger has seen; deals above it are new. */
	highestId: number;
}

/** A deal ID with the close date (epoch ms) it had when the trigger saw it closed. */
export type SeenClose = [id: number, closeDate: number];

export interface ClosedOpportunityState extends StateOf {
	event: ClosedEvent;
	/** When the latest completed poll started (epoch ms): the next window begins a look-back before it. */
	polledAt: number;
	/**
	 * The closes already emitted (or present at activation), while their close date can still fall in a
	 * window. A deal closed again later has another close date, so it is a new pair, and a new event.
	 */
	seen: SeenClose[];
}

export type PollState = NewOpportunityState | ClosedOpportunityState;

/**
 * The key in the node's static data. One event's state, for one set of filters: changing either starts
 * afresh, since deals the old filters left out are not news (nor are closes the old event did not look for).
 */
export const STATE_KEY = 'crmTrigger';

/**
 * The state for `event` and `filters` from what static data holds, or undefined when there is none (a first
 * activation, or a changed event or filters).
 */
export function readState(
	staticData: IDataObject,
	event: TriggerEvent,
	filters?: string,
): PollState | undefined {
	const value = staticData[STATE_KEY] as Partial<PollState> | undefined;
	if (typeof value !== 'object' || value === null || !isFor(value, event, filters))
		return undefined;
	const stamp = typeof value.filters === 'string' ? { filters: value.filters } : {};
	if (value.event === 'newOpportunity') {
		return isCount(value.highestId)
			? { event: value.event, highestId: value.highestId, ...stamp }
			: undefined;
	}
	const { polledAt, seen } = value as Partial<ClosedOpportunityState>;
	if (!isCount(polledAt) || !Array.isArray(seen)) return undefined;
	return {
		event: value.event as ClosedEvent,
		polledAt,
		...stamp,
		seen: seen.filter(
			(pair): pair is SeenClose =>
				Array.isArray(pair) && isCount(pair[0]) && Number.isFinite(pair[1]),
		),
	};
}

/** Whether `state` is one of `event` built for `filters` (either unknown: taken as the same). */
export function isFor(state: Partial<PollState>, event: TriggerEvent, filters?: string): boolean {
	return (
		state.event === event &&
		(state.filters === undefined || filters === undefined || state.filters === filters)
	);
}

/** Writes the state as a new object, so that n8n notices the change (its static data tracks assignments). */
export function writeState(staticData: IDataObject, state: PollState): void {
	staticData[STATE_KEY] = JSON.parse(JSON.stringify(state)) as IDataObject;
}

/**
 * The close dates a poll asks for: from a look-back before the previous poll began to a margin after now.
 * With no previous poll (a first activation) the window starts a look-back before now.
 */
export function closeDateWindow(
	state: ClosedOpportunityState | undefined,
	now: number,
): { from: number; to: number } {
	return {
		from: (state?.polledAt ?? now) - CLOSE_DATE_LOOKBACK_MS,
		to: now + CLOSE_DATE_MARGIN_MS,
	};
}

/** The actual close date of a deal (epoch ms), or undefined when it has none. */
export function closeDateOf(record: IDataObject): number | undefined {
	return dateMs(record.actualCloseDate);
}

const pairKey = (id: number, closeDate: number) => `${id}@${closeDate}`;

/**
 * Two states of one trigger into one that forgets nothing either knows: overlapping polls, or an older state
 * n8n saved and a newer one still in memory. Taking the later poll time is safe because every poll's window
 * starts at or before the state it started from. States of different events or filters do not mix: `b`, the
 * newer, wins (the user changed them).
 */
export function mergeStates(
	a: PollState | undefined,
	b: PollState | undefined,
): PollState | undefined {
	if (!a || !b || !isFor(a, b.event, b.filters)) return b ?? a;
	const filters = b.filters ?? a.filters;
	const stamp = filters === undefined ? {} : { filters };
	if (a.event === 'newOpportunity') {
		return {
			event: a.event,
			highestId: Math.max(a.highestId, (b as NewOpportunityState).highestId),
			...stamp,
		};
	}
	const other = b as ClosedOpportunityState;
	return pruneSeen({
		event: a.event,
		...stamp,
		polledAt: Math.max(a.polledAt, other.polledAt),
		seen: unionOf(a.seen, other.seen),
	});
}

export interface NewOpportunityPoll {
	/** Deals above the state's highest ID, in ascending ID order (none on a first activation). */
	candidates: IDataObject[];
	/** The highest ID the poll saw. */
	highestId: number;
}

/**
 * What to emit and the next state, against the state current when the poll ends: a deal another poll
 * emitted meanwhile is not emitted again. A poll that started without a state emits nothing.
 */
export function commitNewOpportunities(
	current: NewOpportunityState | undefined,
	started: NewOpportunityState | undefined,
	poll: NewOpportunityPoll,
): { emit: IDataObject[]; state: NewOpportunityState } {
	const known = current?.highestId ?? 0;
	const emit = started ? poll.candidates.filter((deal) => Number(deal.id) > known) : [];
	return {
		emit,
		state: { event: 'newOpportunity', highestId: Math.max(known, poll.highestId) },
	};
}

export interface ClosedOpportunityPoll {
	event: ClosedEvent;
	/** When the poll began, before its first request. */
	startedAt: number;
	/** Every closed deal whose close date fell in the poll's window. */
	closed: IDataObject[];
}

/**
 * What to emit (closes no poll has emitted, oldest close first) and the next state: every close this poll
 * saw joins the seen pairs, and pairs that can no longer fall in the next window are dropped. A close dated
 * before the current state's window is not emitted: an overlapping poll that started later may already have
 * emitted and forgotten it (a poll's window starts a margin before the poll time it started from, which can
 * be older than the current one).
 */
export function commitClosedOpportunities(
	current: ClosedOpportunityState | undefined,
	started: ClosedOpportunityState | undefined,
	poll: ClosedOpportunityPoll,
): { emit: IDataObject[]; state: ClosedOpportunityState } {
	const known = new Set((current?.seen ?? []).map(([id, date]) => pairKey(id, date)));
	const forgottenBefore = current ? current.polledAt - CLOSE_DATE_LOOKBACK_MS : -Infinity;
	const pairs: SeenClose[] = [];
	const emit: IDataObject[] = [];
	for (const deal of poll.closed) {
		const closeDate = closeDateOf(deal);
		if (closeDate === undefined || closeDate < forgottenBefore) continue;
		const pair: SeenClose = [Number(deal.id), closeDate];
		pairs.push(pair);
		if (started && !known.has(pairKey(...pair))) {
			known.add(pairKey(...pair));
			emit.push(deal);
		}
	}
	emit.sort((a, b) => (closeDateOf(a) ?? 0) - (closeDateOf(b) ?? 0) || Number(a.id) - Number(b.id));
	const state = pruneSeen({
		event: poll.event,
		polledAt: Math.max(current?.polledAt ?? 0, poll.startedAt),
		seen: unionOf(current?.seen ?? [], pairs),
	});
	return { emit, state };
}

/**
 * Drops the pairs whose close date lies before the next window: it starts a look-back before `polledAt`, so
 * nothing older can be asked for again. This bounds the set: it holds only closes dated from the look-back
 * (25 h) before the last poll to the margin (15 h) after it, i.e. the deals closed within about 40 hours plus
 * one poll interval (and any close dated in the future that a window already reached).
 */
export function pruneSeen(state: ClosedOpportunityState): ClosedOpportunityState {
	const oldest = state.polledAt - CLOSE_DATE_LOOKBACK_MS;
	return { ...state, seen: state.seen.filter(([, closeDate]) => closeDate >= oldest) };
}

function unionOf(a: SeenClose[], b: SeenClose[]): SeenClose[] {
	const byKey = new Map<string, SeenClose>();
	for (const pair of [...a, ...b]) byKey.set(pairKey(...pair), pair);
	return [...byKey.values()].sort((x, y) => x[1] - y[1] || x[0] - y[0]);
}

function isCount(value: unknown): value is number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
