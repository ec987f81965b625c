import { sql } from 'drizzle-orm';
import { communityLabel } from '../atlas/community-label';
import type { AtlasOverview, OverviewCommunity } from '../atlas/overview';
import { queryRows } from '../db';
import type { InOrg } from '../database/with-org';
import type { OrgScope } from '../scope';

// What an Atlas run stores for the graph overview, under its job id: the communities, the links
// between them and every participant's scores and drill-down position (decision 021). Written in
// batches of multi-row statements, each committed on its own: the embedded database serves every query
// through one socket, and a million rows in one transaction would hold it for the whole write. Readers
// only ever see the rows of a run that succeeded (the run marks itself succeeded after the write), so
// a half-written run is invisible and a resumed one clears its rows first (deleteAtlasResults).
// The readers are in atlas-results-queries.ts.

/** Per participant (by dense id, aligned with `participantIds`): what the run computed about them. */
export interface ParticipantScores {
  participantIds: readonly string[];
  community: Int32Array;
  pagerank: Float64Array;
  /** Share of participants scoring at least as high (0.03: top 3%). */
  pagerankTop: Float64Array;
  /** Participation coefficient, 0 (one community) .. 1. */
  bridging: Float64Array;
}

export const ATLAS_RESULTS_BATCH_SIZE = 5_000;
const NAME_BATCH_SIZE = 10_000;
const DELETE_BATCH_SIZE = 20_000;

function* batches(total: number, size: number): Generator<[number, number]> {
  for (let start = 0; start < total; start += size) yield [start, Math.min(total, start + size)];
}

/** Display names of the participants named in community labels, read in batches. */
async function displayNames(inOrg: InOrg, scope: OrgScope, ids: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [start, end] of batches(ids.length, NAME_BATCH_SIZE)) {
    const rows = await inOrg((tx) =>
      queryRows<{ id: string; name: string }>(
        tx,
        sql`SELECT id, display_name AS name FROM participants
          WHERE org_id = ${scope.orgId} AND id = ANY(${sql.param(ids.slice(start, end))}::uuid[])
            AND erased_at IS NULL`,
      ),
    );
    for (const row of rows) names.set(row.id, row.name);
  }
  return names;
}

async function insertCommunities(
  inOrg: InOrg,
  scope: OrgScope,
  jobId: string,
  communities: OverviewCommunity[],
  names: Map<string, string>,
  batchSize: number,
): Promise<void> {
  for (const [start, end] of batches(communities.length, batchSize)) {
    const rows = communities.slice(start, end).map((c) => ({
      community: c.community,
      size: c.size,
      stage_counts: c.stageCounts,
      label: communityLabel(
        c.centralParticipantIds.map((id) => names.get(id) ?? ''),
        c.size,
      ),
      central: c.centralParticipantIds,
      x: c.x,
      y: c.y,
      activity: c.activity,
    }));
    // One JSON parameter per batch: the central ids are an array per row, which unnest cannot carry.
    await inOrg((tx) =>
      tx.execute(
        sql`INSERT INTO atlas_communities (org_id, job_id, community, size, stage_counts, label,
                                         central_participant_ids, x, y, activity)
          SELECT ${scope.orgId}::uuid, ${jobId}::uuid, r.community, r.size, r.stage_counts, r.label,
                 ARRAY(SELECT jsonb_array_elements_text(r.central))::uuid[], r.x, r.y, r.activity
          FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS r(community int, size int, stage_counts jsonb, label text, central jsonb, x float8, y float8,
                 activity jsonb)`,
      ),
    );
  }
}

/**
 * Elements `start` to `end` of a column (every `step`th value from `first`) as one PostgreSQL array
 * literal written here: the driver's writing of a JavaScript array, element by element, was a third of
 * a second of the event loop for 100,000 participants.
 */
function arrayLiteral(values: ArrayLike<number | string>, start: number, end: number, step = 1, first = 0) {
  const out = new Array<number | string>(end - start);
  for (let u = start; u < end; u++) out[u - start] = values[step * u + first]!;
  return `{${out.join(',')}}`;
}

async function insertLinks(
  inOrg: InOrg,
  scope: OrgScope,
  jobId: string,
  links: AtlasOverview['links'],
  batchSize: number,
  giveWay: () => Promise<void>,
) {
  for (const [start, end] of batches(links.count.length, batchSize)) {
    await giveWay();
    const column = (values: Int32Array) => arrayLiteral(values, start, end);
    await inOrg((tx) =>
      tx.execute(
        sql`INSERT INTO atlas_community_links (org_id, job_id, from_community, to_community, count)
          SELECT ${scope.orgId}::uuid, ${jobId}::uuid, l.f, l.t, l.n
          FROM unnest(${column(links.from)}::int[], ${column(links.to)}::int[],
                      ${column(links.count)}::int[]) AS l(f, t, n)`,
      ),
    );
  }
}

/** Score batches in flight at once: PostgreSQL writes one while the next is sent (the embedded database queues them). */
const SCORE_WRITES_IN_FLIGHT = 2;

