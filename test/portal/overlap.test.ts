/**
 * The stand-in's load and overlap options (all off by default): per-request latency, the pause between
 * loading and deleting in the bulk delete (two overlapping requests can both return a deal, as on the real
 * server), and the response log.
 */
import { startPortal } from './index';

type Portal = Awaited<ReturnType<typeof startPortal>>;

const put = async (portal: Portal, ids: number[], token = portal.token) => {
	const response = await fetch(`${portal.url}/api/2.0/crm/opportunity.json`, {
		method: 'PUT',
		headers: { Authorization: token, 'Content-Type': 'application/json' },
		body: JSON.stringify({ opportunityids: ids }),
	});
	const body = (await response.json()) as { response: Array<{ id: number }> };
	return body.response.map((deal) => deal.id);
};

describe('stand-in portal: latency, load-then-delete pause, response log', () => {
	let portal: Portal | undefined;
	afterEach(async () => {
		await portal?.stop();
		portal = undefined;
	});

	test('without the options, the second of two overlapping deletes does not return the shared deals', async () => {
		portal = await startPortal({ opportunities: 10 });
		const [a, b] = await Promise.all([put(portal, [1, 2, 3]), put(portal, [3, 4])]);
		expect([...a, ...b].sort()).toEqual([1, 2, 3, 4]);
		expect(portal.requests[0].responseBody).toBeUndefined();
	});

	test('with deletePauseMs, overlapping deletes both return a shared deal; it is deleted once', async () => {
		portal = await startPortal({ opportunities: 10, deletePauseMs: 300 });
		const [a, b] = await Promise.all([put(portal, [1, 2, 3]), put(portal, [3, 4])]);
		expect(a).toEqual([1, 2, 3]);
		expect(b).toEqual([3, 4]);
		expect(portal.deletedIds().sort()).toEqual([1, 2, 3, 4]);
		expect(portal.opportunityIds()).toEqual([5, 6, 7, 8, 9, 10]);
		// Not overlapping: the deal is gone, so the next request does not return it.
		expect(await put(portal, [3, 5])).toEqual([5]);
	});

	test('latencyMs delays every answer; the request is still carried out when the client has gone', async () => {
		portal = await startPortal({ opportunities: 10, latencyMs: 400 });
		const started = Date.now();
		expect(await put(portal, [1])).toEqual([1]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);

		await expect(
			fetch(`${portal.url}/api/2.0/crm/opportunity.json`, {
				method: 'PUT',
				headers: { Authorization: portal.token, 'Content-Type': 'application/json' },
				body: JSON.stringify({ opportunityids: [2] }),
				signal: AbortSignal.timeout(100),
			}),
		).rejects.toThrow();
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(portal.hasOpportunity(2)).toBe(false);
		expect(portal.requests[1].status).toBe(0);
	});

	test('logResponses keeps each answer, even one the client never got, and redacts log-in answers', async () => {
		portal = await startPortal({ opportunities: 10, logResponses: true });
		await put(portal, [1, 2, 99]);
		const login = await fetch(`${portal.url}/api/2.0/authentication.json`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({
				userName: portal.users.admin.email,
				password: portal.users.admin.password,
			}),
		});
		expect(login.status).toBe(201);
		await login.text();
		const [deleted, loggedIn] = portal.requests;
		const body = JSON.parse(deleted.responseBody ?? '') as { response: Array<{ id: number }> };
		expect(body.response.map((deal) => deal.id)).toEqual([1, 2]);
		expect(loggedIn.responseBody).toBe('[redacted]');
	});
});
