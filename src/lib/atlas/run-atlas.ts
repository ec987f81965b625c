import { writeAuditEvent } from '../audit';
import { inOrg, withOrg } from '../database/with-org';
import type { JobContext } from '../jobs/runner';
import { loadOrgGraph } from '../repositories/atlas-graph';
import { threadGraph } from './compute-run';
import { syncRecommendations, type SyncResult } from '../repositories/atlas-recommendations';
import { deleteAtlasResults, pruneAtlasResults, writeAtlasResults } from '../repositories/atlas-results';
import { findOrgSettings } from '../repositories/org-settings';

// One Atlas run, as a job: read the org's graph in a few set-based queries, compute everything in a
// worker thread on that copy, then write the results under the job's id and, in one last transaction,
// the recommendations, the run's `recommendation.generated` event and the job's success. A run stopped
// half-way leaves nothing anyone reads; resumed, it starts over (docs/decisions/019-background-jobs.md).

/** Share of the job's progress bar each step takes (computing dominates on large orgs). */
const STEPS = { load: [0, 0.15], compute: [0.15, 0.8], write: [0.8, 1] } as const;

export interface AtlasRunResult {
  durationMs: number;
  graph: {
    participants: number;
    relationships: number;
    communities: number;
    modularity: number;
    /** Communities drawn as super-nodes in the overview (the largest). */
    overviewCommunities: number;
  };
  /** What the run did to the recommendations, per detector. */
  detectors: SyncResult;
  timings: Record<string, number>;
  /** Peak resident memory of the process (MiB) by the end of each phase. */
  peakRssMiB: Record<string, number>;
}

export async function runAtlasJob(ctx: JobContext): Promise<void> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  const peakRssMiB: Record<string, number> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await run();
    timings[`${name}Ms`] = Math.round(performance.now() - t0);
    peakRssMiB[`${name}Ms`] = Math.round(process.resourceUsage().maxRSS / 1024);
    return value;
  };

  // Each step in scoped transactions of its own: the run must not hold a connection, or a transaction
  // open, while the worker computes.
  const scoped = inOrg(ctx.db, ctx.scope);
  await ctx.progress('reading the graph', STEPS.load[0]);
  const settings = await scoped((tx) => findOrgSettings(tx, ctx.scope));
  const now = new Date();
  const loading = step('load', () => loadOrgGraph(scoped, ctx.scope, { now, giveWay: ctx.giveWay }));
  const { newDays, activeDays, dormantDays } = settings;
  // The computing thread starts now and loads its code while the graph is read.
  const computing = ctx.compute(
    'atlas.run',
    loading.then((graph) => {
      ctx.checkpoint();
      return {
        graph: threadGraph(graph),
        now: now.getTime(),
        detectorOptions: { newDays, activeDays, dormantDays },
      };
    }),
    [...STEPS.compute],
  );
  // A failed read fails both; the read's error is the one thrown.
  computing.catch(() => undefined);
  const graph = await loading;
  const output = await step('compute', () => computing);
  for (const [name, ms] of Object.entries(output.timings)) timings[name] = Math.round(ms);
  Object.assign(peakRssMiB, output.peakRssMiB);

  await ctx.progress('saving the overview', STEPS.write[0]);
  await step('write', async () => {
    // A resumed run first clears what its earlier attempt wrote.
    if (ctx.job.attempts > 1) await deleteAtlasResults(scoped, ctx.scope, ctx.job.id);
    await writeAtlasResults(
      scoped,
      ctx.scope,
      ctx.job.id,
      output.overview,
      { participantIds: graph.participantIds, ...output.scores },
      { giveWay: ctx.giveWay },
    );
  });
  await ctx.progress('saving the recommendations', 0.97);
  await withOrg(ctx.db, ctx.scope, async (tx) => {
    const detectors = await syncRecommendations(tx, ctx.scope, ctx.job.id, output.candidates, now);
    const result: AtlasRunResult = {
      durationMs: Math.round(performance.now() - started),
      graph: {
        participants: graph.participantIds.length,
        relationships: graph.relationshipIds.length,
        communities: output.communityCount,
        modularity: Number(output.modularity.toFixed(4)),
        overviewCommunities: output.overview.drawnCommunities,
      },
      detectors,
      timings,
      peakRssMiB,
    };
    await writeAuditEvent(tx, ctx.scope, {
      type: 'recommendation.generated',
      targetType: 'job',
      targetId: ctx.job.id,
      metadata: { ...result },
    });
    await ctx.complete(tx, { ...result });
  });
  // The previous runs' rows are no longer read; removing them is housekeeping outside the run's
  // transaction, and the run has succeeded whatever happens here: rows left behind by a failure are
  // removed by the next run's prune.
  await pruneAtlasResults(scoped, ctx.scope, ctx.job.id).catch(() => undefined);
}
