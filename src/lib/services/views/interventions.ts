import { writeAuditEvent } from '../../audit';
import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg, type OrgDb } from '../../database/with-org';
import { AppError } from '../../errors';
import type { Page } from '../../pagination';
import {
  labelTargets,
  listInterventionPeople,
  type InterventionPerson,
} from '../../repositories/intervention-targets';
import { findIntervention, listInterventions, type InterventionRow } from '../../repositories/interventions';
import type { RequestScope } from '../../scope';
import {
  DETAIL_TARGET_LIMIT,
  type ListInterventionsQuery,
  type TargetResult,
  type TargetState,
} from '../../validation/interventions';

export type { InterventionPerson } from '../../repositories/intervention-targets';

/**
 * A page of interventions. Writes no event, as the API never has: every intervention is itself an
 * `intervention.created` event (docs/decisions/013-view-services.md).
 */
export async function viewInterventions(
  db: Database,
  scope: RequestScope,
  query: ListInterventionsQuery,
): Promise<Page<InterventionRow>> {
  requirePermission(scope, 'interventions.read');
  return withOrg(db, scope, (tx) => listInterventions(tx, scope, query));
}

/** Who made or reversed interventions here, for the log's operator filter and its names. No event. */
export async function viewInterventionPeople(
  db: Database,
  scope: RequestScope,
): Promise<InterventionPerson[]> {
  requirePermission(scope, 'interventions.read');
  return withOrg(db, scope, (tx) => listInterventionPeople(tx, scope));
}

export interface InterventionTargetDetail {
  id: string;
  label: string;
  inOrg: boolean;
  participantIds: string[];
  participantNames: string[];
  previous: TargetState;
  next: TargetState;
  result: TargetResult;
}

export interface InterventionDetail {
  intervention: InterventionRow;
  targetCount: number;
  targets: InterventionTargetDetail[];
  operator: InterventionPerson | null;
  reversedBy: InterventionPerson | null;
}

/**
 * One intervention with each target's previous and new state and result, by name; writes
 * `intervention.viewed`. Unlike the log, it shows participants by name and state, like
 * `participant.viewed` (docs/decisions/013-view-services.md). Not in this org: 404.
 */
export async function viewIntervention(
  db: Database,
  scope: RequestScope,
  interventionId: string,
): Promise<InterventionDetail> {
  requirePermission(scope, 'interventions.read');
  return withOrg(db, scope, (tx) => loadIntervention(tx, scope, interventionId));
}

async function loadIntervention(
  db: OrgDb,
  scope: RequestScope,
  interventionId: string,
): Promise<InterventionDetail> {
  const intervention = await findIntervention(db, scope, interventionId);
  if (!intervention) throw new AppError('not_found', 'No such intervention in this org.');
  const shown = intervention.targetIds.slice(0, DETAIL_TARGET_LIMIT);
  const kind = intervention.scope === 'relationship' ? 'relationship' : 'participant';
  const [labels, people] = await Promise.all([
    labelTargets(db, scope, kind, shown),
    listInterventionPeople(
      db,
      scope,
      [intervention.operatorUserId, intervention.reversedByUserId].filter((id) => id !== null),
    ),
  ]);
  const person = (userId: string | null) => people.find((p) => p.userId === userId) ?? null;
  const previous: Record<string, TargetState> = intervention.previousState.targets;
  const next: Record<string, TargetState> = intervention.newState.targets;
  const targets = shown.map((id) => {
    const label = labels.get(id);
    return {
      id,
      label: label?.label ?? `No longer in this org (${id.slice(0, 8)})`,
      inOrg: label !== undefined,
      participantIds: label?.participantIds ?? [],
      participantNames: label?.participantNames ?? [],
      previous: previous[id]!,
      next: next[id]!,
      result: intervention.newState.results[id] ?? 'unchanged',
    };
  });
  await writeAuditEvent(db, scope, {
    type: 'intervention.viewed',
    targetType: 'intervention',
    targetId: intervention.id,
    metadata: { type: intervention.type, targets: intervention.targetIds.length },
  });
  return {
    intervention,
    targetCount: intervention.targetIds.length,
    targets,
    operator: person(intervention.operatorUserId),
    reversedBy: person(intervention.reversedByUserId),
  };
}
