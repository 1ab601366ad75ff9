#!/usr/bin/env node
/*
 * Runs the lint legs of n8n's verification scanner (@n8n/scan-community-package, see scripts/scan-install.sh)
 * the way its analyzePackageByName does for a published package:
 *
 *   1. source leg:  analyzePackage(<source checkout>, SOURCE_FILE_PATTERNS)   (package.json, nodes/, credentials/)
 *   2. tarball leg: analyzePackage(<unpacked npm pack>, ['**\/*.js', 'package.json'])
 *
 *   npm run scan                      scans the last commit (HEAD): what n8n scans is the commit a release is
 *                                     built from; uncommitted edits (yours or anyone's in this tree) are not scanned
 *   npm run scan -- --working-tree    scans the files on disk instead: tracked and untracked, not git-ignored
 *   npm run scan -- --keep            keeps the temporary folder and prints where it is
 *
 * Either way the files are copied to a temporary folder, built there (npm run build) and packed there (npm pack),
 * so the repo's own dist/ is neither used nor touched. Inline eslint-disable comments do not count: the scanner
 * lints with allowInlineConfig: false. The provenance and download steps of the real scan need a published
 * version and are not run.
 *
 * Exit status: 0 no violation, 1 violations (or a leg found no file to lint), 2 the scan could not run.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { pathToFileURL } = require('url');

const REPO_ROOT = path.resolve(__dirname, '..');
const SCANNER_VERSION = '0.32.0';
const SCAN_DIR = path.join(REPO_ROOT, '.cache', `scan-community-package-${SCANNER_VERSION}`);
const SCANNER = path.join(SCAN_DIR, 'node_modules/@n8n/scan-community-package/scanner/scanner.mjs');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const log = (line = '') => process.stdout.write(`[scan] ${line}\n`);

class SetupError extends Error {}

function run(command, args, options = {}) {
	const result = spawnSync(command, args, {
		encoding: 'utf8',
		maxBuffer: 256 * 1024 * 1024,
		...options,
	});
	if (result.error) throw new SetupError(`${command} ${args.join(' ')}: ${result.error.message}`);
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
		throw new SetupError(`${command} ${args.join(' ')} exited with ${result.status}\n${output}`);
	}
	return result;
}

const git = (...args) => run('git', args, { cwd: REPO_ROOT }).stdout;

/** Fills `dir` with the committed tree of HEAD (what `git archive` would publish). */
function snapshotHead(dir) {
	const archive = path.join(path.dirname(dir), 'head.tar');
	git('archive', '--format=tar', '-o', archive, 'HEAD');
	run('tar', ['-xf', archive, '-C', dir]);
	fs.rmSync(archive);
}

/** Fills `dir` with the files on disk that git tracks or would track (not ignored), as they are now. */
function snapshotWorkingTree(dir) {
	const files = git('ls-files', '-z', '--cached', '--others', '--exclude-standard').split('\0');
	for (const file of files) {
		const from = path.join(REPO_ROOT, file);
		if (!file || !fs.existsSync(from) || !fs.statSync(from).isFile()) continue; // deleted, or a submodule
		fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
		fs.copyFileSync(from, path.join(dir, file));
	}
}

/** Builds the snapshot with the repo's own dependencies and packs it; returns the unpacked tarball folder. */
function buildAndPack(sourceDir, work) {
	fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(sourceDir, 'node_modules'), 'dir');
	run('npm', ['run', 'build'], { cwd: sourceDir });
	const packDir = path.join(work, 'pack');
	fs.mkdirSync(packDir);
	const packed = JSON.parse(
		run('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: sourceDir }).stdout,
	);
	const tarballDir = path.join(work, 'tarball');
	fs.mkdirSync(tarballDir);
	run('tar', [
		'-xzf',
		path.join(packDir, packed[0].filename),
		'-C',
		tarballDir,
		'--strip-components=1',
	]);
	return tarballDir;
}

