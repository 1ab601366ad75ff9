/**
 * The shipped nightly example (examples/nightly-delete-lost-deals.json) in n8n 2.40.7's queue mode: run over
 * REST from its Schedule Trigger, the execution goes to a worker (OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS), and
 * there the Data Table node (set up by `n8n worker`) keeps one row per deal and the Write node puts the files
 * on the worker's disk, before the deals are deleted. One worker, a small portal: the suite's own stack.
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
} from '../e2e/exampleWorkflows';
import { dataTableRows, nodeOutputItems, runOverRest, type PublicApi } from '../e2e/harness';
import { startQueueStack, trackFolder, type QueueStack } from './harness';
import { filesHeld, lostClosedBefore } from '../helpers/wholeRecords';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
interface KeptRecord {
	id: number;
	history: Array<{ files?: Array<{ id: number; fileKey: string }> }>;
}

const DAY = 86_400_000;
const TRIGGER = 'Every day at 02:00';
const SETTINGS_NODE = 'Where to keep the records';

describe('the nightly example in queue mode: kept on the worker (data table, files on its disk), then deleted', () => {
	let stack: QueueStack;
	let portal: Portal;
	let scratch: string;
	let forgetScratch: () => void;

	beforeAll(async () => {
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-keep-records-'));
		forgetScratch = trackFolder(scratch);
		[stack, portal] = await Promise.all([
			startQueueStack({
				workers: 1,
				name: 'queue-keep-records',
				env: { N8N_RESTRICT_FILE_ACCESS_TO: scratch },
			}),
			startPortal({ opportunities: 30, seed: 23, records: true }),
		]);
		// Run alone (`npm run test:queue` on a fresh machine) this hook also installs n8n, Redis and PostgreSQL.
	}, 20 * 60_000);

	afterAll(async () => {
		await stack?.stop();
		await portal?.stop();
		fs.rmSync(scratch, { recursive: true, force: true });
		forgetScratch?.();
	}, 120_000);

	test('one row per deal with its whole record, its files byte for byte, written by the worker; then the deals deleted', async () => {
		const lost = (portal.stages() as Array<{ id: number; stageType: number }>).find(
			(s) => s.stageType === 2,
		)!;
		const recent = portal.createOpportunity({
			stageId: lost.id,
			actualCloseDate: Date.now() - 10 * DAY,
		}) as number;
		const cutoff = Date.now() - 90 * DAY;
		const expected = lostClosedBefore(portal, lost.id, cutoff);
		const filesBefore = filesHeld(portal, expected);
		expect([...filesBefore.values()].flat().length).toBeGreaterThan(0);

		const folder = path.join(scratch, 'onlyoffice');
		fs.mkdirSync(folder);
		const credentialId = await stack.main.createCredential({
			name: EXAMPLE_CREDENTIAL_NAME,
			type: 'onlyofficeApi',
			data: { portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token },
		});
		const workflow = readExampleWorkflow(NIGHTLY_EXAMPLE, {
			id: credentialId,
			name: EXAMPLE_CREDENTIAL_NAME,
		});
		const assignments = (
			workflow.nodes.find((node) => node.name === SETTINGS_NODE)!.parameters.assignments as {
				assignments: Array<{ name: string; value: string }>;
			}
		).assignments;
		assignments.find((a) => a.name === 'folder')!.value = folder;
		const table = assignments.find((a) => a.name === 'table')!.value;
		const workflowId = await stack.createWorkflow(workflow);

		const api: PublicApi = { get: (urlPath) => stack.publicApi('GET', urlPath) };
		const execution = await runOverRest(stack.main, api, workflowId, TRIGGER, {
			timeoutMs: 240_000,
		});
		expect([execution.status, execution.data.resultData.error?.message]).toEqual([
			'success',
			undefined,
		]);
		expect(stack.workerOf(String(execution.id))?.name).toBe('w1');

		const found = nodeOutputItems(execution, EXAMPLE_GET_NODE).map(
			(item) => item.json as unknown as KeptRecord,
		);
		const rows = (await dataTableRows(api, table))!;
		expect(rows.map((row) => Number(row.dealId)).sort((a, b) => a - b)).toEqual(expected);
		for (const row of rows) {
			expect(JSON.parse(String(row.record))).toEqual(found.find((r) => r.id === row.dealId));
		}
		const names: string[] = [];
		for (const record of found) {
			for (const file of record.history.flatMap((event) => event.files ?? [])) {
				names.push(file.fileKey);
				const portalFile = filesBefore.get(record.id)!.find((f) => f.id === file.id)!;
				expect(fs.readFileSync(path.join(folder, file.fileKey)).equals(portalFile.bytes)).toBe(
					true,
				);
			}
		}
		expect(names.length).toBe([...filesBefore.values()].flat().length);
		expect(fs.readdirSync(folder).sort()).toEqual(names.sort());

		expect(
			nodeOutputItems(execution, EXAMPLE_DELETE_NODE)
				.map((item) => Number(item.json.id))
				.sort((a, b) => a - b),
		).toEqual(expected);
		expect([...(portal.deletedIds() as number[])].sort((a, b) => a - b)).toEqual(expected);
		expect(portal.hasOpportunity(recent)).toBe(true);
	}, 300_000);
});
