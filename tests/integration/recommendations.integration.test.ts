import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, recommendations } from '../../src/lib/database/schema';
import { seedDemo } from '../../src/lib/seed/demo';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('recommendations', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const call = async (path: string, method = 'GET', body?: unknown) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie, method, body });
      return { status: response.status, body: await response.json() };
    };
    return { orgId, call };
  }

  it('lists recommendations newest first with a status filter, and audits the view', async () => {
    const { orgId, call } = await demo();
    const all = await call('/recommendations');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(3);
    expect(all.body.items.every((r: { reason: string }) => r.reason.length > 0)).toBe(true);
    expect((await call('/recommendations?status=accepted')).body.items).toEqual([]);
    const viewed = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'recommendations.viewed')));
    expect(viewed.length).toBeGreaterThanOrEqual(3); // the seed's, and these two
    expect((await call('/recommendations?status=maybe')).status).toBe(400);
  });

  it('accepts with a reason, once: a second decision is a 409 that changes nothing', async () => {
    const { orgId, call } = await demo();
    const [first] = (await call('/recommendations')).body.items;
    const accepted = await call(`/recommendations/${first.id}/accept`, 'POST', {
      reason: 'Confirmed with the partner team',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ id: first.id, status: 'accepted' });
    expect(new Date(accepted.body.updatedAt).getTime()).toBeGreaterThanOrEqual(
      new Date(first.updatedAt).getTime(),
    );
    const again = await call(`/recommendations/${first.id}/dismiss`, 'POST');
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('This recommendation was already accepted.');
    const [row] = await db().db.select().from(recommendations).where(eq(recommendations.id, first.id));
    expect(row!.status).toBe('accepted');
    const log = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.targetId, first.id)));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      eventType: 'recommendation.accepted',
      actorRole: 'owner',
      targetType: 'recommendation',
    });
    expect(log[0]!.metadata).toMatchObject({
      reason: 'Confirmed with the partner team',
      suggestedAction: first.suggestedAction,
    });
  });

  it('dismisses without a body', async () => {
    const { call } = await demo();
    const [, second] = (await call('/recommendations')).body.items;
    const dismissed = await call(`/recommendations/${second.id}/dismiss`, 'POST');
    expect(dismissed).toMatchObject({ status: 200, body: { status: 'dismissed' } });
  });

  it('refuses a reason with banned wording with a 422 naming the term, changing nothing', async () => {
    const { orgId, call } = await demo();
    const [first] = (await call('/recommendations')).body.items;
    const word = ['re', 'cruit'].join('');
    const refused = await call(`/recommendations/${first.id}/accept`, 'POST', { reason: `good to ${word}` });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toContain(`"${word}"`);
    expect(refused.body.errors).toEqual([{ path: 'reason', message: `must not use "${word}"` }]);
    const [row] = await db().db.select().from(recommendations).where(eq(recommendations.id, first.id));
    expect(row!.status).toBe('pending');
    const decided = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'recommendation.accepted')));
    expect(decided).toEqual([]);
  });

  it('answers 404 for an unknown recommendation and 400 for a malformed one or body', async () => {
    const { call } = await demo();
    expect((await call('/recommendations/00000000-0000-4000-8000-000000000000/accept', 'POST')).status).toBe(
      404,
    );
    expect((await call('/recommendations/nope/accept', 'POST')).status).toBe(400);
    const [first] = (await call('/recommendations')).body.items;
    const extra = await call(`/recommendations/${first.id}/accept`, 'POST', { reason: 'ok', sneaky: true });
    expect(extra.status).toBe(400);
    expect(
      (await call(`/recommendations/${first.id}/accept`, 'POST', { reason: 'x'.repeat(2001) })).status,
    ).toBe(400);
  });
});

describeEachDatabase('accepting a recommendation with its intervention', ({ db }) => {
  it('applies the matching intervention in the same transaction, and refuses actions without one', async () => {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const call = async (path: string, method = 'GET', body?: unknown) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie, method, body });
      return { status: response.status, body: await response.json() };
    };
    const recs = (await call('/recommendations')).body.items as {
      id: string;
      suggestedAction: string;
      targetId: string;
    }[];
    const stageRec = recs.find((r) => r.suggestedAction === 'set_lifecycle_stage')!;
    const accepted = await call(`/recommendations/${stageRec.id}/accept`, 'POST', { intervene: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body.interventionId).toMatch(/^[0-9a-f-]{36}$/);
    const detail = (await call(`/participants/${stageRec.targetId}`)).body;
    expect(detail.participant.lifecycleStage).toBe('dormant'); // Hiro: last active 75 days ago
    expect(detail.interventions.map((i: { id: string }) => i.id)).toContain(accepted.body.interventionId);

    const verify = recs.find((r) => r.suggestedAction === 'verify_relationship')!;
    const flagged = await call(`/recommendations/${verify.id}/accept`, 'POST', {
      reason: 'Checking it',
      intervene: true,
    });
    expect(flagged.status).toBe(200);
    const intervention = (await call('/interventions')).body.items.find(
      (i: { id: string }) => i.id === flagged.body.interventionId,
    );
    expect(intervention).toMatchObject({
      type: 'flag_for_review',
      scope: 'relationship',
      targetIds: [verify.targetId],
      reason: 'Checking it',
    });

    await db().db.insert(recommendations).values({
      orgId,
      targetType: 'segment',
      targetId: 'dormant',
      suggestedAction: 'send_digest',
      reason: 'r',
      confidence: 0.5,
    });
    const digest = (await call('/recommendations?status=pending')).body.items.find(
      (r: { suggestedAction: string }) => r.suggestedAction === 'send_digest',
    );
    const refused = await call(`/recommendations/${digest.id}/accept`, 'POST', { intervene: true });
    expect(refused.status).toBe(422);
    const [row] = await db().db.select().from(recommendations).where(eq(recommendations.id, digest.id));
    expect(row!.status).toBe('pending'); // the whole decision rolled back
  });
});