/** Runs one leg and prints its result; returns whether it passed. */
async function leg(scanner, glob, label, dir, patterns) {
	const files = glob.sync(patterns, {
		cwd: dir,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const started = Date.now();
	const result = await scanner.analyzePackage(dir, patterns);
	const seconds = ((Date.now() - started) / 1000).toFixed(1);
	log(`${label}: ${files.length} files (${patterns.join(', ')}), ${seconds}s`);
	for (const file of files.sort()) log(`    ${file}`);
	if (files.length === 0) {
		// The scanner passes an empty folder; here it would mean the snapshot or the build went wrong.
		log(`FAIL ${label}: no file to lint`);
		return false;
	}
	if (result.passed) {
		log(`ok   ${label}: no violation`);
		return true;
	}
	log(`FAIL ${label}: ${result.message}`);
	// Paths relative to the scanned folder (a temporary one) read better.
	if (result.details)
		process.stdout.write(
			`${result.details
				.split(dir + path.sep)
				.join('')
				.trim()}\n\n`,
		);
	return false;
}

async function main() {
	const args = process.argv.slice(2);
	const unknown = args.filter((arg) => !['--working-tree', '--keep'].includes(arg));
	if (unknown.length)
		throw new SetupError(`unknown option ${unknown.join(' ')} (see scripts/scan.js)`);
	const workingTree = args.includes('--working-tree');
	const keep = args.includes('--keep');
	const started = Date.now();

	run('bash', [path.join(__dirname, 'scan-install.sh')], { stdio: 'inherit', encoding: undefined });

	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'onlyoffice-crm-scan-'));
	try {
		const sourceDir = path.join(work, 'source');
		fs.mkdirSync(sourceDir);
		const head = git('log', '-1', '--format=%h %s').trim();
		if (workingTree) {
			snapshotWorkingTree(sourceDir);
			log(`scanning the working tree (files on disk; HEAD is ${head})`);
		} else {
			snapshotHead(sourceDir);
			log(`scanning the last commit: ${head}`);
			const uncommitted = git(
				'status',
				'--porcelain',
				'--',
				'package.json',
				'nodes',
				'credentials',
				'index.js',
			);
			if (uncommitted.trim()) {
				log('not scanned, uncommitted (commit them, or run: npm run scan -- --working-tree):');
				for (const line of uncommitted.trimEnd().split('\n')) log(`    ${line}`);
			}
		}

		// The scanner makes a temporary folder when it is loaded and never removes it: let it make it in ours.
		const tmpdir = process.env.TMPDIR;
		process.env.TMPDIR = work;
		const scanner = await import(pathToFileURL(SCANNER).href);
		if (tmpdir === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = tmpdir;

		// The source leg first, on the checkout as it is (no node_modules, no dist/), as the scanner gets it.
		const glob = require(path.join(SCAN_DIR, 'node_modules/fast-glob')); // the scanner's own file finder

		const sourceOk = await leg(
			scanner,
			glob,
			'source leg',
			sourceDir,
			scanner.SOURCE_FILE_PATTERNS,
		);
		log('building and packing (npm run build, npm pack) ...');
		const tarballDir = buildAndPack(sourceDir, work);
		const tarballOk = await leg(scanner, glob, 'tarball leg', tarballDir, TARBALL_PATTERNS);

		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		if (keep) log(`kept ${work}`);
		if (sourceOk && tarballOk) {
			log(
				`passed: no violation on either leg (@n8n/scan-community-package ${SCANNER_VERSION}, ${seconds}s)`,
			);
			return 0;
		}
		log(`FAILED: violations above (@n8n/scan-community-package ${SCANNER_VERSION}, ${seconds}s)`);
		log('inline eslint-disable comments do not count here; fix the code');
		return 1;
	} finally {
		if (!keep) fs.rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(status) => process.exit(status),
	(error) => {
		process.stderr.write(
			`[scan] ERROR: ${error instanceof SetupError ? error.message : error.stack}\n`,
		);
		process.exit(2);
	},
);
