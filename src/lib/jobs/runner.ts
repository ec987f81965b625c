import os from 'node:os';
import crypto from 'node:crypto';
import type { Database } from '../db';
import { LightFirst } from '../light-first';
import { inOrg, withOrg, type BulkDatabase, type InOrg, type OrgDb } from '../database/with-org';
import { writeAuditEvent } from '../audit';
import { JOB_TIME_LIMITS, type JobKind } from '../domain';
import { completeJob, enqueueJob, findJob, type JobRow } from '../repositories/jobs';
import type { OrgScope } from '../scope';
import { ComputeAbortedError, runCompute } from './compute';
import type { ComputeInput, ComputeOutput, ComputeProgress, ComputeTaskName } from './compute-tasks';
import {
  unsafeClaimNextJob,
  unsafeFinishJob,
  unsafeHeartbeat,
  unsafeReleaseJob,
  type ClaimedJob,
  type JobClaim,
} from '../repositories/job-queue';
import { unsafeSystemScope } from './system-scope';
import { logger } from '../observability/logger';
import { runInRequest } from '../observability/request-context';

// The job runner: claims jobs from the `jobs` table, runs each with a JobContext as the system, keeps
// its claim alive with a heartbeat, and ends it succeeded, failed or cancelled (docs/decisions/019).

/** Why a job stopped before finishing: someone cancelled it, it ran out of time, or it lost its claim. */
export class JobStoppedError extends Error {
  override name = 'JobStoppedError';
  constructor(readonly why: 'cancelled' | 'time_limit' | 'claim_lost' | 'shutdown') {
    super(`The job stopped: ${why.replace('_', ' ')}.`);
  }
}

export interface JobContext {
  /** The raw database: a handler does its work in scoped transactions, `withOrg(ctx.db, ctx.scope, …)`. */
  db: Database;
  /**
   * The database as bulk loads need it: its pool, whose connections take COPY (imports); the embedded
   * database and a runner given none load rows through `db`.
   */
  bulk: BulkDatabase;
  /** The job's org, with the system as the actor. */
  scope: OrgScope;
  job: JobRow;
  /** Aborted when the job is cancelled, runs out of time or loses its claim. */
  signal: AbortSignal;
  /**
   * Reports the phase and how far the whole job is (0..1); written at most every half second. Throws
   * JobStoppedError when the job must stop, so a loop that reports progress is also cancellable.
   */
  progress(phase: string, fraction: number): Promise<void>;
  /** Throws JobStoppedError when the job must stop. */
  checkpoint(): void;
  /**
   * Long work on this process's event loop (a large read's rows, a large write's text) calls this
   * between chunks: requests of the same process get their turn (the server's light-first, decision
   * 031; otherwise a turn of the loop every few milliseconds).
   */
  giveWay(): Promise<void>;
  /**
   * Runs a pure computation in a worker thread, mapping its progress into [from, to] of the job's. The
   * thread starts at once; `input` may be a promise of what it is to work on (runCompute).
   */
  compute<K extends ComputeTaskName>(
    task: K,
    input: ComputeInput<K> | PromiseLike<ComputeInput<K>>,
    range: [from: number, to: number],
  ): Promise<ComputeOutput<K>>;
  /**
   * Marks the job succeeded with `result`. Call it inside the transaction that commits the job's last
   * writes, so the results and the success commit together; a job that returns without calling it is
   * completed with an empty result.
   */
  complete(tx: OrgDb, result: Record<string, unknown>): Promise<void>;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;
export type JobHandlers = Record<JobKind, JobHandler>;

export interface JobRunnerOptions {
  /** How often an idle runner looks for work. */
  pollMs?: number;
  /** A running job whose heartbeat is older than this was left by a dead process and is claimed again. */
  staleSeconds?: number;
  heartbeatMs?: number;
  /** A job that has been claimed this many times without finishing is failed instead of run again. */
  maxAttempts?: number;
  log?: (line: string) => void;
  /** Called with every progress report (a command's progress bar). */
  onProgress?: (job: JobRow, phase: string, fraction: number) => void;
  /** The handle behind `db`, when it has a pool for COPY (JobContext.bulk). */
  bulk?: BulkDatabase;
  /** JobContext.giveWay: the server's light-first; by default a turn of the loop every few ms. */
  giveWay?: () => Promise<void>;
}

export const DEFAULT_JOB_STALE_SECONDS = 30;
const PROGRESS_WRITE_MS = 500;

/** host:pid:random — tells which process holds a claim, and is new on every start. */
export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

export class JobRunner {
  readonly workerId = newWorkerId();
  private readonly pollMs: number;
  private readonly staleSeconds: number;
  private readonly heartbeatMs: number;
  private readonly maxAttempts: number;
  private readonly log: (line: string) => void;
  private readonly onProgress: NonNullable<JobRunnerOptions['onProgress']>;
  private readonly bulk: BulkDatabase;
  private readonly giveWay: () => Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private current: { job: ClaimedJob; abort: AbortController } | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly handlers: JobHandlers,
    options: JobRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.staleSeconds = options.staleSeconds ?? DEFAULT_JOB_STALE_SECONDS;
    this.heartbeatMs = options.heartbeatMs ?? Math.max(250, (this.staleSeconds * 1000) / 6);
    this.maxAttempts = options.maxAttempts ?? 2;
    this.log = options.log ?? ((line) => logger().info(line));
    this.onProgress = options.onProgress ?? (() => undefined);
    this.bulk = options.bulk ?? { db };
    const slices = new LightFirst();
    this.giveWay = options.giveWay ?? (() => slices.giveWay());
  }

