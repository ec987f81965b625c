// The CSV cell the exports write (export_csv_cell, migration 0017, docs/decisions/040), in JavaScript:
// the reference PostgreSQL's function is checked against, and the writer of test files for the import.

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): empty for null, otherwise quoted with its quotes doubled. A cell that a
 * spreadsheet would run as a formula (= + - @, tab, CR) gets a leading apostrophe, so an exported audit
 * log cannot carry formula injection. Objects are written as JSON.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
