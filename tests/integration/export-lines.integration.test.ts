import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { writeOrgAuditEvent } from '../../src/lib/audit';
import { orgs } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { inOrg, inOrgWithConnection, unsafeWithOrgId } from '../../src/lib/database/with-org';
import { exportEventLines, searchEvents } from '../../src/lib/repositories/events';
import { copyOut, CopyRows } from '../../src/lib/repositories/copy-binary';
import { exportParticipantLines } from '../../src/lib/repositories/participants';
import { exportRelationshipLines } from '../../src/lib/repositories/relationships';
import { createOrgScope } from '../../src/lib/scope';
import { participantFiltersSchema } from '../../src/lib/validation/participants';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { createOrgWithMembers } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';
import { csvCell } from '../support/csv-reference';

/** Each row's bytes (its field count, then each field's length and bytes), copied as it comes. */
class RowBytes extends CopyRows {
  readonly bytes: Buffer[] = [];
  protected row(data: Buffer, at: number, end: number) {
    this.bytes.push(Buffer.from(data.subarray(at - 2, end)));
  }
}

// Exports rendered by PostgreSQL (docs/decisions/040): the cells and objects are those the JavaScript
// writer made, and a page boundary anywhere changes nothing.

const text = async (lines: AsyncIterable<string | Uint8Array>) => {
  const decoder = new TextDecoder();
  let all = '';
  for await (const piece of lines) all += typeof piece === 'string' ? piece : decoder.decode(piece);
  return all;
};

// Cells an export can meet: any Unicode, and the characters the escaping turns on, often.
const tricky = fc.constantFrom(
  '\\',
  '\u0001',
  '\b',
  '\f',
  '\u001f',
  '\u007f',
  '{"a":"b"}',
  '\\"',
  '=',
  '+',
  '-',
  '@',
  '\t',
  '\r',
  '\n',
  '"',
  ',',
  ' ',
  '\u00a0',
  '\u2028',
  '\ufeff',
  "'",
);
const cell = fc
  .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), tricky), { maxLength: 6 })
  .map((parts) => parts.join(''));

