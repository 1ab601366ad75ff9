/**
 * Everything the queue stack starts is written down here, by PID, so that it is stopped whatever happens:
 * by the stack's own stop() on success and failure; if this process ends without it (Ctrl+C, a crash), by a
 * watchdog process (watchdog.js) that reads the same list from a state file; and, where the real `process`
 * is reachable (a plain Node script such as the benchmark, not a jest test, which gets its own `process`
 * object), synchronously on SIGINT, SIGTERM and SIGHUP. Only processes this process started and that are
 * still running are signalled (a PID is never signalled after its process has exited: it may belong to
 * someone else by then).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { isRunning } from '../../e2e/harness/processes';

export interface Tracked {
	name: string;
	child: ChildProcess;
	/** `group`: the child leads its own process group (n8n and its task runner, Redis); `postgres`: a postmaster. */
	kind: 'group' | 'postgres';
	/** Part of its command line (`bin/n8n`, `redis-server`, `postgres`): the watchdog checks it before signalling. */
	marker: string;
}

const tracked = new Set<Tracked>();
const folders = new Set<string>();
let handlersInstalled = false;
let stateFile: string | undefined;

/** Writes the list for the watchdog, starting one if there is none; removes the file (ending it) when empty. */
function writeState(): void {
	if (tracked.size === 0 && folders.size === 0) {
		if (stateFile) fs.rmSync(stateFile, { force: true });
		stateFile = undefined;
		return;
	}
	const starting = stateFile === undefined;
	stateFile ??= path.join(os.tmpdir(), `n8n-queue-watchdog-${process.pid}-${Date.now()}.json`);
	const state = {
		processes: [...tracked]
			.filter((e) => e.child.pid !== undefined)
			.map((e) => ({ pid: e.child.pid, kind: e.kind, marker: e.marker })),
		folders: [...folders],
	};
	fs.writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
	fs.renameSync(`${stateFile}.tmp`, stateFile);
	if (starting) {
		const watchdog = spawn(
			process.execPath,
			[path.join(__dirname, 'watchdog.js'), String(process.pid), stateFile],
			{ detached: true, stdio: 'ignore' },
		);
		watchdog.unref();
	}
}

/** Signals for the emergency stop: a whole group is killed; a postmaster gets SIGQUIT (immediate shutdown). */
function killNow(entry: Tracked): void {
	const pid = entry.child.pid;
	if (pid === undefined || !isRunning(entry.child)) return;
	try {
		if (entry.kind === 'postgres') process.kill(pid, 'SIGQUIT');
		else process.kill(-pid, 'SIGKILL');
	} catch {
		// Gone already.
	}
}

function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number | undefined): boolean {
	if (pid === undefined) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** Stops every tracked process now and removes the tracked folders; synchronous, for signal and exit handlers. */
export function stopAllNow(): void {
	const entries = [...tracked];
	for (const entry of entries) killNow(entry);
	// A postmaster takes a moment to end its backends; wait (briefly) before deleting its data folder.
	const deadline = Date.now() + 5_000;
	while (entries.some((e) => e.kind === 'postgres' && alive(e.child.pid)) && Date.now() < deadline)
		sleepSync(50);
	tracked.clear();
	for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
	folders.clear();
	writeState();
}

function installHandlers(): void {
	if (handlersInstalled) return;
	handlersInstalled = true;
	process.once('exit', stopAllNow);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.once(signal, () => {
			process.stderr.write(`\n[queue] ${signal}: stopping Redis, PostgreSQL and n8n\n`);
			stopAllNow();
			process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
		});
	}
}

/** Writes a started process down; returns a function that forgets it (call once it has exited). */
export function track(entry: Tracked): () => void {
	installHandlers();
	tracked.add(entry);
	writeState();
	const forget = () => {
		if (tracked.delete(entry)) writeState();
	};
	entry.child.once('exit', forget);
	return forget;
}

/** A scratch folder removed by the emergency stop too; returns a function that forgets it. */
export function trackFolder(folder: string): () => void {
	installHandlers();
	folders.add(folder);
	writeState();
	return () => {
		if (folders.delete(folder)) writeState();
	};
}
