import type { MiddlewareHandler } from 'hono';
import { AppError } from '../lib/errors';
import type { ApiEnv } from './context';
import { requestOrigin } from './request-info';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * State-changing requests that carry a cookie must come from our own pages. Browsers say where a
 * request comes from in Sec-Fetch-Site (all current ones) and Origin (on every POST); a request whose
 * cookie a browser attached on another site's behalf fails one of the two. Requests without cookies
 * cannot act on a session and pass.
 */
export const csrfProtection: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (SAFE_METHODS.has(c.req.method) || !c.req.header('cookie')) return next();
  const site = c.req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') {
    throw new AppError('forbidden', 'Cross-site requests are not accepted.');
  }
  const origin = c.req.header('origin');
  const { settings } = c.get('deps');
  const ours = [requestOrigin(c, settings.trustProxy), ...settings.trustedOrigins];
  if (origin ? !ours.includes(origin) : !site) {
    throw new AppError('forbidden', 'Cross-site requests are not accepted.');
  }
  await next();
};
