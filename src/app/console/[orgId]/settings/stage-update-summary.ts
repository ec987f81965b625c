import { isLifecycleStage } from '../../../../lib/ui/stages';
import type { LifecycleStage } from '../../../../lib/domain';
import { phaseLabel, plural, progressPercent, type Job } from '../recommendations/atlas-run-summary';

// What the Settings page says about a stage update (a `stage_update` job), as pure functions of the
// API's Job. The result is free-form JSON written by the job (runStageUpdateJob): read defensively.

export interface StageUpdateSummary {
  participants: number | null;
  changed: number | null;
  /** The moves of the run, the largest first. */
  moves: { from: LifecycleStage; to: LifecycleStage; count: number }[];
  durationMs: number | null;
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value) : null;

export function summariseStageUpdate(result: unknown): StageUpdateSummary {
  const root = record(result);
  const moves = Object.entries(record(root.byTransition)).flatMap(([key, value]) => {
    const [from, to] = key.split('->');
    const n = count(value);
    return from && to && isLifecycleStage(from) && isLifecycleStage(to) && n ? [{ from, to, count: n }] : [];
  });
  moves.sort((a, b) => b.count - a.count || a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return {
    participants: count(root.participants),
    changed: count(root.changed),
    moves,
    durationMs: count(root.durationMs),
  };
}

/** One sentence for the live region: what the update does now, or how it ended. */
export function stageUpdateAnnouncement(job: Job): string {
  switch (job.status) {
    case 'queued':
    case 'running':
      return `Stage update: ${phaseLabel(job)}, ${progressPercent(job)}%`;
    case 'succeeded': {
      const { participants, changed } = summariseStageUpdate(job.result);
      return `Stages updated: ${plural(changed ?? 0, 'participant')} changed stage${participants === null ? '' : ` of ${participants.toLocaleString('en')}`}.`;
    }
    case 'failed':
      return `The stage update failed: ${job.error ?? 'no reason given'}`;
    case 'cancelled':
      return 'The stage update was cancelled.';
  }
}
