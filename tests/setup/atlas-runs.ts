import { inOrg } from '../../src/lib/database/with-org';
import { sql } from 'drizzle-orm';
import { analyseGraph } from '../../src/lib/atlas/analysis';
import { buildOverview } from '../../src/lib/atlas/overview';
import { queryRows, type DatabaseHandle } from '../../src/lib/db';
import { loadOrgGraph } from '../../src/lib/repositories/atlas-graph';
import { writeAtlasResults } from '../../src/lib/repositories/atlas-results';
import type { OrgScope } from '../../src/lib/scope';

// Atlas runs for tests of what reads their results: the job row as the runner leaves it, and the
// results written as the run writes them (the runner and the pipeline are tested on their own).

/** An atlas_run job row as the runner leaves it, inserted directly (the runner is tested elsewhere). */
export async function insertAtlasJob(
  db: Pick<DatabaseHandle, 'db'>,
  orgId: string,
  status: 'succeeded' | 'running' | 'failed',
  finishedAt: Date | null,
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    db.db,
    sql`INSERT INTO jobs (org_id, kind, status, time_limit_seconds, started_at, finished_at)
        VALUES (${orgId}, 'atlas_run', ${status}, 600, ${finishedAt?.toISOString() ?? null}, ${finishedAt?.toISOString() ?? null})
        RETURNING id`,
  );
  return row!.id;
}

/** What a run computes for the org now, written under `jobId` as the run writes it. */
export async function writeRun(
  db: Pick<DatabaseHandle, 'db'>,
  scope: OrgScope,
  jobId: string,
  batchSize?: number,
  giveWay?: () => Promise<void>,
) {
  const graph = await loadOrgGraph(inOrg(db.db, scope), scope);
  const { analysis } = analyseGraph(graph, Date.now());
  const overview = buildOverview(analysis);
  await writeAtlasResults(
    inOrg(db.db, scope),
    scope,
    jobId,
    overview,
    {
      participantIds: graph.participantIds,
      community: analysis.community,
      pagerank: analysis.pagerank,
      pagerankTop: analysis.pagerankTop,
      bridging: analysis.bridging.participation,
    },
    { batchSize, giveWay },
  );
  return { graph, analysis, overview };
}
