/**
 * Reading what `n8n execute --id=… --rawOutput` prints: the execution (n8n's IRun) as pretty-printed JSON,
 * after any warnings and log lines.
 */

/** One item as n8n passes it between nodes. */
export interface ExecutionItem {
	json: Record<string, unknown>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }> | number;
	binary?: Record<string, unknown>;
	error?: unknown;
	[key: string]: unknown;
}

/** A node's error as serialised into the execution JSON (NodeApiError / NodeOperationError fields). */
export interface ExecutionNodeError {
	message: string;
	description?: string | null;
	name?: string;
	httpCode?: string | null;
	node?: { name: string; type: string };
	[key: string]: unknown;
}

export interface NodeRun {
	startTime?: number;
	executionTime?: number;
	executionStatus?: string;
	source?: unknown[];
	/** `ai_tool` for a node the AI Agent ran as its tool. */
	data?: { main?: Array<ExecutionItem[] | null>; ai_tool?: Array<ExecutionItem[] | null> };
	error?: ExecutionNodeError;
	[key: string]: unknown;
}

/** The parts of n8n's IRun the tests read. */
export interface Execution {
	data: {
		resultData: {
			runData: Record<string, NodeRun[]>;
			lastNodeExecuted?: string;
			error?: ExecutionNodeError;
		};
		[key: string]: unknown;
	};
	status?: string;
	finished?: boolean;
	mode?: string;
	[key: string]: unknown;
}

/**
 * Extracts the execution JSON from `execute --rawOutput` stdout: it starts at the first line that is exactly
 * `{` and (being printed with two-space indentation) ends at the next line that is exactly `}`.
 * Returns undefined when there is none (e.g. n8n failed before running the workflow).
 */
export function parseExecutionOutput(stdout: string): Execution | undefined {
	const lines = stdout.split(/\r?\n/);
	const start = lines.findIndex((line) => line === '{');
	if (start === -1) return undefined;
	for (let end = start + 1; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n')) as Execution;
		} catch {
			// Not the closing brace of the execution object after all: keep looking.
		}
	}
	throw new Error(
		`n8n printed an execution that is not valid JSON (starting at line ${start + 1} of its stdout)`,
	);
}

/** The runs of a node, throwing a helpful error if the node did not run. */
export function nodeRuns(execution: Execution, nodeName: string): NodeRun[] {
	const runData = execution.data?.resultData?.runData ?? {};
	const runs = runData[nodeName];
	if (!runs || runs.length === 0) {
		throw new Error(
			`node "${nodeName}" did not run; nodes that ran: ${Object.keys(runData).join(', ') || 'none'}`,
		);
	}
	return runs;
}

/**
 * The items a node put on one of its outputs (`runData[nodeName][runIndex].data.main[outputIndex]`).
 * An output that received nothing gives []. Throws if the node did not run.
 */
export function nodeOutputItems(
	execution: Execution,
	nodeName: string,
	outputIndex = 0,
	runIndex = 0,
): ExecutionItem[] {
	const run = nodeRuns(execution, nodeName)[runIndex];
	if (!run) throw new Error(`node "${nodeName}" has no run ${runIndex}`);
	return run.data?.main?.[outputIndex] ?? [];
}

/** The `json` of each item on a node's output. */
export function nodeOutputJson(
	execution: Execution,
	nodeName: string,
	outputIndex = 0,
	runIndex = 0,
): Array<Record<string, unknown>> {
	return nodeOutputItems(execution, nodeName, outputIndex, runIndex).map((item) => item.json);
}

/** The error a node failed with (`runData[nodeName][runIndex].error`), or undefined if it did not fail. */
export function nodeError(
	execution: Execution,
	nodeName: string,
	runIndex = 0,
): ExecutionNodeError | undefined {
	return nodeRuns(execution, nodeName)[runIndex]?.error;
}

/** The execution-level error (`data.resultData.error`), set when the workflow failed. */
export function executionError(execution: Execution): ExecutionNodeError | undefined {
	return execution.data?.resultData?.error;
}
