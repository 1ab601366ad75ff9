/**
 * Secret scanning, reusable by any suite: looks for given secrets, in the forms they could take on the way
 * out (as is, JSON- or URL-escaped, base64, cut short), in strings, files, folders and any value (objects,
 * arrays, errors with their non-enumerable message/stack/cause, Maps, Sets, Buffers, and their JSON).
 * A hit names the secret by label and says where it was found, never the secret itself, so that a failing
 * test does not leak it into a CI log.
 *
 *   const hits = scanForSecrets({ output, error, hints }, [{ label: 'API token', value: token }]);
 *   const hits = scanPaths(['/tmp/n8n-home', 'portal.log'], secrets);
 */
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

export interface Secret {
	/** What it is, e.g. "admin API token": shown instead of the value. */
	label: string;
	value: string;
}

export interface SecretHit {
	label: string;
	/** Where it was found, e.g. `error.cause.message` or a file path. */
	where: string;
	/** In which form: raw, json-escaped, url-encoded, base64, prefix … */
	form: string;
}

/** Secrets shorter than this would match by chance; refusing them keeps a scan meaningful. */
export const MIN_SECRET_LENGTH = 8;

interface Form {
	form: string;
	text: string;
}

/** The forms a secret may take when it leaks: written into JSON, a URL, an Authorization header, a log cut short. */
export function secretForms(value: string): Form[] {
	if (value.length < MIN_SECRET_LENGTH)
		throw new Error(`A secret of ${value.length} characters is too short to scan for`);
	const forms: Form[] = [
		{ form: 'raw', text: value },
		{ form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
		{ form: 'slash-escaped', text: value.replace(/\//g, '\\/') },
		{ form: 'url-encoded', text: encodeURIComponent(value) },
		{ form: 'base64', text: Buffer.from(value).toString('base64').replace(/=+$/, '') },
		{ form: 'base64url', text: Buffer.from(value).toString('base64url') },
	];
	// A message that quotes a value cuts it short (e.g. to 60 characters): half a token is still a leak.
	const prefix = value.slice(0, Math.max(MIN_SECRET_LENGTH * 2, Math.ceil(value.length / 2)));
	if (prefix.length < value.length) forms.push({ form: 'prefix', text: prefix });
	const seen = new Set<string>();
	return forms.filter(
		({ text }) => text.length >= MIN_SECRET_LENGTH && !seen.has(text) && seen.add(text),
	);
}

/** The secret `Authorization: Basic …` carries for a user name and password. */
export function basicAuthSecret(label: string, user: string, password: string): Secret {
	return { label, value: Buffer.from(`${user}:${password}`).toString('base64') };
}

/** Hits of `secrets` in one string. */
export function scanText(text: string, secrets: Secret[], where: string): SecretHit[] {
	const hits: SecretHit[] = [];
	for (const secret of secrets) {
		const found = secretForms(secret.value).find(({ text: form }) => text.includes(form));
		if (found) hits.push({ label: secret.label, where, form: found.form });
	}
	return hits;
}

/**
 * Hits of `secrets` anywhere in `subject`: every string reachable from it (own properties, enumerable or not,
 * so an Error's message, stack and cause too), and its JSON as n8n would persist it (toJSON applied).
 */
export function scanForSecrets(subject: unknown, secrets: Secret[], where = 'value'): SecretHit[] {
	const hits: SecretHit[] = [];
	const seen = new WeakSet<object>();
	const visit = (value: unknown, path: string, depth: number) => {
		if (typeof value === 'string') {
			hits.push(...scanText(value, secrets, path));
			return;
		}
		if (typeof value === 'function' && depth > 0) return;
		if ((typeof value !== 'object' && typeof value !== 'function') || value === null || depth > 40)
			return;
		if (seen.has(value)) return;
		seen.add(value);
		if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
			hits.push(...scanText(Buffer.from(value).toString('utf8'), secrets, path));
			return;
		}
		if (value instanceof Map) {
			for (const [key, entry] of value) {
				visit(key, `${path}<key>`, depth + 1);
				visit(entry, `${path}[${String(key)}]`, depth + 1);
			}
			return;
		}
		if (value instanceof Set) {
			let index = 0;
			for (const entry of value) visit(entry, `${path}{${index++}}`, depth + 1);
			return;
		}
		for (const key of Object.getOwnPropertyNames(value)) {
			let entry: unknown;
			try {
				entry = (value as Record<string, unknown>)[key];
			} catch {
				continue;
			}
			visit(entry, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, depth + 1);
		}
	};
	visit(subject, where, 0);
	hits.push(...scanText(safeJson(subject), secrets, `JSON of ${where}`));
	return dedupe(hits);
}

/** Hits in files, and in every file under folders. */
export function scanPaths(paths: string[], secrets: Secret[]): SecretHit[] {
	const hits: SecretHit[] = [];
	const visit = (path: string) => {
		const stat = statSync(path);
		if (stat.isDirectory()) {
			for (const name of readdirSync(path)) visit(join(path, name));
		} else if (stat.isFile()) {
			hits.push(...scanText(readFileSync(path).toString('utf8'), secrets, path));
		}
	};
	for (const path of paths) visit(path);
	return hits;
}

/** Hits as lines for a failure message: labels and places, never the secrets. */
export function describeHits(hits: SecretHit[]): string {
	return hits.map((hit) => `${hit.label} found (${hit.form}) in ${hit.where}`).join('\n');
}

/** JSON.stringify that survives cycles and BigInts, applying toJSON as n8n's persistence would. */
function safeJson(value: unknown): string {
	const seen = new WeakSet<object>();
	try {
		return (
			JSON.stringify(value, (_key, entry: unknown) => {
				if (typeof entry === 'bigint') return entry.toString();
				if (typeof entry === 'object' && entry !== null) {
					if (seen.has(entry)) return '[circular]';
					seen.add(entry);
				}
				return entry;
			}) ?? ''
		);
	} catch {
		return '';
	}
}

function dedupe(hits: SecretHit[]): SecretHit[] {
	const keys = new Set<string>();
	return hits.filter((hit) => {
		const key = `${hit.label}\u0000${hit.where}`;
		return !keys.has(key) && !!keys.add(key);
	});
}
