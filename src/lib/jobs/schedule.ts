import type { Database } from '../db';
import { JOB_TIME_LIMITS, type JobKind } from '../domain';
import { unsafeEnqueueDueJobs } from '../repositories/job-queue';
import { logger } from '../observability/logger';

// The in-process schedule: every few minutes, queue a job of each scheduled kind for every org that has
// not had one for its interval. The queue does the rest, so with several server processes each job is
// queued once (the one-in-progress index) and run once (SKIP LOCKED).

const CHECK_EVERY_MS = 5 * 60_000;

export class JobSchedule {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database,
    /** Hours between runs per kind; kinds absent or 0 are not scheduled. */
    private readonly everyHours: Partial<Record<JobKind, number>>,
    private readonly log: (line: string) => void = (line) => logger().info(line),
  ) {}

  start(): void {
    if (!Object.values(this.everyHours).some((hours) => hours && hours > 0)) return;
    const tick = () =>
      void this.queueDue()
        .catch((error: unknown) =>
          this.log(`schedule: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          this.timer = setTimeout(tick, CHECK_EVERY_MS);
          this.timer.unref();
        });
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  /** Queues what is due now; returns how many jobs were queued per kind. */
  async queueDue(): Promise<Partial<Record<JobKind, number>>> {
    const queued: Partial<Record<JobKind, number>> = {};
    for (const [kind, hours] of Object.entries(this.everyHours) as [JobKind, number][]) {
      if (!hours || hours <= 0) continue;
      const jobs = await unsafeEnqueueDueJobs(this.db, kind, hours, JOB_TIME_LIMITS[kind]);
      queued[kind] = jobs.length;
      if (jobs.length > 0) this.log(`schedule: queued ${jobs.length} ${kind} job(s)`);
    }
    return queued;
  }
}
