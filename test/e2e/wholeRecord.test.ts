/**
 * Record = Whole Record inside a real n8n (2.40.7, binary data in filesystem mode): a delete outputs every
 * part of every deleted deal, the files held by n8n's binary store; a deal whose record could not be read is
 * not deleted; Dry Run changes nothing. The files are checked through n8n itself: a Code node after the
 * Delete node reads each binary with `getBinaryDataBuffer` and outputs its bytes.
 */
import * as os from 'node:os';
import * as path from 'node:path';

import {
	expectedRecord,
	READ_FILES_CODE,
	recordView,
	type PortalRecord,
} from '../helpers/wholeRecords';
import { scanForSecrets, scanPaths, type Secret } from '../safety/secrets';
import {
	createN8nInstance,
	defaultN8nVersion,
	ensureN8nInstalled,
	filesN8nWrote,
	linearWorkflow,
	PACKAGE_NAME,
	type ExecuteResult,
	type N8nInstance,
} from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
type Json = Record<string, unknown>;
interface LoggedRequest {
	method: string;
	path: string;
	query: Record<string, string | string[]>;
	body: { opportunityids?: number[] };
}

const VERSION = defaultN8nVersion();
const DELETE_NODE = 'Delete Opportunities';
const FILES_NODE = 'Read files';

/** Manual Trigger → Code (one item with the IDs) → Delete Opportunities → Code reading every file back. */
function workflow(ids: number[], credentialId: string, options: Json = {}) {
	return linearWorkflow(`whole record ${Date.now()}`, [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
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
			parameters: { opportunityIds: '={{ $json.ids }}', options },
			credentials: { onlyofficeApi: { id: credentialId, name: 'ONLYOFFICE whole record' } },
		},
		{
			name: FILES_NODE,
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: {
				jsCode: READ_FILES_CODE,
			},
			alwaysOutputData: true,
		},
	]);
}

