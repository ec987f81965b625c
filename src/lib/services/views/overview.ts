import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { inOrg, withOrg } from '../../database/with-org';
import {
  countAuditedParticipantsPerDay,
  countInterventionsPerWeek,
  countLastActivityPerDay,
  countOpenRecommendationsByAction,
  countOrgOverview,
  listRecentInterventions,
  type ActionCount,
  type InterventionSummary,
  type OrgOverview,
  type WeekCount,
} from '../../repositories/org-overview';
import { countSegments, type SegmentCount } from '../../repositories/segments';
import {
  findLastStageCountDay,
  listStageDailyCounts,
  listStageTransitions,
  type StageDayCount,
  type StageFlowRow,
} from '../../repositories/stage-history';
import { formatOrgDay, orgDayOf } from '../../org-calendar';
import type { RequestScope } from '../../scope';

export const ACTIVITY_DAYS = 90;
export const INTERVENTION_WEEKS = 13;
export const RECENT_INTERVENTIONS = 8;
/** Enough days for the stage flows' weekly view: 13 weeks back from this week's Monday. */
export const STAGE_FLOW_DAYS = 91;
export const STAGE_COUNT_DAYS = 90;

export interface OverviewDashboard {
  /** When it was loaded: what "2 hours ago" counts from. */
  generatedAt: string;
  totals: OrgOverview;
  segments: SegmentCount[];
  /** One row per local day, oldest first, ACTIVITY_DAYS rows. */
  activity: { day: string; lastActive: number; audited: number }[];
  openRecommendations: ActionCount[];
  interventionsPerWeek: WeekCount[];
  recentInterventions: InterventionSummary[];
  stageFlows: {
    /** The org's calendar day today, YYYY-MM-DD: where the flow periods end. */
    today: string;
    /** Moves between stages per local day and cause, over STAGE_FLOW_DAYS days. */
    moves: StageFlowRow[];
    /** Participants per stage on each day a stage update ran, over STAGE_COUNT_DAYS days. */
    counts: StageDayCount[];
    /** The last day a stage update ran, ever; null when none has. */
    lastUpdateDay: string | null;
  };
}

/**
 * Everything the overview shows; writes `overview.viewed` with the headline numbers and the segment
 * counts the viewer saw (the series are derived from data each has its own view for).
 */
export async function viewOverview(db: Database, scope: RequestScope): Promise<OverviewDashboard> {
  requirePermission(scope, 'org.read');
  // Each read in a scoped transaction of its own, so that they run side by side on several
  // connections, as they did before transactions were scoped (one transaction would queue them).
  const read = inOrg(db, scope);
  const [
    totals,
    segments,
    lastActive,
    audited,
    openRecommendations,
    interventionsPerWeek,
    recent,
    moves,
    stageCounts,
    lastUpdateDay,
  ] = await Promise.all([
    read((tx) => countOrgOverview(tx, scope)),
    read((tx) => countSegments(tx, scope)),
    read((tx) => countLastActivityPerDay(tx, scope, ACTIVITY_DAYS)),
    read((tx) => countAuditedParticipantsPerDay(tx, scope, ACTIVITY_DAYS)),
    read((tx) => countOpenRecommendationsByAction(tx, scope)),
    read((tx) => countInterventionsPerWeek(tx, scope, INTERVENTION_WEEKS)),
    read((tx) => listRecentInterventions(tx, scope, RECENT_INTERVENTIONS)),
    read((tx) => listStageTransitions(tx, scope, STAGE_FLOW_DAYS)),
    read((tx) => listStageDailyCounts(tx, scope, STAGE_COUNT_DAYS)),
    read((tx) => findLastStageCountDay(tx, scope)),
  ]);
  await withOrg(db, scope, (tx) =>
    writeAuditEvent(tx, scope, {
      type: 'overview.viewed',
      targetType: 'org',
      targetId: scope.orgId,
      metadata: { ...totals, segments: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
    }),
  );
  // Joined by day, not by position: the two statements may straddle a local midnight.
  const auditedByDay = new Map(audited.map((row) => [row.day, row.count]));
  return {
    generatedAt: new Date().toISOString(),
    totals,
    segments,
    activity: lastActive.map((row) => ({
      day: row.day,
      lastActive: row.count,
      audited: auditedByDay.get(row.day) ?? 0,
    })),
    openRecommendations,
    interventionsPerWeek,
    recentInterventions: recent,
    stageFlows: {
      today: formatOrgDay(orgDayOf(new Date(), scope.timezone)),
      moves,
      counts: stageCounts,
      lastUpdateDay,
    },
  };
}
