import { withOrg } from '../../src/lib/database/with-org';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { RecommendationCandidate } from '../../src/lib/atlas/detectors';
import { queryRows } from '../../src/lib/db';
import { events, recommendations } from '../../src/lib/database/schema';
import type { AtlasDetector } from '../../src/lib/domain';
import { syncRecommendations } from '../../src/lib/repositories/atlas-recommendations';
import { createSystemScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// Atlas's recommendations through the API: dismissal reason codes and snoozes, what accepting each
// detector's action applies, the community target, and how a rerun treats what operators decided.

const DAY = 86_400_000;

interface Rec {
  id: string;
  targetType: string;
  targetId: string;
  suggestedAction: string;
  reason: string;
  status: string;
  detector: string | null;
  evidence: { participantIds: string[]; relationshipIds: string[]; figures: Record<string, unknown> } | null;
  decidedAt: string | null;
  dismissalReason: string | null;
  snoozedUntil: string | null;
  target: { type: string; [key: string]: unknown } | null;
}

describeEachDatabase('Atlas recommendations in the API', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const call = async (path: string, method = 'GET', body?: unknown) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie, method, body });
      return { status: response.status, body: await response.json() };
    };
    const scope = createSystemScope({ id: orgId, name: 'Iron Front Digital', timezone: 'UTC' });
    const idOf = async (name: string) =>
      (
        await queryRows<{ id: string }>(
          db().db,
          sql`SELECT id FROM participants WHERE org_id = ${orgId} AND display_name = ${name}`,
        )
      )[0]!.id;
    const [link] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT r.id FROM relationships r JOIN participants a ON a.org_id = r.org_id AND a.id = r.from_participant_id
          JOIN participants b ON b.org_id = r.org_id AND b.id = r.to_participant_id
          WHERE r.org_id = ${orgId} AND a.role <> 'system_participant' AND b.role <> 'system_participant'
          ORDER BY r.id LIMIT 1`,
    );
    const sync = (candidates: RecommendationCandidate[], now = new Date()) =>
      withOrg(db().db, scope, (tx) => syncRecommendations(tx, scope, randomUUID(), candidates, now));
    const pending = async (action: string) =>
      ((await call(`/recommendations?status=pending&suggestedAction=${action}`)).body.items as Rec[])[0]!;
    return { orgId, call, idOf, linkId: link!.id, sync, pending };
  }

  const candidate = (
    detector: AtlasDetector,
    targetId: string,
    targetType: RecommendationCandidate['targetType'] = 'participant',
  ): RecommendationCandidate => ({
    detector,
    targetType,
    targetId,
    suggestedAction: detector,
    reason: `No activity for 41 days; top 3% by PageRank (${detector})`,
    confidence: 0.81,
    evidence: { participantIds: [targetId], relationshipIds: [], figures: { daysSinceActivity: 41 } },
  });

  it('lists what Atlas made with its detector and evidence, and records who decided when', async () => {
    const { call, idOf, sync, pending } = await demo();
    const hiro = await idOf('Hiro Sato');
    await sync([candidate('reengage', hiro)]);
    const rec = await pending('reengage');
    expect(rec).toMatchObject({
      detector: 'reengage',
      evidence: { participantIds: [hiro], relationshipIds: [], figures: { daysSinceActivity: 41 } },
      decidedAt: null,
      dismissalReason: null,
      snoozedUntil: null,
    });
    const seeded = ((await call('/recommendations')).body.items as Rec[]).find((r) => r.detector === null)!;
    expect(seeded.evidence).toBeNull();
    const before = Date.now();
    const accepted = await call(`/recommendations/${rec.id}/accept`, 'POST', {});
    expect(accepted.status).toBe(200);
    expect(new Date(accepted.body.decidedAt).getTime()).toBeGreaterThanOrEqual(before - 5_000);
    expect(accepted.body.dismissalReason).toBeNull();
  });

  it('dismisses with a reason code and a note, and snoozes a later for the days chosen; the event carries them', async () => {
    const { orgId, call, idOf, sync, pending } = await demo();
    await sync([
      candidate('check_in', await idOf('Ava Moreno')),
      candidate('introduce', await idOf('Imani Brooks')),
    ]);
    const checkIn = await pending('check_in');
    const before = Date.now();
    const snoozed = await call(`/recommendations/${checkIn.id}/dismiss`, 'POST', {
      reasonCode: 'later',
      snoozeDays: 7,
      note: 'After the quarterly review',
    });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'dismissed', dismissalReason: 'later' });
    const until = new Date(snoozed.body.snoozedUntil).getTime();
    expect(until - before).toBeGreaterThanOrEqual(7 * DAY - 5_000);
    expect(until - Date.now()).toBeLessThanOrEqual(7 * DAY);
    const [event] = await db()
      .db.select()
      .from(events)
      .where(
        and(
          eq(events.orgId, orgId),
          eq(events.eventType, 'recommendation.dismissed'),
          eq(events.targetId, checkIn.id),
        ),
      );
    expect(event!.metadata).toMatchObject({
      reasonCode: 'later',
      detector: 'check_in',
      suggestedAction: 'check_in',
    });
    expect(event!.personal).toEqual({ reason: 'After the quarterly review' });
    const metadata = event!.metadata as { snoozedUntil: string };
    expect(new Date(metadata.snoozedUntil).getTime()).toBe(until);
    // The Dismissed tab shows the code, the snooze and the note as the decision.
    const listed = ((await call('/recommendations?status=dismissed')).body.items as Rec[]).find(
      (r) => r.id === checkIn.id,
    )!;
    expect(listed).toMatchObject({
      dismissalReason: 'later',
      decision: { reason: 'After the quarterly review' },
    });

    const introduce = await pending('introduce');
    const untilDate = new Date(Date.now() + 40 * DAY).toISOString();
    const byDate = await call(`/recommendations/${introduce.id}/dismiss`, 'POST', {
      reasonCode: 'later',
      snoozeUntil: untilDate,
    });
    expect(byDate.status).toBe(200);
    expect(new Date(byDate.body.snoozedUntil).getTime()).toBe(new Date(untilDate).getTime());
  });

  it('refuses a dismissal that does not add up, naming the field, and changes nothing', async () => {
    const { orgId, call, idOf, sync, pending } = await demo();
    await sync([candidate('reengage', await idOf('Hiro Sato'))]);
    const rec = await pending('reengage');
    const dismiss = (body: unknown) => call(`/recommendations/${rec.id}/dismiss`, 'POST', body);
    const paths = async (body: unknown) => {
      const answer = await dismiss(body);
      return {
        status: answer.status,
        paths: (answer.body.errors ?? []).map((e: { path: string }) => e.path),
      };
    };
    expect(await paths({ reasonCode: 'maybe' })).toEqual({ status: 400, paths: ['reasonCode'] });
    expect(await paths({ reasonCode: 'later' })).toEqual({ status: 400, paths: ['snoozeDays'] });
    expect(await paths({ reasonCode: 'not_relevant', snoozeDays: 3 })).toEqual({
      status: 400,
      paths: ['snoozeDays'],
    });
    expect(await paths({ reasonCode: 'later', snoozeDays: 366 })).toEqual({
      status: 400,
      paths: ['snoozeDays'],
    });
    expect(await paths({ reasonCode: 'later', snoozeDays: 1.5 })).toEqual({
      status: 400,
      paths: ['snoozeDays'],
    });
    expect(
      await paths({
        reasonCode: 'later',
        snoozeDays: 3,
        snoozeUntil: new Date(Date.now() + DAY).toISOString(),
      }),
    ).toEqual({ status: 400, paths: ['snoozeUntil'] });
    expect(await paths({ reasonCode: 'wrong_data', note: 'a', reason: 'b' })).toEqual({
      status: 400,
      paths: ['reason'],
    });
    const past = new Date(Date.now() - DAY).toISOString();
    expect(await paths({ reasonCode: 'later', snoozeUntil: past })).toEqual({
      status: 422,
      paths: ['snoozeUntil'],
    });
    const farOff = new Date(Date.now() + 400 * DAY).toISOString();
    expect(await paths({ reasonCode: 'later', snoozeUntil: farOff })).toEqual({
      status: 422,
      paths: ['snoozeUntil'],
    });
    const word = ['re', 'cruit'].join('');
    expect(await paths({ reasonCode: 'not_relevant', note: `${word} them` })).toEqual({
      status: 422,
      paths: ['note'],
    });
    expect(await paths({ reasonCode: 'not_relevant', reason: `${word} them` })).toEqual({
      status: 422,
      paths: ['reason'],
    });
    const [row] = await db().db.select().from(recommendations).where(eq(recommendations.id, rec.id));
    expect(row).toMatchObject({
      status: 'pending',
      decidedAt: null,
      dismissalReason: null,
      snoozedUntil: null,
    });
    const decided = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.targetId, rec.id)));
    expect(decided).toEqual([]);
    // The older body, a reason without a code, is refused too.
    expect((await dismiss({ reason: 'Not now' })).status).toBe(400);
  });

  it('does not reopen a dismissal on the next run; a snooze that ended lets it come back', async () => {
    const { call, idOf, sync, pending } = await demo();
    const hiro = await idOf('Hiro Sato');
    const ava = await idOf('Ava Moreno');
    const recs = [candidate('reengage', hiro), candidate('check_in', ava)];
    await sync(recs);
    await call(`/recommendations/${(await pending('reengage')).id}/dismiss`, 'POST', {
      reasonCode: 'not_relevant',
    });
    await call(`/recommendations/${(await pending('check_in')).id}/dismiss`, 'POST', {
      reasonCode: 'later',
      snoozeDays: 2,
    });
    const tomorrow = await sync(recs, new Date(Date.now() + DAY));
    expect(tomorrow.reengage).toMatchObject({ created: 0, skippedDismissed: 1 });
    expect(tomorrow.check_in).toMatchObject({ created: 0, skippedDismissed: 1 });
    const inThreeDays = await sync(recs, new Date(Date.now() + 3 * DAY));
    expect(inThreeDays.reengage).toMatchObject({ created: 0, skippedDismissed: 1 });
    expect(inThreeDays.check_in).toMatchObject({ created: 1, skippedDismissed: 0 });
    const pendingNow = (await call('/recommendations?status=pending')).body.items as Rec[];
    expect(pendingNow.filter((r) => r.detector !== null).map((r) => r.suggestedAction)).toEqual(['check_in']);
  });

  it('accepting with intervene applies each action’s intervention: a note with the reason, a review flag, or none', async () => {
    const { call, idOf, linkId, sync, pending } = await demo();
    const people = {
      reengage: await idOf('Hiro Sato'),
      introduce: await idOf('Imani Brooks'),
      check_in: await idOf('Ava Moreno'),
    };
    await sync([
      candidate('reengage', people.reengage),
      candidate('introduce', people.introduce),
      candidate('check_in', people.check_in),
      candidate('verify_relationship', linkId, 'relationship'),
      candidate('review_segment', people.check_in, 'community'),
    ]);
    for (const action of ['reengage', 'introduce', 'check_in'] as const) {
      const rec = await pending(action);
      expect(
        (await call(`/recommendations?status=pending&suggestedAction=${action}`)).body.items[0].intervention,
      ).toBe('add_note');
      const accepted = await call(`/recommendations/${rec.id}/accept`, 'POST', { intervene: true });
      expect(accepted.status, action).toBe(200);
      const detail = (await call(`/participants/${people[action]}`)).body;
      expect(detail.controls.notes.map((n: { body: string }) => n.body)).toContain(rec.reason);
      expect(detail.interventions.map((i: { id: string }) => i.id)).toContain(accepted.body.interventionId);
      const intervention = (await call(`/interventions/${accepted.body.interventionId}`)).body.intervention;
      expect(intervention).toMatchObject({
        type: 'add_note',
        scope: 'participant',
        targetIds: [people[action]],
      });
    }
    const verify = await pending('verify_relationship');
    const flagged = await call(`/recommendations/${verify.id}/accept`, 'POST', { intervene: true });
    expect(flagged.status).toBe(200);
    const flag = (await call(`/interventions/${flagged.body.interventionId}`)).body.intervention;
    expect(flag).toMatchObject({ type: 'flag_for_review', scope: 'relationship', targetIds: [linkId] });

    const review = await pending('review_segment');
    expect(review.targetType).toBe('community');
    expect(
      (await call(`/recommendations?status=pending&suggestedAction=review_segment`)).body.items[0]
        .intervention,
    ).toBeNull();
    const refused = await call(`/recommendations/${review.id}/accept`, 'POST', { intervene: true });
    expect(refused.status).toBe(422);
    expect((await call(`/recommendations/${review.id}/accept`, 'POST', {})).status).toBe(200);
  });

  it('summarises a community target from the latest succeeded Atlas run whose anchor it names', async () => {
    const { orgId, call, idOf, sync, pending } = await demo();
    const ava = await idOf('Ava Moreno');
    const ben = await idOf('Ben Okafor');
    const run = async (
      status: string,
      finishedDaysAgo: number,
      label: string,
      size: number,
      anchor = ava,
    ) => {
      const jobId = randomUUID();
      await db().db.execute(sql`
        INSERT INTO jobs (org_id, id, kind, status, time_limit_seconds, finished_at)
        VALUES (${orgId}, ${jobId}, 'atlas_run', ${status}, 600,
                ${new Date(Date.now() - finishedDaysAgo * DAY).toISOString()}::timestamptz)`);
      await db().db.execute(sql`
        INSERT INTO atlas_communities (org_id, job_id, community, size, stage_counts, label,
          central_participant_ids, x, y, activity)
        VALUES (${orgId}, ${jobId}, 0, ${size}, ${JSON.stringify({ new: 1, active: 5, at_risk: 2, dormant: 1 })}::jsonb,
                ${label}, ARRAY[${anchor}, ${ben}]::uuid[], 0, 0,
                ${JSON.stringify({ weekly: [3, 2, 1], fallShare: 0.6 })}::jsonb)`);
    };
    await run('succeeded', 3, 'Older run', 40);
    await run('succeeded', 1, 'Ava Moreno, Ben Okafor and 7 more', 9);
    await run('failed', 0, 'A run that failed', 99);
    await run('succeeded', 2, 'Centred on Ben', 12, ben);
    await sync([candidate('review_segment', ava, 'community'), candidate('reengage', ben)]);
    const review = await pending('review_segment');
    expect(review.target).toEqual({
      type: 'community',
      community: {
        anchorId: ava,
        label: 'Ava Moreno, Ben Okafor and 7 more',
        size: 9,
        stageCounts: { new: 1, active: 5, at_risk: 2, dormant: 1 },
        activity: { weekly: [3, 2, 1], fallShare: 0.6 },
        jobId: expect.any(String),
      },
    });
    // The participant target of the same page still reads as before, in the same query.
    expect((await pending('reengage')).target!.type).toBe('participant');
    // A community the latest run does not centre on that participant is gone.
    await run('succeeded', 0, 'Now centred on Ben', 15, ben);
    const later = (
      (await call('/recommendations?status=pending&targetType=community')).body.items as Rec[]
    )[0]!;
    expect(later.target).toBeNull();
  });
});
