// @ts-check
'use strict';

/**
 * A self-signed certificate for CN=localhost, IP 127.0.0.1 — self-hosted portals often have one. Node's
 * crypto cannot issue X.509 certificates, so the `openssl` command makes it; one per process.
 */

const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** @type {{ key: string, cert: string } | undefined} */
let cached;

function selfSignedCertificate() {
	if (cached) return cached;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onlyoffice-portal-'));
	const keyFile = path.join(dir, 'key.pem');
	const certFile = path.join(dir, 'cert.pem');
	try {
		execFileSync(
			'openssl',
			[
				'req',
				'-x509',
				'-nodes',
				'-days',
				'30',
				'-newkey',
				'ec',
				'-pkeyopt',
				'ec_paramgen_curve:prime256v1', // fast to make, unlike RSA
				'-keyout',
				keyFile,
				'-out',
				certFile,
				'-subj',
				'/CN=localhost',
				'-addext',
				'subjectAltName=IP:127.0.0.1,DNS:localhost',
			],
			{ stdio: 'pipe' },
		);
		cached = { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
		return cached;
	} catch (error) {
		const missing = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT';
		throw new Error(
			missing
				? 'HTTPS mode needs the openssl command to make a self-signed certificate; install openssl (e.g. apt-get install openssl)'
				: `openssl could not make a self-signed certificate: ${String(error)}`,
		);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

module.exports = { selfSignedCertificate };
