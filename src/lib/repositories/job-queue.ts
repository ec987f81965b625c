import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgDb } from '../database/with-org';
import type { JobKind } from '../domain';
import { JOB_COLUMNS, type JobRow } from './jobs';

// The runner's view of the jobs table: claim the oldest runnable job across orgs, then keep the claim
// alive and give it up in the job's org. Only the job runner (src/lib/jobs/runner.ts) uses it.

export interface ClaimedJob extends JobRow {
  org: { id: string; name: string; timezone: string };
}

/**
 * Claims the oldest queued job, or a running one whose heartbeat stopped `staleSeconds` ago (the process
 * running it died), for `workerId`. FOR UPDATE SKIP LOCKED: runners in several processes never claim
 * the same job, and none waits for another.
 */
export async function unsafeClaimNextJob(
  db: Database,
  workerId: string,
  staleSeconds: number,
): Promise<ClaimedJob | undefined> {
  // The claim crosses orgs: app_claim_next_job (migration 0010, decision 029) is the one way to.
  const [row] = await queryRows<JobRow & { orgId: string; orgName: string; orgTimezone: string }>(
    db,
    sql`SELECT ${JOB_COLUMNS}, o.id AS "orgId", o.name AS "orgName", o.timezone AS "orgTimezone"
        FROM app_claim_next_job(${workerId}::text, ${staleSeconds}::double precision) j
        JOIN orgs o ON o.id = j.org_id`,
  );
  if (!row) return undefined;
  const { orgId, orgName, orgTimezone, ...job } = row;
  return { ...job, org: { id: orgId, name: orgName, timezone: orgTimezone } };
}

/**
 * Records progress and keeps the claim alive. Answers whether the job should go on: false when someone
 * asked to cancel it, or when the claim is no longer ours (it went stale and another runner took it).
 */
/** A job this runner holds; its org is named in every statement on it (one shard under Citus). */
export interface JobClaim {
  orgId: string;
  id: string;
  workerId: string;
}

export async function unsafeHeartbeat(
  db: OrgDb,
  job: JobClaim,
  progress?: { phase: string; fraction: number },
): Promise<{ owned: boolean; cancelRequested: boolean }> {
  const [row] = await queryRows<{ cancelRequested: boolean }>(
    db,
    sql`UPDATE jobs SET heartbeat_at = now()
          ${progress ? sql`, phase = ${progress.phase}, progress = ${Math.min(1, Math.max(0, progress.fraction))}` : sql``}
        WHERE org_id = ${job.orgId} AND id = ${job.id} AND worker_id = ${job.workerId} AND status = 'running'
        RETURNING cancel_requested_at IS NOT NULL AS "cancelRequested"`,
  );
  return row
    ? { owned: true, cancelRequested: row.cancelRequested }
    : { owned: false, cancelRequested: false };
}

/** Ends a claimed job that did not succeed: failed or cancelled, with a message for operators. */
export async function unsafeFinishJob(
  db: OrgDb,
  job: JobClaim,
  status: 'failed' | 'cancelled',
  error: string | null,
): Promise<void> {
  await db.execute(sql`UPDATE jobs SET status = ${status}, error = ${error}, finished_at = now(), heartbeat_at = now()
    WHERE org_id = ${job.orgId} AND id = ${job.id} AND worker_id = ${job.workerId} AND status = 'running'`);
}

/**
 * Puts a claimed job back in the queue (its process is shutting down cleanly), so the next runner
 * starts it at once instead of waiting for its heartbeat to go stale; the attempt does not count.
 */
export async function unsafeReleaseJob(db: OrgDb, job: JobClaim): Promise<void> {
  await db.execute(sql`UPDATE jobs SET status = 'queued', worker_id = NULL, attempts = greatest(attempts - 1, 0)
    WHERE org_id = ${job.orgId} AND id = ${job.id} AND worker_id = ${job.workerId} AND status = 'running'`);
}

/**
 * Queues a `kind` job, as the system, for every org that has had none for `everyHours` (queued, running
 * or finished), skipping orgs where one is in progress. One statement, with each queued job's
 * job.requested event (app_enqueue_due_jobs, migration 0010: across orgs). Returns the jobs queued.
 */
export async function unsafeEnqueueDueJobs(
  db: Database,
  kind: JobKind,
  everyHours: number,
  timeLimitSeconds: number,
): Promise<{ orgId: string; id: string }[]> {
  return queryRows<{ orgId: string; id: string }>(
    db,
    sql`SELECT org_id AS "orgId", id
        FROM app_enqueue_due_jobs(${kind}::text, ${everyHours}::double precision, ${timeLimitSeconds}::int)`,
  );
}
