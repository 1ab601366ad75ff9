/**
 * The Delete Opportunities node inside a real n8n: a credential and a workflow imported into a scratch n8n,
 * `n8n execute` run unattended against the stand-in portal, and both n8n's output and the portal's
 * request log checked. Shared by the 2.x suite and the 1.x smoke subset.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	expectedRecord,
	READ_FILES_CODE,
	recordView,
	type PortalRecord,
} from '../helpers/wholeRecords';
import { unexplainedDifferences, type NotRestoredEntry } from '../helpers/restoredRecords';
import { scanForSecrets, scanPaths, type Secret } from '../safety/secrets';
import {
	createN8nInstance,
	ensureN8nInstalled,
	filesN8nWrote,
	linearWorkflow,
	PACKAGE_NAME,
	type ChainedNode,
	type ExecuteResult,
	type N8nInstance,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type LoggedRequest = { method: string; path: string; body: { opportunityids?: number[] } };

export type CaseName =
	| 'pairing'
	| 'emailPassword'
	| 'https'
	| 'invalidId'
	| 'options'
	| 'errorOutput'
	| 'fiveThousand'
	| 'faults'
	| 'credentialTest'
	| 'wholeRecord'
	| 'restore';

const DELETE_NODE = 'Delete Opportunities';
const RESTORE_NODE = 'Restore Opportunities';
const NODE_TYPE = `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`;

const node = (
	name: string,
	type: string,
	parameters: object,
	settings: object = {},
): ChainedNode => ({
	name,
	type,
	typeVersion: type === 'n8n-nodes-base.code' ? 2 : 1,
	parameters,
	...settings,
});

/** Manual Trigger → Code (the given items) → Delete Opportunities [→ more nodes after it]. */
function deleteWorkflow(opts: {
	items: object[];
	credentialId: string;
	parameters?: object;
	settings?: object;
	after?: ChainedNode[];
}) {
	return linearWorkflow(`e2e ${Date.now()}`, [
		node('Start', 'n8n-nodes-base.manualTrigger', {}),
		node('Code', 'n8n-nodes-base.code', {
			jsCode: `return ${JSON.stringify(opts.items.map((json) => ({ json })))};`,
		}),
		node(
			DELETE_NODE,
			NODE_TYPE,
			// Record = Deal Only unless a case says otherwise: these cases test the deletion itself; the
			// whole record has its own suite (wholeRecord.test.ts).
			{
				...opts.parameters,
				options: { record: 'dealOnly', ...(opts.parameters as { options?: object })?.options },
			},
			{
				credentials: { onlyofficeApi: { id: opts.credentialId, name: 'ONLYOFFICE e2e' } },
				...opts.settings,
			},
		),
		...(opts.after ?? []),
	]);
}

