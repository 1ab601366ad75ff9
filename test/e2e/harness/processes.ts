/**
 * Small process and polling helpers for driving n8n from tests on a slow (2-core) machine:
 * wait for states with a deadline instead of sleeping for fixed times.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Thrown by a waitFor probe to stop waiting at once (e.g. the process being waited for has exited). */
export class WaitAborted extends Error {}

/** Calls `probe` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	{ timeoutMs, intervalMs = 250 }: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	for (;;) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			if (error instanceof WaitAborted) throw error;
			lastError = error;
		}
		if (Date.now() >= deadline) {
			const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
		}
		await sleep(intervalMs);
	}
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
	return await new Promise<number>((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			server.close(() => (port ? resolve(port) : reject(new Error('could not get a free port'))));
		});
	});
}

export interface SpawnToFilesResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	timedOut: boolean;
}

/**
 * Runs a command in its own process group with stdout and stderr written to files (not pipes: n8n can
 * print megabytes), and waits for it to end. On timeout the whole group is killed.
 */
export async function runToFiles(
	command: string,
	args: string[],
	opts: {
		cwd: string;
		env: NodeJS.ProcessEnv;
		stdoutFile: string;
		stderrFile: string;
		timeoutMs: number;
	},
): Promise<SpawnToFilesResult> {
	const out = fs.openSync(opts.stdoutFile, 'w');
	const err = fs.openSync(opts.stderrFile, 'w');
	let child: ChildProcess;
	try {
		child = spawn(command, args, {
			cwd: opts.cwd,
			env: opts.env,
			stdio: ['ignore', out, err],
			detached: true,
		});
	} finally {
		fs.closeSync(out);
		fs.closeSync(err);
	}
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void killProcessGroup(child, 5_000);
	}, opts.timeoutMs);
	try {
		return await new Promise<SpawnToFilesResult>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (exitCode, signal) => resolve({ exitCode, signal, timedOut }));
		});
	} finally {
		clearTimeout(timer);
	}
}

/** True while the process has not exited. */
export function isRunning(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

/**
 * Sends SIGTERM to the child's process group (n8n and the task runners it spawned), waits up to
 * `graceMs` for the child to exit, then SIGKILLs what is left of the group. Resolves once the child has exited.
 *
 * Does nothing if the child has already exited: this machine's pid_max is 32768, so a pid (and process-group
 * id) that is free again may soon belong to another test's n8n; a group is signalled only while its leader is
 * ours, and once more right as it exits (its pgid cannot be reused while a straggler still holds it).
 */
export async function killProcessGroup(child: ChildProcess, graceMs = 15_000): Promise<void> {
	if (child.pid === undefined || !isRunning(child)) return;
	const pid = child.pid;
	const signalGroup = (signal: NodeJS.Signals) => {
		try {
			process.kill(-pid, signal);
		} catch {
			// The group is gone already.
		}
	};
	let timer: NodeJS.Timeout | undefined;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			clearTimeout(timer);
			// In the same tick as the exit: end a task runner that outlived n8n.
			signalGroup('SIGKILL');
			resolve();
		}),
	);
	signalGroup('SIGTERM');
	timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
	await exited;
}

/** The last `maxChars` characters of a file, or '' if it does not exist. */
export function tailOfFile(file: string, maxChars = 4_000): string {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.length > maxChars ? `…${text.slice(-maxChars)}` : text;
	} catch {
		return '';
	}
}
