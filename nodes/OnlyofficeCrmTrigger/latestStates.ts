import type { PollState, TriggerEvent } from './pollState';
import { isFor, mergeStates } from './pollState';

/**
 * The latest state each trigger node committed in this n8n process, by workflow and node. n8n does not stop
 * two polls of one workflow from overlapping, and each may read its own copy of the static data (a poll of
 * the previous activation still running after the workflow was saved, or n8n's staged poll cursors): a poll
 * therefore commits against this record, not only against the copy it started from, and a deal another poll
 * already emitted is not emitted again. Commits are synchronous, so two polls cannot interleave in one.
 */
const latest = new Map<string, { state: PollState; touchedAt: number }>();

/** Longer than any poll runs; an entry idle that long is not needed to settle an overlap. */
const FORGET_AFTER_MS = 24 * 3_600_000;

/** The latest state committed for `key`, if it is one of `event` and `filters`. */
export function latestState(
	key: string,
	event: TriggerEvent,
	filters?: string,
): PollState | undefined {
	const state = latest.get(key)?.state;
	return state && isFor(state, event, filters) ? state : undefined;
}

/** Merges `state` into the record for `key` and returns the result. */
export function recordState(key: string, state: PollState, now = Date.now()): PollState {
	for (const [other, entry] of latest)
		if (now - entry.touchedAt > FORGET_AFTER_MS) latest.delete(other);
	const merged = mergeStates(latest.get(key)?.state, state) ?? state;
	latest.set(key, { state: merged, touchedAt: now });
	return merged;
}
