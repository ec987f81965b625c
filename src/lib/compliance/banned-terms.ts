// The wording this product never uses (DESIGN.md §3): the compliance test scans every tracked file
// and the live schema for it, and free text that users enter is checked against the same list.
//
// The patterns are stored ROT13-encoded, so that this file does not itself contain the words it bans.

const rot13 = (s: string) =>
  s.replace(/[a-z]/gi, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });

const ENCODED_TEXT_PATTERNS = [
  'zyz',
  'zhygv[- ]?yriry znexrgvat',
  'argjbex znexrgvat',
  'clenzvq\\j*',
  'qbjayvarf?',
  'hcyvarf?',
  'erpehvg\\j*',
  'rneavatf?',
  'vapbzr',
  'pbzzvffvbaf?',
  'uvrenepu\\j*',
  'fcbafbe\\j*',
  'pbzcrafngvba cynaf?',
  'trarnybt\\j*',
  'enax nqinaprzrag',
  'cnlbhgf?',
];

// Column names that would model a chain of people above or below each other.
const ENCODED_COLUMN_TOKENS = [
  'cnerag\\j*',
  'yriryf?',
  'enaxf?',
  'enaxvat',
  'gvref?',
  'hcyvarf?',
  'qbjayvarf?',
  'fcbafbe\\j*',
  'erpehvg\\j*',
  'ersree\\j*',
  'znantre',
  'fhcrevbe',
  'fhobeqvangrf?',
  'rneavatf?',
  'vapbzr',
  'pbzzvffvbaf?',
  'uvrenepu\\j*',
  'trarengvba',
];

/** Case-insensitive, whole-word patterns of banned wording. */
export const BANNED_TEXT_PATTERNS: readonly RegExp[] = ENCODED_TEXT_PATTERNS.map(
  (p) => new RegExp(`\\b${rot13(p)}\\b`, 'i'),
);

const BANNED_COLUMN = new RegExp(`(^|_)(${ENCODED_COLUMN_TOKENS.map(rot13).join('|')})(_|$)`, 'i');

// Characters that show nothing (zero-width spaces and joiners, soft hyphens, bidi controls) would hide
// a banned word from the patterns while a reader still sees it whole; compatibility forms (full-width
// letters, ligatures) likewise read as the plain letters.
const INVISIBLE_INSIDE_WORDS = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** The text as a reader sees it: compatibility forms folded, invisible characters gone. */
const asRead = (text: string): string => text.normalize('NFKC').replace(INVISIBLE_INSIDE_WORDS, '');

// Every pattern at once: most text holds none, and one pass tells (an import checks two cells a row).
const ANY_BANNED = new RegExp(BANNED_TEXT_PATTERNS.map((p) => p.source).join('|'), 'i');
// Printable ASCII has no compatibility forms and nothing invisible: it reads as it is written.
const PLAIN = /^[\x20-\x7e]*$/;

/** The first banned term in `text`, as a reader sees it there, or undefined. */
export function findBannedTerm(text: string): string | undefined {
  const read = PLAIN.test(text) ? text : asRead(text);
  if (!ANY_BANNED.test(read)) return undefined;
  for (const pattern of BANNED_TEXT_PATTERNS) {
    const match = pattern.exec(read);
    if (match) return match[0];
  }
  return undefined;
}

/** True when a column name models a chain of people (a parent, a level, a rank …). */
export function isBannedColumnName(column: string): boolean {
  return BANNED_COLUMN.test(column) || findBannedTerm(column.replace(/_/g, ' ')) !== undefined;
}
