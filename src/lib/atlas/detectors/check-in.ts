import { ACTIVITY_WINDOW_DAYS, DAY_MS, fallShare, groupActivity, type AtlasAnalysis } from '../analysis';
import { neighbours } from '../csr';
import {
  clamp01,
  communitiesPhrase,
  figure,
  isActive,
  isBridge,
  isEligible,
  neighbourCommunities,
  num,
  percent,
  plural,
  roundConfidence,
  TopK,
} from './common';
import type { DetectorOptions, RecommendationCandidate } from './types';

// check_in — an active bridge whose surroundings are going quiet: the person who still links two
// groups is the one to ask what changed, before the link is all that is left.
//
// Rule: eligible (no system account, no suppression); a bridge (common.ts); active within activeDays
// (a quiet bridge is reengage's); and among the people they are related to, of those seen in the last
// 60 days at least CHECK_IN_MIN_SEEN, at least CHECK_IN_MIN_QUIET went quiet 30 days ago, a fall share
// (analysis.ts fallShare) of at least CHECK_IN_FALL_SHARE.
//
// confidence = 0.3 + 0.5 · fall + 0.2 · bridging
//   fall     = the neighbours' fall share, 0..1
//   bridging = min(1, 2 · participation) (an even split over two communities is 1)
// The weakest qualifying case (a 30% fall, participation 0.3) gets 0.57; all gone quiet around an even
// bridge, 1.

export const CHECK_IN_FALL_SHARE = 0.3;
export const CHECK_IN_MIN_SEEN = 3;
export const CHECK_IN_MIN_QUIET = 2;
/** Quiet neighbours cited in the evidence at most. */
const CITED_QUIET = 20;

function quietNeighbours(a: AtlasAnalysis, u: number): string[] {
  const quiet: string[] = [];
  for (const v of neighbours(a.csr, u)) {
    if (a.graph.isSystem[v]) continue;
    const days = (a.now - a.graph.lastActivityAt[v]!) / DAY_MS;
    if (days >= ACTIVITY_WINDOW_DAYS && days < 2 * ACTIVITY_WINDOW_DAYS)
      quiet.push(a.graph.participantIds[v]!);
    if (quiet.length === CITED_QUIET) break;
  }
  return quiet;
}

function describe(a: AtlasAnalysis, u: number, score: number): RecommendationCandidate {
  const around = groupActivity(a.graph, neighbours(a.csr, u), a.now);
  const fall = fallShare(around);
  const communities = neighbourCommunities(a, u);
  const cited = communities.slice(0, 3);
  const seen = around.activeRecently + around.quietSince;
  const id = a.graph.participantIds[u]!;
  return {
    detector: 'check_in',
    targetType: 'participant',
    targetId: id,
    suggestedAction: 'check_in',
    reason:
      `Links ${communitiesPhrase(communities)}; of the ${plural(seen, 'person', 'people')} ` +
      `they are related to who were active in the last 60 days, ${num(around.quietSince)} have not been ` +
      `active in the last 30 (${percent(fall)})`,
    confidence: score,
    evidence: {
      participantIds: [id, ...quietNeighbours(a, u)],
      relationshipIds: [],
      figures: {
        neighbours: around.members,
        activeRecently: around.activeRecently,
        quietSince: around.quietSince,
        fallShare: figure(fall),
        participation: figure(a.bridging.participation[u]!),
        communities: cited.map((c) => ({ size: c.size, neighbours: c.neighbours })),
        neighbourCommunities: communities.length,
      },
    },
  };
}

/** The most confident check_in candidates, at most options.maxPerDetector. O(n + m). */
export function detectCheckIn(a: AtlasAnalysis, options: DetectorOptions): RecommendationCandidate[] {
  const best = new TopK(options.maxPerDetector);
  for (let u = 0; u < a.graph.participantIds.length; u++) {
    if (!isEligible(a, u) || !isBridge(a, u) || !isActive(a, u, options)) continue;
    const around = groupActivity(a.graph, neighbours(a.csr, u), a.now);
    const fall = fallShare(around);
    const seen = around.activeRecently + around.quietSince;
    if (seen < CHECK_IN_MIN_SEEN || around.quietSince < CHECK_IN_MIN_QUIET || fall < CHECK_IN_FALL_SHARE) {
      continue;
    }
    const score = 0.3 + 0.5 * fall + 0.2 * clamp01(2 * a.bridging.participation[u]!);
    best.offer(roundConfidence(score), u);
  }
  return best.items().map(({ score, key }) => describe(a, key, score));
}
