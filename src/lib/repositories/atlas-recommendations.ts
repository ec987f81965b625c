import { sql, type SQL } from 'drizzle-orm';
import type { RecommendationCandidate } from '../atlas/detectors/types';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { ATLAS_DETECTORS, type AtlasDetector } from '../domain';
import type { OrgScope } from '../scope';

// What an Atlas run's candidates do to the stored recommendations (decision 020): at most one pending
// per (target, action), refreshed rather than duplicated; nothing raised again that an operator
// dismissed in the last 30 days (or snoozed until later) or accepted in the last 30; nothing about a
// participant under suppression; and Atlas's own pending recommendations that this run did not keep are
// superseded. Four set-based statements whatever the number of candidates, inside the caller's
// transaction (the run's last one, with its event and its success), so a run is stored whole or not at all.

/** What a dismissal or an acceptance holds a (target, action) back for. */
export const DECIDED_HOLD_DAYS = 30;

export interface SyncCounts {
  created: number;
  refreshed: number;
  superseded: number;
  /** Dismissed in the last 30 days, or snoozed (`later`) until after now. */
  skippedDismissed: number;
  /** The target participant (or an end of the target relationship) is under suppression now. */
  skippedSuppressed: number;
  /** Accepted in the last 30 days: what an operator just acted on is not raised again at once. */
  skippedAccepted: number;
}

export type SyncResult = Record<AtlasDetector, SyncCounts>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const emptyCounts = (): SyncCounts => ({
  created: 0,
  refreshed: 0,
  superseded: 0,
  skippedDismissed: 0,
  skippedSuppressed: 0,
  skippedAccepted: 0,
});

/** Rows as a jsonb array a statement reads back with jsonb_to_recordset: one parameter, any count. */
const rowsParam = (rows: readonly object[]) => sql`${JSON.stringify(rows)}::jsonb`;

/** A participant_controls row `pc` whose suppression holds at `now`. */
const suppressedAt = (now: string) =>
  sql`pc.recommendations_suppressed AND (pc.recommendations_suppressed_until IS NULL
      OR pc.recommendations_suppressed_until > ${now}::timestamptz)`;

/** The same target and action as candidate row `c`, on recommendations row `alias`. */
const sameKey = (alias: string) => {
  const r = sql.raw(alias);
  return sql`${r}.target_type = c.target_type AND ${r}.target_id = c.target_id
    AND ${r}.suggested_action = c.suggested_action`;
};

interface Classified {
  i: number;
  skip: 'suppressed' | 'dismissed' | 'accepted' | null;
  pendingId: string | null;
}

async function classify(
  tx: OrgDb,
  scope: OrgScope,
  candidates: readonly RecommendationCandidate[],
  now: string,
): Promise<Classified[]> {
  const keys = candidates.map((c, i) => ({
    i,
    target_type: c.targetType,
    target_id: c.targetId,
    suggested_action: c.suggestedAction,
  }));
  const held = (status: 'dismissed' | 'accepted', window: SQL) => sql`EXISTS (
    SELECT 1 FROM recommendations d
    WHERE d.org_id = ${scope.orgId} AND ${sameKey('d')} AND d.status = ${status} AND ${window})`;
  const recently = sql`coalesce(d.decided_at, d.updated_at) > ${now}::timestamptz - ${`${DECIDED_HOLD_DAYS} days`}::interval`;
  // A snooze ends when it says, even within the 30 days; other dismissals hold for 30 days.
  const dismissedWindow = sql`CASE WHEN d.dismissal_reason = 'later' AND d.snoozed_until IS NOT NULL
    THEN d.snoozed_until > ${now}::timestamptz ELSE ${recently} END`;
  return queryRows<Classified>(
    tx,
    sql`SELECT c.i,
        CASE
          WHEN c.target_type = 'participant' AND EXISTS (
              SELECT 1 FROM participant_controls pc
              WHERE pc.org_id = ${scope.orgId} AND pc.participant_id = c.target_id::uuid AND ${suppressedAt(now)})
            OR c.target_type = 'relationship' AND EXISTS (
              SELECT 1 FROM relationships r
              JOIN participant_controls pc ON pc.org_id = r.org_id
                AND pc.participant_id IN (r.from_participant_id, r.to_participant_id)
              WHERE r.org_id = ${scope.orgId} AND r.id = c.target_id::uuid AND ${suppressedAt(now)})
            THEN 'suppressed'
          WHEN ${held('dismissed', dismissedWindow)} THEN 'dismissed'
          WHEN ${held('accepted', recently)} THEN 'accepted'
        END AS skip,
        (SELECT p.id FROM recommendations p
         WHERE p.org_id = ${scope.orgId} AND ${sameKey('p')} AND p.status = 'pending') AS "pendingId"
      FROM jsonb_to_recordset(${rowsParam(keys)})
        AS c(i int, target_type text, target_id text, suggested_action text)
      ORDER BY c.i`,
  );
}

const stored = (c: RecommendationCandidate) => ({
  detector: c.detector,
  target_type: c.targetType,
  target_id: c.targetId,
  suggested_action: c.suggestedAction,
  reason: c.reason,
  confidence: c.confidence,
  metadata: c.evidence,
});

