import { inOrg, withOrg } from '../../src/lib/database/with-org';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { analyseGraph } from '../../src/lib/atlas/analysis';
import { detectAll, type RecommendationCandidate } from '../../src/lib/atlas/detectors';
import { queryRows } from '../../src/lib/db';
import { recommendations } from '../../src/lib/database/schema';
import type { AtlasDetector } from '../../src/lib/domain';
import { loadOrgGraph } from '../../src/lib/repositories/atlas-graph';
import { syncRecommendations, type SyncResult } from '../../src/lib/repositories/atlas-recommendations';
import { createSystemScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

const DAY = 86_400_000;
const T0 = new Date('2030-03-01T09:00:00Z');
const later = (days: number) => new Date(T0.getTime() + days * DAY);

describeEachDatabase('storing an Atlas run’s recommendations', ({ db }) => {
  async function demoOrg() {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const scope = createSystemScope({ id: orgId, name: 'Iron Front Digital', timezone: 'UTC' });
    const people = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM participants WHERE org_id = ${orgId} AND role <> 'system_participant' ORDER BY id`,
    );
    const links = await queryRows<{ id: string; fromId: string; toId: string }>(
      db().db,
      sql`SELECT id, from_participant_id AS "fromId", to_participant_id AS "toId"
          FROM relationships WHERE org_id = ${orgId} ORDER BY id`,
    );
    const run = (candidates: RecommendationCandidate[], now = T0) =>
      withOrg(db().db, scope, (tx) => syncRecommendations(tx, scope, randomUUID(), candidates, now));
    const rows = () =>
      queryRows<{
        id: string;
        targetId: string;
        suggestedAction: string;
        status: string;
        reason: string;
        confidence: number;
        detector: string | null;
        metadata: unknown;
        jobId: string | null;
      }>(
        db().db,
        sql`SELECT id, target_id AS "targetId", suggested_action AS "suggestedAction", status, reason,
                   confidence, detector, metadata, job_id AS "jobId"
            FROM recommendations WHERE org_id = ${orgId} ORDER BY created_at, id`,
      );
    const atlasRows = async () => (await rows()).filter((r) => r.detector !== null);
    const decide = (targetId: string, status: 'dismissed' | 'accepted', fields: Record<string, unknown>) =>
      db()
        .db.update(recommendations)
        .set({ status, ...fields })
        .where(
          and(
            eq(recommendations.orgId, orgId),
            eq(recommendations.targetId, targetId),
            eq(recommendations.status, 'pending'),
          ),
        );
    return {
      orgId,
      scope,
      people: people.map((p) => p.id),
      links,
      run,
      rows,
      atlasRows,
      decide,
    };
  }

  const candidate = (
    detector: AtlasDetector,
    targetId: string,
    overrides: Partial<RecommendationCandidate> = {},
  ): RecommendationCandidate => ({
    detector,
    targetType:
      detector === 'verify_relationship'
        ? 'relationship'
        : detector === 'review_segment'
          ? 'community'
          : 'participant',
    targetId,
    suggestedAction: detector,
    reason: `Planted ${detector} for ${targetId.slice(-4)}: 41 days`,
    confidence: 0.7,
    evidence: { participantIds: [], relationshipIds: [], figures: { days: 41 } },
    ...overrides,
  });

  const only = (result: SyncResult, detector: AtlasDetector) => result[detector];

  it('creates each candidate once; a rerun refreshes it in place, with no duplicate', async () => {
    const org = await demoOrg();
    const first = [
      candidate('reengage', org.people[0]!),
      candidate('introduce', org.people[1]!),
      candidate('verify_relationship', org.links[0]!.id),
      candidate('check_in', org.people[2]!),
      candidate('review_segment', org.people[3]!),
    ];
    const created = await org.run(first);
    for (const d of ['reengage', 'introduce', 'verify_relationship', 'check_in', 'review_segment'] as const)
      expect(only(created, d)).toMatchObject({ created: 1, refreshed: 0, superseded: 0 });
    const stored = await org.atlasRows();
    expect(stored).toHaveLength(5);
    expect(stored.every((r) => r.status === 'pending' && r.detector === r.suggestedAction)).toBe(true);
    expect(stored.find((r) => r.detector === 'reengage')!.metadata).toEqual(first[0]!.evidence);

    const changed = first.map((c) => ({ ...c, reason: `${c.reason}, now 42`, confidence: 0.8 }));
    const rerun = await org.run(changed, later(1));
    expect(only(rerun, 'reengage')).toMatchObject({ created: 0, refreshed: 1, superseded: 0 });
    const after = await org.atlasRows();
    expect(after.map((r) => r.id)).toEqual(stored.map((r) => r.id)); // the same rows
    expect(after.every((r) => r.reason.endsWith('now 42') && r.confidence === 0.8)).toBe(true);
    expect(new Set(after.map((r) => r.jobId)).size).toBe(1); // the rerun's job
    expect(after[0]!.jobId).not.toBe(stored[0]!.jobId);
    // The seed's three recommendations, made before Atlas, are left as they were.
    expect((await org.rows()).filter((r) => r.detector === null && r.status === 'pending')).toHaveLength(3);
  });

  it('supersedes Atlas’s pending recommendations a rerun no longer finds, and only those', async () => {
    const org = await demoOrg();
    await org.run([candidate('reengage', org.people[0]!), candidate('reengage', org.people[1]!)]);
    const result = await org.run([candidate('reengage', org.people[1]!)], later(1));
    expect(only(result, 'reengage')).toMatchObject({ created: 0, refreshed: 1, superseded: 1 });
    const byTarget = new Map((await org.atlasRows()).map((r) => [r.targetId, r.status]));
    expect(byTarget.get(org.people[0]!)).toBe('superseded');
    expect(byTarget.get(org.people[1]!)).toBe('pending');
    // Found again later: a new pending one beside the superseded one.
    const again = await org.run([candidate('reengage', org.people[0]!)], later(2));
    expect(only(again, 'reengage')).toMatchObject({ created: 1, superseded: 1 });
    const statuses = (await org.atlasRows()).filter((r) => r.targetId === org.people[0]).map((r) => r.status);
    expect(statuses).toEqual(['superseded', 'pending']);
    expect((await org.rows()).filter((r) => r.detector === null && r.status === 'pending')).toHaveLength(3);
  });

  it('does not reopen a dismissal for 30 days after it was decided', async () => {
    const org = await demoOrg();
    const rec = candidate('check_in', org.people[0]!);
    await org.run([rec]);
    await org.decide(org.people[0]!, 'dismissed', { decidedAt: later(2), dismissalReason: 'not_relevant' });
    for (const day of [3, 20, 31]) {
      const result = await org.run([rec], later(day));
      expect(only(result, 'check_in'), `day ${day}`).toMatchObject({ created: 0, skippedDismissed: 1 });
    }
    const result = await org.run([rec], later(33));
    expect(only(result, 'check_in')).toMatchObject({ created: 1, skippedDismissed: 0 });
    expect((await org.atlasRows()).map((r) => r.status)).toEqual(['dismissed', 'pending']);
  });

  it('lets a snoozed recommendation come back when its snooze ends, even within 30 days', async () => {
    const org = await demoOrg();
    const rec = candidate('introduce', org.people[4]!);
    await org.run([rec]);
    await org.decide(org.people[4]!, 'dismissed', {
      decidedAt: later(1),
      dismissalReason: 'later',
      snoozedUntil: later(8),
    });
    expect(only(await org.run([rec], later(7)), 'introduce')).toMatchObject({
      created: 0,
      skippedDismissed: 1,
    });
    expect(only(await org.run([rec], later(9)), 'introduce')).toMatchObject({
      created: 1,
      skippedDismissed: 0,
    });
    // A longer snooze holds past the 30 days.
    await org.decide(org.people[4]!, 'dismissed', {
      decidedAt: later(9),
      dismissalReason: 'later',
      snoozedUntil: later(100),
    });
    expect(only(await org.run([rec], later(60)), 'introduce')).toMatchObject({ skippedDismissed: 1 });
  });

  it('holds back what an operator accepted in the last 30 days', async () => {
    const org = await demoOrg();
    const rec = candidate('reengage', org.people[5]!);
    await org.run([rec]);
    await org.decide(org.people[5]!, 'accepted', { decidedAt: later(1) });
    expect(only(await org.run([rec], later(10)), 'reengage')).toMatchObject({
      created: 0,
      skippedAccepted: 1,
    });
    expect(only(await org.run([rec], later(40)), 'reengage')).toMatchObject({
      created: 1,
      skippedAccepted: 0,
    });
  });

  it('skips participants under suppression (and links touching them), superseding what was pending about them', async () => {
    const org = await demoOrg();
    const link = org.links.find((l) => org.people.includes(l.fromId) && org.people.includes(l.toId))!;
    const target = link.fromId;
    const recs = [candidate('reengage', target), candidate('verify_relationship', link.id)];
    await org.run(recs);
    await db().db.execute(sql`
      INSERT INTO participant_controls (org_id, participant_id, recommendations_suppressed, recommendations_suppressed_until)
      VALUES (${org.orgId}, ${target}, true, ${later(20).toISOString()})`);
    const result = await org.run(recs, later(1));
    expect(only(result, 'reengage')).toMatchObject({ skippedSuppressed: 1, superseded: 1, created: 0 });
    expect(only(result, 'verify_relationship')).toMatchObject({ skippedSuppressed: 1, superseded: 1 });
    expect((await org.atlasRows()).every((r) => r.status === 'superseded')).toBe(true);
    // The suppression ran out.
    const after = await org.run(recs, later(21));
    expect(only(after, 'reengage')).toMatchObject({ created: 1, skippedSuppressed: 0 });
    expect(only(after, 'verify_relationship')).toMatchObject({ created: 1 });
  });

  it('never touches another org’s recommendations', async () => {
    const org = await demoOrg();
    const other = await loadSyntheticOrg(
      db(),
      { name: 'Elsewhere', timezone: 'UTC' },
      { participants: 30, edges: 40, seed: 3, now: T0 },
    );
    const [someone] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM participants WHERE org_id = ${other.orgId} LIMIT 1`,
    );
    const otherScope = createSystemScope({ id: other.orgId, name: 'Elsewhere', timezone: 'UTC' });
    await withOrg(db().db, otherScope, (tx) =>
      syncRecommendations(tx, otherScope, randomUUID(), [candidate('reengage', someone!.id)], T0),
    );
    // This org's run finds nothing: its own Atlas recommendations would be superseded, not the other's.
    const result = await org.run([], later(1));
    expect(only(result, 'reengage').superseded).toBe(0);
    const [theirs] = await queryRows<{ status: string }>(
      db().db,
      sql`SELECT status FROM recommendations WHERE org_id = ${other.orgId} AND detector IS NOT NULL`,
    );
    expect(theirs!.status).toBe('pending');
  });

  it('on a generated org: the detectors’ output stored twice makes no duplicate and keeps every row', async () => {
    const synthetic = await loadSyntheticOrg(
      db(),
      { name: 'Atlas sync', timezone: 'UTC' },
      { participants: 600, edges: 2400, seed: 21, now: T0 },
    );
    const scope = createSystemScope({ id: synthetic.orgId, name: 'Atlas sync', timezone: 'UTC' });
    const graph = await loadOrgGraph(inOrg(db().db, scope), scope, { now: T0 });
    const candidates = detectAll(analyseGraph(graph, T0.getTime()).analysis, { maxPerDetector: 25 });
    expect(candidates.length).toBeGreaterThan(20);
    const store = (now: Date) =>
      withOrg(db().db, scope, (tx) => syncRecommendations(tx, scope, randomUUID(), candidates, now));
    const first = await store(T0);
    const total = (r: SyncResult, field: 'created' | 'refreshed' | 'superseded') =>
      Object.values(r).reduce((sum, c) => sum + c[field], 0);
    expect(total(first, 'created')).toBe(candidates.length);
    const second = await store(later(1));
    expect(total(second, 'created')).toBe(0);
    expect(total(second, 'refreshed')).toBe(candidates.length);
    expect(total(second, 'superseded')).toBe(0);
    const [{ rows, keys } = { rows: 0, keys: 0 }] = await queryRows<{ rows: number; keys: number }>(
      db().db,
      sql`SELECT count(*)::int AS rows,
                 count(DISTINCT (target_type, target_id, suggested_action))::int AS keys
          FROM recommendations WHERE org_id = ${synthetic.orgId}`,
    );
    expect(rows).toBe(candidates.length);
    expect(keys).toBe(candidates.length);
  });
});
