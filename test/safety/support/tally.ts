/**
 * Records what the safety tests checked, for the summary printed by ../summaryReporter.js. Does nothing unless
 * that reporter runs (it names a folder in an environment variable); each jest worker appends to its own file.
 */
import { appendFileSync } from 'fs';
import { join } from 'path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TALLY_ENV } = require('../summaryReporter') as { TALLY_ENV: string };

export type DistinctKind = 'badInput' | 'fault';
export type SummedKind = 'deletionsChecked' | 'secretsFound' | 'secretScans';

/** A bad input or a fault that was tried and checked; the summary counts distinct keys. */
export function tallyCase(kind: DistinctKind, key: string): void {
	write({ kind, key, count: 1 });
}

/** A count the summary adds up over every run. */
export function tallyCount(kind: SummedKind, count: number): void {
	write({ kind, key: '', count });
}

function write(entry: { kind: string; key: string; count: number }) {
	const dir = process.env[TALLY_ENV];
	if (!dir) return;
	appendFileSync(join(dir, `${process.pid}.jsonl`), `${JSON.stringify(entry)}\n`);
}
