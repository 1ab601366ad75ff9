import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../common/output/nodeErrors';
import { optionDefaults } from '../common/output/optionsCollection';
import { InvalidCloseDateError } from '../common/search/closeDateRange';
import type { OpportunitySearch } from '../common/search/opportunitySearch';
import {
	InvalidFilterError,
	oneOf,
	positiveInteger,
	readFilters,
} from '../common/search/readFilters';
import type { SortField, SortOrder } from '../common/search/sortOpportunities';
import { isKnownTimeZone } from '../common/search/zonedTime';
import type { SearchOptions } from './description';
import { nodeOptions } from './description';

/** One item's search, checked. */
export interface ItemSearch {
	itemIndex: number;
	search: OpportunitySearch;
	simplify: boolean;
	/** Whole records (with their files, or describing them only), or the deals alone. */
	record: { files: 'download' | 'listOnly' } | undefined;
}

const SORT_FIELDS: SortField[] = ['id', 'title', 'closeDate', 'bidValue', 'stage', 'responsible'];
const SORT_ORDERS: SortOrder[] = ['ascending', 'descending'];

/**
 * Reads and checks every item's search before the first request, so that a bad value in item 5 does not
 * come after four searches (or, in a workflow, after what the next node did with them).
 */
export function readSearchFilters(this: IExecuteFunctions): {
	searches: ItemSearch[];
	errorItems: Array<{ itemIndex: number; item: INodeExecutionData }>;
} {
	const searches: ItemSearch[] = [];
	const errorItems: Array<{ itemIndex: number; item: INodeExecutionData }> = [];
	const timeZone = this.getTimezone();
	if (!isKnownTimeZone(timeZone)) {
		throw new NodeOperationError(
			this.getNode(),
			`The workflow's time zone "${timeZone}" is unknown to this n8n. Nothing was searched.`,
			{ description: 'Choose a time zone in the workflow’s Settings, then run it again.' },
		);
	}
	const items = this.getInputData();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			searches.push(readItemSearch.call(this, itemIndex, timeZone));
		} catch (error) {
			const nodeError = asNodeError.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			errorItems.push({ itemIndex, item: errorItem(nodeError, [itemIndex]) });
		}
	}
	return { searches, errorItems };
}

function readItemSearch(this: IExecuteFunctions, itemIndex: number, timeZone: string): ItemSearch {
	const options = {
		...optionDefaults<SearchOptions>(nodeOptions),
		...(this.getNodeParameter('options', itemIndex, {}) as Partial<SearchOptions>),
	};
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : this.getNodeParameter('limit', itemIndex, 50);
	const raw = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	return {
		itemIndex,
		simplify: options.simplify === true,
		record:
			oneOf(options.record, ['wholeRecord', 'dealOnly'], 'Record') === 'wholeRecord'
				? { files: oneOf(options.files, ['download', 'listOnly'], 'Files') }
				: undefined,
		search: {
			filters: readFilters(raw, timeZone),
			sort: {
				sortBy: oneOf(options.sortBy, SORT_FIELDS, 'Sort By'),
				sortOrder: oneOf(options.sortOrder, SORT_ORDERS, 'Sort Order'),
			},
			limit: limit === undefined ? undefined : positiveInteger(limit, 'Limit'),
		},
	};
}

function asNodeError(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeOperationError {
	// Without Continue On Fail the node stops before any request; with it, only this item is left out.
	const consequence = this.continueOnFail() ? 'This item was skipped.' : 'Nothing was searched.';
	if (error instanceof InvalidCloseDateError || error instanceof InvalidFilterError) {
		return new NodeOperationError(
			this.getNode(),
			`Item ${itemIndex}: ${error.message}. ${consequence}`,
			{ itemIndex, description: error.hint },
		);
	}
	if (error instanceof NodeOperationError) return error;
	return new NodeOperationError(this.getNode(), error as Error, { itemIndex });
}
