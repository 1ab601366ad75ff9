/**
 * The package in n8n 2.40.7's queue mode: main + two workers (`--concurrency=5`, host names w1 and w2),
 * Redis and PostgreSQL, the package installed as Community Nodes installs it, executions started through
 * production webhooks, against the stand-in portal with latency and the real server's load-then-delete gap;
 * and the CRM Trigger, which polls on main while the executions it starts run on the workers.
 * Runs alone (`npm run test:queue`, the last step of `npm test`): it starts three n8n processes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';

import {
	linearWorkflow,
	nodeOutputItems,
	PACKAGE_NAME,
	waitFor,
	type ChainedNode,
	type Execution,
} from '../e2e/harness';
import { waitForAnsweredPoll } from '../helpers/triggerPolls';
import {
	expectedRecord,
	READ_FILES_CODE,
	recordView,
	type PortalRecord,
} from '../helpers/wholeRecords';
import { startPortal } from '../portal';
import { unexplainedDifferences, type NotRestoredEntry } from '../helpers/restoredRecords';
import { scanPaths, scanText, type Secret } from '../safety/secrets';
import { startQueueStack, trackFolder, type QueueStack, type QueueWorker } from './harness';

type Portal = Awaited<ReturnType<typeof startPortal>>;
type LoggedRequest = Portal['requests'][number];
type Json = Record<string, unknown>;

const DELETE_NODE = 'Delete Opportunities';
const RESTORE_NODE = 'Restore Opportunities';
const NODE_TYPE = `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`;
/** Every request waits this long at the portal, and the bulk delete waits this long between load and delete. */
const LATENCY_MS = 1_000;
const DELETE_PAUSE_MS = 1_000;
const NOT_DELETED_REASON =
	'ONLYOFFICE did not delete it: it does not exist, was already deleted, or this user may not delete it';

const TRIGGER = 'CRM Trigger';
/** n8n fires the trigger's once-a-minute poll at a random second, and may be late on a busy machine. */
const POLL_WAIT_MS = 90_000;

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const keyOf = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');
const requestIds = (request: LoggedRequest) =>
	((request.body as { opportunityids?: number[] } | undefined)?.opportunityids ?? []).map(Number);

