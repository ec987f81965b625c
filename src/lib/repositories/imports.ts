import { sql, type SQL } from 'drizzle-orm';
import type { PoolClient } from 'pg';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { ImportKindName } from '../import/kinds';
import type { OrgScope } from '../scope';
import { copySink, unnestSink, type RowSink } from '../seed/bulk-load';

// Where each import's rows land: the rows go to a temporary staging table (COPY, or multi-row
// INSERTs on the embedded database), are judged there against the org's rows in a few set-based
// statements, and are applied with one UPDATE and one INSERT. Every statement names the org; the
// transaction is bound to it (row-level security), so another org's rows can neither match nor change.

interface StagedKind {
  /** The staged columns and their SQL types, in the order of the kind's columns (src/lib/import/kinds.ts). */
  columns: [name: string, type: string][];
  /** Extra staging columns the judging fills. */
  extraStaging: string;
  /** Marks staged rows that cannot be imported: `problem_column`, `problem_value`, `problem`. */
  judge(tx: OrgDb, scope: OrgScope): Promise<void>;
  /** Per staged row: `key` (what identifies it to a person), `outcome` and `changes` (column names). */
  outcomes(scope: OrgScope): SQL;
  /** Applies the staged rows (none rejected) as judged in the outcomes table. */
  apply(tx: OrgDb, scope: OrgScope): Promise<void>;
}

const STAGING = 'import_staging';
const staging = sql.raw(STAGING);
/** What each staged row does, judged once: the counts, the report and the apply all read it. */
const outcomesTable = sql.raw('import_outcomes');

/** A change where the file gives a value (an empty cell keeps the current one). */
const changed = (column: string, current: string, compare = (v: string) => v) =>
  sql.raw(
    `CASE WHEN s.${column} IS NOT NULL AND ${compare(`s.${column}`)} IS DISTINCT FROM ${compare(current)} THEN '${column}' END`,
  );

/** Timestamps compare at the millisecond an export writes. */
const toMs = (v: string) => `date_trunc('milliseconds', ${v})`;

/** Later rows naming the same thing as an earlier one are rejected (`key` an expression on s). */
async function rejectRepeats(tx: OrgDb, key: string, column: string, value: string): Promise<void> {
  await tx.execute(
    sql.raw(`UPDATE ${STAGING} s SET problem_column = '${column}', problem_value = ${value},
               problem = 'repeats row ' || d.first_row
             FROM (SELECT ${key} AS k, min(row) AS first_row FROM ${STAGING} s
                   WHERE problem IS NULL GROUP BY 1 HAVING count(*) > 1) d
             WHERE ${key} = d.k AND s.row > d.first_row AND s.problem IS NULL`),
  );
}

