import { writeAuditEvent } from '../audit';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import { AppError } from '../errors';
import {
  lockRecommendation,
  setRecommendationStatus,
  type RecommendationRow,
} from '../repositories/recommendations';
import type { MemberScope } from '../scope';
import type { InterventionType } from '../domain';
import { activityStageOf } from '../repositories/segments';
import { applyIntervention } from './interventions';

export type Decision = 'accepted' | 'dismissed';

/**
 * Which intervention accepting a recommendation can apply, by its target type and suggested action.
 * set_lifecycle_stage moves the participant to the stage its activity points to now.
 */
const MATCHING_INTERVENTIONS: Record<string, InterventionType> = {
  'participant:flag_for_review': 'flag_for_review',
  'participant:pause_outreach': 'pause_outreach',
  'participant:set_lifecycle_stage': 'set_lifecycle_stage',
  'participant:suppress_recommendations': 'suppress_recommendations',
  'relationship:flag_for_review': 'flag_for_review',
  'relationship:verify_relationship': 'flag_for_review',
};

export function matchingIntervention(
  rec: Pick<RecommendationRow, 'targetType' | 'suggestedAction'>,
): InterventionType | undefined {
  return MATCHING_INTERVENTIONS[`${rec.targetType}:${rec.suggestedAction}`];
}

async function applyMatchingIntervention(
  tx: Database,
  scope: MemberScope,
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
  const created = await applyIntervention(tx, scope, {
    type,
    scope: rec.targetType,
    targetIds: [rec.targetId],
    reason: reason ?? `Accepted recommendation: ${rec.reason}`.slice(0, 2000),
    ...(stage ? { newState: { lifecycleStage: stage } } : {}),
  });
  return created.id;
}

/**
 * Accepts or dismisses a pending recommendation, with its audit event, in one transaction — and, when
 * asked on acceptance, the matching intervention too. A decided recommendation stays decided: a second
 * decision is a 409 and changes nothing.
 */
export async function decideRecommendation(
  db: Database,
  scope: MemberScope,
  id: string,
  decision: Decision,
  reason?: string,
  options: { intervene?: boolean } = {},
): Promise<RecommendationRow & { interventionId: string | null }> {
  if (reason) assertAllowedWording(reason, 'reason');
  return db.transaction(async (tx) => {
    const current = await lockRecommendation(tx, scope, id);
    if (!current) throw new AppError('not_found', 'No such recommendation in this org.');
    if (current.status !== 'pending') {
      throw new AppError('conflict', `This recommendation was already ${current.status}.`);
    }
    const updated = await setRecommendationStatus(tx, scope, id, decision);
    const interventionId =
      decision === 'accepted' && options.intervene
        ? await applyMatchingIntervention(tx, scope, current, reason)
        : null;
    await writeAuditEvent(tx, scope, {
      type: decision === 'accepted' ? 'recommendation.accepted' : 'recommendation.dismissed',
      targetType: 'recommendation',
      targetId: id,
      metadata: {
        reason: reason ?? null,
        suggestedAction: current.suggestedAction,
        recommendationTarget: { type: current.targetType, id: current.targetId },
        interventionId,
      },
    });
    return { ...updated, interventionId };
  });
}
