import type { components } from '../../../../lib/client/api-types';
import { ATLAS_DETECTORS, type AtlasDetector } from '../../../../lib/domain';
import { actionLabel } from './recommendation-text';

// What the Atlas panel says about a run, as pure functions of the API's Job. A succeeded run's result
// is free-form JSON written by the job (jobs.result): read it defensively, so a run from an older or
// newer version of Atlas shows what it has instead of breaking the page.

export type Job = components['schemas']['Job'];

export interface DetectorRunCounts {
  detector: AtlasDetector;
  created: number;
  refreshed: number;
  superseded: number;
  skippedDismissed: number;
  skippedSuppressed: number;
}

export interface AtlasRunSummary {
  durationMs: number | null;
  graph: {
    participants: number | null;
    relationships: number | null;
    communities: number | null;
    modularity: number | null;
  };
  /** The detectors the run reported on, in the usual order; empty when it reported none. */
  detectors: DetectorRunCounts[];
  totals: { created: number; refreshed: number; superseded: number };
}

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;

const count = (value: unknown): number => Math.max(0, Math.round(finite(value) ?? 0));

export function summariseAtlasRun(result: unknown): AtlasRunSummary {
  const root = record(result);
  const graph = record(root.graph);
  const reported = record(root.detectors);
  const detectors = ATLAS_DETECTORS.filter((d) => d in reported).map((detector): DetectorRunCounts => {
    const c = record(reported[detector]);
    return {
      detector,
      created: count(c.created),
      refreshed: count(c.refreshed),
      superseded: count(c.superseded),
      skippedDismissed: count(c.skippedDismissed),
      skippedSuppressed: count(c.skippedSuppressed),
    };
  });
  const sum = (key: 'created' | 'refreshed' | 'superseded') => detectors.reduce((s, d) => s + d[key], 0);
  return {
    durationMs: finite(root.durationMs),
    graph: {
      participants: finite(graph.participants),
      relationships: finite(graph.relationships),
      communities: finite(graph.communities),
      modularity: finite(graph.modularity),
    },
    detectors,
    totals: { created: sum('created'), refreshed: sum('refreshed'), superseded: sum('superseded') },
  };
}

export const isInProgress = (job: Pick<Job, 'status'>) => job.status === 'queued' || job.status === 'running';

/** "850 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

/** What a job in progress is doing, as a person reads it: "Waiting to start", "PageRank", … */
export function phaseLabel(job: Pick<Job, 'status' | 'phase' | 'cancelRequested'>): string {
  if (job.cancelRequested && isInProgress(job)) return 'Stopping';
  if (job.status === 'queued') return 'Waiting to start';
  const phase = job.phase?.trim();
  if (!phase) return 'Starting';
  return phase.charAt(0).toUpperCase() + phase.slice(1);
}

/** The whole percent shown beside the bar: never 100 until the job has succeeded. */
export function progressPercent(job: Pick<Job, 'status' | 'progress'>): number {
  if (job.status === 'succeeded') return 100;
  return Math.min(99, Math.max(0, Math.floor(job.progress * 100)));
}

/** One sentence for the live region: what the run does now, or how it ended. */
export function announcement(job: Job): string {
  switch (job.status) {
    case 'queued':
    case 'running':
      return `Atlas run: ${phaseLabel(job)}, ${progressPercent(job)}%`;
    case 'succeeded': {
      const { totals } = summariseAtlasRun(job.result);
      return `Atlas run finished: ${plural(totals.created, 'new recommendation')}, ${totals.refreshed} refreshed, ${totals.superseded} superseded.`;
    }
    case 'failed':
      return `Atlas run failed: ${job.error ?? 'no reason given'}`;
    case 'cancelled':
      return 'Atlas run cancelled.';
  }
}

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? noun : nouns}`;
}

/**
 * A detector as the panel names it: by the action it suggests, as the inbox's cards name it; null is
 * what no detector made (the seed's, older ones).
 */
export function detectorLabel(detector: AtlasDetector | null): string {
  return detector === null ? 'Other' : actionLabel({ suggestedAction: detector, target: null });
}
