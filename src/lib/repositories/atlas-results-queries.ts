import { sql } from 'drizzle-orm';
import type { OverviewCommunity, OverviewLink } from '../atlas/overview';
import { queryRows } from '../db';
import type { OrgDb } from '../database/with-org';
import type { OrgScope } from '../scope';
import type { GraphQuery } from '../validation/graph';
import { nodeColumns, nodeFilter, type Graph, type GraphCommunity, type GraphNode } from './graph';
import { listEdgesAmong } from './relationships';
import { getSegmentSettings } from './segments';
import { isoMillis } from './iso-time';

// The stored overview as the graph API and the explorer read it: always the rows of the org's latest
// succeeded Atlas run, each read in one statement so that a newer run pruning this one's rows cannot
// leave it half-read.

export interface AtlasRun {
  jobId: string;
  finishedAt: string;
}

export type StoredCommunity = Omit<OverviewCommunity, 'x' | 'y'> & { label: string; x: number; y: number };

export interface StoredOverview {
  run: AtlasRun;
  /** Participants at the run (the communities' sizes added up). */
  participants: number;
  /** The drawn communities, largest first. */
  communities: StoredCommunity[];
  /** The strongest links among them, most relationships first. */
  links: OverviewLink[];
  /** What the overview leaves out: smaller communities (and their members), fainter links. */
  leftOut: { communities: number; participants: number; links: number };
}

export type PositionedNode = GraphNode & { x: number; y: number };

export interface CommunityGraph extends Graph {
  nodes: PositionedNode[];
  community: GraphCommunity;
}

const latestRun = (scope: OrgScope) => sql`
  SELECT j.id, j.finished_at FROM jobs j
  WHERE j.org_id = ${scope.orgId} AND j.kind = 'atlas_run' AND j.status = 'succeeded'
  ORDER BY j.finished_at DESC NULLS LAST, j.id DESC LIMIT 1`;

const iso = isoMillis;

/** The org's latest succeeded Atlas run, if any. */
export async function findLatestAtlasRun(db: OrgDb, scope: OrgScope): Promise<AtlasRun | undefined> {
  const [row] = await queryRows<AtlasRun>(
    db,
    sql`WITH run AS (${latestRun(scope)}) SELECT run.id AS "jobId", ${iso(sql`run.finished_at`)} AS "finishedAt" FROM run`,
  );
  return row;
}

/**
 * The latest run's overview: its largest communities (at most `limits.communities`, communities of
 * one left out) and the strongest links among them (at most `limits.links`). Undefined before the
 * org's first succeeded run.
 */
export async function findLatestOverview(
  db: OrgDb,
  scope: OrgScope,
  limits: { communities: number; links: number },
): Promise<StoredOverview | undefined> {
  const [row] = await queryRows<{
    jobId: string;
    finishedAt: string;
    communityCount: number;
    participants: number;
    communities: StoredCommunity[];
    links: OverviewLink[];
    linkCount: number;
  }>(
    db,
    sql`WITH run AS (${latestRun(scope)}),
        every AS (
          SELECT c.* FROM atlas_communities c JOIN run ON c.job_id = run.id WHERE c.org_id = ${scope.orgId}
        ),
        -- Communities are numbered by size, so the drawn ones are a prefix: 0 .. count(shown) − 1.
        shown AS (SELECT * FROM every WHERE community < ${limits.communities} AND size > 1),
        among AS (
          SELECT l.from_community, l.to_community, l.count
          FROM atlas_community_links l JOIN run ON l.job_id = run.id
          WHERE l.org_id = ${scope.orgId} AND l.to_community < (SELECT count(*) FROM shown)
        )
        SELECT run.id AS "jobId", ${iso(sql`run.finished_at`)} AS "finishedAt",
          (SELECT count(*)::int FROM every) AS "communityCount",
          (SELECT coalesce(sum(size), 0)::int FROM every) AS participants,
          coalesce((SELECT json_agg(json_build_object(
              'community', s.community, 'size', s.size, 'stageCounts', s.stage_counts, 'label', s.label,
              'centralParticipantIds', s.central_participant_ids, 'x', s.x, 'y', s.y, 'activity', s.activity
            ) ORDER BY s.community) FROM shown s), '[]'::json) AS communities,
          coalesce((SELECT json_agg(json_build_object('from', l.from_community, 'to', l.to_community, 'count', l.count)
                                    ORDER BY l.count DESC, l.from_community, l.to_community)
                    FROM (SELECT * FROM among ORDER BY count DESC, from_community, to_community
                          LIMIT ${limits.links}) l), '[]'::json) AS links,
          (SELECT count(*)::int FROM among) AS "linkCount"
        FROM run`,
  );
  if (!row) return undefined;
  const drawnMembers = row.communities.reduce((sum, c) => sum + c.size, 0);
  return {
    run: { jobId: row.jobId, finishedAt: row.finishedAt },
    participants: row.participants,
    communities: row.communities,
    links: row.links,
    leftOut: {
      communities: row.communityCount - row.communities.length,
      participants: row.participants - drawnMembers,
      links: row.linkCount - row.links.length,
    },
  };
}

