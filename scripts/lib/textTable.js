// Rows as a plain-text table for the terminal: a header line, a rule, one line per row.
'use strict';

/**
 * @param {object[]} rows
 * @param {Array<[string, (row: any) => unknown]>} columns  title and how to read the cell from a row
 * @param {{ figuresRight?: boolean }} [options]  figuresRight: every column after the first is right-aligned
 */
function textTable(rows, columns, { figuresRight = false } = {}) {
	const widths = columns.map(([title, pick]) =>
		Math.max(title.length, ...rows.map((row) => String(pick(row)).length)),
	);
	const cell = (value, i) =>
		figuresRight && i > 0 ? String(value).padStart(widths[i]) : String(value).padEnd(widths[i]);
	const line = (cells) => cells.map(cell).join('  ');
	return [
		line(columns.map(([title]) => title)),
		line(widths.map((w) => '-'.repeat(w))),
		...rows.map((row) => line(columns.map(([, pick]) => pick(row)))),
	].join('\n');
}

module.exports = { textTable };
