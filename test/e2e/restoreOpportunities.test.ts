/**
 * ONLYOFFICE Restore Opportunities inside a real n8n (2.40.7, binary data in filesystem mode), one started n8n
 * (`n8n start`) for the whole file, every workflow run over REST as the editor's "Execute workflow" does:
 * - the round trip: Delete (Record = Whole Record) → a Code node copying each record (JSON.parse of
 *   JSON.stringify, binaries kept) → Restore → Get Opportunities (Whole Record, one search per restored deal by
 *   its `restored-from-<old ID>` tag) → a Code node reading every file back through n8n. Each deal read back is
 *   compared with its kept record field by field (test/helpers/restoredRecords.ts) and file by file, byte for
 *   byte, with what the portal held before the delete;
 * - the record given as JSON text (a Code node's string field, as a Data Table cell holds it);
 * - the Restore node run again on the same input (the editor's "Execute step" on it: a partial execution over
 *   the first run's data, binaries included), which finds every deal by its marker tag and writes nothing;
 * - the shipped examples: the nightly one keeps and deletes, then examples/restore-deleted-deals.json, as
 *   imported with only the IDs, folder and credential set, brings the chosen deals back from the Data Table
 *   rows and the files on disk.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { unexplainedDifferences, type NotRestoredEntry } from '../helpers/restoredRecords';
import {
	filesHeld,
	lostClosedBefore,
	READ_FILES_CODE,
	type PortalFile,
} from '../helpers/wholeRecords';
import {
	EXAMPLE_CREDENTIAL_NAME,
	EXAMPLE_DELETE_NODE,
	NIGHTLY_EXAMPLE,
	RESTORE_EXAMPLE,
	readExampleWorkflow,
	type ExampleWorkflow,
} from './exampleWorkflows';
import {
	createN8nInstance,
	dataTableRows,
	defaultN8nVersion,
	ensureN8nInstalled,
	linearWorkflow,
	nodeOutputItems,
	PACKAGE_NAME,
	runOverRest,
	publicApiOf,
	type ExecutionItem,
	type N8nInstance,
	type N8nServer,
	type PublicApi,
	type RestExecution,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type Json = Record<string, unknown>;
interface LoggedRequest {
	method: string;
	path: string;
}

const VERSION = defaultN8nVersion();
const DAY = 86_400_000;
const START = 'Start';
const DELETE_NODE = 'Delete Opportunities';
const COPY_NODE = 'Copy the records';
const TEXT_NODE = 'Records as text';
const RESTORE_NODE = 'Restore Opportunities';
const READ_BACK_NODE = 'Read back';
const FILES_NODE = 'Read files';
const ROUND_TRIP = 200;
const AS_TEXT = 30;
const INTERRUPTED = 4;

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const notRestoredOf = (item: ExecutionItem) =>
	item.json.notRestored as unknown as NotRestoredEntry[];
/** A deal's files as `<title>:<base64 bytes>`, sorted: the same for the kept deal and its restored one. */
const fileList = (files: Array<{ title: string; bytes: Buffer }>) =>
	files.map((file) => `${file.title}:${Buffer.from(file.bytes).toString('base64')}`).sort();

/** Stores a workflow as the editor's import does (POST /rest/workflows); returns its id. */
async function createWorkflow(server: N8nServer, workflow: object): Promise<string> {
	const created = await server.call<{ id: string }>('POST', '/rest/workflows', {
		settings: { executionOrder: 'v1' },
		// As the editor saves it: a partial execution reads the pinned data (null breaks it).
		pinData: {},
		...workflow,
		active: false,
	});
	return created.id;
}

/** Waits for an execution to end and returns it with its data (as runOverRest does after starting one). */
async function executionOf(api: PublicApi, executionId: string, timeoutMs = 600_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await api
			.get<RestExecution>(`/executions/${executionId}?includeData=true`)
			.catch(() => undefined);
		if (
			execution &&
			execution.status !== 'running' &&
			execution.status !== 'new' &&
			(execution.finished || execution.status === 'error' || execution.status === 'crashed')
		)
			return execution;
		if (Date.now() > deadline) throw new Error(`execution ${executionId} did not end in time`);
		await sleep(500);
	}
}

/**
 * Runs one node again on its input from an earlier execution, as the editor's "Execute step" does once the
 * nodes before it have run: a partial execution given that execution's run data up to the node.
 */
