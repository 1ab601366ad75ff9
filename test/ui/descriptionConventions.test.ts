/**
 * n8n's UX conventions for what the editor shows, checked over the descriptions of every node package.json
 * lists (a node added there is covered without touching this file) and of the credential
 * (the texts the browser test compares with the live editor):
 * - labels (display names, option names) in Title Case;
 * - descriptions, hints and notices in sentence case (a capital first letter, not Every Word Capitalised);
 * - placeholders of text fields as an example, `e.g. …`; those of collections as a button, `Add …`;
 * - tooltips, hints and notices: no final period for one sentence, a final period for several;
 * - a boolean's description starts with "Whether";
 * - the subtitle (under the node on the canvas) in Title Case;
 * - other parameters named in a text are wrapped in single quotation marks ('Delete Limit').
 * Sources: n8n's "UX guidelines for community nodes" (Copy: text case, placeholders, referring to parameter
 * names, boolean descriptions) and "Node UI design" (UI text style table: subtitle, tooltip, hint, info box).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type {
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';

import { OnlyofficeApi } from '../../credentials/OnlyofficeApi.credentials';

/** Words n8n keeps lower case inside a title ("Output an Item", "E-Mail and Password"). */
const MINOR_WORDS = new Set([
	'a',
	'an',
	'and',
	'as',
	'at',
	'but',
	'by',
	'for',
	'from',
	'in',
	'into',
	'nor',
	'of',
	'on',
	'or',
	'per',
	'the',
	'to',
	'via',
	'vs',
	'with',
	'without',
]);
/** Names whose own spelling wins over the rules (a brand, n8n itself). */
const OWN_SPELLING = new Set(['n8n', 'ONLYOFFICE', 'e.g.', 'i.e.']);

