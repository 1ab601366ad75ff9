import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readFailureError } from '../common/output/nodeErrors';
import type { OpportunityFilters } from '../common/search/opportunitySearch';
import { InvalidFilterError, readFilters as readSharedFilters } from '../common/search/readFilters';
import { simplifyOpportunity } from '../common/output/opportunityOutput';
import { optionDefaults } from '../common/output/optionsCollection';
import type { PortalConnection } from '../common/transport';
import type { TriggerOptions } from './description';
import { nodeOptions } from './description';
import { latestState, recordState } from './latestStates';
import { latestClosedOpportunity, pollClosedOpportunities } from './pollClosedOpportunities';
import { newestOpportunity, pollNewOpportunities } from './pollNewOpportunities';
import type {
	ClosedOpportunityState,
	NewOpportunityState,
	PollState,
	TriggerEvent,
} from './pollState';
import {
	commitClosedOpportunities,
	commitNewOpportunities,
	mergeStates,
	readState,
	writeState,
} from './pollState';

/**
 * A poll is over well before the next one (a minute at the shortest): a request makes up to 3 attempts of
 * 12 s each with at most 5 s between them (46 s in all), and a "try again after" longer than 5 s fails the
 * poll instead of waiting; the next poll catches up.
 */
export const POLL_CONNECTION = (): PortalConnection => ({
	timeout: 12_000,
	maxWaitSeconds: 5,
	hints: {
		rejected:
			'Check the filters: Stage is a stage ID (a whole number), Responsible a user ID, Tags tag names.',
	},
});

/**
 * One poll: reads the state, asks the portal, and only when every request has succeeded commits the new state
 * and returns the deals to emit (null when there are none, so that n8n starts no execution). "Fetch Test
 * Event" returns the newest matching deal and changes nothing.
 */
export async function pollOpportunities(
	this: IPollFunctions,
): Promise<INodeExecutionData[][] | null> {
	const event = this.getNodeParameter('event') as TriggerEvent;
	const filters = readFilters.call(this);
	const options = {
		...optionDefaults<TriggerOptions>(nodeOptions),
		...(this.getNodeParameter('options', {}) as Partial<TriggerOptions>),
	};
	const toItem = (deal: IDataObject): INodeExecutionData => ({
		json: options.simplify ? simplifyOpportunity(deal) : deal,
	});
	const connection = POLL_CONNECTION();

	if (this.getMode() === 'manual') {
		const deal = await readOrFail(this, async () =>
			event === 'newOpportunity'
				? await newestOpportunity.call(this, filters, connection)
				: await latestClosedOpportunity.call(this, event, filters, connection, Date.now()),
		);
		if (!deal) {
			throw new NodeOperationError(this.getNode(), 'No opportunity matches the trigger yet', {
				description:
					'Create (or win, or lose) an opportunity that matches the filters in ONLYOFFICE, then fetch again.',
			});
		}
		return [[toItem(deal)]];
	}

	const staticData = this.getWorkflowStaticData('node');
	const key = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
	/** The state as it stands now: what this copy of static data holds, merged with what other polls committed. */
	const filtersKey = filterKey(filters);
	const current = () =>
		mergeStates(readState(staticData, event, filtersKey), latestState(key, event, filtersKey));
	/** Synchronous from reading the current state to writing the next: no other poll can slip in between. */
	const commit = (result: { emit: IDataObject[]; state: PollState }) => {
		writeState(staticData, recordState(key, { ...result.state, filters: filtersKey }));
		return result.emit;
	};
	const started = current();
	const now = Date.now();
	const emit = await readOrFail(this, async () => {
		if (event === 'newOpportunity') {
			const begin = started as NewOpportunityState | undefined;
			const poll = await pollNewOpportunities.call(this, filters, begin, connection);
			return commit(
				commitNewOpportunities(current() as NewOpportunityState | undefined, begin, poll),
			);
		}
		const begin = started as ClosedOpportunityState | undefined;
		const poll = await pollClosedOpportunities.call(this, event, filters, begin, connection, now);
		return commit(
			commitClosedOpportunities(current() as ClosedOpportunityState | undefined, begin, poll),
		);
	});
	return emit.length > 0 ? [emit.map(toItem)] : null;
}

async function readOrFail<T>(context: IPollFunctions, read: () => Promise<T>): Promise<T> {
	try {
		return await read();
	} catch (error) {
		throw readFailureError(context.getNode(), error);
	}
}

/**
 * The filters as the state remembers them: the same key for filters the portal reads alike (tags in any
 * order and letter case, a responsible ID in any case).
 */
export function filterKey(filters: OpportunityFilters): string {
	return JSON.stringify([
		filters.responsibleId?.toLowerCase() ?? '',
		filters.stageId ?? 0,
		[...new Set((filters.tags ?? []).map((tag) => tag.toLowerCase()))].sort(),
	]);
}

/** The filters, read as the search reads them: a value the portal would drop is refused, not left out. */
function readFilters(this: IPollFunctions): OpportunityFilters {
	const raw = this.getNodeParameter('filters', {}) as IDataObject;
	try {
		// The trigger's filters hold no dates, so no time zone is read.
		return readSharedFilters(raw, 'UTC');
	} catch (error) {
		throw new NodeOperationError(
			this.getNode(),
			`${(error as Error).message}. Nothing was polled.`,
			{
				description: error instanceof InvalidFilterError ? error.hint : undefined,
			},
		);
	}
}
