import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { PortalConnection } from '../common/transport';
import { callPortal, PortalFailure } from '../common/transport';

/** Look-ups in flight at once: enough to be quick, few enough to stay under a portal's rate limit. */
const LOOKUP_CONCURRENCY = 5;

/** What a delete would do to one ID, as far as a look-up can tell. */
export type Prediction =
	| { status: 'wouldDelete'; record: IDataObject }
	| { status: 'wouldNotDelete'; reason: string };

export interface LookUpReport {
	predictions: Map<number, Prediction>;
	failure?: PortalFailure;
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
	const predictions = new Map<number, Prediction>();
	let failure: PortalFailure | undefined;
	let next = 0;
	const worker = async () => {
		while (failure === undefined && next < ids.length) {
			const id = ids[next++];
			try {
				predictions.set(id, await lookUp.call(this, id, connection));
			} catch (error) {
				if (!(error instanceof PortalFailure))
					throw new NodeApiError(this.getNode(), error as JsonObject);
				failure ??= error;
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, ids.length) }, worker));
	return { predictions, failure };
}

async function lookUp(
	this: IExecuteFunctions,
	id: number,
	connection: PortalConnection,
): Promise<Prediction> {
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
