import type { components } from '../../../../lib/client/api-types';
import type { DismissalReason, LifecycleStage, RecommendationTargetType } from '../../../../lib/domain';
import { STAGE_LABELS } from '../../../../lib/ui/stages';

// What a recommendation card says, as pure functions of the API's data: the action's label, the
// confidence in words, relative times, and the facts about the target that back (or contradict) the
// reason. Kept apart from the components so that the wording is tested.

export type InboxRecommendation = components['schemas']['RecommendationWithTarget'];
export type RecommendationTarget = NonNullable<InboxRecommendation['target']>;
export type InterventionType = NonNullable<InboxRecommendation['intervention']>;

/** "send_digest" → "Send digest", for actions Atlas names that have no label of their own. */
export function humanize(value: string): string {
  const words = value.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ACTION_LABELS: Record<string, string> = {
  flag_for_review: 'Flag for review',
  pause_outreach: 'Pause outreach',
  resume_outreach: 'Resume outreach',
  set_lifecycle_stage: 'Change lifecycle stage',
  suppress_recommendations: 'Pause suggestions',
  verify_relationship: 'Verify relationship',
  clear_flag: 'Clear review flag',
  add_note: 'Add a note',
  reengage: 'Re-engage',
  introduce: 'Introduce to others',
  check_in: 'Check in',
  review_segment: 'Review community',
};

/** The suggested action as a person reads it; a stage change names the stage the activity points to. */
export function actionLabel(rec: Pick<InboxRecommendation, 'suggestedAction' | 'target'>): string {
  if (rec.suggestedAction === 'set_lifecycle_stage' && rec.target?.type === 'participant') {
    return `Move to ${STAGE_LABELS[rec.target.participant.activityStage]}`;
  }
  return ACTION_LABELS[rec.suggestedAction] ?? humanize(rec.suggestedAction);
}

/** What accepting with the intervention will do, as a short phrase for a checkbox or a toast. */
export function interventionPhrase(rec: Pick<InboxRecommendation, 'intervention' | 'target'>): string | null {
  const target = rec.target ? targetName(rec.target) : 'the target';
  switch (rec.intervention) {
    case null:
      return null;
    case 'flag_for_review':
      return rec.target?.type === 'relationship'
        ? `flag the link between ${target} for review`
        : `flag ${target} for review`;
    case 'pause_outreach':
      return `pause outreach to ${target}`;
    case 'suppress_recommendations':
      return `pause suggestions about ${target}`;
    case 'set_lifecycle_stage':
      return rec.target?.type === 'participant'
        ? `move ${target} to ${STAGE_LABELS[rec.target.participant.activityStage]}`
        : `set the lifecycle stage of ${target}`;
    case 'add_note':
      return `note the reason on ${target}’s page`;
    default:
      return humanize(rec.intervention).toLowerCase();
  }
}

export const TARGET_TYPE_LABELS: Record<RecommendationTargetType, string> = {
  participant: 'Participant',
  relationship: 'Relationship',
  segment: 'Segment',
  community: 'Community',
};

/** The target's name: a participant, "A ↔ B" for a relationship, the segment's or community's label. */
export function targetName(target: RecommendationTarget): string {
  if (target.type === 'participant') return target.participant.displayName;
  if (target.type === 'relationship') {
    return `${target.relationship.from.displayName} and ${target.relationship.to.displayName}`;
  }
  if (target.type === 'community') return `the community of ${target.community.label}`;
  return `the ${target.segment.label.toLowerCase()} segment`;
}

export const DISMISSAL_REASON_LABELS: Record<DismissalReason, string> = {
  not_relevant: 'Not relevant',
  already_handled: 'Already handled',
  wrong_data: 'Wrong data',
  later: 'Later',
};

export type ConfidenceBand = 'high' | 'medium' | 'low';

/** Confidence in words, so the meter never relies on its colour alone. */
export function confidenceBand(confidence: number): { band: ConfidenceBand; label: string; percent: number } {
  const percent = Math.round(confidence * 100);
  if (confidence >= 0.75) return { band: 'high', label: 'High', percent };
  if (confidence >= 0.5) return { band: 'medium', label: 'Medium', percent };
  return { band: 'low', label: 'Low', percent };
}

const DAY = 86_400_000;

/** Whole days between `iso` and `now` (0 for the same 24 hours). */
export function daysSince(iso: string, now: number): number {
  return Math.max(0, Math.floor((now - new Date(iso).getTime()) / DAY));
}

/** "today", "yesterday", "41 days ago"; "never" for no date. */
export function daysAgo(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const days = daysSince(iso, now);
  if (days === 0) return 'today';
  if (days === 1) return 'yesterday';
  return `${days.toLocaleString('en')} days ago`;
}

/** "just now", "5 min ago", "3 h ago", then days: for when a recommendation was made or decided. */
export function timeAgo(iso: string, now: number): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  return daysAgo(iso, now);
}

const DATE = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', year: 'numeric' });

export function formatDate(iso: string): string {
  return DATE.format(new Date(iso));
}

// ---------------------------------------------------------------------------------------------------
// Evidence

export type FactKey =
  | 'lastActivity'
  | 'stage'
  | 'connections'
  | 'controls'
  | 'linkSource'
  | 'linkAge'
  | 'linkConfidence'
  | 'linkEnds'
  | 'members';

/** A piece of a fact's value: words, or a lifecycle stage shown as its badge. */
export type FactPart = string | { stage: LifecycleStage };

export interface Fact {
  key: FactKey;
  label: string;
  value: FactPart[];
  /** Whether the reason's words refer to this fact: the card shows those first and stronger. */
  cited: boolean;
  /** A figure that says something is off (no recent activity, a stage the activity contradicts). */
  warn?: boolean;
}