async function runNodeAgain(
	server: N8nServer,
	api: PublicApi,
	workflowId: string,
	earlier: RestExecution,
	before: string[],
	nodeName: string,
): Promise<RestExecution> {
	const all = earlier.data.resultData.runData;
	const runData = Object.fromEntries(before.map((name) => [name, all[name]]));
	const run = await server.call<{ executionId?: string }>(
		'POST',
		`/rest/workflows/${workflowId}/run`,
		{ runData, destinationNode: { nodeName, mode: 'inclusive' } },
	);
	if (!run.executionId) throw new Error(`POST /rest/workflows/${workflowId}/run gave no execution`);
	return await executionOf(api, run.executionId);
}

describe(`Restore Opportunities in n8n ${VERSION} (n8n start, runs over REST)`, () => {
	let n8n: N8nInstance;
	let server: N8nServer;
	let api: PublicApi;
	let scratch: string;

	beforeAll(async () => {
		ensureN8nInstalled(VERSION); // first run only: scripts/install-n8n.sh, about 7 minutes on CI
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'restore-files-'));
		n8n = await createN8nInstance({
			version: VERSION,
			name: 'restore',
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', N8N_RESTRICT_FILE_ACCESS_TO: scratch },
		});
		server = await n8n.startServer();
		await server.signInAsOwner();
		api = await publicApiOf(server, 'restore');
	}, 30 * 60_000);

	afterAll(async () => {
		await server?.stop();
		await n8n?.cleanup();
		if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
	}, 60_000);

	describe('Delete (Whole Record) → Restore → Get (Whole Record): every deal back whole', () => {
		let portal: Portal;
		let credential: { id: string; name: string };
		/** What the portal held of each deal before any delete. */
		let filesBefore: Map<number, PortalFile[]>;
		let roundTripWorkflow: string;
		let roundTrip: RestExecution;

		beforeAll(async () => {
			portal = await startPortal({
				opportunities: ROUND_TRIP + AS_TEXT + 10,
				seed: 21,
				records: true,
			});
			filesBefore = filesHeld(portal, range(1, ROUND_TRIP + AS_TEXT + INTERRUPTED));
			const name = 'ONLYOFFICE restore';
			const id = await server.createCredential({
				name,
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.users.admin.token },
			});
			credential = { id, name };
		}, 120_000);
		afterAll(async () => {
			await portal?.stop();
		});

		const onlyoffice = () => ({ onlyofficeApi: credential });
		/**
		 * Start → the IDs → Delete (Whole Record, files downloaded) → `between` → Restore → Get by marker tag
		 * (Whole Record) → every file of every deal read back through n8n.
		 */
		const workflow = (ids: number[], between: object, restoreParameters: Json) =>
			linearWorkflow(`restore round trip ${ids[0]}-${ids[ids.length - 1]}`, [
				{ name: START, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
				{
					name: 'IDs',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					parameters: { jsCode: `return [{ json: { ids: ${JSON.stringify(ids)} } }];` },
				},
				{
					name: DELETE_NODE,
					type: `${PACKAGE_NAME}.onlyofficeDeleteOpportunities`,
					typeVersion: 1,
					parameters: {
						opportunityIds: '={{ $json.ids }}',
						options: { record: 'wholeRecord', files: 'download' },
					},
					credentials: onlyoffice(),
				},
				between as { name: string; type: string; typeVersion: number; parameters: object },
				{
					name: RESTORE_NODE,
					type: `${PACKAGE_NAME}.onlyofficeRestoreOpportunities`,
					typeVersion: 1,
					parameters: restoreParameters,
					credentials: onlyoffice(),
				},
				{
					name: READ_BACK_NODE,
					type: `${PACKAGE_NAME}.onlyofficeGetOpportunities`,
					typeVersion: 1,
					parameters: {
						returnAll: true,
						filters: { tags: "={{ ['restored-from-' + $json.restoredFrom.id] }}" },
						options: { record: 'wholeRecord', files: 'download' },
					},
					credentials: onlyoffice(),
				},
				{
					name: FILES_NODE,
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					parameters: { jsCode: READ_FILES_CODE },
				},
			]);

		/**
		 * Every deal of `kept` (old ID → kept record) came back: the Restore node's output and the deal as Get
		 * reads it back differ from the kept record only where `notRestored` says so, and the restored deal holds
		 * the files the portal held before the delete, byte for byte, as the portal and n8n read them.
		 */
		const expectRestoredWhole = (execution: RestExecution, kept: ExecutionItem[]) => {
			const restored = nodeOutputItems(execution, RESTORE_NODE);
			const readBack = nodeOutputItems(execution, READ_BACK_NODE);
			const readFiles = nodeOutputItems(execution, FILES_NODE);
			expect(restored).toHaveLength(kept.length);
			expect(readBack).toHaveLength(kept.length);
			let files = 0;
			for (const [at, item] of restored.entries()) {
				const record = kept[at].json;
				const oldId = Number(record.id);
				const newId = Number(item.json.id);
				expect([oldId, item.json.restoredFrom, item.json.alreadyRestored]).toEqual([
					oldId,
					{ id: oldId, archivedAt: (record.archive as Json).archivedAt },
					false,
				]);
				expect(newId).not.toBe(oldId);
				expect(portal.hasOpportunity(oldId)).toBe(false);
				const back = readBack.find((candidate) => candidate.json.id === newId);
				expect(back?.json.tags).toContain(`restored-from-${oldId}`);
				expect([oldId, unexplainedDifferences(record, item.json, notRestoredOf(item))]).toEqual([
					oldId,
					[],
				]);
				expect([oldId, unexplainedDifferences(record, back!.json, notRestoredOf(item))]).toEqual([
					oldId,
					[],
				]);
				const expected = fileList(filesBefore.get(oldId)!);
				expect([oldId, fileList(portal.recordOf(newId).files as PortalFile[])]).toEqual([
					oldId,
					expected,
				]);
				const read = readFiles.find((candidate) => candidate.json.id === newId)?.json.files as
					| Record<string, { base64: string; fileName: string; id: string | null }>
					| undefined;
				const readList = Object.values(read ?? {})
					.map((file) => `${file.fileName}:${file.base64}`)
					.sort();
				expect([oldId, readList]).toEqual([oldId, expected]);
				for (const file of Object.values(read ?? {}))
					expect(String(file.id)).toMatch(/^filesystem/);
				files += expected.length;
			}
			expect(files).toBeGreaterThan(kept.length / 4);
			// Every uploaded file is held by an event of its deal again.
			expect(portal.unattachedFiles()).toEqual([]);
		};

		test(`${ROUND_TRIP} varied deals (private ones, events, files, tasks, tags, values): each comes back whole, every file byte for byte`, async () => {
			const ids = range(1, ROUND_TRIP);
			const copy = {
				name: COPY_NODE,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: {
					jsCode:
						'return $input.all().map((item) => ({ json: JSON.parse(JSON.stringify(item.json)), binary: item.binary }));',
				},
			};
			// Record left at its default, `={{ $json }}`.
			roundTripWorkflow = await createWorkflow(server, workflow(ids, copy, { options: {} }));
			const started = Date.now();
			roundTrip = await runOverRest(server, api, roundTripWorkflow, START, { timeoutMs: 600_000 });
			process.stderr.write(
				`[restore e2e] round trip of ${ids.length} deals: ${Date.now() - started} ms\n`,
			);
			expect([roundTrip.status, roundTrip.data.resultData.error?.message]).toEqual([
				'success',
				undefined,
			]);

			const kept = nodeOutputItems(roundTrip, COPY_NODE);
			expect(kept.map((item) => item.json)).toEqual(
				nodeOutputItems(roundTrip, DELETE_NODE).map((item) => item.json),
			);
			expect(kept.map((item) => item.json.id)).toEqual(ids);
			// The records are varied: private deals, and many events, tasks, tags and files.
			expect(kept.some((item) => item.json.isPrivate === true)).toBe(true);
			const parts = (key: string) =>
				kept.reduce((sum, item) => sum + ((item.json[key] as unknown[]) ?? []).length, 0);
			expect([parts('history'), parts('tasks'), parts('tags')].every((n) => n > 150)).toBe(true);
			expect(
				kept.filter((item) => Object.keys(item.binary ?? {}).length > 0).length,
			).toBeGreaterThan(ROUND_TRIP / 4);
			expect(
				kept.some((item) =>
					((item.json.customFields as Json[]) ?? []).some((v) => v.fieldType !== 4),
				),
			).toBe(true);

			expectRestoredWhole(roundTrip, kept);
		}, 600_000);

		test('the record as JSON text (a string field, as a Data Table cell holds it) restores the same', async () => {
			const ids = range(ROUND_TRIP + 1, AS_TEXT);
			const asText = {
				name: TEXT_NODE,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: {
					jsCode:
						'return $input.all().map((item) => ({ json: { dealId: item.json.id, record: JSON.stringify(item.json) }, binary: item.binary }));',
				},
			};
			const id = await createWorkflow(
				server,
				workflow(ids, asText, { record: '={{ $json.record }}', options: {} }),
			);
			const execution = await runOverRest(server, api, id, START, { timeoutMs: 600_000 });
			expect([execution.status, execution.data.resultData.error?.message]).toEqual([
				'success',
				undefined,
			]);
			const texts = nodeOutputItems(execution, TEXT_NODE);
			// The item holds only the text: the node must read the record from Record, not from the item.
			expect(texts.every((item) => typeof item.json.record === 'string')).toBe(true);
			const kept = texts.map((item) => ({
				...item,
				json: JSON.parse(String(item.json.record)) as Json,
			}));
			expect(kept.map((item) => item.json)).toEqual(
				nodeOutputItems(execution, DELETE_NODE).map((item) => item.json),
			);
			expectRestoredWhole(execution, kept);
		}, 600_000);

		test('Restore run again on the same input ("Execute step" on it) finds every deal by its tag and writes nothing', async () => {
			expect(roundTrip?.status).toBe('success');
			const first = nodeOutputItems(roundTrip, RESTORE_NODE);
			const kept = nodeOutputItems(roundTrip, COPY_NODE);
			const deals = portal.opportunityIds().length;
			const deleted = [...(portal.deletedIds() as number[])];
			const logged = portal.requests.length;

			const again = await runNodeAgain(
				server,
				api,
				roundTripWorkflow,
				roundTrip,
				[START, 'IDs', DELETE_NODE, COPY_NODE],
				RESTORE_NODE,
			);
			expect([again.status, again.data.resultData.error?.message]).toEqual(['success', undefined]);
			// Only the Restore node ran: the nodes before it kept their first run, the ones after did not run.
			expect(again.data.resultData.runData[READ_BACK_NODE]).toBeUndefined();
			const output = nodeOutputItems(again, RESTORE_NODE);
			expect(output.map((item) => item.json.alreadyRestored)).toEqual(first.map(() => true));
			expect(output.map((item) => item.json.id)).toEqual(first.map((item) => item.json.id));
			expect(output.map((item) => item.json.restoredFrom)).toEqual(
				first.map((item) => item.json.restoredFrom),
			);
			for (const [at, item] of output.entries())
				expect([
					kept[at].json.id,
					unexplainedDifferences(kept[at].json, item.json, notRestoredOf(item)),
				]).toEqual([kept[at].json.id, []]);

			expect(portal.opportunityIds().length).toBe(deals);
			expect([...(portal.deletedIds() as number[])]).toEqual(deleted);
			const requests = (portal.requests as LoggedRequest[]).slice(logged);
			expect(requests.length).toBeGreaterThan(0);
			const posts = requests.filter((r) => r.method === 'POST').map((r) => `${r.method} ${r.path}`);
			expect(posts).toEqual([]);
			const writes = requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);
			expect(writes).toEqual([]);
			expect(portal.unattachedFiles()).toEqual([]);
		}, 600_000);
		test('a portal failure after a deal was created stops the run; "Execute step" again ends with exactly one whole copy of each deal', async () => {
			const ids = range(ROUND_TRIP + AS_TEXT + 1, INTERRUPTED);
			const copy = {
				name: COPY_NODE,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				parameters: {
					jsCode: 'return $input.all().map((item) => ({ json: item.json, binary: item.binary }));',
				},
			};
			const id = await createWorkflow(server, workflow(ids, copy, { options: {} }));
			// The second history event any deal gets is refused: its deal exists by then, with its marker tag.
			let events = 0;
			portal.injectFault(
				{ type: 'status', status: 402 },
				{
					match: (r: LoggedRequest) =>
						r.method === 'POST' && /\/crm\/history(\.json)?$/.test(r.path) && ++events === 2,
				},
			);
			const stopped = await runOverRest(server, api, id, START, { timeoutMs: 600_000 });
			expect(stopped.status).toBe('error');
			expect(stopped.data.resultData.error?.message).toMatch(
				/^Deal ".+" \(ID \d+ before it was deleted\) was restored as deal \d+ only in part: /,
			);
			portal.clearFaults();
			const again = await runNodeAgain(
				server,
				api,
				id,
				stopped,
				[START, 'IDs', DELETE_NODE, COPY_NODE],
				RESTORE_NODE,
			);
			expect([again.status, again.data.resultData.error?.message]).toEqual(['success', undefined]);
			const kept = nodeOutputItems(stopped, COPY_NODE);
			const output = nodeOutputItems(again, RESTORE_NODE);
			expect(output).toHaveLength(ids.length);
			for (const [at, item] of output.entries()) {
				const oldId = Number(kept[at].json.id);
				const copies = (portal.opportunityIds() as number[]).filter((dealId) =>
					(portal.recordOf(dealId).tags as string[]).includes(`restored-from-${oldId}`),
				);
				expect([oldId, copies]).toEqual([oldId, [item.json.id]]);
				expect([
					oldId,
					unexplainedDifferences(kept[at].json, item.json, notRestoredOf(item)),
				]).toEqual([oldId, []]);
				expect([
					oldId,
					fileList(portal.recordOf(Number(item.json.id)).files as PortalFile[]),
				]).toEqual([oldId, fileList(filesBefore.get(oldId)!)]);
			}
			// The deal whose event was refused had uploaded that event's files: they stay unattached, and said.
			const orphans = portal.unattachedFiles() as PortalFile[];
			if (orphans.length > 0)
				expect(stopped.data.resultData.error?.description ?? '').toContain(
					`Files ${orphans.map((file) => file.id).join(', ')} were uploaded but no event holds them`,
				);
		}, 600_000);
	});

	describe('the shipped examples: the nightly one keeps and deletes, restore-deleted-deals.json brings chosen deals back', () => {
		const NIGHTLY_TRIGGER = 'Every day at 02:00';
		const KEEP_SETTINGS = 'Where to keep the records';
		const RESTORE_TRIGGER = 'Run by hand';
		const RESTORE_IDS = 'Deals to restore (old IDs)';
		const RESTORE_SETTINGS = 'Where the records are kept';
		const EXAMPLE_RESTORE_NODE = 'Restore Opportunities';

		let portal: Portal;
		let credential: { id: string; name: string };
		let folder: string;
		/** The lost deals closed more than 90 days ago: the ones the nightly example keeps and deletes. */
		let expected: number[];
		let filesBefore: Map<number, PortalFile[]>;

		/** An example's Set node assignment, to set what a user sets before running it. */
		const setAssignment = (
			workflow: ExampleWorkflow,
			node: string,
			name: string,
			value: string,
		) => {
			const settings = workflow.nodes.find((candidate) => candidate.name === node);
			const assignment = (
				settings?.parameters.assignments as { assignments: Array<{ name: string; value: string }> }
			)?.assignments.find((a) => a.name === name);
			if (!assignment) throw new Error(`the example has no "${name}" in ${node}`);
			assignment.value = value;
		};
		const assignment = (workflow: ExampleWorkflow, node: string, name: string) =>
			(
				workflow.nodes.find((candidate) => candidate.name === node)!.parameters.assignments as {
					assignments: Array<{ name: string; value: string }>;
				}
			).assignments.find((a) => a.name === name)!.value;

		beforeAll(async () => {
			portal = await startPortal({ opportunities: 40, seed: 11, records: true });
			const lost = (portal.stages() as Array<{ id: number; stageType: number }>).find(
				(s) => s.stageType === 2,
			)!;
			portal.createOpportunity({ stageId: lost.id, actualCloseDate: Date.now() - 10 * DAY });
			const cutoff = Date.now() - 90 * DAY;
			expected = lostClosedBefore(portal, lost.id, cutoff);
			filesBefore = filesHeld(portal, expected);
			folder = path.join(scratch, 'onlyoffice');
			fs.mkdirSync(folder);
			const id = await server.createCredential({
				name: EXAMPLE_CREDENTIAL_NAME,
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			});
			credential = { id, name: EXAMPLE_CREDENTIAL_NAME };
		}, 120_000);
		afterAll(async () => {
			await portal?.stop();
		});

		test('kept and deleted at night, the chosen deals come back whole from the table rows and the files on disk; the others stay deleted; a second run creates nothing', async () => {
			expect(expected.length).toBeGreaterThanOrEqual(3);
			const nightly = readExampleWorkflow(NIGHTLY_EXAMPLE, credential);
			setAssignment(nightly, KEEP_SETTINGS, 'folder', folder);
			const table = assignment(nightly, KEEP_SETTINGS, 'table');
			const kept = await runOverRest(
				server,
				api,
				await createWorkflow(server, nightly),
				NIGHTLY_TRIGGER,
			);
			expect([kept.status, kept.data.resultData.error?.message]).toEqual(['success', undefined]);
			expect(
				nodeOutputItems(kept, EXAMPLE_DELETE_NODE)
					.map((item) => item.json.id)
					.sort((a, b) => Number(a) - Number(b)),
			).toEqual(expected);
			for (const id of expected) expect(portal.hasOpportunity(id)).toBe(false);
			const rows = (await dataTableRows(api, table))!;
			const recordOf = (id: number) =>
				JSON.parse(String(rows.find((row) => row.dealId === id)!.record)) as Json;

			// All but the last: deals with files and, where the seed has one, a deal without any.
			const chosen = expected.slice(0, -1);
			const left = expected[expected.length - 1];
			expect(chosen.filter((id) => filesBefore.get(id)!.length > 0).length).toBeGreaterThanOrEqual(
				2,
			);
			// A deal without files: the example's file read finds none for it, which must not stop the run.
			expect(chosen.some((id) => filesBefore.get(id)!.length === 0)).toBe(true);

			// What a user sets in the restore example: the IDs, and the folder and table of the nightly one.
			const restore = readExampleWorkflow(RESTORE_EXAMPLE, credential);
			setAssignment(restore, RESTORE_IDS, 'dealIds', chosen.join(', '));
			setAssignment(restore, RESTORE_SETTINGS, 'folder', folder);
			expect(assignment(restore, RESTORE_SETTINGS, 'table')).toBe(table);
			const restoreWorkflow = await createWorkflow(server, restore);
			const deals = portal.opportunityIds().length;
			const execution = await runOverRest(server, api, restoreWorkflow, RESTORE_TRIGGER);
			expect([execution.status, execution.data.resultData.error?.message]).toEqual([
				'success',
				undefined,
			]);
			const restored = nodeOutputItems(execution, EXAMPLE_RESTORE_NODE);
			expect(restored.map((item) => (item.json.restoredFrom as Json).id)).toEqual(chosen);
			let files = 0;
			for (const item of restored) {
				const oldId = Number((item.json.restoredFrom as Json).id);
				expect([oldId, item.json.alreadyRestored]).toEqual([oldId, false]);
				expect([
					oldId,
					unexplainedDifferences(recordOf(oldId), item.json, notRestoredOf(item)),
				]).toEqual([oldId, []]);
				const expectedFiles = fileList(filesBefore.get(oldId)!);
				expect([
					oldId,
					fileList(portal.recordOf(Number(item.json.id)).files as PortalFile[]),
				]).toEqual([oldId, expectedFiles]);
				files += expectedFiles.length;
			}
			expect(files).toBeGreaterThanOrEqual(2);
			expect(portal.opportunityIds().length).toBe(deals + chosen.length);
			expect(portal.hasOpportunity(left)).toBe(false);
			expect(portal.unattachedFiles()).toEqual([]);

			// The same IDs again: every deal is found by its tag, nothing is created or written.
			const logged = portal.requests.length;
			const again = await runOverRest(server, api, restoreWorkflow, RESTORE_TRIGGER);
			expect([again.status, again.data.resultData.error?.message]).toEqual(['success', undefined]);
			const second = nodeOutputItems(again, EXAMPLE_RESTORE_NODE);
			expect(second.map((item) => [item.json.id, item.json.alreadyRestored])).toEqual(
				restored.map((item) => [item.json.id, true]),
			);
			expect(portal.opportunityIds().length).toBe(deals + chosen.length);
			const writes = (portal.requests as LoggedRequest[])
				.slice(logged)
				.filter((r) => r.method !== 'GET')
				.map((r) => `${r.method} ${r.path}`);
			expect(writes).toEqual([]);
		}, 600_000);

		test('an ID with no kept row stops the restore example before anything is created, naming the ID', async () => {
			const restore = readExampleWorkflow(RESTORE_EXAMPLE, credential);
			setAssignment(restore, RESTORE_IDS, 'dealIds', `${expected[0]}, 99999`);
			setAssignment(restore, RESTORE_SETTINGS, 'folder', folder);
			const deals = portal.opportunityIds().length;
			const logged = portal.requests.length;
			const execution = await runOverRest(
				server,
				api,
				await createWorkflow(server, restore),
				RESTORE_TRIGGER,
			);
			expect(execution.status).toBe('error');
			expect(execution.data.resultData.error?.message).toMatch(/no kept record of deal 99999/);
			expect(execution.data.resultData.runData[EXAMPLE_RESTORE_NODE]).toBeUndefined();
			expect(portal.opportunityIds().length).toBe(deals);
			expect(portal.requests.length).toBe(logged);
		}, 240_000);
	});
});
