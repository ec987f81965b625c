import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from './db';
import { rateLimits } from './database/schema';
import { SharedWindowCounter } from './rate-limit-counter';

// Counters live in the database, so several app instances share them and a restart does not reset
// them: the sign-in limits in rate-limiter-flexible's Drizzle store (one atomic upsert per failure), the
// API's in SharedWindowCounter (counted here, added to the same table once a second; exact from half of
// the limit on, docs/decisions/038).

export interface RateLimitSettings {
  signInWindowMinutes: number;
  signInMaxFailuresPerAccount: number;
  signInMaxFailuresPerIp: number;
  apiPerUserPerMinute: number;
  apiPerOrgPerMinute: number;
}

export interface RateLimiters {
  signInFailuresByAccount: RateLimiterDrizzle;
  signInFailuresByIp: RateLimiterDrizzle;
  apiByUser: SharedWindowCounter;
  apiByOrg: SharedWindowCounter;
}

export function createRateLimiters(db: Database, settings: RateLimitSettings): RateLimiters {
  const make = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterDrizzle({
      storeClient: db,
      schema: rateLimits,
      keyPrefix,
      points,
      duration,
      clearExpiredByTimeout: false,
    });
  const window = settings.signInWindowMinutes * 60;
  return {
    signInFailuresByAccount: make('sign-in-account', settings.signInMaxFailuresPerAccount, window),
    signInFailuresByIp: make('sign-in-ip', settings.signInMaxFailuresPerIp, window),
    apiByUser: new SharedWindowCounter(db, 'api-user', settings.apiPerUserPerMinute, 60),
    apiByOrg: new SharedWindowCounter(db, 'api-org', settings.apiPerOrgPerMinute, 60),
  };
}

/** At shutdown: the API's counts not yet in the shared rows are added, so a restart forgives nothing. */
export async function saveCounts(limiters: RateLimiters): Promise<void> {
  limiters.apiByUser.stop();
  limiters.apiByOrg.stop();
  await Promise.all([limiters.apiByUser.flush(), limiters.apiByOrg.flush()]);
}

export interface LimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
  blocked: boolean;
}

function stateOf(limiter: RateLimiterDrizzle, res: RateLimiterRes | null): LimitState {
  const consumed = res?.consumedPoints ?? 0;
  return {
    limit: limiter.points,
    remaining: Math.max(limiter.points - consumed, 0),
    resetSeconds: res ? Math.max(Math.ceil(res.msBeforeNext / 1000), 0) : limiter.duration,
    blocked: consumed > limiter.points,
  };
}

/** Counts one hit; `blocked` once the window's points are used up. */
export async function consume(limiter: RateLimiterDrizzle, key: string): Promise<LimitState> {
  try {
    return stateOf(limiter, await limiter.consume(key));
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return stateOf(limiter, rejection);
    throw rejection;
  }
}

/** Whether the key has used up its points, without counting a hit (sign-in failures are counted after). */
export async function isExhausted(limiter: RateLimiterDrizzle, key: string): Promise<LimitState> {
  const state = stateOf(limiter, await limiter.get(key));
  return { ...state, blocked: state.remaining === 0 };
}

export async function reset(limiter: RateLimiterDrizzle, key: string): Promise<void> {
  await limiter.delete(key);
}
