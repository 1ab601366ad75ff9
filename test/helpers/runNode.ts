/**
 * Runs the Delete node's execute() with a thin n8n context. Requests and credentials go through portalHttp.ts
 * (n8n's own HTTP client, credentials applied as n8n-core 2.x does). The real-n8n suite (test/e2e) checks the
 * same behaviour inside n8n itself.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import { OnlyofficeDeleteOpportunities } from '../../nodes/OnlyofficeDeleteOpportunities/OnlyofficeDeleteOpportunities.node';
import { prepareBinaryData } from './binaryData';
import { portalHttp } from './portalHttp';

export interface RunOptions {
	/** Input items' json. */
	items: IDataObject[];
	/**
	 * The Opportunity IDs parameter as saved in the workflow; absent means the default, `={{ $json.id }}`.
	 * An expression other than a plain `$json` field is evaluated by `opportunityIds` (n8n's expression engine here).
	 */
	opportunityIdsParameter?: string;
	/** What n8n would make of that expression for an item. */
	opportunityIds?: (json: IDataObject, itemIndex: number) => unknown;
	/**
	 * The node's Options. Record defaults to Deal Only here: the suites that use this runner test the deletion
	 * itself (batches, faults, IDs); the whole-record suites set Record themselves.
	 */
	options?: IDataObject;
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	/**
	 * Run as the node's AI tool variant (`…Tool`). Opportunity IDs left unset is then the tool's default,
	 * `$fromAI(…)`, which `opportunityIds` stands for.
	 */
	asTool?: boolean;
}

export interface RunResult {
	output: INodeExecutionData[];
	hints: NodeExecutionHint[];
	/** The credential data after the run (n8n persists what preAuthentication returns). */
	credentials: ICredentialDataDecryptedObject;
	/** How often preAuthentication logged in. */
	logins: number;
	/** How often the node asked n8n to evaluate Opportunity IDs. */
	evaluations: number;
	/** How often the node read the credential. */
	credentialReads: number;
}

export const testNode: INode = {
	id: 'test-node',
	name: 'ONLYOFFICE Delete Opportunities',
	type: 'n8n-nodes-onlyoffice-crm.onlyofficeDeleteOpportunities',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** Stands for any expression the node cannot read as a plain `$json` field. */
const OTHER_EXPRESSION = '={{ $json.id ?? $json.ids }}';

export async function runNode(run: RunOptions): Promise<RunResult> {
	const hints: NodeExecutionHint[] = [];
	const items: INodeExecutionData[] = run.items.map((json) => ({ json }));
	const rawIds =
		run.opportunityIdsParameter ??
		(run.opportunityIds && !run.asTool ? OTHER_EXPRESSION : undefined);
	const node: INode = {
		...testNode,
		type: run.asTool ? `${testNode.type}Tool` : testNode.type,
		parameters: rawIds === undefined ? {} : { opportunityIds: rawIds },
	};
	let evaluations = 0;
	const http = portalHttp(run.credentials, testNode);

	const context = {
		getInputData: () => items,
		getNode: () => node,
		continueOnFail: () => run.continueOnFail === true,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		getCredentials: http.getCredentials,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			if (name === 'opportunityIds') {
				evaluations++;
				const json = items[itemIndex].json;
				return run.opportunityIds ? run.opportunityIds(json, itemIndex) : json.id;
			}
			if (name === 'options') {
				// An option given as undefined is one the user left unset: n8n leaves it out of the collection.
				const options: IDataObject = { record: 'dealOnly', ...(run.options ?? fallback ?? {}) };
				for (const key of Object.keys(options)) if (options[key] === undefined) delete options[key];
				return options;
			}
			throw new Error(`Unexpected parameter ${name}`);
		},
		helpers: {
			httpRequestWithAuthentication: http.httpRequestWithAuthentication,
			httpRequest: http.httpRequest,
			prepareBinaryData,
		},
	} as unknown as IExecuteFunctions;

	const [output] = await new OnlyofficeDeleteOpportunities().execute.call(context);
	return {
		output,
		hints,
		credentials: http.credentials,
		logins: http.logins,
		evaluations,
		credentialReads: http.credentialReads,
	};
}
