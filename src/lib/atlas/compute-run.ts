import type { OrgGraph } from '../repositories/atlas-graph';
import { analyseGraph, type AnalysisTimings } from './analysis';

// What an Atlas run computes in its worker thread, from the org's graph to everything the run writes.

export interface AtlasComputeInput {
  graph: OrgGraph;
  /** The moment the run describes (epoch ms). */
  now: number;
}

export interface AtlasComputeOutput {
  timings: AnalysisTimings;
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

const ANALYSIS_PHASES: Record<keyof AnalysisTimings, [string, number]> = {
  csrMs: ['building the graph', 0],
  pagerankMs: ['PageRank', 0.1],
  communitiesMs: ['communities', 0.35],
  bridgingMs: ['bridging scores', 0.75],
  activityMs: ['community activity', 0.8],
};

export function computeAtlasRun(
  input: AtlasComputeInput,
  progress: (phase: string, fraction: number) => void,
): AtlasComputeOutput {
  const { analysis, timings } = analyseGraph(input.graph, input.now, (step) => {
    const [phase, fraction] = ANALYSIS_PHASES[step];
    progress(phase, fraction);
  });
  return {
    timings,
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
