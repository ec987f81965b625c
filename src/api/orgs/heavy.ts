import type { Context, MiddlewareHandler } from 'hono';
import { databaseFor } from '../../lib/db';
import { AppError } from '../../lib/errors';
import type { LightFirst } from '../../lib/light-first';
import type { ApiEnv } from '../context';

/** A route middleware that marks the route heavy, so a test can find every heavy route. */
export type HeavyMiddleware = MiddlewareHandler<ApiEnv> & { heavy: true };

export interface HeavyOptions {
  /** Heavy only for some requests of the route, judged by its raw query (before validation). */
  when?: (query: Record<string, string>, c: Context<ApiEnv>) => boolean;
}

/**
 * Declares an org route heavy (docs/decisions/024): it reads a whole org, or starts work that will.
 * After the permission check, it waits briefly for a slot of the user and one of the org (429 with
 * Retry-After when none comes), and runs on the heavy requests' own pool: handlers and services find
 * it as `c.get('db')` (and `c.get('deps').database`), so the light requests keep theirs. A successful
 * response holds the slots until it has been sent (an export does its work while it streams).
 */
export function heavy(options: HeavyOptions = {}): HeavyMiddleware {
  const middleware: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (options.when && !options.when(c.req.query(), c)) return next();
    const deps = c.get('deps');
    const scope = c.get('scope');
    // Waiting for a slot, and the work after it, give way to light requests instead of counting as one.
    c.get('endLight')();
    const gate = deps.heavyRequests;
    const release = await gate.acquire(scope.orgId, scope.principalId, c.req.raw.signal);
    if (!release) {
      const seconds = Math.max(Math.ceil(gate.limits.maxWaitMs / 1000), 1);
      throw new AppError(
        'rate_limited',
        `Too many exports and other heavy requests in progress for you or this org; try again in ${seconds} s.`,
        undefined,
        { 'retry-after': String(seconds) },
      );
    }
    const database = databaseFor(deps.database, 'heavy');
    c.set('deps', { ...deps, database });
    c.set('database', database);
    // Services take `c.get('db')`. An idempotent POST already holds its scoped transaction there (the key
    // completes in it, docs/decisions/028): it stays on that connection.
    if (c.get('db') === deps.database.db) c.set('db', database.db);
    let handedToBody = false;
    try {
      await next();
      // A refusal has nothing left to do; a success may still be streaming its rows.
      if (c.res.ok && c.res.body) {
        c.res = new Response(releasedWhenSent(c.res.body, release, deps.lightFirst), c.res);
        handedToBody = true;
      }
    } finally {
      if (!handedToBody) release();
    }
  };
  return Object.assign(middleware, { heavy: true as const });
}

/**
 * The body, passed through, each chunk after light requests had their turn (decision 031); `release`
 * runs once it has been read to the end, failed or was cancelled.
 */
function releasedWhenSent(
  body: ReadableStream<Uint8Array>,
  release: () => void,
  lightFirst: LightFirst,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        await lightFirst.giveWay();
        const chunk = await reader.read();
        if (chunk.done) {
          release();
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
}
