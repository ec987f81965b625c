import type { LifecycleStage, SegmentSettings } from './domain';
import { formatOrgDay, orgDayCounting, orgDayOf } from './org-calendar';

// The engagement state engine: the lifecycle stage a participant should have now, from its activity.
// The stage activity points to (the "due" stage) is the one the segments compute in SQL
// (`activityStageOf`); the stored stage follows it with hysteresis — promote at once, demote slowly —
// so that a participant whose activity hovers at a threshold does not flap between stages, and a stage
// an operator set by intervention stands for the grace period. Pure and deterministic: the caller
// passes `now`. System participants are out of scope: segments keep them apart and so must the caller.

/** How long a lower stage must have been due before a participant is moved down to it. */
export const DEFAULT_STAGE_GRACE_DAYS = 7;

/**
 * The order in which a change counts as up or down: active (seen recently) above new (young, given the
 * benefit of the doubt) above at risk above dormant. So a newcomer who ages out with recent activity
 * moves up at once, and one who ages out without any moves down only after the grace period.
 */
export const ENGAGEMENT_ORDER: Readonly<Record<LifecycleStage, number>> = {
  dormant: 0,
  at_risk: 1,
  new: 2,
  active: 3,
};

export interface EngagementFacts {
  createdAt: Date;
  /** Null: never active. Only ever moves forward; the grace depends on it (see lowerDueSince). */
  lastActivityAt: Date | null;
  /** The stage stored on the participant now. */
  stage: LifecycleStage;
  /**
   * When an operator last set the stage by a `set_lifecycle_stage` intervention that still stands (not
   * reversed since), or null. No other history is needed: when the lower stage first became due
   * follows from the activity and creation times.
   */
  operatorSetAt: Date | null;
}

export interface EngagementRules {
  thresholds: Pick<SegmentSettings, 'newDays' | 'activeDays' | 'dormantDays'>;
  /** The org's IANA time zone; days are its calendar days. */
  timeZone: string;
  /** Whole days; 0 demotes at once. */
  graceDays: number;
}

export type EngagementReason = 'unchanged' | 'promoted' | 'demoted' | 'held_by_grace' | 'held_operator_set';

export interface EngagementDecision {
  /** The stage the participant should have now. */
  stage: LifecycleStage;
  changed: boolean;
  reason: EngagementReason;
  /** The stage activity alone points to today (what the segments show). */
  dueStage: LifecycleStage;
  /**
   * The first local day (YYYY-MM-DD) of the unbroken run, up to today, on which a stage below the one
   * stored was due; null when none is due today.
   */
  lowerDueSince: string | null;
  /** When the stage is held: the local day (YYYY-MM-DD) from which the change will be applied. */
  heldUntil: string | null;
}

/** The facts a stage is read from, as local days (see org-calendar: the days the SQL bounds count). */
interface DayFacts {
  createdDay: number;
  lastActivityDay: number | null;
}

/** The stage activity points to on local day `today`: segments' CASE (new, active, at risk, dormant). */
function stageDueOn(today: number, facts: DayFacts, t: EngagementRules['thresholds']): LifecycleStage {
  if (facts.createdDay >= today - t.newDays) return 'new';
  if (facts.lastActivityDay === null) return 'dormant';
  if (facts.lastActivityDay >= today - t.activeDays) return 'active';
  if (facts.lastActivityDay >= today - t.dormantDays) return 'at_risk';
  return 'dormant';
}

/**
 * The first day of the run of days up to `today` on which the due stage was below `stage`. The due
 * stage only changes on the days after a threshold is crossed, so those days (and creation, before
 * which nothing was due) are the only candidates for the start of the run.
 */
function lowerDueSinceDay(
  today: number,
  stage: LifecycleStage,
  facts: DayFacts,
  t: EngagementRules['thresholds'],
): number {
  const changes = [facts.createdDay, facts.createdDay + t.newDays + 1];
  if (facts.lastActivityDay !== null) {
    changes.push(facts.lastActivityDay + t.activeDays + 1, facts.lastActivityDay + t.dormantDays + 1);
  }
  const candidates = [...new Set(changes)]
    // A creation day after today (clock skew) still starts the run, so the run does not move daily.
    .filter((d) => d >= facts.createdDay && d <= Math.max(today, facts.createdDay))
    .sort((a, b) => b - a);
  let since = today;
  for (const day of candidates) {
    if (ENGAGEMENT_ORDER[stageDueOn(day, facts, t)] >= ENGAGEMENT_ORDER[stage]) break;
    since = day;
  }
  return since;
}

function assertRules(rules: EngagementRules): void {
  const { newDays, activeDays, dormantDays } = rules.thresholds;
  for (const [name, value] of Object.entries({
    newDays,
    activeDays,
    dormantDays,
    graceDays: rules.graceDays,
  })) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number of days`);
  }
}

/** The stage a participant should have at `now`, and why. */
export function decideEngagementStage(
  facts: EngagementFacts,
  rules: EngagementRules,
  now: Date,
): EngagementDecision {
  assertRules(rules);
  const { timeZone, thresholds, graceDays } = rules;
  // Today is the wall-clock date, as `date_trunc('day', now() AT TIME ZONE tz)`; instants compared with
  // a local midnight count on the day that midnight starts.
  const today = orgDayOf(now, timeZone);
  const days: DayFacts = {
    createdDay: orgDayCounting(facts.createdAt, timeZone),
    lastActivityDay: facts.lastActivityAt && orgDayCounting(facts.lastActivityAt, timeZone),
  };
  const dueStage = stageDueOn(today, days, thresholds);
  const current = facts.stage;
  const goesDown = ENGAGEMENT_ORDER[dueStage] < ENGAGEMENT_ORDER[current];
  const sinceDay = goesDown ? lowerDueSinceDay(today, current, days, thresholds) : null;
  const decision = (stage: LifecycleStage, reason: EngagementReason, heldUntilDay: number | null = null) => ({
    stage,
    changed: stage !== current,
    reason,
    dueStage,
    lowerDueSince: sinceDay === null ? null : formatOrgDay(sinceDay),
    heldUntil: heldUntilDay === null ? null : formatOrgDay(heldUntilDay),
  });

  if (dueStage === current) return decision(current, 'unchanged');
  if (facts.operatorSetAt) {
    const operatorDay = orgDayCounting(facts.operatorSetAt, timeZone);
    if (today - operatorDay < graceDays) {
      // A move down must also wait out its own grace once the operator's has passed.
      const until = Math.max(operatorDay, goesDown ? sinceDay! : operatorDay) + graceDays;
      return decision(current, 'held_operator_set', until);
    }
  }
  if (!goesDown) return decision(dueStage, 'promoted');
  if (today - sinceDay! < graceDays) return decision(current, 'held_by_grace', sinceDay! + graceDays);
  return decision(dueStage, 'demoted');
}
