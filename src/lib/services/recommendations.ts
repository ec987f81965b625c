import { writeAuditEvent } from '../audit';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import { withOrg, type OrgDb } from '../database/with-org';
import { AppError } from '../errors';
import {
  lockRecommendation,
  setRecommendationDecision,
  type RecommendationRow,
} from '../repositories/recommendations';
import type { RequestScope } from '../scope';
import type { DismissalReason, InterventionType } from '../domain';
import { MAX_SNOOZE_DAYS } from '../validation/recommendations';
import { activityStageOf } from '../repositories/segments';
import { applyIntervention } from './interventions';

/**
 * Which intervention accepting a recommendation can apply, by its target type and suggested action
 * (README: suggested action → intervention). set_lifecycle_stage moves the participant to the stage its
 * activity points to now; add_note records the recommendation's reason on the participant, so the
 * people who follow up see why. A community review has none: it is a look at a group, not a change.
 */
const MATCHING_INTERVENTIONS: Record<string, InterventionType> = {
  'participant:flag_for_review': 'flag_for_review',
  'participant:pause_outreach': 'pause_outreach',
  'participant:set_lifecycle_stage': 'set_lifecycle_stage',
  'participant:suppress_recommendations': 'suppress_recommendations',
  'participant:reengage': 'add_note',
  'participant:introduce': 'add_note',
  'participant:check_in': 'add_note',
  'relationship:flag_for_review': 'flag_for_review',
  'relationship:verify_relationship': 'flag_for_review',
};

export function matchingIntervention(
  rec: Pick<RecommendationRow, 'targetType' | 'suggestedAction'>,
): InterventionType | undefined {
  return MATCHING_INTERVENTIONS[`${rec.targetType}:${rec.suggestedAction}`];
}

async function applyMatchingIntervention(
  tx: OrgDb,
  scope: RequestScope,
  rec: RecommendationRow,
  reason: string | undefined,
) {
  const type = matchingIntervention(rec);
  if (!type || (rec.targetType !== 'participant' && rec.targetType !== 'relationship')) {
    throw new AppError(
      'unprocessable',
      `Accepting "${rec.suggestedAction}" has no matching intervention; accept it without intervene.`,
      [{ path: 'intervene', message: 'no intervention matches this recommendation' }],
    );
  }
  const stage = type === 'set_lifecycle_stage' ? await activityStageOf(tx, scope, rec.targetId) : undefined;
  const newState = stage
    ? { lifecycleStage: stage }
    : type === 'add_note'
      ? { note: rec.reason.slice(0, 5000) }
      : undefined;
  const created = await applyIntervention(tx, scope, {
    type,
    scope: rec.targetType,
    targetIds: [rec.targetId],
    reason: reason ?? `Accepted recommendation: ${rec.reason}`.slice(0, 2000),
    ...(newState ? { newState } : {}),
  });
  return created.id;
}

/** A decision as the API takes it: accept (optionally intervening), or dismiss with a reason code. */
export type DecisionInput =
  | { decision: 'accepted'; reason?: string; intervene?: boolean }
  | {
      decision: 'dismissed';
      reasonCode: DismissalReason;
      /** Optional words beside the code; `noteField` names the request field they came in. */
      note?: string;
      noteField?: 'note' | 'reason';
      snoozeDays?: number;
      snoozeUntil?: string;
    };

const DAY_MS = 86_400_000;

/** When a `later` dismissal lets Atlas raise it again: a day to a year from now. */
function snoozeEnd(input: Extract<DecisionInput, { decision: 'dismissed' }>, now: number): Date | null {
  if (input.reasonCode !== 'later') return null;
  if (input.snoozeDays !== undefined) return new Date(now + input.snoozeDays * DAY_MS);
  const until = new Date(input.snoozeUntil!);
  if (until.getTime() <= now || until.getTime() > now + MAX_SNOOZE_DAYS * DAY_MS) {
    throw new AppError('unprocessable', `A snooze ends between now and ${MAX_SNOOZE_DAYS} days from now.`, [
      { path: 'snoozeUntil', message: `must be in the next ${MAX_SNOOZE_DAYS} days` },
    ]);
  }
  return until;
}

/**
 * Accepts or dismisses a pending recommendation, with its audit event, in one transaction — and, when
 * asked on acceptance, the matching intervention too. A decided recommendation stays decided: a second
 * decision is a 409 and changes nothing. A dismissal records its reason code (and for `later` until
 * when Atlas holds it back); both record when they were decided.
 */
export async function decideRecommendation(
  db: Database,
  scope: RequestScope,
  id: string,
  input: DecisionInput,
): Promise<RecommendationRow & { interventionId: string | null }> {
  const text = input.decision === 'accepted' ? input.reason : input.note;
  const field = input.decision === 'dismissed' ? (input.noteField ?? 'note') : 'reason';
  if (text) assertAllowedWording(text, field);
  const snoozedUntil = input.decision === 'dismissed' ? snoozeEnd(input, Date.now()) : null;
  return withOrg(db, scope, async (tx) => {
    const current = await lockRecommendation(tx, scope, id);
    if (!current) throw new AppError('not_found', 'No such recommendation in this org.');
    if (current.status !== 'pending') {
      throw new AppError('conflict', `This recommendation was already ${current.status}.`);
    }
    const updated = await setRecommendationDecision(
      tx,
      scope,
      id,
      input.decision === 'accepted'
        ? { status: 'accepted' }
        : { status: 'dismissed', dismissalReason: input.reasonCode, snoozedUntil },
    );
    const interventionId =
      input.decision === 'accepted' && input.intervene
        ? await applyMatchingIntervention(tx, scope, current, text)
        : null;
    await writeAuditEvent(tx, scope, {
      type: input.decision === 'accepted' ? 'recommendation.accepted' : 'recommendation.dismissed',
      targetType: 'recommendation',
      targetId: id,
      metadata: {
        ...(input.decision === 'dismissed'
          ? { reasonCode: input.reasonCode, snoozedUntil: snoozedUntil?.toISOString() ?? null }
          : {}),
        suggestedAction: current.suggestedAction,
        detector: current.detector,
        recommendationTarget: { type: current.targetType, id: current.targetId },
        interventionId,
      },
      personal: { reason: text },
    });
    return { ...updated, interventionId };
  });
}
