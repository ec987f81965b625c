import { sql } from 'drizzle-orm';
import { communityLabel } from '../atlas/community-label';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';

// Erasing a participant's personal data (docs/decisions/034): their row keeps its id, links and stage
// (the graph stays whole) and loses its email and name; every copy of those elsewhere is replaced by
// "[erased]" or removed. Each statement runs in the caller's transaction: all of it happens or none.

export const ERASED_NAME = 'Erased participant';
const ERASED = '[erased]';

/** What an erasure changed, by place: the participant.erased event's metadata. */
export interface ErasureCounts {
  notesRemoved: number;
  notesRedacted: number;
  interventions: number;
  recommendations: number;
  communities: number;
  jobs: number;
  idempotencyKeys: number;
  events: number;
}

/**
 * A case-insensitive PostgreSQL regular expression for any of `terms` as a whole word (not inside a
 * longer word): `Al` must not take the first letters of `Always` with it.
 */
export function termsPattern(terms: readonly string[]): string {
  const escaped = terms
    .map((t) => t.trim())
    .filter((t) => t !== '')
    .map((t) => t.replace(/[\\^$.|?*+()[\]{}-]/g, (c) => `\\${c}`));
  // With nothing to look for (a participant without email or name), nothing must match.
  if (escaped.length === 0) return '(?!)';
  return `(?<![[:alnum:]_])(?:${escaped.join('|')})(?![[:alnum:]_])`;
}

/** `text` with every match of `pattern` replaced by "[erased]", in PostgreSQL's own regex dialect. */
export async function redactText(tx: OrgDb, text: string, pattern: string): Promise<string> {
  const [row] = await queryRows<{ text: string }>(
    tx,
    sql`SELECT regexp_replace(${text}::text, ${pattern}::text, ${ERASED}::text, 'gi') AS text`,
  );
  return row!.text;
}

const redact = (column: string, pattern: string) =>
  sql`regexp_replace(${sql.raw(column)}, ${pattern}::text, ${ERASED}::text, 'gi')`;
const redactJson = (column: string, pattern: string) =>
  sql`regexp_replace(${sql.raw(column)}::text, ${pattern}::text, ${ERASED}::text, 'gi')::jsonb`;
const matches = (column: string, pattern: string) => sql`${sql.raw(column)}::text ~* ${pattern}::text`;

async function count(tx: OrgDb, statement: ReturnType<typeof sql>): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`WITH changed AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM changed`,
  );
  return row!.n;
}

/** The participant as it is before the erasure, locked; undefined when there is none in the org. */
export async function lockParticipantForErasure(
  tx: OrgDb,
  scope: OrgScope,
  participantId: string,
): Promise<{ id: string; email: string | null; displayName: string; erasedAt: string | null } | undefined> {
  const [row] = await queryRows<{
    id: string;
    email: string | null;
    displayName: string;
    erasedAt: string | null;
  }>(
    tx,
    sql`SELECT id, email, display_name AS "displayName", erased_at::text AS "erasedAt" FROM participants
        WHERE org_id = ${scope.orgId} AND id = ${participantId} FOR UPDATE`,
  );
  return row;
}

/**
 * The patterns of an erasure: `exact` (their whole email or name), which free text elsewhere is
 * redacted by, and `loose` (also each word of their name of three letters or more, and their email's
 * local part), by which whole personal parts of audit events go: a search for "zebulon" is about them,
 * and erasing a little more of the log's free text than needed harms no one's record.
 */
