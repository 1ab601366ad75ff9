// @ts-check
'use strict';

/**
 * A jest reporter for the safety suite: ends the run with the figures the README quotes, counted from what the
 * tests recorded while they ran (support/tally.ts), never typed in:
 *
 *   N bad inputs         distinct bad inputs that were tried and checked (table rows and generated ones)
 *   N faults             distinct portal faults that were injected and checked
 *   N deletions checked  deleted opportunities checked by checkDeletionAccounting, summed over every run
 *   secrets found: N     occurrences of a secret found by the secret scans
 *
 *   npx jest test/safety --reporters=default --reporters=./test/safety/summaryReporter.js
 *
 * The constructor creates a temporary folder and names it in an environment variable before jest starts its
 * workers, which inherit it; tests append JSON lines there. Without this reporter the variable is unset, the
 * tests record nothing, and nothing is printed.
 */

const fs = require('fs');
const os = require('os');
const path = require('path');

const TALLY_ENV = 'ONLYOFFICE_SAFETY_TALLY_DIR';

class SummaryReporter {
	constructor() {
		this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onlyoffice-safety-'));
		process.env[TALLY_ENV] = this.dir;
	}

	/** Sums what every test file recorded. */
	read() {
		/** @type {Record<string, Set<string>>} */
		const distinct = { badInput: new Set(), fault: new Set() };
		/** @type {{ deletionsChecked: number, secretsFound: number, secretScans: number }} */
		const sums = { deletionsChecked: 0, secretsFound: 0, secretScans: 0 };
		for (const file of fs.readdirSync(this.dir)) {
			for (const line of fs.readFileSync(path.join(this.dir, file), 'utf8').split('\n')) {
				if (line.trim() === '') continue;
				/** @type {{ kind: string, key: string, count: number }} */
				const { kind, key, count } = JSON.parse(line);
				if (kind in distinct) distinct[kind].add(String(key));
				else if (kind === 'deletionsChecked' || kind === 'secretsFound' || kind === 'secretScans')
					sums[kind] += Number(count);
			}
		}
		return { badInputs: distinct.badInput.size, faults: distinct.fault.size, ...sums };
	}

	/**
	 * Reads the figures now, and prints them when jest has finished writing (jest's own summary comes from a
	 * reporter it always adds last), so that the output ends with them.
	 * @param {unknown} _contexts @param {{ numFailedTests: number, numPassedTests: number }} results
	 */
	onRunComplete(_contexts, results) {
		const figures = this.read();
		fs.rmSync(this.dir, { recursive: true, force: true });
		const status = results.numFailedTests > 0 ? `${results.numFailedTests} FAILED tests, ` : '';
		const text = [
			'',
			`Safety summary (${status}${results.numPassedTests} passed tests; ${figures.secretScans} secret scans):`,
			`${figures.badInputs} bad inputs`,
			`${figures.faults} faults`,
			`${figures.deletionsChecked} deletions checked`,
			`secrets found: ${figures.secretsFound}`,
			'',
		].join('\n');
		process.once('exit', () => process.stdout.write(text));
	}
}

SummaryReporter.TALLY_ENV = TALLY_ENV;

module.exports = SummaryReporter;
