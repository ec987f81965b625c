import { inOrg } from '../../src/lib/database/with-org';
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, participants } from '../../src/lib/database/schema';
import { exportParticipantLines } from '../../src/lib/repositories/participants';
import { createOrgScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { participantFiltersSchema } from '../../src/lib/validation/participants';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('participants export', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const download = (query: string) =>
      api.request(`/api/orgs/${orgId}/participants/export?${query}`, { cookie });
    return { orgId, download };
  }
  const csvRows = (text: string) => text.trimEnd().split('\r\n');
  const ndjson = (text: string) =>
    text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('streams CSV of the list’s filters, header first, as a download', async () => {
    const { orgId, download } = await demo();
    const response = await download('format=csv&segment=highly_connected');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="participants-${orgId}-\\d{4}-\\d{2}-\\d{2}\\.csv"$`),
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    const [header, ...rows] = csvRows(await response.text());
    expect(header).toBe('id,displayName,email,role,origin,lifecycleStage,degree,lastActivityAt,createdAt');
    expect(rows.map((r) => r.split(',')[1])).toEqual(['"Ava Moreno"', '"Ben Okafor"', '"Elena Petrova"']);
  });

  it('applies q, stage, role and sort, in NDJSON', async () => {
    const { download } = await demo();
    const partners = ndjson(await (await download('format=ndjson&q=ironfront.example&role=partner')).text());
    expect(partners.map((p) => p.displayName)).toEqual(['Ava Moreno', 'Hiro Sato']);
    const dormant = ndjson(await (await download('stage=dormant&sort=-name')).text());
    expect(dormant.map((p) => p.displayName)).toEqual(['Jonas Weber', 'Grace Lindqvist']);
    const byDegree = ndjson(await (await download('sort=-degree')).text());
    expect(byDegree).toHaveLength(12);
    const degrees = byDegree.map((p) => p.degree as number);
    expect(degrees).toEqual([...degrees].sort((a, b) => b - a));
    expect(byDegree[0]).toMatchObject({ displayName: 'Ava Moreno', role: 'partner' });
  });

  it('escapes cells a spreadsheet would run as a formula', async () => {
    const { orgId, download } = await demo();
    await db()
      .db.insert(participants)
      .values([
        { orgId, displayName: '=HYPERLINK("http://x.example","Open")', role: 'member', origin: 'manual' },
        { orgId, displayName: '@SUM(A1)', role: '+member', origin: '-import' },
      ]);
    const text = await (await download('format=csv&q=%28')).text();
    const rows = csvRows(text).slice(1);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.includes('HYPERLINK'))).toContain(
      `"'=HYPERLINK(""http://x.example"",""Open"")"`,
    );
    expect(rows.find((r) => r.includes('SUM'))).toContain(`,"'@SUM(A1)",,"'+member","'-import",`);
  });

  it('records who took a copy of what before the download starts', async () => {
    const { orgId, download } = await demo();
    const response = await download('format=csv&stage=at_risk&sort=-lastActivity');
    expect(response.status).toBe(200);
    const exported = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'participants.exported')));
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatchObject({ actorRole: 'owner', targetType: 'org', targetId: orgId });
    expect(exported[0]!.metadata).toEqual({
      format: 'csv',
      filters: { stage: 'at_risk', sort: '-lastActivity' },
    });
  });

  it('refuses an unknown format or filter with a 400 that names it', async () => {
    const { download } = await demo();
    for (const [query, field] of [
      ['format=xlsx', 'format'],
      ['format=csv&segment=vip', 'segment'],
      ['sort=rank', 'sort'],
    ] as const) {
      const response = await download(query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      const body = (await response.json()) as { errors: { path: string }[] };
      expect(
        body.errors.map((e) => e.path),
        query,
      ).toContain(field);
    }
  });

  it('reads in keyset pages, every row once and in order, across the never-active and the active', async () => {
    const { orgId } = await demo();
    const scope = createOrgScope({
      orgId,
      orgName: 'Iron Front Digital',
      timezone: 'America/Chicago',
      userId: crypto.randomUUID(),
      userEmail: 'export@example.com',
      role: 'viewer',
    });
    for (const sort of ['name', '-lastActivity', 'lastActivity', 'degree'] as const) {
      const filters = participantFiltersSchema.parse({ sort });
      const ids = async (pageSize: number) => {
        let text = '';
        for await (const lines of exportParticipantLines(
          inOrg(db().db, scope),
          scope,
          filters,
          'ndjson',
          pageSize,
        ))
          text += lines;
        return text
          .trimEnd()
          .split('\n')
          .map((line) => (JSON.parse(line) as { id: string }).id);
      };
      const whole = await ids(1000);
      expect(whole, sort).toHaveLength(12);
      expect(new Set(whole).size, sort).toBe(12);
      expect(await ids(5), sort).toEqual(whole);
    }
  });
});
