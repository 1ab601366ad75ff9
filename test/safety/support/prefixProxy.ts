/**
 * A reverse proxy on loopback that serves a portal under a path prefix, as portals behind a shared host are
 * (https://example.com/onlyoffice/…): requests under the prefix go to the portal without it; anything else
 * gets a 404 HTML page. Records every path it received.
 */
import http from 'http';
import type { AddressInfo } from 'net';

export interface PrefixProxy {
	url: string;
	/** Paths as received (with the query), in order. */
	received: string[];
	stop(): Promise<void>;
}

export async function startPrefixProxy(target: string, prefix: string): Promise<PrefixProxy> {
	const received: string[] = [];
	const targetUrl = new URL(target);
	const server = http.createServer((req, res) => {
		const path = req.url ?? '/';
		received.push(path);
		if (!path.startsWith(`${prefix}/`)) {
			res.writeHead(404, { 'Content-Type': 'text/html' });
			res.end('<html><body><h1>404 Not Found</h1></body></html>');
			return;
		}
		const upstream = http.request(
			{
				host: targetUrl.hostname,
				port: targetUrl.port,
				method: req.method,
				path: path.slice(prefix.length),
				headers: { ...req.headers, host: targetUrl.host },
			},
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', () => res.destroy());
		req.pipe(upstream);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		received,
		stop: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}
