import { ATLAS_DETECTORS, type AtlasDetector } from '../../domain';
import type { AtlasAnalysis } from '../analysis';
import { detectCheckIn } from './check-in';
import { DEFAULT_DETECTOR_OPTIONS } from './common';
import { detectIntroduce } from './introduce';
import { detectReengage } from './reengage';
import { detectReviewSegment } from './review-segment';
import type { DetectorOptions, RecommendationCandidate } from './types';
import { detectVerifyRelationship } from './verify-relationship';

export type { DetectorOptions, RecommendationCandidate, RecommendationEvidence } from './types';
export { DEFAULT_DETECTOR_OPTIONS } from './common';

// The detectors, each a pure function of the analysis (decision 020). Each returns at most
// maxPerDetector candidates, the most confident first: an org of a million participants may qualify
// tens of thousands, and operators act on the top of the list, not on all of it.

export const DETECTORS: Record<
  AtlasDetector,
  (a: AtlasAnalysis, o: DetectorOptions) => RecommendationCandidate[]
> = {
  reengage: detectReengage,
  introduce: detectIntroduce,
  verify_relationship: detectVerifyRelationship,
  check_in: detectCheckIn,
  review_segment: detectReviewSegment,
};

function validated(options: Partial<DetectorOptions>): DetectorOptions {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
  for (const key of ['newDays', 'activeDays', 'dormantDays'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1)
      throw new RangeError(`${key} must be a whole number of days ≥ 1`);
  }
  if (o.dormantDays <= o.activeDays) throw new RangeError('dormantDays must be above activeDays');
  if (!Number.isInteger(o.maxPerDetector) || o.maxPerDetector < 0)
    throw new RangeError('maxPerDetector must be a non-negative whole number');
  return o;
}

/**
 * Every detector's candidates over one analysis, detector by detector (in ATLAS_DETECTORS order),
 * each the most confident first with ties by position in the graph: the same analysis always gives the
 * same list. O(n + m) in all (introduce's second-hop reads are bounded per candidate).
 */
export function detectAll(
  analysis: AtlasAnalysis,
  options: Partial<DetectorOptions> = {},
): RecommendationCandidate[] {
  const o = validated(options);
  return ATLAS_DETECTORS.flatMap((detector) => DETECTORS[detector](analysis, o));
}
