import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { events } from '../../src/lib/database/schema';
import { QUERY_LABEL } from '../../src/lib/observability/query-label';
import { compiledSql, statementBuilder } from '../../src/lib/database/compiled-sql';

const dialect = new PgDialect();
const text = (query: Parameters<PgDialect['sqlToQuery']>[0]) => {
  const { sql: statement, params } = dialect.sqlToQuery(query);
  return { statement, params };
};

describe('compiledSql', () => {
  it('makes the statement drizzle makes, fragments, constants and repeated values included', () => {
    const fragment = (org: unknown, limit: number) =>
      sql`(SELECT count(*) FROM t WHERE org_id = ${org} LIMIT ${limit})`;
    const build = (org: unknown, id: unknown) =>
      sql`SELECT ${fragment(org, 5)} AS a, ${sql`x.${sql.raw('col')}`} FROM x WHERE org_id = ${org} AND id = ${id} AND ids @> ARRAY[${id}]::uuid[]`;
    const compiled = compiledSql('test.statement', ['org', 'id'], ({ org, id }) => build(org, id));
    for (const [org, id] of [
      ['o-1', 'p-1'],
      ['o-2', null],
    ]) {
      expect(text(compiled({ org, id }))).toEqual(text(build(org, id)));
    }
  });

  it('names its label, and reads the same written into another statement', () => {
    const build = (org: unknown, id: unknown) => sql`SELECT id FROM t WHERE org_id = ${org} AND id >= ${id}`;
    const compiled = compiledSql('test.named', ['org', 'id'], ({ org, id }) => build(org, id));
    const statement = compiled({ org: 'o-1', id: 'a' });
    expect(statement[QUERY_LABEL]).toBe('test.named');
    const outer = (inner: unknown) =>
      sql`WITH found AS (${inner}) SELECT count(*) FROM found WHERE id <> ${'c'}`;
    expect(text(outer(statement))).toEqual(text(outer(build('o-1', 'a'))));
    expect(text(outer(statement)).params).toEqual(['o-1', 'a', 'c']);
  });

  it("encodes an insert's values by their columns, and keeps a null a null", () => {
    const compiled = compiledSql('test.statement', ['orgId', 'eventType', 'metadata', 'personal'], (p) =>
      statementBuilder.insert(events).values(p),
    );
    const values = { orgId: 'o-1', eventType: 'x.done', metadata: { n: 1, s: 'a"b' }, personal: null };
    const direct = text(statementBuilder.insert(events).values(values).getSQL());
    expect(text(compiled(values))).toEqual({
      ...direct,
      params: ['o-1', 'x.done', '{"n":1,"s":"a\\"b"}', null],
    });
    expect(direct.params).toEqual(['o-1', 'x.done', '{"n":1,"s":"a\\"b"}', null]);
  });

  it('passes an array as one parameter, as a placeholder stands for one value', () => {
    const compiled = compiledSql(
      'test.statement',
      ['ids'],
      ({ ids }) => sql`SELECT * FROM t WHERE id = ANY(${ids}::uuid[])`,
    );
    expect(text(compiled({ ids: ['a', 'b'] }))).toEqual({
      statement: 'SELECT * FROM t WHERE id = ANY($1::uuid[])',
      params: [['a', 'b']],
    });
  });

  it('refuses a statement whose text holds a "$" of its own, at its first use', () => {
    const compiled = compiledSql('test.statement', ['a'], ({ a }) => sql`SELECT '$1 dollar' || ${a}`);
    expect(() => compiled({ a: 'x' })).toThrow(/holds a "\$" that is not a parameter/);
  });
});
