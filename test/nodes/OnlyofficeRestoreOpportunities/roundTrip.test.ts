/**
 * The Restore node in-process against the stand-in portal: deals deleted with Record = Whole Record, then
 * restored from those output items, read back whole and compared part by part with what the portal held.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { runNode } from '../../helpers/runNode';
import { runRestoreNode } from '../../helpers/runRestoreNode';
import { recordDifferences, unexplainedDifferences } from '../../helpers/restoredRecords';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;
let portal: Portal;
afterEach(async () => {
	await portal?.stop();
});

const credential = () => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.users.admin.token,
});

async function deleteWhole(ids: number[]): Promise<INodeExecutionData[]> {
	const { output } = await runNode({
		items: ids.map((id) => ({ id })),
		options: { record: 'wholeRecord' },
		credentials: credential(),
	});
	return output;
}

test('smoke: a deal deleted whole comes back', async () => {
	portal = await startPortal({ opportunities: 10, seed: 3, records: true });
	const before = portal.recordOf(2);
	const deleted = await deleteWhole([2]);
	const output = await runRestoreNode({ items: deleted, credentials: credential() });
	const json = output[0].json as IDataObject;
	console.log(JSON.stringify(recordDifferences(deleted[0].json, json), null, 1));
	console.log(JSON.stringify(json.notRestored));
	expect(unexplainedDifferences(deleted[0].json, json, json.notRestored as never)).toEqual([]);
	expect(json.restoredFrom).toMatchObject({ id: 2 });
	expect(before.deal.title).toBe(json.title);
});