/**
 * One community of the latest run as a graph: its members matching the filters, most central first
 * (PageRank) up to `limits.maxNodes`, with their stored positions, and the relationships among them
 * (at most `limits.maxEdges`). Undefined when the org has no succeeded run or the run has no such
 * community. Members erased since the run are not drawn; their data is gone.
 */
export async function findCommunityGraph(
  db: OrgDb,
  scope: OrgScope,
  community: number,
  query: Pick<GraphQuery, 'stage' | 'role' | 'segment' | 'minConfidence'>,
  limits: { maxNodes: number; maxEdges: number },
): Promise<CommunityGraph | undefined> {
  const settings = await getSegmentSettings(db, scope);
  const [row] = await queryRows<{
    jobId: string;
    finishedAt: string;
    label: string;
    size: number;
    matched: number;
    nodes: (PositionedNode & { pagerank: number })[];
  }>(
    db,
    sql`WITH run AS (${latestRun(scope)}),
        members AS (
          SELECT ${nodeColumns(scope, settings)}, s.x, s.y, s.pagerank
          FROM atlas_participant_scores s
          JOIN run ON s.job_id = run.id
          JOIN participants p ON p.org_id = s.org_id AND p.id = s.participant_id
          WHERE s.org_id = ${scope.orgId} AND s.community = ${community} AND ${nodeFilter(scope, query, settings)}
        )
        SELECT run.id AS "jobId", ${iso(sql`run.finished_at`)} AS "finishedAt", c.label, c.size,
          (SELECT count(*)::int FROM members) AS matched,
          coalesce((SELECT json_agg(m ORDER BY m.pagerank DESC, m.id)
                    FROM (SELECT * FROM members ORDER BY pagerank DESC, id LIMIT ${limits.maxNodes}) m),
                   '[]'::json) AS nodes
        FROM run
        JOIN atlas_communities c ON c.org_id = ${scope.orgId} AND c.job_id = run.id AND c.community = ${community}`,
  );
  if (!row) return undefined;
  const nodes = row.nodes.map(({ pagerank: _pagerank, ...node }) => node);
  const edges = await listEdgesAmong(
    db,
    scope,
    nodes.map((n) => n.id),
    query.minConfidence,
    limits.maxEdges + 1,
  );
  return {
    nodes,
    edges: edges.slice(0, limits.maxEdges),
    truncated: [],
    community: {
      community,
      label: row.label,
      size: row.size,
      matched: row.matched,
      edgesTruncated: edges.length > limits.maxEdges,
      run: { jobId: row.jobId, finishedAt: row.finishedAt },
    },
  };
}
