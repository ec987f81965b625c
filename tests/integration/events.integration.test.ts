import { unsafeWithOrgId } from '../../src/lib/database/with-org';
import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { writeOrgAuditEvent } from '../../src/lib/audit';
import { events } from '../../src/lib/database/schema';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('audit log search and export', ({ db }) => {
  async function setup() {
    const api = createTestApi(db());
    const a = await createOrgWithMembers(db(), 'Org A', {
      owner: 'owner@a.example',
      admin: 'admin@a.example',
    });
    const b = await createOrgWithMembers(db(), 'Org B', { owner: 'owner@b.example' });
    const cookie = await signIn(api, 'admin@a.example');
    const get = async (path: string) => api.request(`/api/orgs/${a.org.id}${path}`, { cookie });
    return { api, a, b, cookie, get };
  }

  it('finds events by type, actor, target and time, newest first, and audits the search', async () => {
    const { a, get } = await setup();
    const admin = a.users.admin!;
    await unsafeWithOrgId(db().db, a.org.id, (tx) =>
      writeOrgAuditEvent(
        tx,
        a.org.id,
        { userId: admin.id, role: 'admin' },
        { type: 'participant.viewed', targetType: 'participant', targetId: 'p-1' },
      ),
    );
    await unsafeWithOrgId(db().db, a.org.id, (tx) =>
      writeOrgAuditEvent(
        tx,
        a.org.id,
        { userId: admin.id, role: 'admin' },
        { type: 'participant.viewed', targetType: 'participant', targetId: 'p-2' },
      ),
    );
    const byType = await (await get('/events?type=participant.viewed')).json();
    expect(byType.items.map((e: { targetId: string }) => e.targetId)).toEqual(['p-2', 'p-1']);
    const byTarget = await (await get('/events?targetType=participant&targetId=p-1')).json();
    expect(byTarget.items).toHaveLength(1);
    const byActor = await (await get(`/events?actorUserId=${admin.id}&type=participant.viewed`)).json();
    expect(byActor.items).toHaveLength(2);
    expect(byActor.items[0]).toMatchObject({ actorUserId: admin.id, actorEmail: 'admin@a.example' });
    const future = await (
      await get(`/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)
    ).json();
    expect(future.items).toEqual([]);
    const audited = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.eventType, 'audit.viewed')))
      .orderBy(events.seq);
    expect(audited.length).toBe(4);
    expect(audited[0]!.metadata).toMatchObject({ filters: { type: 'participant.viewed' } });
  });

  it('pages without repeats or gaps while new events arrive between pages', async () => {
    const { a, get } = await setup();
    for (let i = 0; i < 25; i++) {
      await unsafeWithOrgId(db().db, a.org.id, (tx) =>
        writeOrgAuditEvent(
          tx,
          a.org.id,
          { userId: null, role: null },
          { type: 'graph.viewed', metadata: { i } },
        ),
      );
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { metadata: { i: number } }[]; nextCursor: string | null } = await (
        await get(`/events?type=graph.viewed&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      seen.push(...page.items.map((e) => e.metadata.i));
      cursor = page.nextCursor;
      await unsafeWithOrgId(db().db, a.org.id, (tx) =>
        writeOrgAuditEvent(
          tx,
          a.org.id,
          { userId: null, role: null },
          { type: 'graph.viewed', metadata: { i: 100 + seen.length } },
        ),
      );
    } while (cursor);
    // Each of the 25 exactly once (events written in the same clock tick may come in either order).
    expect(seen).toHaveLength(25);
    expect([...seen].sort((x, y) => y - x)).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
  });

  it('never shows another org’s events', async () => {
    const { b, get } = await setup();
    await unsafeWithOrgId(db().db, b.org.id, (tx) =>
      writeOrgAuditEvent(
        tx,
        b.org.id,
        { userId: null, role: null },
        { type: 'graph.viewed', targetId: 'secret-b' },
      ),
    );
    const text = await (await get('/events?limit=500')).text();
    expect(text).not.toContain('secret-b');
    expect(text).not.toContain(b.org.id);
  });

  it('exports CSV with formula cells neutralised, and NDJSON, both audited', async () => {
    const { a, get } = await setup();
    await unsafeWithOrgId(db().db, a.org.id, (tx) =>
      writeOrgAuditEvent(
        tx,
        a.org.id,
        { userId: null, role: null },
        {
          type: 'participant.viewed',
          targetType: 'participant',
          targetId: '=HYPERLINK("http://evil.example")',
        },
      ),
    );
    const csv = await get('/events/export?format=csv&type=participant.viewed');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-.+\.csv"$/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,createdAt,eventType,actorUserId,actorEmail,actorRole,targetType,targetId,metadata,personal,personalSalt,personalDigest,seq,prevHash,hash,contentHash,orgId',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"")"`);

    const ndjson = await get('/events/export?format=ndjson&type=member.added');
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
    const rows = (await ndjson.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2); // the two memberships made by the setup
    expect(rows.every((r: { eventType: string }) => r.eventType === 'member.added')).toBe(true);

    const exported = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, a.org.id), eq(events.eventType, 'audit.exported')));
    expect(exported.map((e) => (e.metadata as { format: string }).format).sort()).toEqual(['csv', 'ndjson']);
  });

  it('names the actor by email, and leaves it empty for anonymous events and deleted accounts', async () => {
    const { a, get } = await setup();
    const gone = '00000000-0000-4000-8000-000000000001';
    await unsafeWithOrgId(db().db, a.org.id, (tx) =>
      writeOrgAuditEvent(tx, a.org.id, { userId: null, role: null }, { type: 'graph.viewed' }),
    );
    await unsafeWithOrgId(db().db, a.org.id, (tx) =>
      writeOrgAuditEvent(tx, a.org.id, { userId: gone, role: 'viewer' }, { type: 'graph.viewed' }),
    );
    const page = await (await get('/events?type=graph.viewed')).json();
    expect(page.items.map((e: { actorEmail: string | null }) => e.actorEmail)).toEqual([null, null]);
    // The setup's sign-in was recorded with the admin as its actor.
    const signedIn = await (await get('/events?type=auth.signed_in')).json();
    expect(signedIn.items.map((e: { actorEmail: string | null }) => e.actorEmail)).toEqual([
      'admin@a.example',
    ]);
  });

  it('exports exactly what the search shows for the same filters', async () => {
    const { a, get } = await setup();
    const admin = a.users.admin!;
    const at = (iso: string) => new Date(iso);
    await db()
      .db.insert(events)
      .values([
        {
          orgId: a.org.id,
          eventType: 'participant.viewed',
          actorUserId: admin.id,
          actorRole: 'admin',
          targetType: 'participant',
          targetId: 'p-1',
          createdAt: at('2026-01-10T10:00:00Z'),
        },
        {
          orgId: a.org.id,
          eventType: 'participant.viewed',
          actorUserId: admin.id,
          actorRole: 'admin',
          targetType: 'participant',
          targetId: 'p-1',
          createdAt: at('2026-01-20T10:00:00Z'),
        },
        {
          orgId: a.org.id,
          eventType: 'participant.viewed',
          actorUserId: admin.id,
          actorRole: 'admin',
          targetType: 'participant',
          targetId: 'p-2',
          createdAt: at('2026-01-15T10:00:00Z'),
        },
        {
          orgId: a.org.id,
          eventType: 'participant.viewed',
          actorUserId: null,
          actorRole: null,
          targetType: 'participant',
          targetId: 'p-1',
          createdAt: at('2026-01-15T10:00:00Z'),
        },
      ]);
    const query = new URLSearchParams({
      type: 'participant.viewed',
      actorUserId: admin.id,
      targetType: 'participant',
      targetId: 'p-1',
      from: '2026-01-01T00:00:00Z',
      to: '2026-01-15T00:00:00+01:00',
    }).toString();
    const page = await (await get(`/events?${query}`)).json();
    const exported = (await (await get(`/events/export?format=ndjson&${query}`)).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      createdAt: '2026-01-10T10:00:00.000000Z',
      actorEmail: 'admin@a.example',
    });
    // The export adds the org: each event's content hash covers it (offline verification).
    expect(exported).toEqual(page.items.map((e: object) => ({ ...e, orgId: a.org.id })));
  });

  it('exports more events than one batch, in order', async () => {
    const { a, get } = await setup();
    await db()
      .db.insert(events)
      .values(
        Array.from({ length: 2500 }, (_, i) => ({
          orgId: a.org.id,
          eventType: 'graph.viewed',
          metadata: { i },
          createdAt: new Date(Date.UTC(2026, 0, 1) + i * 1000),
        })),
      );
    const rows = (await (await get('/events/export?type=graph.viewed')).text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2500);
    expect(rows[0].metadata.i).toBe(2499);
    expect(rows[2499].metadata.i).toBe(0);
  });

  it('refuses malformed filters with 400, and viewers and operators with 403', async () => {
    const { api, a, get } = await setup();
    for (const [query, field] of [
      ['type=Not A Type', 'type'],
      ['from=yesterday', 'from'],
      ['actorUserId=42', 'actorUserId'],
      [`from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 'to'],
    ]) {
      const response = await get(`/events?${query}`);
      expect(response.status, query).toBe(400);
      expect((await response.json()).errors.map((e: { path: string }) => e.path)).toContain(field);
    }
    expect((await get('/events/export?format=xml')).status).toBe(400);
    const { users } = await createOrgWithMembers(db(), 'Org C', { operator: 'op@c.example' });
    await db().db.insert(events).values({ orgId: a.org.id, eventType: 'graph.viewed' });
    void users;
    const operatorCookie = await signIn(api, 'op@c.example');
    expect((await api.request(`/api/orgs/${a.org.id}/events`, { cookie: operatorCookie })).status).toBe(403);
  });
});
