import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { jobs } from '../../src/lib/database/schema';
import { viewAtlasRuns } from '../../src/lib/services/views/atlas-runs';
import { createOrgWithMembers } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// What the Recommendations page shows of Atlas: the newest run (one in progress, or how the last one
// ended) and the newest that succeeded, which today's recommendations come from.

const MINUTE = 60_000;

async function setup(db: TestDatabase) {
  const { org, users } = await createOrgWithMembers(db, 'Runs org', { viewer: 'viewer@runs.example' });
  const other = await createOrgWithMembers(db, 'Elsewhere', { owner: 'owner@elsewhere.example' });
  const scope = await resolveOrgContext(db.db, users.viewer!, org.id, { method: 'GET', path: '/test' });
  return { org, other: other.org, scope };
}

function addRun(
  db: TestDatabase,
  orgId: string,
  status: 'running' | 'succeeded' | 'failed',
  minutesAgo: number,
  kind: 'atlas_run' | 'stage_update' = 'atlas_run',
) {
  return db.db
    .insert(jobs)
    .values({
      orgId,
      kind,
      status,
      timeLimitSeconds: 1800,
      result: status === 'succeeded' ? { durationMs: 1200, graph: { participants: 12 } } : null,
      error: status === 'failed' ? 'Time limit reached' : null,
      createdAt: new Date(Date.now() - minutesAgo * MINUTE),
    })
    .returning({ id: jobs.id })
    .then(([row]) => row!.id);
}

describeEachDatabase('Atlas runs view', ({ db }) => {
  it('is empty before any run', async () => {
    const { scope } = await setup(db());
    expect(await viewAtlasRuns(db().db, scope)).toEqual({ latest: null, lastSucceeded: null });
  });

  it('gives the run in progress and the last success before it, of this org and kind only', async () => {
    const { org, other, scope } = await setup(db());
    const succeeded = await addRun(db(), org.id, 'succeeded', 60);
    await addRun(db(), org.id, 'succeeded', 120);
    await addRun(db(), org.id, 'failed', 30);
    const running = await addRun(db(), org.id, 'running', 1);
    await addRun(db(), org.id, 'succeeded', 0, 'stage_update');
    await addRun(db(), other.id, 'succeeded', 0);

    const runs = await viewAtlasRuns(db().db, scope);
    expect(runs.latest).toMatchObject({ id: running, status: 'running', kind: 'atlas_run' });
    expect(runs.lastSucceeded).toMatchObject({
      id: succeeded,
      status: 'succeeded',
      result: { durationMs: 1200, graph: { participants: 12 } },
    });
  });

  it('gives a failed newest run beside the success before it, and one row when the newest succeeded', async () => {
    const { org, scope } = await setup(db());
    const succeeded = await addRun(db(), org.id, 'succeeded', 60);
    const failed = await addRun(db(), org.id, 'failed', 5);
    expect(await viewAtlasRuns(db().db, scope)).toMatchObject({
      latest: { id: failed, error: 'Time limit reached' },
      lastSucceeded: { id: succeeded },
    });
    const newest = await addRun(db(), org.id, 'succeeded', 1);
    const runs = await viewAtlasRuns(db().db, scope);
    expect(runs.latest!.id).toBe(newest);
    expect(runs.lastSucceeded!.id).toBe(newest);
  });
});
