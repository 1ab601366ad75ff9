// Summarises a .cpuprofile (node --cpu-prof): self time per source area and the top functions.
//   node scripts/bench/profileSummary.js <file.cpuprofile> [top=25] [windowUrl windowMs]
// With windowUrl/windowMs, only the windowMs milliseconds starting at the first sample whose stack runs code from
// a file whose URL contains windowUrl (`<url part>#<function name>` to name the function too, e.g.
// `OnlyofficeDeleteOpportunities.node.js#execute` and the node's n8n executionTime) are counted.
'use strict';
const fs = require('node:fs');

function area(url) {
	if (!url) return '(native/GC/idle)';
	if (url.includes('/nodes/')) return 'our node (nodes/)';
	if (url.includes('/credentials/')) return 'our credential';
	if (url.includes('/test/portal/')) return 'stand-in portal';
	if (url.includes('/test/helpers/')) return 'runNode helper';
	if (url.includes('@n8n/backend-network') || url.includes('/axios/'))
		return 'n8n HTTP client (axios)';
	if (url.includes('node_modules'))
		return `deps: ${url.split('node_modules/').pop().split('/').slice(0, 2).join('/')}`;
	if (url.startsWith('node:')) return 'Node core';
	return url;
}

function summarise(file, top = 25, window) {
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map();
	const dt = profile.timeDeltas;
	let include = () => true;
	let windowNote = '';
	if (window) {
		const parent = new Map();
		for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
		const [url, fn] = window.url.split('#');
		const inWindowCode = (id) => {
			for (let at = id; at !== undefined; at = parent.get(at)) {
				const frame = byId.get(at).callFrame;
				if (frame.url.includes(url) && (fn === undefined || frame.functionName === fn)) return true;
			}
			return false;
		};
		let t = profile.startTime;
		const times = dt.map((d) => (t += d));
		const first = profile.samples.findIndex((id) => inWindowCode(id));
		if (first === -1) throw new Error(`no sample runs code from ${window.url}`);
		const from = times[first];
		const to = from + window.ms * 1000;
		include = (i) => times[i] >= from && times[i] <= to;
		windowNote = ` (window: ${window.ms} ms from the first sample in ${window.url})`;
	}
	for (let i = 0; i < profile.samples.length; i++) {
		if (!include(i)) continue;
		self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (dt[i] ?? 0));
	}
	const areas = new Map();
	const fns = new Map();
	let total = 0;
	for (const [id, us] of self) {
		const n = byId.get(id);
		const { functionName, url, lineNumber } = n.callFrame;
		total += us;
		const a =
			functionName === '(idle)'
				? '(idle)'
				: functionName === '(garbage collector)'
					? '(GC)'
					: area(url);
		areas.set(a, (areas.get(a) ?? 0) + us);
		const key = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${lineNumber + 1}` : ''}`;
		fns.set(key, (fns.get(key) ?? 0) + us);
	}
	const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;
	const lines = [`${file}: ${ms(total)} sampled${windowNote}`];
	lines.push('By area (self time):');
	for (const [a, us] of [...areas].sort((x, y) => y[1] - x[1])) lines.push(`  ${ms(us)}  ${a}`);
	lines.push(`Top ${top} functions (self time):`);
	for (const [f, us] of [...fns].sort((x, y) => y[1] - x[1]).slice(0, top))
		lines.push(`  ${ms(us)}  ${f}`);
	return lines.join('\n');
}

if (require.main === module) {
	const [file, top, url, windowMs] = process.argv.slice(2);
	console.log(summarise(file, Number(top ?? 25), url ? { url, ms: Number(windowMs) } : undefined));
}
module.exports = { summarise };
