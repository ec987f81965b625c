import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
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
import type { MemberScope } from '../../scope';

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
export async function viewOverview(db: Database, scope: MemberScope): Promise<OverviewDashboard> {
  requirePermission(scope, 'org.read');
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
    countOrgOverview(db, scope),
    countSegments(db, scope),
    countLastActivityPerDay(db, scope, ACTIVITY_DAYS),
    countAuditedParticipantsPerDay(db, scope, ACTIVITY_DAYS),
    countOpenRecommendationsByAction(db, scope),
    countInterventionsPerWeek(db, scope, INTERVENTION_WEEKS),
    listRecentInterventions(db, scope, RECENT_INTERVENTIONS),
    listStageTransitions(db, scope, STAGE_FLOW_DAYS),
    listStageDailyCounts(db, scope, STAGE_COUNT_DAYS),
    findLastStageCountDay(db, scope),
  ]);
  await writeAuditEvent(db, scope, {
    type: 'overview.viewed',
    targetType: 'org',
    targetId: scope.orgId,
    metadata: { ...totals, segments: Object.fromEntries(segments.map((s) => [s.key, s.count])) },
  });
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
