/**
 * Everything the queue stack starts is written down here, by PID, so that it is stopped whatever happens:
 * by the stack's own stop() on success and failure, and synchronously on Ctrl+C (SIGINT), SIGTERM, SIGHUP
 * and at exit, when no await can run any more. Only processes this process started and that are still
 * running are signalled (a PID is never signalled after its process has exited: it may belong to someone
 * else by then).
 */
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import { isRunning } from '../../e2e/harness/processes';

export interface Tracked {
	name: string;
	child: ChildProcess;
	/** `group`: the child leads its own process group (n8n and its task runner, Redis); `postgres`: a postmaster. */
	kind: 'group' | 'postgres';
}

const tracked = new Set<Tracked>();
const folders = new Set<string>();
let handlersInstalled = false;

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
	entry.child.once('exit', () => tracked.delete(entry));
	return () => tracked.delete(entry);
}

/** A scratch folder removed by the emergency stop too; returns a function that forgets it. */
export function trackFolder(folder: string): () => void {
	installHandlers();
	folders.add(folder);
	return () => folders.delete(folder);
}