/** Problems of a label against Title Case: each major word starts with a capital (minor words may be lower). */
export function titleCaseProblems(text: string): string[] {
	const words = text.split(/[\s/]+/).filter(Boolean);
	const problems: string[] = [];
	words.forEach((raw, index) => {
		const word = raw.replace(/^[("'“‘]+|[)"'”’.,:;!?]+$/g, '');
		if (word === '' || OWN_SPELLING.has(word) || !/^[a-z]/i.test(word)) return;
		const edge = index === 0 || index === words.length - 1;
		const minor = MINOR_WORDS.has(word.toLowerCase());
		// Hyphenated words: each part ("E-Mail").
		const parts = word.split('-');
		const lowerPart = parts.find((part) => /^[a-z]/.test(part));
		if (lowerPart && (edge || !minor))
			problems.push(`"${word}" should start with a capital letter`);
	});
	return problems;
}

/**
 * Problems of a description against sentence case: it starts with a capital letter (or a name with its own
 * spelling, such as n8n), and it is not Title Case (most ordinary words of a sentence are lower case; words
 * that name a label, such as Delete Limit, are fine as long as they are the exception).
 */
export function sentenceCaseProblems(text: string): string[] {
	const problems: string[] = [];
	const first = text.trim().split(/\s+/)[0] ?? '';
	if (!OWN_SPELLING.has(first) && !/^["'“({[]?[A-Z0-9]/.test(first)) {
		problems.push(`starts with "${first}": start a description with a capital letter`);
	}
	const ordinary = text
		.split(/\s+/)
		.slice(1)
		.map((w) => w.replace(/^[("'“‘[{]+|[)"'”’.,:;!?\]}]+$/g, ''))
		// Words written the same in any case: acronyms (API, ID, IDs, CRM), numbers, code, names.
		.filter(
			(w) =>
				/^[A-Za-z][a-z]+$/.test(w) && !OWN_SPELLING.has(w) && !MINOR_WORDS.has(w.toLowerCase()),
		);
	const capitalised = ordinary.filter((w) => /^[A-Z]/.test(w));
	if (ordinary.length >= 4 && capitalised.length / ordinary.length > 0.5) {
		problems.push(
			`looks like Title Case (${capitalised.join(', ')}): write descriptions as sentences`,
		);
	}
	return problems;
}

/** Problems of a placeholder: an example (`e.g. …`) for a value field, `Add …` for a collection. */
export function placeholderProblems(property: INodeProperties): string[] {
	const placeholder = property.placeholder;
	if (placeholder === undefined) return [];
	if (['collection', 'fixedCollection'].includes(property.type)) {
		return /^Add [a-z]/.test(placeholder)
			? []
			: [`"${placeholder}": a collection's button reads "Add …" (sentence case)`];
	}
	return /^e\.g\. \S/.test(placeholder)
		? []
		: [`"${placeholder}": a placeholder gives an example, "e.g. …"`];
}

/** Sentences in a text ("e.g. 1045" and "i.e. …" do not end one). */
export function sentenceCount(text: string): number {
	const boundaries = text
		.replace(/\b(e\.g|i\.e|etc)\./g, '$1')
		.match(/[.!?]["”)]?\s+["“(]?[A-Z0-9]/g);
	return (boundaries?.length ?? 0) + 1;
}

/** n8n: "Don't use a period for one-sentence tooltips. Always use a period if there's more than one sentence." */
export function finalPeriodProblems(text: string): string[] {
	const trimmed = text.trim();
	const endsWithPeriod = /[.!?]["”)]?$/.test(trimmed) && !/\b(e\.g|i\.e|etc)\.$/.test(trimmed);
	const sentences = sentenceCount(trimmed);
	if (sentences === 1 && endsWithPeriod && !/[!?]$/.test(trimmed))
		return ['one sentence: no final period'];
	if (sentences > 1 && !endsWithPeriod) return [`${sentences} sentences: end with a period`];
	return [];
}

/**
 * n8n: "When you need to refer to parameter names or field names in copy, wrap them in single quotation
 * marks". Looks for the labels of other fields (of two words or more) in `text`.
 */
export function unquotedLabelProblems(text: string, labels: string[]): string[] {
	const problems: string[] = [];
	for (const label of labels) {
		if (label.split(/\s+/).length < 2) continue;
		let from = 0;
		for (;;) {
			const at = text.indexOf(label, from);
			if (at < 0) break;
			const quoted = text[at - 1] === "'" && text[at + label.length] === "'";
			if (!quoted)
				problems.push(`names the field ${label} without single quotation marks: '${label}'`);
			from = at + label.length;
		}
	}
	return problems;
}

/** The visible labels of a list of properties and of their nested options (what a text may refer to). */
export function labelsOf(properties: INodeProperties[]): string[] {
	const labels: string[] = [];
	for (const property of properties) {
		if (property.type === 'hidden' || property.type === 'notice') continue;
		labels.push(property.displayName);
		if (property.type === 'collection')
			labels.push(...labelsOf((property.options ?? []) as INodeProperties[]));
		if (property.type === 'fixedCollection') {
			for (const group of (property.options ?? []) as INodePropertyCollection[])
				labels.push(...labelsOf(group.values));
		}
	}
	return labels;
}

/** The texts an expression-valued subtitle can show: its string literals, less `$parameter["…"]` keys. */
export function subtitleTexts(subtitle: string | undefined): string[] {
	if (!subtitle) return [];
	if (!subtitle.startsWith('=')) return [subtitle];
	// String literals, left to right; those right inside [ ] are parameter keys.
	return [...subtitle.matchAll(/(["'`])((?:\\.|(?!\1).)*)\1/g)]
		.filter((m) => subtitle[(m.index ?? 0) - 1] !== '[')
		.map((m) => m[2]);
}

interface Finding {
	where: string;
	problem: string;
}

/** Walks a list of properties (and their options, collections' fields) collecting convention problems. */
export function conventionProblems(
	properties: INodeProperties[],
	path: string,
	labels: string[],
): Finding[] {
	const findings: Finding[] = [];
	const add = (where: string, problems: string[]) =>
		problems.forEach((problem) => findings.push({ where, problem }));
	/** A description, hint or notice: sentence case, periods, and other fields' names in quotation marks. */
	const prose = (where: string, text: string, ownLabel?: string) =>
		add(where, [
			...sentenceCaseProblems(text),
			...finalPeriodProblems(text),
			...unquotedLabelProblems(
				text,
				labels.filter((label) => label !== ownLabel),
			),
		]);
	for (const property of properties) {
		const where = `${path}.${property.name}`;
		if (property.type === 'hidden') continue;
		if (property.type === 'notice') {
			prose(`${where} (notice)`, property.displayName);
			continue;
		}
		add(`${where} displayName`, titleCaseProblems(property.displayName));
		if (property.description)
			prose(`${where} description`, property.description, property.displayName);
		if (property.hint) prose(`${where} hint`, property.hint, property.displayName);
		add(`${where} placeholder`, placeholderProblems(property));
		if (
			property.type === 'boolean' &&
			property.description &&
			!/^Whether\b/.test(property.description)
		) {
			add(`${where} description`, ['a boolean\'s description starts with "Whether"']);
		}
		const nested = (property.options ?? []) as Array<
			INodeProperties | INodePropertyOptions | INodePropertyCollection
		>;
		if (property.type === 'collection') {
			findings.push(...conventionProblems(nested as INodeProperties[], where, labels));
		} else if (property.type === 'fixedCollection') {
			for (const group of nested as INodePropertyCollection[]) {
				add(`${where}.${group.name} displayName`, titleCaseProblems(group.displayName));
				findings.push(...conventionProblems(group.values, `${where}.${group.name}`, labels));
			}
		} else if (property.type === 'options' || property.type === 'multiOptions') {
			for (const option of nested as INodePropertyOptions[]) {
				add(`${where}[${String(option.value)}] name`, titleCaseProblems(String(option.name)));
				if (option.description)
					prose(`${where}[${String(option.value)}] description`, option.description);
			}
		}
	}
	return findings;
}

describe('the checks themselves', () => {
	test('title case', () => {
		expect(titleCaseProblems('Skip Items Without ID')).toEqual([]);
		expect(titleCaseProblems('E-Mail and Password')).toEqual([]);
		expect(titleCaseProblems('Ignore SSL Issues (Insecure)')).toEqual([]);
		expect(titleCaseProblems('Batch size')).toEqual(['"size" should start with a capital letter']);
		expect(titleCaseProblems('and Then')).toHaveLength(1);
	});
	test('sentence case', () => {
		expect(sentenceCaseProblems('Whether to skip items whose Opportunity IDs are empty')).toEqual(
			[],
		);
		expect(sentenceCaseProblems('n8n logs in for you')).toEqual([]);
		expect(sentenceCaseProblems('how many IDs to send')).toHaveLength(1);
		expect(sentenceCaseProblems('How Many IDs To Send In One Request')).toHaveLength(1);
	});
	test('final periods', () => {
		expect(finalPeriodProblems('Whether to skip items')).toEqual([]);
		expect(finalPeriodProblems('Whether to skip items.')).toHaveLength(1);
		expect(finalPeriodProblems('IDs are numbers such as 1045. Write "1, 234" for two.')).toEqual(
			[],
		);
		expect(
			finalPeriodProblems('IDs are numbers such as 1045. Write "1, 234" for two'),
		).toHaveLength(1);
		expect(finalPeriodProblems('A self-signed certificate, e.g. for tests')).toEqual([]);
	});
	test('field names in quotation marks', () => {
		expect(unquotedLabelProblems("Set a 'Delete Limit' first", ['Delete Limit'])).toEqual([]);
		expect(unquotedLabelProblems('Set a Delete Limit first', ['Delete Limit'])).toHaveLength(1);
	});
	test('subtitle texts', () => {
		expect(subtitleTexts('={{ $parameter["options"]["dryRun"] ? "Dry Run" : "Delete" }}')).toEqual([
			'Dry Run',
			'Delete',
		]);
		expect(subtitleTexts('Delete Opportunities')).toEqual(['Delete Opportunities']);
	});
	test('placeholders', () => {
		const field = (type: INodeProperties['type'], placeholder: string) =>
			({ displayName: 'X', name: 'x', type, default: '', placeholder }) as INodeProperties;
		expect(placeholderProblems(field('string', 'e.g. 1045, 1046'))).toEqual([]);
		expect(placeholderProblems(field('string', '1045, 1046'))).toHaveLength(1);
		expect(placeholderProblems(field('collection', 'Add option'))).toEqual([]);
		expect(placeholderProblems(field('collection', 'Add Option'))).toHaveLength(1);
	});
});

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * The description of each node in package.json's `n8n.nodes`, read from its TypeScript source (the built file
 * `dist/nodes/X/X.node.js` comes from `nodes/X/X.node.ts`), so the check needs no build.
 */
export function listedNodeDescriptions(): Array<[string, INodeTypeDescription]> {
	const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
		n8n: { nodes: string[] };
	};
	return manifest.n8n.nodes.map((built) => {
		const source = path.join(REPO_ROOT, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		const exported = require(source) as Record<string, unknown>;
		const descriptions = Object.values(exported)
			.filter((value): value is new () => { description?: INodeTypeDescription } => {
				return typeof value === 'function';
			})
			.map((NodeClass) => new NodeClass().description)
			.filter((description): description is INodeTypeDescription => !!description?.properties);
		if (descriptions.length !== 1)
			throw new Error(`${source} should export one node class, found ${descriptions.length}`);
		return [descriptions[0].displayName, descriptions[0]];
	});
}

const at = (where: string) => (problem: string) => ({ where, problem });

describe.each(listedNodeDescriptions())("n8n's UX conventions: the node %s", (_name, node) => {
	test('title-case labels, sentence-case descriptions and hints, "e.g." placeholders', () => {
		const findings = [
			...titleCaseProblems(node.displayName).map(at('node displayName')),
			...[...sentenceCaseProblems(node.description), ...finalPeriodProblems(node.description)].map(
				at('node description'),
			),
			...titleCaseProblems(String(node.defaults.name)).map(at('node defaults.name')),
			...conventionProblems(node.properties, 'node', labelsOf(node.properties)),
		];
		expect(findings).toEqual([]);
	});

	test('its subtitle (under it on the canvas) is in Title Case', () => {
		// A literal that ends in a space runs on into a parameter's value ("Get up to " + limit): its last word
		// is not the title's last, so a minor word there stays lower case.
		const findings = subtitleTexts(node.subtitle).flatMap((text) =>
			titleCaseProblems(/\s$/.test(text) ? `${text}0` : text).map(at(`subtitle "${text}"`)),
		);
		expect(findings).toEqual([]);
	});

	test('a field whose options the portal lists is labelled "… Name or ID" and says how to give an ID', () => {
		const findings: Array<{ where: string; problem: string }> = [];
		const walk = (properties: INodeProperties[], where: string) => {
			for (const property of properties) {
				const here = `${where}.${property.name}`;
				if (property.typeOptions?.loadOptionsMethod) {
					const several = property.type === 'multiOptions';
					const ending = several ? / Names or IDs$/ : / Name or ID$/;
					if (!ending.test(property.displayName))
						findings.push({
							where: here,
							problem: `"${property.displayName}" should end with "${several ? 'Names or IDs' : 'Name or ID'}"`,
						});
					if (!/\bChoose from the list, or specify /.test(property.description ?? ''))
						findings.push({
							where: here,
							problem: 'the description should say "Choose from the list, or specify …"',
						});
				}
				if (property.type === 'collection')
					walk((property.options ?? []) as INodeProperties[], here);
				if (property.type === 'fixedCollection')
					for (const group of (property.options ?? []) as INodePropertyCollection[])
						walk(group.values, `${here}.${group.name}`);
			}
		};
		walk(node.properties, 'node');
		expect(findings).toEqual([]);
	});
});

describe("n8n's UX conventions: the credential", () => {
	const credential = new OnlyofficeApi();

	test('package.json lists at least one node, and each is checked above', () => {
		expect(listedNodeDescriptions().length).toBeGreaterThan(0);
	});

	test('the same for its fields', () => {
		const findings = [
			...titleCaseProblems(credential.displayName).map(at('credential displayName')),
			...conventionProblems(credential.properties, 'credential', labelsOf(credential.properties)),
		];
		expect(findings).toEqual([]);
	});

	test('secrets (tokens, passwords) are typed into password fields', () => {
		const secrets = credential.properties.filter(
			(p) => /token|password|secret|key/i.test(p.name) && p.type === 'string',
		);
		for (const secret of secrets) {
			expect({ field: secret.name, password: secret.typeOptions?.password === true }).toEqual({
				field: secret.name,
				password: true,
			});
		}
	});
});
