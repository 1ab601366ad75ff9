/**
 * Runs the CRM Trigger's poll() with a thin n8n poll context, keeping its workflow static data between polls
 * the way n8n 2.40.7 does: one copy in memory, and a "saved" copy written only after the first poll and after
 * polls that emit items. `restart()` stands for an n8n restart: memory goes back to the saved copy, and the
 * node's modules are loaded afresh (nothing a previous process held survives). Requests go through n8n's own
 * HTTP client (@n8n/backend-network) with the credential's authenticate(), as in runNode.ts.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeParameters,
	IPollFunctions,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { OnlyofficeApi } from '../../credentials/OnlyofficeApi.credentials';
import type { OnlyofficeCrmTrigger } from '../../nodes/OnlyofficeCrmTrigger/OnlyofficeCrmTrigger.node';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { httpRequest } = require('@n8n/backend-network/testing') as {
	httpRequest: (options: IHttpRequestOptions) => Promise<unknown>;
};

let workflows = 0;

const NODE_MODULE = '../../nodes/OnlyofficeCrmTrigger/OnlyofficeCrmTrigger.node';

export interface TriggerParameters {
	event: 'newOpportunity' | 'opportunityWon' | 'opportunityLost';
	filters?: IDataObject;
	options?: IDataObject;
}

export interface PollOptions {
	/** 'trigger' (a scheduled poll, the default) or 'manual' (Fetch Test Event, which n8n never saves). */
	mode?: WorkflowExecuteMode;
	/** Poll on a copy of the static data, as a second activation of the workflow or n8n's staged cursors do. */
	ownCopy?: boolean;
}

export class TriggerRun {
	/** The static data n8n holds in memory for this workflow. */
	live: IDataObject = {};
	/** What n8n's database holds. */
	saved: IDataObject = {};
	/** How many scheduled polls have run (the first is always saved). */
	polls = 0;
	/** Called before each request a poll sends, with its query: lets a test change the portal between pages. */
	beforeRequest?: (qs: IDataObject) => void | Promise<void>;
	private node: OnlyofficeCrmTrigger;
	private readonly credentialType = new OnlyofficeApi();

	constructor(
		readonly parameters: TriggerParameters,
		private credentials: ICredentialDataDecryptedObject,
		/** Unique by default: the node keeps what each workflow's polls committed for the life of the process. */
		readonly workflowId = `wf-${++workflows}`,
	) {
		this.node = loadNode();
	}

	/** Runs one poll; null when it emitted nothing. */
	async poll(options: PollOptions = {}): Promise<INodeExecutionData[] | null> {
		const mode = options.mode ?? 'trigger';
		const staticData = options.ownCopy ? clone(this.live) : this.live;
		const result = await this.node.poll.call(this.context(mode, staticData));
		const items = result?.[0] ?? null;
		if (mode === 'manual') return items;
		if (options.ownCopy) this.live = staticData;
		this.polls++;
		if (this.polls === 1 || items !== null) this.saved = clone(staticData);
		return items;
	}

	/** n8n restarts: the in-memory static data and everything the process held are gone. */
	restart(): void {
		this.live = clone(this.saved);
		jest.resetModules();
		this.node = loadNode();
	}

	setCredentials(credentials: ICredentialDataDecryptedObject): void {
		this.credentials = credentials;
	}

	private context(mode: WorkflowExecuteMode, staticData: IDataObject): IPollFunctions {
		const node: INode = {
			id: 'trigger-node',
			name: 'ONLYOFFICE CRM Trigger',
			type: 'n8n-nodes-onlyoffice-crm.onlyofficeCrmTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { ...this.parameters } as INodeParameters,
			credentials: { onlyofficeApi: { id: 'cred-1', name: 'ONLYOFFICE' } },
		};
		const parameters = this.parameters as unknown as IDataObject;
		const credentials = { ...this.credentials };
		const credentialType = this.credentialType;
		// eslint-disable-next-line @typescript-eslint/no-this-alias
		const run = this;
		return {
			getMode: () => mode,
			getNode: () => node,
			getWorkflow: () => ({ id: this.workflowId, name: 'CRM Trigger test', active: true }),
			getWorkflowStaticData: (type: string) => {
				if (type !== 'node') throw new Error(`Unexpected static data type ${type}`);
				return staticData;
			},
			getNodeParameter(name: string, fallback?: unknown) {
				return parameters[name] ?? fallback;
			},
			getCredentials: async () => ({ ...credentials }),
			helpers: {
				async httpRequestWithAuthentication(
					_type: string,
					requestOptions: IHttpRequestOptions,
					additional?: { credentialsDecrypted?: { data?: ICredentialDataDecryptedObject } },
				) {
					const data = additional?.credentialsDecrypted?.data ?? credentials;
					await run.beforeRequest?.((requestOptions.qs ?? {}) as IDataObject);
					try {
						return await httpRequest(await credentialType.authenticate(data, requestOptions));
					} catch (error) {
						throw new NodeApiError(node, error as never);
					}
				},
			},
		} as unknown as IPollFunctions;
	}
}

function loadNode(): OnlyofficeCrmTrigger {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { OnlyofficeCrmTrigger: Trigger } = require(NODE_MODULE) as {
		OnlyofficeCrmTrigger: new () => OnlyofficeCrmTrigger;
	};
	return new Trigger();
}

function clone(data: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(data)) as IDataObject;
}
