import type { AtlasAnalysis } from '../analysis';
import {
  centralityScore,
  clamp01,
  communitiesPhrase,
  daysSinceActivity,
  daysSinceJoined,
  figure,
  isBridge,
  isCentral,
  isEligible,
  neighbourCommunities,
  peopleDegree,
  plural,
  roundConfidence,
  TopK,
  topPercent,
} from './common';
import type { DetectorOptions, RecommendationCandidate } from './types';

// reengage — a participant falling at risk or dormant who matters to the network: central (top decile
// by PageRank) or a bridge between communities. Someone whose absence costs more than their own.
//
// Rule: eligible (no system account, no suppression); joined at least newDays ago (newcomers are
// introduce's); related to at least one person; last active activeDays or more ago (by activity, not
// the stored stage, which may lag it; someone never active has not fallen, and is left out); and
// central or a bridge (common.ts).
//
// confidence = 0.4 + 0.3 · lapse + 0.3 · importance
//   lapse      = (days quiet − activeDays) / (dormantDays − activeDays) up to dormantDays, then easing
//                back linearly to 0.5 at 3 × dormantDays and staying there
//   importance = max(centrality, bridging), centrality = 1 − pagerankTop / 0.1 (clamped: 1 at the very
//                top, 0 at the edge of the top decile), bridging = min(1, 2 · participation) for a bridge
// So a participant just past activeDays at the edge of the decile gets 0.4, one just dormant at the
// very top or bridging two communities evenly 1, and the same a year later 0.85.

/**
 * How pressing the silence is, 0..1: rising from activeDays to dormantDays, then easing back to 0.5 by
 * three times dormantDays — a fall just past dormant matters most; one long past is less likely to turn.
 */
function lapse(days: number, options: DetectorOptions): number {
  const { activeDays, dormantDays } = options;
  if (days <= dormantDays) return clamp01((days - activeDays) / (dormantDays - activeDays));
  return 1 - 0.5 * clamp01((days - dormantDays) / (2 * dormantDays));
}

function importance(a: AtlasAnalysis, u: number): number {
  const bridging = isBridge(a, u) ? clamp01(2 * a.bridging.participation[u]!) : 0;
  return Math.max(centralityScore(a.pagerankTop[u]!), bridging);
}

function qualifies(a: AtlasAnalysis, u: number, options: DetectorOptions): boolean {
  // Cheapest tests first: most participants are active, and most are not central.
  if (!isEligible(a, u) || a.degree[u] === 0) return false;
  const days = daysSinceActivity(a, u);
  if (days === null || days < options.activeDays) return false;
  if (!isCentral(a, u) && !isBridge(a, u)) return false;
  return daysSinceJoined(a, u) >= options.newDays && peopleDegree(a, u) > 0;
}

function candidate(a: AtlasAnalysis, u: number, confidence: number, options: DetectorOptions) {
  const days = daysSinceActivity(a, u)!;
  const top = a.pagerankTop[u]!;
  const central = isCentral(a, u);
  const bridge = isBridge(a, u);
  const communities = bridge ? neighbourCommunities(a, u) : [];
  const cited = communities.slice(0, 3);
  const parts = [`No activity for ${plural(days, 'day')}`];
  if (central) parts.push(`${topPercent(top)} by PageRank`);
  if (bridge) {
    parts.push(`links ${communitiesPhrase(communities)}`);
  } else {
    parts.push(`related to ${plural(peopleDegree(a, u), 'participant')}`);
  }
  return {
    detector: 'reengage',
    targetType: 'participant',
    targetId: a.graph.participantIds[u]!,
    suggestedAction: 'reengage',
    reason: parts.join('; '),
    confidence,
    evidence: {
      participantIds: [a.graph.participantIds[u]!],
      relationshipIds: [],
      figures: {
        daysSinceActivity: days,
        activeDays: options.activeDays,
        dormantDays: options.dormantDays,
        pagerankTop: figure(top, 6),
        central,
        bridge,
        participation: figure(a.bridging.participation[u]!),
        relatedPeople: peopleDegree(a, u),
        communities: cited.map((c) => ({ size: c.size, neighbours: c.neighbours })),
        neighbourCommunities: communities.length,
        lapse: figure(lapse(days, options)),
        importance: figure(importance(a, u)),
      },
    },
  } satisfies RecommendationCandidate;
}

/** The most confident reengage candidates, at most options.maxPerDetector, best first. O(n + m). */
export function detectReengage(a: AtlasAnalysis, options: DetectorOptions): RecommendationCandidate[] {
  const best = new TopK(options.maxPerDetector);
  for (let u = 0; u < a.graph.participantIds.length; u++) {
    if (!qualifies(a, u, options)) continue;
    const score = 0.4 + 0.3 * lapse(daysSinceActivity(a, u)!, options) + 0.3 * importance(a, u);
    best.offer(roundConfidence(score), u);
  }
  return best.items().map(({ score, key }) => candidate(a, key, score, options));
}
