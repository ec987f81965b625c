import fs from 'node:fs';
import os from 'node:os';
import { withOrg } from '../../src/lib/database/with-org';
import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { writeAuditEvent } from '../../src/lib/audit';
import { events, jobs } from '../../src/lib/database/schema';
import { uuidColumn } from '../../src/lib/atlas/uuid-column';
import { JOB_KINDS, type JobKind } from '../../src/lib/domain';
import { COMPUTE_NICENESS } from '../../src/lib/jobs/compute-tasks';
import { JobSchedule } from '../../src/lib/jobs/schedule';
import { JobRunner, type JobContext, type JobHandler, type JobHandlers } from '../../src/lib/jobs/runner';
import { unsafeClaimNextJob } from '../../src/lib/repositories/job-queue';
import { findJob, JobInProgressError } from '../../src/lib/repositories/jobs';
import { requestJob } from '../../src/lib/services/jobs';
import { unsafeFindOrg } from '../../src/lib/repositories/unsafe';
import { resolveOrgContext } from '../../src/lib/auth';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// The job runner against a real database: one job of a kind per org, progress, cancellation, the time
// limit, a claim left by a dead process picked up again, the system as the actor, and a computation in
// a worker thread while requests are answered.

const quiet = () => undefined;

function handlersWith(overrides: Partial<JobHandlers>): JobHandlers {
  const fail: JobHandler = async () => {
    throw new Error('not expected in this test');
  };
  return { ...(Object.fromEntries(JOB_KINDS.map((k) => [k, fail])) as JobHandlers), ...overrides };
}

async function setup(db: TestDatabase) {
  const { org, users } = await createOrgWithMembers(db, 'Jobs org', {
    owner: 'owner@jobs.example',
    admin: 'admin@jobs.example',
    viewer: 'viewer@jobs.example',
  });
  const owner = await resolveOrgContext(db.db, users.owner!, org.id, { method: 'POST', path: '/test' });
  return { org, users, owner };
}

const statusOf = async (db: TestDatabase, scope: Parameters<typeof findJob>[1], id: string) =>
  (await withOrg(db.db, scope, (tx) => findJob(tx, scope, id)))!;

/** The niceness of each thread of this process (Linux: /proc/self/task/<tid>/stat, field 19). */
const threadNiceness = () =>
  fs
    .readdirSync('/proc/self/task')
    .map((tid) =>
      Number(fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]),
    );

