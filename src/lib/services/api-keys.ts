import { newApiKeySecret } from '../api-keys';
import { writeAuditEvent } from '../audit';
import { requirePermission } from '../auth';
import { assertAllowedWording } from '../compliance/free-text';
import type { Database } from '../db';
import { withOrg } from '../database/with-org';
import type { ApiKeyRole } from '../domain';
import { AppError } from '../errors';
import { findApiKey, insertApiKey, listApiKeys, revokeApiKey, type ApiKey } from '../repositories/api-keys';
import type { RequestScope } from '../scope';

// An org's API keys (docs/decisions/033). Admins and owners manage them, signed in: a key cannot make
// or revoke keys (requirePermission's PEOPLE_ONLY), so a leaked key cannot give itself a successor.

const requireKeyManager = (scope: RequestScope) => requirePermission(scope, 'api_keys.manage');

export async function viewApiKeys(db: Database, scope: RequestScope): Promise<{ items: ApiKey[] }> {
  requireKeyManager(scope);
  return withOrg(db, scope, async (tx) => ({ items: await listApiKeys(tx, scope) }));
}

/** Makes a key; the answer holds its secret, which nothing can show again. */
export async function createApiKey(
  db: Database,
  scope: RequestScope,
  input: { name: string; role: ApiKeyRole; expiresInDays: number | null },
): Promise<ApiKey & { secret: string }> {
  requireKeyManager(scope);
  assertAllowedWording(input.name, 'name');
  const { secret, prefix, secretHash } = newApiKeySecret();
  const expiresAt =
    input.expiresInDays === null ? null : new Date(Date.now() + input.expiresInDays * 86_400_000);
  return withOrg(db, scope, async (tx) => {
    const id = await insertApiKey(tx, scope, {
      name: input.name,
      role: input.role,
      prefix,
      secretHash,
      createdByUserId: scope.userId,
      expiresAt,
    });
    await writeAuditEvent(tx, scope, {
      type: 'api_key.created',
      targetType: 'api_key',
      targetId: id,
      metadata: { name: input.name, role: input.role, prefix, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return { ...(await findApiKey(tx, scope, id))!, secret };
  });
}

/** Revokes a key at once: its next request is refused. A revoked key stays revoked, unchanged. */
export async function revokeApiKeyOf(db: Database, scope: RequestScope, keyId: string): Promise<ApiKey> {
  requireKeyManager(scope);
  return withOrg(db, scope, async (tx) => {
    const key = await findApiKey(tx, scope, keyId);
    if (!key) throw new AppError('not_found', 'No such API key in this org.');
    if (!(await revokeApiKey(tx, scope, keyId, scope.userId))) return key;
    await writeAuditEvent(tx, scope, {
      type: 'api_key.revoked',
      targetType: 'api_key',
      targetId: keyId,
      metadata: { name: key.name, role: key.role, prefix: key.prefix },
    });
    return (await findApiKey(tx, scope, keyId))!;
  });
}
