import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { events, interventions, participants, relationships } from '../../src/lib/database/schema';
import { unsafeFindUserByEmail } from '../../src/lib/repositories/unsafe';
import { seedDemo } from '../../src/lib/seed/demo';
import { applyIntervention, previewIntervention } from '../../src/lib/services/interventions';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('interventions', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const call = async (path: string, method = 'GET', body?: unknown, headers?: Record<string, string>) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie, method, body, headers });
      return { status: response.status, body: await response.json(), headers: response.headers };
    };
    const idOf = async (name: string) =>
      (
        await db()
          .db.select({ id: participants.id })
          .from(participants)
          .where(and(eq(participants.orgId, orgId), eq(participants.displayName, name)))
      )[0]!.id;
    const controls = async (id: string) => (await call(`/participants/${id}`)).body.controls;
    const stage = async (id: string) =>
      (
        await db()
          .db.select({ s: participants.lifecycleStage })
          .from(participants)
          .where(eq(participants.id, id))
      )[0]!.s;
    return { orgId, call, idOf, controls, stage };
  }

  it('flags a participant and reverses it exactly, auditing both', async () => {
    const { orgId, call, idOf, controls } = await demo();
    const ben = await idOf('Ben Okafor');
    const created = await call('/interventions', 'POST', {
      type: 'flag_for_review',
      scope: 'participant',
      targetIds: [ben],
      reason: 'Odd activity',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'flag_for_review',
      targetIds: [ben],
      previousState: { targets: { [ben]: { flaggedForReview: false } } },
      newState: { targets: { [ben]: { flaggedForReview: true } }, results: { [ben]: 'applied' } },
      reversedAt: null,
    });
    expect(await controls(ben)).toMatchObject({ flaggedForReview: true, outreachPaused: false });
    const reversed = await call(`/interventions/${created.body.id}/reverse`, 'POST', {
      reason: 'Explained by a trip',
    });
    expect(reversed.status).toBe(200);
    expect(reversed.body).toMatchObject({
      reversed: [ben],
      notReversed: [],
      intervention: { reversalReason: 'Explained by a trip' },
    });
    expect(reversed.body.intervention.reversedAt).not.toBeNull();
    expect(await controls(ben)).toMatchObject({ flaggedForReview: false });
    const log = await db()
      .db.select({ type: events.eventType })
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.targetId, created.body.id)));
    expect(log.map((e) => e.type).sort()).toEqual(['intervention.created', 'intervention.reversed']);
    const again = await call(`/interventions/${created.body.id}/reverse`, 'POST', { reason: 'again' });
    expect(again.status).toBe(409);
  });

  it('sets a lifecycle stage, adds a note and suppresses recommendations, each reversed to the state before', async () => {
    const { call, idOf, controls, stage } = await demo();
    const hiro = await idOf('Hiro Sato');
    const staged = await call('/interventions', 'POST', {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: [hiro],
      reason: 'No activity',
      newState: { lifecycleStage: 'dormant' },
    });
    expect(await stage(hiro)).toBe('dormant');
    const noted = await call('/interventions', 'POST', {
      type: 'add_note',
      scope: 'participant',
      targetIds: [hiro],
      reason: 'Context',
      newState: { note: 'Moved teams in spring' },
    });
    expect((await controls(hiro)).notes).toEqual([
      expect.objectContaining({ body: 'Moved teams in spring' }),
    ]);
    const until = '2027-01-31T00:00:00Z';
    const suppressed = await call('/interventions', 'POST', {
      type: 'suppress_recommendations',
      scope: 'participant',
      targetIds: [hiro],
      reason: 'Quiet period',
      newState: { until },
    });
    expect(await controls(hiro)).toMatchObject({
      recommendationsSuppressed: true,
      recommendationsSuppressedUntil: '2027-01-31T00:00:00.000Z',
    });

    for (const created of [suppressed, noted, staged]) {
      expect(created.status).toBe(201);
      expect(
        (await call(`/interventions/${created.body.id}/reverse`, 'POST', { reason: 'Undo' })).status,
      ).toBe(200);
    }
    expect(await stage(hiro)).toBe('active');
    const stageEvents = await db()
      .db.select({ metadata: events.metadata })
      .from(events)
      .where(and(eq(events.eventType, 'participant.stage_changed'), eq(events.targetId, hiro)))
      .orderBy(events.createdAt);
    expect(stageEvents.map((e) => e.metadata)).toEqual([
      { from: 'active', to: 'dormant', interventionId: staged.body.id, reversal: false, cause: 'operator' },
      { from: 'dormant', to: 'active', interventionId: staged.body.id, reversal: true, cause: 'operator' },
    ]);
    expect(await controls(hiro)).toEqual({
      outreachPaused: false,
      flaggedForReview: false,
      recommendationsSuppressed: false,
      recommendationsSuppressedUntil: null,
      notes: [],
    });
  });

  it('refuses to reverse a target that changed since, naming it and changing nothing', async () => {
    const { call, idOf, stage } = await demo();
    const ava = await idOf('Ava Moreno');
    const first = await call('/interventions', 'POST', {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: [ava],
      reason: 'Check',
      newState: { lifecycleStage: 'at_risk' },
    });
    await call('/interventions', 'POST', {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: [ava],
      reason: 'Later change',
      newState: { lifecycleStage: 'dormant' },
    });
    const refused = await call(`/interventions/${first.body.id}/reverse`, 'POST', { reason: 'Undo' });
    expect(refused.status).toBe(409);
    expect(refused.body.errors).toEqual([
      { path: ava, message: 'expected {"lifecycleStage":"at_risk"}, now {"lifecycleStage":"dormant"}' },
    ]);
    expect(await stage(ava)).toBe('dormant');
    const [row] = await db()
      .db.select({ reversedAt: interventions.reversedAt })
      .from(interventions)
      .where(eq(interventions.id, first.body.id));
    expect(row!.reversedAt).toBeNull();
  });

  it('acts on a segment after a dry run, and reverses what it still owns, reporting the rest', async () => {
    const { call, idOf, controls } = await demo();
    const dry = await call('/interventions?dryRun=1', 'POST', {
      type: 'pause_outreach',
      scope: 'segment',
      segment: 'dormant',
      reason: 'Give them room',
    });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, type: 'pause_outreach', targetCount: 4, changing: 4 });
    expect(dry.body.sample[0]).toMatchObject({
      before: { outreachPaused: false },
      after: { outreachPaused: true },
    });
    const grace = await idOf('Grace Lindqvist');
    expect((await controls(grace)).outreachPaused).toBe(false); // the dry run changed nothing
    expect((await call('/interventions?limit=500')).body.items).toEqual([]);

    const bulk = await call('/interventions', 'POST', {
      type: 'pause_outreach',
      scope: 'segment',
      segment: 'dormant',
      reason: 'Give them room',
    });
    expect(bulk.status).toBe(201);
    expect(bulk.body.targetIds).toHaveLength(4);
    expect(bulk.body.newState.segment).toBe('dormant');
    await call('/interventions', 'POST', {
      type: 'resume_outreach',
      scope: 'participant',
      targetIds: [grace],
      reason: 'She wrote back',
    });
    const reversal = await call(`/interventions/${bulk.body.id}/reverse`, 'POST', { reason: 'Season over' });
    expect(reversal.status).toBe(200);
    expect(reversal.body.reversed).toHaveLength(3);
    expect(reversal.body.notReversed).toEqual([
      { id: grace, expected: { outreachPaused: true }, actual: { outreachPaused: false } },
    ]);
    const jonas = await idOf('Jonas Weber');
    expect((await controls(jonas)).outreachPaused).toBe(false);
  });

  it('previews any selection: counts, a sample of ten before/after, and nothing written', async () => {
    const { orgId, idOf, controls } = await demo();
    const operator = (await unsafeFindUserByEmail(db().db, 'operator@ironfront.example'))!;
    const scope = await resolveOrgContext(db().db, operator, orgId, { method: 'GET', path: '/test' });
    const everyone = (
      await db().db.select({ id: participants.id }).from(participants).where(eq(participants.orgId, orgId))
    ).map((p) => p.id);
    const [ben, hiro] = [await idOf('Ben Okafor'), await idOf('Hiro Sato')];
    await applyIntervention(db().db, scope, {
      type: 'pause_outreach',
      scope: 'participant',
      targetIds: [ben, hiro],
      reason: 'Already quiet',
    });
    const counts = async () => ({
      events: (await db().db.select({ id: events.id }).from(events).where(eq(events.orgId, orgId))).length,
      interventions: (
        await db()
          .db.select({ id: interventions.id })
          .from(interventions)
          .where(eq(interventions.orgId, orgId))
      ).length,
    });
    const before = await counts();

    const preview = await previewIntervention(db().db, scope, {
      type: 'pause_outreach',
      scope: 'participant',
      targetIds: everyone,
      reason: 'Quiet month',
    });
    expect(preview).toMatchObject({ dryRun: true, type: 'pause_outreach', targetCount: 12, changing: 10 });
    expect(preview.sample).toHaveLength(10);
    for (const { id, before: was, after } of preview.sample) {
      expect(was).toEqual({ outreachPaused: id === ben || id === hiro });
      expect(after).toEqual({ outreachPaused: true });
    }

    const staged = await previewIntervention(db().db, scope, {
      type: 'set_lifecycle_stage',
      scope: 'segment',
      segment: 'dormant',
      reason: 'Tidy up',
      newState: { lifecycleStage: 'dormant' },
    });
    // The dormant segment is read from activity; two of its four are already at the dormant stage.
    expect(staged).toMatchObject({ targetCount: 4, changing: 2 });
    expect(staged.sample.filter((s) => s.before.lifecycleStage !== 'dormant')).toHaveLength(2);
    expect(staged.sample.every((s) => s.after.lifecycleStage === 'dormant')).toBe(true);

    const note = await previewIntervention(db().db, scope, {
      type: 'add_note',
      scope: 'participant',
      targetIds: [ben],
      reason: 'Context',
      newState: { note: 'Prefers email' },
    });
    expect(note.sample).toMatchObject([
      { id: ben, before: { noteId: null }, after: { noteId: expect.any(String) } },
    ]);

    expect(await counts()).toEqual(before); // no intervention, no event: not even an audit of the preview
    expect(await controls(await idOf('Ava Moreno'))).toMatchObject({ outreachPaused: false, notes: [] });
    await expect(
      previewIntervention(db().db, scope, {
        type: 'pause_outreach',
        scope: 'participant',
        targetIds: [ben, '00000000-0000-4000-8000-000000000000'],
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      previewIntervention(db().db, scope, {
        type: 'pause_outreach',
        scope: 'relationship',
        targetIds: [ben],
        reason: 'x',
      }),
    ).rejects.toMatchObject({ code: 'unprocessable' });
  });

  it('flags a relationship and refuses types that do not fit relationships', async () => {
    const { orgId, call } = await demo();
    const [edge] = await db()
      .db.select({ id: relationships.id })
      .from(relationships)
      .where(eq(relationships.orgId, orgId))
      .limit(1);
    const flagged = await call('/interventions', 'POST', {
      type: 'flag_for_review',
      scope: 'relationship',
      targetIds: [edge!.id],
      reason: 'Looks stale',
    });
    expect(flagged.status).toBe(201);
    expect(
      (await call(`/interventions/${flagged.body.id}/reverse`, 'POST', { reason: 'Fine after all' })).body
        .reversed,
    ).toEqual([edge!.id]);
    const wrong = await call('/interventions', 'POST', {
      type: 'add_note',
      scope: 'relationship',
      targetIds: [edge!.id],
      reason: 'x',
      newState: { note: 'n' },
    });
    expect(wrong.status).toBe(422);
  });

  it('leaves neither the change nor the event when the transaction fails midway', async () => {
    const { orgId, call, idOf, controls } = await demo();
    const ben = await idOf('Ben Okafor');
    // Make the audit write fail after the state has been written in the same transaction.
    await db().db.execute(sql`CREATE FUNCTION fail_intervention_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.event_type = 'intervention.created' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await db().db.execute(
      sql`CREATE TRIGGER fail_intervention_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_intervention_event()`,
    );
    try {
      const failed = await call('/interventions', 'POST', {
        type: 'pause_outreach',
        scope: 'participant',
        targetIds: [ben],
        reason: 'x',
      });
      expect(failed.status).toBe(500);
    } finally {
      await db().db.execute(sql`DROP TRIGGER fail_intervention_event ON events`);
      await db().db.execute(sql`DROP FUNCTION fail_intervention_event()`);
    }
    expect((await controls(ben)).outreachPaused).toBe(false);
    expect(await db().db.select().from(interventions).where(eq(interventions.orgId, orgId))).toEqual([]);
  });

  it('returns the first answer for a retried Idempotency-Key and changes nothing twice', async () => {
    const { orgId, call, idOf } = await demo();
    const ben = await idOf('Ben Okafor');
    const body = {
      type: 'add_note',
      scope: 'participant',
      targetIds: [ben],
      reason: 'Call notes',
      newState: { note: 'Prefers email' },
    };
    const first = await call('/interventions', 'POST', body, { 'idempotency-key': 'note-1' });
    const retry = await call('/interventions', 'POST', body, { 'idempotency-key': 'note-1' });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await db().db.select().from(interventions).where(eq(interventions.orgId, orgId))).toHaveLength(1);
    const other = await call(
      '/interventions',
      'POST',
      { ...body, reason: 'Different' },
      { 'idempotency-key': 'note-1' },
    );
    expect(other.status).toBe(422);
    // A failed request frees its key: the corrected retry runs.
    const bad = await call(
      '/interventions',
      'POST',
      { ...body, targetIds: ['00000000-0000-4000-8000-000000000000'] },
      { 'idempotency-key': 'note-2' },
    );
    expect(bad.status).toBe(404);
    const fixed = await call(
      '/interventions',
      'POST',
      { ...body, targetIds: ['00000000-0000-4000-8000-000000000000'] },
      { 'idempotency-key': 'note-2' },
    );
    expect(fixed.status).toBe(404);
  });

  it('refuses banned wording, mismatched shapes and targets of other orgs', async () => {
    const { call, idOf } = await demo();
    const ben = await idOf('Ben Okafor');
    const word = ['down', 'line'].join('');
    const banned = await call('/interventions', 'POST', {
      type: 'add_note',
      scope: 'participant',
      targetIds: [ben],
      reason: 'ok',
      newState: { note: `part of my ${word}` },
    });
    expect(banned.status).toBe(422);
    expect(banned.body.errors).toEqual([{ path: 'newState.note', message: `must not use "${word}"` }]);
    const noStage = await call('/interventions', 'POST', {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: [ben],
      reason: 'x',
    });
    expect(noStage.status).toBe(400);
    expect(noStage.body.errors).toContainEqual({
      path: 'newState.lifecycleStage',
      message: 'is required for set_lifecycle_stage',
    });
    const both = await call('/interventions', 'POST', {
      type: 'pause_outreach',
      scope: 'segment',
      segment: 'dormant',
      targetIds: [ben],
      reason: 'x',
    });
    expect(both.status).toBe(400);
    const missing = await call('/interventions', 'POST', {
      type: 'pause_outreach',
      scope: 'participant',
      targetIds: [ben, '00000000-0000-4000-8000-000000000000'],
      reason: 'x',
    });
    expect(missing.status).toBe(404);
    expect((await call('/interventions/nope/reverse', 'POST', { reason: 'x' })).status).toBe(400);
    expect(
      (await call('/interventions/00000000-0000-4000-8000-000000000000/reverse', 'POST', { reason: 'x' }))
        .status,
    ).toBe(404);
  });
});
