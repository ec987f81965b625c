import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg } from '../../database/with-org';
import type { AtlasDetector } from '../../domain';
import {
  countDecisionsByDetectorAndWeek,
  type DetectorWeekDecisions,
} from '../../repositories/recommendation-stats';
import type { OrgScope, RequestScope } from '../../scope';

export const ACCEPTANCE_WEEKS = 12;

export interface Acceptance {
  accepted: number;
  dismissed: number;
  /** accepted / (accepted + dismissed); null when nothing was decided. */
  acceptanceRate: number | null;
}

export interface DetectorAcceptance extends Acceptance {
  /** null: recommendations no Atlas detector made ("Other"). */
  detector: AtlasDetector | null;
  /** One per week, oldest first; the totals above are their sums. */
  weeks: (Acceptance & { weekStart: string })[];
}

export interface RecommendationStats {
  /** The zone whose Mondays start the weeks. */
  timezone: string;
  /** Every known detector, in order, decided or not; then "Other" when it has decisions. */
  detectors: DetectorAcceptance[];
}

const rate = (accepted: number, dismissed: number) =>
  accepted + dismissed === 0 ? null : accepted / (accepted + dismissed);

/** The dense grid of the repository as one series per detector, with its totals over the window. */
export function toRecommendationStats(scope: OrgScope, rows: DetectorWeekDecisions[]): RecommendationStats {
  const byDetector = new Map<AtlasDetector | null, DetectorWeekDecisions[]>();
  for (const row of rows) byDetector.set(row.detector, [...(byDetector.get(row.detector) ?? []), row]);
  const detectors = [...byDetector].map(([detector, weeks]): DetectorAcceptance => {
    const accepted = weeks.reduce((sum, w) => sum + w.accepted, 0);
    const dismissed = weeks.reduce((sum, w) => sum + w.dismissed, 0);
    return {
      detector,
      accepted,
      dismissed,
      acceptanceRate: rate(accepted, dismissed),
      weeks: weeks.map((w) => ({
        weekStart: w.weekStart,
        accepted: w.accepted,
        dismissed: w.dismissed,
        acceptanceRate: rate(w.accepted, w.dismissed),
      })),
    };
  });
  return {
    timezone: scope.timezone,
    detectors: detectors.filter((d) => d.detector !== null || d.accepted + d.dismissed > 0),
  };
}

/**
 * Per detector, how many of its recommendations operators accepted and dismissed in each of the last
 * ACCEPTANCE_WEEKS weeks. Writes no audit event: these are counts of decisions that are each an event
 * already (`recommendation.accepted` / `.dismissed`), naming no participant — like the overview's
 * series (docs/decisions/013-view-services.md).
 */
export async function viewRecommendationStats(
  db: Database,
  scope: RequestScope,
): Promise<RecommendationStats> {
  requirePermission(scope, 'recommendations.read');
  const rows = await withOrg(db, scope, (tx) => countDecisionsByDetectorAndWeek(tx, scope, ACCEPTANCE_WEEKS));
  return toRecommendationStats(scope, rows);
}
