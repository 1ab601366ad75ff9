/**
 * Proves the end-to-end harness on a real n8n: a Manual Trigger → Code workflow imported and run from the
 * CLI, and `n8n start` with owner setup through the REST API. Runs on the version in N8N_E2E_VERSION
 * (default 2.40.7); installs it into .cache/ on first use (~5 minutes).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	linearWorkflow,
	PACKAGE_NAME,
	REPO_ROOT,
	type N8nInstance,
} from './harness';

const version = defaultN8nVersion();
// The smoke test only needs n8n's own nodes: install our package when it is built, skip it otherwise.
const packageMode = fs.existsSync(path.join(REPO_ROOT, 'dist')) ? 'copy' : 'none';

const threeItemsWorkflow = linearWorkflow('e2e smoke: three items', [
	{
		name: 'When clicking Execute',
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		parameters: {},
	},
	{
		name: 'Code',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			jsCode: "return ['a', 'b', 'c'].map((letter, i) => ({ json: { n: i + 1, letter } }));",
		},
	},
]);

const failingWorkflow = linearWorkflow('e2e smoke: failing Code node', [
	{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
	{
		name: 'Boom',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: { jsCode: "throw new Error('smoke test failure');" },
	},
]);

describe(`n8n ${version} harness smoke test`, () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		ensureN8nInstalled(version); // first run only: scripts/install-n8n.sh
		n8n = await createN8nInstance({ version, packageMode });
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.cleanup();
	}, 60_000);

	test('a Manual Trigger → Code workflow runs from the CLI and outputs 3 items', async () => {
		const workflowId = await n8n.importWorkflow(threeItemsWorkflow);
		const result = await n8n.execute(workflowId);

		expect(result.exitCode).toBe(0);
		expect(result.execution).toBeDefined();
		const items = n8n.outputItems(result.execution, 'Code');
		expect(items.map((item) => item.json)).toEqual([
			{ n: 1, letter: 'a' },
			{ n: 2, letter: 'b' },
			{ n: 3, letter: 'c' },
		]);
		expect(n8n.nodeError(result.execution, 'Code')).toBeUndefined();
	}, 180_000);

	test('a failing node gives exit code 1 and its error in the execution', async () => {
		const workflowId = await n8n.importWorkflow(failingWorkflow);
		const result = await n8n.execute(workflowId);

		expect(result.exitCode).toBe(1);
		expect(n8n.nodeError(result.execution, 'Boom')?.message).toContain('smoke test failure');
		expect(result.execution?.data.resultData.error?.message).toContain('smoke test failure');
	}, 180_000);

	test('an imported credential is decrypted and sent by a node in a CLI execution', async () => {
		// A loopback stand-in that records the header the credential adds.
		const seen: Array<string | undefined> = [];
		const standIn = http.createServer((req, res) => {
			seen.push(req.headers['x-api-key'] as string | undefined);
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ ok: true, path: req.url }));
		});
		await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
		const url = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}/ping`;
		try {
			const [credentialId] = await n8n.importCredentials([
				{
					name: 'e2e header auth',
					type: 'httpHeaderAuth',
					data: { name: 'X-Api-Key', value: 'secret-123' },
				},
			]);
			const workflowId = await n8n.importWorkflow(
				linearWorkflow('e2e smoke: HTTP Request with a credential', [
					{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
					{
						name: 'HTTP Request',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						parameters: {
							url,
							authentication: 'genericCredentialType',
							genericAuthType: 'httpHeaderAuth',
							options: {},
						},
						credentials: { httpHeaderAuth: { id: credentialId, name: 'e2e header auth' } },
					},
				]),
			);

			const result = await n8n.execute(workflowId);

			// A process ended by a signal has no exit code: say which signal, and what n8n printed last.
			expect(
				result.exitCode === 0
					? { exitCode: 0 }
					: {
							exitCode: result.exitCode,
							signal: result.signal,
							stderr: result.stderr.slice(-2000),
						},
			).toEqual({ exitCode: 0 });
			expect(n8n.outputItems(result.execution, 'HTTP Request').map((item) => item.json)).toEqual([
				{ ok: true, path: '/ping' },
			]);
			expect(seen).toEqual(['secret-123']);
		} finally {
			standIn.closeAllConnections();
			await new Promise((resolve) => standIn.close(resolve));
		}
	}, 180_000);

	test('n8n start comes up, the owner is set up through the REST API and can log in again', async () => {
		const server = await n8n.startServer();
		try {
			const owner = await server.setupOwner();
			expect(owner).toMatchObject({ email: 'owner@example.com' });

			await server.login();
			const me = await server.me();
			expect(me).toMatchObject({ email: 'owner@example.com' });

			const nodeTypes = await server.nodeTypeNames();
			expect(nodeTypes).toContain('n8n-nodes-base.code');
			// When the package is built, n8n loaded it as a community package.
			const ours = nodeTypes.filter((name) => name.startsWith(`${PACKAGE_NAME}.`));
			expect(ours.length > 0).toBe(packageMode === 'copy');
		} finally {
			await server.stop();
		}
		expect(server.isRunning()).toBe(false);
	}, 240_000);

	test("the editor's credential Test runs through n8n (built-in GitHub credential against a loopback stand-in)", async () => {
		// A stand-in for the GitHub API: GET /user answers 200 for one token, 401 otherwise.
		const seen: string[] = [];
		const standIn = http.createServer((req, res) => {
			seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
			const ok = req.url === '/user' && req.headers.authorization === 'token good-token';
			res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify(ok ? { login: 'e2e' } : { message: 'Bad credentials' }));
		});
		await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
		const apiUrl = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;

		const server = await n8n.startServer();
		try {
			// The owner may have been set up by the previous test (same user folder): sign in either way.
			await server.signInAsOwner();

			const good = await server.testCredential({
				type: 'githubApi',
				data: { server: apiUrl, user: 'e2e', accessToken: 'good-token' },
			});
			expect(good).toEqual({ status: 'OK', message: expect.any(String) });

			const bad = await server.testCredential({
				type: 'githubApi',
				data: { server: apiUrl, user: 'e2e', accessToken: 'wrong-token' },
			});
			expect(bad.status).toBe('Error');
			// n8n really called the stand-in with each token (it may retry a 401 once).
			expect(seen[0]).toBe('GET /user token good-token');
			expect(seen.slice(1).length).toBeGreaterThanOrEqual(1);
			expect(new Set(seen.slice(1))).toEqual(new Set(['GET /user token wrong-token']));
		} finally {
			await server.stop();
			standIn.closeAllConnections();
			await new Promise((resolve) => standIn.close(resolve));
		}
	}, 240_000);
});
