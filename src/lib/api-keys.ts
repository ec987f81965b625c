import crypto from 'node:crypto';
import { writeOrgAuditEvent } from './audit';
import { OrgAccessDeniedError, type AttemptedAction } from './auth';
import type { Database } from './db';
import { unsafeWithOrgId } from './database/with-org';
import { AppError } from './errors';
import { unsafeFindKeyBySecretHash, touchApiKey } from './repositories/api-keys';
import { findOrgById } from './repositories/memberships';
import { createApiKeyScope, type RequestScope } from './scope';

// API keys (docs/decisions/033): `oc_` and 43 characters of base64url, 256 random bits. The database
// keeps the SHA-256 of the whole secret (a fast hash is enough for a secret this long: nothing to
// guess) and its first characters, which say which key a line of a list or the audit log means.

const SECRET_PREFIX = 'oc_';
const SECRET_PATTERN = /^oc_[A-Za-z0-9_-]{43}$/;
/** `oc_` and 8 characters of the secret: 48 bits, enough to tell an org's keys apart at a glance. */
const VISIBLE_LENGTH = SECRET_PREFIX.length + 8;

export function newApiKeySecret(): { secret: string; prefix: string; secretHash: string } {
  const secret = SECRET_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { secret, prefix: secret.slice(0, VISIBLE_LENGTH), secretHash: hashApiKeySecret(secret) };
}

export function hashApiKeySecret(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * The key a request presents in `Authorization: Bearer oc_…`, or null when it presents none — another
 * scheme (a proxy's Basic credentials, say) leaves the session in charge. A malformed key is a 401.
 */
export function bearerSecret(authorization: string | undefined): string | null {
  const match = /^Bearer +(oc_\S*) *$/i.exec(authorization ?? '');
  if (!match) return null;
  if (!SECRET_PATTERN.test(match[1]!)) {
    throw new AppError('unauthenticated', 'The API key is malformed: expected oc_ and 43 characters.');
  }
  return match[1]!;
}

const UNKNOWN_KEY = 'This API key is not valid: it may have been mistyped or deleted.';

/**
 * The verified scope of a request made with an API key: the key must exist, be neither revoked nor
 * expired (401, read from the database on every request, so a revocation acts on the next one), and
 * belong to the org of the URL — a key of another org is refused like a non-member (403), and the
 * refusal is written to the audit log of the org asked for.
 */
export async function resolveApiKeyContext(
  db: Database,
  secret: string,
  orgId: string,
  attempt: AttemptedAction,
): Promise<RequestScope> {
  const key = await unsafeFindKeyBySecretHash(db, hashApiKeySecret(secret));
  if (!key) throw new AppError('unauthenticated', UNKNOWN_KEY);
  if (key.revokedAt) throw new AppError('unauthenticated', `The API key ${key.prefix}… has been revoked.`);
  if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) {
    throw new AppError(
      'unauthenticated',
      `The API key ${key.prefix}… expired at ${key.expiresAt.toISOString()}.`,
    );
  }
  // Bound to the org asked for, which nothing has verified yet: the lookup is what verifies it.
  const found = await unsafeWithOrgId(db, orgId, async (tx) => {
    const org = await findOrgById(tx, orgId);
    if (!org) return undefined;
    if (key.orgId !== orgId) {
      await writeOrgAuditEvent(
        tx,
        orgId,
        { userId: null, role: null },
        {
          type: 'access.denied',
          targetType: 'org',
          targetId: orgId,
          metadata: { ...attempt, reason: 'api_key_of_another_org', apiKeyPrefix: key.prefix },
        },
      );
      return 'another_org' as const;
    }
    const scope = createApiKeyScope({
      orgId,
      orgName: org.name,
      timezone: org.timezone,
      keyId: key.id,
      prefix: key.prefix,
      role: key.role,
    });
    await touchApiKey(tx, scope, key.id);
    return scope;
  });
  if (!found) throw new OrgAccessDeniedError('no_such_org');
  if (found === 'another_org') throw new OrgAccessDeniedError('not_a_member');
  return found;
}
