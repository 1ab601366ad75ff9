/**
 * A scratch n8n for end-to-end tests: its own user folder (SQLite database, settings) under os.tmpdir(),
 * this package installed in it as a community package, and the n8n CLI (`import:credentials`,
 * `import:workflow`, `execute`, `start`) run on the pinned n8n and Node 24 from .cache/.
 */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import {
	executionError,
	parseExecutionOutput,
	nodeError,
	nodeOutputItems,
	type Execution,
	type ExecutionItem,
	type ExecutionNodeError,
} from './executionResult';
import {
	defaultN8nVersion,
	ensureN8nInstalled,
	REPO_ROOT,
	type N8nInstallation,
} from './n8nInstallation';
import { freePort, runToFiles, tailOfFile } from './processes';
import { N8nServer, type StartServerOptions } from './n8nServer';

/** The package name n8n sees (and the prefix of our node types: `n8n-nodes-onlyoffice-crm.<node name>`). */
export const PACKAGE_NAME: string = JSON.parse(
	fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'),
).name;

/** Fixed so that credentials imported by one CLI call can be decrypted by the next. */
export const E2E_ENCRYPTION_KEY = 'n8n-nodes-onlyoffice-crm-e2e-encryption-key';

/**
 * How this package gets into the scratch n8n:
 * - `copy` (default): `<userFolder>/.n8n/nodes/node_modules/<package>` is a real folder with a copy of
 *   package.json and dist/. Our code's `require('n8n-workflow')` then finds the running n8n's own copy (n8n
 *   puts it on NODE_PATH), exactly as for a package a user installs — so `instanceof NodeApiError` and the
 *   1.x/2.x differences are those of the n8n under test.
 * - `symlink`: that path is a symlink to the repo root, so a rebuild is seen without re-creating the
 *   instance; but Node resolves `n8n-workflow` from the repo's own node_modules (the devDependency, 2.40.x),
 *   not n8n's — wrong for tests against another n8n version.
 * - `none`: the package is not installed (only n8n's built-in nodes are available).
 */
export type PackageMode = 'copy' | 'symlink' | 'none';

export interface CreateN8nInstanceOptions {
	/** n8n version from .cache/ (installed on first use); default `N8N_E2E_VERSION` or 2.40.7. */
	version?: string;
	/** See PackageMode. Default `copy`; throws if dist/ is missing unless `none`. */
	packageMode?: PackageMode;
	/**
	 * The built package to install (copy mode): default `<repo>/dist`. Another folder (e.g. a build with a
	 * deliberate break, compiled with `tsc --outDir`) is installed as the package's dist/ instead.
	 */
	distDir?: string;
	/** Extra environment for every n8n process of this instance (after the harness's own settings). */
	env?: Record<string, string | undefined>;
	/** Prefix of the scratch folder's name under os.tmpdir(). */
	name?: string;
}

export interface ExecuteResult {
	/**
	 * 0 = the execution succeeded, 1 = it failed (the execution JSON is still printed); null if killed.
	 * After n8n's crash on exit (see `crashedOnExit`) it is the code the printed execution stands for.
	 */
	exitCode: number | null;
	/** The signal that ended n8n, if one did. */
	signal: NodeJS.Signals | null;
	/** n8n printed the whole execution, then crashed as it exited (SIGSEGV): see `exitCodeOf`. */
	crashedOnExit: boolean;
	stdout: string;
	stderr: string;
	/** The parsed execution JSON, or undefined when n8n printed none (it failed before running). */
	execution: Execution | undefined;
	/** Files stdout/stderr were written to (kept until cleanup()). */
	stdoutFile: string;
	stderrFile: string;
}

export interface CliResult {
	exitCode: number | null;
	stdout: string;
	stderr: string;
}

