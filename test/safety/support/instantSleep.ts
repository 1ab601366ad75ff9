/**
 * n8n-workflow with `sleep` replaced: the node's waits between retries are recorded (so tests can check that
 * it waited what Retry-After asked) and return at once (timing belongs in benchmarks, not in this suite).
 * The real sleep is covered by the node's own integration suite.
 *
 *   jest.mock('n8n-workflow', () => jest.requireActual('./support/instantSleep').mockedWorkflow());
 *   import { sleeps } from './support/instantSleep';
 */

/** Every wait the node asked for since the last `sleeps.length = 0`, in milliseconds. */
export const sleeps: number[] = [];

export function mockedWorkflow(): Record<string, unknown> {
	const actual = jest.requireActual('n8n-workflow') as Record<string, unknown>;
	return {
		__esModule: true,
		...actual,
		sleep: async (ms: number) => {
			sleeps.push(ms);
			await new Promise((resolve) => setImmediate(resolve));
		},
	};
}
