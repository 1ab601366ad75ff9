import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { runNode } from '../../helpers/runNode';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPortal } = require('../../portal');

type Portal = Awaited<ReturnType<typeof startPortal>>;

let portal: Portal;

beforeEach(async () => {
	portal = await startPortal({ opportunities: 60, seed: 7 });
});
afterEach(async () => {
	await portal.stop();
});

const tokenCredential = () => ({
	portalUrl: portal.url,
	authMethod: 'apiToken',
	apiToken: portal.token,
});
const puts = () => portal.requests.filter((r: { method: string }) => r.method === 'PUT');
const sentIds = () =>
	puts().map((r: { body: { opportunityids: number[] } }) => r.body.opportunityids);
const ids = (output: INodeExecutionData[]) => output.map((item) => item.json.id);
/** A fault matcher for the second delete request only (the first chunk goes through). */
const secondPut = () => {
	let seen = 0;
	return (request: { method: string }) => request.method === 'PUT' && ++seen === 2;
};

/** Runs the node and returns the error it throws. */
async function failure(
	run: Parameters<typeof runNode>[0],
): Promise<NodeApiError | NodeOperationError> {
	try {
		await runNode(run);
	} catch (error) {
		return error as NodeApiError;
	}
	throw new Error('The node did not fail');
}

describe('deleting', () => {
	it('deletes the IDs of every item in one request and outputs each deleted opportunity, paired to its items', async () => {
		const { output } = await runNode({
			items: [{ id: 3 }, { id: '5' }, { ids: [7, '3'] }, { ids: '9; 11\n5' }],
			opportunityIds: (json) => json.id ?? json.ids,
			credentials: tokenCredential(),
		});
		expect(sentIds()).toEqual([[3, 5, 7, 9, 11]]);
		expect(ids(output)).toEqual([3, 5, 7, 9, 11]);
		expect(output.map((item) => item.pairedItem)).toEqual([
			[{ item: 0 }, { item: 2 }],
			[{ item: 1 }, { item: 3 }],
			{ item: 2 },
			{ item: 3 },
			{ item: 3 },
		]);
		for (const id of [3, 5, 7, 9, 11]) expect(portal.hasOpportunity(id)).toBe(false);
		expect(portal.hasOpportunity(4)).toBe(true);
		expect(output[0].json).toMatchObject({
			id: 3,
			members: [],
			customFields: [],
			isPrivate: false,
		});
	});

	it('splits 2500 IDs into 5 requests of 500 and outputs all 2500 records', async () => {
		await portal.stop();
		portal = await startPortal({ opportunities: 2600, seed: 7 });
		const wanted = Array.from({ length: 2500 }, (_, i) => 2600 - i);
		const { output } = await runNode({
			items: wanted.map((id) => ({ id })),
			credentials: tokenCredential(),
		});
		expect(sentIds().map((chunk: number[]) => chunk.length)).toEqual([500, 500, 500, 500, 500]);
		expect(sentIds().flat()).toEqual(wanted);
		expect(ids(output)).toEqual(wanted);
		expect(portal.opportunityIds()).toHaveLength(100);
	});

	it.each([
		[undefined, 'id'],
		['={{ $json.ref }}', 'ref'],
		['={{ $json["deal id"] }}', 'deal id'],
	])(
		'reads a plain $json field (%s) itself, without an expression evaluation per item',
		async (parameter, field) => {
			const { output, evaluations } = await runNode({
				items: [{ [field]: 4 }, { [field]: '5, 6' }, { other: 7 }],
				opportunityIdsParameter: parameter,
				credentials: tokenCredential(),
				options: { skipItemsWithoutId: true },
			});
			expect(ids(output)).toEqual([4, 5, 6]);
			expect(evaluations).toBe(0);
		},
	);

	it('leaves any other expression to n8n, item by item', async () => {
		const { output, evaluations } = await runNode({
			items: [{ ref: 4 }, { ref: 5 }],
			opportunityIdsParameter: '={{ $json.ref + 1 }}',
			opportunityIds: (json) => Number(json.ref) + 1,
			credentials: tokenCredential(),
		});
		expect(ids(output)).toEqual([5, 6]);
		expect(evaluations).toBe(2);
	});

	it('honours Batch Size', async () => {
		await runNode({
			items: [{ id: '1,2,3,4,5,6,7' }],
			credentials: tokenCredential(),
			options: { batchSize: 3 },
		});
		expect(sentIds()).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
	});

	it('outputs records in the order the IDs first appeared, not in the portal’s order', async () => {
		const { output } = await runNode({
			items: [{ id: [40, 2, 33] }],
			credentials: tokenCredential(),
		});
		expect(ids(output)).toEqual([40, 2, 33]);
	});

	it('simplifies records on request', async () => {
		const { output } = await runNode({
			items: [{ id: 8 }],
			credentials: tokenCredential(),
			options: { simplify: true },
		});
		expect(Object.keys(output[0].json).sort()).toEqual(
			[
				'bidCurrency',
				'bidValue',
				'contact',
				'description',
				'expectedCloseDate',
				'id',
				'responsible',
				'stage',
				'stageType',
				'title',
			].sort(),
		);
		expect(output[0].json.id).toBe(8);
	});
});

