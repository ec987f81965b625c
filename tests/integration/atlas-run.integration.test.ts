import { withOrg } from '../../src/lib/database/with-org';
import { spawn } from 'node:child_process';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { queryRows } from '../../src/lib/db';
import { events, jobs, recommendations } from '../../src/lib/database/schema';
import { ATLAS_DETECTORS } from '../../src/lib/domain';
import { JOB_HANDLERS } from '../../src/lib/jobs/handlers';
import { JobRunner } from '../../src/lib/jobs/runner';
import { findJob } from '../../src/lib/repositories/jobs';
import { unsafeAddMembership } from '../../src/lib/repositories/unsafe';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { requestJob } from '../../src/lib/services/jobs';
import { createUser } from '../setup/api';
import { ROOT } from '../setup/server';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// Atlas end to end on a generated org: the real job (load, worker thread, detectors, sync) writes
// recommendations with their evidence and one recommendation.generated event; a rerun refreshes instead
// of duplicating and does not reopen a dismissal; a run killed half-way is resumed with nothing
// half-written.

const quiet = () => undefined;

async function syntheticOrg(db: TestDatabase, participants: number, edges: number) {
  const org = await loadSyntheticOrg(
    db,
    { name: `Atlas ${participants}`, timezone: 'America/Santiago' },
    { participants, edges, seed: 7, now: new Date() },
  );
  const user = await createUser(db, `admin-${participants}@atlas.example`);
  await unsafeAddMembership(db.db, { orgId: org.orgId, userId: user.id, role: 'admin', via: 'test' });
  const scope = await resolveOrgContext(db.db, user, org.orgId, { method: 'POST', path: '/test' });
  return { orgId: org.orgId, scope };
}

async function pendingDuplicates(db: TestDatabase, orgId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db.db,
    sql`SELECT count(*)::int AS n FROM (
          SELECT 1 FROM recommendations WHERE org_id = ${orgId} AND status = 'pending'
          GROUP BY target_type, target_id, suggested_action HAVING count(*) > 1) d`,
  );
  return row!.n;
}

const generatedEvents = (db: TestDatabase, orgId: string) =>
  db.db
    .select({ metadata: events.metadata, actorRole: events.actorRole, actorUserId: events.actorUserId })
    .from(events)
    .where(and(eq(events.orgId, orgId), eq(events.eventType, 'recommendation.generated')));