describeEachDatabase('export lines', ({ db, kind }) => {
  const scopeOf = (orgId: string) =>
    createOrgScope({
      orgId,
      orgName: 'Export Lines',
      timezone: 'UTC',
      userId: crypto.randomUUID(),
      userEmail: 'lines@example.com',
      role: 'owner',
    });

  it('quotes every CSV cell and puts an apostrophe before a formula', async () => {
    const cases: [string | null, string][] = [
      ['plain', '"plain"'],
      ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
      ['+1', `"'+1"`],
      ['-2', `"'-2"`],
      ['@SUM(A1)', `"'@SUM(A1)"`],
      ['\tlead', `"'\tlead"`],
      ['a,b', '"a,b"'],
      ['line\nbreak', '"line\nbreak"'],
      ['say "hi"', '"say ""hi"""'],
      [' padded ', '" padded "'],
      ['', '""'],
      [null, ''],
    ];
    const rows = await queryRows<{ cell: string }>(
      db().db,
      sql`SELECT export_csv_cell(v) AS cell FROM unnest(${sql.param(cases.map(([v]) => v))}::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
    );
    expect(rows.map((r) => r.cell)).toEqual(cases.map(([, cell]) => cell));
  });

  it('writes every CSV cell exactly as the JavaScript reference does', async () => {
    const samples = fc.sample(cell, { numRuns: 400, seed: 40 });
    const rows = await queryRows<{ cell: string }>(
      db().db,
      sql`SELECT export_csv_cell(v) AS cell FROM unnest(${sql.param(samples)}::text[]) WITH ORDINALITY AS t(v, i) ORDER BY i`,
    );
    expect(rows.map((r) => r.cell)).toEqual(samples.map(csvCell));
  });

  it('writes an event as the search API returns it, the org added, in either order and at any page size', async () => {
    const { org, users } = await createOrgWithMembers(db(), 'Lines', { owner: 'owner@lines.example' });
    const owner = users.owner!;
    for (let i = 0; i < 12; i++) {
      await unsafeWithOrgId(db().db, org.id, (tx) =>
        writeOrgAuditEvent(
          tx,
          org.id,
          { userId: owner.id, role: 'owner' },
          {
            type: 'participant.viewed',
            targetType: 'participant',
            targetId: `p-${i}`,
            metadata: { i, note: i % 3 ? 'plain' : '=SUM(A1), "quoted"\nline', nested: { list: [i, 0.5] } },
          },
        ),
      );
    }
    const scope = scopeOf(org.id);
    const lines = (await text(exportEventLines(inOrg(db().db, scope), scope, {}, 'ndjson')))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const searched = await inOrg(db().db, scope)((tx) => searchEvents(tx, scope, { limit: 100 }));
    expect(lines).toEqual(searched.items.map((event) => ({ ...event, orgId: org.id })));

    for (const format of ['ndjson', 'csv'] as const) {
      for (const order of ['newest', 'chain'] as const) {
        const whole = await text(exportEventLines(inOrg(db().db, scope), scope, {}, format, order));
        const paged = await text(exportEventLines(inOrg(db().db, scope), scope, {}, format, order, 5));
        expect(paged, `${format} ${order}`).toBe(whole);
        expect(
          whole.split(format === 'csv' ? '\r\n' : '\n').filter(Boolean),
          `${format} ${order}`,
        ).toHaveLength(searched.items.length + (format === 'csv' ? 1 : 0));
      }
    }
    const chain = (await text(exportEventLines(inOrg(db().db, scope), scope, {}, 'ndjson', 'chain', 5)))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line).seq as number);
    expect(chain).toEqual([...chain].sort((x, y) => x - y));
  });

  it('pages relationships by id without a gap or a repeat', async () => {
    const { orgId } = await loadSyntheticOrg(
      db(),
      { name: 'Lines graph', timezone: 'UTC' },
      { participants: 40, edges: 90, seed: 4, now: new Date('2026-11-01T00:00:00Z') },
    );
    const scope = scopeOf(orgId);
    const whole = await text(exportRelationshipLines(inOrg(db().db, scope), scope, undefined, 'csv'));
    const paged = await text(exportRelationshipLines(inOrg(db().db, scope), scope, undefined, 'csv', 7));
    expect(paged).toBe(whole);
    const [{ n }] = (await queryRows<{ n: number }>(
      db().db,
      sql`SELECT count(*)::int AS n FROM relationships WHERE org_id = ${orgId}`,
    )) as [{ n: number }];
    expect(whole.trimEnd().split('\r\n')).toHaveLength(n + 1);
  });

  it('exports an empty org as a header alone (CSV) or nothing (NDJSON)', async () => {
    const [org] = await db().db.insert(orgs).values({ name: 'Empty' }).returning({ id: orgs.id });
    const scope = scopeOf(org!.id);
    const filters = participantFiltersSchema.parse({ sort: 'lastActivity' });
    expect(await text(exportParticipantLines(inOrg(db().db, scope), scope, filters, 'csv'))).toBe(
      'id,displayName,email,role,origin,lifecycleStage,degree,lastActivityAt,createdAt\r\n',
    );
    expect(await text(exportParticipantLines(inOrg(db().db, scope), scope, filters, 'ndjson'))).toBe('');
    expect(await text(exportRelationshipLines(inOrg(db().db, scope), scope, undefined, 'ndjson'))).toBe('');
    expect(await text(exportEventLines(inOrg(db().db, scope), scope, {}, 'ndjson', 'chain'))).toBe('');
  });

  // docs/decisions/045: on PostgreSQL a page comes through COPY and its lines are written from the
  // bytes; they must be the statement's own (renderPage) to the byte. On PGlite both are the statement.
  it('writes the same bytes through COPY as the statement renders, for every export, format and page size', async () => {
    const { orgId } = await loadSyntheticOrg(
      db(),
      { name: 'Lines copy', timezone: 'UTC' },
      { participants: 60, edges: 150, seed: 9, now: new Date('2026-11-01T00:00:00Z') },
    );
    const samples = fc.sample(cell, { numRuns: 60, seed: 45 });
    await unsafeWithOrgId(db().db, orgId, async (tx) => {
      await tx.execute(
        sql`UPDATE participants p SET display_name = t.v || '.', email = CASE WHEN t.i % 3 = 0 THEN NULL ELSE p.email END
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM participants WHERE org_id = ${orgId}) n
            JOIN unnest(${sql.param(samples)}::text[]) WITH ORDINALITY AS t(v, i) ON t.i = n.i
            WHERE p.org_id = ${orgId} AND p.id = n.id`,
      );
      // Times as to_char writes them at their edges: before the common era, past year 9999, the last
      // microsecond of a second, before 1970 and 2000, far past 2^52 µs from 2000. (The infinities,
      // which to_char answers with NULL, are in the unit test: the segment counters refuse them.)
      const edges = [
        '0044-03-15 12:00:00.999999+00 BC',
        '10000-01-01 00:00:00+00',
        '1999-12-31 23:59:59.999999+00',
        '1969-07-20 20:17:40.000001+00',
        '2262-04-11 23:47:16.854776+00',
        '1700-02-28 23:59:59.5+00',
      ];
      await tx.execute(
        sql`UPDATE participants p SET last_activity_at = t.v::timestamptz
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM participants WHERE org_id = ${orgId}) n
            JOIN unnest(${sql.param(edges)}::text[]) WITH ORDINALITY AS t(v, i) ON t.i = n.i
            WHERE p.org_id = ${orgId} AND p.id = n.id`,
      );
      for (let i = 0; i < 30; i++) {
        await writeOrgAuditEvent(
          tx,
          orgId,
          { userId: null, role: null },
          {
            type: 'participant.viewed',
            targetType: 'participant',
            targetId: samples[i]!,
            metadata: { i, note: samples[i + 30]!, list: [samples[i]!, null, 0.25, true] },
          },
        );
      }
    });
    const scope = scopeOf(orgId);
    const statement = inOrg(db().db, scope);
    const copied = inOrgWithConnection(db(), scope);
    const exports = [
      ...(['newest', 'chain'] as const).map(
        (order) => (via: typeof copied, format: 'csv' | 'ndjson', page: number) =>
          exportEventLines(via, scope, {}, format, order, page),
      ),
      ...['name', '-lastActivity', 'degree'].map(
        (sort) => (via: typeof copied, format: 'csv' | 'ndjson', page: number) =>
          exportParticipantLines(via, scope, participantFiltersSchema.parse({ sort }), format, page),
      ),
      (via: typeof copied, format: 'csv' | 'ndjson', page: number) =>
        exportRelationshipLines(via, scope, 0.2, format, page),
    ];
    for (const [n, lines] of exports.entries()) {
      for (const format of ['csv', 'ndjson'] as const) {
        const rendered = await text(lines(statement, format, 5000));
        expect(rendered.length, `export ${n} ${format}`).toBeGreaterThan(200);
        for (const page of [7, 5000]) {
          expect(await text(lines(copied, format, page)), `export ${n} ${format} ${page}`).toBe(rendered);
        }
        if (format === 'ndjson') {
          for (const line of rendered.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
        }
      }
    }
  });

  if (kind === 'postgres') {
    it('rolls back and gives the connection back when writing a COPY’s lines fails half-way', async () => {
      const [org] = await db().db.insert(orgs).values({ name: 'Copy failure' }).returning({ id: orgs.id });
      const scope = scopeOf(org!.id);
      const pool = db().pool!;
      const failing = inOrgWithConnection({ db: db().db, kind: 'postgres', pool }, scope);
      await expect(
        failing((_tx, connection) =>
          copyOut(
            connection!,
            'SELECT g, repeat($$x$$, 100) FROM generate_series(1, 50000) g',
            'test.copy',
            new RowBytes(2),
            () => {
              throw new Error('the writer broke');
            },
          ),
        ),
      ).rejects.toThrow('the writer broke');
      // Every connection of the pool is usable again: none is left waiting for the rest of a COPY.
      const clients = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
      try {
        for (const client of clients)
          expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        for (const client of clients) client.release();
      }
    });

    it('reads a COPY whole, through notices, and hands the server’s errors on', async () => {
      const pool = db().pool!;
      const client = await pool.connect();
      try {
        const read = async (statement: string, width = 2) => {
          const rows = new RowBytes(width);
          await copyOut(client, statement, 'test.copy', rows);
          rows.finished();
          return Buffer.concat(rows.bytes);
        };
        // Every byte of a large COPY, as psql's own COPY reader gets them: rows of every length.
        const rows = 'SELECT g, repeat($$é$$, g % 300) FROM generate_series(1, 20000) g';
        const expected = await client.query<{ data: Buffer }>(
          `SELECT string_agg(int2send(2::int2) || int4send(4) || int4send(g) || int4send(octet_length(t)) || convert_to(t, 'UTF8'), ''::bytea) AS data
           FROM (SELECT g, repeat($$é$$, g % 300) AS t FROM generate_series(1, 20000) g) r`,
        );
        const whole = await read(rows);
        expect(whole.equals(expected.rows[0]!.data)).toBe(true);
        // A notice in the middle of the rows is not data.
        await client.query(`CREATE FUNCTION pg_temp.noted(i int) RETURNS int LANGUAGE plpgsql AS
                            $$BEGIN IF i = 5000 THEN RAISE NOTICE 'half-way'; END IF; RETURN i; END$$`);
        const noted = await read(rows.replace('SELECT g,', 'SELECT pg_temp.noted(g),'));
        expect(noted.equals(whole)).toBe(true);
        // An error after rows have come, and one before any: each rejects, and the connection goes on.
        await expect(read('SELECT 1 / (g - 15000) FROM generate_series(1, 20000) g', 1)).rejects.toThrow(
          /division by zero/,
        );
        await expect(read('SELECT no_such_column FROM generate_series(1, 3) g', 1)).rejects.toThrow(
          /no_such_column/,
        );
        expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      } finally {
        client.release();
      }
    });
  }
});
