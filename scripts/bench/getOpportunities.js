// The search section of the benchmark: Return All over 20,000 matching deals in a real n8n (the pinned 2.40.7,
// through the test/e2e harness), three ways, on one stand-in portal (read-only, so it stays the same):
//   node    Manual Trigger → ONLYOFFICE Get Opportunities (Return All; Stage Type Lost, Close Date To 2020-06-30);
//   http    Manual Trigger → HTTP Request GET crm/opportunity/filter with the same filters (the far lower bound
//           the API contract asks for, sortBy=id, count=1000) and n8n's own pagination: "Update a Parameter in
//           Each Request", startIndex = {{ $pageCount * 1000 }}, complete when the page is shorter than 1000;
//           Header Auth credential "Authorization: <token>". What a user builds without this package; it
//           outputs one item per page (the envelope), not one per deal, so it does less work than the node.
//           A Split Out node after it (`response` → one item per deal) is timed on its own: HTTP Request alone
//           is the headline figure, HTTP Request + Split Out the cost of the same output as the node's;
//   limit   scripts/bench/getLimit.js on n8n's Node 24: the same pages as the node asks for, nothing else.
// Per variant: n8n's per-node executionTime (the limit script times its requests), the portal's request log,
// and the peak RSS of the `n8n execute` process with its task runner, sampled from /proc during the run (that
// includes n8n's own start-up, the same for both n8n variants).
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
const { median } = require('./realN8n');
const { sampleProcessTree } = require('./processTreeMemory');
const { executeVariant, importPortalCredentials, runLimitScript } = require('./n8nVariants');

const DEALS = 20_000;
const PAGE = 1000;
const FILTER_PATH = '/api/2.0/crm/opportunity/filter';
/** The search in the portal's log, with or without the `.json` ending ONLYOFFICE accepts. */
const isSearch = (r) => r.method === 'GET' && /\/crm\/opportunity\/filter(\.json)?$/.test(r.path);
// The portal's 20,000 extra deals are lost and closed in 2019; its 50 random ones close from 2023 on.
const CLOSE_DATE_TO = '2020-06-30';
const GET_NODE = 'ONLYOFFICE Get Opportunities';
const HTTP_NODE = 'HTTP Request';
const SPLIT_NODE = 'Split Out';
const HTTP_REQUEST_VERSION = 4.5; // the HTTP Request node's default version in n8n 2.40.7
const LIMIT_SCRIPT = path.join(__dirname, 'getLimit.js');
/** What the contract asks a client to send for "lost, closed by the cut-off" (both ends, stable order). */
const CONTRACT_QUERY = {
	stageType: '2',
	fromDate: '1900-01-01',
	toDate: CLOSE_DATE_TO,
	sortBy: 'id',
	sortOrder: 'ascending',
};
const TARGETS = { maxLimitRatio: 1.5, maxNodeOverHttp: 1 };

const start = {
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	parameters: {},
};

async function importVariants(n8n, portalUrl, token) {
	const credentials = await importPortalCredentials(n8n, portalUrl, token);
	const node = await n8n.importWorkflow(
		linearWorkflow('bench: ONLYOFFICE Get Opportunities, Return All', [
			start,
			{
				name: GET_NODE,
				type: `${PACKAGE_NAME}.onlyofficeGetOpportunities`,
				typeVersion: 1,
				parameters: {
					returnAll: true,
					filters: { stageType: 'lost', closeDateTo: CLOSE_DATE_TO },
					options: {},
				},
				credentials: credentials.onlyofficeApi,
			},
		]),
	);
	const query = { ...CONTRACT_QUERY, count: String(PAGE) };
	const http = await n8n.importWorkflow(
		linearWorkflow('bench: HTTP Request with pagination', [
			start,
			{
				name: HTTP_NODE,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: HTTP_REQUEST_VERSION,
				parameters: {
					method: 'GET',
					url: `${portalUrl}${FILTER_PATH}`,
					authentication: 'genericCredentialType',
					genericAuthType: 'httpHeaderAuth',
					sendQuery: true,
					queryParameters: {
						parameters: Object.entries(query).map(([name, value]) => ({ name, value })),
					},
					options: {
						pagination: {
							pagination: {
								paginationMode: 'updateAParameterInEachRequest',
								parameters: {
									parameters: [
										{ type: 'qs', name: 'startIndex', value: `={{ $pageCount * ${PAGE} }}` },
									],
								},
								paginationCompleteWhen: 'other',
								completeExpression: `={{ $response.body.response.length < ${PAGE} }}`,
							},
						},
					},
				},
				credentials: credentials.httpHeaderAuth,
			},
			{
				name: SPLIT_NODE,
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				parameters: { fieldToSplitOut: 'response', include: 'noOtherFields', options: {} },
			},
		]),
	);
	return {
		node: { workflowId: node, nodeName: GET_NODE },
		http: { workflowId: http, nodeName: HTTP_NODE },
	};
}

