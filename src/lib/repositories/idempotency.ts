import { and, eq, isNull, sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { AppError } from '../errors';
import { idempotencyKeys } from '../database/schema';
import type { RequestScope } from '../scope';

/** The row of this user's (or API key's) key in this org. */
const keyIs = (scope: RequestScope, key: string) =>
  and(
    eq(idempotencyKeys.orgId, scope.orgId),
    eq(idempotencyKeys.userId, scope.principalId),
    eq(idempotencyKeys.key, key),
  );

export type Claim =
  /** `claimedAt` fences the claim: only the request holding it completes or releases the key. */
  | { state: 'claimed'; claimedAt: string }
  | { state: 'pending'; requestHash: string }
  | { state: 'done'; requestHash: string; status: number; body: string };

// A claim whose request never finished (the process died) is taken over after this long — or at once
// when it is older than the database server's start: every request that held one before a restart
// lost its transaction with it, and one that failed then could not free its key (decision 026).
const STALE_PENDING = '5 minutes';

/** Claims `key` for this user in this org, or reports the earlier request that holds it. */
export async function claimIdempotencyKey(
  db: OrgDb,
  scope: RequestScope,
  key: string,
  requestHash: string,
): Promise<Claim> {
  const [claimed] = await queryRows<{ claimed_at: string }>(
    db,
    sql`INSERT INTO idempotency_keys (org_id, user_id, key, request_hash)
        VALUES (${scope.orgId}, ${scope.principalId}, ${key}, ${requestHash})
        ON CONFLICT (org_id, user_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, created_at = now()
          WHERE idempotency_keys.response_status IS NULL
            AND (idempotency_keys.created_at < now() - ${STALE_PENDING}::interval
                 OR idempotency_keys.created_at < pg_postmaster_start_time())
        RETURNING created_at::text AS claimed_at`,
  );
  if (claimed) return { state: 'claimed', claimedAt: claimed.claimed_at };
  const [row] = await db
    .select({
      requestHash: idempotencyKeys.requestHash,
      status: idempotencyKeys.responseStatus,
      body: idempotencyKeys.responseBody,
    })
    .from(idempotencyKeys)
    .where(keyIs(scope, key));
  if (!row || row.status === null) return { state: 'pending', requestHash: row?.requestHash ?? '' };
  return { state: 'done', requestHash: row.requestHash, status: row.status, body: row.body ?? '' };
}

/**
 * Stores the answer, in the action's transaction. Throws when the claim is no longer this request's (a
 * retry took it over as stale), so that the action rolls back rather than happen twice.
 */
export async function completeIdempotencyKey(
  db: OrgDb,
  scope: RequestScope,
  key: string,
  claimedAt: string,
  answer: { status: number; body: string },
): Promise<void> {
  const completed = await db
    .update(idempotencyKeys)
    .set({ responseStatus: answer.status, responseBody: answer.body })
    .where(heldBy(scope, key, claimedAt))
    .returning({ key: idempotencyKeys.key });
  if (completed.length === 0) {
    throw new AppError('conflict', 'A retry with this Idempotency-Key took over; its answer counts.');
  }
}

/** Frees the key after a failed request, so that a retry runs for real; never a stored answer. */
export async function releaseIdempotencyKey(
  db: OrgDb,
  scope: RequestScope,
  key: string,
  claimedAt: string,
): Promise<void> {
  await db.delete(idempotencyKeys).where(heldBy(scope, key, claimedAt));
}

const heldBy = (scope: RequestScope, key: string, claimedAt: string) =>
  and(
    keyIs(scope, key),
    isNull(idempotencyKeys.responseStatus),
    sql`${idempotencyKeys.createdAt} = ${claimedAt}::timestamptz`,
  );
