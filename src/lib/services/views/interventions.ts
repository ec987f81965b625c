import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import type { Page } from '../../pagination';
import { listInterventions, type InterventionRow } from '../../repositories/interventions';
import type { OrgScope } from '../../scope';

export interface InterventionListQuery {
  targetId?: string;
  reversed?: 'true' | 'false';
  limit: number;
  cursor?: string;
}

/**
 * A page of interventions. Writes no event, as the API never has: every intervention is itself an
 * `intervention.created` event (docs/decisions/013-view-services.md).
 */
export async function viewInterventions(
  db: Database,
  scope: OrgScope,
  query: InterventionListQuery,
): Promise<Page<InterventionRow>> {
  requirePermission(scope, 'interventions.read');
  return listInterventions(db, scope, query);
}
