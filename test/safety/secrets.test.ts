/**
 * No secret leaks: a representative set of runs (success, bad input, faults, 401, failed log-ins, a revoked
 * session) with known secrets — the portal's API token and password, the session tokens n8n obtains, and
 * recognisable fake ones (SECRET-TOKEN-…, SECRET-PASS-…) for the rejected cases — and none of them may appear
 * in the output items, the hints, the thrown error (message, description, its JSON as n8n persists it, and
 * every property reachable from it, cause included), the error items, or the portal's request log on disk.
 *
 * What counts as "shown": n8n persists an error through its toJSON (message, description, context, and only
 * the name and message of `cause`), but its error view also shows the cause and the raw messages, so every
 * property reachable from the error is scanned — stricter than what n8n stores.
 */
jest.mock('n8n-workflow', () => jest.requireActual('./support/instantSleep').mockedWorkflow());

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { basicAuthSecret, describeHits, scanForSecrets, scanPaths, scanText } from './secrets';
import type { Secret } from './secrets';
import { FAULT_ROWS } from './support/faults';
import type { NodeRun, Portal } from './support/harness';
import { emailCredential, run, startPortal, tokenCredential } from './support/harness';
import { sleeps } from './support/instantSleep';
import { runFaultRow } from './support/runFaultRow';
import { tallyCount } from './support/tally';

const unique = () => Math.random().toString(36).slice(2, 10);
const FAKE_TOKEN = `SECRET-TOKEN-${unique()}${unique()}`;
const FAKE_PASSWORD = `SECRET-PASS-${unique()}`;
const URL_PASSWORD = `SECRET-URLPASS-${unique()}`;

let logDir: string;
let logFile: string;
/** Every secret used in this file, added as the runs obtain them (session tokens). */
const secrets: Secret[] = [
	{ label: 'fake API token', value: FAKE_TOKEN },
	{ label: 'fake password', value: FAKE_PASSWORD },
	{ label: 'password in a portal URL', value: URL_PASSWORD },
];
const addSecret = (label: string, value: unknown) => {
	if (typeof value === 'string' && value !== '' && !secrets.some((s) => s.value === value))
		secrets.push({ label, value });
};

beforeAll(() => {
	logDir = mkdtempSync(join(tmpdir(), 'onlyoffice-secrets-'));
	logFile = join(logDir, 'portal-requests.jsonl');
});
afterAll(() => {
	rmSync(logDir, { recursive: true, force: true });
});

/** Scans a run's visible results for every secret known so far, and counts the scan for the summary. */
function expectNoSecrets(subject: unknown, where: string) {
	const hits = scanForSecrets(subject, secrets, where);
	tallyCount('secretScans', 1);
	tallyCount('secretsFound', hits.length);
	expect(describeHits(hits)).toBe('');
}

const visible = (result: NodeRun) => ({
	output: result.output,
	hints: result.hints,
	error: result.error,
});

/** A portal that logs to this file's log, with its demo users' secrets registered. */
async function portalWithSecrets(): Promise<Portal> {
	const portal = await startPortal({ opportunities: 30, seed: 21, logFile });
	for (const [key, user] of Object.entries(portal.users)) {
		addSecret(`${key} API token`, user.token);
		addSecret(`${key} password`, user.password);
		const basic = basicAuthSecret(`${key} Basic credentials`, user.email, user.password);
		addSecret(basic.label, basic.value);
	}
	return portal;
}

async function withSecretPortal(body: (portal: Portal) => Promise<void>) {
	const portal = await portalWithSecrets();
	try {
		await body(portal);
	} finally {
		await portal.stop();
	}
}

