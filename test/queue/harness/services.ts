/**
 * Redis and PostgreSQL for n8n's queue mode, each on a loopback port of its own with a scratch data folder,
 * run in the foreground as children of this process (no systemd, nothing system-wide). Debian's packages are
 * installed by scripts/install-queue-services.sh when missing (root only).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from '../../e2e/harness/n8nInstallation';
import { freePort, isRunning, tailOfFile, waitFor, WaitAborted } from '../../e2e/harness/processes';
import { track, trackFolder } from './cleanup';

export const INSTALL_SERVICES_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-queue-services.sh');

/**
 * Makes sure redis-server and a PostgreSQL server are installed (apt-get, root only, when missing) and
 * returns PostgreSQL's bin folder (/usr/lib/postgresql/<version>/bin).
 */
export function ensureQueueServices(): { postgresBin: string } {
	const result = spawnSync('bash', [INSTALL_SERVICES_SCRIPT], {
		cwd: REPO_ROOT,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
		timeout: 15 * 60_000,
	});
	const lines = (result.stdout ?? '').trim().split('\n');
	const postgresBin = lines[lines.length - 1];
	if (result.status !== 0 || !postgresBin || !fs.existsSync(path.join(postgresBin, 'postgres'))) {
		throw new Error(
			`scripts/install-queue-services.sh failed (exit code ${result.status}); run it by hand to see why`,
		);
	}
	return { postgresBin };
}

/** Stops a child: `signal`, then SIGKILL (to its group when it leads one) after `graceMs`. */
async function stopChild(
	child: ChildProcess,
	signal: NodeJS.Signals,
	graceMs: number,
	group: boolean,
): Promise<void> {
	if (child.pid === undefined || !isRunning(child)) return;
	const pid = child.pid;
	const send = (sig: NodeJS.Signals) => {
		try {
			process.kill(group ? -pid : pid, sig);
		} catch {
			// Gone already.
		}
	};
	let timer: NodeJS.Timeout | undefined;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			clearTimeout(timer);
			resolve();
		}),
	);
	send(signal);
	timer = setTimeout(() => send('SIGKILL'), graceMs);
	await exited;
}

function spawnLogged(
	command: string,
	args: string[],
	opts: { cwd: string; logFile: string; env?: NodeJS.ProcessEnv },
): ChildProcess {
	const log = fs.openSync(opts.logFile, 'a');
	try {
		return spawn(command, args, {
			cwd: opts.cwd,
			env: opts.env ?? process.env,
			stdio: ['ignore', log, log],
			detached: true,
		});
	} finally {
		fs.closeSync(log);
	}
}

export interface RedisServer {
	port: number;
	pid: number;
	logFile: string;
	stop(): Promise<void>;
}

/** Sends PING and resolves true on +PONG. */
function redisPing(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		const done = (ok: boolean) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(2_000, () => done(false));
		socket.once('error', () => done(false));
		socket.once('connect', () => socket.write('PING\r\n'));
		socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
	});
}

