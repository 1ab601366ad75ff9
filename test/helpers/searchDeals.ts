/**
 * The open deals of the stand-in portal's `search` scenario (test/portal/scenarios.js), by fixture name:
 * what a search for the Open stage type must find, over the portal's HTTP API and through the node alike.
 */
export const OPEN_SEARCH_DEALS = [
	'openExpectedBefore',
	'openExpectedAfter',
	'openUnset',
	'participantOnly',
	'primaryNotMember',
	'keywordTitle',
	'keywordInsideWord',
];
