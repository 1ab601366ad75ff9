/**
 * The node only ever talks to the credential's portal: IDs cannot change a request's path, redirects are not
 * followed (the token and password never reach the address they point to), a portal under a path prefix
 * works, and a portal URL that is not http(s) is refused before any request.
 */
jest.mock('n8n-workflow', () => jest.requireActual('./support/instantSleep').mockedWorkflow());

import fc from 'fast-check';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { checkDeletionAccounting } from './support/accounting';
import type { Portal } from './support/harness';
import {
	emailCredential,
	foreignRequests,
	isLogin,
	nth,
	outcomes,
	run,
	show,
	startPortal,
	tokenCredential,
	withPortal,
} from './support/harness';
import { startPrefixProxy } from './support/prefixProxy';
import { tallyCase } from './support/tally';

describe('IDs never change the request path', () => {
	/** Characters that would matter in a URL path, mixed with digits. */
	const pathyString = fc
		.array(
			fc.constantFrom(
				'1',
				'2',
				'0',
				'9',
				'/',
				'.',
				'..',
				'%2f',
				'%2e',
				'%',
				'?',
				'#',
				'&',
				'=',
				'\\',
				'@',
				':',
				' ',
				'\t',
				'\n',
				';',
				',',
				'\u0000',
				'filter',
				'+',
				'-',
				'e',
				'٣',
				'\u2215',
				'\uff0f',
			),
			{ minLength: 1, maxLength: 12 },
		)
		.map((parts) => parts.join(''));

	it('for any text as an ID, every request goes to the opportunity endpoints with digits only, or none is sent', async () => {
		await fc.assert(
			fc.asyncProperty(pathyString, fc.boolean(), async (text, dryRun) => {
				await withPortal({}, async (portal) => {
					const result = await run({
						items: [{ id: 7 }, { id: text }],
						credentials: tokenCredential(portal),
						options: { dryRun },
					});
					expect(foreignRequests(portal.requests)).toEqual([]);
					if (result.error) {
						expect(result.error).toBeInstanceOf(NodeOperationError);
						expect((result.error as Error).message).toMatch(/^Item 1\b/);
						expect(portal.requests).toEqual([]);
						tallyCase('badInput', `generated: ${show(text)}`);
						return;
					}
					// Accepted: then it held only digits and separators, and only those numbers were requested.
					const numbers = (text.match(/[0-9]+/g) ?? []).map(Number).filter((n) => n > 0);
					const requested = portal.requests.flatMap((r) =>
						r.method === 'PUT'
							? (r.body as { opportunityids: number[] }).opportunityids
							: [Number(/(\d+)\.json$/.exec(r.path)?.[1])],
					);
					expect([...new Set(requested)].sort((a, b) => a - b)).toEqual(
						[...new Set([7, ...numbers])].sort((a, b) => a - b),
					);
					checkDeletionAccounting(portal, [7, ...numbers], result, { dryRun });
				});
			}),
			{ numRuns: 60 },
		);
	}, 60_000);

	it.each([
		'../../people/@self',
		'1/../../../crm/opportunity/filter',
		'%2e%2e%2ffilter',
		'1?asc_auth_key=x',
		'1#',
		'filter',
		'1%00',
		'\uff0e\uff0e\uff0f1',
	])('%j is refused before any request, in a delete and a dry run', async (text) => {
		for (const dryRun of [false, true]) {
			await withPortal({}, async (portal) => {
				const result = await run({
					items: [{ id: 3 }, { id: text }],
					credentials: tokenCredential(portal),
					options: { dryRun },
				});
				expect(result.error).toBeInstanceOf(NodeOperationError);
				expect((result.error as Error).message).toMatch(/^Item 1\b.*Nothing was deleted\.$/);
				expect(portal.requests).toEqual([]);
			});
		}
		tallyCase('badInput', `path: ${text}`);
	});
});

