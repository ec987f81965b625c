import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import { idempotencyKeys } from '../database/schema';
import type { MemberScope } from '../scope';

/** The row of this user's key in this org. */
const keyIs = (scope: MemberScope, key: string) =>
  and(
    eq(idempotencyKeys.orgId, scope.orgId),
    eq(idempotencyKeys.userId, scope.userId),
    eq(idempotencyKeys.key, key),
  );

export type Claim =
  | { state: 'claimed' }
  | { state: 'pending'; requestHash: string }
  | { state: 'done'; requestHash: string; status: number; body: string };

// A claim whose request never finished (the process died) is taken over after this long.
const STALE_PENDING = '5 minutes';

/** Claims `key` for this user in this org, or reports the earlier request that holds it. */
export async function claimIdempotencyKey(
  db: OrgDb,
  scope: MemberScope,
  key: string,
  requestHash: string,
): Promise<Claim> {
  const [claimed] = await queryRows<{ key: string }>(
    db,
    sql`INSERT INTO idempotency_keys (org_id, user_id, key, request_hash)
        VALUES (${scope.orgId}, ${scope.userId}, ${key}, ${requestHash})
        ON CONFLICT (org_id, user_id, key) DO UPDATE
          SET request_hash = EXCLUDED.request_hash, created_at = now()
          WHERE idempotency_keys.response_status IS NULL AND idempotency_keys.created_at < now() - ${STALE_PENDING}::interval
        RETURNING key`,
  );
  if (claimed) return { state: 'claimed' };
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

export async function completeIdempotencyKey(
  db: OrgDb,
  scope: MemberScope,
  key: string,
  status: number,
  body: string,
): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: status, responseBody: body })
    .where(keyIs(scope, key));
}

/** Frees the key after a failed request, so that a retry runs for real. */
export async function releaseIdempotencyKey(db: OrgDb, scope: MemberScope, key: string): Promise<void> {
  await db.delete(idempotencyKeys).where(keyIs(scope, key));
}
