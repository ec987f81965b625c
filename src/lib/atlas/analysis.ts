import type { OrgGraph } from '../repositories/atlas-graph';
import { bridgingScores, type BridgingResult } from './bridging';
import { louvainCommunities } from './communities';
import { buildCsr, degrees, type CsrGraph } from './csr';
import type { HelperThread } from './exact-layouts';
import { pagerankScores } from './pagerank';
import { topShares } from './percentile';

// Everything Atlas computes about an org's graph before the detectors and layouts read it: one pure,
// synchronous pass over typed arrays, run in a worker thread (src/lib/jobs/compute-worker-main.ts).

export const DAY_MS = 86_400_000;

/** The window "active recently" means for trends: activity in the last 30 days. */
export const ACTIVITY_WINDOW_DAYS = 30;

/** Weeks of the per-community activity histogram (most recent last). */
export const ACTIVITY_WEEKS = 12;

/**
 * Activity of a group of participants (a community, a participant's neighbours). Only the latest
 * activity time of each participant is stored, so a window counts the members whose latest activity
 * falls in it: `quietSince` members were active in the 30 days before the last 30 and have not been
 * since — a fall that certainly happened, never an estimate (see `fallShare`).
 */
export interface GroupActivity {
  /** Members considered (system accounts left out). */
  members: number;
  /** Active in the last 30 days. */
  activeRecently: number;
  /** Last active 30–60 days ago: active in the previous window, silent in this one. */
  quietSince: number;
}

export interface CommunityActivity extends GroupActivity {
  /** Members whose latest activity fell in each of the last ACTIVITY_WEEKS weeks, oldest first. */
  weekly: number[];
}

/**
 * Of the members seen in the last 60 days, the share not seen in the last 30: 0 when everyone active
 * before is still active, 1 when all of them went quiet. 0 for a group with nobody seen in 60 days.
 */
export function fallShare(a: GroupActivity): number {
  const seen = a.activeRecently + a.quietSince;
  return seen === 0 ? 0 : a.quietSince / seen;
}

export interface AtlasAnalysis {
  /** The moment the analysis describes (epoch ms); every "days ago" is counted from it. */
  now: number;
  graph: OrgGraph;
  csr: CsrGraph;
  /** Distinct neighbours in either direction. */
  degree: Int32Array;
  /** PageRank over the directed, confidence-weighted graph; sums to 1. */
  pagerank: Float64Array;
  /** Share of participants with a PageRank at least as high (0.03: top 3%). */
  pagerankTop: Float64Array;
  /** Community of each participant, numbered by size (0 the largest). */
  community: Int32Array;
  communitySizes: Int32Array;
  modularity: number;
  bridging: BridgingResult;
  communityActivity: CommunityActivity[];
}

export interface AnalysisTimings {
  csrMs: number;
  /** With a helper thread, PageRank runs beside the communities: the time spent waiting for it after. */
  pagerankMs: number;
  communitiesMs: number;
  bridgingMs: number;
  activityMs: number;
}

/** Where a latest-activity time falls: 0 last 30 days, 1 the 30 before, 2 earlier or never. */
function activityWindow(lastActivityAt: number, now: number): 0 | 1 | 2 {
  if (Number.isNaN(lastActivityAt)) return 2;
  const days = (now - lastActivityAt) / DAY_MS;
  if (days < ACTIVITY_WINDOW_DAYS) return 0;
  if (days < 2 * ACTIVITY_WINDOW_DAYS) return 1;
  return 2;
}

/** The activity of `members` (dense ids), system accounts left out. */
export function groupActivity(graph: OrgGraph, members: ArrayLike<number>, now: number): GroupActivity {
  const result: GroupActivity = { members: 0, activeRecently: 0, quietSince: 0 };
  for (let i = 0; i < members.length; i++) {
    const u = members[i]!;
    if (graph.isSystem[u]) continue;
    result.members++;
    const w = activityWindow(graph.lastActivityAt[u]!, now);
    if (w === 0) result.activeRecently++;
    else if (w === 1) result.quietSince++;
  }
  return result;
}

