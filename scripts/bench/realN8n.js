// Part 2 of the benchmark: 5,000 opportunities deleted in a real n8n (the pinned 2.40.7 from .cache/, through
// the test/e2e harness), three ways, each round on a fresh stand-in portal (same seed, same port):
//   node    Manual Trigger → Code (5,000 {id}) → ONLYOFFICE Delete Opportunities (default batch size 500);
//   http    Manual Trigger → Code (5,000 {id}) → HTTP Request, DELETE /api/2.0/crm/opportunity/{id}.json
//           per item, with a Header Auth credential "Authorization: <token>" (what a user builds without us);
//   limit   scripts/bench/limit.js on n8n's Node 24: the same IDs in the same 500-ID chunks as keep-alive PUTs.
// n8n's own per-node executionTime is the figure for node and http; the limit script times its requests.
'use strict';
const path = require('node:path');

const { startPortal } = require('../../test/portal');
const {
	createN8nInstance,
	ensureN8nInstalled,
	freePort,
	linearWorkflow,
	PACKAGE_NAME,
} = require('../../test/e2e/harness');
const { executeVariant, importPortalCredentials, runLimitScript } = require('./n8nVariants');

const OPPORTUNITIES = 5000;
const BATCH_SIZE = 500; // the node's default
const HTTP_REQUEST_VERSION = 4.5; // the HTTP Request node's default version in n8n 2.40.7
const CODE_NODE = 'Opportunities to delete';
const DELETE_NODE = 'ONLYOFFICE Delete Opportunities';
const HTTP_NODE = 'HTTP Request';
const LIMIT_SCRIPT = path.join(__dirname, 'limit.js');

const CODE = `// The same 5,000 items for every variant.\nreturn Array.from({ length: ${OPPORTUNITIES} }, (_, i) => ({ json: { id: i + 1 } }));`;

/** Manual Trigger → Code (the 5,000 items) → `last`, the variant's node. */
function workflow(name, last, credentials) {
	return linearWorkflow(name, [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{ name: CODE_NODE, type: 'n8n-nodes-base.code', typeVersion: 2, parameters: { jsCode: CODE } },
		{ ...last, credentials },
	]);
}

/**
 * Imports the credentials and the two workflows of the `node` and `http` variants into `n8n`.
 * @returns {Promise<Record<'node' | 'http', { workflowId: string, nodeName: string }>>} each variant's workflow
 *   and the node whose executionTime is measured
 */
async function importVariants(n8n, portalUrl, token) {
	const credentials = await importPortalCredentials(n8n, portalUrl, token);
	const nodeWorkflow = await n8n.importWorkflow(
		workflow(
			'bench: ONLYOFFICE Delete Opportunities',
			{
				name: DELETE_NODE,
				type: `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`,
				typeVersion: 1,
				// Deal Only: the delete's own cost against HTTP Request and the limit; `--whole-record` measures the record.
				parameters: { opportunityIds: '={{ $json.id }}', options: { record: 'dealOnly' } },
			},
			credentials.onlyofficeApi,
		),
	);
	const httpWorkflow = await n8n.importWorkflow(
		workflow(
			'bench: HTTP Request per item',
			{
				name: HTTP_NODE,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: HTTP_REQUEST_VERSION,
				parameters: {
					method: 'DELETE',
					url: `=${portalUrl}/api/2.0/crm/opportunity/{{ $json.id }}.json`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					options: {},
				},
			},
			credentials.httpHeaderAuth,
		),
	);
	return {
		node: { workflowId: nodeWorkflow, nodeName: DELETE_NODE },
		http: { workflowId: httpWorkflow, nodeName: HTTP_NODE },
	};
}

