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

/** Every id as a string (tests, small graphs). */
export function uuidsOf(column: UuidColumn): string[] {
  return Array.from({ length: column.length }, (_, i) => uuidAt(column, i));
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
    if (16 * (this.length + 1) > this.bytes.length) {
      const grown = new Uint8Array(2 * this.bytes.length);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    writeUuid(id, this.bytes, 16 * this.length++);
  }
  build(): UuidColumn {
    return { length: this.length, bytes: this.bytes.slice(0, 16 * this.length) };
  }
}