/** Waits (polling the database) until `check` holds; fails after a generous bound. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describeEachDatabase('background jobs', ({ db }) => {
  it('queues at most one job of a kind per org: the second request is told which one is in progress', async () => {
    const { owner } = await setup(db());
    const first = await requestJob(db().db, owner, 'atlas_run');
    expect(first).toMatchObject({ kind: 'atlas_run', status: 'queued', progress: 0, attempts: 0 });
    const second = await requestJob(db().db, owner, 'atlas_run').catch((e: unknown) => e);
    expect(second).toBeInstanceOf(JobInProgressError);
    expect((second as JobInProgressError).jobId).toBe(first.id);
    // Another kind is independent.
    await expect(requestJob(db().db, owner, 'stage_update')).resolves.toMatchObject({ status: 'queued' });
    const requested = await db()
      .db.select({ actorUserId: events.actorUserId, targetId: events.targetId })
      .from(events)
      .where(eq(events.eventType, 'job.requested'));
    expect(requested).toHaveLength(2);
    expect(requested.map((e) => e.actorUserId)).toEqual([owner.userId, owner.userId]);
  });

  it('answers POST atlas/run with 202, then 409 naming the job, and GET jobs/:id with its state', async () => {
    const { org, users } = await setup(db());
    const api = createTestApi(db());
    const admin = await signIn(api, users.admin!.email);
    const viewer = await signIn(api, users.viewer!.email);
    const base = `/api/orgs/${org.id}`;

    const refused = await api.request(`${base}/atlas/run`, { method: 'POST', cookie: viewer });
    expect(refused.status).toBe(403);

    const started = await api.request(`${base}/atlas/run`, { method: 'POST', cookie: admin });
    expect(started.status).toBe(202);
    const job = (await started.json()) as { id: string; status: string };
    expect(job.status).toBe('queued');

    const again = await api.request(`${base}/atlas/run`, { method: 'POST', cookie: admin });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(await again.json()).toMatchObject({ status: 409, jobId: job.id });

    const seen = await api.request(`${base}/jobs/${job.id}`, { cookie: viewer });
    expect(seen.status).toBe(200);
    expect(await seen.json()).toMatchObject({ id: job.id, kind: 'atlas_run', status: 'queued' });
    const listed = (await (await api.request(`${base}/jobs?kind=atlas_run`, { cookie: viewer })).json()) as {
      items: { id: string }[];
    };
    expect(listed.items.map((j) => j.id)).toEqual([job.id]);

    expect((await api.request(`${base}/jobs/${crypto.randomUUID()}`, { cookie: viewer })).status).toBe(404);
    expect((await api.request(`${base}/jobs/not-a-uuid`, { cookie: viewer })).status).toBe(400);
    expect((await api.request(`${base}/jobs?kind=nonsense`, { cookie: viewer })).status).toBe(400);

    // A job of another org is not found from this one.
    const other = await createOrgWithMembers(db(), 'Other jobs org', { owner: 'owner@other-jobs.example' });
    const otherOwner = await resolveOrgContext(db().db, other.users.owner!, other.org.id, {
      method: 'POST',
      path: '/test',
    });
    const foreign = await requestJob(db().db, otherOwner, 'atlas_run');
    expect((await api.request(`${base}/jobs/${foreign.id}`, { cookie: viewer })).status).toBe(404);

    // Cancelling a queued job ends it at once; a second cancel is a conflict.
    const cancelled = await api.request(`${base}/jobs/${job.id}/cancel`, { method: 'POST', cookie: admin });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', cancelRequested: true });
    expect(
      (await api.request(`${base}/jobs/${job.id}/cancel`, { method: 'POST', cookie: admin })).status,
    ).toBe(409);
    expect((await api.request(`${base}/atlas/run`, { method: 'POST', cookie: admin })).status).toBe(202);
  });

  it('runs a job as the system, with progress, and ends it succeeded with its result', async () => {
    const { owner, org } = await setup(db());
    const job = await requestJob(db().db, owner, 'stage_update');
    const phases: number[] = [];
    const handler: JobHandler = async (ctx) => {
      expect(ctx.scope.actor).toEqual({ kind: 'system' });
      expect(ctx.scope.orgId).toBe(org.id);
      for (const fraction of [0.25, 0.5, 0.75]) {
        await ctx.progress('counting', fraction);
        phases.push(fraction);
      }
      await withOrg(ctx.db, ctx.scope, async (tx) => {
        await writeAuditEvent(tx, ctx.scope, {
          type: 'participant.stage_changed',
          targetType: 'org',
          targetId: org.id,
        });
        await ctx.complete(tx, { counted: 3 });
      });
    };
    const runner = new JobRunner(db().db, handlersWith({ stage_update: handler }), { log: quiet });
    expect(await runner.runNext()).toBe(true);
    expect(await runner.runNext()).toBe(false);
    expect(phases).toEqual([0.25, 0.5, 0.75]);
    expect(await statusOf(db(), owner, job.id)).toMatchObject({
      status: 'succeeded',
      progress: 1,
      attempts: 1,
      result: { counted: 3 },
      error: null,
    });
    const [event] = await db()
      .db.select({ actorUserId: events.actorUserId, actorRole: events.actorRole })
      .from(events)
      .where(eq(events.eventType, 'participant.stage_changed'));
    expect(event).toEqual({ actorUserId: null, actorRole: 'system' });
  });

  it('stops a running job that is cancelled, and one that outruns its time limit', async () => {
    const { owner } = await setup(db());
    const looping: JobHandler = async (ctx: JobContext) => {
      for (;;) {
        await ctx.progress('looping', 0.5);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const runner = new JobRunner(db().db, handlersWith({ atlas_run: looping, stage_update: looping }), {
      log: quiet,
      heartbeatMs: 50,
    });

    const job = await requestJob(db().db, owner, 'atlas_run');
    const running = runner.runNext();
    await until(async () => (await statusOf(db(), owner, job.id)).phase === 'looping', 'the job to start');
    const api = createTestApi(db());
    const admin = await signIn(api, 'admin@jobs.example');
    const cancel = await api.request(`/api/orgs/${owner.orgId}/jobs/${job.id}/cancel`, {
      method: 'POST',
      cookie: admin,
    });
    expect(await cancel.json()).toMatchObject({ status: 'running', cancelRequested: true });
    await running;
    expect(await statusOf(db(), owner, job.id)).toMatchObject({ status: 'cancelled', error: null });

    const slow = await requestJob(db().db, owner, 'stage_update');
    await db().db.update(jobs).set({ timeLimitSeconds: 1 }).where(eq(jobs.id, slow.id));
    await runner.runNext();
    const timedOut = await statusOf(db(), owner, slow.id);
    expect(timedOut.status).toBe('failed');
    expect(timedOut.error).toBe('Stopped after its time limit of 1 s.');
  });

  it('fails a job whose handler throws, with the message, and frees the kind for the next request', async () => {
    const { owner } = await setup(db());
    const job = await requestJob(db().db, owner, 'atlas_run');
    const runner = new JobRunner(
      db().db,
      handlersWith({
        atlas_run: async () => {
          throw new Error('the graph could not be read');
        },
      }),
      { log: quiet },
    );
    await runner.runNext();
    expect(await statusOf(db(), owner, job.id)).toMatchObject({
      status: 'failed',
      error: 'Failed: the graph could not be read',
    });
    await expect(requestJob(db().db, owner, 'atlas_run')).resolves.toMatchObject({ status: 'queued' });
  });

  it('picks up a job whose process died (stale heartbeat), and gives up after too many attempts', async () => {
    const { owner } = await setup(db());
    const job = await requestJob(db().db, owner, 'atlas_run');
    // A runner in another process claimed it, then died: its heartbeat stops.
    const dead = await unsafeClaimNextJob(db().db, 'dead-host:1:abcd', 30);
    expect(dead?.id).toBe(job.id);
    const runs: string[] = [];
    const runner = new JobRunner(
      db().db,
      handlersWith({
        atlas_run: async (ctx) => {
          runs.push(ctx.job.id);
        },
      }),
      { log: quiet, staleSeconds: 30 },
    );
    // Fresh heartbeat: not claimable yet.
    expect(await runner.runNext()).toBe(false);
    await db()
      .db.update(jobs)
      .set({ heartbeatAt: sql`now() - interval '31 seconds'` })
      .where(eq(jobs.id, job.id));
    expect(await runner.runNext()).toBe(true);
    expect(runs).toEqual([job.id]);
    expect(await statusOf(db(), owner, job.id)).toMatchObject({ status: 'succeeded', attempts: 2 });

    // A job that keeps killing its process is failed rather than started a third time.
    const doomed = await requestJob(db().db, owner, 'atlas_run');
    for (const worker of ['dead:1', 'dead:2']) {
      await unsafeClaimNextJob(db().db, worker, 30);
      await db()
        .db.update(jobs)
        .set({ heartbeatAt: sql`now() - interval '31 seconds'` })
        .where(eq(jobs.id, doomed.id));
    }
    await runner.runNext();
    expect(runs).toEqual([job.id]);
    const failed = await statusOf(db(), owner, doomed.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/Stopped 2 times without finishing/);
  });

  it('puts a job back in the queue when its runner shuts down, and the next runner resumes it', async () => {
    const { owner } = await setup(db());
    const job = await requestJob(db().db, owner, 'atlas_run');
    const waiting: JobHandler = async (ctx) => {
      await ctx.progress('waiting', 0.1);
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    };
    const first = new JobRunner(db().db, handlersWith({ atlas_run: waiting }), { log: quiet, pollMs: 10 });
    first.start();
    await until(async () => (await statusOf(db(), owner, job.id)).phase === 'waiting', 'the job to start');
    await first.stop();
    expect(await statusOf(db(), owner, job.id)).toMatchObject({ status: 'queued', attempts: 0 });

    const second = new JobRunner(db().db, handlersWith({ atlas_run: async () => undefined }), { log: quiet });
    expect(await second.runNext()).toBe(true);
    expect(await statusOf(db(), owner, job.id)).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('computes in a worker thread while the API keeps answering', async () => {
    const { owner, users, org } = await setup(db());
    const job = await requestJob(db().db, owner, 'atlas_run');
    // A ring of cliques, big enough that the analysis takes a moment.
    const cliques = 400;
    const size = 12;
    const from: number[] = [];
    const to: number[] = [];
    for (let c = 0; c < cliques; c++) {
      for (let i = 0; i < size; i++)
        for (let j = i + 1; j < size; j++) {
          from.push(c * size + i);
          to.push(c * size + j);
        }
      from.push(c * size);
      to.push(((c + 1) % cliques) * size + 1);
    }
    const n = cliques * size;
    const api = createTestApi(db());
    const viewer = await signIn(api, users.viewer!.email);
    const answered: number[] = [];
    let computing = false;
    const runner = new JobRunner(
      db().db,
      handlersWith({
        atlas_run: async (ctx) => {
          computing = true;
          const output = ctx.compute(
            'atlas.run',
            {
              now: Date.now(),
              detectorOptions: {},
              graph: {
                participantIdColumn: uuidColumn(
                  Array.from(
                    { length: n },
                    (_, i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
                  ),
                ),
                relationshipIds: uuidColumn(
                  from.map((_, e) => `00000000-0000-4000-8000-${String(e).padStart(12, '0')}`),
                ),
                csrInput: {
                  nodeCount: n,
                  from: Int32Array.from(from),
                  to: Int32Array.from(to),
                  weight: new Float32Array(from.length).fill(1),
                },
                lastActivityAt: new Float64Array(n).fill(Date.now()),
                createdAt: new Float64Array(n).fill(Date.now() - 365 * 86_400_000),
                stage: new Uint8Array(n),
                isSystem: new Uint8Array(n),
                suppressed: new Uint8Array(n),
                confidence: new Float32Array(from.length).fill(1),
                inferred: new Uint8Array(from.length),
                flagged: new Uint8Array(from.length),
                sourceIndex: new Int32Array(from.length),
                sourceNames: ['manual'],
                skippedRelationships: 0,
              },
            },
            [0.1, 0.9],
          );
          // The threads that think yield the cores (nice 19): the computing thread and the layout
          // helper it starts at its own niceness. The thread that answers does not.
          if (process.platform === 'linux') {
            await until(
              async () => threadNiceness().filter((n) => n === COMPUTE_NICENESS).length >= 2,
              'the computing threads to yield',
            );
            expect(os.getPriority()).toBe(0);
          }
          // While the worker thinks, requests are answered.
          for (let i = 0; i < 3; i++) {
            const response = await api.request(`/api/orgs/${org.id}/jobs/${job.id}`, { cookie: viewer });
            answered.push(response.status);
          }
          const result = await output;
          computing = false;
          // Louvain joins neighbouring cliques of a long ring (its resolution limit), never splits one.
          expect(result.communityCount).toBeGreaterThan(cliques / 4);
          expect(result.modularity).toBeGreaterThan(0.8);
          expect(result.scores.pagerank).toHaveLength(n);
          expect(result.scores.community).toBeInstanceOf(Int32Array);
        },
      }),
      { log: quiet },
    );
    await runner.runNext();
    expect((await statusOf(db(), owner, job.id)).error).toBeNull();
    expect(computing).toBe(false);
    expect(answered).toEqual([200, 200, 200]);
    expect(await statusOf(db(), owner, job.id)).toMatchObject({ status: 'succeeded' });
  });

  it('queues scheduled jobs as the system for orgs without a recent one, once', async () => {
    const { owner, org } = await setup(db());
    const other = await createOrgWithMembers(db(), 'Scheduled org', { owner: 'owner@scheduled.example' });
    const schedule = new JobSchedule(db().db, { stage_update: 24, atlas_run: 0 }, quiet);
    expect(await schedule.queueDue()).toEqual({ stage_update: 2 });
    // Both are queued now: nothing more is due.
    expect(await schedule.queueDue()).toEqual({ stage_update: 0 });
    const queued = await db()
      .db.select({
        orgId: jobs.orgId,
        kind: jobs.kind,
        requestedBy: jobs.requestedByUserId,
        params: jobs.params,
      })
      .from(jobs);
    expect(queued.map((j) => j.orgId).sort()).toEqual([org.id, other.org.id].sort());
    expect(queued.every((j) => j.kind === 'stage_update' && j.requestedBy === null)).toBe(true);
    expect(queued[0]!.params).toEqual({ scheduled: true });
    const requested = await db()
      .db.select({ actorRole: events.actorRole, actorUserId: events.actorUserId, metadata: events.metadata })
      .from(events)
      .where(and(eq(events.orgId, org.id), eq(events.eventType, 'job.requested')));
    expect(requested).toEqual([
      { actorRole: 'system', actorUserId: null, metadata: { kind: 'stage_update', scheduled: true } },
    ]);
    // A finished job within the interval keeps the org off the schedule until the interval has passed.
    await db()
      .db.update(jobs)
      .set({ status: 'succeeded', finishedAt: new Date() })
      .where(eq(jobs.kind, 'stage_update'));
    expect(await schedule.queueDue()).toEqual({ stage_update: 0 });
    await db()
      .db.update(jobs)
      .set({ createdAt: sql`now() - interval '25 hours'` })
      .where(eq(jobs.orgId, owner.orgId));
    expect(await schedule.queueDue()).toEqual({ stage_update: 1 });
  });

  it('never lets two runners claim the same job', async () => {
    const { owner } = await setup(db());
    const kinds: JobKind[] = ['atlas_run', 'stage_update'];
    const queued = await Promise.all(kinds.map((k) => requestJob(db().db, owner, k)));
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map((w) => unsafeClaimNextJob(db().db, `worker-${w}`, 30)),
    );
    const claimed = claims.filter((c) => c !== undefined).map((c) => c.id);
    expect(claimed.sort()).toEqual(queued.map((j) => j.id).sort());
    const org = await unsafeFindOrg(db().db, owner.orgId);
    expect(claims.find((c) => c)?.org).toEqual(org);
    const rows = await db()
      .db.select({ status: jobs.status })
      .from(jobs)
      .where(and(eq(jobs.orgId, owner.orgId), eq(jobs.status, 'running')));
    expect(rows).toHaveLength(2);
  });
});