export function describeDeleteOpportunities(version: string, cases: CaseName[]) {
	// Cases a version's suite does not select are not declared at all (never skipped).
	const maybe = (name: CaseName, title: string, fn: () => Promise<void>, timeout = 240_000) => {
		if (cases.includes(name)) test(title, fn, timeout);
	};

	describe(`ONLYOFFICE Delete Opportunities in n8n ${version}`, () => {
		let n8n: N8nInstance;
		let portal: Portal;
		let portalLog: string;
		// Every token and password of every test: none may be found in anything n8n or the portal wrote.
		const secrets = new Map<string, Secret>();
		const collectSecrets = (of: Portal) => {
			for (const token of of.activeTokens())
				secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
			for (const user of Object.values(of.users) as Array<{ email: string; password: string }>) {
				secrets.set(user.password, {
					label: `the password of ${user.email}`,
					value: user.password,
				});
			}
		};

		beforeAll(async () => {
			ensureN8nInstalled(version);
			n8n = await createN8nInstance({ version, name: 'delete-opportunities' });
		}, 30 * 60_000);
		afterAll(async () => {
			// An install that failed in beforeAll has already failed every test: nothing to scan.
			if (!n8n) return;
			// Everything n8n wrote, after every test ran.
			const written = filesN8nWrote(n8n);
			expect(written.length).toBeGreaterThan(0);
			expect(scanPaths(written, [...secrets.values()])).toEqual([]);
			await n8n?.cleanup();
		}, 60_000);
		beforeEach(async () => {
			portalLog = path.join(os.tmpdir(), `onlyoffice-e2e-portal-${process.pid}-${Date.now()}.log`);
			portal = await startPortal({ opportunities: 6000, seed: 11, logFile: portalLog });
		});
		afterEach(async () => {
			if (!portal) return;
			collectSecrets(portal);
			await portal.stop();
			if (fs.existsSync(portalLog))
				expect(scanPaths([portalLog], [...secrets.values()])).toEqual([]);
		});

		const puts = () => portal.requests.filter((r: LoggedRequest) => r.method === 'PUT');
		const logins = () =>
			portal.requests.filter((r: LoggedRequest) => r.path.startsWith('/api/2.0/authentication'))
				.length;
		const tokenCredential = async (url = portal.url, extra: object = {}) =>
			(
				await n8n.importCredentials([
					{
						name: 'ONLYOFFICE e2e',
						type: 'onlyofficeApi',
						data: { portalUrl: url, authMethod: 'apiToken', apiToken: portal.token, ...extra },
					},
				])
			)[0];
		const execute = async (workflow: object): Promise<ExecuteResult> => {
			const result = await n8n.execute(await n8n.importWorkflow(workflow));
			collectSecrets(portal);
			// Secrets never reach n8n's output, logs or execution data.
			expect(
				scanForSecrets({ stdout: result.stdout, stderr: result.stderr }, [...secrets.values()]),
			).toEqual([]);
			return result;
		};
		const deleted = (result: ExecuteResult, output = 0) =>
			n8n.outputItems(result.execution, DELETE_NODE, output);

		maybe(
			'wholeRecord',
			'Whole Record: each deleted deal output with every part it had, its files read back through n8n',
			async () => {
				await portal.stop();
				portal = await startPortal({
					opportunities: 40,
					seed: 12,
					logFile: portalLog,
					records: true,
				});
				const ids = [1, 2, 3, 4, 5, 6, 7, 8];
				const before = new Map<number, PortalRecord>(ids.map((id) => [id, portal.recordOf(id)]));
				const result = await execute(
					deleteWorkflow({
						items: ids.map((id) => ({ id })),
						credentialId: await tokenCredential(),
						parameters: { options: { record: 'wholeRecord' } },
						after: [node('Read files', 'n8n-nodes-base.code', { jsCode: READ_FILES_CODE })],
					}),
				);
				expect(result.exitCode).toBe(0);
				const files = n8n.outputItems(result.execution, 'Read files');
				let fileCount = 0;
				for (const [id, record] of before) {
					const item = deleted(result).find((candidate) => candidate.json.id === id);
					expect(item && recordView(item.json)).toEqual(expectedRecord(record));
					const read = files.find((candidate) => candidate.json.id === id)?.json.files as
						| Record<string, { base64: string; fileName: string }>
						| undefined;
					for (const file of record.files) {
						fileCount++;
						expect(Buffer.from(read?.[`file_${file.id}`].base64 ?? '', 'base64')).toEqual(
							file.bytes,
						);
						expect(portal.fileExists(file.id)).toBe(false);
					}
					expect(portal.hasOpportunity(id)).toBe(false);
				}
				expect(fileCount).toBeGreaterThan(0);
			},
		);

		maybe(
			'restore',
			'Restore after a whole-record delete: each deal back with every part and file, a second run creates nothing',
			async () => {
				await portal.stop();
				portal = await startPortal({
					opportunities: 20,
					seed: 13,
					logFile: portalLog,
					records: true,
				});
				const ids = [1, 2, 3, 4, 5, 6];
				const credentialId = await tokenCredential();
				const restore = node(
					RESTORE_NODE,
					`${PACKAGE_NAME}.onlyofficeRestoreOpportunities`,
					{},
					{
						credentials: { onlyofficeApi: { id: credentialId, name: 'ONLYOFFICE e2e' } },
					},
				);
				const result = await execute(
					deleteWorkflow({
						items: ids.map((id) => ({ id })),
						credentialId,
						parameters: { options: { record: 'wholeRecord' } },
						after: [restore],
					}),
				);
				expect(result.exitCode).toBe(0);
				const kept = deleted(result);
				const restored = n8n.outputItems(result.execution, RESTORE_NODE);
				expect(restored).toHaveLength(ids.length);
				let files = 0;
				for (const [at, item] of restored.entries()) {
					const notRestored = item.json.notRestored as unknown as NotRestoredEntry[];
					expect(unexplainedDifferences(kept[at].json, item.json, notRestored)).toEqual([]);
					expect(item.json.restoredFrom).toMatchObject({ id: kept[at].json.id });
					const titles = (portal.recordOf(Number(item.json.id)).files as Array<{ title: string }>)
						.map((file) => file.title)
						.sort();
					expect(titles).toEqual(
						Object.values((kept[at].binary ?? {}) as Record<string, { fileName: string }>)
							.map((binary) => binary.fileName)
							.sort(),
					);
					files += titles.length;
				}
				expect(files).toBeGreaterThan(0);
				expect(portal.unattachedFiles()).toEqual([]);
				const deals = portal.opportunityIds().length;
				// The same records again from a Code node, which carries no binary data: so their files are
				// marked as listed only. Every event is there already, so nothing is uploaded or created.
				const listedOnly = kept.map(({ json }) => {
					const record = structuredClone(json) as { history: Array<{ files?: object[] }> };
					for (const event of record.history)
						event.files = event.files?.map((file) => ({ ...file, binaryProperty: undefined }));
					return { json: record };
				});
				const again = await execute(
					linearWorkflow(`e2e restore again ${Date.now()}`, [
						node('Start', 'n8n-nodes-base.manualTrigger', {}),
						node('Code', 'n8n-nodes-base.code', {
							jsCode: `return ${JSON.stringify(listedOnly)};`,
						}),
						restore,
					]),
				);
				expect(again.exitCode).toBe(0);
				expect(
					n8n.outputItems(again.execution, RESTORE_NODE).map((item) => item.json.alreadyRestored),
				).toEqual(ids.map(() => true));
				expect(portal.opportunityIds().length).toBe(deals);
				expect(portal.unattachedFiles()).toEqual([]);
			},
		);

		maybe(
			'pairing',
			'IDs in several forms across items: one PUT per chunk, each record once, linked to the right input items',
			async () => {
				const credentialId = await tokenCredential();
				// The README's alternative for IDs that several items named (1 and 2), where `.item` and
				// itemMatching() report "Multiple matches": `.all()`, picking the items that named the ID.
				const checkLinks = node('Check links', 'n8n-nodes-base.code', {
					jsCode: [
						"const sources = $('Code').all();",
						'const named = (source, id) => String(source.json.id ?? source.json.ids).split(/[,;\\n]/).map(Number).includes(id);',
						"return $input.all().map((item) => ({ json: { id: item.json.id, from: sources.filter((source) => named(source, item.json.id)).map((source) => source.json.label).join('+') } }));",
					].join('\n'),
				});
				const result = await execute(
					deleteWorkflow({
						items: [
							{ id: 1, label: 'a' },
							{ ids: [2, '3'], label: 'b' },
							{ ids: '4; 5\n2', label: 'c' },
							{ id: '1', label: 'd' },
						],
						credentialId,
						parameters: {
							opportunityIds: '={{ $json.id ?? $json.ids }}',
							options: { batchSize: 2 },
						},
						after: [checkLinks],
					}),
				);
				expect(result.exitCode).toBe(0);
				expect(puts().map((r: LoggedRequest) => r.body.opportunityids)).toEqual([
					[1, 2],
					[3, 4],
					[5],
				]);
				expect(deleted(result).map((item) => [item.json.id, item.pairedItem])).toEqual([
					[1, [{ item: 0 }, { item: 3 }]],
					[2, [{ item: 1 }, { item: 2 }]],
					[3, { item: 1 }],
					[4, { item: 2 }],
					[5, { item: 2 }],
				]);
				expect(n8n.outputItems(result.execution, 'Check links').map((item) => item.json)).toEqual([
					{ id: 1, from: 'a+d' },
					{ id: 2, from: 'b+c' },
					{ id: 3, from: 'b' },
					{ id: 4, from: 'c' },
					{ id: 5, from: 'c' },
				]);

				// `$('Code').item` in the next node, for IDs one item named each.
				const setLabel = node('Set label', 'n8n-nodes-base.code', {
					mode: 'runOnceForEachItem',
					jsCode: "return { json: { id: $json.id, from: $('Code').item.json.label } };",
				});
				const single = await execute(
					deleteWorkflow({
						items: [
							{ id: 10, label: 'x' },
							{ id: '11, 12', label: 'y' },
						],
						credentialId,
						after: [setLabel],
					}),
				);
				expect(single.exitCode).toBe(0);
				expect(n8n.outputItems(single.execution, 'Set label').map((item) => item.json)).toEqual([
					{ id: 10, from: 'x' },
					{ id: 11, from: 'y' },
					{ id: 12, from: 'y' },
				]);
				expect(portal.opportunityIds().slice(0, 2)).toEqual([6, 7]);
			},
		);

		maybe(
			'emailPassword',
			'e-mail and password in unattended runs: one login, token reused, one new login after the portal revoked it',
			async () => {
				const [credentialId] = await n8n.importCredentials([
					{
						name: 'ONLYOFFICE e2e',
						type: 'onlyofficeApi',
						data: {
							portalUrl: `${portal.url}/`,
							authMethod: 'emailPassword',
							email: portal.users.admin.email,
							password: portal.users.admin.password,
						},
					},
				]);
				const first = await execute(deleteWorkflow({ items: [{ id: 1 }], credentialId }));
				expect(first.exitCode).toBe(0);
				expect(logins()).toBe(1);

				const second = await execute(deleteWorkflow({ items: [{ id: 2 }], credentialId }));
				expect(deleted(second).map((item) => item.json.id)).toEqual([2]);
				expect(logins()).toBe(1);

				portal.revokeTokensOf(portal.users.admin.email);
				// Three requests: the renewed token must serve the two after the first, too.
				const third = await execute(
					deleteWorkflow({
						items: [{ id: 3 }, { id: 4 }, { id: 5 }],
						credentialId,
						parameters: { options: { batchSize: 1 } },
					}),
				);
				expect(third.exitCode).toBe(0);
				expect(deleted(third).map((item) => item.json.id)).toEqual([3, 4, 5]);
				expect(logins()).toBe(2);
			},
		);

		maybe(
			'https',
			'API token over HTTPS with a self-signed certificate, with and without Ignore SSL Issues',
			async () => {
				const secure = await startPortal({ opportunities: 10, seed: 11, https: true });
				try {
					const strict = await tokenCredential(secure.url, { apiToken: secure.token });
					const refused = await execute(
						deleteWorkflow({ items: [{ id: 1 }], credentialId: strict }),
					);
					expect(refused.exitCode).toBe(1);
					expect(n8n.nodeError(refused.execution, DELETE_NODE)?.message).toMatch(
						/certificate could not be verified/,
					);
					expect(secure.hasOpportunity(1)).toBe(true);

					const trusting = await tokenCredential(secure.url, {
						apiToken: secure.token,
						ignoreSslIssues: true,
					});
					const result = await execute(
						deleteWorkflow({ items: [{ id: 1 }], credentialId: trusting }),
					);
					expect(result.exitCode).toBe(0);
					expect(deleted(result).map((item) => item.json.id)).toEqual([1]);
				} finally {
					await secure.stop();
				}
			},
		);

		maybe(
			'invalidId',
			'an invalid ID fails the execution with the user-facing message, and the portal receives nothing',
			async () => {
				const credentialId = await tokenCredential();
				const result = await execute(
					deleteWorkflow({ items: [{ id: 1 }, { id: '12abc' }], credentialId }),
				);
				expect(result.exitCode).toBe(1);
				const error = n8n.nodeError(result.execution, DELETE_NODE);
				expect(error?.message).toBe(
					'Item 1: "12abc" is not an opportunity ID. Nothing was deleted.',
				);
				expect(error?.description).toMatch(/whole numbers from 1 to 2147483647/);
				expect(portal.requests).toEqual([]);
			},
		);

		maybe('options', 'IDs Not Deleted = Output an Item, Dry Run and Delete Limit', async () => {
			const credentialId = await tokenCredential();
			const notDeleted = await execute(
				deleteWorkflow({
					items: [{ id: 999_999 }, { id: 4 }],
					credentialId,
					parameters: { options: { notDeleted: 'output' } },
				}),
			);
			expect(
				deleted(notDeleted).map((item) => [item.json.id, item.json.deleted, item.pairedItem]),
			).toEqual([
				[999_999, false, { item: 0 }],
				[4, undefined, { item: 1 }],
			]);

			portal.clearRequests();
			const dryRun = await execute(
				deleteWorkflow({
					items: [{ id: 5 }, { id: 6 }],
					credentialId,
					parameters: { options: { dryRun: true } },
				}),
			);
			expect(deleted(dryRun).map((item) => item.json.id)).toEqual([5, 6]);
			expect(puts()).toEqual([]);
			expect(portal.hasOpportunity(5)).toBe(true);

			portal.clearRequests();
			const limited = await execute(
				deleteWorkflow({
					items: [{ id: '7,8,9' }],
					credentialId,
					parameters: { options: { deleteLimit: 2 } },
				}),
			);
			expect(limited.exitCode).toBe(1);
			expect(n8n.nodeError(limited.execution, DELETE_NODE)?.message).toBe(
				'This run asks to delete 3 opportunities, more than the Delete Limit of 2. Nothing was deleted.',
			);
			expect(portal.requests).toEqual([]);
		});

		maybe(
			'errorOutput',
			'"Continue (using error output)" with a failing chunk: deleted records on the main output, paired error items on the error output',
			async () => {
				const credentialId = await tokenCredential();
				let seen = 0;
				portal.injectFault(
					{ type: 'status', status: 500 },
					{ match: (r: LoggedRequest) => r.method === 'PUT' && ++seen === 2 },
				);
				const result = await execute(
					deleteWorkflow({
						items: [{ id: '1,2' }, { id: '3,4' }, { id: '5,6' }],
						credentialId,
						parameters: { options: { batchSize: 2 } },
						settings: { onError: 'continueErrorOutput' },
					}),
				);
				expect(result.exitCode).toBe(0);
				expect(deleted(result, 0).map((item) => [item.json.id, item.pairedItem])).toEqual([
					[1, { item: 0 }],
					[2, { item: 0 }],
				]);
				const errors = deleted(result, 1);
				expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
				expect(String(errors[0].json.error)).toMatch(
					/internal error.*2 of 6 opportunities were deleted before this/,
				);
				expect(String(errors[0].json.message)).toMatch(
					/May have been deleted \(check in ONLYOFFICE\) \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
				);
			},
		);

		maybe('fiveThousand', '5,000 IDs in one execution: all 5,000 records are output', async () => {
			const credentialId = await tokenCredential();
			const ids = Array.from({ length: 5000 }, (_, i) => i + 1);
			const result = await execute(
				deleteWorkflow({ items: ids.map((id) => ({ id })), credentialId }),
			);
			expect(result.exitCode).toBe(0);
			expect(deleted(result).map((item) => item.json.id)).toEqual(ids);
			expect(puts()).toHaveLength(10);
			expect(portal.opportunityIds()).toHaveLength(1000);
		});

		maybe(
			'faults',
			'portal faults in a real n8n: a busy portal, a delete whose answer was lost, a bad token, a wrong URL',
			async () => {
				const credentialId = await tokenCredential();
				portal.injectFault({ type: 'status', status: 503, retryAfter: 1 });
				const busy = await execute(deleteWorkflow({ items: [{ id: 1 }], credentialId }));
				expect(deleted(busy).map((item) => item.json.id)).toEqual([1]);
				expect(puts()).toHaveLength(2);

				portal.injectFault({ type: 'slow', delayMs: 2500, actFirst: true });
				const lost = await execute(
					deleteWorkflow({
						items: [{ id: '2,3' }],
						credentialId,
						parameters: { options: { timeout: 1000 } },
					}),
				);
				expect(lost.exitCode).toBe(0);
				expect(deleted(lost).map((item) => [item.json.id, item.json.deleted])).toEqual([
					[2, null],
					[3, null],
				]);
				expect(portal.hasOpportunity(2)).toBe(false);

				const badToken = await tokenCredential(portal.url, { apiToken: 'not-the-token' });
				const refused = await execute(
					deleteWorkflow({ items: [{ id: 4 }], credentialId: badToken }),
				);
				expect(n8n.nodeError(refused.execution, DELETE_NODE)?.message).toBe(
					'ONLYOFFICE did not accept the credential. Nothing was deleted.',
				);

				portal.injectFault({ type: 'html' });
				const wrongUrl = await execute(deleteWorkflow({ items: [{ id: 4 }], credentialId }));
				expect(n8n.nodeError(wrongUrl.execution, DELETE_NODE)?.description).toMatch(
					/Check the Portal URL/,
				);
				expect(portal.hasOpportunity(4)).toBe(true);
			},
		);

		maybe(
			'credentialTest',
			"the credential's Test in n8n: passes for a good credential and names the problem otherwise",
			async () => {
				const server = await n8n.startServer();
				try {
					await server.signInAsOwner();
					const test = (data: object) =>
						server.testCredential({
							type: 'onlyofficeApi',
							data: { authMethod: 'apiToken', ...data },
						});
					expect(await test({ portalUrl: portal.url, apiToken: portal.token })).toEqual({
						status: 'OK',
						message: 'Connection successful!',
					});
					expect(
						await test({
							portalUrl: portal.url,
							authMethod: 'emailPassword',
							email: portal.users.admin.email,
							password: portal.users.admin.password,
						}),
					).toEqual({ status: 'OK', message: 'Connection successful!' });
					expect((await test({ portalUrl: portal.url, apiToken: 'wrong' })).message).toMatch(
						/did not accept the credential/,
					);
					expect(
						(
							await test({
								portalUrl: portal.url,
								authMethod: 'emailPassword',
								email: portal.users.admin.email,
								password: 'wrong',
							})
						).message,
					).toMatch(/rejected the e-mail or password/);
					expect(
						(
							await test({
								portalUrl: portal.url,
								authMethod: 'emailPassword',
								email: portal.users.twoFactor.email,
								password: portal.users.twoFactor.password,
							})
						).message,
					).toMatch(/two-factor login; create a token and choose API Token/);
					expect(
						(await test({ portalUrl: portal.url, apiToken: portal.users.noCrm.token })).message,
					).toMatch(/no access to the CRM module/);
					portal.injectFault({ type: 'html' });
					expect((await test({ portalUrl: portal.url, apiToken: portal.token })).message).toMatch(
						/not with ONLYOFFICE.s API response/,
					);
					portal.injectFault({ type: 'status', status: 404, body: '<html>Not here</html>' });
					expect((await test({ portalUrl: portal.url, apiToken: portal.token })).message).toMatch(
						/No ONLYOFFICE API answered/,
					);
					expect(
						(await test({ portalUrl: 'ftp://portal.example.com', apiToken: portal.token })).message,
					).toMatch(/must start with https:\/\/ or http:\/\//);
					expect(portal.deletedIds()).toEqual([]);
				} finally {
					await server.stop();
				}
			},
			300_000,
		);
	});
}
