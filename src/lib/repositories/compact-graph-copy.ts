import type { PoolClient } from 'pg';
import type { SQL } from 'drizzle-orm';
import { UuidColumnBuilder, type UuidColumn, type UuidIndex } from '../atlas/uuid-column';
import {
  ByteOutput,
  copyOut,
  float8Text,
  CopyRows,
  inlinedStatement,
  int32,
  jsonString,
  NULL_TEXT,
  quotedTime,
  quotedUuid,
} from './copy-binary';
import { DeflatedAsWritten, type AnswerPiece } from '../http/gzip-pieces';

// The compact graph's columns from COPY's binary rows on PostgreSQL (docs/decisions/062, 063): each
// column written as JSON values into a buffer of its own while PostgreSQL is still sending the rows,
// the values as PostgreSQL would write them (`to_json`, `to_char`, float8out) but written here, on the
// other core. The aggregates of decision 041 made PostgreSQL build each column as one text and the app
// parse the relationship ends' bytes out of their hexadecimal form; here neither happens, and no
// JavaScript string or number is made per row.

const COMMA = 0x2c;
/** The float texts a column keeps at most. */
const FLOAT_TEXTS = 4096;
const MINUS = 0x2d;

/**
 * A column's values so far, JSON text separated by commas; with `deflate`, compressed a stretch at a
 * time as it is written (docs/decisions/063).
 */
class JsonColumn {
  readonly out: ByteOutput;
  private empty = true;
  private readonly deflating: DeflatedAsWritten | undefined;
  private readonly floats = new Map<number, Buffer>();
  constructor(size: number, deflate: boolean) {
    this.out = new ByteOutput(size);
    this.deflating = deflate ? new DeflatedAsWritten() : undefined;
  }
  /** Hands what was written since the last call to the compression, once there is a stretch of it. */
  written() {
    this.deflating?.written(this.out.buffer, this.out.length);
  }
  /** The column's text as a piece of the answer: deflated too, with `deflate`. */
  piece(): AnswerPiece {
    return this.deflating ? this.deflating.piece(this.out.buffer, this.out.length) : this.out.written();
  }
  /** Where the next value goes: after a comma unless it is the first. */
  next(): ByteOutput {
    if (this.empty) this.empty = false;
    else this.out.byte(COMMA);
    return this.out;
  }
  /** A NULL field as JSON's null; where the next field starts. */
  private null(at: number): number {
    this.next().bytes(NULL_TEXT, 0, NULL_TEXT.length);
    return at + 4;
  }
  /** A text field as a JSON string, as `to_json` writes it, or null. */
  string(data: Buffer, at: number): number {
    const length = int32(data, at);
    if (length < 0) return this.null(at);
    jsonString(this.next(), data, at + 4, at + 4 + length);
    return at + 4 + length;
  }
  /** A timestamp field (binary) as graph.ts's `to_char` writes it, milliseconds, quoted; or null. */
  time(data: Buffer, at: number): number {
    const length = int32(data, at);
    if (length < 0) return this.null(at);
    quotedTime(this.next(), data, at + 4, at + 4 + length, 3, false);
    return at + 12;
  }
  /**
   * A float8 field (binary) as float8out writes it, or null. A column holds few distinct values (a
   * relationship's confidence): each one's text is made once.
   */
  float(data: Buffer, at: number): number {
    const length = int32(data, at);
    if (length < 0) return this.null(at);
    if (length !== 8) throw new Error('compact graph: a float8 is 8 bytes');
    const x = data.readDoubleBE(at + 4);
    // Map keys do not tell 0 from -0; float8Text does.
    let text = x === 0 ? undefined : this.floats.get(x);
    if (text === undefined) {
      text = Buffer.from(float8Text(x));
      if (x !== 0 && this.floats.size < FLOAT_TEXTS) this.floats.set(x, text);
    }
    this.next().bytes(text, 0, text.length);
    return at + 12;
  }
  /** An int4 field (binary) in decimal, or null. */
  integer(data: Buffer, at: number): number {
    const length = int32(data, at);
    if (length < 0) return this.null(at);
    if (length !== 4) throw new Error('compact graph: an int4 is 4 bytes');
    const n = int32(data, at + 4);
    const out = this.next();
    if (n < 0) out.byte(MINUS);
    out.digits(Math.abs(n));
    return at + 8;
  }
}

/** A COPY's rows written into JSON columns; each chunk's bytes then go on to their compression. */
abstract class ColumnsCopy extends CopyRows {
  abstract readonly columns: JsonColumn[];
  override write(chunk: Buffer) {
    super.write(chunk);
    for (const column of this.columns) column.written();
  }
  /** The columns' texts as pieces of the answer, by name. */
  pieces(names: readonly string[]): [string, AnswerPiece][] {
    return this.columns.map((column, i) => [names[i]!, column.piece()]);
  }
}

/**
 * The participants' ids, read first: the index that relationship ends are found in, and the `id`
 * column as quoted text.
 */
