/**
 * The CRM Trigger's polls as the stand-in portal logs them, for tests that drive the trigger in a real n8n.
 * n8n fires a once-a-minute poll at a random second (and may be late on a busy machine), so such tests do
 * not sleep for fixed times: they note the log's length after their changes and wait until a poll sent after
 * that point has been answered; that poll is one the changes can be seen by.
 */
import { waitFor } from '../e2e/harness/processes';

/** What a test reads of a request in the portal's log (test/portal). */
export interface LoggedPollRequest {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	/** 0 until answered. */
	status: number;
}

/**
 * The trigger's polls (GET …/opportunity/filter) from `fromIndex` on that send `stageType` (Opportunity Won
 * sends 1, Lost 2; New Opportunity sends none: `undefined`). Other searches with the same stage type would
 * count too: keep them out of a test that relies on this.
 */
export function pollsSince(
	requests: readonly LoggedPollRequest[],
	fromIndex: number,
	stageType: string | undefined,
): LoggedPollRequest[] {
	return requests.slice(fromIndex).filter((r) => {
		if (r.method !== 'GET' || !r.path.includes('/opportunity/filter')) return false;
		const sent = r.query.stageType === undefined ? undefined : String(r.query.stageType);
		return sent === stageType;
	});
}

/**
 * Waits until a poll sent after `fromIndex` has been answered (any status), at most `timeoutMs`. `requests`
 * is read afresh each time (the portal appends to its log).
 */
export async function waitForAnsweredPoll(
	requests: () => readonly LoggedPollRequest[],
	fromIndex: number,
	stageType: string | undefined,
	timeoutMs: number,
): Promise<LoggedPollRequest> {
	return await waitFor(
		`a poll (stage type ${stageType ?? 'none'}) answered after request ${fromIndex}`,
		() => pollsSince(requests(), fromIndex, stageType).find((r) => r.status !== 0),
		{ timeoutMs, intervalMs: 500 },
	);
}
