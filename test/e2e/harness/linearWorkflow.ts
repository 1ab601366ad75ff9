/** A node as the caller describes it; `linearWorkflow` gives it its `id` and `position`. */
export interface ChainedNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: object;
	/** Node settings beside the parameters: credentials, onError, … */
	[setting: string]: unknown;
}

/**
 * A workflow whose nodes run one after the other, each connected to the next, laid out left to right: the
 * shape of every workflow the tests, the demo and the benchmark import.
 */
export function linearWorkflow(name: string, nodes: ChainedNode[]) {
	return {
		name,
		nodes: nodes.map((node, index) => ({
			id: `node-${index + 1}`,
			position: [index * 220, 0],
			...node,
		})),
		connections: Object.fromEntries(
			nodes
				.slice(1)
				.map((next, index) => [
					nodes[index].name,
					{ main: [[{ node: next.name, type: 'main', index: 0 }]] },
				]),
		),
	};
}
