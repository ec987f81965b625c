import type { CsvLimits } from '../lib/import/csv-input';
import type { AnchorKeys } from '../lib/audit-chain/signing';
import type { Auth, CurrentUser } from '../lib/auth';
import type { ConcurrencyGate } from '../lib/concurrency-gate';
import type { EndLight, LightFirst } from '../lib/light-first';
import type { Database, DatabaseHandle } from '../lib/db';
import type { RateLimiters } from '../lib/rate-limit';
import type { RequestScope } from '../lib/scope';

export interface ApiSettings {
  absoluteSessionHours: number;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy only). */
  trustProxy: boolean;
  /** Origins besides the request's own that may send state-changing requests with a session cookie. */
  trustedOrigins: string[];
  /** What a CSV import may hold (IMPORT_MAX_*). */
  importLimits: CsvLimits;
  /** NODE_ENV=production: audit streams must use https (docs/decisions/035). */
  production: boolean;
  /** METRICS_TOKEN: what GET /api/metrics asks of its scraper; null, the route answers 404. */
  metricsToken: string | null;
}

/** What the API is built from; tests build their own. */
export interface ApiDependencies {
  database: DatabaseHandle;
  auth: Auth;
  limiters: RateLimiters;
  /** The slots of heavy requests per user and org (`heavy()`). */
  heavyRequests: ConcurrencyGate;
  /** Light requests in flight, which heavy answers give way to on the event loop (decision 031). */
  lightFirst: LightFirst;
  settings: ApiSettings;
  /**
   * Tests only: the org routes skip the permission they declare with `needs(...)`, so that a test can
   * show what the other layers (the membership check, row-level security) hold on their own.
   * buildApiDependencies never sets it and nothing reads it from the environment.
   */
  withoutRoutePermissions?: true;
  /** The audit chain's anchor key (read on first use: the embedded demo makes one); null without one. */
  auditKeys: () => AnchorKeys | null;
}

/** What every API handler finds in its context. */
export interface ApiEnv {
  Variables: {
    deps: ApiDependencies;
    database: DatabaseHandle;
    requestId: string;
    /** Ends this request's light mark: `heavy()` calls it before it waits for a slot. */
    endLight: EndLight;
    /** Set by the org middleware: the signed-in user and the verified org scope. */
    currentUser: CurrentUser;
    scope: RequestScope;
    /**
     * Set by the org middleware: the database an org route's service is given. Inside an idempotent
     * POST it is the scoped transaction that also completes the key, which the service's withOrg joins.
     */
    db: Database;
  };
}
