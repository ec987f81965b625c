// Ids of millions of rows kept as 16 bytes each instead of JavaScript strings (about 60 bytes each plus
// garbage-collector work): a 5M-relationship org's ids take 80 MB, cross to a worker thread as one
// buffer, and are turned back into strings only for the few a reason cites.

export interface UuidColumn {
  readonly length: number;
  /** 16 bytes per id, in order. */
  readonly bytes: Uint8Array;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  throw new RangeError('not a hexadecimal digit');
}

/** Writes the canonical `8-4-4-4-12` form of `id` into `into` at `offset`. */
function writeUuid(id: string, into: Uint8Array, offset: number): void {
  if (id.length !== 36) throw new RangeError(`not a UUID: ${id}`);
  let b = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    into[offset + b++] = (hexValue(id.charCodeAt(i)) << 4) | hexValue(id.charCodeAt(++i));
  }
}

/** The id at `i`, in canonical lower-case form. */
export function uuidAt(column: UuidColumn, i: number): string {
  if (i < 0 || i >= column.length) throw new RangeError(`no id at ${i} of ${column.length}`);
  const b = column.bytes;
  const o = 16 * i;
  let s = '';
  for (let k = 0; k < 16; k++) {
    s += HEX[b[o + k]!];
    if (k === 3 || k === 5 || k === 7 || k === 9) s += '-';
  }
  return s;
}

/** The ASCII codes of each byte's two hexadecimal digits. */
const HEX_CODES = Uint8Array.from(HEX.join(''), (digit) => digit.charCodeAt(0));

/**
 * Every id as a string: the computing thread's ids of an org's participants (decision 068). The ids
 * are written as text into one buffer, one after another, then split: at 1M ids about a third of the
 * time `uuidAt` takes id by id.
 */
export function uuidsOf(column: UuidColumn): string[] {
  if (column.length === 0) return [];
  const text = Buffer.allocUnsafe(37 * column.length - 1);
  const bytes = column.bytes;
  let o = 0;
  for (let i = 0; i < column.length; i++) {
    if (i > 0) text[o++] = 0x2c; // ,
    for (let k = 0; k < 16; k++) {
      const byte = bytes[16 * i + k]!;
      text[o++] = HEX_CODES[2 * byte]!;
      text[o++] = HEX_CODES[2 * byte + 1]!;
      if (k === 3 || k === 5 || k === 7 || k === 9) text[o++] = 0x2d; // -
    }
  }
  return text.toString('latin1').split(',');
}

/** A column from ids given as strings. */
export function uuidColumn(ids: readonly string[]): UuidColumn {
  const builder = new UuidColumnBuilder(ids.length);
  for (const id of ids) builder.push(id);
  return builder.build();
}

/** Appends ids, growing by doubling, so no count query has to size the column first. */
export class UuidColumnBuilder {
  private bytes: Uint8Array;
  length = 0;
  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(16 * Math.max(1, capacity));
  }
  push(id: string): void {
    this.grow();
    writeUuid(id, this.bytes, 16 * this.length++);
  }
  /** Appends the 16 bytes of an id at `offset` of `from`. */
  pushBytes(from: Uint8Array, offset: number): void {
    this.grow();
    const at = 16 * this.length++;
    for (let k = 0; k < 16; k++) this.bytes[at + k] = from[offset + k]!;
  }
  private grow(): void {
    if (16 * (this.length + 1) <= this.bytes.length) return;
    const grown = new Uint8Array(2 * this.bytes.length);
    grown.set(this.bytes);
    this.bytes = grown;
  }
  build(): UuidColumn {
    return { length: this.length, bytes: this.bytes.slice(0, 16 * this.length) };
  }
}

/**
 * The position of each id of a column, found from the id's 16 bytes wherever they lie (a page of
 * records read from the database): no string is made per lookup. Open addressing, at most half full;
 * each slot holds the id's four 32-bit words beside its position, so that a probe reads one place in
 * memory, not a slot and then the id it points to: with the ids in no useful order (a column read as
 * stored), the second read was a cache miss of its own and the lookups took twice as long
 * (docs/decisions/069).
 */
export class UuidIndex {
  /** Per slot: the id's four words, then its position + 1 (0: an empty slot). */
  private slots: Int32Array;
  private mask: number;
  /** How many ids it holds: the next id's position. */
  length = 0;

  /** The ids of `column`; or none yet, for `add` to give it as they come. */
  constructor(column?: UuidColumn) {
    let size = 1 << 10;
    while (size < 2 * (column?.length ?? 0)) size *= 2;
    this.slots = new Int32Array(SLOT * size);
    this.mask = size - 1;
    if (!column) return;
    const view = new DataView(column.bytes.buffer, column.bytes.byteOffset, column.bytes.byteLength);
    for (let i = 0; i < column.length; i++) this.add(view, 16 * i);
  }

  /**
   * Gives the id whose bytes start at `offset` of `view` the next position. Ids are not checked to be
   * new: a column holds each once.
   */
  add(view: DataView, offset: number) {
    if (2 * (this.length + 1) > this.mask + 1) this.grow();
    this.place(
      view.getInt32(offset, true),
      view.getInt32(offset + 4, true),
      view.getInt32(offset + 8, true),
      view.getInt32(offset + 12, true),
      ++this.length,
    );
  }

  /** The position of the id whose bytes start at `offset` of `view`; -1 when it is not in the column. */
  find(view: DataView, offset: number): number {
    const a = view.getInt32(offset, true);
    const b = view.getInt32(offset + 4, true);
    const c = view.getInt32(offset + 8, true);
    const d = view.getInt32(offset + 12, true);
    const t = this.slots;
    for (let slot = hashWords(a, b, c, d) & this.mask; ; slot = (slot + 1) & this.mask) {
      const k = SLOT * slot;
      const found = t[k + 4]!;
      if (found === 0) return -1;
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c && t[k + 3] === d) return found - 1;
    }
  }

  /** Puts an id (its words) with its position + 1 in the first free slot from its hash. */
  private place(a: number, b: number, c: number, d: number, positionPlusOne: number) {
    const t = this.slots;
    let slot = hashWords(a, b, c, d) & this.mask;
    while (t[SLOT * slot + 4] !== 0) slot = (slot + 1) & this.mask;
    const k = SLOT * slot;
    t[k] = a;
    t[k + 1] = b;
    t[k + 2] = c;
    t[k + 3] = d;
    t[k + 4] = positionPlusOne;
  }

  /** Twice the slots, every id placed again: it stays at most half full. */
  private grow() {
    const old = this.slots;
    this.slots = new Int32Array(2 * old.length);
    this.mask = 2 * this.mask + 1;
    for (let k = 0; k < old.length; k += SLOT) {
      if (old[k + 4] !== 0) this.place(old[k]!, old[k + 1]!, old[k + 2]!, old[k + 3]!, old[k + 4]!);
    }
  }
}

/** Int32 words per slot of a UuidIndex: the id's four, its position. */
const SLOT = 5;

/** Mixes all four words: ids made in sequence differ only in a few bytes at one end. */
function hashWords(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  return h ^ (h >>> 16);
}
