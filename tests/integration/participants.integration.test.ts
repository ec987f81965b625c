import { withOrg } from '../../src/lib/database/with-org';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, orgSettings, participants, relationships } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { PARTICIPANT_SORTS, type ParticipantSort } from '../../src/lib/domain';
import { listParticipantRoles } from '../../src/lib/repositories/participants';
import { createOrgScope } from '../../src/lib/scope';
import { viewParticipantsPage } from '../../src/lib/services/views/participants';
import { listParticipantsQuerySchema, participantDetailSchema } from '../../src/lib/validation/participants';
import { writeAuditEvent } from '../../src/lib/audit';
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

  interface Item {
    id: string;
    displayName: string;
    lastActivityAt: string | null;
    createdAt: string;
    degree: number;
  }

  async function pageThrough(
    get: (path: string) => Promise<{ status: number; body: { items: Item[]; nextCursor: string | null } }>,
    query: string,
  ) {
    const seen: Item[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await get(`/participants?${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.items);
      cursor = page.body.nextCursor;
    }
    return seen;
  }

  // Never active counts as the least recently active: first ascending, last descending.
  const keyOf: Record<string, (i: Item) => number | null> = {
    lastActivity: (i) => (i.lastActivityAt === null ? -Infinity : Date.parse(i.lastActivityAt)),
    degree: (i) => i.degree,
    created: (i) => Date.parse(i.createdAt),
  };

  /** Ties, NULL activity and equal names beside the demo's twelve. */
  async function addTies(orgId: string) {
    const at = new Date('2026-01-15T10:00:00.123Z');
    const rows = ['Tie One', 'Tie Two', 'Tie Three', 'Same Name', 'Same Name'].map((displayName, i) => ({
      orgId,
      displayName,
      role: 'member',
      origin: 'manual',
      lastActivityAt: i < 3 ? at : null,
      createdAt: at,
    }));
    const inserted = await db()
      .db.insert(participants)
      .values([...rows, ...rows.map((r) => ({ ...r, displayName: `${r.displayName} B` }))])
      .returning({ id: participants.id });
    // Two of them with one relationship each: a tie on degree 1 with whoever else has one.
    await db().db.insert(relationships).values({
      orgId,
      fromParticipantId: inserted[0]!.id,
      toParticipantId: inserted[1]!.id,
      type: 'knows',
      source: 'manual',
      confidenceScore: 0.5,
    });
    return inserted.length;
  }

  it('sorts by name, last activity, degree and created date, each way, paging every row once', async () => {
    const { orgId, get } = await demo();
    const added = await addTies(orgId);
    for (const sort of PARTICIPANT_SORTS) {
      const whole = (await get(`/participants?limit=500&sort=${sort}`)).body.items as Item[];
      expect(whole, sort).toHaveLength(12 + added);
      // Pages of 4 read the same sequence as one page: no repeat, no gap, across ties and NULLs.
      const paged = await pageThrough(get, `limit=4&sort=${sort}`);
      expect(
        paged.map((i) => i.id),
        sort,
      ).toEqual(whole.map((i) => i.id));
      const field = sort.replace('-', '');
      const descending = sort.startsWith('-');
      if (field === 'name') {
        const reversed = (await get(`/participants?limit=500&sort=${descending ? 'name' : '-name'}`)).body
          .items;
        expect(
          whole.map((i) => i.id),
          sort,
        ).toEqual(reversed.map((i: Item) => i.id).reverse());
        continue;
      }
      for (let i = 1; i < whole.length; i++) {
        const [a, b] = [keyOf[field]!(whole[i - 1]!), keyOf[field]!(whole[i]!)];
        expect(descending ? a! >= b! : a! <= b!, `${sort} at ${i}`).toBe(true);
        // Ties are broken by id, in the same direction.
        if (a === b) expect(whole[i - 1]!.id < whole[i]!.id, `${sort} tie at ${i}`).toBe(!descending);
      }
    }
    const byActivity = (await get('/participants?limit=500&sort=-lastActivity')).body.items as Item[];
    expect(byActivity.at(-1)!.lastActivityAt).toBeNull();
    const byDegree = (await get('/participants?limit=1&sort=-degree')).body.items as Item[];
    expect(byDegree[0]).toMatchObject({ displayName: 'Ava Moreno' });
    expect(byDegree[0]!.degree).toBeGreaterThanOrEqual(5);
  });

  it.each(['name', '-lastActivity', 'lastActivity', '-degree', 'created'] as ParticipantSort[])(
    'pages by %s without repeats or gaps while rows are inserted between pages',
    async (sort) => {
      const { orgId, get } = await demo();
      await addTies(orgId);
      const before = (await get(`/participants?limit=500&sort=${sort}`)).body.items as Item[];
      const first = await get(`/participants?limit=6&sort=${sort}`);
      // New rows at both ends of every order, and inside the NULL and tied groups.
      await db()
        .db.insert(participants)
        .values([
          { orgId, displayName: 'Aaron Early', role: 'member', origin: 'manual', lastActivityAt: null },
          {
            orgId,
            displayName: 'Zoe Late',
            role: 'member',
            origin: 'manual',
            lastActivityAt: new Date(),
            createdAt: new Date('2020-01-01T00:00:00Z'),
          },
          {
            orgId,
            displayName: 'Tie Four',
            role: 'member',
            origin: 'manual',
            lastActivityAt: new Date('2026-01-15T10:00:00.123Z'),
          },
        ]);
      const seen: Item[] = [...first.body.items];
      let cursor = first.body.nextCursor;
      while (cursor) {
        const page = await get(`/participants?limit=6&sort=${sort}&cursor=${cursor}`);
        seen.push(...page.body.items);
        cursor = page.body.nextCursor;
      }
      const ids = seen.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of before) expect(ids, `${sort}: ${p.displayName}`).toContain(p.id);
    },
  );

  it('refuses a cursor of another order, and an unknown order, naming the field', async () => {
    const { get } = await demo();
    const byName = await get('/participants?limit=2');
    const other = await get(`/participants?limit=2&sort=-degree&cursor=${byName.body.nextCursor}`);
    expect(other.status).toBe(400);
    expect(other.body.errors).toContainEqual({ path: 'cursor', message: 'belongs to another sort order' });
    const forged = Buffer.from(JSON.stringify({ sort: 'degree', key: '1e99', id: 'x' })).toString(
      'base64url',
    );
    const bad = await get(`/participants?sort=degree&cursor=${forged}`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['cursor']);
    const unknown = await get('/participants?sort=rank');
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toContain('sort');
  });

  it('shows each participant’s degree, the counters’ sum', async () => {
    const { orgId, get } = await demo();
    const { items } = (await get('/participants?limit=500')).body as { items: Item[] };
    const counts = await queryRows<{ id: string; degree: number }>(
      db().db,
      sql`SELECT id, out_degree + in_degree AS degree FROM participants WHERE org_id = ${orgId}`,
    );
    const expected = Object.fromEntries(counts.map((r) => [r.id, Number(r.degree)]));
    for (const item of items) expect(item.degree, item.displayName).toBe(expected[item.id]);
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
    // The page's stage history and ego-graph come with it: each change from/to, each neighbour's stage.
    expect(body.stageHistory).toHaveLength(1);
    expect(body.stageHistory[0]).toMatchObject({ to: 'at_risk', reversal: false });
    const stages = Object.fromEntries(
      body.relationships.map((r: { otherDisplayName: string; otherLifecycleStage: string }) => [
        r.otherDisplayName,
        r.otherLifecycleStage,
      ]),
    );
    const others = (await get('/participants?limit=500')).body.items as {
      displayName: string;
      lifecycleStage: string;
    }[];
    for (const [name, stage] of Object.entries(stages)) {
      expect(stage, name).toBe(others.find((o) => o.displayName === name)!.lifecycleStage);
    }
    const stageEvent = body.recentEvents.find(
      (e: { eventType: string }) => e.eventType === 'participant.stage_changed',
    );
    expect(stageEvent.metadata).toMatchObject({ to: 'at_risk' });
  });

  it('answers the detail as PostgreSQL writes it: the documented shape, and stage changes read from their metadata', async () => {
    const { api, orgId, cookie, get } = await demo();
    const ben = (await get('/participants?q=Ben')).body.items[0];
    const email = 'operator@ironfront.example';
    const [operator] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM users WHERE email = ${email}`,
    );
    const scope = createOrgScope({
      orgId,
      orgName: 'Iron Front Digital',
      timezone: 'UTC',
      userId: operator!.id,
      userEmail: email,
      role: 'operator',
    });
    // Oldest first, each in a transaction of its own (its own time); metadata a careless writer could leave.
    const changes: Record<string, unknown>[] = [
      { from: 'new', to: 'active', interventionId: 'int-1', reversal: true },
      { from: 5, to: 'retired', interventionId: 42, reversal: 'true', cause: 'engine', reason: 'sideways' },
      { from: 'active', to: 'dormant', cause: 'engine', reason: 'demoted' },
      { from: 'dormant', to: 'active', cause: 'operator', reason: 'promoted' },
    ];
    for (const metadata of changes) {
      await withOrg(db().db, scope, (tx) =>
        writeAuditEvent(tx, scope, {
          type: 'participant.stage_changed',
          targetType: 'participant',
          targetId: ben.id,
          metadata,
        }),
      );
    }
    const response = await api.request(`/api/orgs/${orgId}/participants/${ben.id}`, { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const detail = participantDetailSchema.strict().parse(await response.json());
    expect(detail.participant.id).toBe(ben.id);
    expect(detail.relationshipCount).toBe(detail.participant.degree);
    expect(detail.stageHistory.slice(0, 4).map(({ id: _id, at: _at, ...change }) => change)).toEqual([
      {
        from: 'dormant',
        to: 'active',
        interventionId: null,
        reversal: false,
        actorEmail: email,
        stageUpdate: null,
      },
      {
        from: 'active',
        to: 'dormant',
        interventionId: null,
        reversal: false,
        actorEmail: email,
        stageUpdate: 'demoted',
      },
      { from: null, to: null, interventionId: null, reversal: false, actorEmail: email, stageUpdate: null },
      {
        from: 'new',
        to: 'active',
        interventionId: 'int-1',
        reversal: true,
        actorEmail: email,
        stageUpdate: null,
      },
    ]);
    // The view was audited with the participant's relationships, counted as the answer counts them.
    const [viewed] = await queryRows<{ relationships: number }>(
      db().db,
      sql`SELECT (metadata->>'relationships')::int AS relationships FROM events
          WHERE org_id = ${orgId} AND event_type = 'participant.viewed' AND target_id = ${ben.id}
          ORDER BY created_at DESC LIMIT 1`,
    );
    expect(viewed!.relationships).toBe(detail.relationshipCount);
  });

  it('lists the org’s participant roles once each, by name, for the role filter', async () => {
    const { orgId } = await demo();
    const scope = createOrgScope({
      orgId,
      orgName: 'Iron Front Digital',
      timezone: 'UTC',
      userId: crypto.randomUUID(),
      userEmail: 'roles@example.com',
      role: 'viewer',
    });
    const roles = await withOrg(db().db, scope, (tx) => listParticipantRoles(tx, scope));
    const rows = await db()
      .db.select({ role: participants.role })
      .from(participants)
      .where(eq(participants.orgId, orgId));
    expect(roles).toEqual([...new Set(rows.map((r) => r.role))].sort());
    expect(roles).toContain('system_participant');
  });

  it('reads the participants page through the list’s view service: one participants.listed, and the roles', async () => {
    const { orgId } = await demo();
    const scope = createOrgScope({
      orgId,
      orgName: 'Iron Front Digital',
      timezone: 'UTC',
      userId: crypto.randomUUID(),
      userEmail: 'page@example.com',
      role: 'viewer',
    });
    const query = listParticipantsQuerySchema.parse({ segment: 'at_risk', sort: '-degree', limit: '100' });
    const { page, roles } = await viewParticipantsPage(db().db, scope, query);
    expect(page.items.map((p) => p.displayName)).toEqual(['Elena Petrova', 'Farid Haddad']);
    expect(roles).toContain('partner');
    const listed = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'participants.listed')));
    expect(listed).toHaveLength(1);
    expect(listed[0]!.metadata).toEqual({
      filters: { segment: 'at_risk', sort: '-degree' },
      count: 2,
      page: 'first',
    });
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
