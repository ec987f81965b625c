import { inOrg } from '../../src/lib/database/with-org';
import { uuidsOf } from '../../src/lib/atlas/uuid-column';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { buildCsr } from '../../src/lib/atlas/csr';
import { pagerankScores } from '../../src/lib/atlas/pagerank';
import { queryRows } from '../../src/lib/db';
import {
  INFERRED_RELATIONSHIP_SOURCES,
  LIFECYCLE_STAGES,
  SYSTEM_PARTICIPANT_ROLE,
} from '../../src/lib/domain';
import { loadOrgGraph, MIN_EDGE_WEIGHT } from '../../src/lib/repositories/atlas-graph';
import { createOrgScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

const scopeFor = (orgId: string) =>
  createOrgScope({
    orgId,
    orgName: 'Atlas graph',
    timezone: 'UTC',
    userId: '00000000-0000-4000-8000-000000000001',
    userEmail: 'x',
    role: 'viewer',
  });

describeEachDatabase('atlas graph loader', ({ db }) => {
  interface ParticipantRow {
    id: string;
    stage: string;
    role: string;
    lastActivityMs: number | null;
    createdMs: number;
  }
  interface RelationshipRow {
    id: string;
    fromId: string;
    toId: string;
    confidence: number;
    source: string;
  }
  const participantsOf = (orgId: string) =>
    queryRows<ParticipantRow>(
      db().db,
      sql`SELECT id, lifecycle_stage AS stage, role,
                 (extract(epoch FROM last_activity_at) * 1000)::float8 AS "lastActivityMs",
                 (extract(epoch FROM created_at) * 1000)::float8 AS "createdMs"
          FROM participants WHERE org_id = ${orgId}`,
    );
  const relationshipsOf = (orgId: string) =>
    queryRows<RelationshipRow>(
      db().db,
      sql`SELECT id, from_participant_id AS "fromId", to_participant_id AS "toId", confidence_score AS confidence,
                 source
          FROM relationships WHERE org_id = ${orgId}`,
    );
  const inferredSources = new Set<string>(INFERRED_RELATIONSHIP_SOURCES);

  /** Checks every array of the loaded graph against the org's rows, read independently. */
  async function expectMatchesTables(orgId: string, graph: Awaited<ReturnType<typeof loadOrgGraph>>) {
    const participants = await participantsOf(orgId);
    const relationships = await relationshipsOf(orgId);
    expect(graph.participantIds).toEqual(participants.map((p) => p.id).sort());
    expect(graph.csrInput.nodeCount).toBe(participants.length);
    expect(graph.relationshipIds.length).toBe(relationships.length);
    expect(graph.skippedRelationships).toBe(0);
    for (const array of [
      graph.csrInput.from,
      graph.csrInput.to,
      graph.csrInput.weight,
      graph.confidence,
      graph.inferred,
      graph.flagged,
      graph.sourceIndex,
    ]) {
      expect(array.length).toBe(relationships.length);
    }
    for (const array of [graph.createdAt, graph.suppressed, graph.stage, graph.isSystem]) {
      expect(array.length).toBe(participants.length);
    }
    const byId = new Map(participants.map((p) => [p.id, p]));
    graph.participantIds.forEach((id, i) => {
      const row = byId.get(id)!;
      expect(LIFECYCLE_STAGES[graph.stage[i]!]).toBe(row.stage);
      expect(graph.isSystem[i]).toBe(row.role === SYSTEM_PARTICIPANT_ROLE ? 1 : 0);
      if (row.lastActivityMs === null) expect(graph.lastActivityAt[i]).toBeNaN();
      else expect(graph.lastActivityAt[i]).toBe(Number(row.lastActivityMs));
      expect(graph.createdAt[i]).toBe(Number(row.createdMs));
    });
    const relationshipById = new Map(relationships.map((r) => [r.id, r]));
    uuidsOf(graph.relationshipIds).forEach((id, e) => {
      const row = relationshipById.get(id)!;
      expect(graph.participantIds[graph.csrInput.from[e]!]).toBe(row.fromId);
      expect(graph.participantIds[graph.csrInput.to[e]!]).toBe(row.toId);
      expect(graph.csrInput.weight[e]).toBeCloseTo(Math.max(Number(row.confidence), MIN_EDGE_WEIGHT), 6);
      expect(graph.confidence[e]).toBeCloseTo(Number(row.confidence), 6);
      expect(graph.sourceNames[graph.sourceIndex[e]!]).toBe(row.source);
      expect(graph.inferred[e]).toBe(inferredSources.has(row.source) ? 1 : 0);
    });
    expect(new Set(graph.sourceNames).size).toBe(graph.sourceNames.length);
    expect(new Set(uuidsOf(graph.relationshipIds)).size).toBe(relationships.length);
  }

  it('loads the demo org: every participant a node, every relationship an edge between its participants', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    // One participant never active, one active to the microsecond: both come through as they are.
    await db().db.execute(sql`
      UPDATE participants SET last_activity_at = CASE
          WHEN id = (SELECT id FROM participants WHERE org_id = ${orgId} ORDER BY id LIMIT 1) THEN NULL
          ELSE '2026-03-04T05:06:07.123456Z'::timestamptz END
      WHERE org_id = ${orgId} AND id IN (SELECT id FROM participants WHERE org_id = ${orgId} ORDER BY id LIMIT 2)`);
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId));
    expect(graph.lastActivityAt[0]).toBeNaN();
    expect(graph.lastActivityAt[1]).toBe(Date.parse('2026-03-04T05:06:07.123Z') + 0.456);
    expect(graph.csrInput.nodeCount).toBe(12);
    expect(uuidsOf(graph.relationshipIds)).toHaveLength(16);
    expect(graph.isSystem.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    await expectMatchesTables(orgId, graph);
  });

  it('reads across keyset batches without losing or repeating rows, and never another org’s rows', async () => {
    const demo = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const options = { participants: 1200, edges: 3000, seed: 11, now: new Date() };
    const big = await loadSyntheticOrg(db(), { name: 'Batches', timezone: 'UTC' }, options);
    // Batches far smaller than the org: many pages, with page boundaries inside each table.
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(big.orgId)), scopeFor(big.orgId), {
      batchSize: 97,
    });
    expect(graph.csrInput.nodeCount).toBe(1200);
    expect(uuidsOf(graph.relationshipIds)).toHaveLength(3000);
    await expectMatchesTables(big.orgId, graph);
    const demoIds = new Set([
      ...(await participantsOf(demo.orgId)).map((p) => p.id),
      ...(await relationshipsOf(demo.orgId)).map((r) => r.id),
    ]);
    expect([...graph.participantIds, ...uuidsOf(graph.relationshipIds)].some((id) => demoIds.has(id))).toBe(
      false,
    );
    // The default batches, giving the loop a turn every thousand rows or so (4,200 rows here).
    let turns = 0;
    const whole = await loadOrgGraph(inOrg(db().db, scopeFor(big.orgId)), scopeFor(big.orgId), {
      giveWay: async () => void turns++,
    });
    expect(turns).toBeGreaterThanOrEqual(4);
    expect(whole.participantIds).toEqual(graph.participantIds);
    expect(uuidsOf(whole.relationshipIds)).toEqual(uuidsOf(graph.relationshipIds));
  });

  it('loads an org without relationships with zero edges', async () => {
    const options = { participants: 40, edges: 0, seed: 2, now: new Date() };
    const lonely = await loadSyntheticOrg(db(), { name: 'Lonely', timezone: 'UTC' }, options);
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(lonely.orgId)), scopeFor(lonely.orgId), {
      batchSize: 10,
    });
    expect(graph.csrInput.nodeCount).toBe(40);
    expect(uuidsOf(graph.relationshipIds)).toEqual([]);
    expect(graph.csrInput.from).toHaveLength(0);
    await expectMatchesTables(lonely.orgId, graph);
    const scores = pagerankScores(buildCsr(graph.csrInput)).scores;
    expect(scores.every((s) => Math.abs(s - 1 / 40) < 1e-12)).toBe(true);
  });

  it('keeps a relationship of confidence 0 as an edge of negligible weight that buildCsr accepts', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const [doubted] = await queryRows<{ id: string }>(
      db().db,
      sql`UPDATE relationships SET confidence_score = 0
          WHERE org_id = ${orgId} AND id = (SELECT min(id::text)::uuid FROM relationships WHERE org_id = ${orgId})
          RETURNING id`,
    );
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId));
    const e = uuidsOf(graph.relationshipIds).indexOf(doubted!.id);
    expect(graph.csrInput.weight[e]).toBeCloseTo(MIN_EDGE_WEIGHT, 9);
    expect(buildCsr(graph.csrInput).edgeCount).toBe(16);
  });

  it('marks suppressed participants (while the suppression holds) and relationships flagged for review', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const [a, b, c, d] = (await participantsOf(orgId)).map((p) => p.id).sort();
    const now = new Date('2030-06-01T00:00:00Z');
    await db().db.execute(sql`
      INSERT INTO participant_controls (org_id, participant_id, recommendations_suppressed, recommendations_suppressed_until)
      VALUES (${orgId}, ${a}, true, NULL),
             (${orgId}, ${b}, true, '2030-06-02T00:00:00Z'),
             (${orgId}, ${c}, true, '2030-05-31T00:00:00Z'),
             (${orgId}, ${d}, false, NULL)`);
    const [flagged] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT min(id::text)::uuid AS id FROM relationships WHERE org_id = ${orgId}`,
    );
    await db().db.execute(sql`
      INSERT INTO relationship_controls (org_id, relationship_id, flagged_for_review)
      VALUES (${orgId}, ${flagged!.id}, true)`);
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId), { now, batchSize: 5 });
    const suppressedIds = graph.participantIds.filter((_, i) => graph.suppressed[i] === 1);
    // No end, or an end after now; an expired suppression and a lifted one hold no longer.
    expect(suppressedIds.sort()).toEqual([a, b].sort());
    expect(uuidsOf(graph.relationshipIds).filter((_, e) => graph.flagged[e] === 1)).toEqual([flagged!.id]);
    // A day later b's suppression has ended too.
    const later = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId), {
      now: new Date('2030-06-03T00:00:00Z'),
    });
    expect(later.participantIds.filter((_, i) => later.suppressed[i] === 1)).toEqual([a]);
    await expectMatchesTables(orgId, graph);
  });

  it('keeps the raw confidence apart from the weight, and tells inferred sources from entered ones', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId));
    const sourceOf = (e: number) => graph.sourceNames[graph.sourceIndex[e]!];
    const all = uuidsOf(graph.relationshipIds).map((_, e) => e);
    expect(new Set(all.filter((e) => graph.inferred[e]).map(sourceOf))).toEqual(
      new Set(['email', 'calendar']),
    );
    expect(new Set(all.filter((e) => !graph.inferred[e]).map(sourceOf))).toEqual(
      new Set(['manual', 'crm_import', 'system']),
    );
    const weakest = Math.min(...graph.confidence);
    expect(weakest).toBeCloseTo(0.41, 6);
  });

  it('loads an org that does not exist as an empty graph', async () => {
    const graph = await loadOrgGraph(
      inOrg(db().db, scopeFor('00000000-0000-4000-8000-00000000abcd')),
      scopeFor('00000000-0000-4000-8000-00000000abcd'),
    );
    expect(graph.csrInput.nodeCount).toBe(0);
    expect(graph.participantIds).toEqual([]);
    expect(uuidsOf(graph.relationshipIds)).toEqual([]);
  });

  it('feeds buildCsr and PageRank directly', async () => {
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const graph = await loadOrgGraph(inOrg(db().db, scopeFor(orgId)), scopeFor(orgId));
    const csr = buildCsr(graph.csrInput);
    expect(csr.nodeCount).toBe(12);
    // Evidence ids: every stored edge points back to a relationship joining the same two participants.
    const relationships = new Map((await relationshipsOf(orgId)).map((r) => [r.id, r]));
    for (let u = 0; u < csr.nodeCount; u++) {
      for (let k = csr.outOffsets[u]!; k < csr.outOffsets[u + 1]!; k++) {
        const row = relationships.get(uuidsOf(graph.relationshipIds)[csr.outEdgeIndex[k]!]!)!;
        expect(row.fromId).toBe(graph.participantIds[u]);
        expect(row.toId).toBe(graph.participantIds[csr.outTargets[k]!]);
      }
    }
    const { scores, converged } = pagerankScores(csr, { undirected: true });
    expect(converged).toBe(true);
    expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    const top = graph.participantIds[scores.indexOf(Math.max(...scores))];
    const [{ id: mostConnected } = { id: '' }] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM participants WHERE org_id = ${orgId} ORDER BY out_degree + in_degree DESC, id LIMIT 1`,
    );
    expect(top).toBe(mostConnected);
  });
});