const participants: StagedKind = {
  columns: [
    ['email', 'text'],
    ['display_name', 'text'],
    ['role', 'text'],
    ['origin', 'text'],
    ['lifecycle_stage', 'text'],
    ['last_activity_at', 'timestamptz'],
    ['created_at', 'timestamptz'],
  ],
  extraStaging: '',
  async judge(tx) {
    await rejectRepeats(tx, 'lower(s.email)', 'email', 's.email');
  },
  outcomes: (scope) => sql`
    SELECT s.row, s.email AS key, s.problem_column, s.problem_value, s.problem, p.id AS target_id,
           CASE WHEN s.problem IS NOT NULL THEN 'rejected' WHEN p.id IS NULL THEN 'created'
                WHEN cardinality(c.changes) > 0 THEN 'updated' ELSE 'unchanged' END AS outcome,
           CASE WHEN p.id IS NULL OR s.problem IS NOT NULL THEN '{}'::text[] ELSE c.changes END AS changes
    FROM ${staging} s
    LEFT JOIN participants p ON p.org_id = ${scope.orgId} AND lower(p.email) = lower(s.email)
    CROSS JOIN LATERAL (SELECT array_remove(ARRAY[
      ${changed('display_name', 'p.display_name')}, ${changed('role', 'p.role')},
      ${changed('origin', 'p.origin')}, ${changed('lifecycle_stage', 'p.lifecycle_stage')},
      ${changed('last_activity_at', 'p.last_activity_at', toMs)}, ${changed('created_at', 'p.created_at', toMs)}
    ]::text[], NULL) AS changes) c`,
  async apply(tx, scope) {
    await tx.execute(sql`
      UPDATE participants p SET
        display_name = s.display_name, role = s.role,
        origin = coalesce(s.origin, p.origin),
        lifecycle_stage = coalesce(s.lifecycle_stage, p.lifecycle_stage),
        last_activity_at = CASE WHEN s.last_activity_at IS NULL
          OR date_trunc('milliseconds', p.last_activity_at) = s.last_activity_at THEN p.last_activity_at
          ELSE s.last_activity_at END,
        created_at = CASE WHEN s.created_at IS NULL
          OR date_trunc('milliseconds', p.created_at) = s.created_at THEN p.created_at ELSE s.created_at END
      FROM ${staging} s JOIN ${outcomesTable} o ON o.row = s.row AND o.outcome = 'updated'
      WHERE p.org_id = ${scope.orgId} AND p.id = o.target_id`);
    await tx.execute(sql`
      INSERT INTO participants (org_id, email, display_name, role, origin, lifecycle_stage, last_activity_at, created_at)
      SELECT ${scope.orgId}, s.email, s.display_name, s.role, coalesce(s.origin, 'import'),
             coalesce(s.lifecycle_stage, 'new'), s.last_activity_at, coalesce(s.created_at, now())
      FROM ${staging} s JOIN ${outcomesTable} o ON o.row = s.row AND o.outcome = 'created'`);
  },
};

const relationships: StagedKind = {
  columns: [
    ['from_email', 'text'],
    ['to_email', 'text'],
    ['type', 'text'],
    ['source', 'text'],
    ['confidence', 'double precision'],
    ['created_at', 'timestamptz'],
  ],
  extraStaging: ', from_id uuid, to_id uuid',
  async judge(tx, scope) {
    for (const end of ['from', 'to'] as const) {
      await tx.execute(sql`
        UPDATE ${staging} s SET ${sql.raw(`${end}_id`)} = p.id FROM participants p
        WHERE p.org_id = ${scope.orgId} AND lower(p.email) = lower(${sql.raw(`s.${end}_email`)})`);
      await tx.execute(
        sql.raw(`UPDATE ${STAGING} SET problem_column = '${end}_email', problem_value = ${end}_email,
                   problem = 'no participant of this org has this email'
                 WHERE ${end}_id IS NULL AND problem IS NULL`),
      );
    }
    await tx.execute(
      sql.raw(`UPDATE ${STAGING} SET problem_column = 'to_email', problem_value = to_email,
                 problem = 'is the same participant as from_email: a relationship links two'
               WHERE from_id = to_id AND problem IS NULL`),
    );
    await rejectRepeats(
      tx,
      `(s.from_id, s.to_id, s.type)`,
      'type',
      `s.from_email || ' → ' || s.to_email || ' (' || s.type || ')'`,
    );
  },
  outcomes: (scope) => sql`
    SELECT s.row, s.from_email || ' → ' || s.to_email || ' (' || s.type || ')' AS key,
           s.problem_column, s.problem_value, s.problem, r.id AS target_id,
           CASE WHEN s.problem IS NOT NULL THEN 'rejected' WHEN r.id IS NULL THEN 'created'
                WHEN cardinality(c.changes) > 0 THEN 'updated' ELSE 'unchanged' END AS outcome,
           CASE WHEN r.id IS NULL OR s.problem IS NOT NULL THEN '{}'::text[] ELSE c.changes END AS changes
    FROM ${staging} s
    LEFT JOIN relationships r ON r.org_id = ${scope.orgId} AND r.from_participant_id = s.from_id
      AND r.to_participant_id = s.to_id AND r.type = s.type
    CROSS JOIN LATERAL (SELECT array_remove(ARRAY[
      ${changed('source', 'r.source')}, ${changed('confidence', 'r.confidence_score')},
      ${changed('created_at', 'r.created_at', toMs)}
    ]::text[], NULL) AS changes) c`,
  async apply(tx, scope) {
    await tx.execute(sql`
      UPDATE relationships r SET source = coalesce(s.source, r.source),
        confidence_score = coalesce(s.confidence, r.confidence_score),
        created_at = CASE WHEN s.created_at IS NULL
          OR date_trunc('milliseconds', r.created_at) = s.created_at THEN r.created_at ELSE s.created_at END
      FROM ${staging} s JOIN ${outcomesTable} o ON o.row = s.row AND o.outcome = 'updated'
      WHERE r.org_id = ${scope.orgId} AND r.id = o.target_id`);
    await tx.execute(sql`
      INSERT INTO relationships (org_id, from_participant_id, to_participant_id, type, source, confidence_score, created_at)
      SELECT ${scope.orgId}, s.from_id, s.to_id, s.type, coalesce(s.source, 'import'), coalesce(s.confidence, 1),
             coalesce(s.created_at, now())
      FROM ${staging} s JOIN ${outcomesTable} o ON o.row = s.row AND o.outcome = 'created'`);
  },
};