async function refresh(
  tx: OrgDb,
  scope: OrgScope,
  jobId: string,
  rows: { id: string; candidate: RecommendationCandidate }[],
  now: string,
): Promise<string[]> {
  if (rows.length === 0) return [];
  const changes = rows.map(({ id, candidate }) => ({ id, ...stored(candidate) }));
  const updated = await queryRows<{ detector: string }>(
    tx,
    // status = 'pending' again: an operator may have decided it since it was classified.
    sql`UPDATE recommendations r
        SET reason = c.reason, confidence = c.confidence, metadata = c.metadata, detector = c.detector,
            job_id = ${jobId}, updated_at = ${now}::timestamptz
        FROM jsonb_to_recordset(${rowsParam(changes)})
          AS c(id uuid, detector text, reason text, confidence float8, metadata jsonb)
        WHERE r.org_id = ${scope.orgId} AND r.id = c.id AND r.status = 'pending'
        RETURNING r.detector`,
  );
  return updated.map((u) => u.detector);
}

async function supersede(
  tx: OrgDb,
  scope: OrgScope,
  kept: readonly RecommendationCandidate[],
  now: string,
): Promise<string[]> {
  const keys = kept.map((c) => ({
    target_type: c.targetType,
    target_id: c.targetId,
    suggested_action: c.suggestedAction,
  }));
  const rows = await queryRows<{ detector: string }>(
    tx,
    sql`UPDATE recommendations r SET status = 'superseded', updated_at = ${now}::timestamptz
        WHERE r.org_id = ${scope.orgId} AND r.status = 'pending' AND r.detector IS NOT NULL
          AND NOT EXISTS (
            SELECT 1 FROM jsonb_to_recordset(${rowsParam(keys)})
              AS c(target_type text, target_id text, suggested_action text)
            WHERE ${sameKey('r')})
        RETURNING r.detector`,
  );
  return rows.map((r) => r.detector);
}

async function insert(
  tx: OrgDb,
  scope: OrgScope,
  jobId: string,
  candidates: readonly RecommendationCandidate[],
  now: string,
): Promise<string[]> {
  if (candidates.length === 0) return [];
  const rows = await queryRows<{ detector: string }>(
    tx,
    sql`INSERT INTO recommendations (org_id, target_type, target_id, suggested_action, reason, confidence,
          status, detector, metadata, job_id, created_at, updated_at)
        SELECT ${scope.orgId}, c.target_type, c.target_id, c.suggested_action, c.reason, c.confidence,
          'pending', c.detector, c.metadata, ${jobId}, ${now}::timestamptz, ${now}::timestamptz
        FROM jsonb_to_recordset(${rowsParam(candidates.map(stored))})
          AS c(detector text, target_type text, target_id text, suggested_action text, reason text,
               confidence float8, metadata jsonb)
        ON CONFLICT (org_id, target_type, target_id, suggested_action) WHERE status = 'pending' DO NOTHING
        RETURNING detector`,
  );
  return rows.map((r) => r.detector);
}

/** The first candidate of each (target, action): detectors list the most confident first. */
function distinct(candidates: readonly RecommendationCandidate[]): RecommendationCandidate[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (!UUID.test(c.targetId)) throw new RangeError(`candidate target id ${c.targetId} is not a UUID`);
    const key = `${c.targetType}:${c.targetId}:${c.suggestedAction}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Stores an Atlas run's candidates (decision 020): refreshes the pending recommendation of the same
 * target and action, inserts the new ones, supersedes Atlas's pending ones this run did not keep, and
 * skips (target, action)s dismissed in the last 30 days or snoozed, accepted in the last 30 days, or
 * about a suppressed participant. Counts per detector. Run it inside the run's final transaction.
 */
export async function syncRecommendations(
  tx: OrgDb,
  scope: OrgScope,
  jobId: string,
  candidates: readonly RecommendationCandidate[],
  now: Date,
): Promise<SyncResult> {
  const at = now.toISOString();
  const unique = distinct(candidates);
  const counts = Object.fromEntries(ATLAS_DETECTORS.map((d) => [d, emptyCounts()])) as SyncResult;
  const count = (detector: string, field: keyof SyncCounts) => {
    if (detector in counts) counts[detector as AtlasDetector][field]++;
  };
  const classified = unique.length > 0 ? await classify(tx, scope, unique, at) : [];
  const toRefresh: { id: string; candidate: RecommendationCandidate }[] = [];
  const toInsert: RecommendationCandidate[] = [];
  for (const { i, skip, pendingId } of classified) {
    const candidate = unique[i]!;
    if (skip === 'suppressed') count(candidate.detector, 'skippedSuppressed');
    else if (skip === 'dismissed') count(candidate.detector, 'skippedDismissed');
    else if (skip === 'accepted') count(candidate.detector, 'skippedAccepted');
    else if (pendingId) toRefresh.push({ id: pendingId, candidate });
    else toInsert.push(candidate);
  }
  for (const detector of await refresh(tx, scope, jobId, toRefresh, at)) count(detector, 'refreshed');
  const kept = toRefresh.map((r) => r.candidate);
  for (const detector of await supersede(tx, scope, kept, at)) count(detector, 'superseded');
  for (const detector of await insert(tx, scope, jobId, toInsert, at)) count(detector, 'created');
  return counts;
}
