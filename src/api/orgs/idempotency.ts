import crypto from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../../lib/errors';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from '../../lib/repositories/idempotency';
import type { ApiEnv } from '../context';

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * `Idempotency-Key` on POSTs: the first request with a key is handled and its 2xx answer stored; a
 * retry with the same key and the same request gets that answer again and changes nothing. The same
 * key with another request is a 422; while the first is still running, a 409.
 */
export const idempotency: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const key = c.req.header('idempotency-key');
  if (c.req.method !== 'POST' || key === undefined) return next();
  if (!KEY.test(key)) {
    throw new AppError('bad_request', 'The Idempotency-Key header is not valid.', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 visible ASCII characters' },
    ]);
  }
  const db = c.var.deps.database.db;
  const body = await c.req.raw.clone().text();
  const hash = crypto.createHash('sha256').update(`${c.req.method} ${c.req.url}\n${body}`).digest('hex');
  const claim = await claimIdempotencyKey(db, c.var.scope, key, hash);
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
  await next();
  if (c.res.status >= 200 && c.res.status < 300) {
    await completeIdempotencyKey(db, c.var.scope, key, c.res.status, await c.res.clone().text());
  } else {
    await releaseIdempotencyKey(db, c.var.scope, key);
  }
};