const STAGED: Record<ImportKindName, StagedKind> = { participants, relationships };

/** The staging table of `kind`, dropped when the transaction ends. */
export async function createStaging(tx: OrgDb, kind: ImportKindName): Promise<void> {
  const { columns, extraStaging } = STAGED[kind];
  const list = columns.map(([name, type]) => `${name} ${type}`).join(', ');
  await tx.execute(
    sql.raw(`CREATE TEMPORARY TABLE ${STAGING} (row integer NOT NULL, ${list}${extraStaging},
               problem_column text, problem_value text, problem text) ON COMMIT DROP`),
  );
}

/** Where rows go into the staging table: COPY through `connection` when there is one. */
export function stagingSink(tx: OrgDb, connection: PoolClient | undefined, kind: ImportKindName): RowSink {
  const columns: [string, string][] = [['row', 'integer'], ...STAGED[kind].columns];
  if (connection)
    return copySink(
      connection,
      STAGING,
      columns.map(([name]) => name),
    );
  return unnestSink(
    tx,
    STAGING,
    columns.map(([name, type]) => ({ name, type })),
  );
}

export type StagedOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface StagedRow {
  row: number;
  key: string;
  outcome: StagedOutcome;
  changes: string[];
  problem_column: string | null;
  problem_value: string | null;
  problem: string | null;
}

/**
 * Judges the staged rows against the org's: marks those that cannot be imported, then counts what each
 * would do and lists `limit` of them (rejected first, then by row).
 */
export async function judgeStaged(tx: OrgDb, scope: OrgScope, kind: ImportKindName, limit: number) {
  const staged = STAGED[kind];
  await tx.execute(sql.raw(`ANALYZE ${STAGING}`));
  await staged.judge(tx, scope);
  await tx.execute(sql`CREATE TEMPORARY TABLE ${outcomesTable} ON COMMIT DROP AS ${staged.outcomes(scope)}`);
  const totals = await queryRows<{ outcome: StagedOutcome; n: number }>(
    tx,
    sql`SELECT outcome, count(*)::int AS n FROM ${outcomesTable} GROUP BY outcome`,
  );
  const rows = await queryRows<StagedRow>(
    tx,
    sql`SELECT row, key, outcome, changes, problem_column, problem_value, problem FROM ${outcomesTable}
        ORDER BY (outcome = 'rejected') DESC, row LIMIT ${limit}`,
  );
  return { totals, rows };
}

/** Writes the staged rows (none rejected) into the org's table. */
export function applyStaged(tx: OrgDb, scope: OrgScope, kind: ImportKindName): Promise<void> {
  return STAGED[kind].apply(tx, scope);
}