describe('the scanner', () => {
	it('finds a secret in the forms it leaks in, wherever it hides, and says where without showing it', () => {
		const secret = { label: 'token', value: 'aB3/xY+9z=Qw8kLmN0pQ' };
		const cause = new Error(`upstream said ${secret.value}`);
		const error = Object.assign(new Error('failed', { cause }), { description: 'nothing here' });
		expect(scanForSecrets(error, [secret], 'error').map((h) => h.where)).toContain(
			'error.cause.message',
		);
		expect(
			scanText(`{"t":"${secret.value.replace(/\//g, '\\/')}"}`, [secret], 'json')[0].form,
		).toBe('slash-escaped');
		expect(scanText(encodeURIComponent(secret.value), [secret], 'url')[0].form).toBe('url-encoded');
		expect(scanText(Buffer.from(secret.value).toString('base64'), [secret], 'b64')[0].form).toBe(
			'base64',
		);
		expect(scanText(`"${secret.value.slice(0, 16)}…"`, [secret], 'cut')[0].form).toBe('prefix');
		expect(
			scanForSecrets(new Map([['k', { deep: [[secret.value]] }]]), [secret], 'map'),
		).toHaveLength(1);
		expect(describeHits(scanForSecrets({ a: secret.value }, [secret]))).not.toContain(secret.value);
		const dir = mkdtempSync(join(tmpdir(), 'scan-self-test-'));
		try {
			writeFileSync(join(dir, 'log.txt'), `Authorization: ${secret.value}\n`);
			expect(scanPaths([dir], [secret])).toHaveLength(1);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
		expect(() => scanText('x', [{ label: 'short', value: 'abc' }], 'x')).toThrow(/too short/);
	});
});

describe('no secret in what a run shows', () => {
	it('a successful delete with an API token', async () => {
		await withSecretPortal(async (portal) => {
			const result = await run({
				items: [{ id: '1, 2' }, { id: 3 }],
				credentials: tokenCredential(portal),
				options: { notDeleted: 'output' },
			});
			expect(result.output).toHaveLength(3);
			// The token was really sent (and recognised), so the scan is not vacuous.
			expect(
				portal.requests.every(
					(r) => r.auth?.user === 'admin' && r.headers.authorization === '[redacted]',
				),
			).toBe(true);
			expectNoSecrets(visible(result), 'token run');
		});
	});

	it('a successful delete with e-mail and password, and a later run after the session was revoked', async () => {
		await withSecretPortal(async (portal) => {
			const first = await run({
				items: [{ id: 1 }],
				credentials: emailCredential(portal),
				options: { simplify: true },
			});
			addSecret('first session token', first.credentials.sessionToken);
			expect(first.logins).toBe(1);
			expectNoSecrets(visible(first), 'log-in run');

			portal.revokeToken(first.credentials.sessionToken as string);
			const second = await run({ items: [{ id: 2 }], credentials: first.credentials });
			addSecret('second session token', second.credentials.sessionToken);
			expect(second.logins).toBe(1);
			expect(second.output).toHaveLength(1);
			expectNoSecrets(visible(second), 'run after revoked session');
			expectNoSecrets(visible(first), 'log-in run, with the second session token known');
		});
	});

	it('a dry run, a delete limit and IDs Not Deleted = Fail', async () => {
		await withSecretPortal(async (portal) => {
			const credentials = tokenCredential(portal);
			for (const options of [
				{ dryRun: true },
				{ deleteLimit: 1 },
				{ notDeleted: 'fail' },
			] as IDataObject[]) {
				for (const continueOnFail of [false, true]) {
					const result = await run({
						items: [{ id: '4, 5' }, { id: 999_999 }],
						credentials,
						options,
						continueOnFail,
					});
					expectNoSecrets(visible(result), `options ${JSON.stringify(options)}`);
				}
			}
		});
	});

	it('bad input, plain and under Continue On Fail', async () => {
		await withSecretPortal(async (portal) => {
			for (const continueOnFail of [false, true]) {
				const result = await run({
					items: [{ id: 1 }, { id: '12abc' }, { id: [3, { id: 4 }] }],
					credentials: tokenCredential(portal),
					continueOnFail,
				});
				expectNoSecrets(visible(result), 'bad input');
			}
		});
	});

	const credentialCases: Array<
		[string, (portal: Portal) => ICredentialDataDecryptedObject, RegExp]
	> = [
		[
			'a rejected API token (real 401)',
			(portal) => tokenCredential(portal, FAKE_TOKEN),
			/did not accept the credential/,
		],
		[
			'a rejected API token with a comma and a scheme',
			(portal) => tokenCredential(portal, `Bearer ${FAKE_TOKEN}, x`),
			/did not accept the credential/,
		],
		[
			'a wrong password',
			(portal) =>
				emailCredential(portal, { email: portal.users.admin.email, password: FAKE_PASSWORD }),
			/rejected the e-mail or password/,
		],
		[
			'an unknown user',
			(portal) => emailCredential(portal, { email: 'nobody@example.com', password: FAKE_PASSWORD }),
			/rejected the e-mail or password/,
		],
		[
			'a two-factor account',
			(portal) => emailCredential(portal, portal.users.twoFactor),
			/two-factor login/,
		],
		[
			'a user without CRM access',
			(portal) => tokenCredential(portal, portal.users.noCrm.token),
			/no access to the CRM module/,
		],
		[
			'a revoked API token',
			(portal) => (
				portal.revokeToken(portal.users.user.token),
				tokenCredential(portal, portal.users.user.token)
			),
			/did not accept/,
		],
		[
			'a password in a valid portal URL',
			(portal) => ({
				...tokenCredential(portal),
				portalUrl: portal.url.replace('//', `//admin:${URL_PASSWORD}@`),
			}),
			/must not contain a user name or password/,
		],
	];
	it.each(credentialCases)('%s', async (_name, credentials, message) => {
		await withSecretPortal(async (portal) => {
			for (const continueOnFail of [false, true]) {
				const result = await run({
					items: [{ id: 1 }, { id: 2 }],
					credentials: credentials(portal),
					continueOnFail,
				});
				const shown = continueOnFail
					? String(result.output[0]?.json.error)
					: (result.error as Error).message;
				expect(shown).toMatch(message);
				expect(portal.deletedIds()).toEqual([]);
				expectNoSecrets(visible(result), _name);
			}
		});
	});

	it('log-ins paused after too many failed attempts', async () => {
		await withSecretPortal(async (portal) => {
			const wrong = emailCredential(portal, {
				email: portal.users.user.email,
				password: FAKE_PASSWORD,
			});
			let last: NodeRun | undefined;
			for (let attempt = 0; attempt < 6; attempt++)
				last = await run({ items: [{ id: 1 }], credentials: wrong });
			expect((last!.error as Error).message).toMatch(
				/paused logins for this account after too many failed attempts/,
			);
			const right = await run({
				items: [{ id: 1 }],
				credentials: emailCredential(portal, portal.users.user),
			});
			expect((right.error as Error).message).toMatch(/paused logins/);
			expectNoSecrets(visible(last!), 'paused log-in');
			expectNoSecrets(visible(right), 'paused log-in with the right password');
		});
	});

	/** Faults of the matrix, run with this file's log, scanned plain and under Continue On Fail. */
	const FAULTS = [
		'401 plain text on every request',
		'401 plain text from the second chunk on (token revoked mid-run)',
		'200 with an HTML page (a sign-in page)',
		'200 with a body without the envelope (bare array, portal acted)',
		'500 after the portal deleted',
		'502 after the portal deleted (the retry gets [])',
		'connection reset on every attempt',
		'429 with a huge Retry-After (one day) after the first chunk',
		'a chunk failing for good after two chunks succeeded (500)',
		'dry run: 401 on look-ups',
		'log-in answered with an HTML page',
		'log-in connection reset once',
	];
	it.each(FAULTS)('fault: %s', async (name) => {
		const row = FAULT_ROWS.find((r) => r.name === name);
		if (!row) throw new Error(`no fault row named ${name}`);
		for (const continueOnFail of [false, true]) {
			if (continueOnFail && !row.expect.error) continue;
			await runFaultRow(row, {
				continueOnFail,
				sleeps,
				portal: { logFile, opportunities: 30, seed: 21 },
				inspect: (portal, result) => {
					addSecret('admin API token', portal.token);
					addSecret('admin password', portal.users.admin.password);
					addSecret('session token', result.credentials.sessionToken);
					expectNoSecrets(visible(result), `fault ${name}`);
				},
			});
		}
	});
});

describe('no secret in the portal’s request log on disk', () => {
	it('holds none of the secrets used in this file, though it logged their requests', async () => {
		// Runs of its own first, so that this test stands alone (e.g. with -t); the log also holds every run above.
		await withSecretPortal(async (portal) => {
			await run({ items: [{ id: 1 }], credentials: tokenCredential(portal) });
			const login = await run({ items: [{ id: 2 }], credentials: emailCredential(portal) });
			addSecret('session token', login.credentials.sessionToken);
			await run({
				items: [{ id: 3 }],
				credentials: emailCredential(portal, {
					email: portal.users.user.email,
					password: FAKE_PASSWORD,
				}),
			});
			await run({ items: [{ id: 4 }], credentials: tokenCredential(portal, FAKE_TOKEN) });
		});
		const entries = readFileSync(logFile, 'utf8')
			.trim()
			.split('\n')
			.map(
				(line) =>
					JSON.parse(line) as {
						method: string;
						path: string;
						headers: IDataObject;
						body?: IDataObject;
					},
			);
		// The log holds the requests that carried the secrets, with them taken out.
		expect(entries.some((e) => e.method === 'POST' && e.body?.password === '[redacted]')).toBe(
			true,
		);
		expect(
			entries
				.filter((e) => e.method === 'PUT')
				.every((e) => e.headers.authorization === '[redacted]'),
		).toBe(true);
		expect(secrets.length).toBeGreaterThanOrEqual(10);
		const hits = scanPaths([logFile], secrets);
		tallyCount('secretScans', 1);
		tallyCount('secretsFound', hits.length);
		expect(describeHits(hits)).toBe('');
	});
});

describe('a password typed into the Portal URL field', () => {
	it('is not echoed in the error even when the URL is not valid', async () => {
		await withSecretPortal(async (portal) => {
			const result = await run({
				items: [{ id: 1 }],
				credentials: { ...tokenCredential(portal), portalUrl: `http://admin:${URL_PASSWORD}@` },
			});
			expect((result.error as Error).message).toMatch(/not a valid portal URL/);
			expectNoSecrets(visible(result), 'invalid portal URL with a password');
		});
	});
});
