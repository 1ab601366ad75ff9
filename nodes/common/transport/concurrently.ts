/**
 * Runs `work` for every item with at most `limit` calls in flight, and resolves once all are done. Used where a
 * run makes one request per deal: a few at a time is quick without tripping a portal's rate limit.
 */
export async function eachConcurrently<T>(
	items: readonly T[],
	limit: number,
	work: (item: T) => Promise<void>,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await work(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What an awaited call gave: its value, or what it threw (to be judged outside a catch clause). */
export async function settle<T>(
	work: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
	try {
		return { ok: true, value: await work() };
	} catch (error) {
		return { ok: false, error };
	}
}
