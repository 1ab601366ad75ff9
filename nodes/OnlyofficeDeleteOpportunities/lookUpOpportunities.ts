import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { PortalConnection } from './transport';
import { callPortal, PortalFailure } from './transport';

/** Look-ups in flight at once: enough to be quick, few enough to stay under a portal's rate limit. */
export const LOOKUP_CONCURRENCY = 5;

export type LookUpOutcome =
	| { status: 'wouldDelete'; record: IDataObject }
	| { status: 'wouldNotDelete'; reason: string };

export interface LookUpReport {
	outcomes: Map<number, LookUpOutcome>;
	failure?: PortalFailure;
	requests: number;
}

/**
 * The dry run: reads each opportunity (`GET …/opportunity/{id}`, which changes nothing) to tell which
 * ones a delete would remove. Stops starting look-ups at the first failure.
 */
export async function lookUpOpportunities(
	this: IExecuteFunctions,
	ids: number[],
	connection: PortalConnection,
): Promise<LookUpReport> {
	const outcomes = new Map<number, LookUpOutcome>();
	let failure: PortalFailure | undefined;
	let next = 0;
	let requests = 0;
	const worker = async () => {
		while (failure === undefined && next < ids.length) {
			const id = ids[next++];
			requests++;
			try {
				outcomes.set(id, await lookUp.call(this, id, connection));
			} catch (error) {
				if (!(error instanceof PortalFailure))
					throw new NodeApiError(this.getNode(), error as JsonObject);
				failure ??= error;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, ids.length) }, worker));
	return { outcomes, failure, requests };
}

async function lookUp(
	this: IExecuteFunctions,
	id: number,
	connection: PortalConnection,
): Promise<LookUpOutcome> {
	const { envelope } = await callPortal.call(
		this,
		{ method: 'GET', path: `/api/2.0/crm/opportunity/${id}.json`, notFoundIsAnswer: true },
		connection,
	);
	const record = envelope.response;
	if (envelope.statusCode === 404 || typeof record !== 'object' || record === null) {
		return {
			status: 'wouldNotDelete',
			reason: 'not found: it does not exist or this user may not see it',
		};
	}
	if ((record as IDataObject).canEdit !== true) {
		return { status: 'wouldNotDelete', reason: 'this user may see it but not delete it' };
	}
	return { status: 'wouldDelete', record: record as IDataObject };
}