function communityActivities(graph: OrgGraph, community: Int32Array, count: number, now: number) {
  const activity: CommunityActivity[] = Array.from({ length: count }, () => ({
    members: 0,
    activeRecently: 0,
    quietSince: 0,
    weekly: new Array<number>(ACTIVITY_WEEKS).fill(0),
  }));
  for (let u = 0; u < community.length; u++) {
    if (graph.isSystem[u]) continue;
    const a = activity[community[u]!]!;
    a.members++;
    const last = graph.lastActivityAt[u]!;
    const w = activityWindow(last, now);
    if (w === 0) a.activeRecently++;
    else if (w === 1) a.quietSince++;
    if (!Number.isNaN(last)) {
      const weeksAgo = Math.floor((now - last) / (7 * DAY_MS));
      if (weeksAgo >= 0 && weeksAgo < ACTIVITY_WEEKS) a.weekly[ACTIVITY_WEEKS - 1 - weeksAgo]!++;
    }
  }
  return activity;
}

/**
 * Degree, PageRank and where it stands, Louvain communities, bridging scores and per-community
 * activity, for the whole graph. `onPhase` is called before each step (progress reporting). With a
 * `helper` thread, PageRank is worked out there while this thread finds the communities (decision
 * 059): the same scores, in about the time of the longer of the two.
 */
export function analyseGraph(
  graph: OrgGraph,
  now: number,
  onPhase: (phase: keyof AnalysisTimings) => void = () => undefined,
  helper?: Pick<HelperThread, 'pagerankBeside'>,
): { analysis: AtlasAnalysis; timings: AnalysisTimings } {
  const timings: AnalysisTimings = {
    csrMs: 0,
    pagerankMs: 0,
    communitiesMs: 0,
    bridgingMs: 0,
    activityMs: 0,
  };
  const timed = <T>(phase: keyof AnalysisTimings, run: () => T): T => {
    onPhase(phase);
    const started = performance.now();
    const value = run();
    timings[phase] = performance.now() - started;
    return value;
  };
  const csr = timed('csrMs', () => buildCsr(graph.csrInput));
  const pagerankOf = helper ? helper.pagerankBeside(csr) : () => pagerankScores(csr);
  const communities = timed('communitiesMs', () => louvainCommunities(csr));
  const { pagerank, pagerankTop } = timed('pagerankMs', () => {
    const scores = pagerankOf().scores;
    return { pagerank: scores, pagerankTop: topShares(scores, { quantum: 1e-12 }) };
  });
  const bridging = timed('bridgingMs', () => bridgingScores(csr, communities.community, communities.count));
  const communityActivity = timed('activityMs', () =>
    communityActivities(graph, communities.community, communities.count, now),
  );
  return {
    analysis: {
      now,
      graph,
      csr,
      degree: degrees(csr),
      pagerank,
      pagerankTop,
      community: communities.community,
      communitySizes: communities.sizes,
      modularity: communities.modularity,
      bridging,
      communityActivity,
    },
    timings,
  };
}

/**
 * The `k` most central members of each community (highest PageRank first, ties by dense id), system
 * accounts left out. Element 0 is the community's anchor: it names the community in labels and is the
 * target id of recommendations about the community, so both stay stable while its centre does.
 */
export function centralMembers(
  a: Pick<AtlasAnalysis, 'community' | 'communitySizes' | 'pagerank' | 'graph'>,
  k: number,
): number[][] {
  const best: number[][] = Array.from({ length: a.communitySizes.length }, () => []);
  const better = (u: number, v: number) =>
    a.pagerank[u]! > a.pagerank[v]! || (a.pagerank[u] === a.pagerank[v] && u < v);
  for (let u = 0; u < a.community.length; u++) {
    if (a.graph.isSystem[u]) continue;
    const list = best[a.community[u]!]!;
    if (list.length === k && !better(u, list[k - 1]!)) continue;
    let i = Math.min(list.length, k - 1);
    if (list.length < k) list.push(u);
    while (i > 0 && better(u, list[i - 1]!)) {
      list[i] = list[i - 1]!;
      i--;
    }
    list[i] = u;
  }
  return best;
}
