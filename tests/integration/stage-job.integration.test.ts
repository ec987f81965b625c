import { withOrg } from '../../src/lib/database/with-org';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { events, participants, stageDailyCounts, stageTransitions } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { JOB_KINDS } from '../../src/lib/domain';
import { STAGE_BATCH_SIZE, runStageUpdateJob } from '../../src/lib/engagement/stage-job';
import { decideEngagementStage, type EngagementRules } from '../../src/lib/engagement-state';
import { JobRunner, type JobHandler, type JobHandlers } from '../../src/lib/jobs/runner';
import { formatOrgDay, orgDayOf } from '../../src/lib/org-calendar';
import { findJob } from '../../src/lib/repositories/jobs';
import { findParticipantDetailJson, type ParticipantDetail } from '../../src/lib/repositories/participants';
import { applyIntervention, reverseIntervention } from '../../src/lib/services/interventions';
import { requestJob } from '../../src/lib/services/jobs';
import { viewOverview } from '../../src/lib/services/views/overview';
import { changeOrgSettings } from '../../src/lib/services/settings';
import type { MemberScope } from '../../src/lib/scope';
import { createOrgWithMembers } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';
import { createStageOrg } from '../setup/stage-org';

// The stage_update job through the real runner: every participant decided as the pure rule decides,
// one event per change naming the job, the day's transitions and stage counts, a summary in the job's
// result, and a second run that changes nothing. Interventions that move stages record operator
// transitions, and the engine leaves their stage for the grace period.

const THRESHOLDS = { newDays: 14, activeDays: 30, dormantDays: 60 };
const TIME_ZONE = 'America/Chicago';

const notExpected: JobHandler = async () => {
  throw new Error('not expected in this test');
};
const handlers = {
  ...(Object.fromEntries(JOB_KINDS.map((k) => [k, notExpected])) as JobHandlers),
  stage_update: runStageUpdateJob,
};

async function setup(db: TestDatabase) {
  const { org, users } = await createOrgWithMembers(db, 'Stage job org', { owner: 'owner@stages.example' });
  const owner = await resolveOrgContext(db.db, users.owner!, org.id, { method: 'POST', path: '/test' });
  await changeOrgSettings(db.db, owner, { timezone: TIME_ZONE, stageGraceDays: 7, ...THRESHOLDS });
  // The scope as a request after the change sees it (the time zone is read at resolution).
  const scope = await resolveOrgContext(db.db, users.owner!, org.id, { method: 'POST', path: '/test' });
  return { orgId: org.id, owner: scope };
}

async function runJob(db: TestDatabase, owner: MemberScope, stageHandler: JobHandler = runStageUpdateJob) {
  const job = await requestJob(db.db, owner, 'stage_update');
  const runner = new JobRunner(db.db, { ...handlers, stage_update: stageHandler }, { log: () => undefined });
  expect(await runner.runNext()).toBe(true);
  return (await withOrg(db.db, owner, (tx) => findJob(tx, owner, job.id)))!;
}

const stagesOf = async (db: TestDatabase, orgId: string) =>
  new Map(
    (
      await db.db
        .select({ id: participants.id, stage: participants.lifecycleStage })
        .from(participants)
        .where(eq(participants.orgId, orgId))
    ).map((r) => [r.id, r.stage]),
  );

