import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '../db';
import type { LifecycleStage } from '../domain';
import type { ExportFormat } from '../export-format';
import { exportTime, renderedPages, type ExportColumns } from './export-lines';
import { isoMillis } from './iso-time';
import { keysetPages } from './keyset';
import type { InOrgWithConnection, OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';

// Relationship reads: edges for the graph, and one participant's links for its detail view.

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  type: string;
  confidence: number;
}

const edgeColumns = sql`r.id, r.from_participant_id AS source, r.to_participant_id AS target, r.type, r.confidence_score AS confidence`;
/** `AND` the relationship (aliased r) is at least this confident; nothing when no minimum is asked. */
export const confidenceAtLeast = (min: number | undefined) =>
  min !== undefined ? sql`AND r.confidence_score >= ${min}` : sql``;
const toEdge = (r: GraphEdge): GraphEdge => ({ ...r, confidence: Number(r.confidence) });

/**
 * The org's relationships in id order, a keyset page at a time (see `keysetPages`; `pause` between
 * pages for a request's heavy read). `among`, a query of participant ids (aliased `id`), keeps the
 * relationships with both ends in it; without it, no need to test the endpoints.
 */
export function orgEdgePages(
  db: OrgDb,
  scope: OrgScope,
  options: { minConfidence: number | undefined; among?: SQL; pageSize: number },
  pause?: () => Promise<void>,
): AsyncGenerator<GraphEdge[]> {
  const among = options.among
    ? sql`JOIN (${options.among}) a ON a.id = r.from_participant_id JOIN (${options.among}) b ON b.id = r.to_participant_id`
    : sql``;
  return keysetPages<GraphEdge>(
    options.pageSize,
    'r.id',
    async (after, limit) =>
      (
        await queryRows<GraphEdge>(
          db,
          sql`SELECT ${edgeColumns} FROM relationships r ${among}
              WHERE r.org_id = ${scope.orgId} ${confidenceAtLeast(options.minConfidence)} ${after}
              ORDER BY r.id LIMIT ${limit}`,
        )
      ).map(toEdge),
    pause,
  );
}

/** The relationships (aliased r) whose both ends are among `ids`, as a WHERE clause. */
const endsAmong = (scope: OrgScope, ids: string[], minConfidence: number | undefined) =>
  sql`r.org_id = ${scope.orgId}
      AND r.from_participant_id = ANY(${sql.param(ids)}::uuid[])
      AND r.to_participant_id = ANY(${sql.param(ids)}::uuid[])
      ${confidenceAtLeast(minConfidence)}`;

/** The relationships whose both ends are among `ids` (at most `limit`). */
export async function listEdgesAmong(
  db: OrgDb,
  scope: OrgScope,
  ids: string[],
  minConfidence: number | undefined,
  limit: number,
): Promise<GraphEdge[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<GraphEdge>(
    db,
    sql`SELECT ${edgeColumns} FROM relationships r WHERE ${endsAmong(scope, ids, minConfidence)}
        ORDER BY r.id LIMIT ${Math.min(limit, 2 ** 31 - 1)}`,
  );
  return rows.map(toEdge);
}

/**
 * The relationships whose both ends are among `ids`, in id order, as the JSON text of GraphEdge objects
 * joined by commas (written by PostgreSQL: docs/decisions/057), and how many.
 */
export async function edgesAmongText(
  db: OrgDb,
  scope: OrgScope,
  ids: string[],
  minConfidence: number | undefined,
): Promise<{ count: number; json: string }> {
  if (ids.length === 0) return { count: 0, json: '' };
  const [row] = await queryRows<{ count: number; json: string | null }>(
    db,
    sql`SELECT count(*)::int AS count, string_agg(row_to_json(e)::text, ',' ORDER BY e.id) AS json
        FROM (SELECT ${edgeColumns} FROM relationships r WHERE ${endsAmong(scope, ids, minConfidence)}) e`,
  );
  return { count: row?.count ?? 0, json: row?.json ?? '' };
}

export interface ParticipantLink {
  id: string;
  direction: 'outgoing' | 'incoming';
  otherParticipantId: string;
  otherDisplayName: string;
  /** The other participant's stage (the ego-graph colours it). */
  otherLifecycleStage: LifecycleStage;
  type: string;
  source: string;
  confidence: number;
  createdAt: string;
}

/**
 * A participant's relationships in both directions, strongest first, with the other participant's name
 * and stage: the rows, for a larger statement (the participant detail's).
 */
export const linksOfParticipant = (scope: OrgScope, participantId: string, limit: number) =>
  sql`SELECT r.id, 'outgoing' AS direction, r.to_participant_id AS "otherParticipantId", o.display_name AS "otherDisplayName",
             o.lifecycle_stage AS "otherLifecycleStage", r.type, r.source, r.confidence_score AS confidence,
             ${isoMillis(sql`r.created_at`)} AS "createdAt"
      FROM relationships r JOIN participants o ON o.org_id = r.org_id AND o.id = r.to_participant_id
      WHERE r.org_id = ${scope.orgId} AND r.from_participant_id = ${participantId}
      UNION ALL
      SELECT r.id, 'incoming', r.from_participant_id, o.display_name, o.lifecycle_stage, r.type, r.source,
             r.confidence_score, ${isoMillis(sql`r.created_at`)}
      FROM relationships r JOIN participants o ON o.org_id = r.org_id AND o.id = r.from_participant_id
      WHERE r.org_id = ${scope.orgId} AND r.to_participant_id = ${participantId}
      ORDER BY confidence DESC, id
      LIMIT ${limit}`;

/** A relationship as an export writes it (CSV columns in this order): its two participants by email
 * too, so a file imports back. */
const exportColumns: ExportColumns = [
  ['id', sql`r.id`],
  ['fromEmail', sql`pf.email`],
  ['toEmail', sql`pt.email`],
  ['type', sql`r.type`],
  ['source', sql`r.source`],
  ['confidence', sql`r.confidence_score`],
  ['fromParticipantId', sql`r.from_participant_id`],
  ['toParticipantId', sql`r.to_participant_id`],
  ['createdAt', exportTime(sql`r.created_at`, 3)],
];

/**
 * Every relationship of the org (at least `minConfidence`) in id order, as export lines rendered by
 * PostgreSQL in keyset pages, each in its own scoped transaction (as exportParticipantLines).
 */
export function exportRelationshipLines(
  inOrg: InOrgWithConnection,
  scope: OrgScope,
  minConfidence: number | undefined,
  format: ExportFormat,
  pageSize = 20_000,
): AsyncGenerator<string | Uint8Array> {
  return renderedPages(inOrg, format, exportColumns, [
    (after) => ({
      from: sql`FROM relationships r
        JOIN participants pf ON pf.org_id = r.org_id AND pf.id = r.from_participant_id
        JOIN participants pt ON pt.org_id = r.org_id AND pt.id = r.to_participant_id
        WHERE r.org_id = ${scope.orgId} ${confidenceAtLeast(minConfidence)}
          ${after === undefined ? sql`` : sql`AND r.id > ${after[0]}`}`,
      orderBy: sql`r.id`,
      limit: pageSize,
      key: [sql`r.id`],
    }),
  ]);
}