export async function startRedis(opts: { logDir: string; port?: number }): Promise<RedisServer> {
	const port = opts.port ?? (await freePort());
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-redis-'));
	const forgetFolder = trackFolder(dataDir);
	const logFile = path.join(opts.logDir, 'redis.log');
	const child = spawnLogged(
		'redis-server',
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--daemonize',
			'no',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dataDir,
		],
		{ cwd: dataDir, logFile },
	);
	track({ name: 'redis', child, kind: 'group', marker: 'redis-server' });
	const stop = async () => {
		await stopChild(child, 'SIGTERM', 10_000, true);
		fs.rmSync(dataDir, { recursive: true, force: true });
		forgetFolder();
	};
	try {
		await waitFor(
			`Redis on port ${port}`,
			async () => {
				if (!isRunning(child))
					throw new WaitAborted(`redis-server exited with ${child.exitCode ?? child.signalCode}`);
				return (await redisPing(port)) ? true : undefined;
			},
			{ timeoutMs: 30_000, intervalMs: 100 },
		);
	} catch (error) {
		await stop();
		throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${tailOfFile(logFile)}`);
	}
	return { port, pid: child.pid as number, logFile, stop };
}

export interface PostgresServer {
	port: number;
	pid: number;
	/** The database n8n uses. */
	database: string;
	user: string;
	logFile: string;
	/** pg_dump of n8n's database, as SQL text, into `file`. */
	dump(file: string): Promise<void>;
	stop(): Promise<void>;
}

const execFileText = (command: string, args: string[], env?: NodeJS.ProcessEnv) =>
	new Promise<string>((resolve, reject) =>
		execFile(
			command,
			args,
			{ encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 2 ** 20, env: env ?? process.env },
			(error, stdout, stderr) =>
				error
					? reject(new Error(`${command} failed: ${error.message}\n${stderr}`))
					: resolve(stdout),
		),
	);

/** The uid and gid of the `postgres` account (Debian's package creates it). */
function postgresAccount(): { uid: number; gid: number } {
	const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
	if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0)
		throw new Error('there is no postgres account (is Debian postgresql installed?)');
	return { uid, gid };
}

/**
 * PostgreSQL in a scratch folder under os.tmpdir() (never inside the clone: the postgres account must be able
 * to read it). As root the server runs as `postgres` (it refuses root); otherwise as the current user.
 */
export async function startPostgres(opts: {
	bin: string;
	logDir: string;
	port?: number;
}): Promise<PostgresServer> {
	const port = opts.port ?? (await freePort());
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pg-'));
	const forgetFolder = trackFolder(root);
	const dataDir = path.join(root, 'data');
	const logFile = path.join(opts.logDir, 'postgres.log');
	// C locale, so initdb does not depend on the machine's locales.
	const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANG: 'C' };
	delete env.NODE_ENV;
	const asRoot = process.getuid?.() === 0;
	const asPostgres = (command: string, args: string[]): [string, string[]] => {
		if (!asRoot) return [command, args];
		return [
			'setpriv',
			['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args],
		];
	};
	if (asRoot) {
		const { uid, gid } = postgresAccount();
		fs.chownSync(root, uid, gid);
	}
	fs.chmodSync(root, 0o700);

	const [initCommand, initArgs] = asPostgres(path.join(opts.bin, 'initdb'), [
		'-D',
		dataDir,
		'-A',
		'trust',
		'-U',
		'postgres',
		'-E',
		'UTF8',
		'--locale=C',
		'--no-sync',
	]);
	const init = spawnSync(initCommand, initArgs, { cwd: root, env, encoding: 'utf8' });
	if (init.status !== 0) {
		fs.rmSync(root, { recursive: true, force: true });
		forgetFolder();
		throw new Error(`initdb failed (exit code ${init.status}):\n${init.stdout}\n${init.stderr}`);
	}

	const [command, args] = asPostgres(path.join(opts.bin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-k',
		root,
		// Scratch data: durability is not wanted, speed is.
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=100',
	]);
	const child = spawnLogged(command, args, { cwd: root, logFile, env });
	track({ name: 'postgres', child, kind: 'postgres', marker: 'postgres' });
	const stop = async () => {
		// SIGINT: PostgreSQL's fast shutdown (clients are disconnected); SIGKILL only if it hangs.
		await stopChild(child, 'SIGINT', 20_000, false);
		fs.rmSync(root, { recursive: true, force: true });
		forgetFolder();
	};
	const psql = path.join(opts.bin, 'psql');
	const connection = ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres'];
	try {
		await waitFor(
			`PostgreSQL on port ${port}`,
			async () => {
				if (!isRunning(child))
					throw new WaitAborted(`postgres exited with ${child.exitCode ?? child.signalCode}`);
				await execFileText(psql, [...connection, '-d', 'postgres', '-Atc', 'select 1'], env);
				return true;
			},
			{ timeoutMs: 60_000, intervalMs: 200 },
		);
		await execFileText(psql, [...connection, '-d', 'postgres', '-c', 'CREATE DATABASE n8n'], env);
	} catch (error) {
		await stop();
		throw new Error(`${(error as Error).message}\n--- ${logFile} ---\n${tailOfFile(logFile)}`);
	}
	return {
		port,
		pid: child.pid as number,
		database: 'n8n',
		user: 'postgres',
		logFile,
		async dump(file) {
			await execFileText(
				path.join(opts.bin, 'pg_dump'),
				[...connection, '-d', 'n8n', '--no-owner', '-f', file],
				env,
			);
		},
		stop,
	};
}
