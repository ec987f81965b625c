import { withOrg } from '../../src/lib/database/with-org';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events, participants, stageTransitions } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { LIFECYCLE_STAGES } from '../../src/lib/domain';
import { decideEngagementStage, type EngagementRules } from '../../src/lib/engagement-state';
import {
  applyStageBatch,
  previewStageBatch,
  recordStageDailyCounts,
  type StageBatchOptions,
} from '../../src/lib/repositories/stage-engine';
import { createSystemScope, type OrgScope } from '../../src/lib/scope';
import { createOrgWithMembers } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';
import { createStageOrg, type StageOrg } from '../setup/stage-org';

// The engine's SQL against the pure rule (decideEngagementStage), row for row, on generated orgs in
// several zones (four with DST, two changing at midnight itself) on days next to a DST change, with
// grace periods of 0 and 7 days; then the writes of a run: stages, events, transitions, a second run
// that changes nothing, and the daily counts.

const BATCH = 97;

interface Case {
  timeZone: string;
  now: string;
  thresholds: EngagementRules['thresholds'];
}

const CASES: Case[] = [
  {
    timeZone: 'UTC',
    now: '2026-02-10T18:00:00Z',
    thresholds: { newDays: 14, activeDays: 30, dormantDays: 60 },
  },
  // The day after Chicago springs forward; 23:30 local.
  {
    timeZone: 'America/Chicago',
    now: '2026-03-10T04:30:00Z',
    thresholds: { newDays: 14, activeDays: 30, dormantDays: 60 },
  },
  // The day Berlin falls back, and short thresholds so that the change sits inside every window.
  {
    timeZone: 'Europe/Berlin',
    now: '2026-10-25T12:00:00Z',
    thresholds: { newDays: 1, activeDays: 3, dormantDays: 9 },
  },
  // Havana repeats midnight on 2026-11-01: now is in the first of the two midnight hours.
  {
    timeZone: 'America/Havana',
    now: '2026-11-01T04:30:00Z',
    thresholds: { newDays: 2, activeDays: 7, dormantDays: 20 },
  },
  // Santiago skips midnight on 2026-09-06.
  {
    timeZone: 'America/Santiago',
    now: '2026-09-06T15:00:00Z',
    thresholds: { newDays: 7, activeDays: 14, dormantDays: 30 },
  },
  {
    timeZone: 'Asia/Kolkata',
    now: '2026-05-01T20:00:00Z',
    thresholds: { newDays: 5, activeDays: 10, dormantDays: 11 },
  },
];

const scopeFor = (orgId: string, timezone: string): OrgScope =>
  createSystemScope({ id: orgId, name: 'Stage engine', timezone });

async function previewAll(
  db: TestDatabase,
  scope: OrgScope,
  options: Omit<StageBatchOptions, 'after' | 'limit'>,
) {
  const rows = [];
  let after: string | null = null;
  for (;;) {
    const batch = await withOrg(db.db, scope, (tx) =>
      previewStageBatch(tx, scope, { ...options, after, limit: BATCH }),
    );
    rows.push(...batch);
    if (batch.length < BATCH) return rows;
    after = batch[batch.length - 1]!.id;
  }
}

async function applyAll(
  db: TestDatabase,
  scope: OrgScope,
  options: Omit<StageBatchOptions, 'after' | 'limit'>,
) {
  const changes = new Map<string, number>();
  let after: string | null = null;
  let scanned = 0;
  for (;;) {
    const batch = await withOrg(db.db, scope, (tx) =>
      applyStageBatch(tx, scope, { ...options, after, limit: BATCH, jobId: null }),
    );
    scanned += batch.scanned;
    for (const c of batch.changes)
      changes.set(`${c.from}->${c.to}`, (changes.get(`${c.from}->${c.to}`) ?? 0) + c.count);
    if (batch.scanned < BATCH) return { changes, scanned };
    after = batch.lastId;
  }
}

const storedStages = async (db: TestDatabase, orgId: string) =>
  new Map(
    (
      await db.db
        .select({ id: participants.id, stage: participants.lifecycleStage })
        .from(participants)
        .where(eq(participants.orgId, orgId))
    ).map((r) => [r.id, r.stage]),
  );