describe('ONLYOFFICE Delete Opportunities in n8n 2.40.7 queue mode (main, 2 workers, Redis, PostgreSQL)', () => {
	let stack: QueueStack;
	let portal: Portal;
	let portalLog: string;
	let forgetPortalLog: (() => void) | undefined;
	let tokenCredential: { id: string; name: string };
	const secrets = new Map<string, Secret>();
	const collectSecrets = () => {
		for (const token of portal.activeTokens())
			secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
		for (const user of Object.values(portal.users)) {
			secrets.set(user.password, { label: `the password of ${user.email}`, value: user.password });
		}
	};

	beforeAll(async () => {
		portalLog = path.join(os.tmpdir(), `onlyoffice-queue-portal-${process.pid}-${Date.now()}.log`);
		forgetPortalLog = trackFolder(portalLog); // removed even if the run is cut short
		portal = await startPortal({
			opportunities: 20_000,
			seed: 21,
			latencyMs: LATENCY_MS,
			deletePauseMs: DELETE_PAUSE_MS,
			logResponses: true,
			logFile: portalLog,
		});
		collectSecrets();
		stack = await startQueueStack({
			name: 'queue-suite',
			// A killed worker's execution fails after ~15 s instead of ~90 s (lock 60 s + stalled check 30 s).
			env: {
				QUEUE_WORKER_LOCK_DURATION: '10000',
				QUEUE_WORKER_LOCK_RENEW_TIME: '2000',
				QUEUE_WORKER_STALLED_INTERVAL: '3000',
			},
			log: (line) => process.stderr.write(`[queue] ${line}\n`),
		});
		process.stderr.write(`[queue] stack started in ${(stack.startMs / 1000).toFixed(1)} s\n`);
		tokenCredential = { id: '', name: 'ONLYOFFICE (API token)' };
		tokenCredential.id = await stack.main.createCredential({
			name: tokenCredential.name,
			type: 'onlyofficeApi',
			data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
		});
	}, 20 * 60_000);

	afterAll(async () => {
		try {
			if (stack && portal) {
				collectSecrets();
				// Nothing n8n wrote or stored holds a token or password: logs (main, workers, event logs), the
				// user folder, every database row, every execution.
				const dump = path.join(stack.n8n.userFolder, 'harness', 'database.sql');
				await stack.dumpDatabase(dump);
				expect(fs.statSync(dump).size).toBeGreaterThan(10_000);
				expect(scanPaths([stack.n8n.userFolder, portalLog], [...secrets.values()])).toEqual([]);
				const workflows = await stack.publicApi<{ data: Array<{ id: string }> }>(
					'GET',
					'/workflows',
				);
				for (const workflow of workflows.data) {
					for (const summary of await stack.executions(workflow.id)) {
						// Plain JSON from the API: its text holds every string (scanText also looks for escaped forms).
						const execution = JSON.stringify(await stack.execution(summary.id));
						expect(scanText(execution, [...secrets.values()], `execution ${summary.id}`)).toEqual(
							[],
						);
					}
				}
			}
		} finally {
			await stack?.stop();
			await portal?.stop();
			fs.rmSync(portalLog, { force: true });
			forgetPortalLog?.();
		}
	}, 300_000);

	/**
	 * Webhook (POST, body `{ ids }`) → Delete Opportunities; activated, and its production URL answering.
	 * `settings`: the workflow's settings (e.g. saveExecutionProgress).
	 */
	const deployWorkflow = async (
		webhookPath: string,
		credential: { id: string; name: string },
		options: Json,
		settings: Json = {},
	) => {
		const workflowId = await stack.createWorkflow({
			...linearWorkflow(`queue: ${webhookPath}`, [
				{
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, options: {} },
				},
				{
					name: DELETE_NODE,
					type: NODE_TYPE,
					typeVersion: 1,
					// Deal Only unless asked: these cases test deleting across processes; the whole record
					// on a worker has its own case.
					parameters: {
						opportunityIds: '={{ $json.body.ids }}',
						options: { record: 'dealOnly', ...options },
					},
					credentials: { onlyofficeApi: credential },
				},
			]),
			settings,
		});
		await stack.activateWorkflow(workflowId);
		await stack.waitForWebhook(webhookPath);
		return workflowId;
	};

	const send = (webhookPath: string, ids: number[]) => stack.postToWebhook(webhookPath, { ids });

	/** The nodes an execution's saved data says are to run next (its node execution stack). */
	const nodesToRun = (execution: Execution) =>
		(
			(execution.data.executionData as { nodeExecutionStack?: Array<{ node: { name: string } }> })
				?.nodeExecutionStack ?? []
		).map((entry) => entry.node.name);

	const webhookIds = (execution: Execution) =>
		(nodeOutputItems(execution, 'Webhook')[0].json.body as { ids: number[] }).ids;

	/** The portal's answered deletes for exactly these IDs (the requests of one batch), oldest first. */
	const putsFor = (ids: number[]) => {
		const key = keyOf(ids);
		return portal.requests.filter(
			(r) =>
				r.method === 'PUT' &&
				r.path.startsWith('/api/2.0/crm/opportunity') &&
				keyOf(requestIds(r)) === key,
		);
	};
	const recordsOf = (request: LoggedRequest): Json[] =>
		(JSON.parse(request.responseBody ?? '{}') as { response?: Json[] }).response ?? [];

	/**
	 * The execution's output is exactly what the portal answered its requests: for each requested ID in order,
	 * the record the portal returned for it, or `{ id, deleted: false, reason }` when no answer returned it.
	 * Every batch was answered once with 200 (after a 401, if any, the same batch again). Returns the IDs
	 * output as deleted.
	 */
	const expectOutputMatchesPortal = (execution: Execution, batchSize: number): number[] => {
		const ids = webhookIds(execution);
		const returned = new Map<number, Json>();
		for (let start = 0; start < ids.length; start += batchSize) {
			const batch = ids.slice(start, start + batchSize);
			const answered = putsFor(batch).filter((r) => r.status === 200);
			expect(answered).toHaveLength(1);
			for (const record of recordsOf(answered[0])) returned.set(Number(record.id), record);
		}
		const expected = ids.map(
			(id) => returned.get(id) ?? { id, deleted: false, reason: NOT_DELETED_REASON },
		);
		const output = nodeOutputItems(execution, DELETE_NODE).map((item) => item.json);
		expect(output).toEqual(expected);
		return [...returned.keys()];
	};

	const endedExecutions = async (workflowId: string, count: number) => {
		const summaries = await stack.waitForEndedExecutions(workflowId, count, 240_000);
		return await Promise.all(summaries.map((summary) => stack.execution(summary.id)));
	};

	/**
	 * Webhook → Delete Opportunities (Whole Record, the default) → `after`, against `recordPortal`, activated and
	 * called once with `ids`: the ended execution, which a worker ran.
	 */
	const deleteOnWorker = async (
		recordPortal: Awaited<ReturnType<typeof startPortal>>,
		webhookPath: string,
		ids: number[],
		after: (credential: { id: string; name: string }) => ChainedNode[],
	) => {
		const credential = { id: '', name: `ONLYOFFICE (${webhookPath})` };
		credential.id = await stack.main.createCredential({
			name: credential.name,
			type: 'onlyofficeApi',
			data: { portalUrl: recordPortal.url, authMethod: 'apiToken', apiToken: recordPortal.token },
		});
		const workflowId = await stack.createWorkflow(
			linearWorkflow(`queue: ${webhookPath}`, [
				{
					name: 'Webhook',
					type: 'n8n-nodes-base.webhook',
					typeVersion: 2,
					webhookId: randomUUID(),
					parameters: { httpMethod: 'POST', path: webhookPath, options: {} },
				},
				{
					name: DELETE_NODE,
					type: NODE_TYPE,
					typeVersion: 1,
					parameters: { opportunityIds: '={{ $json.body.ids }}', options: {} },
					credentials: { onlyofficeApi: credential },
				},
				...after(credential),
			]),
		);
		await stack.activateWorkflow(workflowId);
		await stack.waitForWebhook(webhookPath);
		await send(webhookPath, ids);
		const [execution] = await endedExecutions(workflowId, 1);
		expect(stack.workerOf(String(execution.id))?.name).toMatch(/^w[12]$/);
		return execution;
	};

	test('a whole-record delete on a worker: every part and file byte in the output, the files in queue mode’s binary store', async () => {
		const recordPortal = await startPortal({ opportunities: 30, seed: 22, records: true });
		try {
			const ids = range(1, 6);
			const before = new Map<number, PortalRecord>(
				ids.map((id) => [id, recordPortal.recordOf(id)]),
			);
			const execution = await deleteOnWorker(recordPortal, 'queue-whole-record', ids, () => [
				{
					name: 'Read files',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					parameters: { jsCode: READ_FILES_CODE },
				},
			]);
			const output = nodeOutputItems(execution, DELETE_NODE);
			const files = nodeOutputItems(execution, 'Read files');
			let fileCount = 0;
			for (const [id, record] of before) {
				const item = output.find((candidate) => candidate.json.id === id);
				expect(item && recordView(item.json)).toEqual(expectedRecord(record));
				const read = files.find((candidate) => candidate.json.id === id)?.json.files as
					| Record<string, { base64: string; id: string | null }>
					| undefined;
				for (const file of record.files) {
					fileCount++;
					expect(Buffer.from(read?.[`file_${file.id}`].base64 ?? '', 'base64')).toEqual(file.bytes);
					// Queue mode keeps binary data in the database, where main and every worker can read it.
					expect(read?.[`file_${file.id}`].id).toMatch(/^database/);
				}
				expect(recordPortal.hasOpportunity(id)).toBe(false);
			}
			expect(fileCount).toBeGreaterThan(0);
		} finally {
			for (const token of recordPortal.activeTokens())
				secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
			await recordPortal.stop();
		}
	}, 300_000);

	test('a restore on a worker: the deleted deals back from the records and files in queue mode’s binary store', async () => {
		const recordPortal = await startPortal({ opportunities: 20, seed: 23, records: true });
		try {
			const ids = range(1, 6);
			const execution = await deleteOnWorker(recordPortal, 'queue-restore', ids, (credential) => [
				{
					name: RESTORE_NODE,
					type: `${PACKAGE_NAME}.onlyofficeRestoreOpportunities`,
					typeVersion: 1,
					parameters: { options: {} },
					credentials: { onlyofficeApi: credential },
				},
			]);
			const kept = nodeOutputItems(execution, DELETE_NODE);
			const restored = nodeOutputItems(execution, RESTORE_NODE);
			expect(restored).toHaveLength(ids.length);
			let files = 0;
			for (const [at, item] of restored.entries()) {
				const notRestored = item.json.notRestored as unknown as NotRestoredEntry[];
				expect(unexplainedDifferences(kept[at].json, item.json, notRestored)).toEqual([]);
				// The bytes the worker uploaded came from the database binary store the Delete node wrote to.
				const keptBinary = Object.values(
					(kept[at].binary ?? {}) as Record<string, { fileName: string; id?: string }>,
				);
				expect(keptBinary.every((binary) => String(binary.id).startsWith('database'))).toBe(true);
				const portalFiles = recordPortal.recordOf(Number(item.json.id)).files;
				expect(portalFiles.map((file: { title: string }) => file.title).sort()).toEqual(
					keptBinary.map((binary) => binary.fileName).sort(),
				);
				files += portalFiles.length;
			}
			expect(files).toBeGreaterThan(0);
			expect(recordPortal.unattachedFiles()).toEqual([]);
		} finally {
			for (const token of recordPortal.activeTokens())
				secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
			await recordPortal.stop();
		}
	}, 300_000);

	test('overlapping clean-ups: 20 executions at once, each ID asked by two, on both workers', async () => {
		const workflowId = await deployWorkflow('queue-overlap', tokenCredential, {
			batchSize: 1000,
			notDeleted: 'output',
		});
		// 20 blocks of 500 IDs; execution k asks blocks k and k+1 (the last one blocks 19 and 0): 1,000 IDs each.
		const block = (b: number) => range(1 + (b % 20) * 500, 500);
		const asked = range(0, 20).map((k) => [...block(k), ...block(k + 1)]);
		portal.clearRequests();
		await Promise.all(asked.map((ids) => send('queue-overlap', ids)));

		const executions = await endedExecutions(workflowId, 20);
		expect(executions.map((e) => e.status)).toEqual(Array(20).fill('success'));
		expect(executions.map((e) => keyOf(webhookIds(e))).sort()).toEqual(asked.map(keyOf).sort());
		const ranOn = new Set(executions.map((e) => stack.workerOf(e.id)?.name));
		expect([...ranOn].sort()).toEqual(['w1', 'w2']);
		// The requests truly overlapped at the portal.
		expect(portal.maxConcurrentRequests).toBeGreaterThanOrEqual(2);

		const reportedBy = new Map<number, number>();
		for (const execution of executions) {
			for (const id of expectOutputMatchesPortal(execution, 1000))
				reportedBy.set(id, (reportedBy.get(id) ?? 0) + 1);
		}
		const all = range(1, 10_000);
		// Every ID was output as deleted by at least one execution (the one whose request deleted it); some by
		// two, whose requests loaded the same deal before either deleted it (the server's behaviour).
		expect(all.filter((id) => !reportedBy.has(id))).toEqual([]);
		expect([...reportedBy.values()].filter((n) => n > 2)).toEqual([]);
		expect([...reportedBy.values()].some((n) => n === 2)).toBe(true);
		// The portal agrees: each deleted once, none left, nothing outside the asked IDs touched.
		const deleted = portal.deletedIds();
		expect(new Set(deleted).size).toBe(deleted.length);
		expect([...deleted].sort((a, b) => a - b)).toEqual(all);
		expect(all.filter((id) => portal.hasOpportunity(id))).toEqual([]);
		expect(portal.hasOpportunity(10_001)).toBe(true);
	}, 300_000);

	test('e-mail and password on workers: the portal revokes the session mid-way, each execution logs in again at most once', async () => {
		const admin = portal.users.admin;
		const credential = { id: '', name: 'ONLYOFFICE (e-mail and password)' };
		credential.id = await stack.main.createCredential({
			name: credential.name,
			type: 'onlyofficeApi',
			data: {
				portalUrl: portal.url,
				authMethod: 'emailPassword',
				email: admin.email,
				password: admin.password,
			},
		});
		const workflowId = await deployWorkflow('queue-login', credential, { batchSize: 100 });
		// Six executions (more than one worker takes at --concurrency=5) of five 100-ID batches each.
		const asked = range(0, 6).map((k) => range(10_001 + k * 500, 500));
		const demoTokens = new Set(Object.values(portal.users).map((u) => u.token));
		portal.clearRequests();
		const logins = () =>
			portal.requests.filter((r) => r.path.startsWith('/api/2.0/authentication'));
		const answeredPuts = () =>
			portal.requests.filter((r) => r.method === 'PUT' && r.status === 200);
		await Promise.all(asked.map((ids) => send('queue-login', ids)));

		// Mid-way: every execution has had a batch deleted (so its first log-in is over), none has finished.
		const answeredOf = (ids: number[]) =>
			answeredPuts().filter((r) => ids.includes(requestIds(r)[0])).length;
		await waitFor(
			'a deleted batch in every execution',
			() => (asked.every((ids) => answeredOf(ids) >= 1) ? true : undefined),
			{ timeoutMs: 120_000, intervalMs: 20 },
		);
		expect(asked.every((ids) => answeredOf(ids) < 5)).toBe(true);
		collectSecrets();
		const sessions = portal.activeTokens().filter((token) => !demoTokens.has(token));
		expect(sessions.length).toBeGreaterThanOrEqual(1);
		const loginsBefore = logins().length;
		const requestsBefore = portal.requests.length;
		for (const token of sessions) portal.revokeToken(token);

		const executions = await endedExecutions(workflowId, 6);
		collectSecrets();
		expect(executions.map((e) => e.status)).toEqual(Array(6).fill('success'));
		expect(new Set(executions.map((e) => stack.workerOf(e.id)?.name)).size).toBe(2);
		// The node sends a batch, and on a 401 sends it once more through n8n's own refresh, which logs in and
		// retries: so the batch that meets the revoked session shows one or two 401s, then one 200.
		let metRevokedSession = 0;
		for (const execution of executions) {
			const ids = webhookIds(execution);
			expect(expectOutputMatchesPortal(execution, 100).sort((a, b) => a - b)).toEqual(ids);
			const rejectedBatches = range(0, 5).filter((b) =>
				putsFor(ids.slice(b * 100, b * 100 + 100)).some((r) => r.status === 401),
			);
			expect(rejectedBatches.length).toBeLessThanOrEqual(1);
			if (rejectedBatches.length === 1) metRevokedSession += 1;
		}
		const loginsAfter = portal.requests
			.slice(requestsBefore)
			.filter((r) => r.path.startsWith('/api/2.0/authentication'));
		// Each execution that met the revoked session had to log in again to get its batch deleted; as many
		// log-ins as such executions means each logged in once, none twice.
		expect(metRevokedSession).toBeGreaterThanOrEqual(1);
		expect(loginsAfter.length).toBe(metRevokedSession);
		expect(loginsAfter.every((r) => r.status === 201)).toBe(true);
		// Before the revocation, at most one log-in per execution (those that started before any was stored).
		expect(loginsBefore).toBeGreaterThanOrEqual(1);
		expect(loginsBefore).toBeLessThanOrEqual(6);
		expect(range(10_001, 3000).filter((id) => portal.hasOpportunity(id))).toEqual([]);

		// No secret in the executions, the stack's logs or the database (all of it again in afterAll).
		const dump = path.join(stack.n8n.userFolder, 'harness', 'database-after-login.sql');
		await stack.dumpDatabase(dump);
		expect(scanPaths([...stack.logFiles(), dump, portalLog], [...secrets.values()])).toEqual([]);
		expect(scanText(JSON.stringify(executions), [...secrets.values()], 'executions')).toEqual([]);
		fs.rmSync(dump);
	}, 300_000);

	test('the CRM Trigger (New Opportunity, every minute) on main: each new deal emitted once, in executions run on the workers', async () => {
		// Trigger → Delete Opportunities in dry run: the poll runs on main, the delete node (a look-up per deal,
		// nothing deleted) on whichever worker takes the execution.
		const workflowId = await stack.createWorkflow(
			linearWorkflow('queue: CRM Trigger', [
				{
					name: TRIGGER,
					type: `${PACKAGE_NAME}.onlyofficeCrmTrigger`,
					typeVersion: 1,
					parameters: {
						event: 'newOpportunity',
						pollTimes: { item: [{ mode: 'everyMinute' }] },
						filters: {},
						options: {},
					},
					credentials: { onlyofficeApi: tokenCredential },
				},
				{
					name: DELETE_NODE,
					type: NODE_TYPE,
					typeVersion: 1,
					parameters: {
						opportunityIds: '={{ $json.id }}',
						options: { dryRun: true, record: 'dealOnly' },
					},
					credentials: { onlyofficeApi: tokenCredential },
				},
			]),
		);
		const requests = () => portal.requests;
		const triggerExecutions = async () => {
			const summaries = (await stack.executions(workflowId)).filter((e) => e.mode === 'trigger');
			return await Promise.all(summaries.map((summary) => stack.execution(summary.id)));
		};
		const emittedIds = (execution: Execution) =>
			nodeOutputItems(execution, TRIGGER).map((item) => Number(item.json.id));
		const expected: number[] = [];
		try {
			// Activation polls once: it only learns the highest deal ID and starts no execution.
			const beforeActivation = portal.requests.length;
			await stack.activateWorkflow(workflowId);
			await waitForAnsweredPoll(requests, beforeActivation, undefined, POLL_WAIT_MS);
			await new Promise((resolve) => setTimeout(resolve, 2_000));
			expect(await stack.executions(workflowId)).toEqual([]);

			// Two rounds of new deals, each seen by a scheduled poll of its own.
			for (const [round, count] of [
				[1, 3],
				[2, 2],
			]) {
				const created = range(0, count).map(() =>
					Number(portal.createOpportunity({ title: `Queue trigger round ${round}` })),
				);
				expected.push(...created);
				const mark = portal.requests.length;
				await waitForAnsweredPoll(requests, mark, undefined, POLL_WAIT_MS);
				// The poll's execution is queued and run by a worker: wait until it has ended with these deals
				// (bounded; on a time-out the assertions below show what is missing).
				await waitFor(
					`round ${round}'s deals emitted by ended executions`,
					async () => {
						const summaries = await stack.executions(workflowId);
						if (summaries.some((e) => !['success', 'error', 'crashed'].includes(e.status)))
							return undefined;
						const emitted = new Set((await triggerExecutions()).flatMap(emittedIds));
						return created.every((id) => emitted.has(id)) ? true : undefined;
					},
					{ timeoutMs: 60_000, intervalMs: 1_000 },
				).catch(() => undefined);
			}
		} finally {
			// The later cases need the portal's log without polls.
			await stack.publicApi('POST', `/workflows/${workflowId}/deactivate`);
		}

		const all = await stack.executions(workflowId);
		const executions = await triggerExecutions();
		expect(executions.length).toBe(all.length);
		expect(executions.map((e) => e.status)).toEqual(executions.map(() => 'success'));
		// Each new deal in exactly one execution, nothing else (nothing that existed before activation).
		const emitted = executions.flatMap(emittedIds);
		const counts = new Map<number, number>();
		for (const id of emitted) counts.set(id, (counts.get(id) ?? 0) + 1);
		const missed = expected.filter((id) => !counts.has(id));
		const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
		const ranOn = executions.map((e) => stack.workerOf(e.id)?.name ?? 'not a worker');
		console.log(
			`CRM Trigger in queue mode: ${expected.length} new deals over 2 polls, ${executions.length} ` +
				`executions (on ${ranOn.join(', ')}); missed ${missed.length}, duplicate emissions ${duplicates}`,
		);
		expect([...emitted].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
		expect(missed).toEqual([]);
		expect(duplicates).toBe(0);
		// At least one execution per poll that found deals; every one run by a worker (main only polled).
		expect(executions.length).toBeGreaterThanOrEqual(2);
		expect(ranOn.filter((name) => !['w1', 'w2'].includes(name))).toEqual([]);
		for (const execution of executions) {
			// The worker's dry run looked each emitted deal up at the portal and found it.
			expect(nodeOutputItems(execution, DELETE_NODE).map((item) => Number(item.json.id))).toEqual(
				emittedIds(execution),
			);
		}
		// Each deal looked up once: one worker ran the one execution that emitted it.
		for (const id of expected) {
			expect({
				id,
				lookUps: portal.requests.filter(
					(r) => r.method === 'GET' && r.path === `/api/2.0/crm/opportunity/${id}.json`,
				).length,
			}).toEqual({ id, lookUps: 1 });
		}
		expect(expected.every((id) => portal.hasOpportunity(id))).toBe(true);
	}, 600_000);

	test('a worker killed mid-delete: the execution fails; n8n retries it on the surviving worker; running the same input again accounts for every ID', async () => {
		// Save Execution Progress on: n8n stores the run data after each node, so the Webhook node's output is in
		// the database before the Delete node starts. The case checks whether that survives the crash.
		const workflowId = await deployWorkflow(
			'queue-crash',
			tokenCredential,
			{ batchSize: 500, notDeleted: 'output' },
			{ saveExecutionProgress: true },
		);
		const ids = range(13_001, 3000);
		const known = new Set(stack.workers.flatMap((w) => w.startedExecutions()));
		portal.clearRequests();
		await send('queue-crash', ids);

		// Mid-delete: one batch answered, the next one in flight at the portal.
		const puts = () => portal.requests.filter((r) => r.method === 'PUT');
		await waitFor(
			'a delete in flight after an answered one',
			() => {
				const p = puts();
				return p.length >= 2 && p[0].status === 200 && p[p.length - 1].status === 0
					? true
					: undefined;
			},
			{ timeoutMs: 120_000, intervalMs: 20 },
		);
		const [executionId] = stack.workers
			.flatMap((w) => w.startedExecutions())
			.filter((id) => !known.has(id));
		// The progress saved: the Webhook node's output, and the Delete node with that input as the next step.
		const progress = await stack.execution(executionId);
		expect(progress.status).toBe('running');
		expect(Object.keys(progress.data.resultData.runData)).toEqual(['Webhook']);
		expect(webhookIds(progress)).toEqual(ids);
		expect(nodesToRun(progress)).toEqual([DELETE_NODE]);
		const victim = stack.workerOf(executionId) as QueueWorker;
		const survivor = stack.workers.find((w) => w !== victim) as QueueWorker;
		expect(victim).toBeDefined();
		await victim.kill();

		const failed = await waitFor(
			`execution ${executionId} to end`,
			async () => {
				const execution = await stack.execution(executionId);
				return ['error', 'crashed', 'success', 'canceled'].includes(execution.status)
					? execution
					: undefined;
			},
			{ timeoutMs: 120_000, intervalMs: 500 },
		);
		expect(failed.status).toBe('error');
		expect(failed.finished).toBe(false);
		// Main marked it failed by saving a run of its own over the progress: the error, no run data, nothing
		// left to run (n8n's WorkflowRunner.processError, whatever Save Execution Progress says).
		expect(failed.data.resultData.error?.message).toMatch(/too many times/);
		expect(failed.data.resultData.runData).toEqual({});
		expect(nodesToRun(failed)).toEqual([]);
		// The portal finished the request the worker was waiting for: part of the IDs are gone.
		const goneBefore = ids.filter((id) => !portal.hasOpportunity(id));
		expect(goneBefore.length).toBeGreaterThanOrEqual(1000);
		expect(goneBefore.length).toBeLessThan(ids.length);

		// n8n's own retry (the editor's Retry button): accepted, and run by the surviving worker. In n8n
		// 2.40.7 it cannot run the node again: marking the crashed execution failed replaced its data, so the
		// retry has nothing to run and ends at once with the same error, deleting nothing. (Hence the README:
		// after a crash, run the workflow again with the same input.)
		const retried = await stack.main.call<{ id: string; retryOf: string }>(
			'POST',
			`/rest/executions/${executionId}/retry`,
			{ loadWorkflow: false },
		);
		expect(retried.retryOf).toBe(executionId);
		const retry = await waitFor(
			`retry ${retried.id} to end`,
			async () => {
				const execution = await stack.execution(String(retried.id));
				return execution.status !== 'running' && execution.status !== 'new' ? execution : undefined;
			},
			{ timeoutMs: 60_000, intervalMs: 500 },
		);
		expect(stack.workerOf(retry.id)).toBe(survivor);
		expect(Object.keys(retry.data.resultData.runData)).not.toContain(DELETE_NODE);
		expect(ids.filter((id) => !portal.hasOpportunity(id))).toEqual(goneBefore);

		// The recovery that works: the same input again, on the surviving worker. Its output accounts for every
		// requested ID: deleted now, or not deleted because the crashed run had deleted it already.
		portal.clearRequests();
		await send('queue-crash', ids);
		const rerun = (await endedExecutions(workflowId, 3)).find(
			(e) => e.id !== executionId && e.id !== retry.id,
		) as Execution & { id: string; status: string };
		expect(rerun.status).toBe('success');
		expect(stack.workerOf(rerun.id)).toBe(survivor);
		const deletedNow = expectOutputMatchesPortal(rerun, 500);
		const output = nodeOutputItems(rerun, DELETE_NODE).map((item) => item.json);
		expect(output.map((item) => item.id)).toEqual(ids);
		expect(output.filter((item) => item.deleted === false).map((item) => item.id)).toEqual(
			goneBefore,
		);
		expect([...deletedNow].sort((a, b) => a - b)).toEqual(
			ids.filter((id) => !goneBefore.includes(id)),
		);
		expect(ids.filter((id) => portal.hasOpportunity(id))).toEqual([]);
	}, 300_000);
});
