import { inOrg, withOrg } from '../../src/lib/database/with-org';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { linkAt } from '../../src/lib/atlas/overview';
import { queryRows } from '../../src/lib/db';
import { deleteAtlasResults, pruneAtlasResults } from '../../src/lib/repositories/atlas-results';
import {
  findCommunityGraph,
  findLatestAtlasRun,
  findLatestOverview,
} from '../../src/lib/repositories/atlas-results-queries';
import { createOrgScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { TEST_PASSWORD } from '../setup/api';
import { insertAtlasJob, writeRun } from '../setup/atlas-runs';
import { describeEachDatabase } from '../setup/databases';

const scopeFor = (orgId: string) =>
  createOrgScope({
    orgId,
    orgName: 'Atlas results',
    timezone: 'UTC',
    userId: '00000000-0000-4000-8000-000000000001',
    userEmail: 'x',
    role: 'viewer',
  });

const LIMITS = { communities: 1000, links: 5000 };

describeEachDatabase('atlas results', ({ db }) => {
  const rowsOf = async (orgId: string) => {
    const [row] = await queryRows<{ communities: number; links: number; scores: number }>(
      db().db,
      sql`SELECT (SELECT count(*)::int FROM atlas_communities WHERE org_id = ${orgId}) AS communities,
                 (SELECT count(*)::int FROM atlas_community_links WHERE org_id = ${orgId}) AS links,
                 (SELECT count(*)::int FROM atlas_participant_scores WHERE org_id = ${orgId}) AS scores`,
    );
    return row!;
  };
  const jobsWithRows = async (orgId: string) =>
    (
      await queryRows<{ jobId: string }>(
        db().db,
        sql`SELECT DISTINCT job_id AS "jobId" FROM atlas_participant_scores WHERE org_id = ${orgId}
            UNION SELECT DISTINCT job_id FROM atlas_communities WHERE org_id = ${orgId}`,
      )
    ).map((r) => r.jobId);

  async function demo() {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    return { orgId, scope: scopeFor(orgId) };
  }

  it('stores a run and reads it back: sizes add up to the org, labels name the central members', async () => {
    const { orgId, scope } = await demo();
    expect(await withOrg(db().db, scope, (tx) => findLatestOverview(tx, scope, LIMITS))).toBeUndefined();
    const jobId = await insertAtlasJob(db(), orgId, 'succeeded', new Date());
    const { graph, analysis, overview } = await writeRun(db(), scope, jobId);

    const stored = (await withOrg(db().db, scope, (tx) => findLatestOverview(tx, scope, LIMITS)))!;
    expect(stored.run.jobId).toBe(jobId);
    expect(stored.participants).toBe(12);
    const drawn = overview.communities.filter((c) => c.size > 1);
    expect(stored.communities.map((c) => c.size)).toEqual(drawn.map((c) => c.size));
    expect(stored.communities.reduce((s, c) => s + c.size, 0) + stored.leftOut.participants).toBe(12);
    expect(stored.leftOut.communities).toBe(overview.communities.length - drawn.length);

    const names = new Map(
      (
        await queryRows<{ id: string; name: string }>(
          db().db,
          sql`SELECT id, display_name AS name FROM participants WHERE org_id = ${orgId}`,
        )
      ).map((r) => [r.id, r.name]),
    );
    for (const c of stored.communities) {
      const expected = overview.communities[c.community]!;
      expect(c).toMatchObject({
        stageCounts: expected.stageCounts,
        centralParticipantIds: expected.centralParticipantIds,
        x: expected.x,
        y: expected.y,
        activity: expected.activity,
      });
      expect(c.label.startsWith(names.get(c.centralParticipantIds[0]!)!)).toBe(true);
      expect(c.label).toMatch(c.size > 3 ? new RegExp(`and ${c.size - 2} others$`) : /./);
    }
    expect(stored.links).toEqual(
      Array.from({ length: overview.links.count.length }, (_, i) => linkAt(overview.links, i))
        .filter((l) => l.to < drawn.length)
        .sort((a, b) => b.count - a.count || a.from - b.from || a.to - b.to),
    );

    const scores = await queryRows<{ id: string; community: number; pagerank: number; x: number; y: number }>(
      db().db,
      sql`SELECT participant_id AS id, community, pagerank, x, y FROM atlas_participant_scores
          WHERE org_id = ${orgId} AND job_id = ${jobId}`,
    );
    expect(scores).toHaveLength(12);
    for (const row of scores) {
      const u = graph.participantIds.indexOf(row.id);
      expect(row.community).toBe(analysis.community[u]);
      expect(row.pagerank).toBe(analysis.pagerank[u]);
      expect([row.x, row.y]).toEqual([overview.positions[2 * u], overview.positions[2 * u + 1]]);
    }
  });

  it('drills into a community: its members most central first, at their stored positions, and the edges among them', async () => {
    const { orgId, scope } = await demo();
    const jobId = await insertAtlasJob(db(), orgId, 'succeeded', new Date());
    const { graph, analysis, overview } = await writeRun(db(), scope, jobId);
    const limits = { maxNodes: 10_000, maxEdges: 200_000 };

    const community = (await withOrg(db().db, scope, (tx) => findCommunityGraph(tx, scope, 0, {}, limits)))!;
    const members = graph.participantIds.filter((_, u) => analysis.community[u] === 0);
    expect(community.community).toMatchObject({
      community: 0,
      size: members.length,
      matched: members.length,
    });
    expect(community.community.run.jobId).toBe(jobId);
    expect(community.nodes.map((n) => n.id).sort()).toEqual([...members].sort());
    const pagerankOf = (id: string) => analysis.pagerank[graph.participantIds.indexOf(id)]!;
    const order = community.nodes.map((n) => pagerankOf(n.id));
    expect(order).toEqual([...order].sort((a, b) => b - a));
    for (const node of community.nodes) {
      const u = graph.participantIds.indexOf(node.id);
      expect([node.x, node.y]).toEqual([overview.positions[2 * u], overview.positions[2 * u + 1]]);
    }
    const ids = new Set(members);
    const among = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM relationships WHERE org_id = ${orgId}
          AND from_participant_id = ANY(${sql.param(members)}::uuid[])
          AND to_participant_id = ANY(${sql.param(members)}::uuid[])`,
    );
    expect(community.edges.map((e) => e.id).sort()).toEqual(among.map((r) => r.id).sort());
    expect(community.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);

    const capped = (await withOrg(db().db, scope, (tx) =>
      findCommunityGraph(tx, scope, 0, {}, { maxNodes: 2, maxEdges: 0 }),
    ))!;
    expect(capped.nodes.map((n) => n.id)).toEqual(community.nodes.slice(0, 2).map((n) => n.id));
    expect(capped.community.edgesTruncated).toBe(capped.nodes.length > 1 && community.edges.length > 0);

    const active = (await withOrg(db().db, scope, (tx) =>
      findCommunityGraph(tx, scope, 0, { stage: 'active' }, limits),
    ))!;
    expect(active.nodes.every((n) => n.lifecycleStage === 'active')).toBe(true);
    expect(active.community.matched).toBe(active.nodes.length);

    expect(
      await withOrg(db().db, scope, (tx) =>
        findCommunityGraph(tx, scope, overview.communities.length, {}, limits),
      ),
    ).toBeUndefined();
  });

  it('reads the latest succeeded run, never one that is running or failed', async () => {
    const { orgId, scope } = await demo();
    const older = await insertAtlasJob(db(), orgId, 'succeeded', new Date(Date.now() - 3_600_000));
    await writeRun(db(), scope, older);
    const newer = await insertAtlasJob(db(), orgId, 'succeeded', new Date());
    await writeRun(db(), scope, newer);
    const failed = await insertAtlasJob(db(), orgId, 'failed', new Date(Date.now() + 60_000));
    await writeRun(db(), scope, failed);
    expect((await withOrg(db().db, scope, (tx) => findLatestAtlasRun(tx, scope)))!.jobId).toBe(newer);
    expect((await withOrg(db().db, scope, (tx) => findLatestOverview(tx, scope, LIMITS)))!.run.jobId).toBe(
      newer,
    );
    expect(
      (await withOrg(db().db, scope, (tx) =>
        findCommunityGraph(tx, scope, 0, {}, { maxNodes: 5, maxEdges: 5 }),
      ))!.community.run.jobId,
    ).toBe(newer);
  });

  it('deletes one run’s rows in batches, and prunes every run but the live one, in its org only', async () => {
    const { orgId, scope } = await demo();
    const other = await loadSyntheticOrg(
      db(),
      { name: 'Other', timezone: 'UTC' },
      { participants: 300, edges: 900, seed: 2, now: new Date() },
    );
    const otherScope = scopeFor(other.orgId);
    const otherJob = await insertAtlasJob(db(), other.orgId, 'succeeded', new Date());
    await writeRun(db(), otherScope, otherJob);
    const before = await rowsOf(other.orgId);
    expect(before.scores).toBe(300);

    const partial = await insertAtlasJob(db(), orgId, 'running', null);
    await writeRun(db(), scope, partial);
    await deleteAtlasResults(inOrg(db().db, scope), scope, partial, { batchSize: 5 });
    expect(await rowsOf(orgId)).toEqual({ communities: 0, links: 0, scores: 0 });

    const first = await insertAtlasJob(db(), orgId, 'succeeded', new Date(Date.now() - 60_000));
    await writeRun(db(), scope, first);
    const second = await insertAtlasJob(db(), orgId, 'succeeded', new Date());
    await writeRun(db(), scope, second);
    expect((await jobsWithRows(orgId)).sort()).toEqual([first, second].sort());
    await pruneAtlasResults(inOrg(db().db, scope), scope, second, { batchSize: 5 });
    expect(await jobsWithRows(orgId)).toEqual([second]);
    expect((await rowsOf(orgId)).scores).toBe(12);
    expect(await rowsOf(other.orgId)).toEqual(before);
  });

  it('writes a larger org in several batches, every participant once, giving way before each', async () => {
    await demo();
    const big = await loadSyntheticOrg(
      db(),
      { name: 'Batches', timezone: 'UTC' },
      { participants: 1500, edges: 5000, seed: 4, now: new Date() },
    );
    const scope = scopeFor(big.orgId);
    const jobId = await insertAtlasJob(db(), big.orgId, 'succeeded', new Date());
    let turns = 0;
    const { overview } = await writeRun(db(), scope, jobId, 400, async () => {
      turns++;
    });
    // Light requests get their turn before each batch of links and of scores (decision 031).
    expect(turns).toBe(Math.ceil(1500 / 400) + Math.ceil(overview.links.count.length / 400));
    expect(await rowsOf(big.orgId)).toEqual({
      communities: overview.communities.length,
      links: overview.links.count.length,
      scores: 1500,
    });
    const stored = (await withOrg(db().db, scope, (tx) =>
      findLatestOverview(tx, scope, { communities: 5, links: 3 }),
    ))!;
    expect(stored.communities).toHaveLength(5);
    expect(stored.links.length).toBeLessThanOrEqual(3);
    expect(stored.communities.reduce((s, c) => s + c.size, 0) + stored.leftOut.participants).toBe(1500);
    expect(stored.leftOut.communities).toBe(overview.communities.length - 5);
  });
});
