import type { AtlasAnalysis } from '../analysis';
import {
  centralityScore,
  CENTRAL_TOP_SHARE,
  figure,
  listWords,
  peopleDegree,
  percent,
  plural,
  roundConfidence,
  TopK,
  topPercent,
} from './common';
import type { DetectorOptions, RecommendationCandidate } from './types';
import { uuidAt } from '../uuid-column';

// verify_relationship — a doubtful relationship touching a central participant: what the graph says
// about the people who matter most should rest on links someone has checked.
//
// Rule: a relationship not already flagged for review, between two eligible participants (no system
// account, neither suppressed), with a confidence below LOW_CONFIDENCE, or machine-derived
// (INFERRED_RELATIONSHIP_SOURCES: email, calendar, inferred) with a confidence below
// INFERRED_BELOW; and at least one end central (top decile by PageRank).
//
// confidence = 0.25 + 0.45 · doubt + 0.2 · centrality + 0.1 · inferred
//   doubt      = 1 − the relationship's confidence
//   centrality = 1 − (the more central end's pagerankTop) / 0.1, clamped to 0..1
//   inferred   = 1 for a machine-derived source, else 0
// A manual link at 0.49 beside the edge of the top decile gets 0.48; an inferred link at 0.1 touching
// the most central participant 0.96.

/** Below this a relationship is doubtful whatever its source. */
export const LOW_CONFIDENCE = 0.5;
/** A machine-derived relationship is worth checking below this. */
export const INFERRED_BELOW = 0.75;

function describe(a: AtlasAnalysis, e: number, score: number): RecommendationCandidate {
  const g = a.graph;
  const ends = [g.csrInput.from[e]!, g.csrInput.to[e]!];
  const tops = ends.map((u) => a.pagerankTop[u]!);
  const central = ends
    .filter((u) => a.pagerankTop[u]! <= CENTRAL_TOP_SHARE)
    .sort((x, y) => a.pagerankTop[x]! - a.pagerankTop[y]!);
  const source = g.sourceNames[g.sourceIndex[e]!]!;
  const inferred = g.inferred[e] === 1;
  const confidence = g.confidence[e]!;
  const link = inferred
    ? `Link confidence ${percent(confidence)}, inferred from ${source} data`
    : `Link confidence ${percent(confidence)} (source: ${source.replace(/_/g, ' ')})`;
  const touches =
    central.length === 2
      ? `it joins two participants in the ${listWords(central.map((u) => topPercent(a.pagerankTop[u]!)))} by PageRank`
      : `it touches a participant in the ${topPercent(a.pagerankTop[central[0]!]!)} by PageRank, related to ${plural(peopleDegree(a, central[0]!), 'participant')}`;
  return {
    detector: 'verify_relationship',
    targetType: 'relationship',
    targetId: uuidAt(g.relationshipIds, e),
    suggestedAction: 'verify_relationship',
    reason: `${link}; ${touches}`,
    confidence: score,
    evidence: {
      participantIds: ends.map((u) => g.participantIds[u]!),
      relationshipIds: [uuidAt(g.relationshipIds, e)],
      figures: {
        confidence: figure(confidence),
        source,
        inferred,
        pagerankTop: tops.map((t) => figure(t, 6)),
        relatedPeople: ends.map((u) => peopleDegree(a, u)),
      },
    },
  };
}

/** The most confident verify_relationship candidates, at most options.maxPerDetector. O(m). */
export function detectVerifyRelationship(
  a: AtlasAnalysis,
  options: DetectorOptions,
): RecommendationCandidate[] {
  // Columns held in locals: this loop runs once per relationship (5M in a large org).
  const { flagged, confidence, inferred, isSystem, suppressed } = a.graph;
  const { from, to } = a.graph.csrInput;
  const top = a.pagerankTop;
  const best = new TopK(options.maxPerDetector);
  for (let e = 0; e < from.length; e++) {
    // The per-relationship columns are read in order; the per-node ones at random (cache misses), so
    // they come last.
    const c = confidence[e]!;
    if (flagged[e] === 1 || !(c < LOW_CONFIDENCE || (inferred[e] === 1 && c < INFERRED_BELOW))) continue;
    const u = from[e]!;
    const v = to[e]!;
    const central = Math.min(top[u]!, top[v]!);
    if (central > CENTRAL_TOP_SHARE) continue;
    if (isSystem[u] || isSystem[v] || suppressed[u] || suppressed[v]) continue;
    const score = 0.25 + 0.45 * (1 - c) + 0.2 * centralityScore(central) + 0.1 * inferred[e]!;
    best.offer(roundConfidence(score), e);
  }
  return best.items().map(({ score, key }) => describe(a, key, score));
}
