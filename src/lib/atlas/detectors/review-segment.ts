import { centralMembers, fallShare, type AtlasAnalysis, type GroupActivity } from '../analysis';
import { clamp01, figure, num, percent, plural, roundConfidence, TopK } from './common';
import type { DetectorOptions, RecommendationCandidate } from './types';

// review_segment — a community whose activity fell: of its members seen in the last 60 days, more than
// REVIEW_FALL_SHARE have not been seen in the last 30. Something happened to the group as a whole.
//
// Rule: at least REVIEW_MIN_MEMBERS members (system accounts apart) and REVIEW_MIN_SEEN of them seen in
// the last 60 days, and a fall share (analysis.ts fallShare) above REVIEW_FALL_SHARE. The target is the
// community, named by its anchor (its most central member, centralMembers(…)[c][0]); a suppression on
// the anchor does not hold the community back, as the recommendation is about the group.
//
// confidence = 0.3 + 0.5 · fall + 0.2 · evidence
//   fall     = the community's fall share, 0..1
//   evidence = min(1, members seen in the last 60 days / 50): a fall among 50 people says more than
//              among 5
// The weakest qualifying case (just over half of 5 gone quiet) gets 0.57; a community of which 50 or
// more were seen and all went quiet, 1. The reason sets the org-wide fall share beside it, so an
// operator sees whether the group stands out.

export const REVIEW_FALL_SHARE = 0.5;
export const REVIEW_MIN_MEMBERS = 5;
export const REVIEW_MIN_SEEN = 5;
/** Central members cited in the evidence. */
const CITED_CENTRAL = 5;

const seenOf = (g: GroupActivity) => g.activeRecently + g.quietSince;

/** The whole org's activity (system accounts apart), summed over the communities. */
function orgActivity(a: AtlasAnalysis): GroupActivity {
  const total: GroupActivity = { members: 0, activeRecently: 0, quietSince: 0 };
  for (const c of a.communityActivity) {
    total.members += c.members;
    total.activeRecently += c.activeRecently;
    total.quietSince += c.quietSince;
  }
  return total;
}

/** The most confident review_segment candidates, at most options.maxPerDetector. O(n · 5). */
export function detectReviewSegment(a: AtlasAnalysis, options: DetectorOptions): RecommendationCandidate[] {
  const best = new TopK(options.maxPerDetector);
  a.communityActivity.forEach((activity, c) => {
    const fall = fallShare(activity);
    if (activity.members < REVIEW_MIN_MEMBERS || seenOf(activity) < REVIEW_MIN_SEEN) return;
    if (fall <= REVIEW_FALL_SHARE) return;
    const score = 0.3 + 0.5 * fall + 0.2 * clamp01(seenOf(activity) / 50);
    best.offer(roundConfidence(score), c);
  });
  const kept = best.items();
  if (kept.length === 0) return [];
  const central = centralMembers(a, CITED_CENTRAL);
  const orgFall = fallShare(orgActivity(a));
  return kept.flatMap(({ score, key: c }) => {
    const members = central[c]!;
    if (members.length === 0) return [];
    const activity = a.communityActivity[c]!;
    const fall = fallShare(activity);
    const ids = members.map((u) => a.graph.participantIds[u]!);
    const candidate: RecommendationCandidate = {
      detector: 'review_segment',
      targetType: 'community',
      targetId: ids[0]!,
      suggestedAction: 'review_segment',
      reason:
        `A community of ${plural(a.communitySizes[c]!, 'participant')}: of the ${num(seenOf(activity))} members ` +
        `active in the last 60 days, ${num(activity.quietSince)} have not been active in the last 30 ` +
        `(${percent(fall)}; org-wide ${percent(orgFall)}); ${num(activity.activeRecently)} active in the last 30 days`,
      confidence: score,
      evidence: {
        participantIds: ids,
        relationshipIds: [],
        figures: {
          size: a.communitySizes[c]!,
          members: activity.members,
          activeRecently: activity.activeRecently,
          quietSince: activity.quietSince,
          fallShare: figure(fall),
          orgFallShare: figure(orgFall),
          weekly: activity.weekly,
        },
      },
    };
    return [candidate];
  });
}
