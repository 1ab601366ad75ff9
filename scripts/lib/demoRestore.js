// The last part of `npm run demo`: examples/restore-deleted-deals.json, the very file a user imports, set up as
// its sticky note asks (the old IDs to restore, the folder and table the nightly example kept the records in)
// and run in the same started n8n from its manual trigger. The nodes are found by what they hold (the Set node
// with `dealIds`, the one with `folder` and `table`, the Manual Trigger, the Restore node), not by their names.
require('./registerTypeScript');

const { readExampleWorkflow } = require('../../test/e2e/exampleWorkflows');
const { runOverRest } = require('../../test/e2e/harness');

const RESTORE_EXAMPLE = 'restore-deleted-deals.json';
const RESTORE_TYPE = 'n8n-nodes-onlyoffice-crm.onlyofficeRestoreOpportunities';

const assignmentsOf = (node) => node.parameters?.assignments?.assignments ?? [];
/** The one value `name` a Set node of the workflow assigns. */
function setting(workflow, name) {
	const found = workflow.nodes
		.flatMap((node) => assignmentsOf(node))
		.filter((assignment) => assignment.name === name);
	if (found.length !== 1)
		throw new Error(`examples/${RESTORE_EXAMPLE}: ${found.length} Set node values named "${name}"`);
	return found[0];
}

/**
 * The restore example with the credential, the deals to restore and the folder set; it must name the same
 * table as the nightly example. Returns the workflow, its trigger's name and its Restore node's name.
 */
function restoreExample(credential, { dealIds, folder, table }) {
	const workflow = readExampleWorkflow(RESTORE_EXAMPLE, credential);
	setting(workflow, 'dealIds').value = dealIds.join(', ');
	setting(workflow, 'folder').value = folder;
	const shippedTable = setting(workflow, 'table').value;
	if (shippedTable !== table)
		throw new Error(
			`examples/${RESTORE_EXAMPLE} reads the table "${shippedTable}", the nightly example keeps "${table}"`,
		);
	const only = (what, pick) => {
		const nodes = workflow.nodes.filter(pick);
		if (nodes.length !== 1)
			throw new Error(`examples/${RESTORE_EXAMPLE} has ${nodes.length} ${what} node(s)`);
		return nodes[0].name;
	};
	return {
		workflow,
		trigger: only('Manual Trigger', (node) => node.type === 'n8n-nodes-base.manualTrigger'),
		restoreNode: only('Restore Opportunities', (node) => node.type === RESTORE_TYPE),
	};
}

/**
 * Stores the example in the started n8n as the editor's import does and runs it; a failed run throws with n8n's
 * error. Returns the execution and the Restore node's name.
 */
async function runRestoreExample(server, api, credential, settings) {
	const { workflow, trigger, restoreNode } = restoreExample(credential, settings);
	const { id } = await server.call('POST', '/rest/workflows', { ...workflow, active: false });
	const run = async () => {
		const execution = await runOverRest(server, api, id, trigger);
		if (execution.status !== 'success') {
			const error = execution.data.resultData.error;
			throw new Error(
				`examples/${RESTORE_EXAMPLE} failed (${execution.status}): ${error?.message ?? 'no error given'}` +
					(error?.node?.name ? ` in "${error.node.name}"` : '') +
					(error?.description ? ` — ${error.description}` : ''),
			);
		}
		return execution;
	};
	return { run, restoreNode, example: RESTORE_EXAMPLE };
}

module.exports = { runRestoreExample, RESTORE_EXAMPLE };
