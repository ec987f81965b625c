import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, orgSettings, participants } from '../../src/lib/database/schema';
import { seedDemo } from '../../src/lib/seed/demo';
import { createOrgWithMembers, createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('participants and segments', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const get = async (path: string) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie });
      return { status: response.status, body: await response.json() };
    };
    return { api, orgId, cookie, get };
  }
  const names = (body: { items: { displayName: string }[] }) => body.items.map((p) => p.displayName);

  it('computes the segments of the demo org, and audits the view', async () => {
    const { orgId, get } = await demo();
    const { status, body } = await get('/segments');
    expect(status).toBe(200);
    const counts = Object.fromEntries(
      body.segments.map((s: { key: string; count: number }) => [s.key, s.count]),
    );
    expect(counts).toEqual({
      new: 2,
      active: 4,
      at_risk: 2,
      dormant: 4,
      isolated: 1,
      highly_connected: 3,
      system: 2,
    });
    expect(body.segments[0]).toMatchObject({
      key: 'new',
      label: 'New',
      description: 'Joined in the last 14 days.',
    });
    const [event] = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'segments.viewed')));
    expect(event!.metadata).toMatchObject({ counts: { isolated: 1, system: 2 } });
  });

  it('uses the org’s own thresholds', async () => {
    const { orgId, get } = await demo();
    await db().db.insert(orgSettings).values({ orgId, newDays: 5, highlyConnectedMinDegree: 5 });
    const { body } = await get('/segments');
    const counts = Object.fromEntries(
      body.segments.map((s: { key: string; count: number }) => [s.key, s.count]),
    );
    expect(counts.new).toBe(1); // Imani (4 days), not Chloe (6 days)
    expect(counts.highly_connected).toBe(1); // only Ava has 5 or more relationships
  });

  it('lists participants by name with q, stage, role and segment filters', async () => {
    const { get } = await demo();
    const all = await get('/participants');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(12);
    expect(names(all.body)).toEqual([...names(all.body)].sort());
    expect(all.body.nextCursor).toBeNull();
    expect(names((await get('/participants?q=OKAFOR')).body)).toEqual(['Ben Okafor']);
    expect(names((await get('/participants?q=ironfront.example&role=partner')).body)).toEqual([
      'Ava Moreno',
      'Hiro Sato',
    ]);
    expect(names((await get('/participants?stage=dormant')).body)).toEqual([
      'Grace Lindqvist',
      'Jonas Weber',
    ]);
    expect(names((await get('/participants?segment=isolated')).body)).toEqual(['Imani Brooks']);
    expect(names((await get('/participants?segment=highly_connected')).body)).toEqual([
      'Ava Moreno',
      'Ben Okafor',
      'Elena Petrova',
    ]);
    expect(names((await get('/participants?segment=system')).body)).toEqual(['CRM Bridge', 'Calendar Sync']);
    expect((await get('/participants?q=%25')).body.items).toEqual([]); // % is matched literally
  });

  it('pages without repeats or gaps while rows are inserted between pages', async () => {
    const { orgId, get } = await demo();
    const first = await get('/participants?limit=5');
    await db()
      .db.insert(participants)
      .values([
        { orgId, displayName: 'Aaron Early', role: 'member', origin: 'manual' },
        { orgId, displayName: 'Zoe Late', role: 'member', origin: 'manual' },
      ]);
    const seen = names(first.body);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await get(`/participants?limit=5&cursor=${cursor}`);
      seen.push(...names(page.body));
      cursor = page.body.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    // Everything that existed at the start is there; the later row after the cursor is too.
    expect(seen).toHaveLength(13);
    expect(seen).toContain('Zoe Late');
  });

  it('refuses malformed filters with a 400 that names them', async () => {
    const { get } = await demo();
    for (const [query, field] of [
      ['stage=retired', 'stage'],
      ['segment=vip', 'segment'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['cursor=%7B%7D', 'cursor'],
    ]) {
      const { status, body } = await get(`/participants?${query}`);
      expect(status, query).toBe(400);
      expect(
        body.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(field);
    }
  });

  it('shows a participant with relationships, recommendations and recent events, and audits the view', async () => {
    const { orgId, get } = await demo();
    const elena = (await get('/participants?q=Elena')).body.items[0];
    const { status, body } = await get(`/participants/${elena.id}`);
    expect(status).toBe(200);
    expect(body.participant).toMatchObject({ displayName: 'Elena Petrova', lifecycleStage: 'at_risk' });
    expect(body.relationshipCount).toBe(4);
    expect(body.relationships.map((r: { otherDisplayName: string }) => r.otherDisplayName).sort()).toEqual([
      'Ben Okafor',
      'CRM Bridge',
      'Dev Raman',
      'Farid Haddad',
    ]);
    expect(body.recommendations).toEqual([
      expect.objectContaining({ suggestedAction: 'flag_for_review', status: 'pending' }),
    ]);
    expect(body.recentEvents.map((e: { eventType: string }) => e.eventType).sort()).toEqual([
      'participant.stage_changed',
      'participant.viewed',
    ]);
    const viewed = await db()
      .db.select()
      .from(events)
      .where(
        and(
          eq(events.orgId, orgId),
          eq(events.eventType, 'participant.viewed'),
          eq(events.targetId, elena.id),
        ),
      );
    expect(viewed).toHaveLength(2); // the seed's and this one
  });

  it('answers 404 for a participant of another org, and 400 for a malformed id', async () => {
    const { get } = await demo();
    const other = await createOrgWithMembers(db(), 'Other', {});
    const [foreign] = await db()
      .db.insert(participants)
      .values({ orgId: other.org.id, displayName: 'Not yours', role: 'member', origin: 'manual' })
      .returning({ id: participants.id });
    expect((await get(`/participants/${foreign!.id}`)).status).toBe(404);
    const bad = await get('/participants/12');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toContainEqual({ path: 'participantId', message: 'must be a UUID' });
  });
});