describeEachDatabase('stage update job', ({ db }) => {
  it('moves every participant as decideEngagementStage does, then a second run changes nothing', async () => {
    const { orgId, owner } = await setup(db());
    const before = new Date();
    const org = await createStageOrg(db().db, {
      orgId,
      count: 400,
      seed: 21,
      now: before,
      timeZone: TIME_ZONE,
      thresholds: THRESHOLDS,
    });
    const rules: EngagementRules = { thresholds: THRESHOLDS, timeZone: TIME_ZONE, graceDays: 7 };
    const job = await runJob(db(), owner);
    const today = formatOrgDay(orgDayOf(before, TIME_ZONE));
    expect(job.result?.day, 'the test ran across a local midnight; run it again').toBe(today);

    const stored = await stagesOf(db(), orgId);
    const moves: Record<string, number> = {};
    const expectedCounts = { new: 0, active: 0, at_risk: 0, dormant: 0 };
    for (const [id, facts] of org.facts) {
      const decision = decideEngagementStage(facts, rules, before);
      expect(stored.get(id), id).toBe(decision.stage);
      expectedCounts[decision.stage] += 1;
      if (decision.changed) {
        const key = `${facts.stage}->${decision.stage}`;
        moves[key] = (moves[key] ?? 0) + 1;
      }
    }
    const changed = Object.values(moves).reduce((a, b) => a + b, 0);
    expect(changed).toBeGreaterThan(0);
    expect(job).toMatchObject({ status: 'succeeded', progress: 1, phase: 'done' });
    expect(job.result).toMatchObject({
      participants: org.facts.size,
      changed,
      byTransition: moves,
      day: today,
      counts: expectedCounts,
    });
    expect(job.result!.durationMs).toEqual(expect.any(Number));

    const logged = await db()
      .db.select({ metadata: events.metadata, actorRole: events.actorRole })
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'participant.stage_changed')));
    expect(logged).toHaveLength(changed);
    for (const e of logged) {
      expect(e.actorRole).toBe('system');
      expect(e.metadata).toMatchObject({ cause: 'engine', jobId: job.id });
    }
    const daily = await db()
      .db.select({ day: stageDailyCounts.day, stage: stageDailyCounts.stage, count: stageDailyCounts.count })
      .from(stageDailyCounts)
      .where(eq(stageDailyCounts.orgId, orgId));
    expect(Object.fromEntries(daily.map((d) => [d.stage, d.count]))).toEqual(expectedCounts);
    expect(new Set(daily.map((d) => d.day))).toEqual(new Set([today]));

    const again = await runJob(db(), owner);
    expect(again.result).toMatchObject({ participants: org.facts.size, changed: 0, byTransition: {} });
    expect(await stagesOf(db(), orgId)).toEqual(stored);
    const [sum] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT sum(count)::int AS n FROM stage_transitions WHERE org_id = ${orgId} AND cause = 'engine'`,
    );
    expect(sum!.n).toBe(changed);
  });

  it('walks an org larger than one batch, reporting progress', async () => {
    const { orgId, owner } = await setup(db());
    await db()
      .db.insert(participants)
      .values(
        Array.from({ length: STAGE_BATCH_SIZE + 5 }, (_, i) => ({
          orgId,
          displayName: `Quiet ${i}`,
          role: 'member',
          origin: 'generated',
          lifecycleStage: 'active',
          createdAt: new Date(Date.now() - 400 * 86_400_000),
          lastActivityAt: null,
        })),
      );
    const reported: [string, number][] = [];
    const job = await runJob(db(), owner, (ctx) =>
      runStageUpdateJob({
        ...ctx,
        progress: (phase, fraction) => {
          reported.push([phase, fraction]);
          return ctx.progress(phase, fraction);
        },
      }),
    );
    expect(reported).toEqual([
      ['updating stages', 0],
      ['updating stages', STAGE_BATCH_SIZE / (STAGE_BATCH_SIZE + 5)],
      ['updating stages', 1],
    ]);
    expect(job.result).toMatchObject({
      participants: STAGE_BATCH_SIZE + 5,
      changed: STAGE_BATCH_SIZE + 5,
      byTransition: { 'active->dormant': STAGE_BATCH_SIZE + 5 },
      counts: { new: 0, active: 0, at_risk: 0, dormant: STAGE_BATCH_SIZE + 5 },
    });
  });

  it('records operator moves as operator transitions, and the engine keeps their stage for the grace period', async () => {
    const { orgId, owner } = await setup(db());
    const long = new Date(Date.now() - 400 * 86_400_000);
    const rows = await db()
      .db.insert(participants)
      .values(
        (
          [
            ['Ana', 'active'],
            ['Ben', 'active'],
            ['Chen', 'dormant'],
            ['Dee', 'at_risk'],
          ] as const
        ).map(([name, stage]) => ({
          orgId,
          displayName: name,
          role: 'member',
          origin: 'manual',
          lifecycleStage: stage,
          createdAt: long,
          lastActivityAt: null,
        })),
      )
      .returning({ id: participants.id });
    const ids = rows.map((r) => r.id);
    const operatorMoves = async () =>
      db()
        .db.select({
          from: stageTransitions.fromStage,
          to: stageTransitions.toStage,
          count: stageTransitions.count,
        })
        .from(stageTransitions)
        .where(and(eq(stageTransitions.orgId, orgId), eq(stageTransitions.cause, 'operator')))
        .orderBy(stageTransitions.fromStage, stageTransitions.toStage);

    // Ana and Ben move from active, Chen from dormant; Dee is at risk already and is not a move.
    const intervention = await applyIntervention(db().db, owner, {
      type: 'set_lifecycle_stage',
      scope: 'participant',
      targetIds: ids,
      reason: 'Checking in',
      newState: { lifecycleStage: 'at_risk' },
    });
    expect(await operatorMoves()).toEqual([
      { from: 'active', to: 'at_risk', count: 2 },
      { from: 'dormant', to: 'at_risk', count: 1 },
    ]);

    // Never active: dormant is due, but the operator's stage stands for the grace period.
    const held = await runJob(db(), owner);
    expect(held.result).toMatchObject({ changed: 0 });
    expect(new Set((await stagesOf(db(), orgId)).values())).toEqual(new Set(['at_risk']));

    await reverseIntervention(db().db, owner, intervention.id, 'Not needed');
    expect(await operatorMoves()).toEqual([
      { from: 'active', to: 'at_risk', count: 2 },
      { from: 'at_risk', to: 'active', count: 2 },
      { from: 'at_risk', to: 'dormant', count: 1 },
      { from: 'dormant', to: 'at_risk', count: 1 },
    ]);
    // Reversed: no stage of an operator's stands any more, and dormant has been due for over a year.
    const after = await runJob(db(), owner);
    expect(after.result).toMatchObject({
      changed: 3,
      byTransition: { 'active->dormant': 2, 'at_risk->dormant': 1 },
    });

    // A participant's stage history tells the engine's change from the operator's.
    const detail = await withOrg(db().db, owner, (tx) => findParticipantDetailJson(tx, owner, ids[0]!));
    const { stageHistory } = JSON.parse(detail!.json) as ParticipantDetail;
    expect(stageHistory.map((h) => [h.from, h.to, h.stageUpdate, h.reversal])).toEqual([
      ['active', 'dormant', 'demoted', false],
      ['at_risk', 'active', null, true],
      ['active', 'at_risk', null, false],
    ]);

    // The Overview's stage flows: today's moves by cause, and the counts of the last run.
    const { stageFlows } = await viewOverview(db().db, owner);
    const today = formatOrgDay(orgDayOf(new Date(), TIME_ZONE));
    expect(stageFlows.today).toBe(today);
    expect(stageFlows.lastUpdateDay).toBe(today);
    expect(stageFlows.moves).toEqual(
      expect.arrayContaining([
        { day: today, from: 'active', to: 'at_risk', cause: 'operator', count: 2 },
        { day: today, from: 'at_risk', to: 'dormant', cause: 'operator', count: 1 },
        { day: today, from: 'active', to: 'dormant', cause: 'engine', count: 2 },
        { day: today, from: 'at_risk', to: 'dormant', cause: 'engine', count: 1 },
      ]),
    );
    expect(stageFlows.moves).toHaveLength(6);
    expect(stageFlows.counts).toEqual([
      { day: today, stage: 'active', count: 0 },
      { day: today, stage: 'at_risk', count: 0 },
      { day: today, stage: 'dormant', count: 4 },
      { day: today, stage: 'new', count: 0 },
    ]);
  });
});
