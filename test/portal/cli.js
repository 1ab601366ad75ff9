#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Starts the stand-in portal from the command line:
 *   npm run portal -- --port 8765 --opportunities 2500 [--seed 1] [--https] [--max-page 1000] [--log-file requests.jsonl]
 * prints its URL and the demo credentials, and stops cleanly on Ctrl+C (SIGINT) or SIGTERM.
 */

const { parseArgs } = require('util');
const { startPortal } = require('./index');

const USAGE = `Usage: npm run portal -- [--port 8765] [--opportunities 2500] [--seed 1] [--https] [--max-page 1000] [--log-file FILE]`;

/**
 * @param {string | undefined} text
 * @param {string} name
 * @param {number} fallback
 */
function integerOption(text, name, fallback) {
	if (text === undefined) return fallback;
	if (!/^\d+$/.test(text))
		throw new Error(`--${name} must be a whole number, not ${JSON.stringify(text)}`);
	return Number(text);
}

async function main() {
	const { values } = parseArgs({
		options: {
			port: { type: 'string' },
			opportunities: { type: 'string' },
			seed: { type: 'string' },
			https: { type: 'boolean' },
			'max-page': { type: 'string' },
			'log-file': { type: 'string' },
			help: { type: 'boolean', short: 'h' },
		},
	});
	if (values.help) {
		console.log(USAGE);
		return;
	}
	const opportunities = integerOption(values.opportunities, 'opportunities', 2500);
	const portal = await startPortal({
		port: integerOption(values.port, 'port', 8765),
		https: values.https ?? false,
		opportunities,
		seed: integerOption(values.seed, 'seed', 1),
		maxPage: integerOption(values['max-page'], 'max-page', 1000),
		logFile: values['log-file'],
	});
	const { admin, user, noCrm, twoFactor } = portal.users;
	const insecure = values.https ? '-k ' : '';
	console.log(`
ONLYOFFICE stand-in portal (local test server, not a real ONLYOFFICE)
  Portal URL     ${portal.url}${values.https ? '   (self-signed certificate: turn on "Ignore SSL Issues")' : ''}
  API token      ${admin.token}
  E-mail         ${admin.email}
  Password       ${admin.password}
  Opportunities  ${opportunities} (ids 1–${opportunities}), seed ${values.seed ?? 1}

Other demo users (e-mail / password / token):
  CRM user, cannot see others' private deals   ${user.email} / ${user.password} / ${user.token}
  no CRM access (403 on CRM calls)             ${noCrm.email} / ${noCrm.password} / ${noCrm.token}
  two-factor login (use the token)             ${twoFactor.email} / ${twoFactor.password} / ${twoFactor.token}

Try it:
  curl ${insecure}-s -X PUT '${portal.url}/api/2.0/crm/opportunity' -H 'Authorization: ${admin.token}' -H 'Content-Type: application/json' -d '{"opportunityids":[1,2,3]}'

Stop with Ctrl+C.`);

	/** @param {NodeJS.Signals} signal */
	const shutdown = async (signal) => {
		console.log(`\n${signal}: stopping the portal.`);
		await portal.stop();
		process.exit(0);
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	console.error(USAGE);
	process.exit(1);
});
