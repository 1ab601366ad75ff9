/**
 * The workflows shipped under examples/, read as a user imports them. The demo, `npm start` and the e2e
 * tests all load these files, so what is shipped is what runs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { REPO_ROOT } from './harness';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

/** Manual Trigger → Get Opportunities (lost, closed over 90 days ago, Return All) → Delete Opportunities. */
export const MANUAL_EXAMPLE = 'delete-lost-deals.json';
/** The same chain behind a Schedule Trigger. */
export const NIGHTLY_EXAMPLE = 'nightly-delete-lost-deals.json';
/** Chat Trigger → AI Agent with the Get and Delete tools (Stage Type Lost, Delete Limit 10, Dry Run on). */
export const AI_AGENT_EXAMPLE = 'ai-agent-clean-up.json';
/**
 * Manual Trigger → the old IDs to restore → their rows in the nightly example's Data Table and their files on
 * disk → Restore Opportunities (Record = the row's JSON text).
 */
export const RESTORE_EXAMPLE = 'restore-deleted-deals.json';
/** Every file under examples/, so a new example is imported by the tests without editing them. */
export const EXAMPLE_FILES = fs
	.readdirSync(EXAMPLES_DIR)
	.filter((file) => file.endsWith('.json'))
	.sort();

/** The node names the examples use, for reading an execution's output. */
export const EXAMPLE_GET_NODE = 'Lost deals closed over 90 days ago';
export const EXAMPLE_DELETE_NODE = 'Delete Opportunities';

/**
 * The name the examples give their ONLYOFFICE credential (with `id: null`): importing into n8n links each node
 * to the one credential of that name and type, so a user who named theirs so needs no clicks.
 */
export const EXAMPLE_CREDENTIAL_NAME = 'ONLYOFFICE account';

export interface ExampleNode {
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string | null; name: string }>;
	[key: string]: unknown;
}

export interface ExampleWorkflow {
	name: string;
	nodes: ExampleNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/**
 * An example file's workflow. With `credential`, every ONLYOFFICE credential reference points at that stored
 * credential (its id and name), as a user picking it in the editor would do; nothing else changes.
 */
export function readExampleWorkflow(
	file: string,
	credential?: { id: string; name: string },
): ExampleWorkflow {
	const workflow = JSON.parse(
		fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'),
	) as ExampleWorkflow;
	if (!credential) return workflow;
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.credentials?.onlyofficeApi
				? {
						...node,
						credentials: {
							...node.credentials,
							onlyofficeApi: { id: credential.id, name: credential.name },
						},
					}
				: node,
		),
	};
}
