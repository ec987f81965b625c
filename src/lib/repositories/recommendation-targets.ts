import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import {
  describeSegment,
  type LifecycleStage,
  type RecommendationTargetType,
  SEGMENT_KEYS,
  type SegmentKey,
  SYSTEM_PARTICIPANT_ROLE,
} from '../domain';
import type { OrgScope } from '../scope';
import type { RecommendationRow } from './recommendations';
import { getSegmentSettings, segmentCondition } from './segments';

// Target summaries: what a card shows about the participant, relationship, segment or community a
// recommendation is about, and the current figures its reason cites. One query for a whole page of cards.

export interface ParticipantSummary {
  id: string;
  displayName: string;
  role: string;
  lifecycleStage: LifecycleStage;
  lastActivityAt: string | null;
  degree: number;
}

export type RecommendationTarget =
  | {
      type: 'participant';
      participant: ParticipantSummary & {
        /** The stage the participant's activity points to now (the org's segment thresholds). */
        activityStage: LifecycleStage;
        createdAt: string;
        flaggedForReview: boolean;
        outreachPaused: boolean;
        recommendationsSuppressed: boolean;
        /** Distinct people (not system accounts) it is related to, either direction, by lifecycle stage. */
        neighbours: Record<LifecycleStage, number>;
      };
    }
  | {
      type: 'relationship';
      relationship: {
        id: string;
        type: string;
        source: string;
        confidence: number;
        createdAt: string;
        flaggedForReview: boolean;
        from: ParticipantSummary;
        to: ParticipantSummary;
      };
    }
  | { type: 'segment'; segment: { key: SegmentKey; label: string; description: string; count: number } }
  | { type: 'community'; community: CommunitySummary };