describe('redirects are reported, never followed', () => {
	let portal: Portal;
	let elsewhere: Portal;
	beforeEach(async () => {
		portal = await startPortal({ opportunities: 20, seed: 3 });
		elsewhere = await startPortal({ opportunities: 20, seed: 4 });
	});
	afterEach(async () => {
		await Promise.all([portal.stop(), elsewhere.stop()]);
	});

	const expectNothingReachedElsewhere = () => {
		expect(elsewhere.requests).toEqual([]);
		expect(elsewhere.deletedIds()).toEqual([]);
	};

	it.each([301, 302, 303, 307, 308])(
		'a %i on the delete says "check the Portal URL", and the other address receives nothing',
		async (status) => {
			const location = `${elsewhere.url}/api/2.0/crm/opportunity.json`;
			portal.injectFault(
				{ type: 'status', status, body: '', headers: { Location: location } },
				{ match: nth(portal, 'PUT', 1), times: 1 },
			);
			const result = await run({
				items: [{ id: '1,2' }, { id: 3 }],
				credentials: tokenCredential(portal),
			});
			const error = result.error as NodeApiError;
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.message).toBe(
				`The portal redirected the request to ${location}; n8n does not send the credential to another address. Nothing was deleted.`,
			);
			expect(error.description).toMatch(
				/Check the Portal URL in the ONLYOFFICE credential.*Use the address it redirects to/s,
			);
			expect(error.description).toMatch(/Not deleted \(3\): 1-3/);
			expect(portal.requests).toHaveLength(1);
			expectNothingReachedElsewhere();
			expect(checkDeletionAccounting(portal, [1, 2, 3], result)).toBe(0);
			tallyCase('fault', `redirect ${status} on the delete`);
		},
	);

	it('a redirect to the same portal’s filter endpoint is not followed either', async () => {
		portal.injectFault(
			{
				type: 'status',
				status: 307,
				body: '',
				headers: { Location: '/api/2.0/crm/opportunity/filter' },
			},
			{ times: 1 },
		);
		const result = await run({ items: [{ id: 1 }], credentials: tokenCredential(portal) });
		expect((result.error as Error).message).toMatch(
			/redirected the request to \/api\/2\.0\/crm\/opportunity\/filter/,
		);
		expect(portal.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'PUT /api/2.0/crm/opportunity.json',
		]);
		expect(portal.opportunityIds()).toHaveLength(20);
		tallyCase('fault', 'redirect 307 to the filter endpoint');
	});

	it('a redirected log-in sends the password nowhere else', async () => {
		portal.injectFault(
			{
				type: 'status',
				status: 307,
				body: '',
				headers: { Location: `${elsewhere.url}/api/2.0/authentication.json` },
			},
			{ match: isLogin, times: 1 },
		);
		const result = await run({ items: [{ id: 1 }], credentials: emailCredential(portal) });
		const error = result.error as NodeApiError;
		expect(error.message).toMatch(
			/^Could not log in to ONLYOFFICE at .*HTTP 307.*Check the Portal URL.*Nothing was deleted\.$/,
		);
		expect(requestsOfMethod(portal, 'PUT')).toEqual([]);
		expectNothingReachedElsewhere();
		tallyCase('fault', 'redirect 307 on the log-in');
	});

	it('a redirected dry-run look-up is reported and not followed', async () => {
		portal.injectFault(
			{
				type: 'status',
				status: 302,
				body: '',
				headers: { Location: `${elsewhere.url}/api/2.0/crm/opportunity/1.json` },
			},
			{
				match: (r) => r.method === 'GET',
				times: 100,
			},
		);
		const result = await run({
			items: [{ id: 1 }],
			credentials: tokenCredential(portal),
			options: { dryRun: true },
		});
		expect((result.error as Error).message).toMatch(
			/redirected the request.*Dry run: nothing was deleted\.$/,
		);
		expect((result.error as NodeApiError).description).toMatch(/Check the Portal URL/);
		expectNothingReachedElsewhere();
		tallyCase('fault', 'redirect 302 on a dry-run look-up');
	});
});

const requestsOfMethod = (portal: Portal, method: string) =>
	portal.requests.filter((r) => r.method === method);

describe('a portal under a path prefix', () => {
	it.each([
		['token, prefix', '/onlyoffice', 'apiToken'],
		['token, prefix with a trailing slash', '/onlyoffice/', 'apiToken'],
		['token, prefix with /api/2.0/', '/onlyoffice/api/2.0/', 'apiToken'],
		['e-mail and password, prefix', '/crm/onlyoffice', 'emailPassword'],
	])('works (%s), and every request stays under the prefix', async (_name, suffix, authMethod) => {
		await withPortal({}, async (portal) => {
			const prefix = suffix.replace(/\/(api\/2\.0\/?)?$/, '');
			const proxy = await startPrefixProxy(portal.url, prefix);
			try {
				const credentials =
					authMethod === 'apiToken' ? tokenCredential(portal) : emailCredential(portal);
				const result = await run({
					items: [{ id: '4, 5' }, { id: 6 }],
					credentials: { ...credentials, portalUrl: `${proxy.url}${suffix}` },
				});
				expect(result.error).toBeUndefined();
				expect(outcomes(result.output)).toEqual([
					[4, 'record'],
					[5, 'record'],
					[6, 'record'],
				]);
				expect(proxy.received.length).toBeGreaterThan(0);
				expect(proxy.received.every((path) => path.startsWith(`${prefix}/api/2.0/`))).toBe(true);
				expect(foreignRequests(portal.requests)).toEqual([]);
				checkDeletionAccounting(portal, [4, 5, 6], result);
			} finally {
				await proxy.stop();
			}
		});
	});
});

describe('portal URLs that are not http(s) are refused before any request', () => {
	it.each([
		[
			'javascript:',
			(port: string) => `javascript:fetch('http://127.0.0.1:${port}/api/2.0/crm/opportunity.json')`,
			/must start with https:\/\/ or http:\/\/, not javascript:\/\//,
		],
		[
			'ftp:',
			(port: string) => `ftp://127.0.0.1:${port}`,
			/must start with https:\/\/ or http:\/\/, not ftp:\/\//,
		],
		['file:', () => 'file:///etc/passwd', /not file:\/\//],
		['ws:', (port: string) => `ws://127.0.0.1:${port}`, /not ws:\/\//],
		['data:', () => 'data:text/html,<h1>portal</h1>', /not data:\/\//],
		[
			'user and password in the URL',
			(port: string) => `http://admin:pw-in-url@127.0.0.1:${port}`,
			/must not contain a user name or password/,
		],
		[
			'no scheme',
			(port: string) => `127.0.0.1:${port}`,
			/must start with https:\/\/ or http:\/\/|is not a valid portal URL/,
		],
		['empty', () => '  ', /portal URL is empty/],
	])('%s', async (_name, url, message) => {
		await withPortal({}, async (portal) => {
			const port = new URL(portal.url).port;
			for (const credentials of [tokenCredential(portal), emailCredential(portal)]) {
				const result = await run({
					items: [{ id: 1 }],
					credentials: { ...credentials, portalUrl: url(port) },
				});
				expect((result.error as Error).message).toMatch(message);
				expect((result.error as Error).message).toMatch(/Nothing was deleted\.$/);
				expect((result.error as NodeApiError).description).toMatch(
					/Open the ONLYOFFICE credential/,
				);
				expect(portal.requests).toEqual([]);
				expect(portal.deletedIds()).toEqual([]);
			}
		});
	});
});
