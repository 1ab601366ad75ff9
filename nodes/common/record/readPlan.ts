/**
 * How a run reads the parts of its deals' records: per deal, or from portal-wide listings grouped by deal.
 *
 * Per deal, each part costs one request per deal (`N`). Portal-wide, a part costs its listing's pages, which
 * depend on the portal, not the run: a few pages for a thousand deals, or a thousand pages for a portal with
 * a million events. ONLYOFFICE cannot say in advance how long a listing is (history's `total` says count + 1
 * on every full page), so the rule is:
 * - up to `PER_DEAL_UP_TO` deals, every part is read per deal: a handful of deals never pages the portal;
 * - beyond that, a part is read portal-wide while its pages stay under the number of deals (what per deal would
 *   cost); a listing that runs past that budget is dropped and the part read per deal, so a run costs at most
 *   twice what per deal alone would, and usually far less.
 */

/** Runs of at most this many deals read every part per deal. */
export const PER_DEAL_UP_TO = 20;

/** Requests in flight at once, for per-deal reads and downloads alike (as Return All's pages). */
export const READ_CONCURRENCY = 3;

/** Whether to try a portal-wide listing for a run of `dealCount` deals. */
export function tryPortalWide(dealCount: number): boolean {
	return dealCount > PER_DEAL_UP_TO;
}

/** The most pages a portal-wide listing may take before it is dropped for per-deal reads. */
export function pageBudget(dealCount: number): number {
	return Math.max(1, dealCount - 1);
}

/** Pages ONLYOFFICE needs for a listing of `count` items: a full page is followed by one more. */
export function pagesFor(count: number, pageSize = 1000): number {
	return Math.floor(count / pageSize) + 1;
}
