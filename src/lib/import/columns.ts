import { findBannedTerm } from '../compliance/banned-terms';
import { isInvisibleText, isStorableText } from '../unicode-text';
import { emailSchema } from '../validation/common';
import { CsvRefusal } from './csv-input';

// The columns of an import file and how each cell is read. Headers are matched loosely — case, spaces
// and underscores aside — so `display_name`, `Display Name` and an export's `displayName` are one
// column; a column the import does not know is refused, never silently dropped.

/** A cell's value for the staging table (null: empty, so the column keeps its value or default). */
export type Cell = string | null;

export interface CellProblem {
  column: string;
  value: string;
  message: string;
}

export interface ImportColumn {
  /** The column's name in the staging table and in reports (snake_case). */
  name: string;
  required: boolean;
  /** The value to stage, or a message saying what is wrong with the cell. */
  read(text: string): { value: Cell } | { problem: string };
}

const squash = (name: string) => name.toLowerCase().replace(/[\s_-]/g, '');

export interface ColumnMap {
  /** For each import column, its index in the file's rows (undefined: not in the file). */
  at: Map<string, number>;
  width: number;
}

/**
 * Matches the header to the columns. Refused: a repeated or empty name, a column the import does not
 * know (`ignored` are known and skipped: an export's computed columns), a required column missing.
 */
export function mapHeader(header: string[], columns: ImportColumn[], ignored: string[]): ColumnMap {
  const byName = new Map(columns.map((column) => [squash(column.name), column]));
  const skipped = new Set(ignored.map(squash));
  const at = new Map<string, number>();
  const seen = new Map<string, number>();
  const unknown: string[] = [];
  header.forEach((name, i) => {
    const key = squash(name);
    if (!key) throw new CsvRefusal('malformed', `Column ${i + 1} of the header has no name.`);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new CsvRefusal(
        'malformed',
        `The header names "${name}" twice (columns ${earlier + 1} and ${i + 1}).`,
      );
    }
    seen.set(key, i);
    const column = byName.get(key);
    if (column) at.set(column.name, i);
    else if (!skipped.has(key)) unknown.push(name);
  });
  if (unknown.length) {
    throw new CsvRefusal(
      'malformed',
      `The header has columns this import does not know: ${unknown.map((n) => `"${n}"`).join(', ')}. ` +
        `Known: ${columns.map((c) => c.name).join(', ')}.`,
    );
  }
  const missing = columns.filter((column) => column.required && !at.has(column.name));
  if (missing.length) {
    throw new CsvRefusal(
      'malformed',
      `The header lacks the required column ${missing.map((c) => c.name).join(', ')}.`,
    );
  }
  return { at, width: header.length };
}

/**
 * One row's staged values in `columns` order, or what is wrong with it: a row with more or fewer cells
 * than the header, or cells that do not read.
 */
export function readRow(
  fields: string[],
  columns: ImportColumn[],
  map: ColumnMap,
): { values: Cell[] } | { problems: CellProblem[] } {
  if (fields.length !== map.width) {
    return {
      problems: [
        {
          column: '(row)',
          value: '',
          message: `has ${fields.length} ${fields.length === 1 ? 'cell' : 'cells'}; the header has ${map.width}`,
        },
      ],
    };
  }
  const values: Cell[] = [];
  const problems: CellProblem[] = [];
  for (const column of columns) {
    const index = map.at.get(column.name);
    const text = index === undefined ? '' : fields[index]!;
    if (text.trim() === '') {
      if (column.required) problems.push({ column: column.name, value: text, message: 'is required' });
      values.push(null);
      continue;
    }
    const read = column.read(text);
    if ('problem' in read) problems.push({ column: column.name, value: shown(text), message: read.problem });
    else values.push(read.value);
  }
  return problems.length ? { problems } : { values };
}

const shown = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

// An export writes a cell a spreadsheet would run as a formula with a leading apostrophe
// (src/lib/export-format.ts); reading it back undoes that, so an export imports back unchanged.
const ESCAPED_FORMULA = /^'[=+\-@\t\r]/;
export const unescapeFormula = (text: string) => (ESCAPED_FORMULA.test(text) ? text.slice(1) : text);

/** Words shown to people (a name, a role): storable, visible, within `max`, in the allowed wording. */
export const wordsCell =
  (max: number) =>
  (raw: string): { value: Cell } | { problem: string } => {
    const text = unescapeFormula(raw).trim();
    if (!isStorableText(text)) return { problem: 'must not contain NUL characters or unpaired surrogates' };
    if (isInvisibleText(text)) return { problem: 'is required' };
    if (text.length > max) return { problem: `must be at most ${max} characters` };
    const term = findBannedTerm(text);
    if (term) return { problem: `uses wording this product does not allow: "${term}"` };
    return { value: text };
  };

export const emailCell = (raw: string): { value: Cell } | { problem: string } => {
  const parsed = emailSchema.safeParse(unescapeFormula(raw));
  return parsed.success ? { value: parsed.data } : { problem: 'must be an email address' };
};

export const oneOfCell =
  (allowed: readonly string[]) =>
  (raw: string): { value: Cell } | { problem: string } => {
    const text = raw.trim();
    return allowed.includes(text) ? { value: text } : { problem: `must be one of ${allowed.join(', ')}` };
  };

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const EARLIEST = Date.UTC(1900, 0, 1);
const DAY_MS = 86_400_000;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// Worked out, not asked of a Date: in the server, Next.js replaces the Date constructor with one that
// checks every call, which was a tenth of an import's own work (two times a row).
const daysInMonth = (year: number, month: number) =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : DAYS_IN_MONTH[month - 1]!;

/** An ISO 8601 date or time (UTC when it names no offset), from 1900 to a day from now. */
export const timeCell = (raw: string): { value: Cell } | { problem: string } => {
  const text = raw.trim();
  if (!ISO_TIME.test(text)) {
    return { problem: 'must be an ISO 8601 date or time, such as 2026-03-01T09:30:00Z' };
  }
  // PostgreSQL reads the text itself; it only has to say UTC when it names no offset.
  const iso =
    text.length === 10
      ? `${text}T00:00:00Z`
      : `${text.replace(' ', 'T')}${/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text) ? '' : 'Z'}`;
  const at = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over into March; PostgreSQL refuses it, and so does the import.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(at) || day > daysInMonth(year, month)) {
    return { problem: 'is not a real date or time' };
  }
  if (at < EARLIEST || at > Date.now() + DAY_MS) return { problem: 'must be between 1900 and tomorrow' };
  return { value: iso };
};

/** A number from 0 to 1. */
export const unitCell = (raw: string): { value: Cell } | { problem: string } => {
  const text = raw.trim();
  const value = Number(text);
  if (!/^[+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i.test(text) || !(value >= 0 && value <= 1)) {
    return { problem: 'must be a number from 0 to 1' };
  }
  return { value: String(value) };
};
