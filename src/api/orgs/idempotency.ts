import crypto from 'node:crypto';
import type { Context, Next } from 'hono';
import { withOrg } from '../../lib/database/with-org';
import { AppError } from '../../lib/errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../../lib/repositories/idempotency';
import type { ApiEnv } from '../context';

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The route answered with an error: what its transaction wrote is rolled back and the key freed. */
class NotCompleted extends Error {}

/**
 * `Idempotency-Key` on POSTs, run by `needs(…)` once the route's permission is granted — so a replay
 * is refused (and audited) like any request of a role that may no longer act. The first request with a
 * key is handled and its 2xx answer stored; a retry with the same key and the same request gets that
 * answer again and changes nothing. The same key with another request is a 422; while the first is
 * still running, a 409.
 *
 * The claim commits on its own (so a concurrent retry sees it: 409); the action and the stored answer
 * commit together in one scoped transaction, which the handler finds in `c.get('db')` and its service
 * joins: an action is never done without its key completed, nor a key completed for an action undone.
 */
export async function idempotent(c: Context<ApiEnv>, next: Next): Promise<Response | void> {
  const key = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || key === undefined) return next();
  if (!KEY.test(key)) {
    throw new AppError('bad_request', 'The Idempotency-Key header is not valid.', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  const [db, scope] = [c.get('db'), c.get('scope')];
  const body = await c.req.raw.clone().text();
  // The path and query, not the whole URL: a retry that reaches another instance by another host name
  // (behind a load balancer, or after a failover) is the same request.
  const { pathname, search } = new URL(c.req.url);
  const hash = crypto
    .createHash('sha256')
    .update(`${c.req.method} ${pathname}${search}\n${body}`)
    .digest('hex');
  const claim = await withOrg(db, scope, (tx) => claimIdempotencyKey(tx, scope, key, hash));
  if (claim.state !== 'claimed') {
    if (claim.requestHash !== hash) {
      throw new AppError('unprocessable', 'This Idempotency-Key was used for a different request.', [
        { path: 'Idempotency-Key', message: 'already used for another request' },
      ]);
    }
    if (claim.state === 'pending')
      throw new AppError('conflict', 'A request with this Idempotency-Key is still being handled.');
    return c.body(claim.body, claim.status as 200, {
      'content-type': 'application/json',
      'idempotent-replayed': 'true',
    });
  }
  try {
    await withOrg(db, scope, async (tx) => {
      c.set('db', tx);
      await next();
      // Hono turns a handler's error into c.error and an error answer: roll its writes back.
      if (c.error || c.res.status < 200 || c.res.status >= 300) throw new NotCompleted();
      await completeIdempotencyKey(tx, scope, key, claim.claimedAt, {
        status: c.res.status,
        body: withoutSecret(await c.res.clone().text()),
      });
    });
  } catch (error) {
    // With the database gone this fails too; the claim is then taken over once the database is back.
    await withOrg(db, scope, (tx) => releaseIdempotencyKey(tx, scope, key, claim.claimedAt));
    if (!(error instanceof NotCompleted)) throw error;
  } finally {
    c.set('db', db);
  }
}

/**
 * The answer as kept for a retry, without a secret shown once (a new API key, a stream's signing
 * key): the database holds only their hashes or their own row, never a copy here. A retry gets
 * `secret: null`.
 */
function withoutSecret(body: string): string {
  if (!body.includes('"secret"')) return body;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object' && 'secret' in parsed) {
      return JSON.stringify({ ...parsed, secret: null });
    }
  } catch {
    // Not JSON: nothing to take out.
  }
  return body;
}