describe('IDs the portal does not delete', () => {
	const missing = 999_999;
	it('ignores them by default, and says so when nothing at all was deleted', async () => {
		const first = await runNode({
			items: [{ id: 4 }, { id: missing }],
			credentials: tokenCredential(),
		});
		expect(ids(first.output)).toEqual([4]);
		expect(first.hints).toEqual([]);
		const again = await runNode({ items: [{ id: 4 }], credentials: tokenCredential() });
		expect(again.output).toEqual([]);
		expect(again.hints[0].message).toMatch(/deleted none.*Always Output Data/);
	});

	it('outputs { id, deleted: false, reason } paired to its items when asked', async () => {
		const { output } = await runNode({
			items: [{ id: missing }, { id: 4 }, { id: missing }],
			credentials: tokenCredential(),
			options: { notDeleted: 'output' },
		});
		expect(output.map((item) => [item.json.id, item.json.deleted, item.pairedItem])).toEqual([
			[missing, false, [{ item: 0 }, { item: 2 }]],
			[4, undefined, { item: 1 }],
		]);
		expect(output[0].json.reason).toMatch(
			/does not exist, was already deleted, or this user may not delete it/,
		);
	});

	it('fails naming them when asked, after deleting the others', async () => {
		const error = await failure({
			items: [{ id: 4 }, { id: missing }],
			credentials: tokenCredential(),
			options: { notDeleted: 'fail' },
		});
		expect(error.message).toMatch(`did not delete 1 of the 2 opportunities: ${missing}`);
		expect(error.description).toMatch(/Deleted \(1\): 4/);
		expect(error.description).toMatch(/set IDs Not Deleted to Ignore or Output an Item/);
		expect(portal.hasOpportunity(4)).toBe(false);
	});

	it('skips private deals a regular user may not delete, and deletes the rest', async () => {
		const privateId = portal.addOpportunity({ isPrivate: true, accessList: [] });
		const { output } = await runNode({
			items: [{ id: privateId }, { id: 6 }],
			credentials: {
				portalUrl: portal.url,
				authMethod: 'apiToken',
				apiToken: portal.users.user.token,
			},
			options: { notDeleted: 'output' },
		});
		expect(output.map((item) => [item.json.id, item.json.deleted])).toEqual([
			[privateId, false],
			[6, undefined],
		]);
		expect(portal.hasOpportunity(privateId)).toBe(true);
	});
});

