import { writeAuditEvent } from '../audit';
import { requirePermission } from '../auth';
import type { Database } from '../db';
import { withOrg } from '../database/with-org';
import { AppError } from '../errors';
import {
  eraseParticipant,
  lockParticipantForErasure,
  erasurePatterns,
  redactText,
  type ErasureCounts,
} from '../repositories/erasure';
import type { RequestScope } from '../scope';

/**
 * Erases a participant's personal data on their request (owner only, docs/decisions/034): their email
 * and name, the notes about them, and every copy of either in interventions, recommendations, Atlas's
 * community names, jobs, stored answers and the personal parts of audit events — in one transaction,
 * with a participant.erased event naming who erased whom (by id). The audit chain still verifies.
 */
export async function eraseParticipantData(
  db: Database,
  scope: RequestScope,
  participantId: string,
  input: { reason: string },
): Promise<{ participantId: string; erasedAt: string; counts: ErasureCounts }> {
  requirePermission(scope, 'participants.erase');
  return withOrg(db, scope, async (tx) => {
    const person = await lockParticipantForErasure(tx, scope, participantId);
    if (!person) throw new AppError('not_found', 'No such participant in this org.');
    if (person.erasedAt)
      throw new AppError('conflict', 'This participant’s personal data was already erased.');
    const patterns = erasurePatterns(person);
    const counts = await eraseParticipant(tx, scope, participantId, patterns);
    await writeAuditEvent(tx, scope, {
      type: 'participant.erased',
      targetType: 'participant',
      targetId: participantId,
      metadata: { counts },
      // The request's reference may quote them: it is kept without their name and email.
      personal: { reason: await redactText(tx, input.reason, patterns.loose) },
    });
    return { participantId, erasedAt: new Date().toISOString(), counts };
  });
}
