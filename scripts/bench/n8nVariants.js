// What the real-n8n sections of the benchmark (realN8n.js, getOpportunities.js) share: the two credentials
// their workflows use, one timed `n8n execute` that must succeed, and starting a limit script on n8n's Node.
'use strict';
const { execFile } = require('node:child_process');

const ONLYOFFICE_CREDENTIAL = 'ONLYOFFICE (bench portal)';
const HEADER_AUTH_CREDENTIAL = 'Portal token header';

/**
 * Imports an ONLYOFFICE credential (API token) and a Header Auth one ("Authorization: <token>") into `n8n`.
 * @returns {Promise<{ onlyofficeApi: { onlyofficeApi: { id: string, name: string } }, httpHeaderAuth: { httpHeaderAuth: { id: string, name: string } } }>}
 *   each as a node's `credentials`
 */
async function importPortalCredentials(n8n, portalUrl, token) {
	const [onlyofficeId, headerAuthId] = await n8n.importCredentials([
		{
			name: ONLYOFFICE_CREDENTIAL,
			type: 'onlyofficeApi',
			data: { portalUrl, authMethod: 'apiToken', apiToken: token },
		},
		{
			name: HEADER_AUTH_CREDENTIAL,
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: token },
		},
	]);
	return {
		onlyofficeApi: { onlyofficeApi: { id: onlyofficeId, name: ONLYOFFICE_CREDENTIAL } },
		httpHeaderAuth: { httpHeaderAuth: { id: headerAuthId, name: HEADER_AUTH_CREDENTIAL } },
	};
}

/**
 * Runs a workflow with `n8n execute` and throws unless it succeeded, `nodeName` included.
 * @returns {Promise<{ execution: any, processMs: number }>} the execution and the process's wall time
 */
async function executeVariant(n8n, variant, { workflowId, nodeName }) {
	const started = Date.now();
	const result = await n8n.execute(workflowId, { timeoutMs: 600_000 });
	const processMs = Date.now() - started;
	const execution = result.execution;
	const error = execution && n8n.nodeError(execution, nodeName);
	if (result.exitCode !== 0 || !execution || error) {
		throw new Error(
			`${variant}: n8n execution failed: ${error?.message ?? result.stderr.slice(-2000)}`,
		);
	}
	return { execution, processMs };
}

/**
 * Runs a limit script (`script`, given `config` as JSON) on `nodeBin`; resolves with the JSON of its last line.
 * `what` names it in the error.
 */
function runLimitScript(nodeBin, script, config, { timeoutMs, what }) {
	return new Promise((resolve, reject) => {
		execFile(
			nodeBin,
			[script, JSON.stringify(config)],
			{ timeout: timeoutMs },
			(error, stdout, stderr) => {
				if (error) return reject(new Error(`${what} failed: ${error.message}\n${stderr}`));
				resolve(JSON.parse(stdout.trim().split('\n').pop()));
			},
		);
	});
}

module.exports = { importPortalCredentials, executeVariant, runLimitScript };
