import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../lib/errors';
import type { ApiEnv } from './context';
import { isCsvUpload } from './orgs/imports';

/**
 * No API request body needs more; a larger one is refused before it is read (413). The connection is
 * closed with the answer: the unread rest of the body would otherwise be read as the next request.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

const limitJsonBodySize = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new AppError(
      'payload_too_large',
      `Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`,
      undefined,
      { connection: 'close' },
    );
  },
});

const hasBody = (request: Request) =>
  Number(request.headers.get('content-length') ?? 0) > 0 || request.headers.has('transfer-encoding');

/**
 * Every body but a CSV import's (which has limits of its own, IMPORT_MAX_*). GET and HEAD carry none
 * (@hono/node-server never passes one on) and are not looked at: hono's check reads `request.body`,
 * which makes @hono/node-server build a whole fetch Request for the request (a fifth of /api/health's
 * CPU, bench -- health).
 */
export const limitBodySize: MiddlewareHandler<ApiEnv> = (c, next) =>
  c.req.method === 'GET' || c.req.method === 'HEAD' || isCsvUpload(c.req.method, c.req.path)
    ? next()
    : limitJsonBodySize(c, next);

/** Every API body is JSON (a CSV import's aside); anything else is a 415 rather than a confusing validation error. */
export const requireJsonBody: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (hasBody(c.req.raw) && !isCsvUpload(c.req.method, c.req.path)) {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      throw new AppError('unsupported_media_type', 'Send the request body as application/json.');
    }
  }
  await next();
};
