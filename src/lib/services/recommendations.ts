import { writeAuditEvent } from '../audit';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import { AppError } from '../errors';
import {
  lockRecommendation,
  setRecommendationStatus,
  type RecommendationRow,
} from '../repositories/recommendations';
import type { OrgScope } from '../scope';

export type Decision = 'accepted' | 'dismissed';

/**
 * Accepts or dismisses a pending recommendation, with its audit event, in one transaction. A decided
 * recommendation stays decided: a second decision is a 409 and changes nothing.
 */
export async function decideRecommendation(
  db: Database,
  scope: OrgScope,
  id: string,
  decision: Decision,
  reason?: string,
): Promise<RecommendationRow> {
  if (reason) assertAllowedWording(reason, 'reason');
  return db.transaction(async (tx) => {
    const current = await lockRecommendation(tx, scope, id);
    if (!current) throw new AppError('not_found', 'No such recommendation in this org.');
    if (current.status !== 'pending') {
      throw new AppError('conflict', `This recommendation was already ${current.status}.`);
    }
    const updated = await setRecommendationStatus(tx, scope, id, decision);
    await writeAuditEvent(tx, scope, {
      type: decision === 'accepted' ? 'recommendation.accepted' : 'recommendation.dismissed',
      targetType: 'recommendation',
      targetId: id,
      metadata: {
        reason: reason ?? null,
        suggestedAction: current.suggestedAction,
        recommendationTarget: { type: current.targetType, id: current.targetId },
      },
    });
    return updated;
  });
}
