import { sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';

// Names for what interventions touch and who made them: the detail page and the log show people and
// relationships by name, not by id. Every query is bounded by the org.

export interface TargetLabel {
  id: string;
  label: string;
  /** The participants the target is, or joins (a relationship's two ends), for links. */
  participantIds: string[];
  /** Their names, in the same order. */
  participantNames: string[];
}

/** The names of these participants, by id; ids not in the org are absent. */
export async function labelParticipants(
  db: OrgDb,
  scope: OrgScope,
  ids: readonly string[],
): Promise<Map<string, TargetLabel>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; label: string }>(
    db,
    sql`SELECT p.id, p.display_name AS label FROM participants p
        WHERE p.org_id = ${scope.orgId} AND p.id = ANY(${sql.param([...ids])}::uuid[])`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      { id: r.id, label: r.label, participantIds: [r.id], participantNames: [r.label] },
    ]),
  );
}

/** These relationships as "A → B (type)", by id; ids not in the org are absent. */
export async function labelRelationships(
  db: OrgDb,
  scope: OrgScope,
  ids: readonly string[],
): Promise<Map<string, TargetLabel>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{
    id: string;
    type: string;
    a: string;
    b: string;
    aName: string;
    bName: string;
  }>(
    db,
    sql`SELECT r.id, r.type, r.from_participant_id AS a, r.to_participant_id AS b,
               pa.display_name AS "aName", pb.display_name AS "bName"
        FROM relationships r
        JOIN participants pa ON pa.org_id = r.org_id AND pa.id = r.from_participant_id
        JOIN participants pb ON pb.org_id = r.org_id AND pb.id = r.to_participant_id
        WHERE r.org_id = ${scope.orgId} AND r.id = ANY(${sql.param([...ids])}::uuid[])`,
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        label: `${r.aName} → ${r.bName} (${r.type.replace(/_/g, ' ')})`,
        participantIds: [r.a, r.b],
        participantNames: [r.aName, r.bName],
      },
    ]),
  );
}

/** Names for targets: participants by name, relationships by their two ends. */
export async function labelTargets(
  db: OrgDb,
  scope: OrgScope,
  kind: 'participant' | 'relationship',
  ids: readonly string[],
): Promise<Map<string, TargetLabel>> {
  return kind === 'relationship' ? labelRelationships(db, scope, ids) : labelParticipants(db, scope, ids);
}

export interface InterventionPerson {
  userId: string;
  name: string;
  email: string;
}

/**
 * The people who made or reversed interventions in this org, by name. Users are not org data, so the
 * org's interventions bound the lookup: no name of anyone outside the org can come back.
 */
export async function listInterventionPeople(
  db: OrgDb,
  scope: OrgScope,
  onlyUserIds?: readonly string[],
): Promise<InterventionPerson[]> {
  if (onlyUserIds?.length === 0) return [];
  const only = onlyUserIds ? sql`u.id = ANY(${sql.param([...onlyUserIds])}::uuid[]) AND` : sql``;
  return queryRows<InterventionPerson>(
    db,
    sql`SELECT u.id AS "userId", u.name, u.email FROM users u
        WHERE ${only} u.id IN (
          SELECT i.operator_user_id FROM interventions i
          WHERE i.org_id = ${scope.orgId} AND i.operator_user_id IS NOT NULL
          UNION
          SELECT i.reversed_by_user_id FROM interventions i
          WHERE i.org_id = ${scope.orgId} AND i.reversed_by_user_id IS NOT NULL)
        ORDER BY lower(u.name), u.email`,
  );
}
