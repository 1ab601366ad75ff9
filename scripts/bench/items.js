// The in-process benchmark's input: N items whose `id` field holds opportunity IDs in the forms users feed the
// node (numbers, numeric strings, comma lists, arrays), with duplicates across and within items. Deterministic
// (a seeded PRNG), so every run and machine gets the same items. Fresh IDs count up from 1, so a portal seeded
// with `maxId` deals holds every one of them.
'use strict';

// The stand-in portal's seeded PRNG (mulberry32): enough for picking forms and earlier IDs.
const { mulberry32: prng } = require('../../test/portal/seed');

/**
 * Per 10 items on average: 4 plain numbers, 2 numeric strings (some padded), 1 comma/semicolon list of
 * 3 IDs (2 new + 1 seen before), 1 array of 2 new IDs (a number and a string), 2 repeats of an ID seen before
 * (as a number or a string). About one new ID per item; roughly 30 % of items carry a duplicate.
 * @param {number} count
 * @param {number} seed
 * @returns {{ items: Array<{ id: unknown }>, uniqueIds: number, totalIds: number, maxId: number, forms: Record<string, number> }}
 */
function mixedItems(count, seed = 1) {
	const random = prng(seed);
	const items = new Array(count);
	const forms = { number: 0, string: 0, list: 0, array: 0, duplicate: 0 };
	let next = 0;
	let totalIds = 0;
	const fresh = () => ++next;
	// An ID already used by an earlier item (or, for the very first items, a fresh one).
	const seen = () => (next === 0 ? fresh() : 1 + Math.floor(random() * next));
	for (let i = 0; i < count; i++) {
		const r = random();
		let id;
		if (r < 0.4) {
			forms.number++;
			id = fresh();
			totalIds += 1;
		} else if (r < 0.6) {
			forms.string++;
			const value = fresh();
			id = r < 0.55 ? String(value) : ` ${value} `;
			totalIds += 1;
		} else if (r < 0.7) {
			forms.list++;
			const a = fresh();
			const b = seen();
			const c = fresh();
			// "1, 234" is a list; "1,234" would be refused as ambiguous, so lists are written with spaces.
			id = r < 0.65 ? `${a}, ${b}, ${c}` : `${a}; ${b}; ${c}`;
			totalIds += 3;
		} else if (r < 0.8) {
			forms.array++;
			const a = fresh();
			id = [a, String(fresh())];
			totalIds += 2;
		} else {
			forms.duplicate++;
			const value = seen();
			id = r < 0.9 ? value : String(value);
			totalIds += 1;
		}
		items[i] = { id };
	}
	return { items, uniqueIds: next, totalIds, maxId: next, forms };
}

module.exports = { mixedItems };
