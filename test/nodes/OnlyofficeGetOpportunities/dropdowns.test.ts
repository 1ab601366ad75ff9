/**
 * The dropdowns (stages, users, tags) as n8n's editor loads them, against the stand-in portal over real HTTP:
 * every entry even past the portal's 1000-per-answer cap, with the labels n8n's Name-or-ID convention asks for.
 */
import type { INodeProperties } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { filtersCollection } from '../../../nodes/OnlyofficeGetOpportunities/description';
import { loadOptions } from '../../helpers/runSearchNode';
import type { Portal } from '../../portal';
import { startPortal } from '../../portal';

let portal: Portal;

beforeAll(async () => {
	portal = await startPortal({
		opportunities: 0,
		scenario: 'search',
		extraUsers: 1150,
		extraTags: 2050,
	});
});
afterAll(async () => {
	await portal.stop();
});
beforeEach(() => portal.clearRequests());

const admin = () => ({ portalUrl: portal.url, authMethod: 'apiToken', apiToken: portal.token });
type Logged = { path: string; query: Record<string, string | string[]> };
const starts = (fragment: string) =>
	portal.requests
		.filter((r: Logged) => r.path.includes(fragment))
		.map((r: Logged) => Number(r.query.startIndex));

describe('dropdowns', () => {
	it('Stage lists every stage in pipeline order, with its kind', async () => {
		const options = await loadOptions('getStages', admin());
		const stages = portal.stages();
		expect(options.map((o) => o.value)).toEqual(stages.map((s) => s.id));
		expect(options.map((o) => o.name)).toEqual(stages.map((s) => s.title));
		expect(options.find((o) => o.value === 8)?.description).toBe('Lost stage');
		expect(options.find((o) => o.value === 7)?.description).toBe('Won stage');
	});

	it('Responsible lists all of more than 1000 users, paging by startIndex += count', async () => {
		const options = await loadOptions('getUsers', admin());
		const employees = portal.employees();
		expect(employees.length).toBeGreaterThan(1000);
		expect(options.map((o) => o.value).sort()).toEqual(employees.map((e) => e.id).sort());
		const ann = options.find((o) => o.value === portal.users.admin.id);
		expect(ann).toMatchObject({ name: portal.users.admin.displayName });
		expect(starts('/people')).toEqual([0, 1000]);
		const names = options.map((o) => String(o.name));
		expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
	});

	it('Tags lists all of more than 2000 tags, by title', async () => {
		const options = await loadOptions('getTags', admin());
		const tags = portal.tags();
		expect(tags.length).toBeGreaterThan(2000);
		expect(options.map((o) => o.value).sort()).toEqual([...tags].sort());
		expect(options.every((o) => o.name === o.value)).toBe(true);
		expect(starts('/opportunity/tag')).toEqual([0, 1000, 2000]);
	});

	it('a failing list says why and what to do', async () => {
		portal.injectFault(
			{ type: 'status', status: 403 },
			{ match: (r) => r.path.includes('/stage') },
		);
		const error = await loadOptions('getStages', admin()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).message).toMatch(/no access to the CRM module/);
		expect((error as NodeApiError).description).toMatch(/CRM access/);
	});

	it('labels follow n8n’s Name-or-ID convention', () => {
		const field = (name: string) =>
			(filtersCollection.options as INodeProperties[]).find((o) => o.name === name)!;
		expect(field('stageId').displayName).toBe('Stage Name or ID');
		expect(field('responsibleId').displayName).toBe('Responsible Name or ID');
		expect(field('tags').displayName).toBe('Tag Names or IDs');
		for (const name of ['stageId', 'responsibleId', 'tags'])
			expect(field(name).description).toMatch(
				/Choose from the list, or specify (an ID|IDs) using an <a href="https:\/\/docs.n8n.io\/code\/expressions\/">expression<\/a>/,
			);
	});
});