describeEachDatabase('stage engine in SQL', ({ db }) => {
  async function generated(c: Case, seed: number): Promise<{ scope: OrgScope; org: StageOrg }> {
    const { org } = await createOrgWithMembers(db(), `Stages ${seed}`, {});
    const stageOrg = await createStageOrg(db().db, {
      orgId: org.id,
      count: 700,
      seed,
      now: new Date(c.now),
      timeZone: c.timeZone,
      thresholds: c.thresholds,
    });
    return { scope: scopeFor(org.id, c.timeZone), org: stageOrg };
  }

  it.each(CASES.map((c, i) => [c.timeZone, c, i] as const))(
    'decides as decideEngagementStage for every participant (%s, grace 0 and 7)',
    async (_, c, i) => {
      const { scope, org } = await generated(c, 100 + i);
      const now = new Date(c.now);
      for (const graceDays of [0, 7]) {
        const rules: EngagementRules = { thresholds: c.thresholds, timeZone: c.timeZone, graceDays };
        const rows = await previewAll(db(), scope, { rules, now });
        expect(rows).toHaveLength(org.facts.size);
        const reasons = new Set<string>();
        for (const row of rows) {
          const expected = decideEngagementStage(org.facts.get(row.id)!, rules, now);
          reasons.add(expected.reason);
          expect(row, `grace ${graceDays}`).toEqual({
            id: row.id,
            stage: org.facts.get(row.id)!.stage,
            dueStage: expected.dueStage,
            lowerDueSince: expected.lowerDueSince,
            reason: expected.reason,
          });
        }
        // The generated org reaches every branch of the rule. Without a grace only what lies after
        // `now` (clock skew: a creation or an intervention dated tomorrow) can still hold.
        const all = ['unchanged', 'promoted', 'demoted', 'held_by_grace', 'held_operator_set'];
        if (graceDays > 0) expect([...reasons].sort()).toEqual(all.sort());
        else expect([...reasons]).toEqual(expect.arrayContaining(['unchanged', 'promoted', 'demoted']));
      }
    },
  );

  it('applies the decisions: stages, one event and one transition per change, and a second run changes nothing', async () => {
    const c = CASES[1]!;
    const { scope, org } = await generated(c, 7);
    const now = new Date(c.now);
    const rules: EngagementRules = { thresholds: c.thresholds, timeZone: c.timeZone, graceDays: 7 };
    const before = await storedStages(db(), scope.orgId);

    const first = await applyAll(db(), scope, { rules, now });
    expect(first.scanned).toBe(org.facts.size);
    const after = await storedStages(db(), scope.orgId);
    const expectedMoves = new Map<string, number>();
    const expectedEvents = [];
    for (const [id, facts] of org.facts) {
      const decision = decideEngagementStage(facts, rules, now);
      expect(after.get(id), id).toBe(decision.stage);
      if (decision.changed) {
        const key = `${facts.stage}->${decision.stage}`;
        expectedMoves.set(key, (expectedMoves.get(key) ?? 0) + 1);
        expectedEvents.push({
          targetId: id,
          metadata: {
            from: facts.stage,
            to: decision.stage,
            interventionId: null,
            reversal: false,
            cause: 'engine',
            reason: decision.reason,
            jobId: null,
          },
        });
      }
    }
    expect(expectedEvents.length).toBeGreaterThan(50);
    // System accounts keep their stage whatever their activity.
    for (const id of org.systemIds) expect(after.get(id)).toBe(before.get(id));
    expect(first.changes).toEqual(expectedMoves);

    const logged = await db()
      .db.select({
        targetId: events.targetId,
        metadata: events.metadata,
        actorUserId: events.actorUserId,
        actorRole: events.actorRole,
      })
      .from(events)
      .where(and(eq(events.orgId, scope.orgId), eq(events.eventType, 'participant.stage_changed')));
    expect(logged.every((e) => e.actorUserId === null && e.actorRole === 'system')).toBe(true);
    const byTarget = (list: { targetId: string | null }[]) =>
      [...list].sort((a, b) => a.targetId!.localeCompare(b.targetId!));
    expect(byTarget(logged.map(({ targetId, metadata }) => ({ targetId, metadata })))).toEqual(
      byTarget(expectedEvents),
    );

    const transitions = await db()
      .db.select({
        day: stageTransitions.day,
        from: stageTransitions.fromStage,
        to: stageTransitions.toStage,
        cause: stageTransitions.cause,
        count: stageTransitions.count,
      })
      .from(stageTransitions)
      .where(eq(stageTransitions.orgId, scope.orgId));
    // 23:30 on March 9 in Chicago: the org's day, not UTC's March 10.
    expect(new Set(transitions.map((t) => `${t.day} ${t.cause}`))).toEqual(new Set(['2026-03-09 engine']));
    expect(new Map(transitions.map((t) => [`${t.from}->${t.to}`, t.count]))).toEqual(expectedMoves);

    // A fixed point: the same run again (a job resumed after a crash) moves no one and writes nothing.
    const second = await applyAll(db(), scope, { rules, now });
    expect(second.changes.size).toBe(0);
    expect(await storedStages(db(), scope.orgId)).toEqual(after);
    const [count] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT count(*)::int AS n FROM events WHERE org_id = ${scope.orgId} AND event_type = 'participant.stage_changed'`,
    );
    expect(count!.n).toBe(expectedEvents.length);
    const [sum] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT sum(count)::int AS n FROM stage_transitions WHERE org_id = ${scope.orgId}`,
    );
    expect(sum!.n).toBe(expectedEvents.length);
  });

  it('records the day’s count per stage from the stored stages, replacing an earlier run’s of the same day', async () => {
    const c = CASES[2]!;
    const { scope, org } = await generated(c, 9);
    const now = new Date(c.now);
    const expected = { new: 0, active: 0, at_risk: 0, dormant: 0 };
    for (const f of org.facts.values()) expected[f.stage] += 1;
    expect(
      await withOrg(db().db, scope, (tx) => recordStageDailyCounts(tx, scope, { now, timeZone: c.timeZone })),
    ).toEqual({
      day: '2026-10-25',
      counts: expected,
    });
    await db()
      .db.update(participants)
      .set({ lifecycleStage: 'dormant' })
      .where(eq(participants.orgId, scope.orgId));
    const again = await withOrg(db().db, scope, (tx) =>
      recordStageDailyCounts(tx, scope, { now, timeZone: c.timeZone }),
    );
    expect(again.counts).toEqual({ new: 0, active: 0, at_risk: 0, dormant: org.facts.size });
    const [rows] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT count(*)::int AS n FROM stage_daily_counts WHERE org_id = ${scope.orgId}`,
    );
    expect(rows!.n).toBe(4);
  });
});

// Two connections at once: PostgreSQL only (PGlite serves one).
describeEachDatabase(
  'stage engine beside an operator',
  ({ db }) => {
    it('leaves alone a participant whose stage an operator changed while the batch ran', async () => {
      const c = CASES[0]!;
      const { org } = await createOrgWithMembers(db(), 'Concurrent stages', {});
      const scope = scopeFor(org.id, c.timeZone);
      const now = new Date(c.now);
      const stageOrg = await createStageOrg(db().db, {
        orgId: org.id,
        count: 300,
        seed: 3,
        now,
        timeZone: c.timeZone,
        thresholds: c.thresholds,
      });
      const rules: EngagementRules = { thresholds: c.thresholds, timeZone: c.timeZone, graceDays: 0 };
      const [id, facts] = [...stageOrg.facts].find(([, f]) => decideEngagementStage(f, rules, now).changed)!;
      const operatorStage = LIFECYCLE_STAGES.find(
        (s) => s !== facts.stage && s !== decideEngagementStage(facts, rules, now).stage,
      )!;
      let run: ReturnType<typeof applyAll> | undefined;
      await db().db.transaction(async (tx) => {
        // The operator's transaction holds the row; the engine's statement reads the old stage, waits
        // for the row, then finds it changed and leaves it.
        await tx
          .update(participants)
          .set({ lifecycleStage: operatorStage })
          .where(and(eq(participants.orgId, org.id), eq(participants.id, id)));
        run = applyAll(db(), scope, { rules, now });
        await new Promise((resolve) => setTimeout(resolve, 500));
      });
      const result = await run!;
      expect(result.scanned).toBe(stageOrg.facts.size);
      expect((await storedStages(db(), org.id)).get(id)).toBe(operatorStage);
      const about = await db()
        .db.select({ id: events.id })
        .from(events)
        .where(and(eq(events.orgId, org.id), eq(events.targetId, id)));
      expect(about).toHaveLength(0);
    });
  },
  { only: 'postgres' },
);