describeEachDatabase('Atlas runs', ({ db, kind }) => {
  it('generates explained recommendations with evidence, one event per run, and reruns without duplicates', async () => {
    const { orgId, scope } = await syntheticOrg(db(), 1_500, 6_000);
    const runner = new JobRunner(db().db, JOB_HANDLERS, { log: quiet });

    const first = await requestJob(db().db, scope, 'atlas_run');
    await runner.runNext();
    const done = (await withOrg(db().db, scope, (tx) => findJob(tx, scope, first.id)))!;
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const result = done.result as {
      graph: { participants: number; relationships: number };
      detectors: Record<string, { created: number }>;
    };
    expect(result.graph.participants).toBe(1_500);
    expect(Object.keys(result.detectors).sort()).toEqual([...ATLAS_DETECTORS].sort());

    const made = await db()
      .db.select()
      .from(recommendations)
      .where(and(eq(recommendations.orgId, orgId), eq(recommendations.status, 'pending')));
    const created = Object.values(result.detectors).reduce((n, d) => n + d.created, 0);
    expect(made).toHaveLength(created);
    expect(made.length).toBeGreaterThan(0);
    for (const rec of made) {
      expect(ATLAS_DETECTORS).toContain(rec.detector);
      expect(rec.jobId).toBe(first.id);
      expect(rec.confidence).toBeGreaterThanOrEqual(0);
      expect(rec.confidence).toBeLessThanOrEqual(1);
      expect(rec.reason.length).toBeGreaterThan(20);
      expect(rec.metadata).toHaveProperty('participantIds');
      expect(rec.metadata).toHaveProperty('figures');
    }
    expect(await pendingDuplicates(db(), orgId)).toBe(0);

    const [event] = await generatedEvents(db(), orgId);
    expect(event).toMatchObject({ actorRole: 'system', actorUserId: null });
    expect(event!.metadata).toMatchObject({
      graph: { participants: 1_500, relationships: result.graph.relationships },
      detectors: result.detectors,
    });
    expect((event!.metadata as { durationMs: number }).durationMs).toBeGreaterThan(0);

    // Dismiss one, then run again: the rest are refreshed in place, the dismissed one stays dismissed.
    const dismissed = made[0]!;
    // (As the decide service stores a dismissal; its own tests cover the API.)
    await db()
      .db.update(recommendations)
      .set({ status: 'dismissed', decidedAt: new Date(), dismissalReason: 'not_relevant' })
      .where(eq(recommendations.id, dismissed.id));
    const second = await requestJob(db().db, scope, 'atlas_run');
    await runner.runNext();
    const again = (await withOrg(db().db, scope, (tx) => findJob(tx, scope, second.id)))!;
    expect(again.status).toBe('succeeded');
    const counts = (
      again.result as {
        detectors: Record<string, { created: number; refreshed: number; skippedDismissed: number }>;
      }
    ).detectors;
    const total = (field: 'created' | 'refreshed' | 'skippedDismissed') =>
      Object.values(counts).reduce((n, d) => n + d[field], 0);
    expect(total('created')).toBe(0);
    expect(total('refreshed')).toBe(made.length - 1);
    expect(total('skippedDismissed')).toBe(1);
    expect(await pendingDuplicates(db(), orgId)).toBe(0);
    const [reloaded] = await db()
      .db.select({ status: recommendations.status })
      .from(recommendations)
      .where(eq(recommendations.id, dismissed.id));
    expect(reloaded!.status).toBe('dismissed');
    expect(await generatedEvents(db(), orgId)).toHaveLength(2);

    // The overview of the live run: community sizes add up to the org, every participant has its scores
    // and a drill-down position, and the first run's rows are gone.
    const [stored] = await queryRows<{
      jobs: string[];
      communities: number;
      members: number;
      scored: number;
      placed: number;
    }>(
      db().db,
      sql`SELECT (SELECT array_agg(DISTINCT job_id::text) FROM atlas_participant_scores WHERE org_id = ${orgId}) AS jobs,
                 (SELECT count(*)::int FROM atlas_communities WHERE org_id = ${orgId}) AS communities,
                 (SELECT coalesce(sum(size), 0)::int FROM atlas_communities WHERE org_id = ${orgId}) AS members,
                 (SELECT count(*)::int FROM atlas_participant_scores WHERE org_id = ${orgId}) AS scored,
                 (SELECT count(*)::int FROM atlas_participant_scores
                  WHERE org_id = ${orgId} AND x = x AND y = y AND abs(x) < 1e9 AND abs(y) < 1e9) AS placed`,
    );
    expect(stored).toEqual({
      jobs: [second.id],
      communities: expect.any(Number),
      members: 1_500,
      scored: 1_500,
      placed: 1_500,
    });
    expect(stored!.communities).toBeGreaterThan(1);
  });

  if (kind === 'postgres') {
    it('resumes a run whose process was killed half-way, with nothing half-written', async () => {
      const { orgId, scope } = await syntheticOrg(db(), 10_000, 50_000);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'tests/setup/atlas-run-child.ts', db().url!, orgId],
        {
          cwd: ROOT,
          stdio: 'ignore',
        },
      );
      const exited = new Promise((resolve) => child.on('exit', resolve));
      // Kill it while it computes: after it has read the graph, before its last transaction.
      const end = Date.now() + 60_000;
      let phase: string | null = null;
      while (Date.now() < end) {
        const [job] = await db().db.select({ phase: jobs.phase }).from(jobs).where(eq(jobs.orgId, orgId));
        phase = job?.phase ?? null;
        if (phase && phase !== 'reading the graph') break;
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      await exited;
      const [stranded] = await db().db.select().from(jobs).where(eq(jobs.orgId, orgId));
      expect(stranded).toMatchObject({ status: 'running', attempts: 1 });
      expect(phase).not.toBe('saving the results');
      expect(await generatedEvents(db(), orgId)).toHaveLength(0);
      const [written] = await queryRows<{ n: number }>(
        db().db,
        sql`SELECT count(*)::int AS n FROM recommendations WHERE org_id = ${orgId}`,
      );
      expect(written!.n).toBe(0);

      // Another runner finds the claim stale and runs it again, to the end.
      const runner = new JobRunner(db().db, JOB_HANDLERS, { log: quiet, staleSeconds: 1 });
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await runner.runNext()).toBe(true);
      const resumed = (await withOrg(db().db, scope, (tx) => findJob(tx, scope, stranded!.id)))!;
      expect(resumed).toMatchObject({ status: 'succeeded', attempts: 2, error: null });
      expect(await generatedEvents(db(), orgId)).toHaveLength(1);
      expect(await pendingDuplicates(db(), orgId)).toBe(0);
    }, 120_000);
  }
});
