import { sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { LifecycleStage } from '../domain';
import type { OrgScope } from '../scope';
import type { ReviewFlagState } from '../validation/interventions';
import { isoMillis } from './iso-time';
import { jsonRows } from './json-rows';

// The state that interventions change, read and written per target in set-based statements (a bulk
// intervention of 10,000 participants is a handful of queries, not 10,000).

export interface ParticipantState {
  lifecycleStage: LifecycleStage;
  outreachPaused: boolean;
  flaggedForReview: boolean;
  recommendationsSuppressed: boolean;
  recommendationsSuppressedUntil: string | null;
}

/** Any subset of the fields of a participant's state, as an intervention of one type writes it. */
export type ParticipantStateChange = Partial<ParticipantState>;

/** The participants' current state, locked (FOR UPDATE) until the transaction ends. */
export function lockParticipantStates(tx: OrgDb, scope: OrgScope, ids: readonly string[]) {
  return selectParticipantStates(tx, scope, ids, true);
}

/** The participants' current state, without locking (for a preview). */
export function readParticipantStates(db: OrgDb, scope: OrgScope, ids: readonly string[]) {
  return selectParticipantStates(db, scope, ids, false);
}

async function selectParticipantStates(
  tx: OrgDb,
  scope: OrgScope,
  ids: readonly string[],
  lock: boolean,
): Promise<Map<string, ParticipantState>> {
  const rows = await queryRows<ParticipantState & { id: string }>(
    tx,
    sql`SELECT p.id, p.lifecycle_stage AS "lifecycleStage",
               coalesce(c.outreach_paused, false) AS "outreachPaused",
               coalesce(c.flagged_for_review, false) AS "flaggedForReview",
               coalesce(c.recommendations_suppressed, false) AS "recommendationsSuppressed",
               to_char(c.recommendations_suppressed_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "recommendationsSuppressedUntil"
        FROM participants p
        LEFT JOIN participant_controls c ON c.org_id = p.org_id AND c.participant_id = p.id
        WHERE p.org_id = ${scope.orgId} AND p.id = ANY(${sql.param([...ids])}::uuid[])
        ORDER BY p.id
        ${lock ? sql`FOR UPDATE OF p` : sql``}`,
  );
  return new Map(rows.map(({ id, ...state }) => [id, state]));
}

const CONTROL_COLUMNS: Record<
  Exclude<keyof ParticipantState, 'lifecycleStage'>,
  { column: string; type: string }
> = {
  outreachPaused: { column: 'outreach_paused', type: 'boolean' },
  flaggedForReview: { column: 'flagged_for_review', type: 'boolean' },
  recommendationsSuppressed: { column: 'recommendations_suppressed', type: 'boolean' },
  recommendationsSuppressedUntil: { column: 'recommendations_suppressed_until', type: 'timestamptz' },
};

const STATE_FIELDS: readonly (keyof ParticipantState)[] = [
  'lifecycleStage',
  'outreachPaused',
  'flaggedForReview',
  'recommendationsSuppressed',
  'recommendationsSuppressedUntil',
];

/** Writes the given fields per participant; every entry of `changes` carries the same field names. */
export async function writeParticipantStates(
  tx: OrgDb,
  scope: OrgScope,
  changes: ReadonlyMap<string, ParticipantStateChange>,
): Promise<void> {
  if (changes.size === 0) return;
  const ids = [...changes.keys()];
  const first: ParticipantStateChange = changes.values().next().value ?? {};
  const fields = STATE_FIELDS.filter((f) => f in first);
  const values = (field: keyof ParticipantState) =>
    sql.param(ids.map((id) => changes.get(id)?.[field] ?? null));
  if (fields.includes('lifecycleStage')) {
    await tx.execute(sql`
      UPDATE participants p SET lifecycle_stage = v.stage
      FROM unnest(${sql.param(ids)}::uuid[], ${values('lifecycleStage')}::text[]) AS v(id, stage)
      WHERE p.org_id = ${scope.orgId} AND p.id = v.id`);
  }
  const controls = fields.filter((f) => f !== 'lifecycleStage');
  if (controls.length === 0) return;
  const columns = controls.map((f) => sql.raw(CONTROL_COLUMNS[f].column));
  const arrays = controls.map((f) => sql`${values(f)}::${sql.raw(CONTROL_COLUMNS[f].type)}[]`);
  await tx.execute(sql`
    INSERT INTO participant_controls (org_id, participant_id, ${sql.join(columns, sql`, `)}, updated_at)
    SELECT ${scope.orgId}::uuid, v.*, now() FROM unnest(${sql.param(ids)}::uuid[], ${sql.join(arrays, sql`, `)}) AS v
    ON CONFLICT (org_id, participant_id) DO UPDATE SET
      ${sql.join(
        columns.map((c) => sql`${c} = EXCLUDED.${c}`),
        sql`, `,
      )}, updated_at = now()`);
}

/** The relationships' review flag, locked until the transaction ends. */
export function lockRelationshipStates(tx: OrgDb, scope: OrgScope, ids: readonly string[]) {
  return selectRelationshipStates(tx, scope, ids, true);
}

/** The relationships' review flag, without locking (for a preview). */
export function readRelationshipStates(db: OrgDb, scope: OrgScope, ids: readonly string[]) {
  return selectRelationshipStates(db, scope, ids, false);
}

async function selectRelationshipStates(
  tx: OrgDb,
  scope: OrgScope,
  ids: readonly string[],
  lock: boolean,
): Promise<Map<string, ReviewFlagState>> {
  const rows = await queryRows<ReviewFlagState & { id: string }>(
    tx,
    sql`SELECT r.id, coalesce(c.flagged_for_review, false) AS "flaggedForReview"
        FROM relationships r
        LEFT JOIN relationship_controls c ON c.org_id = r.org_id AND c.relationship_id = r.id
        WHERE r.org_id = ${scope.orgId} AND r.id = ANY(${sql.param([...ids])}::uuid[])
        ORDER BY r.id
        ${lock ? sql`FOR UPDATE OF r` : sql``}`,
  );
  return new Map(rows.map(({ id, ...state }) => [id, state]));
}

export async function writeRelationshipFlags(
  tx: OrgDb,
  scope: OrgScope,
  changes: ReadonlyMap<string, ReviewFlagState>,
): Promise<void> {
  if (changes.size === 0) return;
  const ids = [...changes.keys()];
  await tx.execute(sql`
    INSERT INTO relationship_controls (org_id, relationship_id, flagged_for_review, updated_at)
    SELECT ${scope.orgId}::uuid, v.id, v.flagged, now()
    FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((id) => changes.get(id)?.flaggedForReview ?? false))}::boolean[]) AS v(id, flagged)
    ON CONFLICT (org_id, relationship_id) DO UPDATE SET flagged_for_review = EXCLUDED.flagged_for_review, updated_at = now()`);
}

/** One note per participant, tied to the intervention that added it; returns participant → note id. */
export async function insertNotes(
  tx: OrgDb,
  scope: OrgScope,
  input: {
    interventionId: string;
    participantIds: readonly string[];
    body: string;
    /** Null when an API key wrote it (the note's intervention names the key in its audit event). */
    authorUserId: string | null;
    /** participant → the id its note gets (chosen by the caller, who records it first) */
    noteIds: Map<string, string>;
  },
): Promise<Map<string, string>> {
  const ids = [...input.participantIds];
  const rows = await queryRows<{ id: string; participant_id: string }>(
    tx,
    sql`INSERT INTO participant_notes (org_id, id, participant_id, intervention_id, body, author_user_id)
        SELECT ${scope.orgId}::uuid, v.note_id, v.id, ${input.interventionId}::uuid, ${input.body}::text, ${input.authorUserId}::uuid
        FROM unnest(${sql.param(ids)}::uuid[], ${sql.param(ids.map((id) => input.noteIds.get(id)!))}::uuid[]) AS v(id, note_id)
        RETURNING id, participant_id`,
  );
  return new Map(rows.map((r) => [r.participant_id, r.id]));
}

/** Of these note ids, the ones that still exist, locked. */
export async function lockExistingNotes(
  tx: OrgDb,
  scope: OrgScope,
  noteIds: readonly string[],
): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id FROM participant_notes WHERE org_id = ${scope.orgId} AND id = ANY(${sql.param([...noteIds])}::uuid[]) FOR UPDATE`,
  );
  return new Set(rows.map((r) => r.id));
}

export async function deleteNotes(tx: OrgDb, scope: OrgScope, noteIds: readonly string[]): Promise<void> {
  if (noteIds.length === 0) return;
  await tx.execute(
    sql`DELETE FROM participant_notes WHERE org_id = ${scope.orgId} AND id = ANY(${sql.param([...noteIds])}::uuid[])`,
  );
}

export interface ParticipantControlsView extends Omit<ParticipantState, 'lifecycleStage'> {
  notes: { id: string; body: string; authorUserId: string | null; createdAt: string }[];
}

/**
 * What the participant detail shows of flags, pauses and notes, as one JSON value (for the detail's one
 * statement): the defaults when no control was ever set.
 */
export const participantControls = (scope: OrgScope, participantId: string) =>
  sql`(SELECT json_build_object(
         'outreachPaused', coalesce(c.outreach_paused, false),
         'flaggedForReview', coalesce(c.flagged_for_review, false),
         'recommendationsSuppressed', coalesce(c.recommendations_suppressed, false),
         'recommendationsSuppressedUntil', ${isoMillis(sql`c.recommendations_suppressed_until`)},
         'notes', ${jsonRows(
           sql`SELECT id, body, author_user_id AS "authorUserId", ${isoMillis(sql`created_at`)} AS "createdAt",
                      created_at AS at
               FROM participant_notes WHERE org_id = ${scope.orgId} AND participant_id = ${participantId}
               ORDER BY created_at DESC LIMIT 50`,
           sql`r.at DESC`,
         )})
       FROM (SELECT) one
       LEFT JOIN participant_controls c ON c.org_id = ${scope.orgId} AND c.participant_id = ${participantId})`;
