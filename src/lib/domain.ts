// The closed value sets of the data model (DESIGN.md §3–§5). The schema's check constraints, the zod
// validators and the UI all read them from here, so a new value is added in exactly one place.

export const MEMBERSHIP_ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

/** The roles an API key may hold: an org's keys never own it (docs/decisions/033). */
export const API_KEY_ROLES = ['admin', 'operator', 'viewer'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const LIFECYCLE_STAGES = ['new', 'active', 'at_risk', 'dormant'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Participants with this role are automated accounts; segments treat them apart. */
export const SYSTEM_PARTICIPANT_ROLE = 'system_participant';

/** `superseded`: a later Atlas run no longer found the reason, or found a newer one for the same target. */
export const RECOMMENDATION_STATUSES = ['pending', 'accepted', 'dismissed', 'superseded'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

/**
 * Relationship sources a machine derived (from mail, calendars, or inference over them) rather than a
 * person entering them (`manual`) or a CRM record (`crm_import`); system accounts' sync links are
 * `system`. Atlas asks operators to verify inferred links touching central participants first.
 */
export const INFERRED_RELATIONSHIP_SOURCES = ['email', 'calendar', 'inferred'] as const;

/**
 * Atlas's detectors (src/lib/atlas/detectors); each names the action it suggests, so a recommendation's
 * `detector` and `suggested_action` agree for everything Atlas makes (decision 020).
 */
export const ATLAS_DETECTORS = [
  'reengage',
  'introduce',
  'verify_relationship',
  'check_in',
  'review_segment',
] as const;
export type AtlasDetector = (typeof ATLAS_DETECTORS)[number];

/** The suggested actions recommendations carry: the detectors' and the older stage and control ones. */
export const SUGGESTED_ACTIONS = [
  ...ATLAS_DETECTORS,
  'flag_for_review',
  'pause_outreach',
  'set_lifecycle_stage',
  'suppress_recommendations',
] as const;
export type SuggestedAction = (typeof SUGGESTED_ACTIONS)[number];

/** Why an operator dismissed a recommendation; `later` snoozes it until a chosen time. */
export const DISMISSAL_REASONS = ['not_relevant', 'already_handled', 'wrong_data', 'later'] as const;
export type DismissalReason = (typeof DISMISSAL_REASONS)[number];

/** `community`: a group Atlas found in the graph, named by its most central member's participant id. */
export const RECOMMENDATION_TARGET_TYPES = ['participant', 'relationship', 'segment', 'community'] as const;
export type RecommendationTargetType = (typeof RECOMMENDATION_TARGET_TYPES)[number];

export const INTERVENTION_TYPES = [
  'pause_outreach',
  'resume_outreach',
  'flag_for_review',
  'clear_flag',
  'set_lifecycle_stage',
  'add_note',
  'suppress_recommendations',
] as const;
export type InterventionType = (typeof INTERVENTION_TYPES)[number];

/** Background work (src/lib/jobs): at most one queued or running job of a kind per org. */
export const JOB_KINDS = [
  'atlas_run',
  'stage_update',
  'audit_anchor',
  'audit_delivery',
  'csv_import',
] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** How long a job may run before it is stopped and failed (seconds). */
export const JOB_TIME_LIMITS: Record<JobKind, number> = {
  atlas_run: 1800,
  stage_update: 900,
  audit_anchor: 900,
  audit_delivery: 300,
  csv_import: 3600,
};

/** What a CSV import holds (src/lib/import/kinds.ts). */
export const IMPORT_KIND_NAMES = ['participants', 'relationships'] as const;

/** What a delivery attempt of an audit stream came to (docs/decisions/035). */
export const AUDIT_DELIVERY_STATUSES = ['delivered', 'failed'] as const;

export const INTERVENTION_SCOPES = ['participant', 'relationship', 'segment'] as const;
export type InterventionScope = (typeof INTERVENTION_SCOPES)[number];

export const SEGMENT_KEYS = [
  'new',
  'active',
  'at_risk',
  'dormant',
  'isolated',
  'highly_connected',
  'system',
] as const;
export type SegmentKey = (typeof SEGMENT_KEYS)[number];

/** The orders of the participants list: a key, descending with a leading minus. */
export const PARTICIPANT_SORTS = [
  'name',
  '-name',
  'lastActivity',
  '-lastActivity',
  'degree',
  '-degree',
  'created',
  '-created',
] as const;
export type ParticipantSort = (typeof PARTICIPANT_SORTS)[number];

export interface SegmentSettings {
  newDays: number;
  activeDays: number;
  dormantDays: number;
  highlyConnectedPercentile: number;
  highlyConnectedMinDegree: number;
}

export const DEFAULT_SEGMENT_SETTINGS: SegmentSettings = {
  newDays: 14,
  activeDays: 30,
  dormantDays: 60,
  highlyConnectedPercentile: 0.9,
  highlyConnectedMinDegree: 3,
};

/** How each segment is named and explained to operators, for the given thresholds. */
export function describeSegment(key: SegmentKey, s: SegmentSettings): { label: string; description: string } {
  const pct = Math.round(s.highlyConnectedPercentile * 100);
  const texts: Record<SegmentKey, [string, string]> = {
    new: ['New', `Joined in the last ${s.newDays} days.`],
    active: ['Active', `Active in the last ${s.activeDays} days.`],
    at_risk: ['At risk', `Last active ${s.activeDays}–${s.dormantDays} days ago.`],
    dormant: ['Dormant', `Not active for over ${s.dormantDays} days, or never.`],
    isolated: ['Isolated', 'No relationship with anyone.'],
    highly_connected: [
      'Highly connected',
      `At least ${s.highlyConnectedMinDegree} relationships and among the top ${100 - pct}% by relationships.`,
    ],
    system: ['System', 'Automated accounts; not counted in the other segments.'],
  };
  const [label, description] = texts[key];
  return { label, description };
}