const median = (values) => {
	const sorted = values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
	if (sorted.length === 0) return undefined;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function runLimit(nodeBin, portal) {
	return runLimitScript(
		nodeBin,
		LIMIT_SCRIPT,
		{ url: portal.url, token: portal.token, ids: OPPORTUNITIES, chunk: BATCH_SIZE },
		{ timeoutMs: 120_000, what: 'limit script' },
	);
}

/**
 * @param {{ rounds: number, httpRounds: number, log: (line: string) => void, distDir?: string, n8nEnv?: Record<string, string> }} opts
 *   distDir: a build of the package to install instead of the repo's dist/ (to measure a candidate change);
 *   n8nEnv: extra environment for n8n (e.g. N8N_EXPRESSION_ENGINE=legacy, to measure n8n's expression cost)
 */
async function benchRealN8n({ rounds, httpRounds, log, distDir, n8nEnv = {} }) {
	const installation = ensureN8nInstalled();
	const port = await freePort();
	let portal = await startPortal({ port, opportunities: OPPORTUNITIES, seed: 1 });
	const token = portal.token; // the same for every portal of this seed
	const n8n = await createN8nInstance({ name: 'bench', distDir, env: n8nEnv });
	const runs = { node: [], http: [], limit: [], warmUp: undefined };
	try {
		log(`  scratch n8n ${n8n.version} in ${n8n.userFolder}; portal ${portal.url}`);
		const variants = await importVariants(n8n, portal.url, token);

		const freshPortal = async () => {
			await portal.stop();
			portal = await startPortal({ port, opportunities: OPPORTUNITIES, seed: 1 });
		};
		const portalCheck = (method) => ({
			requests: portal.requests.length,
			requestsOfMethod: portal.requests.filter((r) => r.method === method).length,
			non2xx: portal.requests.filter((r) => r.status < 200 || r.status > 299).length,
			maxConcurrentRequests: portal.maxConcurrentRequests,
			leftOnPortal: portal.opportunityIds().length,
		});

		const inN8n = async (variant, { workflowId, nodeName }, method) => {
			await freshPortal();
			const { execution, processMs } = await executeVariant(n8n, variant, {
				workflowId,
				nodeName,
			});
			const runData = execution.data.resultData.runData;
			const run = {
				ms: runData[nodeName][0].executionTime,
				upstreamCodeMs: runData[CODE_NODE][0].executionTime,
				n8nProcessMs: processMs,
				outputItems: n8n.outputItems(execution, nodeName).length,
				...portalCheck(method),
			};
			runs[variant].push(run);
			return run;
		};
		const limit = async (record = true) => {
			await freshPortal();
			const result = await runLimit(installation.nodeBin, portal);
			const run = { ...result, ...portalCheck('PUT') };
			if (record) runs.limit.push(run);
			return run;
		};

		// The portal's code is cold at first: one untimed pass of the limit script warms it for all variants.
		runs.warmUp = await limit(false);
		log(`  warm-up (limit script, not counted): ${runs.warmUp.ms.toFixed(0)} ms`);
		for (let round = 1; round <= rounds; round++) {
			const node = await inN8n('node', variants.node, 'PUT');
			log(
				`  round ${round}/${rounds}: this node ${node.ms} ms (${node.requestsOfMethod} PUTs, ${node.outputItems} items out, n8n process ${node.n8nProcessMs} ms)`,
			);
			if (round <= httpRounds) {
				const http = await inN8n('http', variants.http, 'DELETE');
				log(
					`  round ${round}/${rounds}: HTTP Request ${http.ms} ms (${http.requestsOfMethod} DELETEs, up to ${http.maxConcurrentRequests} at once, ${http.outputItems} items out)`,
				);
			}
			const lim = await limit();
			log(
				`  round ${round}/${rounds}: limit script ${lim.ms.toFixed(1)} ms (${lim.requests} PUTs)`,
			);
		}
	} finally {
		await n8n.cleanup();
		await portal.stop();
	}

	const medianOf = (variant) => median(runs[variant].map((r) => r.ms));
	const medians = { node: medianOf('node'), http: medianOf('http'), limit: medianOf('limit') };
	return {
		opportunities: OPPORTUNITIES,
		batchSize: BATCH_SIZE,
		n8nVersion: installation.version,
		n8nNode: installation.nodeBin,
		httpRequestNode: {
			typeVersion: HTTP_REQUEST_VERSION,
			method: 'DELETE',
			url: '{portal}/api/2.0/crm/opportunity/{{ $json.id }}.json',
			auth: 'Header Auth (Authorization: <token>)',
		},
		rounds,
		httpRounds,
		distDir: distDir ?? 'dist',
		n8nEnv,
		medians,
		httpRequestRatio: medians.http / medians.node,
		limitRatio: medians.node / medians.limit,
		expectedNodeRequests: Math.ceil(OPPORTUNITIES / BATCH_SIZE),
		runs,
	};
}

module.exports = { benchRealN8n, importVariants, median, OPPORTUNITIES, BATCH_SIZE };