describe(`Whole Record in n8n ${VERSION}`, () => {
	let n8n: N8nInstance;
	let portal: Portal;
	let portalLog: string;
	const secrets = new Map<string, Secret>();
	const collectSecrets = () => {
		for (const token of portal.activeTokens())
			secrets.set(token, { label: 'an ONLYOFFICE token', value: token });
	};

	beforeAll(async () => {
		ensureN8nInstalled(VERSION);
		n8n = await createN8nInstance({
			version: VERSION,
			name: 'whole-record',
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' },
		});
	}, 30 * 60_000);
	afterAll(async () => {
		if (!n8n) return;
		expect(scanPaths(filesN8nWrote(n8n), [...secrets.values()])).toEqual([]);
		await n8n.cleanup();
	}, 60_000);
	afterEach(async () => {
		if (!portal) return;
		collectSecrets();
		await portal.stop();
		expect(scanPaths([portalLog], [...secrets.values()])).toEqual([]);
	});
	const start = async (options: Json) => {
		portalLog = path.join(os.tmpdir(), `onlyoffice-whole-record-${process.pid}-${Date.now()}.log`);
		portal = await startPortal({ seed: 21, logFile: portalLog, ...options });
	};
	const credential = async (user: 'admin' | 'user' = 'admin') =>
		(
			await n8n.importCredentials([
				{
					name: 'ONLYOFFICE whole record',
					type: 'onlyofficeApi',
					data: {
						portalUrl: portal.url,
						authMethod: 'apiToken',
						apiToken: portal.users[user].token,
					},
				},
			])
		)[0];
	const run = async (ids: number[], options: Json = {}, user: 'admin' | 'user' = 'admin') => {
		const result = await n8n.execute(
			await n8n.importWorkflow(workflow(ids, await credential(user), options)),
		);
		collectSecrets();
		expect(
			scanForSecrets({ stdout: result.stdout, stderr: result.stderr }, [...secrets.values()]),
		).toEqual([]);
		expect(result.exitCode).toBe(0);
		return result;
	};
	const outputOf = (result: ExecuteResult) => n8n.outputItems(result.execution, DELETE_NODE);
	const filesOf = (result: ExecuteResult) => n8n.outputItems(result.execution, FILES_NODE);
	const snapshot = (ids: number[], user: 'admin' | 'user' = 'admin') =>
		new Map<number, PortalRecord>(ids.map((id) => [id, portal.recordOf(id, user)]));
	const deletes = () => (portal.requests as LoggedRequest[]).filter((r) => r.method === 'PUT');

	/** Every part and file byte of every deal in `before` is in the output; the deal and its files are gone. */
	const expectNothingLost = (result: ExecuteResult, before: Map<number, PortalRecord>) => {
		const items = outputOf(result);
		const files = filesOf(result);
		for (const [id, record] of before) {
			const item = items.find((candidate) => candidate.json.id === id);
			expect(item && recordView(item.json)).toEqual(expectedRecord(record));
			const read = files.find((candidate) => candidate.json.id === id)?.json.files as Record<
				string,
				Json
			>;
			for (const file of record.files) {
				const binary = read[`file_${file.id}`];
				expect(Buffer.from(String(binary.base64), 'base64').equals(file.bytes)).toBe(true);
				expect(binary.fileName).toBe(file.title);
				// Filesystem mode: n8n holds the bytes on disk and the item only a reference.
				expect(String(binary.id)).toMatch(/^filesystem/);
				expect(portal.fileExists(file.id)).toBe(false);
			}
			expect(portal.hasOpportunity(id)).toBe(false);
		}
	};

	test('300 deals read from portal-wide pages (over 1,000 events): every event, task, tag, value, member and file byte is output', async () => {
		await start({ opportunities: 320, records: { otherEvents: 400 } });
		const ids = Array.from({ length: 300 }, (_, i) => i + 1);
		const before = snapshot(ids);
		expect(portal.recordCounts().events).toBeGreaterThan(1000);
		const result = await run(ids);
		expectNothingLost(result, before);
		expect(outputOf(result)).toHaveLength(300);
		const historyPages = (portal.requests as LoggedRequest[]).filter(
			(r) => r.path.includes('/history/filter') && r.query.entityType === undefined,
		);
		expect(historyPages.length).toBeGreaterThan(1);
	}, 600_000);

	test('a non-administrator: events of deals the user cannot read (entity null in the portal-wide history) are in no record', async () => {
		await start({ opportunities: 60, records: { otherEvents: 200 } });
		const readable = Array.from({ length: 40 }, (_, i) => i + 1).filter((id) =>
			portal.canRead('user', id),
		);
		const before = snapshot(readable, 'user');
		const result = await run(readable, {}, 'user');
		expectNothingLost(result, before);
	}, 300_000);

	test('a broken download of one file leaves exactly that deal undeleted, with an error item and a hint', async () => {
		await start({ opportunities: 30, records: true });
		const ids = Array.from({ length: 10 }, (_, i) => i + 1);
		const victim = ids.find((id) => portal.recordOf(id).files.length > 0)!;
		const victimFile = portal.recordOf(victim).files[0].id;
		portal.injectFault(
			{ type: 'brokenBody' },
			{
				times: 5,
				match: (r: { path: string; query?: Record<string, string> }) =>
					/filehandler\.ashx$/i.test(r.path) && String(r.query?.fileid) === String(victimFile),
			},
		);
		const before = snapshot(ids.filter((id) => id !== victim));
		const result = await run(ids);
		expectNothingLost(result, before);
		expect(portal.hasOpportunity(victim)).toBe(true);
		expect(deletes().flatMap((r) => r.body.opportunityids ?? [])).not.toContain(victim);
		const held = outputOf(result).find((item) => item.json.id === victim);
		expect(held?.json).toEqual({
			id: victim,
			deleted: false,
			error: expect.stringContaining(`Opportunity ${victim} was not deleted`),
		});
	}, 300_000);

	test('Dry Run outputs the same whole records and changes nothing', async () => {
		await start({ opportunities: 30, records: true });
		const ids = Array.from({ length: 25 }, (_, i) => i + 1);
		const before = snapshot(ids);
		const result = await run(ids, { dryRun: true });
		expect(deletes()).toEqual([]);
		for (const [id, record] of before) {
			expect(portal.recordOf(id)).toEqual(record);
			const item = outputOf(result).find((candidate) => candidate.json.id === id);
			expect(item && recordView(item.json)).toEqual(expectedRecord(record));
		}
	}, 300_000);
});