function runLimit(nodeBin, portal, query) {
	return runLimitScript(
		nodeBin,
		LIMIT_SCRIPT,
		{ url: portal.url, token: portal.token, query, count: PAGE },
		{ timeoutMs: 300_000, what: 'search limit script' },
	);
}

/** The query of the portal's first search request, less the paging the pager sets. */
function firstSearchQuery(portal) {
	const first = portal.requests.find(isSearch);
	if (!first) return undefined;
	const { startIndex, count, ...query } = first.query;
	return query;
}

/**
 * @param {{ rounds: number, log: (line: string) => void, distDir?: string, n8nEnv?: Record<string, string> }} opts
 */
async function benchGetOpportunities({ rounds, log, distDir, n8nEnv = {} }) {
	const installation = ensureN8nInstalled();
	const portal = await startPortal({ port: await freePort(), closedDeals: { count: DEALS } });
	const n8n = await createN8nInstance({ name: 'bench-get', distDir, env: n8nEnv });
	const runs = { node: [], http: [], limit: [], warmUp: undefined };
	let limitQuery = CONTRACT_QUERY;
	let nodeQuery;
	try {
		log(`  scratch n8n ${n8n.version} in ${n8n.userFolder}; portal ${portal.url}`);
		const variants = await importVariants(n8n, portal.url, portal.token);
		const requestLog = () => {
			const searches = portal.requests.filter(isSearch);
			return {
				requests: portal.requests.length,
				searchRequests: searches.length,
				non2xx: portal.requests.filter((r) => r.status < 200 || r.status > 299).length,
				maxConcurrentRequests: portal.maxConcurrentRequests,
			};
		};

		const inN8n = async (variant, { workflowId, nodeName }) => {
			portal.clearRequests();
			const sampler = sampleProcessTree(['execute', `--id=${workflowId}`]);
			let executed;
			let memory;
			try {
				executed = await executeVariant(n8n, variant, { workflowId, nodeName });
			} finally {
				memory = sampler.stop();
			}
			const { execution, processMs } = executed;
			const items = n8n.outputItems(execution, nodeName);
			// The node gives one item per deal; the HTTP Request node one per page, the deals in `response`.
			const deals =
				variant === 'http'
					? items.flatMap((item) => item.json.response ?? [])
					: items.map((i) => i.json);
			const runData = execution.data.resultData.runData;
			const split = variant === 'http' ? runData[SPLIT_NODE]?.[0] : undefined;
			const run = {
				memory,
				ms: runData[nodeName][0].executionTime,
				...(split && {
					splitOutMs: split.executionTime,
					splitOutItems: n8n.outputItems(execution, SPLIT_NODE).length,
				}),
				n8nProcessMs: processMs,
				outputItems: items.length,
				deals: deals.length,
				uniqueIds: new Set(deals.map((d) => d.id)).size,
				...requestLog(),
			};
			runs[variant].push(run);
			return run;
		};
		const limit = async (record = true) => {
			portal.clearRequests();
			const run = {
				...(await runLimit(installation.nodeBin, portal, limitQuery)),
				...requestLog(),
			};
			if (record) runs.limit.push(run);
			return run;
		};
		const mb = (x) => (x === undefined ? '–' : `${x.toFixed(0)} MB`);

		runs.warmUp = await limit(false);
		log(
			`  warm-up (limit script, not counted): ${runs.warmUp.ms.toFixed(0)} ms, ${runs.warmUp.records} deals`,
		);
		for (let round = 1; round <= rounds; round++) {
			const node = await inN8n('node', variants.node);
			if (!nodeQuery) {
				// The limit fetches exactly the pages the node asks for.
				nodeQuery = firstSearchQuery(portal);
				if (nodeQuery) limitQuery = nodeQuery;
			}
			log(
				`  round ${round}/${rounds}: this node ${node.ms} ms (${node.searchRequests} searches, ${node.outputItems} items out, peak RSS ${mb(node.memory.peakTreeRssMB)}, n8n process ${node.n8nProcessMs} ms)`,
			);
			const http = await inN8n('http', variants.http);
			log(
				`  round ${round}/${rounds}: HTTP Request ${http.ms} ms (${http.searchRequests} searches, ${http.outputItems} pages holding ${http.deals} deals), then Split Out ${http.splitOutMs} ms (${http.splitOutItems} items); peak RSS ${mb(http.memory.peakTreeRssMB)}`,
			);
			const lim = await limit();
			log(
				`  round ${round}/${rounds}: limit script ${lim.ms.toFixed(1)} ms (${lim.requests} searches, ${lim.records} deals)`,
			);
		}
	} finally {
		await n8n.cleanup();
		await portal.stop();
	}

	const medianOf = (variant, pick = (r) => r.ms) => median(runs[variant].map(pick));
	const peak = (r) => r.memory?.peakTreeRssMB;
	const medians = {
		node: medianOf('node'),
		http: medianOf('http'),
		httpSplitOut: medianOf('http', (r) => r.ms + r.splitOutMs),
		limit: medianOf('limit'),
		nodePeakRssMB: medianOf('node', peak),
		httpPeakRssMB: medianOf('http', peak),
		limitPeakRssMB: medianOf('limit', (r) => r.maxRssMB),
	};
	const expectedRequests = Math.ceil(DEALS / PAGE) + (DEALS % PAGE === 0 ? 1 : 0);
	return {
		deals: DEALS,
		pageSize: PAGE,
		expectedRequests,
		n8nVersion: installation.version,
		filters: { stageType: 'lost', closeDateTo: CLOSE_DATE_TO },
		nodeQuery: nodeQuery ?? null,
		limitQuery,
		httpRequestNode: {
			typeVersion: HTTP_REQUEST_VERSION,
			url: `{portal}${FILTER_PATH}`,
			query: { ...CONTRACT_QUERY, count: String(PAGE) },
			pagination: `startIndex = {{ $pageCount * ${PAGE} }}; complete when {{ $response.body.response.length < ${PAGE} }}`,
			auth: 'Header Auth (Authorization: <token>)',
		},
		rounds,
		distDir: distDir ?? 'dist',
		n8nEnv,
		medians,
		limitRatio: medians.node / medians.limit,
		httpRequestRatio: medians.http / medians.node,
		httpSplitOutRatio: medians.httpSplitOut / medians.node,
		runs,
	};
}

