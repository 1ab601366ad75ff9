/**
 * Creating and changing deals on the stand-in portal (docs/onlyoffice-api.md §5, "Creating and changing
 * deals" and "Watching for changes"), by real HTTP requests: what a polling trigger's tests drive.
 */
import { startPortal } from './index';
import type { Portal } from './index';

// Parsed JSON from the wire: tests look into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Options {
	token?: string;
	body?: unknown;
	form?: Record<string, string | string[]>;
}

async function call(portal: Portal, method: string, route: string, options: Options = {}) {
	const headers: Record<string, string> = { Authorization: options.token ?? portal.token };
	let body: string | undefined;
	if (options.form) {
		const form = new URLSearchParams();
		for (const [key, value] of Object.entries(options.form))
			for (const v of Array.isArray(value) ? value : [value]) form.append(key, v);
		body = form.toString();
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
	} else if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['Content-Type'] = 'application/json';
	}
	const response = await fetch(`${portal.url}${route}`, { method, headers, body });
	const text = await response.text();
	return { status: response.status, text, json: JSON.parse(text) as Json };
}

/** 2025-05-10 09:30:00 UTC: the portal's true now in these tests. */
const NOW = Date.UTC(2025, 4, 10, 9, 30);
const HOUR = 3_600_000;

let portal: Portal;
function freshPortal(options: Parameters<typeof startPortal>[0] = {}) {
	beforeEach(async () => {
		portal = await startPortal({ opportunities: 20, now: () => NOW, ...options });
	});
	afterEach(async () => {
		await portal.stop();
	});
}

const minimal = () => ({
	title: 'Pilot for Contoso',
	stageid: 2,
	responsibleid: portal.users.user.id,
	bidCurrencyAbbr: 'eur',
});

describe('POST crm/opportunity', () => {
	freshPortal();

	it('creates a deal with the next id and answers 201 with the full record', async () => {
		const reply = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: {
				...minimal(),
				description: 'Two sites',
				contactid: 2,
				members: [31, 999999],
				bidType: 1,
				bidValue: 120.5,
				perPeriodValue: 12,
				successProbability: 150,
				expectedCloseDate: '2025-06-30',
				customFieldList: [
					{ key: 9, value: 'DACH' },
					{ key: 10, value: '' },
					{ key: 999, value: 'ignored' },
				],
			},
		});
		expect(reply.status).toBe(201);
		expect(reply.json).toEqual(expect.objectContaining({ count: 1, status: 0, statusCode: 201 }));
		const deal = reply.json.response;
		expect(deal.id).toBe(23); // after deals 1…20 and the other tenant's 21 and 22
		expect(deal.createBy.id).toBe(portal.users.admin.id);
		expect(deal.created).toBe('2025-05-10T12:30:00.0000000+03:00');
		expect(deal.responsible.id).toBe(portal.users.user.id);
		expect(deal.bidCurrency.abbreviation).toBe('EUR');
		expect(deal.successProbability).toBe(100); // clamped
		expect(deal.contact.id).toBe(2);
		expect(deal.members.map((m: Json) => m.id).sort()).toEqual([2, 31]); // the contact joins; unknown ids dropped
		expect(deal.expectedCloseDate).toBe('2025-06-30T00:00:00.0000000+03:00');
		expect(deal.actualCloseDate).toBe('0001-01-01T00:00:00.0000000Z');
		expect(deal.customFields.map((f: Json) => [f.id, f.fieldValue])).toEqual([[9, 'DACH']]);
		expect(deal.accessList).toEqual([]);
		const found = await call(
			portal,
			'GET',
			'/api/2.0/crm/opportunity/filter?sortBy=id&sortOrder=descending&count=1',
		);
		expect(found.json.response[0].id).toBe(23);
	});

	it('stores the actual close date as sent, even for a closed stage, and leaves it unset when not sent', async () => {
		const lost = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: { ...minimal(), stageid: 8, actualCloseDate: '2020-02-02T10:00:00Z' },
		});
		expect(portal.getOpportunity(lost.json.response.id)!.actualCloseDate).toBe(
			Date.UTC(2020, 1, 2, 10),
		);
		expect(lost.json.response.actualCloseDate).toBe('2020-02-02T13:00:00.0000000+03:00');
		const won = await call(portal, 'POST', '/api/2.0/crm/opportunity.json', {
			body: { ...minimal(), stageid: 7 },
		});
		expect(portal.getOpportunity(won.json.response.id)!.actualCloseDate).toBeNull();
	});

	it('makes a deal private only with a non-empty access list, adding the creator', async () => {
		const { user } = portal.users;
		const shared = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: { ...minimal(), isPrivate: true, accessList: [user.id] },
		});
		expect(shared.json.response.isPrivate).toBe(true);
		expect(shared.json.response.accessList.map((e: Json) => e.id).sort()).toEqual(
			[user.id, portal.users.admin.id].sort(),
		);
		const noList = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: { ...minimal(), isPrivate: true },
		});
		expect(noList.json.response.isPrivate).toBe(false);
	});

	it('takes a form body too', async () => {
		const reply = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			form: {
				title: 'Form deal',
				stageid: '3',
				responsibleid: portal.users.admin.id,
				bidCurrencyAbbr: 'USD',
				'members[]': ['1', '31'],
			},
		});
		expect(reply.status).toBe(201);
		expect(reply.json.response.members.map((m: Json) => m.id)).toEqual([1, 31]);
	});

	it.each([
		['no title', { title: '' }, 400],
		['no responsible', { responsibleid: undefined }, 400],
		['no stage', { stageid: undefined }, 400],
		['an unknown stage', { stageid: 99 }, 400],
		['no currency', { bidCurrencyAbbr: undefined }, 400],
		['an unknown currency', { bidCurrencyAbbr: 'XXX' }, 400],
		['an unknown contact', { contactid: 99999 }, 400],
		['a stage that is not a number', { stageid: 'two' }, 400],
	])('answers 400 for %s, creating nothing', async (_, change, status) => {
		const before = portal.opportunityIds().length;
		const reply = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: { ...minimal(), ...change },
		});
		expect(reply.status).toBe(status);
		expect(reply.json.status).toBe(1);
		expect(portal.opportunityIds()).toHaveLength(before);
	});

	it('answers 403 to a user without CRM access', async () => {
		const reply = await call(portal, 'POST', '/api/2.0/crm/opportunity', {
			body: minimal(),
			token: portal.users.noCrm.token,
		});
		expect(reply.status).toBe(403);
	});
});