export interface N8nInstance {
	readonly version: string;
	readonly installation: N8nInstallation;
	/** N8N_USER_FOLDER (n8n keeps its data in `<userFolder>/.n8n`). */
	readonly userFolder: string;
	/** Where our package is (or would be) installed: `<userFolder>/.n8n/nodes/node_modules/<package>`. */
	readonly packageDir: string;
	readonly packageMode: PackageMode;
	/** The environment every n8n process of this instance gets (NODE_ENV removed, Node 24 first on PATH). */
	env(extra?: Record<string, string | undefined>): NodeJS.ProcessEnv;
	/** Runs `n8n <args…>` to completion (stdout/stderr captured through files). */
	runCli(
		args: string[],
		opts?: { timeoutMs?: number; env?: Record<string, string | undefined> },
	): Promise<CliResult>;
	/**
	 * `n8n import:credentials`; each credential is `{ id?, name?, type, data }` with plain `data` (n8n encrypts
	 * it with the instance's key). Missing ids and names are filled in; returns the ids in order (a workflow
	 * node refers to a credential as `credentials: { <type>: { id, name } }`).
	 */
	importCredentials(credentials: object[]): Promise<string[]>;
	/** `n8n import:workflow`; adds a `versionId` (and `id`, `active: false`) if missing. Returns the workflow id. */
	importWorkflow(workflow: object): Promise<string>;
	/** `n8n execute --id=<id> --rawOutput`. Never throws for a failed execution: check exitCode/execution. */
	execute(
		workflowId: string,
		opts?: { timeoutMs?: number; env?: Record<string, string | undefined> },
	): Promise<ExecuteResult>;
	/** Items on a node's output: `runData[nodeName][0].data.main[outputIndex]`. */
	outputItems(
		execution: Execution | undefined,
		nodeName: string,
		outputIndex?: number,
	): ExecutionItem[];
	/** A node's error (`runData[nodeName][0].error`), undefined if it succeeded. */
	nodeError(execution: Execution | undefined, nodeName: string): ExecutionNodeError | undefined;
	/** `n8n start` on a loopback port; resolves once n8n answers. Only one server per instance at a time. */
	startServer(opts?: StartServerOptions): Promise<N8nServer>;
	/** Stops a running server and removes the scratch folder (kept when N8N_E2E_KEEP_SCRATCH is set, for debugging). */
	cleanup(): Promise<void>;
}

/**
 * The exit code n8n's `execute` returns for a printed execution: 1 when it holds an error, else 0
 * (BaseCommand.finally). Needed because n8n 2.x's `execute` calls process.exit() with its isolated-vm
 * expression engine still running: when that engine's thread is mid-allocation as V8 tears down, n8n
 * dies by SIGSEGV after the execution was printed whole (a core dump shows the isolate's thread at a null
 * platform pointer while the main thread runs exit handlers; about 1 run in 8 under heavy disk use).
 */
export function exitCodeOf(execution: Execution): 0 | 1 {
	return executionError(execution) ? 1 : 0;
}

/** The harness's own settings for every n8n process (on top of the caller's environment, less NODE_ENV and N8N_*). */
function baseEnv(inst: N8nInstallation, userFolder: string): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		// Jest sets NODE_ENV=test, which makes n8n refuse to load nodes ("Not available in tests"); settings
		// of a developer's own n8n (N8N_LOG_LEVEL=warn would hide the execution JSON) must not leak in either.
		if (key === 'NODE_ENV' || key.startsWith('N8N_') || key.startsWith('DB_')) continue;
		env[key] = value;
	}
	return {
		...env,
		PATH: [inst.nodeBinDir, process.env.PATH].filter(Boolean).join(path.delimiter),
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		// The scratch folder's config file is created with the default umask: do not warn about it.
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// The two test workers each run n8n processes: the task broker port is set per process (see withPorts).
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	};
}