export class NodeIdsCopy extends ColumnsCopy {
  readonly columns: [JsonColumn];
  private readonly ids = new UuidColumnBuilder(1 << 12);

  constructor(deflate = false) {
    super(1);
    this.columns = [new JsonColumn(1 << 16, deflate)];
  }

  protected row(data: Buffer, at: number) {
    if (int32(data, at) !== 16) throw new Error('compact graph: a participant without an id');
    this.ids.pushBytes(data, at + 4);
    quotedUuid(this.columns[0].next(), data, at + 4, at + 20);
  }

  /** Throws unless the COPY ended where it should; the ids read, in order. */
  read(): UuidColumn {
    this.finished();
    return this.ids.build();
  }
}

/** The participants' columns read after their ids are not the same participants (not one snapshot). */
export const participantsChanged = () =>
  new Error('compact graph: the participants changed between two reads of one snapshot');

/** The participants' other columns, in the order of their statement (after the id, in its binary form). */
export const NODE_COLUMNS = ['label', 'role', 'lifecycleStage', 'lastActivityAt', 'degree', 'segment'];

/**
 * The participants' other columns, as graph.ts's rawNodeColumns sends them (texts, a timestamp, an
 * int4), written as the JSON text `to_json` and `to_char` would write (writing it cost PostgreSQL as
 * much as the rest of the statement). Each row is checked to be the participant the ids' statement
 * read at its place: the columns must line up with the ids the relationships' ends were matched
 * against, which only one snapshot for both statements ensures (docs/decisions/063).
 */
export class NodeColumnsCopy extends ColumnsCopy {
  readonly columns: JsonColumn[];

  constructor(
    private readonly ids: UuidColumn,
    deflate = false,
  ) {
    super(1 + NODE_COLUMNS.length);
    this.columns = NODE_COLUMNS.map(() => new JsonColumn(1 << 16, deflate));
  }

  protected row(data: Buffer, at: number) {
    const expected = 16 * (this.rowsRead - 1);
    const bytes = this.ids.bytes;
    let same = int32(data, at) === 16 && expected < bytes.length;
    for (let k = 0; same && k < 16; k++) same = data[at + 4 + k] === bytes[expected + k];
    if (!same) throw participantsChanged();
    const [label, role, stage, lastActivityAt, degree, segment] = this.columns as [
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
    ];
    at = stage.string(data, role.string(data, label.string(data, at + 20)));
    segment.string(data, degree.integer(data, lastActivityAt.time(data, at)));
  }

  /** Throws unless the COPY ended where it should, with as many participants as the ids. */
  done() {
    this.finished();
    if (this.rowsRead !== this.ids.length) throw participantsChanged();
  }
}

/**
 * The relationships' columns, in the order of their statement: the two ends in their binary form, the
 * type as its text (written as a JSON string here: `to_json` was a quarter of the statement's time),
 * the confidence as a float8 (written as float8out would: its text was a sixth of the statement's time).
 */
export const EDGE_COLUMNS = ['source', 'target', 'type', 'confidence'];

/**
 * The relationships as the compact form writes them: the ends as indexes into the nodes, leaving out a
 * relationship whose end is not among them (a participant added after the ids were read: in one
 * snapshot, none).
 */
export class EdgeColumnsCopy extends ColumnsCopy {
  readonly columns: JsonColumn[];
  /** Relationships kept. */
  kept = 0;
  private view: DataView | undefined;
  private viewOf: Buffer | undefined;

  constructor(
    private readonly nodes: UuidIndex,
    deflate = false,
  ) {
    super(EDGE_COLUMNS.length);
    this.columns = EDGE_COLUMNS.map(() => new JsonColumn(1 << 18, deflate));
  }

  protected row(data: Buffer, at: number) {
    if (int32(data, at) !== 16 || int32(data, at + 20) !== 16) {
      throw new Error('compact graph: a relationship without its two ends');
    }
    if (this.viewOf !== data) {
      this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      this.viewOf = data;
    }
    const s = this.nodes.find(this.view!, at + 4);
    const t = this.nodes.find(this.view!, at + 24);
    if (s < 0 || t < 0) return;
    const [source, target, type, confidence] = this.columns as [
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
    ];
    source.next().digits(s);
    target.next().digits(t);
    confidence.float(data, type.string(data, at + 40));
    this.kept++;
  }
}

/**
 * `COPY (select) TO STDOUT (FORMAT binary)` into `rows`, awaiting `pause` each time another `every`
 * rows have come (giving light requests their turn, docs/decisions/031; PostgreSQL waits on the
 * socket meanwhile).
 */
export async function copyRowsGivingWay(
  connection: PoolClient,
  select: SQL,
  label: string,
  rows: CopyRows,
  pause: () => Promise<void>,
  every: number,
): Promise<void> {
  let pauseAt = every;
  await copyOut(connection, inlinedStatement(select), label, (chunk) => {
    rows.write(chunk);
    if (rows.rowsRead < pauseAt) return;
    pauseAt = rows.rowsRead + every;
    return pause();
  });
}
