/** The IDs one input item asked to delete, already validated. */
export interface RequestedIds {
	itemIndex: number;
	ids: number[];
}

export interface DeletionPlan {
	/** Every ID once, in the order it first appeared across the items. */
	ids: number[];
	/** For each ID, every input item that named it (each once, ascending): the output's pairing. */
	requesters: Map<number, number[]>;
}

export function planDeletion(requests: RequestedIds[]): DeletionPlan {
	const requesters = new Map<number, number[]>();
	for (const { itemIndex, ids } of requests) {
		for (const id of ids) {
			const items = requesters.get(id);
			if (items === undefined) requesters.set(id, [itemIndex]);
			else if (items[items.length - 1] !== itemIndex) items.push(itemIndex);
		}
	}
	return { ids: [...requesters.keys()], requesters };
}

/** The input items behind a set of IDs, each once, ascending. */
export function itemsNaming(plan: DeletionPlan, ids: Iterable<number>): number[] {
	const items = new Set<number>();
	for (const id of ids) for (const item of plan.requesters.get(id) ?? []) items.add(item);
	return [...items].sort((a, b) => a - b);
}
