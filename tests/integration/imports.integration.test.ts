import { and, eq, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { events } from '../../src/lib/database/schema';
import { hashPassword } from '../../src/lib/password';
import { unsafeAddMembership, unsafeCreateUserWithPassword } from '../../src/lib/repositories/unsafe';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

interface Report {
  applied: boolean;
  dryRun: boolean;
  file: { bytes: number; sha256: string; rows: number };
  counts: { created: number; updated: number; unchanged: number; rejected: number };
  rows: {
    row: number;
    outcome: string;
    key: string;
    changes?: string[];
    problems?: { column: string; value: string; message: string }[];
  }[];
  rowsLeftOut: number;
}

const LIMITS = { IMPORT_MAX_BYTES: '200000', IMPORT_MAX_ROWS: '150000', IMPORT_MAX_FIELD_BYTES: '1000' };

describeEachDatabase('CSV import', ({ db }) => {
  async function setup(env: Record<string, string> = LIMITS) {
    const api = createTestApi(db(), env);
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const post = async (kind: string, body: string | Uint8Array, query = '') => {
      const response = await api.request(`/api/orgs/${orgId}/imports?kind=${kind}${query}`, {
        method: 'POST',
        cookie,
        body,
        headers: { 'content-type': 'text/csv' },
      });
      return {
        status: response.status,
        body: (await response.json()) as Report & { detail?: string; report?: Report },
        response,
      };
    };
    const count = async (table: 'participants' | 'relationships') =>
      (
        await queryRows<{ n: number }>(
          db().db,
          sql`SELECT count(*)::int AS n FROM ${sql.raw(table)} WHERE org_id = ${orgId}`,
        )
      )[0]!.n;
    return { api, orgId, cookie, post, count };
  }

  const PEOPLE =
    'email,display_name,role,lifecycle_stage,last_activity_at\r\n' +
    'nora@example.com,Nora Quist,member,active,2026-01-02T03:04:05Z\r\n' +
    '"omar@example.com","Omar ""O"" Haddad",member,,\r\n';

  it('dry-runs, then applies all rows in one go, and a second import of the same file changes nothing', async () => {
    const { post, count, orgId } = await setup();
    const before = await count('participants');
    const dry = await post('participants', PEOPLE, '&dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({
      dryRun: true,
      applied: false,
      counts: { created: 2, updated: 0, unchanged: 0, rejected: 0 },
    });
    expect(await count('participants')).toBe(before);

    const applied = await post('participants', PEOPLE);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      applied: true,
      counts: { created: 2, rejected: 0 },
      file: { rows: 2 },
    });
    expect(applied.body.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await count('participants')).toBe(before + 2);
    const [omar] = await queryRows<{ display_name: string; origin: string; lifecycle_stage: string }>(
      db().db,
      sql`SELECT display_name, origin, lifecycle_stage FROM participants WHERE org_id = ${orgId} AND email = 'omar@example.com'`,
    );
    expect(omar).toEqual({ display_name: 'Omar "O" Haddad', origin: 'import', lifecycle_stage: 'new' });

    const again = await post('participants', PEOPLE);
    expect(again.body.counts).toEqual({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    const changed = await post('participants', PEOPLE.replace('Nora Quist', 'Nora Q. Quist'));
    expect(changed.body.counts).toEqual({ created: 0, updated: 1, unchanged: 1, rejected: 0 });
    expect(changed.body.rows.find((r) => r.outcome === 'updated')).toMatchObject({
      key: 'nora@example.com',
      changes: ['display_name'],
    });
    const [nora] = await queryRows<{ display_name: string; last_activity_at: Date }>(
      db().db,
      sql`SELECT display_name, last_activity_at FROM participants WHERE org_id = ${orgId} AND email = 'nora@example.com'`,
    );
    expect(nora!.display_name).toBe('Nora Q. Quist');
    expect(new Date(nora!.last_activity_at).toISOString()).toBe('2026-01-02T03:04:05.000Z');

    const completed = await db()
      .db.select({ metadata: events.metadata })
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'import.completed')))
      .orderBy(events.seq);
    expect(completed).toHaveLength(3);
    expect(completed[0]!.metadata).toMatchObject({
      kind: 'participants',
      file: { sha256: applied.body.file.sha256 },
    });
  });

  it('imports nothing when one row is bad, and reports it by row, column and value', async () => {
    const { post, count } = await setup();
    const before = await count('participants');
    const rows = Array.from({ length: 2000 }, (_, i) => `p${i}@example.com,Person ${i},member`);
    rows.push('not-an-email,Last,member');
    const { status, body } = await post('participants', `email,display_name,role\n${rows.join('\n')}\n`);
    expect(status).toBe(422);
    expect(body.detail).toMatch(/1 of 2001 rows cannot be imported; nothing was imported/);
    expect(body.report!.rows[0]).toEqual({
      row: 2002,
      outcome: 'rejected',
      key: 'not-an-email',
      problems: [{ column: 'email', value: 'not-an-email', message: 'must be an email address' }],
    });
    expect(await count('participants')).toBe(before);
  });

  it('refuses whole files it cannot read, saying where', async () => {
    const { post } = await setup();
    const cases: [string | Uint8Array, number, RegExp][] = [
      ['', 400, /empty/],
      ['email,display_name,role,email\n', 400, /names "email" twice/],
      ['email,display_name,role,shoe_size\n', 400, /does not know: "shoe_size"/],
      ['email,role\n', 400, /lacks the required column display_name/],
      [new Uint8Array([0xff, 0xfe, 0x65, 0x00]), 400, /UTF-16/],
      [
        Buffer.concat([
          Buffer.from('email,display_name,role\na@b.co,'),
          Buffer.from([0xc3, 0x28]),
          Buffer.from(',member\n'),
        ]),
        400,
        /not valid UTF-8 at byte offset 31/,
      ],
      ['email,display_name,role\na@b.co,x\u0000y,member\n', 400, /NUL byte at byte offset 32/],
      [
        `email,display_name,role\na@b.co,${'x'.repeat(1001)},member\n`,
        400,
        /Row 2, field 2 is larger than the limit of 1000 bytes/,
      ],
      [
        `email,display_name,role\n${'a@b.co,x,member\n'.repeat(13000)}`,
        413,
        /larger than the limit of 200000 bytes/,
      ],
      ['email,display_name,role\n"a@b.co,x,member\n', 400, /not valid CSV|quote/],
    ];
    for (const [body, status, detail] of cases) {
      const answer = await post('participants', body);
      expect({ status: answer.status, detail: answer.body.detail }).toEqual({
        status,
        detail: expect.stringMatching(detail),
      });
    }
  });

  it('takes a file of only its header as nothing to do', async () => {
    const { post, count } = await setup();
    const before = await count('participants');
    const answer = await post('participants', 'email,display_name,role\r\n');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      applied: true,
      file: { rows: 0 },
      counts: { created: 0, updated: 0, unchanged: 0, rejected: 0 },
      rows: [],
    });
    expect(await count('participants')).toBe(before);
  });

  it('reads a BOM, CRLF and mixed line ends, quoted fields with newlines; rejects ragged rows and banned wording', async () => {
    const { post } = await setup();
    const text =
      '\uFEFFemail,display_name,role\r\na@example.com,"Ann\nSecond line",member\nb@example.com,Bo,member\rc@example.com,Cy,member\r\n';
    const ok = await post('participants', text, '&dryRun=true');
    expect(ok.status).toBe(200);
    expect(ok.body.counts.created).toBe(3);
    const word = ['down', 'line'].join('');
    const bad = await post(
      'participants',
      `email,display_name,role\na@example.com,Ann\nb@example.com,Bo,${word}\n`,
      '&dryRun=true',
    );
    expect(bad.body.counts.rejected).toBe(2);
    const dates = await post(
      'participants',
      'email,display_name,role,last_activity_at\nd1@example.com,D,member,2026-02-30\nd2@example.com,D,member,2026-02-28 10:00\nd3@example.com,D,member,yesterday\n',
      '&dryRun=true',
    );
    expect(dates.body.rows.map((r) => [r.row, r.outcome, r.problems?.[0]?.message])).toEqual([
      [2, 'rejected', 'is not a real date or time'],
      [4, 'rejected', 'must be an ISO 8601 date or time, such as 2026-03-01T09:30:00Z'],
      [3, 'created', undefined],
    ]);
    expect(bad.body.rows.map((r) => [r.row, r.problems![0]!.message])).toEqual([
      [2, 'has 2 cells; the header has 3'],
      [3, expect.stringMatching(/wording this product does not allow/)],
    ]);
  });

  it('links relationships by the participants’ emails of this org only, and never twice', async () => {
    const { post, count, orgId } = await setup();
    await post('participants', PEOPLE);
    const before = await count('relationships');
    const file =
      'from_email,to_email,type,confidence\nnora@example.com,omar@example.com,knows,0.8\nnora@example.com,nobody@elsewhere.example,knows,\nnora@example.com,nora@example.com,knows,\n';
    const dry = await post('relationships', file, '&dryRun=true');
    expect(dry.body.counts).toEqual({ created: 1, updated: 0, unchanged: 0, rejected: 2 });
    expect(dry.body.rows.filter((r) => r.outcome === 'rejected').map((r) => r.problems![0]!.message)).toEqual(
      [
        'no participant of this org has this email',
        'is the same participant as from_email: a relationship links two',
      ],
    );
    const good = file.split('\n').slice(0, 2).join('\n') + '\n';
    expect((await post('relationships', good)).body.counts.created).toBe(1);
    expect(await count('relationships')).toBe(before + 1);
    expect((await post('relationships', good)).body.counts.unchanged).toBe(1);
    const [degrees] = await queryRows<{ out_degree: number }>(
      db().db,
      sql`SELECT out_degree FROM participants WHERE org_id = ${orgId} AND email = 'nora@example.com'`,
    );
    expect(degrees!.out_degree).toBe(1);
  });

  it('keeps formula payloads as text, reading an export’s escaped cells back as they were', async () => {
    const { post, orgId } = await setup();
    const file =
      'email,display_name,role\n' +
      'f1@example.com,"=HYPERLINK(""http://x.example"",""y"")",member\n' +
      "f2@example.com,'+1 555 0100,member\n" +
      'f3@example.com,@mention,member\n';
    expect((await post('participants', file)).body.counts.created).toBe(3);
    const names = await queryRows<{ display_name: string }>(
      db().db,
      sql`SELECT display_name FROM participants WHERE org_id = ${orgId} AND email LIKE 'f_@example.com' ORDER BY email`,
    );
    expect(names.map((n) => n.display_name)).toEqual([
      '=HYPERLINK("http://x.example","y")',
      '+1 555 0100',
      '@mention',
    ]);
  });

  it('never reaches another org’s participants: their emails are unknown here', async () => {
    const { post, count } = await setup();
    const other = await loadSyntheticOrg(
      db(),
      { name: 'Elsewhere', timezone: 'UTC' },
      { participants: 3, edges: 0, seed: 1, now: new Date() },
    );
    const [stranger] = await queryRows<{ email: string }>(
      db().db,
      sql`SELECT email FROM participants WHERE org_id = ${other.orgId} AND email IS NOT NULL LIMIT 1`,
    );
    await post('participants', PEOPLE);
    const before = await count('relationships');
    const file = `from_email,to_email,type\nnora@example.com,${stranger!.email},knows\n`;
    const answer = await post('relationships', file);
    expect(answer.status).toBe(422);
    expect(answer.body.report!.rows[0]!.problems![0]).toEqual({
      column: 'to_email',
      value: stranger!.email,
      message: 'no participant of this org has this email',
    });
    expect(await count('relationships')).toBe(before);
    // An email already used in the other org is a new participant here, not the other org's.
    const same = `email,display_name,role\n${stranger!.email},Namesake,member\n`;
    expect((await post('participants', same, '&dryRun=true')).body.counts.created).toBe(1);
  });

  it('takes 100,000 rows, and none of them when the last is bad', async () => {
    const { post, count } = await setup({ ...LIMITS, IMPORT_MAX_BYTES: String(10 * 1024 * 1024) });
    const before = await count('participants');
    const lines = Array.from({ length: 100_000 }, (_, i) => `bulk${i}@example.com,Bulk ${i},member`);
    const good = `email,display_name,role\n${lines.join('\n')}\n`;
    const bad = `${good}bulk-last@example.com,Bulk last,member,extra\n`;
    const refused = await post('participants', bad);
    expect(refused.status).toBe(422);
    expect(refused.body.report!.counts).toEqual({ created: 100_000, updated: 0, unchanged: 0, rejected: 1 });
    expect(refused.body.report!.rows[0]).toMatchObject({ row: 100_002, outcome: 'rejected' });
    expect(await count('participants')).toBe(before);
    const applied = await post('participants', good);
    expect(applied.body.counts.created).toBe(100_000);
    expect(await count('participants')).toBe(before + 100_000);
  }, 120_000);

  it('refuses a 1 MB field at the default limit of 64 KiB', async () => {
    const { post } = await setup({});
    const big = `email,display_name,role\na@example.com,${'x'.repeat(1024 * 1024)},member\n`;
    const field = await post('participants', big);
    expect(field.status).toBe(400);
    expect(field.body.detail).toMatch(/Row 2, field 2 is larger than the limit of 65536 bytes per field/);
  });

  it('takes a file of exactly the size limit, and refuses one byte more with 413, closing the connection', async () => {
    const { post } = await setup({ IMPORT_MAX_BYTES: '100000' });
    const head = 'email,display_name,role\n';
    const rows = Array.from(
      { length: 4000 },
      (_, i) => `s${String(i).padStart(5, '0')}@example.com,S,member\n`,
    ).join('');
    const atLimit = (head + rows).slice(0, 100_000 - 1) + '\n';
    expect(Buffer.byteLength(atLimit)).toBe(100_000);
    const accepted = await post(
      'participants',
      atLimit.slice(0, atLimit.lastIndexOf('\n', 99_990) + 1),
      '&dryRun=true',
    );
    expect(accepted.status).toBe(200);
    expect((await post('participants', atLimit, '&dryRun=true')).status).not.toBe(413);
    const over = await post('participants', `${atLimit}x`);
    expect(over.status).toBe(413);
    expect(over.body.detail).toMatch(/the limit (of|is) 100000/);
    expect(over.response.headers.get('connection')).toBe('close');
  });

  it('never answers 500 to any bytes, and writes nothing it refuses', async () => {
    const { post, count } = await setup();
    const head = fc.constantFrom(
      '',
      'email,display_name,role\n',
      '\uFEFFemail,display_name,role\r\n',
      'email,role,x\n',
    );
    const text = fc.string({ unit: 'binary', maxLength: 200 });
    const bytes = fc.uint8Array({ maxLength: 200 });
    await fc.assert(
      fc.asyncProperty(head, fc.oneof(text, bytes), async (header, rest) => {
        const body =
          typeof rest === 'string' ? header + rest : Buffer.concat([Buffer.from(header), Buffer.from(rest)]);
        const before = await count('participants');
        const answer = await post('participants', body);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        if (answer.status !== 200) expect(await count('participants')).toBe(before);
      }),
      { numRuns: 60, seed: 7 },
    );
  });

  it('is for admins and owners: an operator is refused', async () => {
    const { api, orgId } = await setup();
    const user = await unsafeCreateUserWithPassword(db().db, {
      email: 'op@example.com',
      name: 'Op',
      passwordHash: await hashPassword(TEST_PASSWORD),
    });
    await unsafeAddMembership(db().db, { orgId, userId: user.id, role: 'operator', via: 'test' });
    const response = await api.request(`/api/orgs/${orgId}/imports?kind=participants`, {
      method: 'POST',
      cookie: await signIn(api, 'op@example.com'),
      body: PEOPLE,
      headers: { 'content-type': 'text/csv' },
    });
    expect(response.status).toBe(403);
  });
});
