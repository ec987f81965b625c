import { importLimitsOf } from '../lib/import/csv-input';
import { resolveAnchorKeys } from '../lib/audit-chain/signing';
import { resolveAuthSecret } from '../lib/auth-secret';
import { createAuth } from '../lib/auth';
import { ConcurrencyGate } from '../lib/concurrency-gate';
import { LightFirst } from '../lib/light-first';
import type { DatabaseHandle } from '../lib/db';
import { publicOrigin, usesSecureCookies, type Env } from '../lib/env';
import { createRateLimiters } from '../lib/rate-limit';
import type { ApiDependencies } from './context';
import { ownOrigin } from './request-info';

/** Builds the API's dependencies from the validated environment. */
export function buildApiDependencies(database: DatabaseHandle, env: Env): ApiDependencies {
  const origin = publicOrigin(env);
  const auth = createAuth(database, {
    secret: resolveAuthSecret(env),
    baseURL: origin,
    secureCookies: usesSecureCookies(env),
    idleMinutes: env.SESSION_IDLE_MINUTES,
    absoluteHours: env.SESSION_ABSOLUTE_HOURS,
    // The request's own origin counts too: the console is reached as localhost and 127.0.0.1 alike.
    trustedOrigins: (request) => (request ? [origin, ownOrigin(request, env.TRUST_PROXY)] : [origin]),
  });
  const limiters = createRateLimiters(database.db, {
    signInWindowMinutes: env.SIGN_IN_WINDOW_MINUTES,
    signInMaxFailuresPerAccount: env.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
    signInMaxFailuresPerIp: env.SIGN_IN_MAX_FAILURES_PER_IP,
    apiPerUserPerMinute: env.RATE_LIMIT_USER_PER_MINUTE,
    apiPerOrgPerMinute: env.RATE_LIMIT_ORG_PER_MINUTE,
  });
  return {
    database,
    auth,
    limiters,
    heavyRequests: new ConcurrencyGate({
      perUser: env.HEAVY_REQUESTS_PER_USER,
      perOrg: env.HEAVY_REQUESTS_PER_ORG,
      perProcess: env.HEAVY_REQUESTS_PER_PROCESS,
      maxWaitMs: env.HEAVY_QUEUE_WAIT_MS,
    }),
    lightFirst: new LightFirst(),
    auditKeys: () => resolveAnchorKeys(env),
    settings: {
      absoluteSessionHours: env.SESSION_ABSOLUTE_HOURS,
      trustProxy: env.TRUST_PROXY,
      trustedOrigins: [origin],
      importLimits: importLimitsOf(env),
      production: env.NODE_ENV === 'production',
      metricsToken: env.METRICS_TOKEN ?? null,
    },
  };
}
