// Peak memory of an n8n process and its children (the task runner n8n spawns), sampled from /proc while it
// runs. The harness starts `n8n execute` in a process group of its own and does not hand out its pid, so the
// process is found by its command line (the workflow id is random, so it names one process only).
// Linux only; elsewhere the figures stay undefined and the benchmark says so.
'use strict';
const fs = require('node:fs');

const SAMPLE_MS = 25;
const RESCAN_MS = 250;

const readText = (file) => {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return undefined; // the process has exited meanwhile
	}
};

/** { pid: ppid } of every process now. */
function parentsOfAll() {
	const parents = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const stat = readText(`/proc/${entry}/stat`);
		// The command name in parentheses may hold spaces: the fields after its closing parenthesis.
		const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (fields) parents.set(Number(entry), Number(fields[1]));
	}
	return parents;
}

/** kB → MB of one `VmRSS:`/`VmHWM:` line of /proc/<pid>/status. */
function statusMB(status, field) {
	const match = status && new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
	return match ? Number(match[1]) / 1024 : undefined;
}

/**
 * Starts sampling the process whose command line contains every string of `markers` (or the process with
 * that pid, when `markers` is a number), and its descendants.
 * @param {string[] | number} markers
 * @returns {{ stop(): { peakTreeRssMB?: number, peakMainHwmMB?: number, peakChildrenRssMB?: number, processes: number, samples: number } }}
 */
function sampleProcessTree(markers) {
	if (process.platform !== 'linux') return { stop: () => ({ processes: 0, samples: 0 }) };
	let root;
	const tree = new Set();
	const seen = new Set();
	let lastScan = 0;
	let peakTree;
	let peakMainHwm;
	let peakChildren;
	let samples = 0;

	const findRoot = () => {
		if (typeof markers === 'number')
			return readText(`/proc/${markers}/status`) === undefined ? undefined : markers;
		for (const entry of fs.readdirSync('/proc')) {
			if (!/^\d+$/.test(entry)) continue;
			const cmdline = readText(`/proc/${entry}/cmdline`)?.split('\0').join(' ');
			if (cmdline && markers.every((marker) => cmdline.includes(marker))) return Number(entry);
		}
		return undefined;
	};
	const rescan = () => {
		const parents = parentsOfAll();
		let grew = true;
		while (grew) {
			grew = false;
			for (const [pid, ppid] of parents) {
				if (!tree.has(pid) && tree.has(ppid)) {
					tree.add(pid);
					seen.add(pid);
					grew = true;
				}
			}
		}
	};
	const sample = () => {
		if (root === undefined) {
			root = findRoot();
			if (root === undefined) return;
			tree.add(root);
			seen.add(root);
		}
		const now = Date.now();
		if (now - lastScan >= RESCAN_MS) {
			rescan();
			lastScan = now;
		}
		let total = 0;
		let children = 0;
		for (const pid of tree) {
			const status = readText(`/proc/${pid}/status`);
			const rss = statusMB(status, 'VmRSS');
			if (rss === undefined) {
				tree.delete(pid);
				continue;
			}
			total += rss;
			if (pid === root) {
				const hwm = statusMB(status, 'VmHWM');
				if (hwm !== undefined) peakMainHwm = Math.max(peakMainHwm ?? 0, hwm);
			} else children += rss;
		}
		if (tree.size === 0) return;
		samples++;
		peakTree = Math.max(peakTree ?? 0, total);
		peakChildren = Math.max(peakChildren ?? 0, children);
	};
	const timer = setInterval(sample, SAMPLE_MS);
	sample();
	return {
		stop() {
			clearInterval(timer);
			return {
				peakTreeRssMB: peakTree,
				peakMainHwmMB: peakMainHwm,
				peakChildrenRssMB: peakChildren,
				processes: seen.size,
				samples,
			};
		},
	};
}

module.exports = { sampleProcessTree };
