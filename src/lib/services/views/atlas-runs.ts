import { requirePermission } from '../../auth';
import type { Database } from '../../db';
import { withOrg } from '../../database/with-org';
import { listJobs, type JobRow } from '../../repositories/jobs';
import type { RequestScope } from '../../scope';

export interface AtlasRuns {
  /** The org's newest Atlas run, whatever its status: one in progress, or how the last one ended. */
  latest: JobRow | null;
  /** The newest that succeeded: the run today's recommendations and graph overview come from. */
  lastSucceeded: JobRow | null;
}

/**
 * The Atlas runs the Recommendations page shows. No audit event, as GET /jobs writes none: a run's
 * summary holds counts and timings, no participant.
 */
export async function viewAtlasRuns(db: Database, scope: RequestScope): Promise<AtlasRuns> {
  requirePermission(scope, 'org.read');
  return withOrg(db, scope, async (tx) => {
    const [latest = null] = await listJobs(tx, scope, { kind: 'atlas_run', limit: 1 });
    if (!latest || latest.status === 'succeeded') return { latest, lastSucceeded: latest };
    const [lastSucceeded = null] = await listJobs(tx, scope, {
      kind: 'atlas_run',
      status: 'succeeded',
      limit: 1,
    });
    return { latest, lastSucceeded };
  });
}
