/**
 * Installs this package into an n8n user folder the way n8n's Community Nodes install does: the published
 * tarball (`npm pack`), unpacked into `<userFolder>/.n8n/nodes/node_modules/<name>`, with dev, peer and
 * optional dependencies dropped from its package.json, then `npm install --ignore-scripts` there. n8n then
 * resolves `n8n-workflow` to its own copy, as for any package a user installs.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { REPO_ROOT } from '../../e2e/harness/n8nInstallation';

/** The environment for npm here: jest's NODE_ENV and the repo's npm settings stay out. */
function npmEnv(): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (key === 'NODE_ENV' || key.toLowerCase().startsWith('npm_')) continue;
		env[key] = value;
	}
	return env;
}

/** `npm pack`s the repo (dist/ must be built) and installs the tarball's contents into `packageDir`. */
export function installPackedPackage(packageDir: string): void {
	if (!fs.existsSync(path.join(REPO_ROOT, 'dist'))) {
		throw new Error(
			'dist/ does not exist: run `npm run build` first (n8n loads the built package)',
		);
	}
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-queue-pack-'));
	try {
		const packed = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
				cwd: REPO_ROOT,
				env: npmEnv(),
				encoding: 'utf8',
				stdio: ['ignore', 'pipe', 'pipe'],
			}),
		) as Array<{ filename: string }>;
		const tarball = path.join(packDir, path.basename(packed[0].filename));
		fs.mkdirSync(packageDir, { recursive: true });
		// The tarball holds everything under package/.
		execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);

		const manifestFile = path.join(packageDir, 'package.json');
		const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
		delete manifest.devDependencies;
		delete manifest.peerDependencies;
		delete manifest.optionalDependencies;
		fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);

		execFileSync(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'],
			{ cwd: packageDir, env: npmEnv(), stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
		);
	} finally {
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}
