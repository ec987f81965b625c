import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';
import type { OrgDb } from '../database/with-org';
import { apiKeys } from '../database/schema';
import type { ApiKeyRole } from '../domain';
import type { OrgScope } from '../scope';
import { isoMillis } from './iso-time';

/** A key as lists show it: never its secret or the secret's hash. */
export interface ApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdByUserId: string | null;
  createdByEmail: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (column: string) => isoMillis(sql.raw(`k.${column}`));

const KEY_COLUMNS = sql`k.id, k.name, k.role, k.prefix, k.created_by_user_id AS "createdByUserId",
  u.email AS "createdByEmail", ${iso('created_at')} AS "createdAt", ${iso('expires_at')} AS "expiresAt",
  ${iso('last_used_at')} AS "lastUsedAt", ${iso('revoked_at')} AS "revokedAt"`;

export async function insertApiKey(
  tx: OrgDb,
  scope: OrgScope,
  input: {
    name: string;
    role: ApiKeyRole;
    prefix: string;
    secretHash: string;
    createdByUserId: string | null;
    expiresAt: Date | null;
  },
): Promise<string> {
  const [row] = await tx
    .insert(apiKeys)
    .values({ orgId: scope.orgId, ...input })
    .returning({ id: apiKeys.id });
  return row!.id;
}

/** The org's keys, newest first; revoked ones too, so that the audit log's key ids stay explained. */
export async function listApiKeys(tx: OrgDb, scope: OrgScope, keyId?: string): Promise<ApiKey[]> {
  return queryRows<ApiKey>(
    tx,
    sql`SELECT ${KEY_COLUMNS} FROM api_keys k LEFT JOIN users u ON u.id = k.created_by_user_id
        WHERE k.org_id = ${scope.orgId} ${keyId ? sql`AND k.id = ${keyId}` : sql``}
        ORDER BY k.created_at DESC, k.id`,
  );
}

export async function findApiKey(tx: OrgDb, scope: OrgScope, keyId: string): Promise<ApiKey | undefined> {
  const [key] = await listApiKeys(tx, scope, keyId);
  return key;
}

/** Revokes a key that is not revoked yet; false when there was none to revoke. */
export async function revokeApiKey(
  tx: OrgDb,
  scope: OrgScope,
  keyId: string,
  revokedByUserId: string | null,
): Promise<boolean> {
  const rows = await tx
    .update(apiKeys)
    .set({ revokedAt: sql`now()`, revokedByUserId })
    .where(and(eq(apiKeys.orgId, scope.orgId), eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length === 1;
}

/** A key found by its secret's hash, in whichever org it belongs to. */
export interface KeyOfSecret {
  orgId: string;
  id: string;
  role: ApiKeyRole;
  prefix: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

/**
 * The key a request presents, across orgs, before any org is verified: the one way across for keys
 * (`app_api_key_by_hash`, migration 0011, decision 029), so it takes the raw database.
 */
export async function unsafeFindKeyBySecretHash(
  db: Database,
  secretHash: string,
): Promise<KeyOfSecret | undefined> {
  const [row] = await queryRows<{
    org_id: string;
    id: string;
    role: ApiKeyRole;
    prefix: string;
    expires_at: string | Date | null;
    revoked_at: string | Date | null;
  }>(db, sql`SELECT * FROM app_api_key_by_hash(${secretHash})`);
  const date = (value: string | Date | null) => (value === null ? null : new Date(value));
  return (
    row && {
      orgId: row.org_id,
      id: row.id,
      role: row.role,
      prefix: row.prefix,
      expiresAt: date(row.expires_at),
      revokedAt: date(row.revoked_at),
    }
  );
}

/**
 * Notes that a key was used, at most once a minute per key: the list's "last used" without a write on
 * every request.
 */
export async function touchApiKey(tx: OrgDb, scope: OrgScope, keyId: string): Promise<void> {
  await tx
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.orgId, scope.orgId),
        eq(apiKeys.id, keyId),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
}
