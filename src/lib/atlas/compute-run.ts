import type { OrgGraph } from '../repositories/atlas-graph';
import { analyseGraph, type AnalysisTimings } from './analysis';
import { detectAll, type DetectorOptions, type RecommendationCandidate } from './detectors';
import { startHelperThread, type HelperThread } from './exact-layouts';
import { buildOverview, type AtlasOverview } from './overview';
import { uuidsOf } from './uuid-column';

// What an Atlas run computes in its worker thread, from the org's graph to everything the run writes.

/**
 * The org's graph as it crosses to the computing thread: its participants' ids as bytes only. Cloning a
 * million id strings held the job's event loop for ~200 ms at L; the thread makes its own strings from
 * the bytes (decision 068).
 */
export type ThreadGraph = Omit<OrgGraph, 'participantIds'>;

/** What the job sends of the graph it read; it keeps the id strings, which its writes go by. */
export function threadGraph({ participantIds: _kept, ...graph }: OrgGraph): ThreadGraph {
  return graph;
}

export interface AtlasComputeInput {
  graph: ThreadGraph;
  /** The moment the run describes (epoch ms). */
  now: number;
  /** The org's thresholds (and the cap per detector). */
  detectorOptions: Partial<DetectorOptions>;
}

/** The steps of a run's computation, timed one by one. */
export type ComputeTimings = AnalysisTimings & { detectorsMs: number; overviewMs: number };

export interface AtlasComputeOutput {
  timings: ComputeTimings;
  /** The process's peak resident memory (MiB) by the end of each phase: what the run needs at most. */
  peakRssMiB: Partial<Record<keyof ComputeTimings, number>>;
  candidates: RecommendationCandidate[];
  overview: AtlasOverview;
  communityCount: number;
  modularity: number;
  /** Per participant (dense id), for atlas_participant_scores. */
  scores: {
    community: Int32Array;
    pagerank: Float64Array;
    pagerankTop: Float64Array;
    bridging: Float64Array;
  };
}

const PHASES: Record<keyof ComputeTimings, [string, number]> = {
  csrMs: ['building the graph', 0],
  communitiesMs: ['communities', 0.1],
  pagerankMs: ['PageRank', 0.5],
  bridgingMs: ['bridging scores', 0.75],
  activityMs: ['community activity', 0.8],
  detectorsMs: ['detectors', 0.82],
  overviewMs: ['laying out the overview', 0.85],
};

export function computeAtlasRun(
  input: AtlasComputeInput,
  progress: (phase: string, fraction: number) => void,
): AtlasComputeOutput {
  const peakRssMiB: AtlasComputeOutput['peakRssMiB'] = {};
  let previous: keyof ComputeTimings | undefined;
  const startPhase = (step: keyof ComputeTimings | undefined) => {
    if (previous) peakRssMiB[previous] = Math.round(process.resourceUsage().maxRSS / 1024);
    previous = step;
    if (step) progress(...PHASES[step]);
  };
  // Started first, so that it is ready when PageRank is (loading its code takes a moment).
  const helper = startHelperThread();
  try {
    return computeWith(input, helper, startPhase, peakRssMiB);
  } finally {
    helper.close();
  }
}

function computeWith(
  input: AtlasComputeInput,
  helper: HelperThread,
  startPhase: (step: keyof ComputeTimings | undefined) => void,
  peakRssMiB: AtlasComputeOutput['peakRssMiB'],
): AtlasComputeOutput {
  const graph: OrgGraph = { ...input.graph, participantIds: uuidsOf(input.graph.participantIdColumn) };
  const { analysis, timings: analysisTimings } = analyseGraph(graph, input.now, startPhase, helper);
  startPhase('detectorsMs');
  let started = performance.now();
  const candidates = detectAll(analysis, input.detectorOptions);
  const detectorsMs = performance.now() - started;
  startPhase('overviewMs');
  started = performance.now();
  const overview = buildOverview(analysis, {}, helper);
  const timings: ComputeTimings = {
    ...analysisTimings,
    detectorsMs,
    overviewMs: performance.now() - started,
  };
  startPhase(undefined);
  return {
    timings,
    peakRssMiB,
    candidates,
    overview,
    communityCount: analysis.communitySizes.length,
    modularity: analysis.modularity,
    scores: {
      community: analysis.community,
      pagerank: analysis.pagerank,
      pagerankTop: analysis.pagerankTop,
      bridging: analysis.bridging.participation,
    },
  };
}
