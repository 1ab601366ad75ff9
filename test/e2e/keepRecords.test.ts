/**
 * The shipped nightly example (examples/nightly-delete-lost-deals.json) where users run it: a started n8n
 * (`n8n start`) running the imported workflow from its Schedule Trigger over REST, against the stand-in portal
 * seeded with whole records (history, files, tasks). Keep first, then delete: each deal's record goes into an
 * n8n Data Table (one row per deal, the record as JSON) and its files under the folder the example names,
 * and only then are the deals deleted. Also the two limits the README states: `n8n execute` has no data
 * tables, and a file that cannot be written stops the run before anything is deleted.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	EXAMPLE_CREDENTIAL_NAME,
	EXAMPLE_DELETE_NODE,
	EXAMPLE_GET_NODE,
	NIGHTLY_EXAMPLE,
	readExampleWorkflow,
	type ExampleWorkflow,
} from './exampleWorkflows';
import {
	createN8nInstance,
	dataTableRows,
	ensureN8nInstalled,
	nodeError,
	nodeOutputItems,
	publicApiOf,
	runOverRest,
	type N8nInstance,
	type N8nServer,
	type PublicApi,
} from './harness';

import { filesHeld, lostClosedBefore, type PortalFile } from '../helpers/wholeRecords';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
interface KeptFile {
	id: number;
	binaryProperty?: string;
	fileKey: string;
}
interface KeptRecord {
	id: number;
	history: Array<{ files?: KeptFile[] }>;
	[key: string]: unknown;
}

const DAY = 86_400_000;
const TRIGGER = 'Every day at 02:00';
/** The example's nodes this suite reads or changes, by their shipped names. */
const SETTINGS_NODE = 'Where to keep the records';
const TABLE_NODE = 'Create the table if missing';
const WRITE_NODE = 'Write the files to disk';
const KEEP_NODE = 'Keep the record';

/**
 * The shipped example with only what a user sets before publishing: the credential (by id) and the folder in
 * the settings node (here a scratch folder, as `N8N_RESTRICT_FILE_ACCESS_TO` allows no other).
 */
function nightlyExample(credential: { id: string; name: string }, folder: string): ExampleWorkflow {
	const workflow = readExampleWorkflow(NIGHTLY_EXAMPLE, credential);
	const settings = workflow.nodes.find((node) => node.name === SETTINGS_NODE);
	const assignments = (
		settings?.parameters.assignments as { assignments: Array<{ name: string; value: string }> }
	)?.assignments;
	const folderSetting = assignments?.find((a) => a.name === 'folder');
	if (!folderSetting) throw new Error(`${NIGHTLY_EXAMPLE} has no "folder" in ${SETTINGS_NODE}`);
	folderSetting.value = folder;
	return workflow;
}

/** The example's table name, as shipped. */
function tableName(workflow: ExampleWorkflow): string {
	const settings = workflow.nodes.find((node) => node.name === SETTINGS_NODE)!;
	return (
		settings.parameters.assignments as { assignments: Array<{ name: string; value: string }> }
	).assignments.find((a) => a.name === 'table')!.value;
}

const filesOf = (record: KeptRecord): KeptFile[] =>
	record.history.flatMap((event) => event.files ?? []);

