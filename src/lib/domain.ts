// The closed value sets of the data model (DESIGN.md §3–§5). The schema's check constraints, the zod
// validators and the UI all read them from here, so a new value is added in exactly one place.

export const MEMBERSHIP_ROLES = ['owner', 'admin', 'operator', 'viewer'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export const LIFECYCLE_STAGES = ['new', 'active', 'at_risk', 'dormant'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** Participants with this role are automated accounts; segments treat them apart. */
export const SYSTEM_PARTICIPANT_ROLE = 'system_participant';

export const RECOMMENDATION_STATUSES = ['pending', 'accepted', 'dismissed'] as const;
export type RecommendationStatus = (typeof RECOMMENDATION_STATUSES)[number];

export const RECOMMENDATION_TARGET_TYPES = ['participant', 'relationship', 'segment'] as const;
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

export const INTERVENTION_SCOPES = ['participant', 'relationship', 'segment'] as const;
export type InterventionScope = (typeof INTERVENTION_SCOPES)[number];