describe('bad input changes nothing', () => {
	it.each([
		['12abc', /"12abc"/],
		[1.5, /1\.5/],
		['1,234', /"1,234"/],
		[0, /0/],
		[-3, /-3/],
		[true, /true/],
		['', /has no opportunity ID/],
	])(
		'an item with %j fails the node naming the item and the value, before any request',
		async (bad, message) => {
			const error = await failure({
				items: [{ id: 1 }, { id: 2 }, { id: bad }],
				credentials: tokenCredential(),
			});
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/^Item 2/);
			expect(error.message).toMatch(message);
			expect(error.message).toMatch(/Nothing was deleted/);
			expect(error.context.itemIndex).toBe(2);
			expect(portal.requests).toEqual([]);
		},
	);

	it('under Continue On Fail turns the bad item into an error item and deletes the rest', async () => {
		const { output } = await runNode({
			items: [{ id: 1 }, { id: 'x' }, { id: 2 }],
			credentials: tokenCredential(),
			continueOnFail: true,
		});
		expect(ids(output.filter((item) => !('error' in item.json)))).toEqual([1, 2]);
		const errors = output.filter((item) => 'error' in item.json);
		expect(errors).toHaveLength(1);
		expect(errors[0].pairedItem).toEqual({ item: 1 });
		expect(errors[0].json.error).toBe(
			'Item 1: "x" is not an opportunity ID. This item was skipped.',
		);
		expect(
			Object.keys(errors[0].json).every((key) => ['error', 'message', 'details'].includes(key)),
		).toBe(true);
	});

	it('skips items without an ID when asked', async () => {
		const { output } = await runNode({
			items: [{ id: null }, { id: 3 }, {}],
			credentials: tokenCredential(),
			options: { skipItemsWithoutId: true },
		});
		expect(ids(output)).toEqual([3]);
	});

	it('refuses a run over the Delete Limit before any request', async () => {
		const error = await failure({
			items: [{ id: '1,2,3' }, { id: 4 }],
			credentials: tokenCredential(),
			options: { deleteLimit: 3 },
		});
		expect(error.message).toBe(
			'This run asks to delete 4 opportunities, more than the Delete Limit of 3. Nothing was deleted.',
		);
		expect(error.description).toMatch(/raise Delete Limit/);
		expect(portal.requests).toEqual([]);
	});

	it('counts unique IDs against the Delete Limit, dry run included', async () => {
		await runNode({
			items: [{ id: '1,2,2' }, { id: 1 }],
			credentials: tokenCredential(),
			options: { deleteLimit: 2 },
		});
		expect(sentIds()).toEqual([[1, 2]]);
		const error = await failure({
			items: [{ id: '5,6,7' }],
			credentials: tokenCredential(),
			options: { deleteLimit: 2, dryRun: true },
		});
		expect(error.message).toMatch(/Delete Limit of 2/);
	});
});

describe('dry run', () => {
	it('looks each opportunity up, outputs those that would be deleted, and sends no delete', async () => {
		const privateId = portal.addOpportunity({ isPrivate: true, accessList: [] });
		const { output, hints } = await runNode({
			items: [{ id: 11 }, { id: privateId }, { id: 999_999 }, { id: 11 }],
			credentials: {
				portalUrl: portal.url,
				authMethod: 'apiToken',
				apiToken: portal.users.user.token,
			},
			options: { dryRun: true, notDeleted: 'output' },
		});
		expect(portal.requests.every((r: { method: string }) => r.method === 'GET')).toBe(true);
		expect(portal.hasOpportunity(11)).toBe(true);
		expect(output.map((item) => [item.json.id, item.json.deleted])).toEqual([
			[11, undefined],
			[privateId, false],
			[999_999, false],
		]);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 3 }]);
		expect(hints.map((hint) => hint.message)).toContain(
			'Dry run: nothing was deleted. 1 of 3 opportunities would be deleted.',
		);
	});

	it('has at most 5 look-ups in flight', async () => {
		const wanted = Array.from({ length: 30 }, (_, i) => i + 1);
		await runNode({
			items: [{ id: wanted }],
			credentials: tokenCredential(),
			options: { dryRun: true },
		});
		expect(portal.requests).toHaveLength(30);
		expect(portal.maxConcurrentRequests).toBeLessThanOrEqual(5);
	});
});