async function insertScores(
  inOrg: InOrg,
  scope: OrgScope,
  jobId: string,
  positions: Float32Array,
  scores: ParticipantScores,
  batchSize: number,
  giveWay: () => Promise<void>,
): Promise<void> {
  const insert = (start: number, end: number) =>
    inOrg((tx) =>
      tx.execute(
        sql`INSERT INTO atlas_participant_scores (org_id, job_id, participant_id, community, pagerank,
                                                pagerank_top, bridging, x, y)
          SELECT ${scope.orgId}::uuid, ${jobId}::uuid, s.*
          FROM unnest(${arrayLiteral(scores.participantIds, start, end)}::uuid[],
                      ${arrayLiteral(scores.community, start, end)}::int[],
                      ${arrayLiteral(scores.pagerank, start, end)}::float8[],
                      ${arrayLiteral(scores.pagerankTop, start, end)}::float8[],
                      ${arrayLiteral(scores.bridging, start, end)}::float8[],
                      ${arrayLiteral(positions, start, end, 2, 0)}::float8[],
                      ${arrayLiteral(positions, start, end, 2, 1)}::float8[]) AS s`,
      ),
    );
  const inFlight = new Set<Promise<unknown>>();
  try {
    for (const [start, end] of batches(scores.participantIds.length, batchSize)) {
      await giveWay();
      const write: Promise<unknown> = insert(start, end).finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= SCORE_WRITES_IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    // On a failure, the other batch still in flight settles before the error goes up (never unhandled).
    await Promise.allSettled(inFlight);
  }
}

/**
 * Stores a run's overview and per-participant scores under its job id, labelling each community with
 * its central members' names as they are now. Not one transaction: see the top of this file. Each
 * batch of links or scores first awaits `giveWay` (a job's: the server's light requests in flight
 * finish first, decision 031), so that the database's cores are not all writing while they wait.
 */
export async function writeAtlasResults(
  inOrg: InOrg,
  scope: OrgScope,
  jobId: string,
  overview: Pick<AtlasOverview, 'communities' | 'links' | 'positions'>,
  scores: ParticipantScores,
  options: { batchSize?: number; giveWay?: () => Promise<void> } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? ATLAS_RESULTS_BATCH_SIZE;
  const giveWay = options.giveWay ?? (async () => undefined);
  if (overview.positions.length !== 2 * scores.participantIds.length)
    throw new RangeError(
      `positions holds ${overview.positions.length / 2} participants, scores ${scores.participantIds.length}`,
    );
  const named = [...new Set(overview.communities.flatMap((c) => c.centralParticipantIds))];
  const names = await displayNames(inOrg, scope, named);
  await insertCommunities(inOrg, scope, jobId, overview.communities, names, batchSize);
  // The links beside the scores, on a connection of their own: nothing reads either before the run
  // succeeds, and the scores must only follow the communities (pruneAtlasResults finds runs by them).
  const [links, written] = await Promise.allSettled([
    insertLinks(inOrg, scope, jobId, overview.links, batchSize, giveWay),
    insertScores(inOrg, scope, jobId, overview.positions, scores, batchSize, giveWay),
  ]);
  if (links.status === 'rejected') throw links.reason;
  if (written.status === 'rejected') throw written.reason;
}

/**
 * Deletes a run's participant scores, a batch per statement, so that the embedded database answers
 * other requests between batches of a million-row delete. A batch is a range of participant ids — up
 * to the batch's last — never `IN (a subquery)`: a run's rows are newer than the planner's statistics,
 * which then expect a handful, and it matched 20,000 ids against 100,000 rows pair by pair (2.8 minutes
 * at M, decision 055). A range costs one comparison a row whatever plan is chosen.
 */
async function deleteScoresInBatches(inOrg: InOrg, scope: OrgScope, jobId: string, batchSize: number) {
  for (;;) {
    const [row] = await inOrg((tx) =>
      queryRows<{ n: number }>(
        tx,
        sql`WITH gone AS (
            DELETE FROM atlas_participant_scores
            WHERE org_id = ${scope.orgId} AND job_id = ${jobId} AND participant_id <= coalesce((
              SELECT participant_id FROM atlas_participant_scores
              WHERE org_id = ${scope.orgId} AND job_id = ${jobId}
              ORDER BY participant_id OFFSET ${batchSize - 1} LIMIT 1), ${MAX_UUID}::uuid)
            RETURNING 1)
          SELECT count(*)::int AS n FROM gone`,
      ),
    );
    if ((row?.n ?? 0) < batchSize) return;
  }
}

/** The greatest uuid: a range up to it holds the rest of a run's rows. */
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** Removes what a run wrote (a resumed run clears its partial rows before writing again). */
export async function deleteAtlasResults(
  inOrg: InOrg,
  scope: OrgScope,
  jobId: string,
  options: { batchSize?: number } = {},
): Promise<void> {
  await deleteScoresInBatches(inOrg, scope, jobId, options.batchSize ?? DELETE_BATCH_SIZE);
  await inOrg((tx) =>
    tx.execute(sql`DELETE FROM atlas_community_links WHERE org_id = ${scope.orgId} AND job_id = ${jobId}`),
  );
  await inOrg((tx) =>
    tx.execute(sql`DELETE FROM atlas_communities WHERE org_id = ${scope.orgId} AND job_id = ${jobId}`),
  );
}

/**
 * Drops every other run's rows for the org, keeping `keepJobId`'s: called by the run that has just
 * succeeded, so only the live run's rows remain. Run by run, each deleted like deleteAtlasResults:
 * a condition on one job id reads only that run's stretch of the primary key, where `job_id <>` read
 * every run's, the live one's and the index entries of rows already deleted included (2.8 s of a
 * 100,000-participant run's 8 s, decision 055). The runs are found among the communities: a run's
 * communities are written before its scores and deleted after them.
 */
export async function pruneAtlasResults(
  inOrg: InOrg,
  scope: OrgScope,
  keepJobId: string,
  options: { batchSize?: number } = {},
): Promise<void> {
  const runs = await inOrg((tx) =>
    queryRows<{ jobId: string }>(
      tx,
      sql`SELECT DISTINCT job_id AS "jobId" FROM atlas_communities
          WHERE org_id = ${scope.orgId} AND job_id <> ${keepJobId}`,
    ),
  );
  for (const { jobId } of runs) await deleteAtlasResults(inOrg, scope, jobId, options);
}
