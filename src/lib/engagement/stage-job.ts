import { inOrg, withOrg } from '../database/with-org';
import type { LifecycleStage } from '../domain';
import type { EngagementRules } from '../engagement-state';
import type { JobContext } from '../jobs/runner';
import { findOrgSettings } from '../repositories/org-settings';
import {
  applyStageBatch,
  countStageParticipants,
  recordStageDailyCounts,
  type StageBatchResult,
} from '../repositories/stage-engine';

// The stage_update job: the engagement state engine applied to every participant of the org, in keyset
// batches of one statement each (docs/decisions/022). The rule is a fixed point, so a job resumed after
// a crash starts again from the first batch and moves no one twice.

export const STAGE_BATCH_SIZE = 5_000;
const PHASE = 'updating stages';
/** A batch that loses a deadlock to an operator's intervention is simply run again. */
const BATCH_ATTEMPTS = 3;

export interface StageUpdateResult {
  [key: string]: unknown;
  participants: number;
  changed: number;
  /** Moves by "from->to", e.g. { "active->at_risk": 12 }. */
  byTransition: Record<string, number>;
  /** The org-local day the run counted as today, and the stage counts it recorded for it. */
  day: string;
  counts: Record<LifecycleStage, number>;
  durationMs: number;
}

const sqlState = (error: unknown): unknown => {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  return e.code ?? e.cause?.code;
};

async function batchWithRetry(run: () => Promise<StageBatchResult>): Promise<StageBatchResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (sqlState(error) !== '40P01' || attempt >= BATCH_ATTEMPTS) throw error;
    }
  }
}

export async function runStageUpdateJob(ctx: JobContext): Promise<void> {
  const started = Date.now();
  // One instant for the whole run: every batch decides on the same local day, even across midnight.
  const now = new Date();
  // A scoped transaction per batch: the run holds no transaction, and no lock, between batches.
  const scoped = inOrg(ctx.db, ctx.scope);
  const settings = await scoped((tx) => findOrgSettings(tx, ctx.scope));
  const rules: EngagementRules = {
    thresholds: settings,
    timeZone: settings.timezone,
    graceDays: settings.stageGraceDays,
  };
  const total = await scoped((tx) => countStageParticipants(tx, ctx.scope));
  await ctx.progress(PHASE, 0);

  const byTransition: Record<string, number> = {};
  let changed = 0;
  let done = 0;
  let after: string | null = null;
  for (;;) {
    ctx.checkpoint();
    const batch = await batchWithRetry(() =>
      scoped((tx) =>
        applyStageBatch(tx, ctx.scope, { rules, now, after, limit: STAGE_BATCH_SIZE, jobId: ctx.job.id }),
      ),
    );
    done += batch.scanned;
    for (const move of batch.changes) {
      const key = `${move.from}->${move.to}`;
      byTransition[key] = (byTransition[key] ?? 0) + move.count;
      changed += move.count;
    }
    // Participants added while the job runs can take `done` past the count made at its start.
    await ctx.progress(PHASE, total === 0 ? 1 : Math.min(1, done / total));
    if (batch.scanned < STAGE_BATCH_SIZE || batch.lastId === null) break;
    after = batch.lastId;
  }

  await withOrg(ctx.db, ctx.scope, async (tx) => {
    const { day, counts } = await recordStageDailyCounts(tx, ctx.scope, { now, timeZone: rules.timeZone });
    const result: StageUpdateResult = {
      participants: done,
      changed,
      byTransition,
      day,
      counts,
      durationMs: Date.now() - started,
    };
    await ctx.complete(tx, result);
  });
}
