/**
 * Runs the Restore node's execute() with a thin n8n context, as runNode.ts does for the Delete node: requests
 * through n8n's own HTTP client, binary data kept base64 in the items as n8n-core's default mode does. The
 * real-n8n suite (test/e2e/restoreOpportunities) checks the same inside n8n itself.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import { OnlyofficeRestoreOpportunities } from '../../nodes/OnlyofficeRestoreOpportunities/OnlyofficeRestoreOpportunities.node';
import { portalHttp } from './portalHttp';
import { runNode } from './runNode';

export interface RestoreRun {
	/** Input items: the Delete node's output items, binary data included. */
	items: INodeExecutionData[];
	/** What n8n makes of Record for an item; absent means the default, `={{ $json }}`. */
	record?: (item: INodeExecutionData, itemIndex: number) => unknown;
	options?: IDataObject;
	credentials: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	asTool?: boolean;
}

const restoreNode: INode = {
	id: 'restore-node',
	name: 'ONLYOFFICE Restore Opportunities',
	type: 'n8n-nodes-onlyoffice-crm.onlyofficeRestoreOpportunities',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** The hints of the last run (the line n8n shows under the output). */
export const lastHints: NodeExecutionHint[] = [];

export async function runRestoreNode(run: RestoreRun): Promise<INodeExecutionData[]> {
	lastHints.length = 0;
	const node: INode = {
		...restoreNode,
		type: run.asTool ? `${restoreNode.type}Tool` : restoreNode.type,
	};
	const http = portalHttp(run.credentials, restoreNode);
	const context = {
		getInputData: () => run.items,
		getNode: () => node,
		continueOnFail: () => run.continueOnFail === true,
		addExecutionHints: (...hints: NodeExecutionHint[]) => lastHints.push(...hints),
		getCredentials: http.getCredentials,
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			if (name === 'record')
				return run.record ? run.record(run.items[itemIndex], itemIndex) : run.items[itemIndex].json;
			if (name === 'options') return run.options ?? fallback ?? {};
			throw new Error(`Unexpected parameter ${name}`);
		},
		helpers: {
			httpRequestWithAuthentication: http.httpRequestWithAuthentication,
			httpRequest: http.httpRequest,
			async getBinaryDataBuffer(itemIndex: number, property: string) {
				const binary = run.items[itemIndex].binary?.[property];
				if (!binary) throw new Error(`Item ${itemIndex} has no binary ${property}`);
				return Buffer.from(binary.data, 'base64');
			},
		},
	} as unknown as IExecuteFunctions;
	const [output] = await new OnlyofficeRestoreOpportunities().execute.call(context);
	return output;
}

/** The portal's admin signing in with an API token: who the in-process restore tests delete and restore as. */
export const adminCredential = (portal: { url: string; users: { admin: { token: string } } }) => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.users.admin.token,
});

/** Deletes the deals with the Delete node, Record = Whole Record: its output items, one per deal, in order. */
export async function deleteWhole(
	portal: Parameters<typeof adminCredential>[0],
	ids: number[],
): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		items: ids.map((id) => ({ id })),
		options: { record: 'wholeRecord' },
		credentials: adminCredential(portal),
	});
	expect(output.map((item) => item.json.id)).toEqual(ids);
	return output;
}
