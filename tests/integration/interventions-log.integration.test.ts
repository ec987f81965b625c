import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, interventions, participants, relationships } from '../../src/lib/database/schema';
import { unsafeAddMembership } from '../../src/lib/repositories/unsafe';
import { seedDemo } from '../../src/lib/seed/demo';
import { createOrgWithMembers, createTestApi, createUser, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// The interventions log's filters with keyset pages, one intervention's detail by name (audited), and
// the names in a dry run's sample: what the interventions pages read.

describeEachDatabase('interventions log and detail', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const colleague = await createUser(db(), 'colleague@ironfront.example');
    await unsafeAddMembership(db().db, { orgId, userId: colleague.id, role: 'operator', via: 'test' });
    const sessions = {
      owner: await signIn(api, 'operator@ironfront.example'),
      colleague: await signIn(api, 'colleague@ironfront.example'),
    };
    const call = async (
      path: string,
      as: keyof typeof sessions = 'owner',
      method = 'GET',
      body?: unknown,
    ) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie: sessions[as], method, body });
      return { status: response.status, body: await response.json() };
    };
    const idOf = async (name: string) =>
      (
        await db()
          .db.select({ id: participants.id })
          .from(participants)
          .where(and(eq(participants.orgId, orgId), eq(participants.displayName, name)))
      )[0]!.id;
    const create = async (as: keyof typeof sessions, body: Record<string, unknown>) => {
      const created = await call('/interventions', as, 'POST', {
        scope: 'participant',
        reason: 'r',
        ...body,
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const backdate = (id: string, at: string) =>
      db()
        .db.update(interventions)
        .set({ createdAt: new Date(at) })
        .where(eq(interventions.id, id));
    return { api, orgId, colleague, call, idOf, create, backdate };
  }

  it('filters the log by type, operator, date range, reversal and target, paging each filter by keyset', async () => {
    const { colleague, call, idOf, create, backdate } = await demo();
    const [ben, hiro] = [await idOf('Ben Okafor'), await idOf('Hiro Sato')];
    const flagBen = await create('owner', { type: 'flag_for_review', targetIds: [ben] });
    const pauseHiro = await create('colleague', { type: 'pause_outreach', targetIds: [hiro] });
    const pauseBen = await create('colleague', { type: 'pause_outreach', targetIds: [ben] });
    const noteBoth = await create('owner', {
      type: 'add_note',
      targetIds: [ben, hiro],
      newState: { note: 'n' },
    });
    await backdate(flagBen, '2031-01-10T12:00:00Z');
    await backdate(pauseHiro, '2031-02-10T12:00:00Z');
    await backdate(pauseBen, '2031-02-28T23:59:59.999999Z');
    await backdate(noteBoth, '2031-03-01T00:00:00Z');
    expect(
      (await call(`/interventions/${pauseBen}/reverse`, 'owner', 'POST', { reason: 'undo' })).status,
    ).toBe(200);

    const ids = async (query: string) => {
      const listed = await call(`/interventions?${query}`);
      expect(listed.status).toBe(200);
      return listed.body.items.map((i: { id: string }) => i.id);
    };
    expect(await ids('')).toEqual([noteBoth, pauseBen, pauseHiro, flagBen]);
    expect(await ids('type=pause_outreach')).toEqual([pauseBen, pauseHiro]);
    expect(await ids(`operatorUserId=${colleague.id}`)).toEqual([pauseBen, pauseHiro]);
    // From inclusive, to exclusive, at microsecond precision.
    expect(await ids('from=2031-02-10T12:00:00Z&to=2031-03-01T00:00:00Z')).toEqual([pauseBen, pauseHiro]);
    expect(await ids('from=2031-03-01T00:00:00%2B00:00')).toEqual([noteBoth]);
    expect(await ids('reversed=true')).toEqual([pauseBen]);
    expect(await ids('reversed=false')).toEqual([noteBoth, pauseHiro, flagBen]);
    expect(await ids(`targetId=${hiro}&type=pause_outreach`)).toEqual([pauseHiro]);
    expect(await ids(`type=pause_outreach&operatorUserId=${colleague.id}&reversed=false`)).toEqual([
      pauseHiro,
    ]);

    // Keyset pages of a filtered list: one at a time, every match once, in order.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
        await call(
          `/interventions?targetId=${ben}&limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
      paged.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual([noteBoth, pauseBen, flagBen]);
  });

  it('refuses filters that are not filters with 400, naming the parameter', async () => {
    const { call } = await demo();
    for (const [query, field] of [
      ['type=promote', 'type'],
      ['operatorUserId=me', 'operatorUserId'],
      ['from=yesterday', 'from'],
      ['to=2031-03-01', 'to'],
      ['reversed=maybe', 'reversed'],
    ]) {
      const refused = await call(`/interventions?${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.errors.map((e: { path: string }) => e.path)).toContain(field);
    }
  });

  it('shows one intervention target by target, by name, with who made and reversed it, audited as a view', async () => {
    const { orgId, colleague, call, idOf, create } = await demo();
    const [ben, hiro] = [await idOf('Ben Okafor'), await idOf('Hiro Sato')];
    await create('owner', { type: 'pause_outreach', targetIds: [hiro] });
    const id = await create('colleague', { type: 'pause_outreach', targetIds: [ben, hiro] });
    await call(`/interventions/${id}/reverse`, 'owner', 'POST', { reason: 'too broad' });

    const detail = await call(`/interventions/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.targetCount).toBe(2);
    expect(detail.body.targets).toEqual([
      {
        id: ben,
        label: 'Ben Okafor',
        inOrg: true,
        participantIds: [ben],
        participantNames: ['Ben Okafor'],
        previous: { outreachPaused: false },
        next: { outreachPaused: true },
        result: 'applied',
      },
      {
        id: hiro,
        label: 'Hiro Sato',
        inOrg: true,
        participantIds: [hiro],
        participantNames: ['Hiro Sato'],
        previous: { outreachPaused: true },
        next: { outreachPaused: true },
        result: 'unchanged',
      },
    ]);
    expect(detail.body.operator).toEqual({ userId: colleague.id, name: 'colleague', email: colleague.email });
    expect(detail.body.reversedBy).toMatchObject({ email: 'operator@ironfront.example' });
    expect(detail.body.intervention).toMatchObject({ id, reversalReason: 'too broad' });

    const viewed = await db()
      .db.select({ metadata: events.metadata })
      .from(events)
      .where(
        and(eq(events.orgId, orgId), eq(events.eventType, 'intervention.viewed'), eq(events.targetId, id)),
      );
    expect(viewed).toEqual([{ metadata: { type: 'pause_outreach', targets: 2 } }]);
  });

  it("names a relationship by its two ends; another org's or an unknown intervention is 404", async () => {
    const { api, orgId, call, idOf, create } = await demo();
    const ben = await idOf('Ben Okafor');
    const [edge] = await db()
      .db.select({ id: relationships.id, type: relationships.type, to: relationships.toParticipantId })
      .from(relationships)
      .where(and(eq(relationships.orgId, orgId), eq(relationships.fromParticipantId, ben)))
      .limit(1);
    const [other] = await db()
      .db.select({ name: participants.displayName })
      .from(participants)
      .where(eq(participants.id, edge!.to));
    const id = await create('owner', {
      type: 'flag_for_review',
      scope: 'relationship',
      targetIds: [edge!.id],
    });
    const detail = await call(`/interventions/${id}`);
    expect(detail.body.targets[0]).toMatchObject({
      label: `Ben Okafor → ${other!.name} (${edge!.type.replace(/_/g, ' ')})`,
      participantIds: [ben, edge!.to],
      participantNames: ['Ben Okafor', other!.name],
    });

    expect((await call(`/interventions/${crypto.randomUUID()}`)).status).toBe(404);
    const { org, users } = await createOrgWithMembers(db(), 'Elsewhere', { owner: 'elsewhere@example.com' });
    const stranger = await signIn(api, users.owner!.email);
    const response = await api.request(`/api/orgs/${org.id}/interventions/${id}`, { cookie: stranger });
    expect(response.status).toBe(404);
    const count = await db().db.execute(
      sql`SELECT count(*)::int AS n FROM events WHERE event_type = 'intervention.viewed' AND org_id = ${org.id}`,
    );
    expect((count as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });

  it("names each target in a dry run's sample", async () => {
    const { call, idOf } = await demo();
    const ben = await idOf('Ben Okafor');
    const preview = await call('/interventions?dryRun=1', 'owner', 'POST', {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: [ben],
      reason: 'quiet',
      newState: { lifecycleStage: 'dormant' },
    });
    expect(preview.status).toBe(200);
    expect(preview.body.sample).toEqual([
      expect.objectContaining({ id: ben, label: 'Ben Okafor', after: { lifecycleStage: 'dormant' } }),
    ]);
  });
});
