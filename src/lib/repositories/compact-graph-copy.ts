import type { PoolClient } from 'pg';
import type { SQL } from 'drizzle-orm';
import { UuidIndex } from '../atlas/uuid-column';
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
import { DeflatedAsWritten, StretchesInFlight, type AnswerPiece } from '../http/gzip-pieces';

// The compact graph's columns from COPY's binary rows on PostgreSQL (docs/decisions/062, 063, 069): each
// column written as JSON values into a buffer of its own while PostgreSQL is still sending the rows,
// and deflated a stretch at a time as it is written (only the deflated form is kept),
// the values as PostgreSQL would write them (`to_json`, `to_char`, float8out) but written here, on the
// other core. The aggregates of decision 041 made PostgreSQL build each column as one text and the app
// parse the relationship ends' bytes out of their hexadecimal form; here neither happens, and no
// JavaScript string or number is made per row.

const COMMA = 0x2c;
/** The float texts a column keeps at most. */
const FLOAT_TEXTS = 4096;
const MINUS = 0x2d;
/** Stretches a reader's columns may have waiting for the thread pool before it reads on. */
const STRETCHES_IN_FLIGHT = 8;

/**
 * A column's values, JSON text separated by commas, deflated a stretch at a time as they are written
 * (docs/decisions/063): the column holds its deflated stretches and at most about a stretch of text
 * not yet handed over (docs/decisions/069).
 */
class JsonColumn {
  readonly out: ByteOutput;
  private empty = true;
  private readonly deflating: DeflatedAsWritten;
  private readonly floats = new Map<number, Buffer>();
  constructor(size: number, inFlight: StretchesInFlight) {
    this.out = new ByteOutput(size);
    this.deflating = new DeflatedAsWritten(inFlight);
  }
  /** Buffers whose stretches are deflated, to write into again: each new buffer was garbage to collect. */
  private readonly spares: Buffer[] = [];
  /** Hands the whole stretches written so far to the compression, and forgets their text. */
  written(end = false) {
    const buffer = this.out.buffer;
    const taken = this.deflating.take(this.out.written(), end, () => this.spares.push(buffer));
    if (taken) this.out.dropFirst(taken, this.spares.pop());
  }
  /** The column as a piece of the answer (the last of its text handed over). */
  piece(): AnswerPiece {
    this.written(true);
    return this.deflating.piece();
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

/** A COPY's rows written into JSON columns, which go on to their compression a stretch at a time. */
export abstract class ColumnsCopy extends CopyRows {
  abstract readonly columns: JsonColumn[];
  /** Its columns' stretches not deflated yet: at most a few stretches of raw text wait their turn. */
  readonly inFlight = new StretchesInFlight(STRETCHES_IN_FLIGHT);
  private view: DataView | undefined;
  private viewed: Buffer | undefined;
  /** A DataView of a chunk (ids are read from it): made once per chunk, not per row. */
  protected viewOf(data: Buffer): DataView {
    if (this.viewed !== data) {
      this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      this.viewed = data;
    }
    return this.view!;
  }
  /** Hands each column's whole stretches to the compression (after each chunk of rows). */
  written() {
    for (const column of this.columns) column.written();
  }
  /** The columns' texts as pieces of the answer, by name. */
  pieces(names: readonly string[]): [string, AnswerPiece][] {
    return this.columns.map((column, i) => [names[i]!, column.piece()]);
  }
}

/** The participants' columns, in the order of their statement (the id in its binary form). */
export const NODE_COLUMNS = ['id', 'label', 'role', 'lifecycleStage', 'lastActivityAt', 'degree', 'segment'];

/**
 * The participants, read first (docs/decisions/069): their ids, indexed as they come (relationship ends
 * are found in it), and their columns as graph.ts's rawNodeColumns sends them (the id, texts, a timestamp, an int4),
 * written as the JSON text `to_json` and `to_char` would write (writing it cost PostgreSQL as much as
 * the rest of the statement). The ids and the columns come from the same rows: in whatever order the
 * rows come, a relationship's ends are their positions in the columns.
 */
export class NodeColumnsCopy extends ColumnsCopy {
  readonly columns: JsonColumn[];
  private readonly ids = new UuidIndex();

  constructor() {
    super(NODE_COLUMNS.length);
    this.columns = NODE_COLUMNS.map(() => new JsonColumn(1 << 16, this.inFlight));
  }

  protected row(data: Buffer, at: number) {
    if (int32(data, at) !== 16) throw new Error('compact graph: a participant without an id');
    this.ids.add(this.viewOf(data), at + 4);
    const [id, label, role, stage, lastActivityAt, degree, segment] = this.columns as [
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
      JsonColumn,
    ];
    quotedUuid(id.next(), data, at + 4, at + 20);
    at = stage.string(data, role.string(data, label.string(data, at + 20)));
    segment.string(data, degree.integer(data, lastActivityAt.time(data, at)));
  }

  /** Throws unless the COPY ended where it should; the ids read, at their places in the columns. */
  read(): UuidIndex {
    this.finished();
    return this.ids;
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

  constructor(private readonly nodes: UuidIndex) {
    super(EDGE_COLUMNS.length);
    this.columns = EDGE_COLUMNS.map(() => new JsonColumn(1 << 18, this.inFlight));
  }

  protected row(data: Buffer, at: number) {
    if (int32(data, at) !== 16 || int32(data, at + 20) !== 16) {
      throw new Error('compact graph: a relationship without its two ends');
    }
    const view = this.viewOf(data);
    const s = this.nodes.find(view, at + 4);
    const t = this.nodes.find(view, at + 24);
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
 * rows have come (giving light requests their turn, docs/decisions/031), and the thread pool whenever
 * the columns' stretches waiting for it are more than a few (PostgreSQL waits on the socket meanwhile).
 */
export async function copyRowsGivingWay(
  connection: PoolClient,
  select: SQL,
  label: string,
  rows: ColumnsCopy,
  pause: () => Promise<void>,
  every: number,
): Promise<void> {
  let pauseAt = every;
  await copyOut(connection, inlinedStatement(select), label, rows, () => {
    rows.written();
    const behind = rows.inFlight.caughtUp();
    if (rows.rowsRead < pauseAt) return behind;
    pauseAt = rows.rowsRead + every;
    return behind ? behind.then(pause) : pause();
  });
}