describe('portal faults', () => {
	it('retries a 503 after the Retry-After the portal asked for', async () => {
		portal.injectFault({ type: 'status', status: 503, retryAfter: 1 });
		const started = Date.now();
		const { output } = await runNode({ items: [{ id: 1 }], credentials: tokenCredential() });
		expect(ids(output)).toEqual([1]);
		expect(puts()).toHaveLength(2);
		expect(Date.now() - started).toBeGreaterThanOrEqual(950);
	});

	it('fails at once when the portal asks to wait longer than a minute', async () => {
		portal.injectFault({ type: 'status', status: 429, retryAfter: 3600 });
		const error = await failure({ items: [{ id: 1 }], credentials: tokenCredential() });
		expect(error.message).toMatch(/asked to wait 3600 seconds/);
		expect(error.message).toMatch(/Nothing was deleted/);
		expect(puts()).toHaveLength(1);
	});

	it('reports a chunk failing for good after earlier chunks: what was deleted, not deleted and not attempted', async () => {
		portal.injectFault({ type: 'status', status: 403 }, { match: secondPut() });
		const error = await failure({
			items: [{ id: '1,2' }, { id: '3,4' }, { id: '5,6' }],
			credentials: tokenCredential(),
			options: { batchSize: 2 },
		});
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'This ONLYOFFICE user has no access to the CRM module. 2 of 6 opportunities were deleted before this; see the details for which.',
		);
		expect(error.description).toMatch(
			/Deleted \(2\): 1-2\.\nNot deleted \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
		);
		expect(portal.opportunityIds().slice(0, 4)).toEqual([3, 4, 5, 6]);
	});

	it('under Continue On Fail outputs what was deleted and turns the affected items into error items', async () => {
		portal.injectFault({ type: 'status', status: 500 }, { match: secondPut() });
		const { output } = await runNode({
			items: [{ id: '1,2' }, { id: '3,4' }, { id: '5,6' }],
			credentials: tokenCredential(),
			options: { batchSize: 2 },
			continueOnFail: true,
		});
		expect(ids(output.filter((item) => !('error' in item.json)))).toEqual([1, 2]);
		const errors = output.filter((item) => 'error' in item.json);
		expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
		expect(errors[0].json.message).toMatch(
			/May have been deleted \(check in ONLYOFFICE\) \(2\): 3-4\.\nNot attempted \(2\): 5-6\./,
		);
	});

	it('reports IDs an interrupted attempt may have deleted as "may have been deleted", never "not deleted"', async () => {
		portal.injectFault({ type: 'slow', delayMs: 1500, actFirst: true });
		const { output, hints } = await runNode({
			items: [{ id: '1,2' }],
			credentials: tokenCredential(),
			options: { timeout: 1000, notDeleted: 'output' },
		});
		expect(puts()).toHaveLength(2);
		expect(output.map((item) => [item.json.id, item.json.deleted])).toEqual([
			[1, null],
			[2, null],
		]);
		expect(output[0].json.reason).toMatch(/interrupted attempt/);
		expect(hints.map((hint) => hint.message).join()).toMatch(/may have been deleted/);
		expect(portal.hasOpportunity(1)).toBe(false);
	});

	it('notices a portal that returns fewer records than it deleted, and sends smaller chunks after that', async () => {
		await portal.stop();
		portal = await startPortal({ opportunities: 60, seed: 7, maxPage: 4 });
		const { output } = await runNode({
			items: [{ id: Array.from({ length: 10 }, (_, i) => i + 1) }],
			credentials: tokenCredential(),
			options: { batchSize: 6 },
		});
		expect(sentIds().map((chunk: number[]) => chunk.length)).toEqual([6, 4]);
		expect(output.map((item) => [item.json.id, item.json.deleted])).toEqual([
			[1, undefined],
			[2, undefined],
			[3, undefined],
			[4, undefined],
			[5, true],
			[6, true],
			[7, undefined],
			[8, undefined],
			[9, undefined],
			[10, undefined],
		]);
	});
});

