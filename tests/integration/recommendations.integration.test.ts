import { withOrg, type OrgDb } from '../../src/lib/database/with-org';
import { and, desc, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { SEGMENT_KEYS } from '../../src/lib/domain';
import { resolveOrgContext } from '../../src/lib/auth';
import { events, participants, recommendations } from '../../src/lib/database/schema';
import {
  findRecommendationTargets,
  type RecommendationTarget,
} from '../../src/lib/repositories/recommendation-targets';
import { listRecommendations } from '../../src/lib/repositories/recommendations';
import { countSegments } from '../../src/lib/repositories/segments';
import { unsafeFindUserByEmail } from '../../src/lib/repositories/unsafe';
import type { MemberScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import {
  viewRecommendationInbox,
  type RecommendationWithTarget,
} from '../../src/lib/services/views/recommendations';
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
    const again = await call(`/recommendations/${first.id}/dismiss`, 'POST', { reasonCode: 'not_relevant' });
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
    expect(log[0]!.metadata).toMatchObject({ suggestedAction: first.suggestedAction });
    // The decider's words are the event's personal part (docs/decisions/034).
    expect(log[0]!.personal).toEqual({ reason: 'Confirmed with the partner team' });
  });

  it('dismisses with a reason code alone; without one it is a 400 naming reasonCode', async () => {
    const { call } = await demo();
    const [, second] = (await call('/recommendations')).body.items;
    const bare = await call(`/recommendations/${second.id}/dismiss`, 'POST');
    expect(bare.status).toBe(400);
    const empty = await call(`/recommendations/${second.id}/dismiss`, 'POST', {});
    expect(empty.status).toBe(400);
    expect(empty.body.errors.map((e: { path: string }) => e.path)).toEqual(['reasonCode']);
    const dismissed = await call(`/recommendations/${second.id}/dismiss`, 'POST', {
      reasonCode: 'wrong_data',
    });
    expect(dismissed).toMatchObject({
      status: 200,
      body: { status: 'dismissed', dismissalReason: 'wrong_data', snoozedUntil: null },
    });
    expect(dismissed.body.decidedAt).not.toBeNull();
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

/** A list answer, or a problem (errors) for a refused one. */
interface ListAnswer {
  items: RecommendationWithTarget[];
  nextCursor: string | null;
  errors: { path: string }[];
}

/** The target of a card, which the test expects to be of `type`. */
function targetOf<T extends RecommendationTarget['type']>(
  rec: RecommendationWithTarget | undefined,
  type: T,
): Extract<RecommendationTarget, { type: T }> {
  expect(rec?.target?.type).toBe(type);
  return rec!.target as Extract<RecommendationTarget, { type: T }>;
}

describeEachDatabase(
  'the recommendations inbox: filters, keyset pages and target summaries',
  ({ db }) => {
    let orgId: string;
    let owner: MemberScope;
    let call: (path: string) => Promise<{ status: number; body: ListAnswer }>;

    beforeAll(async () => {
      ({ orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD }));
      const api = createTestApi(db());
      const cookie = await signIn(api, 'operator@ironfront.example');
      call = async (path) => {
        const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie });
        return { status: response.status, body: (await response.json()) as ListAnswer };
      };
      const operator = (await unsafeFindUserByEmail(db().db, 'operator@ironfront.example'))!;
      owner = await resolveOrgContext(db().db, operator, orgId, { method: 'GET', path: '/test' });
    });

    const idOf = async (name: string) =>
      (
        await db()
          .db.select({ id: participants.id })
          .from(participants)
          .where(and(eq(participants.orgId, orgId), eq(participants.displayName, name)))
      )[0]!.id;

    it('filters by suggested action and target type, alone and with the status', async () => {
      const flags = await call('/recommendations?suggestedAction=flag_for_review');
      expect(flags.status).toBe(200);
      expect(flags.body.items.map((r) => r.suggestedAction)).toEqual(['flag_for_review']);
      const links = await call('/recommendations?targetType=relationship&status=pending');
      expect(links.body.items.map((r) => r.suggestedAction)).toEqual(['verify_relationship']);
      expect(
        (await call('/recommendations?targetType=relationship&suggestedAction=flag_for_review')).body.items,
      ).toEqual([]);
      expect(
        (await call('/recommendations?suggestedAction=flag_for_review&status=dismissed')).body.items,
      ).toEqual([]);
    });

    it('refuses a malformed action or target type with a 400 naming the field', async () => {
      const action = await call(`/recommendations?suggestedAction=${encodeURIComponent("x' OR 1=1")}`);
      expect(action.status).toBe(400);
      expect(action.body.errors.map((e) => e.path)).toEqual(['suggestedAction']);
      const target = await call('/recommendations?targetType=org');
      expect(target.status).toBe(400);
      expect(target.body.errors.map((e) => e.path)).toEqual(['targetType']);
    });

    it('pages a filtered list by keyset with no row repeated or skipped, ties on the time included', async () => {
      const sameMoment = new Date(Date.now() - 3_600_000);
      // One pending recommendation per target and action: each row its own target.
      const someone = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const rows = Array.from({ length: 23 }, (_, i) => ({
        orgId,
        targetType: i % 3 === 0 ? 'segment' : 'participant',
        targetId: i % 3 === 0 ? SEGMENT_KEYS[(i / 3) % SEGMENT_KEYS.length]! : someone(i),
        suggestedAction: i % 2 === 0 ? 'pause_outreach' : 'send_digest',
        reason: `Batch ${i}`,
        confidence: 0.5,
        // Several rows share a timestamp: the id breaks the tie.
        createdAt: i < 10 ? sameMoment : new Date(sameMoment.getTime() - i * 1000),
      }));
      await db().db.insert(recommendations).values(rows);
      const expected = rows
        .filter((r) => r.suggestedAction === 'pause_outreach' && r.targetType === 'participant')
        .map((r) => r.reason)
        .sort();

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/recommendations?suggestedAction=pause_outreach&targetType=participant&status=pending&limit=2${
          cursor ? `&cursor=${cursor}` : ''
        }`;
        const page = await call(query);
        expect(page.status).toBe(200);
        if (pages === 0) {
          // A newer row arriving between pages does not shift the pages after the first.
          await db()
            .db.insert(recommendations)
            .values({ ...rows[2]!, targetId: someone(99), reason: 'Arrived later', createdAt: new Date() });
        }
        seen.push(...page.body.items.map((r) => r.reason));
        cursor = page.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      expect(seen.slice().sort()).toEqual(expected);
      expect(new Set(seen).size).toBe(seen.length);
      expect(pages).toBe(Math.ceil(expected.length / 2));
    });

    it("returns each target as it is now, with the figures the seed's reasons cite", async () => {
      const { body } = await call('/recommendations?status=pending&limit=100');
      const byAction = (action: string) =>
        body.items.find((r) => r.suggestedAction === action && !r.reason.startsWith('Batch'));

      const elena = targetOf(byAction('flag_for_review'), 'participant');
      expect(elena.participant).toMatchObject({
        id: await idOf('Elena Petrova'),
        displayName: 'Elena Petrova',
        lifecycleStage: 'at_risk',
        activityStage: 'at_risk',
        degree: 4, // Ben, Dev, Farid and the CRM bridge
        flaggedForReview: false,
        // People only: the CRM bridge is a system account.
        neighbours: { new: 0, active: 2, at_risk: 1, dormant: 0 },
      });
      const days = (Date.now() - new Date(elena.participant.lastActivityAt!).getTime()) / 86_400_000;
      expect(Math.round(days)).toBe(41);

      expect(targetOf(byAction('set_lifecycle_stage'), 'participant').participant).toMatchObject({
        displayName: 'Hiro Sato',
        lifecycleStage: 'active',
        activityStage: 'dormant',
      });

      expect(targetOf(byAction('verify_relationship'), 'relationship').relationship).toMatchObject({
        type: 'co_attended',
        source: 'calendar',
        confidence: 0.41,
        flaggedForReview: false,
        from: { displayName: 'Grace Lindqvist', lifecycleStage: 'dormant' },
        to: { displayName: 'Jonas Weber', lifecycleStage: 'dormant' },
      });

      // What accepting with intervene applies, so the inbox can say so before anyone clicks.
      expect(byAction('flag_for_review')?.intervention).toBe('flag_for_review');
      expect(byAction('set_lifecycle_stage')?.intervention).toBe('set_lifecycle_stage');
      expect(byAction('verify_relationship')?.intervention).toBe('flag_for_review');
      expect(body.items.find((r) => r.suggestedAction === 'send_digest')?.intervention).toBeNull();

      const segment = body.items.find((r) => r.targetType === 'segment' && r.targetId === 'at_risk')?.target;
      const atRisk = (await withOrg(db().db, owner, (tx) => countSegments(tx, owner))).find(
        (s) => s.key === 'at_risk',
      )!;
      expect(segment).toEqual({
        type: 'segment',
        segment: { key: 'at_risk', label: 'At risk', description: atRisk.description, count: atRisk.count },
      });
    });

    it('answers target null for a target that is gone or an id that names nothing', async () => {
      await db()
        .db.insert(recommendations)
        .values([
          {
            orgId,
            targetType: 'participant',
            targetId: '00000000-0000-4000-8000-000000000000',
            suggestedAction: 'gone_one',
            reason: 'r',
            confidence: 0.2,
          },
          {
            orgId,
            targetType: 'participant',
            targetId: 'not-a-uuid',
            suggestedAction: 'gone_two',
            reason: 'r',
            confidence: 0.2,
          },
          {
            orgId,
            targetType: 'segment',
            targetId: 'no_such_segment',
            suggestedAction: 'gone_three',
            reason: 'r',
            confidence: 0.2,
          },
        ]);
      for (const action of ['gone_one', 'gone_two', 'gone_three']) {
        const { status, body } = await call(`/recommendations?suggestedAction=${action}`);
        expect(status).toBe(200);
        expect(body.items).toHaveLength(1);
        expect(body.items[0]!.target).toBeNull();
      }
    });

    it('loads the targets of a page with the same number of statements for one card or fifty', async () => {
      const statements = { count: 0 };
      const counting = (tx: OrgDb) =>
        new Proxy(tx, {
          get(target, key, receiver) {
            const value = Reflect.get(target, key, receiver);
            if (typeof value !== 'function') return value;
            if (key === 'select' || key === 'execute') statements.count += 1;
            return value.bind(target);
          },
        });
      const page = await withOrg(db().db, owner, (tx) => listRecommendations(tx, owner, { limit: 50 }));
      const targetTypes = new Set(page.items.map((r) => r.targetType));
      expect(targetTypes).toEqual(new Set(['participant', 'relationship', 'segment']));

      statements.count = 0;
      await withOrg(db().db, owner, (tx) =>
        findRecommendationTargets(counting(tx), owner, [
          page.items.find((r) => r.targetType === 'participant' && r.targetId.length === 36)!,
        ]),
      );
      const forOne = statements.count;
      expect(forOne).toBe(2); // the org's segment thresholds, then the targets
      statements.count = 0;
      const all = await withOrg(db().db, owner, (tx) =>
        findRecommendationTargets(counting(tx), owner, page.items),
      );
      expect(all.size).toBeGreaterThan(3);
      expect(statements.count).toBe(forOne);
    });

    it('writes the filters into recommendations.viewed, and the inbox adds counts per status and action', async () => {
      const { page, facets } = await viewRecommendationInbox(db().db, owner, {
        status: 'pending',
        suggestedAction: 'verify_relationship',
        targetType: 'relationship',
        limit: 10,
      });
      expect(page.items).toHaveLength(1);
      const [event] = await db()
        .db.select({ metadata: events.metadata })
        .from(events)
        .where(and(eq(events.orgId, orgId), eq(events.eventType, 'recommendations.viewed')))
        .orderBy(desc(events.createdAt), desc(events.id))
        .limit(1);
      expect(event!.metadata).toEqual({
        status: 'pending',
        suggestedAction: 'verify_relationship',
        targetType: 'relationship',
        count: 1,
        page: 'first',
      });
      expect(facets).toContainEqual({
        status: 'pending',
        suggestedAction: 'verify_relationship',
        targetType: 'relationship',
        count: 1,
      });
      const pending = facets.filter((f) => f.status === 'pending').reduce((n, f) => n + f.count, 0);
      const [{ n }] = (await db()
        .db.select({ n: sql<number>`count(*)::int` })
        .from(recommendations)
        .where(and(eq(recommendations.orgId, orgId), eq(recommendations.status, 'pending')))) as [
        { n: number },
      ];
      expect(pending).toBe(n);
    });

    it('says who decided a decided recommendation, why, and the intervention it applied', async () => {
      const api = createTestApi(db());
      const cookie = await signIn(api, 'operator@ironfront.example');
      const post = (path: string, body: unknown) =>
        api.request(`/api/orgs/${orgId}${path}`, { cookie, method: 'POST', body });
      const pending = (await call('/recommendations?status=pending&limit=100')).body.items;
      expect(pending.every((r) => r.decision === null)).toBe(true);
      const flag = pending.find((r) => r.suggestedAction === 'flag_for_review')!;
      const link = pending.find((r) => r.suggestedAction === 'verify_relationship')!;
      expect(
        (await post(`/recommendations/${flag.id}/accept`, { reason: 'Checked', intervene: true })).status,
      ).toBe(200);
      expect(
        (
          await post(`/recommendations/${link.id}/dismiss`, {
            reasonCode: 'already_handled',
            reason: 'Still meet monthly',
          })
        ).status,
      ).toBe(200);

      const accepted = (await call('/recommendations?status=accepted')).body.items;
      expect(accepted.map((r) => r.id)).toEqual([flag.id]);
      expect(accepted[0]!.decision).toEqual({
        decidedBy: 'operator@ironfront.example',
        reason: 'Checked',
        interventionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      const dismissed = (await call('/recommendations?status=dismissed')).body.items;
      expect(dismissed[0]!.dismissalReason).toBe('already_handled');
      expect(dismissed[0]!.decision).toEqual({
        decidedBy: 'operator@ironfront.example',
        reason: 'Still meet monthly',
        interventionId: null,
      });
    });
  },
  { keepData: true },
);
