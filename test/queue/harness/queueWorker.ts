/**
 * One `n8n worker` process: its own task-broker port, health-check port, event-log file name and host name
 * (`unshare -u` gives it a UTS namespace of its own; n8n derives the worker's host ID from the host name, and
 * workers ignore commands from their own host ID).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';

import type { N8nInstance } from '../../e2e/harness/n8nInstance';
import {
	freePort,
	isRunning,
	killProcessGroup,
	tailOfFile,
	waitFor,
	WaitAborted,
} from '../../e2e/harness/processes';
import { track } from './cleanup';

export interface StartWorkerOptions {
	instance: N8nInstance;
	/** Host name, e.g. `w1`; also names its event log. */
	name: string;
	concurrency: number;
	logFile: string;
	/** Extra environment (on top of the instance's, which holds the queue and database settings). */
	env?: Record<string, string | undefined>;
	timeoutMs?: number;
}

export class QueueWorker {
	private constructor(
		readonly name: string,
		private readonly child: ChildProcess,
		readonly healthPort: number,
		readonly logFile: string,
	) {}

	/** The worker's PID (n8n itself; its task runner is a child in the same process group). */
	get pid(): number {
		return this.child.pid as number;
	}

	static async start(opts: StartWorkerOptions): Promise<QueueWorker> {
		const { instance, name } = opts;
		if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`bad worker name ${name}`);
		const healthPort = await freePort();
		const env = instance.env({
			...opts.env,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(healthPort),
			N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-${name}`,
		});
		const { nodeBin, n8nBin } = instance.installation;
		// Root may unshare the UTS namespace directly; other users need a user namespace for it.
		const unshare = process.getuid?.() === 0 ? ['-u'] : ['-r', '-u'];
		const log = fs.openSync(opts.logFile, 'a');
		let child: ChildProcess;
		try {
			child = spawn(
				'unshare',
				[
					...unshare,
					'sh',
					'-c',
					`hostname ${name} && exec "$0" "$@"`,
					nodeBin,
					n8nBin,
					'worker',
					`--concurrency=${opts.concurrency}`,
				],
				{
					cwd: instance.userFolder,
					env,
					stdio: ['ignore', log, log],
					// Its own process group: stop() and kill() reach the task runner too.
					detached: true,
				},
			);
		} finally {
			fs.closeSync(log);
		}
		track({ name: `worker ${name}`, child, kind: 'group', marker: 'bin/n8n' });
		const worker = new QueueWorker(name, child, healthPort, opts.logFile);
		try {
			await waitFor(
				`n8n worker ${name} to be ready on health port ${healthPort}`,
				async () => {
					if (!isRunning(child))
						throw new WaitAborted(
							`n8n worker ${name} exited with ${child.exitCode ?? child.signalCode}`,
						);
					return (await worker.isReady()) ? true : undefined;
				},
				{ timeoutMs: opts.timeoutMs ?? 180_000, intervalMs: 500 },
			);
		} catch (error) {
			await worker.stop();
			throw new Error(
				`${(error as Error).message}\n--- ${opts.logFile} (end) ---\n${tailOfFile(opts.logFile)}`,
			);
		}
		return worker;
	}

	isRunning(): boolean {
		return isRunning(this.child);
	}

	/** GET /healthz/readiness on the worker's own health port: 200 once its database and Redis are up. */
	async isReady(): Promise<boolean> {
		try {
			const response = await fetch(`http://127.0.0.1:${this.healthPort}/healthz/readiness`, {
				signal: AbortSignal.timeout(3_000),
			});
			await response.arrayBuffer();
			return response.status === 200;
		} catch {
			return false;
		}
	}

	/** Execution IDs this worker logged as started (`Worker started execution <id> (job <n>)`), in order. */
	startedExecutions(): string[] {
		const text = fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
		return [...text.matchAll(/Worker started execution (\d+) \(job /g)].map((m) => m[1]);
	}

	/** Kills the worker and its task runner at once (SIGKILL to the group): a crash, nothing is finished. */
	async kill(): Promise<void> {
		if (!this.isRunning()) return;
		const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		try {
			process.kill(-this.pid, 'SIGKILL');
		} catch {
			// Gone already.
		}
		await exited;
	}

	/** SIGTERM: n8n lets running executions finish (up to its graceful shutdown timeout), then SIGKILL. */
	async stop(graceMs = 35_000): Promise<void> {
		await killProcessGroup(this.child, graceMs);
	}
}