/** A community as the org's latest succeeded Atlas run stored it, named by its anchor participant. */
export interface CommunitySummary {
  anchorId: string;
  label: string;
  size: number;
  stageCounts: Record<LifecycleStage, number>;
  activity: Record<string, unknown>;
  /** The run the figures come from. */
  jobId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A participants row (aliased `alias`) as the JSON of a ParticipantSummary. */
const summaryJson = (alias: string) => {
  const a = sql.raw(alias);
  return sql`jsonb_build_object('id', ${a}.id, 'displayName', ${a}.display_name, 'role', ${a}.role,
    'lifecycleStage', ${a}.lifecycle_stage, 'lastActivityAt', ${a}.last_activity_at,
    'degree', ${a}.out_degree + ${a}.in_degree)`;
};

/**
 * The current summary of each target of `recs`, keyed `type:id`; a target that no longer exists (or an
 * id that cannot name one) has no entry. All targets of a page in one UNION ALL query, whatever mix of
 * participants, relationships, segments and communities it holds (plus the org's segment thresholds).
 */
export async function findRecommendationTargets(
  db: OrgDb,
  scope: OrgScope,
  recs: Pick<RecommendationRow, 'targetType' | 'targetId'>[],
): Promise<Map<string, RecommendationTarget>> {
  const idsOf = (type: RecommendationTargetType) => [
    ...new Set(recs.filter((r) => r.targetType === type).map((r) => r.targetId)),
  ];
  const participantIds = idsOf('participant').filter((id) => UUID.test(id));
  const relationshipIds = idsOf('relationship').filter((id) => UUID.test(id));
  const segmentKeys = idsOf('segment').filter((k): k is SegmentKey =>
    (SEGMENT_KEYS as readonly string[]).includes(k),
  );
  const anchorIds = idsOf('community').filter((id) => UUID.test(id));
  const found = new Map<string, RecommendationTarget>();
  if (participantIds.length + relationshipIds.length + segmentKeys.length + anchorIds.length === 0) {
    return found;
  }

  const settings = await getSegmentSettings(db, scope);
  const branches: SQL[] = [];
  if (participantIds.length > 0) {
    // segmentCondition is written against the participants row aliased `p`.
    const stage = sql`CASE WHEN ${segmentCondition('new', scope, settings)} THEN 'new'
      WHEN ${segmentCondition('active', scope, settings)} THEN 'active'
      WHEN ${segmentCondition('at_risk', scope, settings)} THEN 'at_risk' ELSE 'dormant' END`;
    branches.push(sql`
      SELECT 'participant' AS target_type, p.id::text AS target_id,
        ${summaryJson('p')} || jsonb_build_object(
          'activityStage', ${stage}, 'createdAt', p.created_at,
          'flaggedForReview', coalesce(c.flagged_for_review, false),
          'outreachPaused', coalesce(c.outreach_paused, false),
          'recommendationsSuppressed', coalesce(c.recommendations_suppressed, false),
          'neighbours', (
            SELECT jsonb_build_object(
              'new', count(*) FILTER (WHERE n.lifecycle_stage = 'new'),
              'active', count(*) FILTER (WHERE n.lifecycle_stage = 'active'),
              'at_risk', count(*) FILTER (WHERE n.lifecycle_stage = 'at_risk'),
              'dormant', count(*) FILTER (WHERE n.lifecycle_stage = 'dormant'))
            FROM participants n
            WHERE n.org_id = p.org_id AND n.role <> ${SYSTEM_PARTICIPANT_ROLE} AND n.id IN (
              SELECT r.to_participant_id FROM relationships r WHERE r.org_id = p.org_id AND r.from_participant_id = p.id
              UNION
              SELECT r.from_participant_id FROM relationships r WHERE r.org_id = p.org_id AND r.to_participant_id = p.id))
        ) AS summary
      FROM participants p
      LEFT JOIN participant_controls c ON c.org_id = p.org_id AND c.participant_id = p.id
      WHERE p.org_id = ${scope.orgId} AND p.id = ANY(${sql.param(participantIds)}::uuid[])`);
  }
  if (relationshipIds.length > 0) {
    branches.push(sql`
      SELECT 'relationship' AS target_type, r.id::text AS target_id,
        jsonb_build_object('id', r.id, 'type', r.type, 'source', r.source, 'confidence', r.confidence_score,
          'createdAt', r.created_at, 'flaggedForReview', coalesce(rc.flagged_for_review, false),
          'from', ${summaryJson('a')}, 'to', ${summaryJson('b')}) AS summary
      FROM relationships r
      JOIN participants a ON a.org_id = r.org_id AND a.id = r.from_participant_id
      JOIN participants b ON b.org_id = r.org_id AND b.id = r.to_participant_id
      LEFT JOIN relationship_controls rc ON rc.org_id = r.org_id AND rc.relationship_id = r.id
      WHERE r.org_id = ${scope.orgId} AND r.id = ANY(${sql.param(relationshipIds)}::uuid[])`);
  }
  for (const key of segmentKeys) {
    branches.push(sql`
      SELECT 'segment' AS target_type, ${key}::text AS target_id, jsonb_build_object('count', count(*)) AS summary
      FROM participants p WHERE p.org_id = ${scope.orgId} AND ${segmentCondition(key, scope, settings)}`);
  }

  if (anchorIds.length > 0) {
    // A community is the one of the latest succeeded run whose anchor (most central member, the first
    // of central_participant_ids — arrays are 1-based) is the target; an older run's communities are
    // history, and a community whose centre moved is no longer this one.
    branches.push(sql`
      SELECT 'community' AS target_type, cm.central_participant_ids[1]::text AS target_id,
        jsonb_build_object('label', cm.label, 'size', cm.size, 'stageCounts', cm.stage_counts,
          'activity', cm.activity, 'jobId', cm.job_id) AS summary
      FROM atlas_communities cm
      WHERE cm.org_id = ${scope.orgId}
        AND cm.job_id = (
          SELECT j.id FROM jobs j
          WHERE j.org_id = ${scope.orgId} AND j.kind = 'atlas_run' AND j.status = 'succeeded'
          ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1)
        AND cm.central_participant_ids[1] = ANY(${sql.param(anchorIds)}::uuid[])`);
  }

  const rows = await queryRows<{
    target_type: RecommendationTargetType;
    target_id: string;
    summary: unknown;
  }>(db, sql.join(branches, sql` UNION ALL `));
  for (const row of rows) {
    const summary = (typeof row.summary === 'string' ? JSON.parse(row.summary) : row.summary) as Record<
      string,
      unknown
    >;
    found.set(
      `${row.target_type}:${row.target_id}`,
      toTarget(row.target_type, row.target_id, summary, settings),
    );
  }
  return found;
}

const iso = (value: unknown) => (value == null ? null : new Date(value as string).toISOString());

const toParticipantSummary = (json: Record<string, unknown>): ParticipantSummary => ({
  id: json.id as string,
  displayName: json.displayName as string,
  role: json.role as string,
  lifecycleStage: json.lifecycleStage as LifecycleStage,
  lastActivityAt: iso(json.lastActivityAt),
  degree: Number(json.degree),
});

function toCommunity(id: string, json: Record<string, unknown>): RecommendationTarget {
  const counts = (json.stageCounts ?? {}) as Partial<Record<LifecycleStage, unknown>>;
  return {
    type: 'community',
    community: {
      anchorId: id,
      label: json.label as string,
      size: Number(json.size),
      stageCounts: {
        new: Number(counts.new ?? 0),
        active: Number(counts.active ?? 0),
        at_risk: Number(counts.at_risk ?? 0),
        dormant: Number(counts.dormant ?? 0),
      },
      activity: (json.activity ?? {}) as Record<string, unknown>,
      jobId: json.jobId as string,
    },
  };
}

function toTarget(
  type: RecommendationTargetType,
  id: string,
  json: Record<string, unknown>,
  settings: Awaited<ReturnType<typeof getSegmentSettings>>,
): RecommendationTarget {
  if (type === 'community') return toCommunity(id, json);
  if (type === 'segment') {
    const key = id as SegmentKey;
    return { type, segment: { key, ...describeSegment(key, settings), count: Number(json.count) } };
  }
  if (type === 'relationship') {
    return {
      type,
      relationship: {
        id: json.id as string,
        type: json.type as string,
        source: json.source as string,
        confidence: Number(json.confidence),
        createdAt: iso(json.createdAt)!,
        flaggedForReview: json.flaggedForReview === true,
        from: toParticipantSummary(json.from as Record<string, unknown>),
        to: toParticipantSummary(json.to as Record<string, unknown>),
      },
    };
  }
  const neighbours = json.neighbours as Record<LifecycleStage, number>;
  return {
    type,
    participant: {
      ...toParticipantSummary(json),
      activityStage: json.activityStage as LifecycleStage,
      createdAt: iso(json.createdAt)!,
      flaggedForReview: json.flaggedForReview === true,
      outreachPaused: json.outreachPaused === true,
      recommendationsSuppressed: json.recommendationsSuppressed === true,
      neighbours: {
        new: Number(neighbours.new),
        active: Number(neighbours.active),
        at_risk: Number(neighbours.at_risk),
        dormant: Number(neighbours.dormant),
      },
    },
  };
}