// Words by which a reason refers to each fact. Atlas writes reasons for people, so they name what they
// looked at ("No activity for 41 days", "two of her three direct connections", "imported calendar").
const CITES: Record<FactKey, RegExp> = {
  lastActivity: /\b(activ\w*|inactive|days?|weeks?|since|last seen|quiet)\b/i,
  stage: /\b(stage|marked|dormant|at risk|active)\b/i,
  connections: /\b(connect\w*|relationships?|neighbou?rs?|network)\b/i,
  controls: /\b(flag\w*|paused?|outreach|suppress\w*)\b/i,
  linkSource: /\b(import\w*|calendar|email|source|crm|manual)\b/i,
  linkAge: /\b(once|never since|stale|old|days?|months?|since)\b/i,
  linkConfidence: /\b(confiden\w*|weak|uncertain|may be)\b/i,
  linkEnds: /\b(both|participants?|dormant|at risk)\b/i,
  members: /\b(members?|segment|participants?|people)\b/i,
};

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

const quietStage = (stage: LifecycleStage) => stage === 'at_risk' || stage === 'dormant';

type Participant = Extract<RecommendationTarget, { type: 'participant' }>['participant'];
type Relationship = Extract<RecommendationTarget, { type: 'relationship' }>['relationship'];
type UncitedFact = Omit<Fact, 'cited'>;

function participantFacts(p: Participant, now: number): UncitedFact[] {
  const n = p.neighbours;
  const people = n.new + n.active + n.at_risk + n.dormant;
  const breakdown = (['active', 'new', 'at_risk', 'dormant'] as const)
    .filter((stage) => n[stage] > 0)
    .map((stage) => `${n[stage]} ${STAGE_LABELS[stage].toLowerCase()}`)
    .join(', ');
  const controls = [
    p.flaggedForReview && 'flagged for review',
    p.outreachPaused && 'outreach paused',
    p.recommendationsSuppressed && 'suggestions paused',
  ].filter((c): c is string => typeof c === 'string');
  const facts: UncitedFact[] = [
    {
      key: 'lastActivity',
      label: 'Last activity',
      value: [
        p.lastActivityAt ? `${daysAgo(p.lastActivityAt, now)} (${formatDate(p.lastActivityAt)})` : 'never',
      ],
      warn: quietStage(p.activityStage),
    },
    p.lifecycleStage === p.activityStage
      ? { key: 'stage', label: 'Stage', value: [{ stage: p.lifecycleStage }, 'as the activity says'] }
      : {
          key: 'stage',
          label: 'Stage',
          value: [{ stage: p.lifecycleStage }, 'on record; the activity says', { stage: p.activityStage }],
          warn: true,
        },
    {
      key: 'connections',
      label: 'Connected people',
      value: [people === 0 ? 'none' : `${plural(people, 'person', 'people')}: ${breakdown}`],
      warn: people > 0 && (n.at_risk + n.dormant) * 2 >= people,
    },
  ];
  if (controls.length > 0) facts.push({ key: 'controls', label: 'Already', value: [controls.join(', ')] });
  return facts;
}

function relationshipFacts(r: Relationship, now: number): UncitedFact[] {
  const facts: UncitedFact[] = [
    { key: 'linkSource', label: 'Source', value: [humanize(r.source)] },
    {
      key: 'linkAge',
      label: 'First recorded',
      value: [`${daysAgo(r.createdAt, now)} (${formatDate(r.createdAt)})`],
    },
    {
      key: 'linkConfidence',
      label: 'Link confidence',
      value: [`${Math.round(r.confidence * 100)}%`],
      warn: r.confidence < 0.5,
    },
    {
      key: 'linkEnds',
      label: 'Both ends',
      value: [
        { stage: r.from.lifecycleStage },
        `last active ${daysAgo(r.from.lastActivityAt, now)};`,
        { stage: r.to.lifecycleStage },
        `last active ${daysAgo(r.to.lastActivityAt, now)}`,
      ],
      warn: quietStage(r.from.lifecycleStage) && quietStage(r.to.lifecycleStage),
    },
  ];
  if (r.flaggedForReview) facts.push({ key: 'controls', label: 'Already', value: ['flagged for review'] });
  return facts;
}

/**
 * The target's current figures that the reason rests on, those the reason cites first. The figures are
 * today's, not the ones Atlas saw: when they no longer back the reason, the operator sees it.
 */
export function evidenceFor(rec: Pick<InboxRecommendation, 'reason' | 'target'>, now: number): Fact[] {
  const target = rec.target;
  if (!target) return [];
  const facts: UncitedFact[] =
    target.type === 'participant'
      ? participantFacts(target.participant, now)
      : target.type === 'relationship'
        ? relationshipFacts(target.relationship, now)
        : target.type === 'community'
          ? [
              {
                key: 'members',
                label: 'Members at the last run',
                value: [target.community.size.toLocaleString('en')],
              },
            ]
          : [{ key: 'members', label: 'Members now', value: [target.segment.count.toLocaleString('en')] }];
  const cited = facts.map((fact) => ({
    ...fact,
    // Controls are always worth seeing: accepting "flag for review" on someone already flagged does nothing.
    cited: fact.key === 'controls' || CITES[fact.key].test(rec.reason),
  }));
  return [...cited.filter((f) => f.cited), ...cited.filter((f) => !f.cited)];
}

/** A fact's value as plain text ("At risk as the activity says"), for tests and screen-reader labels. */
export function factText(fact: Pick<Fact, 'value'>): string {
  return fact.value.map((part) => (typeof part === 'string' ? part : STAGE_LABELS[part.stage])).join(' ');
}