export function erasurePatterns(person: { email: string | null; displayName: string }) {
  const exact = [person.email ?? '', person.displayName];
  const words = person.displayName.split(/[\s,.;:()"'“”]+/u).filter((w) => [...w].length >= 3);
  const local = person.email?.split('@')[0] ?? '';
  return { exact: termsPattern(exact), loose: termsPattern([...exact, ...words, local]) };
}

export async function eraseParticipant(
  tx: OrgDb,
  scope: OrgScope,
  participantId: string,
  patterns: { exact: string; loose: string },
): Promise<ErasureCounts> {
  const pattern = patterns.exact;
  const org = scope.orgId;
  await tx.execute(
    sql`UPDATE participants SET email = NULL, display_name = ${ERASED_NAME}, erased_at = now()
        WHERE org_id = ${org} AND id = ${participantId}`,
  );
  // Notes about them go; their name in notes about others is replaced.
  const notesRemoved = await count(
    tx,
    sql`DELETE FROM participant_notes WHERE org_id = ${org} AND participant_id = ${participantId}`,
  );
  const notesRedacted = await count(
    tx,
    sql`UPDATE participant_notes SET body = ${redact('body', pattern)}
        WHERE org_id = ${org} AND ${matches('body', pattern)}`,
  );
  // An intervention on them alone is about them (its events' words go below) and so is its note.
  const sole = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id::text FROM interventions WHERE org_id = ${org} AND target_ids = ARRAY[${participantId}::uuid]`,
  );
  await tx.execute(
    sql`UPDATE interventions SET new_state = jsonb_set(new_state, '{note}', to_jsonb(${ERASED}::text))
        WHERE org_id = ${org} AND target_ids = ARRAY[${participantId}::uuid] AND new_state ? 'note'`,
  );
  const interventions = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE interventions SET reason = ${redact('reason', pattern)},
          reversal_reason = ${redact('reversal_reason', pattern)},
          previous_state = ${redactJson('previous_state', pattern)}, new_state = ${redactJson('new_state', pattern)}
        WHERE org_id = ${org} AND (${matches('reason', pattern)} OR ${matches("coalesce(reversal_reason, '')", pattern)}
          OR ${matches('previous_state', pattern)} OR ${matches('new_state', pattern)})
        RETURNING id::text`,
  );
  const recommendations = await queryRows<{ id: string }>(
    tx,
    sql`UPDATE recommendations SET reason = ${redact('reason', pattern)}, metadata = ${redactJson('metadata', pattern)}
        WHERE org_id = ${org} AND (${matches('reason', pattern)} OR ${matches('metadata', pattern)})
        RETURNING id::text`,
  );
  const aboutThem = await queryRows<{ id: string }>(
    tx,
    sql`SELECT id::text FROM recommendations
        WHERE org_id = ${org} AND target_type = 'participant' AND target_id = ${participantId}`,
  );
  const communities = await relabelCommunities(tx, scope, participantId);
  const jobs = await count(
    tx,
    sql`UPDATE jobs SET params = ${redactJson('params', pattern)}, result = ${redactJson('result', pattern)},
          error = ${redact('error', pattern)}
        WHERE org_id = ${org} AND (${matches('params', pattern)} OR ${matches("coalesce(result, 'null')", pattern)}
          OR ${matches("coalesce(error, '')", pattern)})`,
  );
  // A stored answer to a retried request may hold them; it is only kept for retries anyway.
  const idempotencyKeys = await count(
    tx,
    sql`DELETE FROM idempotency_keys WHERE org_id = ${org} AND ${matches("coalesce(response_body, '')", pattern)}`,
  );
  // The audit log: the personal part of their events and of events about what concerned them alone.
  const targets = [participantId, ...sole.map((r) => r.id), ...aboutThem.map((r) => r.id)];
  const [erased] = await queryRows<{ n: number }>(
    tx,
    sql`SELECT app_erase_personal(${sql.param(targets)}::text[], ${patterns.loose}::text) AS n`,
  );
  return {
    notesRemoved,
    notesRedacted,
    interventions: new Set([...sole, ...interventions].map((r) => r.id)).size,
    recommendations: recommendations.length,
    communities,
    jobs,
    idempotencyKeys,
    events: erased!.n,
  };
}

/** Community labels that name them (stored by Atlas runs), named again without them. */
async function relabelCommunities(tx: OrgDb, scope: OrgScope, participantId: string): Promise<number> {
  const rows = await queryRows<{ jobId: string; community: number; size: number; names: (string | null)[] }>(
    tx,
    sql`SELECT c.job_id AS "jobId", c.community, c.size,
               array(SELECT p.display_name FROM unnest(c.central_participant_ids) WITH ORDINALITY AS u(id, n)
                     LEFT JOIN participants p ON p.org_id = c.org_id AND p.id = u.id AND p.erased_at IS NULL
                     ORDER BY u.n) AS names
        FROM atlas_communities c
        WHERE c.org_id = ${scope.orgId} AND ${participantId}::uuid = ANY(c.central_participant_ids)`,
  );
  for (const row of rows) {
    const label = communityLabel(
      row.names.map((name) => name ?? ''),
      row.size,
    );
    await tx.execute(
      sql`UPDATE atlas_communities SET label = ${label}
          WHERE org_id = ${scope.orgId} AND job_id = ${row.jobId} AND community = ${row.community}`,
    );
  }
  return rows.length;
}