describe('the nightly example keeps each record before it deletes (n8n start, REST run)', () => {
	let portal: Portal;
	let n8n: N8nInstance;
	let server: N8nServer;
	let api: PublicApi;
	let scratch: string;
	let folder: string;
	let workflow: ExampleWorkflow;
	let workflowId: string;
	/** The lost deals closed more than 90 days ago: the ones the example keeps and deletes. */
	let expected: number[];
	/** Each expected deal's files and their bytes, read from the portal before any run. */
	let filesBefore: Map<number, PortalFile[]>;
	let recent: number[];

	beforeAll(async () => {
		ensureN8nInstalled(); // first run only: scripts/install-n8n.sh, about 7 minutes on CI
		portal = await startPortal({ opportunities: 40, seed: 11, records: true });
		const lost = (portal.stages() as Array<{ id: number; stageType: number }>).find(
			(s) => s.stageType === 2,
		)!;
		// Two lost deals too recent for the example (they must stay), one just old enough.
		recent = [10, 89].map((days) =>
			portal.createOpportunity({ stageId: lost.id, actualCloseDate: Date.now() - days * DAY }),
		);
		portal.createOpportunity({ stageId: lost.id, actualCloseDate: Date.now() - 91 * DAY });
		const cutoff = Date.now() - 90 * DAY;
		expected = lostClosedBefore(portal, lost.id, cutoff);
		filesBefore = filesHeld(portal, expected);

		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'keep-records-files-'));
		folder = path.join(scratch, 'onlyoffice');
		n8n = await createN8nInstance({
			name: 'keep-records',
			env: { N8N_RESTRICT_FILE_ACCESS_TO: scratch },
		});
		const [credentialId] = await n8n.importCredentials([
			{
				name: EXAMPLE_CREDENTIAL_NAME,
				type: 'onlyofficeApi',
				data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
			},
		]);
		workflow = nightlyExample({ id: credentialId, name: EXAMPLE_CREDENTIAL_NAME }, folder);
		workflowId = await n8n.importWorkflow(workflow);
	}, 30 * 60_000);

	afterAll(async () => {
		await n8n?.cleanup();
		await portal?.stop();
		if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
	}, 60_000);

	test('the seed gives the example something to keep: old lost deals, some with files, and recent ones', () => {
		expect(expected.length).toBeGreaterThanOrEqual(3);
		const withFiles = expected.filter((id) => filesBefore.get(id)!.length > 0);
		expect(withFiles.length).toBeGreaterThanOrEqual(2);
		for (const id of recent) expect(expected).not.toContain(id);
	});

	test('under `n8n execute` (the same chain behind a Manual Trigger: execute cannot start a schedule) the Data Table node fails, "the module is disabled", and nothing is deleted', async () => {
		const manual = {
			...workflow,
			nodes: workflow.nodes.map((node) =>
				node.name === TRIGGER
					? { ...node, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} }
					: node,
			),
		};
		const run = await n8n.execute(await n8n.importWorkflow({ ...manual, id: undefined }));
		expect(run.exitCode).toBe(1);
		expect(n8n.nodeError(run.execution, TABLE_NODE)?.message).toBe(
			'Attempted to use Data table node but the module is disabled',
		);
		expect(run.execution!.data.resultData.runData[EXAMPLE_GET_NODE]).toBeUndefined();
		expect(portal.deletedIds()).toEqual([]);
	}, 240_000);

	describe('in a started n8n', () => {
		beforeAll(async () => {
			server = await n8n.startServer();
			await server.signInAsOwner();
			api = await publicApiOf(server, 'keep-records');
		}, 300_000);
		afterAll(async () => {
			await server?.stop();
		}, 60_000);

		test('a file that cannot be written (its folder is missing) stops the run before anything is kept or deleted', async () => {
			expect(fs.existsSync(folder)).toBe(false);
			const execution = await runOverRest(server, api, workflowId, TRIGGER);
			expect(execution.status).toBe('error');
			expect(nodeError(execution, WRITE_NODE)?.message).toMatch(/does not exist/);
			expect(fs.existsSync(folder)).toBe(false);
			expect(execution.data.resultData.runData[KEEP_NODE]).toBeUndefined();
			expect(execution.data.resultData.runData[EXAMPLE_DELETE_NODE]).toBeUndefined();
			expect(portal.deletedIds()).toEqual([]);
			// The table was created on the way (an empty one): the next run reuses it.
			expect(await dataTableRows(api, tableName(workflow))).toEqual([]);
		}, 240_000);

		test('with the folder made: one row per deal holding its whole record, its files on disk byte for byte, then the deals deleted', async () => {
			fs.mkdirSync(folder);
			const before = Date.now();
			const execution = await runOverRest(server, api, workflowId, TRIGGER);
			expect([execution.status, execution.data.resultData.error?.message]).toEqual([
				'success',
				undefined,
			]);

			// What Get Opportunities read is what was kept.
			const found = nodeOutputItems(execution, EXAMPLE_GET_NODE).map(
				(item) => item.json as unknown as KeptRecord,
			);
			expect(found.map((record) => record.id).sort((a, b) => a - b)).toEqual(expected);

			const rows = (await dataTableRows(api, tableName(workflow)))!;
			expect(rows.map((row) => row.dealId).sort((a, b) => Number(a) - Number(b))).toEqual(expected);
			for (const row of rows) {
				const record = found.find((r) => r.id === row.dealId)!;
				expect(JSON.parse(String(row.record))).toEqual(record);
				const keptAt = Date.parse(String(row.keptAt));
				expect(keptAt).toBeGreaterThanOrEqual(before - 1000);
				expect(keptAt).toBeLessThanOrEqual(Date.now());
			}

			// Every file of every deal, named by its record's fileKey, with the bytes the portal held.
			const written = fs.readdirSync(folder).sort();
			const expectedNames: string[] = [];
			for (const id of expected) {
				const record = found.find((r) => r.id === id)!;
				const kept = filesOf(record);
				const portalFiles = filesBefore.get(id)!;
				expect(kept.map((f) => f.id).sort()).toEqual(portalFiles.map((f) => f.id).sort());
				for (const file of kept) {
					expect(file.fileKey.startsWith(`${id}-${file.id}-`)).toBe(true);
					expectedNames.push(file.fileKey);
					const bytes = fs.readFileSync(path.join(folder, file.fileKey));
					expect(bytes.equals(portalFiles.find((f) => f.id === file.id)!.bytes)).toBe(true);
				}
			}
			expect(expectedNames.length).toBeGreaterThanOrEqual(2);
			expect(written).toEqual(expectedNames.sort());

			// Then, and only for the deals kept, the delete.
			const deleted = nodeOutputItems(execution, EXAMPLE_DELETE_NODE).map(
				(item) => item.json as { id: number },
			);
			expect(deleted.map((d) => d.id).sort((a, b) => a - b)).toEqual(expected);
			expect([...(portal.deletedIds() as number[])].sort((a, b) => a - b)).toEqual(expected);
			for (const id of expected) expect(portal.hasOpportunity(id)).toBe(false);
			for (const id of recent) expect(portal.hasOpportunity(id)).toBe(true);
			for (const [id, files] of filesBefore) {
				for (const file of files)
					expect([id, file.id, portal.fileExists(file.id)]).toEqual([id, file.id, false]);
			}
		}, 300_000);

		test('the next night finds nothing more to keep or delete, and the kept rows stay one per deal', async () => {
			const execution = await runOverRest(server, api, workflowId, TRIGGER);
			expect(execution.status).toBe('success');
			expect(nodeOutputItems(execution, EXAMPLE_GET_NODE)).toEqual([]);
			const rows = (await dataTableRows(api, tableName(workflow)))!;
			expect(rows.map((row) => row.dealId).sort((a, b) => Number(a) - Number(b))).toEqual(expected);
		}, 240_000);
	});
});
