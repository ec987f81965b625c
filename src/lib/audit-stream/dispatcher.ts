import type { Database } from '../db';
import { JOB_TIME_LIMITS } from '../domain';
import { unsafeEnqueueAuditDeliveries } from '../repositories/audit-streams';
import { logger } from '../observability/logger';

// Queues an audit_delivery job, every few seconds, for each org whose stream is due and behind its
// chain (docs/decisions/035). The job queue does the rest: one delivery per org at a time, claimed once
// across processes, and picked up again after a restart.

export class AuditStreamDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly everyMs: number,
    private readonly log: (line: string) => void = (line) => logger().info(line),
  ) {}

  start(): void {
    const tick = () =>
      void this.dispatch()
        .catch((error: unknown) =>
          this.log(`audit stream: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          if (this.stopped) return;
          this.timer = setTimeout(tick, this.everyMs);
          this.timer.unref();
        });
    tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Queues the deliveries due now; returns how many jobs it queued. */
  async dispatch(): Promise<number> {
    return (await unsafeEnqueueAuditDeliveries(this.db, JOB_TIME_LIMITS.audit_delivery)).length;
  }
}
