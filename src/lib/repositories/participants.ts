import { and, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { compiledSql } from '../database/compiled-sql';
import { queryRows } from '../db';
import type { InOrgWithConnection, OrgDb } from '../database/with-org';
import type { ExportFormat } from '../export-format';
import { participants } from '../database/schema';
import { LIFECYCLE_STAGES, type LifecycleStage, type ParticipantSort } from '../domain';
import { AppError } from '../errors';
import { decodeCursor, toPage, type Page } from '../pagination';
import type { OrgScope } from '../scope';
import { cursorTimestampSchema, participantCursorSchema } from '../validation/cursors';
import type { ParticipantFilters, participantDetailSchema } from '../validation/participants';
import { exportTime, renderedPages, type ExportColumns } from './export-lines';
import { isoMicros } from './keyset';
import { getSegmentSettings, segmentCondition } from './segments';
import { isoMillis } from './iso-time';
import { jsonRows } from './json-rows';
import { linksOfParticipant } from './relationships';
import { participantControls } from './target-state';

export interface ParticipantRow {
  id: string;
  displayName: string;
  email: string | null;
  role: string;
  origin: string;
  lifecycleStage: LifecycleStage;
  lastActivityAt: string | null;
  createdAt: string;
  degree: number;
}

// Aliased `p`: the segment conditions (repositories/segments.ts) are written against that name.
const p = alias(participants, 'p');

const degree = sql<number>`(${p.outDegree} + ${p.inDegree})`;

const columns = {
  id: p.id,
  displayName: p.displayName,
  email: p.email,
  role: p.role,
  origin: p.origin,
  lifecycleStage: sql<LifecycleStage>`${p.lifecycleStage}`,
  lastActivityAt: p.lastActivityAt,
  createdAt: p.createdAt,
  degree: degree.mapWith(Number),
};

const toParticipant = (
  row: { lastActivityAt: Date | null; createdAt: Date } & Omit<
    ParticipantRow,
    'lastActivityAt' | 'createdAt'
  >,
) => ({
  ...row,
  lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
});

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// Sorting. Each order is (key, id), both ascending or both descending, so that one index on
// (org_id, key, id) serves it in either direction (migration 0006). Keys travel in cursors as text:
// timestamps at microsecond precision, or rows sharing a millisecond would be skipped.
// last_activity_at is NULL for participants never active: they count as the least recently active,
// first in ascending order and last in descending. A row comparison cannot step over NULLs, so that
// order is read in two phases — the NULL rows by id, and the dated rows by (key, id) — and a page may
// span both.

type SortField = 'name' | 'lastActivity' | 'degree' | 'created';

const SORT_FIELDS: Record<SortField, { key: SQL; text: SQL<string | null>; cast: SQL }> = {
  name: { key: sql`${p.displayName}`, text: sql`${p.displayName}`, cast: sql`text` },
  lastActivity: { key: sql`${p.lastActivityAt}`, text: isoMicros(p.lastActivityAt), cast: sql`timestamptz` },
  degree: { key: degree, text: sql`${degree}::text`, cast: sql`int` },
  created: { key: sql`${p.createdAt}`, text: isoMicros(p.createdAt), cast: sql`timestamptz` },
};

const CURSOR_KEYS: Record<SortField, z.ZodType<string>> = {
  name: z.string(),
  lastActivity: z.union([z.literal(''), cursorTimestampSchema]),
  degree: z.string().regex(/^\d{1,9}$/),
  created: cursorTimestampSchema,
};

/** Where a page starts: after the row with this sort key (null: never active) and id. */
interface SortKey {
  key: string | null;
  id: string;
}

function parseSort(sort: ParticipantSort) {
  const descending = sort.startsWith('-');
  return { field: (descending ? sort.slice(1) : sort) as SortField, descending };
}

function decodeSortCursor(cursor: string, sort: ParticipantSort): SortKey {
  const { field } = parseSort(sort);
  const value = decodeCursor(cursor, participantCursorSchema);
  const wrongSort = value.sort !== sort;
  if (wrongSort || !CURSOR_KEYS[field].safeParse(value.key).success) {
    throw new AppError('bad_request', 'The cursor is not valid.', [
      {
        path: 'cursor',
        message: wrongSort ? 'belongs to another sort order' : 'is not a cursor from this list',
      },
    ]);
  }
  return { key: field === 'lastActivity' && value.key === '' ? null : value.key, id: value.id };
}

function encodeSortKey(sort: ParticipantSort, row: { sortKey: string | null; id: string }) {
  return { sort, key: row.sortKey ?? '', id: row.id };
}

/** The phases of an order: a condition for the rows of each, and how each is ordered. */
function sortPhases(sort: ParticipantSort) {
  const { field, descending } = parseSort(sort);
  const f = SORT_FIELDS[field];
  const dir = descending ? sql`DESC` : sql`ASC`;
  const beyond = descending ? sql`<` : sql`>`;
  const dated = {
    nulls: false,
    where: (after?: SortKey) =>
      after
        ? sql`(${f.key}, ${p.id}) ${beyond} (${after.key}::${f.cast}, ${after.id}::uuid)`
        : field === 'lastActivity'
          ? sql`${p.lastActivityAt} IS NOT NULL`
          : undefined,
    orderBy: [sql`${f.key} ${dir}`, sql`${p.id} ${dir}`],
  };
  if (field !== 'lastActivity') return [dated];
  const never = {
    nulls: true,
    where: (after?: SortKey) =>
      and(sql`${p.lastActivityAt} IS NULL`, after ? sql`${p.id} ${beyond} ${after.id}::uuid` : undefined),
    orderBy: [sql`${p.id} ${dir}`],
  };
  return descending ? [dated, never] : [never, dated];
}

// A term with three letters or digits in a row has trigrams for the indexes to look up; a shorter one
// would read the whole index, and the list's own order finds its matches sooner.
const INDEXED_TERM = /[\p{L}\p{N}]{3}/u;

/**
 * Name or email containing the term. With trigrams to look up, the matching ids come from
 * app_search_participants, which can use the trigram indexes that row-level security keeps the
 * app's own ILIKE from (docs/decisions/037); the ILIKE stays, so the answer is the same either way.
 */
function searchCondition(term: string, pattern: string): SQL | undefined {
  const matches = or(ilike(p.displayName, pattern), ilike(p.email, pattern));
  if (!INDEXED_TERM.test(term)) return matches;
  return and(sql`${p.id} IN (SELECT app_search_participants(${pattern}))`, matches);
}

async function filterConditions(db: OrgDb, scope: OrgScope, filters: Omit<ParticipantFilters, 'sort'>) {
  const pattern = filters.q ? `%${escapeLike(filters.q)}%` : undefined;
  const segment = filters.segment
    ? segmentCondition(filters.segment, scope, await getSegmentSettings(db, scope))
    : undefined;
  return and(
    eq(p.orgId, scope.orgId),
    pattern ? searchCondition(filters.q!, pattern) : undefined,
    filters.stage ? eq(p.lifecycleStage, filters.stage) : undefined,
    filters.role ? eq(p.role, filters.role) : undefined,
    segment,
  );
}

/** Up to `limit` rows of the order after `after`, going on into the next phase when one runs out. */
async function fetchSorted(
  db: OrgDb,
  filter: SQL | undefined,
  sort: ParticipantSort,
  limit: number,
  after?: SortKey,
) {
  const phases = sortPhases(sort);
  let start = 0;
  if (after && phases.length > 1) start = phases.findIndex((ph) => ph.nulls === (after.key === null));
  const rows = [];
  for (let i = start; i < phases.length && rows.length < limit; i++) {
    const phase = phases[i]!;
    const batch = await db
      .select({ ...columns, sortKey: SORT_FIELDS[parseSort(sort).field].text })
      .from(p)
      .where(and(filter, phase.where(i === start ? after : undefined)))
      .orderBy(...phase.orderBy)
      .limit(limit - rows.length);
    rows.push(...batch);
  }
  return rows;
}

type ListInput = Omit<ParticipantFilters, 'sort'> & {
  sort?: ParticipantSort;
  limit: number;
  cursor?: string;
};

/** A page of the org's participants in the chosen order (by name unless told), with the list's filters. */
export async function listParticipants(
  db: OrgDb,
  scope: OrgScope,
  query: ListInput,
): Promise<Page<ParticipantRow>> {
  const sort = query.sort ?? 'name';
  const after = query.cursor ? decodeSortCursor(query.cursor, sort) : undefined;
  const filter = await filterConditions(db, scope, query);
  const rows = await fetchSorted(db, filter, sort, query.limit + 1, after);
  const page = toPage(rows, query.limit, (last) => encodeSortKey(sort, last));
  return {
    items: page.items.map(({ sortKey: _key, ...row }) => toParticipant(row)),
    nextCursor: page.nextCursor,
  };
}

/** A participant as an export writes it (CSV columns in this order). */
const exportColumns: ExportColumns = [
  ['id', sql`${p.id}`],
  ['displayName', sql`${p.displayName}`],
  ['email', sql`${p.email}`],
  ['role', sql`${p.role}`],
  ['origin', sql`${p.origin}`],
  ['lifecycleStage', sql`${p.lifecycleStage}`],
  ['degree', degree],
  ['lastActivityAt', exportTime(p.lastActivityAt, 3)],
  ['createdAt', exportTime(p.createdAt, 3)],
];

/**
 * Every matching participant in the list's order, as export lines rendered by PostgreSQL in keyset
 * pages, each in its own scoped transaction (as exportEventLines; docs/decisions/040).
 */
export async function* exportParticipantLines(
  inOrg: InOrgWithConnection,
  scope: OrgScope,
  filters: ParticipantFilters,
  format: ExportFormat,
  pageSize = 20_000,
): AsyncGenerator<string | Uint8Array> {
  const filter = await inOrg((tx) => filterConditions(tx, scope, filters));
  const sortKey = SORT_FIELDS[parseSort(filters.sort).field].key;
  const phases = sortPhases(filters.sort).map((phase) => (last: (string | null)[] | undefined) => ({
    from: sql`FROM participants p WHERE ${and(filter, phase.where(last && { key: last[0] ?? null, id: last[1]! }))}`,
    orderBy: sql.join(phase.orderBy, sql`, `),
    limit: pageSize,
    key: [sortKey, sql`${p.id}`],
  }));
  yield* renderedPages(inOrg, format, exportColumns, phases);
}

// The detail view shows the strongest links first; a hub's full neighbourhood belongs to the graph view.
const DETAIL_RELATIONSHIP_LIMIT = 100;
const DETAIL_LIST_LIMIT = 20;
const STAGE_HISTORY_LIMIT = 50;

/**
 * `columns` of the newest audit events whose target is this participant (of one type, when given),
 * `e` joined to its actor `u`.
 */
const newestEventsAbout = (scope: OrgScope, id: string, columns: SQL, limit: number, type?: string) =>
  sql`SELECT ${columns}
      FROM events e LEFT JOIN users u ON u.id = e.actor_user_id
      WHERE e.org_id = ${scope.orgId} AND e.target_type = 'participant' AND e.target_id = ${id}
        ${type ? sql`AND e.event_type = ${type}` : sql``}
      ORDER BY e.created_at DESC, e.id DESC LIMIT ${limit}`;

/** The newest audit events whose target is this participant, with the actor. */
const recentEventsAbout = (scope: OrgScope, id: string) =>
  jsonRows(
    newestEventsAbout(
      scope,
      id,
      sql`e.id, e.event_type AS "eventType", e.actor_user_id AS "actorUserId", u.email AS "actorEmail",
          e.actor_role AS "actorRole", e.metadata, ${isoMillis(sql`e.created_at`)} AS "createdAt",
          e.created_at AS at`,
      DETAIL_LIST_LIMIT,
    ),
    sql`r.at DESC, r.id DESC`,
  );

/** A stage named by a stage change's metadata (`from` or `to`); null when it names none. */
const stageIn = (key: 'from' | 'to') =>
  sql`CASE WHEN s.metadata->>${key} = ANY(${sql.param([...LIFECYCLE_STAGES])}::text[]) THEN s.metadata->>${key} END`;

/**
 * The participant's stage changes (`participant.stage_changed` events), newest first, as the detail
 * shows them: the stages moved between, the intervention that made the change, whether it reversed
 * one, and why a stage update (cause `engine`) promoted or demoted (null for an operator's change).
 */
const stageHistoryOf = (scope: OrgScope, id: string) =>
  sql`(SELECT coalesce(json_agg(json_build_object(
         'id', s.id, 'at', ${isoMillis(sql`s.created_at`)}, 'from', ${stageIn('from')}, 'to', ${stageIn('to')},
         'interventionId', CASE WHEN jsonb_typeof(s.metadata->'interventionId') = 'string'
                                THEN s.metadata->>'interventionId' END,
         'reversal', coalesce(s.metadata->'reversal' = 'true'::jsonb, false),
         'actorEmail', s.email,
         'stageUpdate', CASE WHEN s.metadata->'cause' = '"engine"'::jsonb
                              AND s.metadata->'reason' IN ('"promoted"'::jsonb, '"demoted"'::jsonb)
                             THEN s.metadata->>'reason' END
       ) ORDER BY s.created_at DESC, s.id DESC), '[]')
     FROM (${newestEventsAbout(
       scope,
       id,
       sql`e.id, e.created_at, e.metadata, u.email`,
       STAGE_HISTORY_LIMIT,
       'participant.stage_changed',
     )}) s)`;

/** Everything the participant detail shows (the API's ParticipantDetail). */
export type ParticipantDetail = z.infer<typeof participantDetailSchema>;

// The detail's statement, built once (decision 052). The fragments it shares with other statements
// take a scope and an id; here both stand for placeholders (they read nothing of a scope but its org).
// PostgreSQL writes the whole answer (decision 066): the API sends its text as it comes.
const detailStatement = compiledSql(
  'participants.findParticipantDetail',
  ['org', 'id'],
  ({ org, id: idPlaceholder }) => {
    const scope = { orgId: org } as unknown as OrgScope;
    const id = idPlaceholder as unknown as string;
    return sql`SELECT json_build_object(
        'participant', json_build_object('id', p.id, 'displayName', p.display_name, 'email', p.email,
          'role', p.role, 'origin', p.origin, 'lifecycleStage', p.lifecycle_stage,
          'lastActivityAt', ${isoMillis(sql`p.last_activity_at`)}, 'createdAt', ${isoMillis(sql`p.created_at`)},
          'degree', p.out_degree + p.in_degree),
        'erasedAt', ${isoMillis(sql`p.erased_at`)},
        'controls', ${participantControls(scope, id)},
        'relationships', ${jsonRows(linksOfParticipant(scope, id, DETAIL_RELATIONSHIP_LIMIT), sql`r.confidence DESC, r.id`)},
        -- The degree counters (kept by triggers on relationships) count every relationship, shown or not.
        'relationshipCount', p.out_degree + p.in_degree,
        'recommendations', ${jsonRows(
          sql`SELECT id, suggested_action AS "suggestedAction", reason, confidence, status,
                     ${isoMillis(sql`created_at`)} AS "createdAt", created_at AS at
              FROM recommendations
              WHERE org_id = ${org} AND target_type = 'participant' AND target_id = ${id}
              ORDER BY created_at DESC LIMIT ${DETAIL_LIST_LIMIT}`,
          sql`r.at DESC`,
        )},
        'interventions', ${jsonRows(
          sql`SELECT id, type, scope, reason, ${isoMillis(sql`created_at`)} AS "createdAt",
                     ${isoMillis(sql`reversed_at`)} AS "reversedAt", created_at AS at
              FROM interventions WHERE org_id = ${org} AND target_ids @> ARRAY[${id}]::uuid[]
              ORDER BY created_at DESC LIMIT ${DETAIL_LIST_LIMIT}`,
          sql`r.at DESC`,
        )},
        'recentEvents', ${recentEventsAbout(scope, id)},
        'stageHistory', ${stageHistoryOf(scope, id)}
      )::text AS json, p.out_degree + p.in_degree AS "relationshipCount"
      FROM participants p WHERE p.org_id = ${org} AND p.id = ${id}`;
  },
);

/**
 * Everything the participant detail shows, each part limited and filtered by the org, as the JSON text
 * of a ParticipantDetail, and how many relationships the participant has: one statement, so the view
 * costs one round trip (and reads one snapshot) however many parts it has. Undefined when the
 * participant is not in this org.
 */
export async function findParticipantDetailJson(
  db: OrgDb,
  scope: OrgScope,
  id: string,
): Promise<{ json: string; relationshipCount: number } | undefined> {
  const [detail] = await queryRows<{ json: string; relationshipCount: number }>(
    db,
    detailStatement({ org: scope.orgId, id }),
  );
  return detail;
}

const ROLE_OPTIONS_LIMIT = 100;

/**
 * The org's distinct participant roles, by name (the list's role filter). A loose index scan on
 * (org_id, role): one index probe per role, where DISTINCT would read every participant.
 */
export async function listParticipantRoles(db: OrgDb, scope: OrgScope): Promise<string[]> {
  const rows = await queryRows<{ role: string }>(
    db,
    sql`WITH RECURSIVE roles AS (
          (SELECT role FROM participants WHERE org_id = ${scope.orgId} ORDER BY role LIMIT 1)
          UNION ALL
          SELECT (SELECT role FROM participants WHERE org_id = ${scope.orgId} AND role > r.role ORDER BY role LIMIT 1)
          FROM roles r WHERE r.role IS NOT NULL
        )
        SELECT role FROM roles WHERE role IS NOT NULL LIMIT ${ROLE_OPTIONS_LIMIT}`,
  );
  return rows.map((r) => r.role);
}