function installPackage(packageDir: string, mode: PackageMode, distDir: string): void {
	if (mode === 'none') return;
	if (!fs.existsSync(distDir)) {
		throw new Error(
			`${distDir} does not exist: run \`npm run build\` before the end-to-end tests (n8n loads the built package)`,
		);
	}
	fs.mkdirSync(path.dirname(packageDir), { recursive: true });
	if (mode === 'symlink') {
		if (path.resolve(distDir) !== path.join(REPO_ROOT, 'dist')) {
			throw new Error(
				`packageMode 'symlink' links the repo itself: it cannot use distDir ${distDir}`,
			);
		}
		fs.symlinkSync(REPO_ROOT, packageDir, 'dir');
		return;
	}
	fs.mkdirSync(packageDir);
	fs.copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(packageDir, 'package.json'));
	fs.cpSync(distDir, path.join(packageDir, 'dist'), { recursive: true });
}

export async function createN8nInstance(
	options: CreateN8nInstanceOptions = {},
): Promise<N8nInstance> {
	const version = options.version ?? defaultN8nVersion();
	const packageMode = options.packageMode ?? 'copy';
	const installation = ensureN8nInstalled(version);

	const userFolder = fs.mkdtempSync(
		path.join(os.tmpdir(), `${options.name ?? 'n8n-e2e'}-${version}-`),
	);
	const workDir = path.join(userFolder, 'harness');
	fs.mkdirSync(workDir);
	const packageDir = path.join(userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
	try {
		installPackage(packageDir, packageMode, options.distDir ?? path.join(REPO_ROOT, 'dist'));
	} catch (error) {
		fs.rmSync(userFolder, { recursive: true, force: true });
		throw error;
	}

	const base = baseEnv(installation, userFolder);
	let fileCounter = 0;
	const nextFile = (stem: string) =>
		path.join(workDir, `${String(++fileCounter).padStart(3, '0')}-${stem}`);
	let server: N8nServer | undefined;

	const env = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv => {
		const merged: NodeJS.ProcessEnv = { ...base, ...options.env, ...extra };
		for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
		return merged;
	};
	/** A free task-broker port for each n8n process, so parallel test workers never collide on 5679. */
	const withPorts = async (extra: Record<string, string | undefined> = {}) =>
		env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extra });

	const runCli: N8nInstance['runCli'] = async (args, opts = {}) => {
		const stem = args[0].replace(/[^a-z0-9]+/gi, '-');
		const stdoutFile = nextFile(`${stem}.stdout.txt`);
		const stderrFile = nextFile(`${stem}.stderr.txt`);
		const timeoutMs = opts.timeoutMs ?? 120_000;
		const result = await runToFiles(installation.nodeBin, [installation.n8nBin, ...args], {
			cwd: userFolder,
			env: await withPorts(opts.env),
			stdoutFile,
			stderrFile,
			timeoutMs,
		});
		const stdout = fs.readFileSync(stdoutFile, 'utf8');
		const stderr = fs.readFileSync(stderrFile, 'utf8');
		if (result.timedOut) {
			throw new Error(
				`n8n ${args.join(' ')} did not finish within ${timeoutMs} ms\n--- stdout (end) ---\n${tailOfFile(stdoutFile)}\n--- stderr (end) ---\n${tailOfFile(stderrFile)}`,
			);
		}
		return { exitCode: result.exitCode, stdout, stderr };
	};

	const runCliOrThrow = async (args: string[]) => {
		const result = await runCli(args);
		if (result.exitCode !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited with ${result.exitCode}\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-4000)}`,
			);
		}
		return result;
	};

	const instance: N8nInstance = {
		version,
		installation,
		userFolder,
		packageDir,
		packageMode,
		env,
		runCli,

		async importCredentials(credentials) {
			const filled = credentials.map((credential) => {
				const c = { ...(credential as Record<string, unknown>) };
				if (typeof c.id !== 'string' || c.id === '')
					c.id = randomUUID().replace(/-/g, '').slice(0, 16);
				if (typeof c.name !== 'string' || c.name === '') c.name = `e2e ${String(c.type)} ${c.id}`;
				return c;
			});
			const file = nextFile('credentials.json');
			fs.writeFileSync(file, JSON.stringify(filled, null, 2));
			await runCliOrThrow(['import:credentials', `--input=${file}`]);
			return filled.map((c) => c.id as string);
		},

		async importWorkflow(workflow) {
			const wf = { ...(workflow as Record<string, unknown>) };
			if (typeof wf.id !== 'string' || wf.id === '')
				wf.id = randomUUID().replace(/-/g, '').slice(0, 16);
			// n8n 2.0.x and 1.x need a versionId on imported workflows.
			if (typeof wf.versionId !== 'string' || wf.versionId === '') wf.versionId = randomUUID();
			if (wf.active === undefined) wf.active = false;
			if (wf.settings === undefined) wf.settings = {};
			if (wf.connections === undefined) wf.connections = {};
			if (typeof wf.name !== 'string' || wf.name === '') wf.name = `e2e ${wf.id}`;
			const file = nextFile('workflow.json');
			fs.writeFileSync(file, JSON.stringify(wf, null, 2));
			await runCliOrThrow(['import:workflow', `--input=${file}`]);
			return wf.id as string;
		},

		async execute(workflowId, opts = {}) {
			const stdoutFile = nextFile('execute.stdout.txt');
			const stderrFile = nextFile('execute.stderr.txt');
			const timeoutMs = opts.timeoutMs ?? 180_000;
			const result = await runToFiles(
				installation.nodeBin,
				[installation.n8nBin, 'execute', `--id=${workflowId}`, '--rawOutput'],
				{ cwd: userFolder, env: await withPorts(opts.env), stdoutFile, stderrFile, timeoutMs },
			);
			const stdout = fs.readFileSync(stdoutFile, 'utf8');
			const stderr = fs.readFileSync(stderrFile, 'utf8');
			if (result.timedOut) {
				throw new Error(
					`n8n execute --id=${workflowId} did not finish within ${timeoutMs} ms\n--- stdout (end) ---\n${tailOfFile(stdoutFile)}\n--- stderr (end) ---\n${tailOfFile(stderrFile)}`,
				);
			}
			const execution = parseExecutionOutput(stdout);
			const crashedOnExit = result.signal === 'SIGSEGV' && execution !== undefined;
			if (crashedOnExit) {
				console.warn(
					`[e2e] n8n execute --id=${workflowId} printed its execution, then crashed on exit (SIGSEGV); the execution stands`,
				);
			}
			return {
				exitCode: crashedOnExit ? exitCodeOf(execution) : result.exitCode,
				signal: result.signal,
				crashedOnExit,
				stdout,
				stderr,
				execution,
				stdoutFile,
				stderrFile,
			};
		},

		outputItems(execution, nodeName, outputIndex = 0) {
			if (!execution)
				throw new Error('n8n printed no execution (see the ExecuteResult stdout/stderr)');
			return nodeOutputItems(execution, nodeName, outputIndex);
		},

		nodeError(execution, nodeName) {
			if (!execution)
				throw new Error('n8n printed no execution (see the ExecuteResult stdout/stderr)');
			return nodeError(execution, nodeName);
		},

		async startServer(opts = {}) {
			if (server?.isRunning()) throw new Error('this n8n instance already has a running server');
			server = await N8nServer.start({
				...opts,
				installation,
				cwd: userFolder,
				env: await withPorts(opts.env),
				logFile: nextFile('server.log'),
			});
			return server;
		},

		async cleanup() {
			if (server) await server.stop();
			if (process.env.N8N_E2E_KEEP_SCRATCH) {
				process.stderr.write(`[e2e] N8N_E2E_KEEP_SCRATCH is set: kept ${userFolder}\n`);
				return;
			}
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

/**
 * Every file n8n wrote into the instance's user folder (database, execution data, logs, CLI output); not
 * the credential files the harness hands to `n8n import:credentials`, which hold secrets by design.
 */
export function filesN8nWrote(n8n: N8nInstance): string[] {
	return fs
		.readdirSync(n8n.userFolder, { recursive: true, encoding: 'utf8' })
		.map((name) => path.join(n8n.userFolder, name))
		.filter((file) => fs.statSync(file).isFile() && !file.endsWith('-credentials.json'));
}