  /** Polls for work until stop(); one job at a time per runner (analytics use a core each). */
  start(): void {
    this.stopped = false;
    const tick = async () => {
      this.timer = undefined;
      if (this.stopped) return;
      let ran = false;
      try {
        ran = await this.runNext();
      } catch (error) {
        this.log(`jobs: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), ran ? 0 : this.pollMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  /**
   * Stops polling. A job in progress is stopped and put back in the queue, so that the next process to
   * start picks it up at once (handlers are written to be resumed).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.current?.abort.abort(new JobStoppedError('shutdown'));
    await this.running;
  }

  /** Claims and runs the next runnable job; false when there was none. */
  async runNext(): Promise<boolean> {
    const job = await unsafeClaimNextJob(this.db, this.workerId, this.staleSeconds);
    if (!job) return false;
    await this.run(job);
    return true;
  }

  /**
   * Queues a job of `kind` for `org` claimed by this runner and runs it here and now (a command
   * line's run, with its own progress bar), acting as the system. Throws JobInProgressError when one
   * of the kind is already queued or running for the org. Returns the job as it ended.
   */
  async runNow(org: { id: string; name: string; timezone: string }, kind: JobKind): Promise<JobRow> {
    const scope = unsafeSystemScope(org);
    const job = await withOrg(this.db, scope, async (tx) => {
      const queued = await enqueueJob(tx, scope, {
        kind,
        requestedByUserId: null,
        timeLimitSeconds: JOB_TIME_LIMITS[kind],
        claimAs: this.workerId,
      });
      await writeAuditEvent(tx, scope, {
        type: 'job.requested',
        targetType: 'job',
        targetId: queued.id,
        metadata: { kind, via: 'command line' },
      });
      return queued;
    });
    await this.run({ ...job, org });
    return (await withOrg(this.db, scope, (tx) => findJob(tx, scope, job.id)))!;
  }

  /** Runs a job this runner has claimed. */
  async run(job: ClaimedJob): Promise<void> {
    // The job's log lines and statements carry its id, as a request's carry the request's.
    const execution = runInRequest({ requestId: `job-${job.id}` }, () => this.execute(job));
    this.running = execution;
    try {
      await execution;
    } finally {
      this.running = undefined;
    }
  }

  private async execute(job: ClaimedJob): Promise<void> {
    const claim: JobClaim = { orgId: job.org.id, id: job.id, workerId: this.workerId };
    const scope = unsafeSystemScope(job.org);
    // The claim's own bookkeeping, in the job's org like everything else it writes (row-level security).
    const inJobOrg = inOrg(this.db, scope);
    const label = `${job.kind} ${job.id} (org ${job.org.name})`;
    if (job.attempts > this.maxAttempts) {
      await inJobOrg((tx) =>
        unsafeFinishJob(
          tx,
          claim,
          'failed',
          `Stopped ${job.attempts - 1} times without finishing (the process running it exited); not started again.`,
        ),
      );
      this.log(`jobs: ${label} failed: interrupted ${job.attempts - 1} times`);
      return;
    }
    const abort = new AbortController();
    this.current = { job, abort };
    const stop = (why: JobStoppedError['why']) => {
      if (!abort.signal.aborted) abort.abort(new JobStoppedError(why));
    };
    const deadline = setTimeout(() => stop('time_limit'), job.timeLimitSeconds * 1000);
    let latest: { phase: string; fraction: number } | undefined;
    let lastWrite = 0;
    const beat = async () => {
      const state = await inJobOrg((tx) => unsafeHeartbeat(tx, claim, latest));
      lastWrite = Date.now();
      if (!state.owned) stop('claim_lost');
      else if (state.cancelRequested) stop('cancelled');
    };
    const heartbeat = setInterval(
      () => void beat().catch((error: unknown) => this.log(`jobs: heartbeat failed: ${String(error)}`)),
      this.heartbeatMs,
    );
    let completed = false;
    const checkpoint = () => {
      if (abort.signal.aborted) throw abort.signal.reason as JobStoppedError;
    };
    const context: JobContext = {
      db: this.db,
      bulk: this.bulk,
      scope,
      job,
      signal: abort.signal,
      checkpoint,
      giveWay: this.giveWay,
      progress: async (phase, fraction) => {
        latest = { phase, fraction };
        this.onProgress(job, phase, fraction);
        if (Date.now() - lastWrite >= PROGRESS_WRITE_MS) await beat();
        checkpoint();
      },
      compute: async (task, input, [from, to]) => {
        const onProgress: ComputeProgress = (phase, fraction) => {
          latest = { phase, fraction: from + (to - from) * fraction };
          this.onProgress(job, latest.phase, latest.fraction);
        };
        try {
          return await runCompute(task, input, { signal: abort.signal, onProgress });
        } catch (error) {
          if (error instanceof ComputeAbortedError) checkpoint();
          throw error;
        }
      },
      complete: async (tx, result) => {
        checkpoint();
        await completeJob(tx, context.scope, job.id, result);
        completed = true;
      },
    };
    const started = Date.now();
    try {
      await this.handlers[job.kind](context);
      if (!completed) await withOrg(this.db, context.scope, (tx) => context.complete(tx, {}));
      this.log(`jobs: ${label} succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      // When the job was stopped, the stop is the story, whatever the handler threw on its way out.
      const reason: unknown = abort.signal.aborted ? abort.signal.reason : error;
      await this.endUnfinished(inJobOrg, claim, job, reason);
      this.log(`jobs: ${label} ${describeStop(reason, job)}`);
    } finally {
      clearTimeout(deadline);
      clearInterval(heartbeat);
      this.current = undefined;
    }
  }

  private async endUnfinished(
    inJobOrg: InOrg,
    claim: JobClaim,
    job: ClaimedJob,
    error: unknown,
  ): Promise<void> {
    const why = error instanceof JobStoppedError ? error.why : undefined;
    if (why === 'shutdown') return inJobOrg((tx) => unsafeReleaseJob(tx, claim));
    if (why === 'claim_lost') return; // another runner owns it now
    if (why === 'cancelled') return inJobOrg((tx) => unsafeFinishJob(tx, claim, 'cancelled', null));
    await inJobOrg((tx) => unsafeFinishJob(tx, claim, 'failed', describeStop(error, job)));
  }
}

function describeStop(error: unknown, job: ClaimedJob): string {
  if (error instanceof JobStoppedError) {
    if (error.why === 'time_limit') return `Stopped after its time limit of ${job.timeLimitSeconds} s.`;
    return error.message;
  }
  return `Failed: ${error instanceof Error ? error.message : String(error)}`;
}
