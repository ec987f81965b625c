import {
  is,
  Param,
  Placeholder,
  SQL,
  StringChunk,
  type Query,
  type SQLChunk,
  type SQLWrapper,
} from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { PgDialect } from 'drizzle-orm/pg-core';
import { QUERY_LABEL, type NamedQuery } from '../observability/query-label';

// A statement of the hot paths whose text is worked out once (decision 052). drizzle turns a statement
// into text by walking its fragments (every nested `sql`, every column, every insert value) on every
// call; for the participant detail and the audit event that walk was a fifth of the request's own work.
// Built once with placeholders, the text is cut at its parameters; a call then hands drizzle the
// finished text and its values, which it sends as they are, and names the function it is sent for, so
// that no stack is read to label it (decision 064).

const dialect = new PgDialect();

/** A database object that only builds statements (for `compiledSql`'s query builders); it has no connection. */
export const statementBuilder = drizzle.mock();

type Slot<K extends string> =
  | { kind: 'value'; name: K }
  | { kind: 'encoded'; name: K; encode: (value: unknown) => unknown }
  | { kind: 'constant'; value: unknown };

/**
 * A statement whose text was worked out once: drizzle takes its text and values as they are (toQuery),
 * and its fragments are there for a statement it is written into.
 */
class CompiledStatement extends SQL implements NamedQuery {
  readonly [QUERY_LABEL]: string;
  constructor(
    label: string,
    private readonly query: Query,
    chunks: (StringChunk | Param)[],
  ) {
    // Given after the constructor, which would look through every fragment for a table.
    super([]);
    (this as { queryChunks: SQLChunk[] }).queryChunks = chunks;
    this[QUERY_LABEL] = label;
  }
  override toQuery(): Query {
    return this.query;
  }
}

/**
 * `build` answers the statement for a placeholder of each of `names` (a `sql` template, or a query
 * builder such as `statementBuilder.insert(...).values(...)`); the result makes the same statement for
 * given values, named `label` (`<module>.<function>`, as the statement labels name the function that
 * sends it). Each placeholder stands for one value (not a list: a JS array is one array parameter).
 */
export function compiledSql<const K extends string>(
  label: string,
  names: readonly K[],
  build: (p: Record<K, Placeholder<K>>) => SQLWrapper,
): (values: Record<K, unknown>) => SQL & NamedQuery {
  let compiled: { text: string; pieces: StringChunk[]; slots: Slot<K>[] } | undefined;
  return (values) => {
    compiled ??= compile(names, build);
    const { text, pieces, slots } = compiled;
    const params = slots.map((slot) => {
      if (slot.kind === 'constant') return slot.value;
      const value = values[slot.name] ?? null;
      return slot.kind === 'encoded' && value !== null ? slot.encode(value) : value;
    });
    // Each value as a Param: drizzle would spread a bare array into a list of parameters.
    const chunks: (StringChunk | Param)[] = [pieces[0]!];
    for (let i = 0; i < params.length; i++) chunks.push(new Param(params[i]), pieces[i + 1]!);
    return new CompiledStatement(label, { sql: text, params }, chunks);
  };
}

function compile<K extends string>(names: readonly K[], build: (p: Record<K, Placeholder<K>>) => SQLWrapper) {
  const placeholders = Object.fromEntries(names.map((name) => [name, new Placeholder(name)])) as Record<
    K,
    Placeholder<K>
  >;
  const query = dialect.sqlToQuery(build(placeholders).getSQL());
  const parts = query.sql.split(/\$(\d+)\b/);
  const pieces: string[] = [];
  for (let i = 0; i < parts.length; i += 2) {
    pieces.push(parts[i]!);
    // The parameters are numbered in the order they appear; anything else is a `$` the text holds.
    if (i + 1 < parts.length && Number(parts[i + 1]) !== i / 2 + 1) {
      throw new Error(`compiledSql: the statement's text holds a "$" that is not a parameter: ${query.sql}`);
    }
  }
  if (pieces.length !== query.params.length + 1) {
    throw new Error(`compiledSql: ${query.params.length} parameters, ${pieces.length - 1} places for them`);
  }
  const slots = query.params.map((param): Slot<K> => {
    if (is(param, Placeholder)) return { kind: 'value', name: param.name as K };
    if (is(param, Param) && is(param.value, Placeholder)) {
      const encoder = param.encoder;
      return {
        kind: 'encoded',
        name: (param.value as Placeholder).name as K,
        encode: (value) => encoder.mapToDriverValue(value),
      };
    }
    return { kind: 'constant', value: param };
  });
  return { text: query.sql, pieces: pieces.map((piece) => new StringChunk(piece)), slots };
}