describe('PUT crm/opportunity/{id}', () => {
	freshPortal();

	it('replaces the deal: fields not sent are reset; participants and custom fields stay', async () => {
		const id = portal.createOpportunity({
			title: 'Before',
			description: 'Old notes',
			stageId: 4,
			contactId: 1,
			memberIds: [1, 31],
			bidValue: 5000,
			expectedCloseDate: Date.UTC(2025, 6, 1),
			customFields: [{ fieldId: 9, value: 'EMEA' }],
			tags: ['VIP'],
		});
		const reply = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}`, {
			body: {
				title: 'After',
				stageid: 8,
				responsibleid: portal.users.twoFactor.id,
				bidCurrencyAbbr: 'GBP',
				actualCloseDate: '2025-01-15',
			},
		});
		expect(reply.status).toBe(200);
		const deal = reply.json.response;
		expect(deal.title).toBe('After');
		expect(deal.description).toBe('');
		expect(deal).not.toHaveProperty('bidValue');
		expect(deal).not.toHaveProperty('contact');
		expect(deal.expectedCloseDate).toBe('0001-01-01T00:00:00.0000000Z');
		expect(deal.actualCloseDate).toBe('2025-01-15T00:00:00.0000000+03:00'); // as sent, any day
		expect(deal).not.toHaveProperty('successProbability'); // not sent: 0, not the stage's
		expect(deal.members.map((m: Json) => m.id)).toEqual([1, 31]);
		expect(deal.customFields.map((f: Json) => f.fieldValue)).toEqual(['EMEA']);
		expect(portal.getOpportunity(id)!.tags).toEqual(['VIP']);
	});

	it('makes a private deal public when the admin sends no access list', async () => {
		const id = portal.createOpportunity({ isPrivate: true, accessList: [portal.users.admin.id] });
		const reply = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}`, {
			body: minimal(),
		});
		expect(reply.json.response.isPrivate).toBe(false);
	});

	it('answers 404 for a missing or other tenant’s deal, 403 for one the caller cannot edit', async () => {
		for (const id of [9999, 21, 0])
			expect(
				(await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}`, { body: minimal() })).status,
			).toBe(404);
		const reply = await call(portal, 'PUT', '/api/2.0/crm/opportunity/10', {
			body: minimal(),
			token: portal.users.user.token,
		});
		expect(reply.status).toBe(403);
		expect(portal.getOpportunity(10)!.title).not.toBe(minimal().title);
	});
});

describe('PUT crm/opportunity/{id}/stage/{stageid} in a UTC+3 portal', () => {
	freshPortal();

	const toStage = (id: number, stageid: number | undefined, token?: string) =>
		call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/${stageid ?? 0}`, {
			body: stageid === undefined ? {} : { stageid },
			token,
		});

	it('stores the close date 3 h in the past, while its own answer shows the true now', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		const reply = await toStage(id, 8);
		expect(reply.status).toBe(200);
		expect(reply.json.response.actualCloseDate).toBe('2025-05-10T12:30:00.0000000+03:00');
		expect(reply.json.response.stage.id).toBe(8);
		expect(portal.getOpportunity(id)!.actualCloseDate).toBe(NOW - 3 * HOUR);
		const later = await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`);
		expect(later.json.response.actualCloseDate).toBe('2025-05-10T09:30:00.0000000+03:00');
	});

	it('sets the stage’s probability, and clears the close date for an open stage', async () => {
		const id = portal.createOpportunity({ stageId: 8, actualCloseDate: NOW - 1000 });
		const reply = await toStage(id, 5);
		expect(reply.json.response.successProbability).toBe(70);
		expect(reply.json.response.actualCloseDate).toBe('0001-01-01T00:00:00.0000000Z');
		expect(portal.getOpportunity(id)!.actualCloseDate).toBeNull();
	});

	it('reads the stage from the body or query (`stageid`), not from the path', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		const pathOnly = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/8`);
		expect(pathOnly.status).toBe(400);
		expect(portal.getOpportunity(id)!.stageId).toBe(3);
		const byQuery = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/1?stageid=7`);
		expect(byQuery.json.response.stage.id).toBe(7);
	});

	it('answers 400 for an id ≤ 0, 404 for a missing or unreadable deal or a missing stage', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		expect((await toStage(0, 8)).status).toBe(400);
		expect((await toStage(id, 0)).status).toBe(400);
		expect((await toStage(9999, 8)).status).toBe(404);
		expect((await toStage(21, 8)).status).toBe(404); // another tenant's
		expect((await toStage(10, 8, portal.users.user.token)).status).toBe(404); // private, not theirs
		expect((await toStage(id, 99)).status).toBe(404);
		expect(portal.getOpportunity(id)!.stageId).toBe(3);
	});

	it('closes with the true now through the web UI (closeAsWebUi)', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		expect(portal.closeAsWebUi(id, 7).actualCloseDate).toBe(NOW);
		const shown = await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`);
		expect(shown.json.response.actualCloseDate).toBe('2025-05-10T12:30:00.0000000+03:00');
	});

	it('misses a deal closed through the API in a poll window that ends now, finds it 14 h further back', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		await toStage(id, 8);
		const window = async (from: number, to: number) =>
			(
				await call(
					portal,
					'GET',
					`/api/2.0/crm/opportunity/filter?stageType=2&sortBy=id&fromDate=${new Date(from).toISOString()}&toDate=${new Date(to).toISOString()}`,
				)
			).json.response.map((r: Json) => r.id);
		expect(await window(NOW - 60_000, NOW)).not.toContain(id);
		expect(await window(NOW - 14 * HOUR, NOW + 14 * HOUR)).toContain(id);
	});

	it('stores the true now with stageCloseQuirk off', async () => {
		const plain = await startPortal({ opportunities: 0, now: () => NOW, stageCloseQuirk: false });
		try {
			const id = plain.createOpportunity({ stageId: 3 });
			const reply = await call(plain, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/8`, {
				body: { stageid: 8 },
			});
			expect(reply.status).toBe(200);
			expect(plain.getOpportunity(id)!.actualCloseDate).toBe(NOW);
		} finally {
			await plain.stop();
		}
	});
});

describe('PUT crm/opportunity/{id}/stage/{stageid} in a UTC−5 portal', () => {
	freshPortal({ timeZoneOffsetMinutes: -300 });

	it('stores the close date 5 h in the future; dates go out with -05:00', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		const reply = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/8`, {
			body: { stageid: 8 },
		});
		expect(reply.json.response.actualCloseDate).toBe('2025-05-10T04:30:00.0000000-05:00');
		expect(portal.getOpportunity(id)!.actualCloseDate).toBe(NOW + 5 * HOUR);
		const later = await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`);
		expect(later.json.response.actualCloseDate).toBe('2025-05-10T09:30:00.0000000-05:00');
		expect(later.json.response.created).toBe('2025-05-10T04:30:00.0000000-05:00');
	});

	it('closes with the true now through the web UI', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		portal.closeAsWebUi(id, 8);
		const shown = await call(portal, 'GET', `/api/2.0/crm/opportunity/${id}`);
		expect(shown.json.response.actualCloseDate).toBe('2025-05-10T04:30:00.0000000-05:00');
	});

	it('moves with setNow', async () => {
		portal.setNow(NOW + HOUR);
		const id = portal.createOpportunity({ stageId: 3 });
		expect(portal.getOpportunity(id)!.created).toBe(NOW + HOUR);
		portal.setNow();
		const later = portal.createOpportunity({ stageId: 3 });
		expect(Math.abs(portal.getOpportunity(later)!.created - Date.now())).toBeLessThan(5_000);
	});
});

describe('in a UTC portal', () => {
	freshPortal({ timeZoneOffsetMinutes: 0 });

	it('writes Z and has no offset to shift by', async () => {
		const id = portal.createOpportunity({ stageId: 3 });
		const reply = await call(portal, 'PUT', `/api/2.0/crm/opportunity/${id}/stage/7`, {
			body: { stageid: 7 },
		});
		expect(reply.json.response.actualCloseDate).toBe('2025-05-10T09:30:00.0000000Z');
		expect(portal.getOpportunity(id)!.actualCloseDate).toBe(NOW);
	});
});