/** Rows for the benchmark's target table. */
function getTargetRows(get, fmt) {
	const exact = (r) => r.deals === get.deals && r.uniqueIds === get.deals && r.non2xx === 0;
	return [
		{
			target: `search: every one of ${fmt(get.deals)} deals once (node, HTTP Request, limit)`,
			value: ['node', 'http', 'limit']
				.map((v) => {
					const counts = [...new Set(get.runs[v].map((r) => fmt(r.uniqueIds)))];
					return `${v} ${counts.join('/')}`;
				})
				.join(', '),
			met:
				get.runs.node.every(exact) &&
				get.runs.http.every(exact) &&
				get.runs.limit.every((r) => r.records === get.deals && r.uniqueIds === get.deals),
		},
		{
			target: `search: requests = ceil(${fmt(get.deals)} ÷ ${get.pageSize}) + 1 = ${get.expectedRequests}, this node`,
			value: get.runs.node.map((r) => r.requests).join(', '),
			met: get.runs.node.every((r) => r.requests === get.expectedRequests),
		},
		{
			target: 'search: this node ÷ limit ≤ 1.5 (getLimitRatio)',
			value: fmt(get.limitRatio, 2),
			met: get.limitRatio <= TARGETS.maxLimitRatio,
		},
		{
			target: 'search: HTTP Request ÷ this node ≥ 1 (getHttpRequestRatio)',
			value: fmt(get.httpRequestRatio, 2),
			met: get.httpRequestRatio >= TARGETS.maxNodeOverHttp,
		},
	];
}

/** The section's table in the benchmark's results. */
function printGetOpportunities(get, { log, table, fmt }) {
	const m = get.medians;
	const rows = [
		{ name: 'This node, Return All', runs: get.runs.node, median: m.node, peak: m.nodePeakRssMB },
		{
			name: 'HTTP Request, built-in pagination',
			runs: get.runs.http,
			median: m.http,
			peak: m.httpPeakRssMB,
		},
		{
			name: '  + Split Out (one item per deal)',
			runs: get.runs.http.map((r) => ({
				...r,
				ms: r.ms + r.splitOutMs,
				outputItems: r.splitOutItems,
			})),
			median: m.httpSplitOut,
			peak: m.httpPeakRssMB,
		},
		{
			name: 'Limit: bare script, same pages',
			runs: get.runs.limit,
			median: m.limit,
			peak: m.limitPeakRssMB,
		},
	];
	log(
		`\nSearch, real n8n ${get.n8nVersion}: Return All over ${fmt(get.deals)} matching deals (Lost, closed by ${get.filters.closeDateTo}), medians of ${get.rounds} rounds:\n`,
	);
	log(
		table(rows, [
			['Variant', (r) => r.name],
			['Median ms', (r) => fmt(r.median)],
			[
				'Min–max ms',
				(r) =>
					`${fmt(Math.min(...r.runs.map((x) => x.ms)))}–${fmt(Math.max(...r.runs.map((x) => x.ms)))}`,
			],
			['Requests', (r) => fmt(r.runs[0]?.requests)],
			['Peak RSS MB', (r) => fmt(r.peak)],
			['Items out', (r) => fmt(r.runs[0]?.outputItems ?? r.runs[0]?.records)],
		]),
	);
	log(
		`\nPeak RSS: n8n's \`execute\` process with its task runner (n8n's start-up included; the HTTP Request workflow with its Split Out), the limit script's own.`,
	);
	log(
		`getLimitRatio (this node ÷ limit): ${fmt(get.limitRatio, 2)}×    getHttpRequestRatio (HTTP Request ÷ this node): ${fmt(get.httpRequestRatio, 2)}×    HTTP Request + Split Out ÷ this node: ${fmt(get.httpSplitOutRatio, 2)}×`,
	);
}

module.exports = { benchGetOpportunities, getTargetRows, printGetOpportunities, DEALS };
