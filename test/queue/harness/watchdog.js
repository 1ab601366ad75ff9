// @ts-check
'use strict';

/**
 * The queue stack's watchdog: a small detached process that outlives the test runner. It reads the list of
 * processes the stack started (PID, kind, a marker of its command line) and scratch folders from a state file
 * the stack keeps up to date, and once the process that started them is gone (Ctrl+C in jest, a crash, a
 * SIGKILL), stops what is still listed and removes the folders. Jest gives a test its own `process` object, so
 * signal handlers registered by test code never run; this does not depend on them.
 *
 *   node watchdog.js <parent pid> <state file>
 */

const fs = require('fs');

const [parentArg, stateFile] = process.argv.slice(2);
const parent = Number(parentArg);
if (!Number.isInteger(parent) || !stateFile) {
	console.error('usage: node watchdog.js <parent pid> <state file>');
	process.exit(2);
}

/** @typedef {{ pid: number, kind: 'group' | 'postgres', marker: string }} Entry */

/** @param {number} pid */
function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

/** @returns {{ processes: Entry[], folders: string[] }} */
function readState() {
	try {
		return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
	} catch {
		return { processes: [], folders: [] };
	}
}

/** Only a process whose command line still shows what was started is signalled (a PID can be reused). */
function isOurs(/** @type {Entry} */ entry) {
	try {
		return fs.readFileSync(`/proc/${entry.pid}/cmdline`, 'utf8').includes(entry.marker);
	} catch {
		return false;
	}
}

function cleanUp() {
	const { processes, folders } = readState();
	for (const entry of processes) {
		if (!isOurs(entry)) continue;
		try {
			// A postmaster ends its backends itself on SIGQUIT (immediate shutdown).
			if (entry.kind === 'postgres') process.kill(entry.pid, 'SIGQUIT');
			else process.kill(-entry.pid, 'SIGKILL');
		} catch {
			// Gone meanwhile.
		}
	}
	const deadline = Date.now() + 10_000;
	const waitForExit = () => {
		const left = processes.filter((entry) => alive(entry.pid) && isOurs(entry));
		if (left.length > 0 && Date.now() < deadline) return setTimeout(waitForExit, 100);
		for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
		fs.rmSync(stateFile, { force: true });
		process.exit(0);
	};
	waitForExit();
}

// Not stopped by a Ctrl+C meant for the test runner (it runs in a process group of its own anyway).
process.on('SIGINT', () => undefined);
const timer = setInterval(() => {
	if (!fs.existsSync(stateFile)) process.exit(0); // the stack stopped normally and removed it
	if (!alive(parent)) {
		clearInterval(timer);
		cleanUp();
	}
}, 300);