describe('credentials', () => {
	const emailCredential = (): ICredentialDataDecryptedObject => ({
		portalUrl: `${portal.url}/api/2.0/`,
		authMethod: 'emailPassword',
		email: portal.users.admin.email,
		password: portal.users.admin.password,
	});

	it('logs in with e-mail and password once and reuses the token', async () => {
		const first = await runNode({
			items: [{ id: 1 }, { id: 2 }],
			credentials: emailCredential(),
			options: { batchSize: 1 },
		});
		expect(first.logins).toBe(1);
		expect(first.credentialReads).toBe(1);
		expect(ids(first.output)).toEqual([1, 2]);
		const second = await runNode({ items: [{ id: 3 }], credentials: first.credentials });
		expect(second.logins).toBe(0);
		expect(ids(second.output)).toEqual([3]);
	});

	it('logs in again when the portal revoked the token', async () => {
		const first = await runNode({ items: [{ id: 1 }], credentials: emailCredential() });
		portal.revokeToken(first.credentials.sessionToken);
		const second = await runNode({ items: [{ id: 2 }], credentials: first.credentials });
		expect(second.logins).toBe(1);
		expect(ids(second.output)).toEqual([2]);
		expect(second.credentials.sessionToken).not.toBe(first.credentials.sessionToken);
	});

	it('renews a revoked token once and uses the new one for the remaining chunks', async () => {
		const first = await runNode({ items: [{ id: 1 }], credentials: emailCredential() });
		portal.revokeToken(first.credentials.sessionToken);
		const since = portal.requests.length;
		const second = await runNode({
			items: [{ id: 2 }, { id: 3 }, { id: 4 }],
			credentials: first.credentials,
			options: { batchSize: 1 },
		});
		expect(ids(second.output)).toEqual([2, 3, 4]);
		expect(second.logins).toBe(1);
		expect(second.credentialReads).toBe(1);
		const puts = portal.requests.slice(since).filter((r: { method: string }) => r.method === 'PUT');
		// The 401 comes back once as an answer, then thrown, which makes n8n log in and send again.
		expect(puts.map((r: { status: number }) => r.status)).toEqual([401, 401, 200, 200, 200]);
	});

	it('never sends a token to another portal after the URL was edited', async () => {
		const first = await runNode({ items: [{ id: 1 }], credentials: emailCredential() });
		const other = await startPortal({ opportunities: 10, seed: 8 });
		try {
			const edited = {
				...first.credentials,
				portalUrl: other.url,
				password: other.users.admin.password,
				email: other.users.admin.email,
			};
			const second = await runNode({ items: [{ id: 2 }], credentials: edited });
			expect(ids(second.output)).toEqual([2]);
			expect(second.logins).toBe(1);
			const authorizations = other.requests.map(
				(r: { headers: IDataObject }) => r.headers.authorization,
			);
			expect(authorizations[0]).toBeUndefined();
		} finally {
			await other.stop();
		}
	});

	it.each([
		[
			'a wrong token',
			() => ({ ...tokenCredential(), apiToken: 'not-a-token' }),
			/did not accept the credential/,
			/Check the API token/,
		],
		[
			'a wrong password',
			() => ({ ...emailCredential(), password: 'wrong' }),
			/rejected the e-mail or password/,
			/Open the ONLYOFFICE credential/,
		],
		[
			'a two-factor account',
			() => ({
				...emailCredential(),
				email: portal.users.twoFactor.email,
				password: portal.users.twoFactor.password,
			}),
			/two-factor login; create a token and choose API Token/,
			/press Test/,
		],
		[
			'a user without CRM access',
			() => ({ ...tokenCredential(), apiToken: portal.users.noCrm.token }),
			/no access to the CRM module/,
			/CRM access/,
		],
	])(
		'%s fails with a message that says what to do, deleting nothing',
		async (_name, credentials, message, fix) => {
			const error = await failure({
				items: [{ id: 1 }],
				credentials: credentials() as ICredentialDataDecryptedObject,
			});
			expect(error.message).toMatch(message);
			expect(error.message).toMatch(/Nothing was deleted/);
			expect(error.description).toMatch(fix);
			expect(portal.hasOpportunity(1)).toBe(true);
		},
	);

	it('a portal URL that answers HTML tells the user to check the portal URL', async () => {
		portal.injectFault({ type: 'html' });
		const error = await failure({ items: [{ id: 1 }], credentials: tokenCredential() });
		expect(error.message).toMatch(/not with ONLYOFFICE's API response/);
		expect(error.description).toMatch(/Check the Portal URL/);
	});

	it('keeps the token out of every error and output', async () => {
		const secret = portal.token;
		const error = await failure({ items: [{ id: 'oops' }], credentials: tokenCredential() });
		expect(
			JSON.stringify({ message: error.message, description: error.description }),
		).not.toContain(secret);
		const { output } = await runNode({
			items: [{ id: 1 }],
			credentials: tokenCredential(),
			options: { notDeleted: 'output' },
		});
		expect(JSON.stringify(output)).not.toContain(secret);
	});
});

describe('HTTPS with a self-signed certificate', () => {
	let secure: Portal;
	beforeEach(async () => {
		secure = await startPortal({ opportunities: 10, seed: 3, https: true });
	});
	afterEach(async () => {
		await secure.stop();
	});

	it('fails with advice to turn on Ignore SSL Issues', async () => {
		const error = await failure({
			items: [{ id: 1 }],
			credentials: { portalUrl: secure.url, authMethod: 'apiToken', apiToken: secure.token },
		});
		expect(error.message).toMatch(/certificate could not be verified/);
		expect(error.description).toMatch(/Ignore SSL Issues/);
		expect(secure.hasOpportunity(1)).toBe(true);
	});

	it('deletes when Ignore SSL Issues is on, for the login too', async () => {
		const { output } = await runNode({
			items: [{ id: 1 }],
			credentials: {
				portalUrl: secure.url,
				authMethod: 'emailPassword',
				email: secure.users.admin.email,
				password: secure.users.admin.password,
				ignoreSslIssues: true,
			},
		});
		expect(ids(output)).toEqual([1]);
	});
});
