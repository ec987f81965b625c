import { withOrg, withOrgConnection, type OrgDb } from '../../src/lib/database/with-org';
import { gunzipSync, inflateSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { createOrgScope } from '../../src/lib/scope';
import { readCompactGraph, type CompactGraphRead } from '../../src/lib/repositories/compact-graph';
import { gzipPieces, inflatedPieces } from '../../src/lib/http/gzip-pieces';
import { queryRows } from '../../src/lib/db';
import {
  GraphTooLargeError,
  PRIMARY_SEGMENT_ORDER,
  loadNeighbourhood,
  loadOverview,
  loadWholeGraph,
  nodeColumns,
  toCompact,
  type Graph,
  type GraphNode,
} from '../../src/lib/repositories/graph';
import { listEdgesAmong } from '../../src/lib/repositories/relationships';
import { getSegmentSettings, segmentCondition } from '../../src/lib/repositories/segments';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { idFactory } from '../../src/lib/seed/synthetic';
import { graphQuerySchema, type GraphQuery } from '../../src/lib/validation/graph';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

/** A viewer's scope in an org the test loaded (the reads below run as repository calls). */
const viewerOf = (orgId: string, orgName: string) =>
  createOrgScope({
    orgId,
    orgName,
    timezone: 'UTC',
    userId: '00000000-0000-4000-8000-000000000001',
    userEmail: 'x',
    role: 'viewer',
  });

interface JsonGraph {
  nodes: { id: string; label: string; degree: number; lifecycleStage: string; segment: string }[];
  edges: { id: string; source: string; target: string; type: string; confidence: number }[];
  truncated: { hop: number; kept: number; leftOut: number }[];
  overview?: { total: number; shown: number; reason: string };
}

describeEachDatabase('graph', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const get = async (query = '', headers?: Record<string, string>) => {
      const response = await api.request(`/api/orgs/${orgId}/graph${query}`, { cookie, headers });
      return { status: response.status, response };
    };
    const graph = async (query = '') => (await (await get(query)).response.json()) as JsonGraph;
    const idOf = async (name: string) => (await graph()).nodes.find((n) => n.label === name)!.id;
    return { api, orgId, cookie, get, graph, idOf };
  }
  const labels = (g: JsonGraph) => g.nodes.map((n) => n.label).sort();

  it('draws the whole demo org with degrees, every edge between its nodes', async () => {
    const { graph } = await demo();
    const g = await graph();
    expect(g.nodes).toHaveLength(12);
    expect(g.edges).toHaveLength(16);
    expect(g.nodes.find((n) => n.label === 'Ava Moreno')!.degree).toBe(6);
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
    expect(g.truncated).toEqual([]);
  });

  it('audits each view with its filters and size', async () => {
    const { orgId, graph } = await demo();
    await graph('?stage=active&minConfidence=0.5');
    const { and, eq } = await import('drizzle-orm');
    const { events } = await import('../../src/lib/database/schema');
    const [event] = await db()
      .db.select()
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'graph.viewed'), eq(events.targetType, 'org')))
      .orderBy(events.createdAt);
    expect(event).toMatchObject({ actorRole: 'owner', targetId: orgId });
    const viewed = await db()
      .db.select({ metadata: events.metadata })
      .from(events)
      .where(and(eq(events.orgId, orgId), eq(events.eventType, 'graph.viewed')));
    expect(viewed.map((v) => v.metadata)).toContainEqual({
      filters: { stage: 'active', minConfidence: 0.5 },
      format: 'json',
      nodes: 6,
      edges: expect.any(Number),
      truncated: [],
    });
  });

  it('filters nodes by stage and segment, and edges by confidence', async () => {
    const { graph } = await demo();
    const active = await graph('?stage=active');
    expect(labels(active)).toEqual([
      'Ava Moreno',
      'Ben Okafor',
      'CRM Bridge',
      'Calendar Sync',
      'Dev Raman',
      'Hiro Sato',
    ]);
    const ids = new Set(active.nodes.map((n) => n.id));
    expect(active.edges.every((e) => ids.has(e.source) && ids.has(e.target))).toBe(true);
    expect(labels(await graph('?segment=highly_connected'))).toEqual([
      'Ava Moreno',
      'Ben Okafor',
      'Elena Petrova',
    ]);
    const strong = await graph('?minConfidence=0.9');
    expect(strong.edges).toHaveLength(6);
    expect(strong.edges.every((e) => e.confidence >= 0.9)).toBe(true);
  });

  it('returns the neighbourhood of a participant, keeping the most connected per hop and counting the rest', async () => {
    const { graph, idOf } = await demo();
    const elena = await idOf('Elena Petrova');
    expect(labels(await graph(`?focus=${elena}`))).toEqual([
      'Ben Okafor',
      'CRM Bridge',
      'Dev Raman',
      'Elena Petrova',
      'Farid Haddad',
    ]);
    expect((await graph(`?focus=${elena}&depth=2`)).nodes.length).toBeGreaterThan(5);
    const ava = await idOf('Ava Moreno');
    const capped = await graph(`?focus=${ava}&perHop=2`);
    expect(capped.nodes).toHaveLength(3);
    expect(capped.nodes[1]!.label).toBe('Ben Okafor'); // the most connected neighbour comes first
    expect(capped.truncated).toEqual([{ hop: 1, kept: 2, leftOut: 3 }]);
  });

  it('sends the compact form: columnar arrays with edges as index pairs', async () => {
    const { get, graph } = await demo();
    const json = await graph();
    const compact = await (await get('?format=compact')).response.json();
    expect(compact.format).toBe('compact');
    expect(compact.nodes.id).toHaveLength(12);
    expect(compact.edges.source).toHaveLength(16);
    // The same relationships, each end an index into the nodes (in the order they are stored).
    const ends = (compact.edges.source as number[]).map(
      (s, i) =>
        `${compact.nodes.id[s]} ${compact.nodes.id[compact.edges.target[i]]} ${compact.edges.type[i]}`,
    );
    expect(ends.sort()).toEqual(json.edges.map((e) => `${e.source} ${e.target} ${e.type}`).sort());
  });

  it('compresses the response when the client accepts it', async () => {
    const { get } = await demo();
    const { response } = await get('', { 'accept-encoding': 'gzip' });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const body = JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString());
    expect(body.nodes).toHaveLength(12);
    // The compact form makes its own gzip (its columns deflated as they are read): the same text, and
    // deflate-only clients still get the middleware's.
    const plain = await (await get('?format=compact')).response.text();
    const gzipped = (await get('?format=compact', { 'accept-encoding': 'deflate;q=0.5, gzip' })).response;
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString()).toBe(plain);
    const deflated = (await get('?format=compact', { 'accept-encoding': 'deflate' })).response;
    expect(deflated.headers.get('content-encoding')).toBe('deflate');
    expect(inflateSync(Buffer.from(await deflated.arrayBuffer())).toString()).toBe(plain);
  });

  it('answers 404 for a focus outside the org and 400 for malformed filters', async () => {
    const { get } = await demo();
    expect((await get('?focus=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await get('?depth=2')).status).toBe(400);
    expect((await get('?minConfidence=1.5')).status).toBe(400);
    expect((await get('?depth=4&focus=00000000-0000-4000-8000-000000000000')).status).toBe(400);
    expect((await get('?format=svg')).status).toBe(400);
  });

  it('keeps a hub’s neighbourhood to the cap, and refuses to draw an org over the limit whole', async () => {
    const { api, cookie } = await demo();
    const options = { participants: 3000, edges: 12_000, seed: 3, now: new Date() };
    const big = await loadSyntheticOrg(db(), { name: 'Big', timezone: 'UTC' }, options);
    // The synthetic operator is not a member: add the demo operator to the big org through the admin path.
    const { unsafeAddMembership, unsafeFindUserByEmail } = await import('../../src/lib/repositories/unsafe');
    const operator = await unsafeFindUserByEmail(db().db, 'operator@ironfront.example');
    await unsafeAddMembership(db().db, {
      orgId: big.orgId,
      userId: operator!.id,
      role: 'viewer',
      via: 'test',
    });
    const hub = idFactory(big.orgId, 'participant')(0);
    const response = await api.request(`/api/orgs/${big.orgId}/graph?focus=${hub}&perHop=50`, { cookie });
    const g = (await response.json()) as JsonGraph;
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(g.nodes.length).toBe(51);
    expect(g.truncated[0]!.leftOut).toBeGreaterThan(100);
    // The compact form of a neighbourhood is the JSON form's columns.
    const compact = await api.request(`/api/orgs/${big.orgId}/graph?focus=${hub}&perHop=50&format=compact`, {
      cookie,
    });
    expect(compact.status).toBe(200);
    expect(await compact.json()).toEqual(JSON.parse(JSON.stringify(await toCompact(g as Graph))));

    const scope = createOrgScope({
      orgId: big.orgId,
      orgName: 'Big',
      timezone: 'UTC',
      userId: operator!.id,
      userEmail: 'x',
      role: 'viewer',
    });
    await expect(
      withOrg(db().db, scope, (tx) =>
        loadWholeGraph(tx, scope, graphQuerySchema.parse({}), { maxNodes: 1000, maxEdges: 100_000 }),
      ),
    ).rejects.toBeInstanceOf(GraphTooLargeError);
  });

  it('opens on the most connected participants with view=overview, saying how many matched', async () => {
    const { get, graph } = await demo();
    const whole = await graph();
    const overview = await graph('?view=overview');
    expect(overview.overview).toEqual({ total: 12, shown: 12, reason: 'no_atlas_run' });
    expect(labels(overview)).toEqual(labels(whole));
    expect(overview.edges.map((e) => e.id).sort()).toEqual(whole.edges.map((e) => e.id).sort());
    const degrees = overview.nodes.map((n) => n.degree);
    expect(degrees).toEqual([...degrees].sort((a, b) => b - a));
    const filtered = await graph('?view=overview&stage=active&minConfidence=0.9');
    expect(filtered.overview).toEqual({ total: 6, shown: 6, reason: 'no_atlas_run' });
    expect(filtered.edges.every((e) => e.confidence >= 0.9)).toBe(true);
    const compact = await (await get('?view=overview&format=compact')).response.json();
    expect(compact.overview).toEqual({ total: 12, shown: 12, reason: 'no_atlas_run' });
    expect(compact.nodes.segment).toHaveLength(12);
    expect((await get('?view=overview&focus=00000000-0000-4000-8000-000000000000')).status).toBe(400);
    expect((await get('?view=top')).status).toBe(400);
  });

  it('colours each node by its first segment: automated accounts, isolated, highly connected, then activity', async () => {
    const { graph } = await demo();
    const g = await graph();
    const segmentOf = (name: string) => g.nodes.find((n) => n.label === name)!.segment;
    expect(segmentOf('CRM Bridge')).toBe('system');
    expect(segmentOf('Ava Moreno')).toBe('highly_connected');
    const highly = labels(await graph('?segment=highly_connected'));
    expect(
      g.nodes
        .filter((n) => n.segment === 'highly_connected')
        .map((n) => n.label)
        .sort(),
    ).toEqual(highly);
    for (const node of g.nodes) {
      if (node.degree === 0 && node.segment !== 'system') expect(node.segment).toBe('isolated');
    }
  });

  it('keeps the overview to the most connected participants of a large org and the edges among them', async () => {
    await demo();
    const options = { participants: 2000, edges: 8000, seed: 5, now: new Date() };
    const big = await loadSyntheticOrg(db(), { name: 'Overview', timezone: 'UTC' }, options);
    const scope = viewerOf(big.orgId, 'Overview');
    const query = graphQuerySchema.parse({ view: 'overview' });
    const overview = await withOrg(db().db, scope, (tx) =>
      loadOverview(tx, scope, query, 150, 'no_atlas_run'),
    );
    expect(overview.overview).toEqual({ total: 2000, shown: 150, reason: 'no_atlas_run' });
    const whole = await withOrg(db().db, scope, (tx) =>
      loadWholeGraph(tx, scope, query, { maxNodes: 10_000, maxEdges: 100_000 }),
    );
    const shown = new Set(overview.nodes.map((n) => n.id));
    const leastShown = Math.min(...overview.nodes.map((n) => n.degree));
    expect(whole.nodes.filter((n) => !shown.has(n.id)).every((n) => n.degree <= leastShown)).toBe(true);
    const among = whole.edges.filter((e) => shown.has(e.source) && shown.has(e.target));
    expect(overview.edges.map((e) => e.id).sort()).toEqual(among.map((e) => e.id).sort());
    expect(overview.edges.length).toBeGreaterThan(0);
  });

  it('reads a whole org a page at a time, pausing before each page, and leaves out edges to a participant added meanwhile', async () => {
    await demo();
    const options = { participants: 3000, edges: 6000, seed: 7, now: new Date() };
    const big = await loadSyntheticOrg(db(), { name: 'Paged', timezone: 'UTC' }, options);
    const scope = viewerOf(big.orgId, 'Paged');
    const query = graphQuerySchema.parse({});
    const limits = { maxNodes: 10_000, maxEdges: 100_000 };
    const unpaused = await withOrg(db().db, scope, (tx) => loadWholeGraph(tx, scope, query, limits));
    const late = '00000000-0000-4000-8000-0000000000aa';
    let pauses = 0;
    const paused = await withOrg(db().db, scope, (tx) =>
      loadWholeGraph(tx, scope, query, limits, async () => {
        // After the participants were read (two pages) and before the edges' first page: a participant
        // and an edge to it arrive, in this transaction, so the edge's page sees it and the nodes did not.
        if (++pauses === 3) {
          await tx.execute(sql`INSERT INTO participants (org_id, id, display_name, role, origin)
                               VALUES (${big.orgId}, ${late}, 'Late arrival', 'member', 'manual')`);
          await tx.execute(sql`INSERT INTO relationships (org_id, id, from_participant_id, to_participant_id, type, source, confidence_score)
                               VALUES (${big.orgId}, 'ffffffff-ffff-4fff-bfff-ffffffffffff', ${unpaused.nodes[0]!.id}, ${late}, 'knows', 'manual', 1)`);
        }
      }),
    );
    // 3,000 participants in two pages of 2,500, 6,000 edges in three, each page after a pause.
    expect(pauses).toBe(5);
    expect(paused.nodes).toEqual(unpaused.nodes);
    expect(paused.edges).toEqual(unpaused.edges);
    expect(unpaused.nodes.length).toBe(3000);
    expect(unpaused.edges.map((e) => e.id)).toEqual([...unpaused.edges.map((e) => e.id)].sort());
  });

  it('writes the compact form as the JSON graph reads, through COPY and through aggregates alike, filtered or not, from one snapshot', async () => {
    await demo();
    const options = { participants: 1500, edges: 4000, seed: 9, now: new Date('2026-11-01T00:00:00Z') };
    const big = await loadSyntheticOrg(db(), { name: 'Compact', timezone: 'UTC' }, options);
    const scope = viewerOf(big.orgId, 'Compact');
    // Values whose JSON takes care: escapes and characters outside ASCII; times before 2000, before the
    // common era and past 9999, to the microsecond. (An infinity cannot be stored: the segment counters
    // refuse it.)
    await withOrg(db().db, scope, (tx) =>
      tx.execute(sql`INSERT INTO participants (org_id, display_name, role, origin, last_activity_at)
                     VALUES (${big.orgId}, ${'Quote " backslash \\ line\nbreak\ttab \u0001\u001f Zoë 🌱'}, 'member', 'manual', '1999-12-31 23:59:59.999999+00'),
                            (${big.orgId}, 'Before the era', 'member', 'manual', '0044-03-15 12:00:00.5+00 BC'),
                            (${big.orgId}, 'Far ahead', 'member', 'manual', '12345-01-01 00:00:00.0015+00')`),
    );
    // Confidences whose text float8out writes in each of its notations, from the smallest double up.
    const participant = idFactory(big.orgId, 'participant');
    const confidences = [
      '0',
      '-0',
      '1',
      '1e-5',
      '1e-4',
      '9.999999999999999e-5',
      '5e-324',
      '0.30000000000000004',
      '0.1',
      '1.5e-7',
    ];
    await withOrg(db().db, scope, async (tx) => {
      for (const [i, confidence] of confidences.entries()) {
        await tx.execute(sql`INSERT INTO relationships (org_id, from_participant_id, to_participant_id, type, source, confidence_score)
                             VALUES (${big.orgId}, ${participant(i)}, ${participant(i + 1)}, ${`precise ${i}`}, 'manual', ${sql.raw(`'${confidence}'::float8`)})`);
      }
    });
    const limits = { maxNodes: 10_000, maxEdges: 100_000 };
    type Limits = Parameters<typeof readCompactGraph>[3];
    interface Written {
      text: string;
      nodes: number;
      edges: number;
    }
    type Read = (q: GraphQuery, limits: Limits, pause?: (tx: OrgDb) => Promise<void>) => Promise<Written>;
    // The whole text: the relationships' part, then the participants' (read in the same transaction);
    // through COPY its columns deflated while they were read: inflated again, and their gzip unzipped,
    // to the same text.
    const whole = async (graph: CompactGraphRead): Promise<Written> => {
      const pieces = graph.pieces;
      const inflated: Uint8Array[] = [];
      for await (const piece of inflatedPieces(pieces)) inflated.push(Buffer.from(piece));
      const text = Buffer.concat(inflated).toString();
      const gzipped: Uint8Array[] = [];
      for await (const bytes of gzipPieces(pieces)) gzipped.push(bytes);
      expect(gunzipSync(Buffer.concat(gzipped)).toString()).toBe(text);
      return { text, nodes: graph.nodes, edges: graph.edges };
    };
    // The text with its relationships in one order (COPY reads them as they are stored), each value
    // as written, and the participants in id order (COPY reads both as they are stored): each
    // participant's values, each relationship's values zipped with its ends as the participants' ids,
    // both sorted.
    const canonical = ({ text, nodes, edges }: Written) => {
      const parsed = JSON.parse(text) as {
        edges: { source: number[]; target: number[]; type: string[] };
        nodes: Record<string, unknown[]> & { id: string[] };
      };
      const confidence = /"confidence":\[([^\]]*)\]/.exec(text)![1]!.split(',');
      const { source, target, type } = parsed.edges;
      const ids = parsed.nodes.id;
      const relationships = source.map((s, i) =>
        JSON.stringify([ids[s], ids[target[i]!], type[i], confidence[i]]),
      );
      const columns = Object.keys(parsed.nodes);
      const participants = ids.map((_, i) => JSON.stringify(columns.map((name) => parsed.nodes[name]![i])));
      return {
        nodes,
        edges,
        columns,
        participants: participants.sort(),
        relationships: relationships.sort(),
      };
    };
    // Aggregates (docs/decisions/041) on both databases; COPY (decision 062) where the transaction has
    // a connection to give, i.e. on PostgreSQL, in a snapshot as the service reads (decision 063).
    const aggregated: Read = (q, l, pause) =>
      withOrg(db().db, scope, async (tx) =>
        whole(await readCompactGraph(tx, scope, q, l, pause && (() => pause(tx)))),
      );
    let copies = 0;
    const copied: Read = (q, l, pause) =>
      withOrgConnection(
        db(),
        scope,
        async (tx, connection) => {
          if (connection) copies++;
          return whole(await readCompactGraph(tx, scope, q, l, pause && (() => pause(tx)), connection));
        },
        { snapshot: true },
      );

    for (const query of [
      graphQuerySchema.parse({}),
      graphQuerySchema.parse({ stage: 'active', minConfidence: '0.5' }),
      graphQuerySchema.parse({ segment: 'highly_connected' }),
      graphQuerySchema.parse({ segment: 'dormant' }),
    ]) {
      const expected = await withOrg(db().db, scope, async (tx) =>
        toCompact(await loadWholeGraph(tx, scope, query, limits)),
      );
      const written = await aggregated(query, limits);
      const compact = JSON.parse(written.text) as typeof expected;
      expect(compact, JSON.stringify(query)).toEqual(expected);
      // The relationships' columns come first.
      expect(Object.keys(compact)).toEqual(['format', 'edges', 'nodes', 'truncated']);
      expect(written.nodes).toBe(expected.nodes.id.length);
      expect(written.edges).toBe(expected.edges.source.length);
      // The same bytes through COPY, read in one go and giving way every 700 rows.
      for (const edgePage of [undefined, 700]) {
        const throughCopy = await copied(query, { ...limits, edgePage });
        expect(canonical(throughCopy), JSON.stringify(query)).toEqual(canonical(written));
      }
    }
    expect(copies).toBe(db().kind === 'postgres' ? 8 : 0);

    const everyone = graphQuerySchema.parse({});
    for (const read of [aggregated, copied]) {
      const once = await read(everyone, limits);
      let small = 0;
      const paged = await read(everyone, { ...limits, edgePage: 700 }, async () => {
        small++;
      });
      expect(paged).toEqual(once);
      // Before each statement and after each 700 relationships (a COPY's pauses fall between the
      // chunks it arrives in: fewer, never more, and in each of its two statements).
      expect(small).toBeGreaterThanOrEqual(read === copied && copies ? 2 : 2 + Math.floor(once.edges / 700));
      expect(small).toBeLessThanOrEqual(2 + Math.ceil(once.nodes / 700) + Math.ceil(once.edges / 700));

      // Refused with the number of participants that match, however many were read.
      const refused = await read(everyone, { maxNodes: 1000, maxEdges: 100_000 }).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(GraphTooLargeError);
      expect((refused as GraphTooLargeError).nodes).toBe(once.nodes);
      await expect(read(everyone, { maxNodes: 10_000, maxEdges: 100 })).rejects.toBeInstanceOf(
        GraphTooLargeError,
      );
    }

    // Outside a snapshot, a participant added between the two statements (here by the transaction
    // itself, with a relationship to it, after the participants were read): the relationship is left
    // out, never sent pointing at another participant.
    let pauses = 0;
    const unseen = (n: number) => async (tx: OrgDb) => {
      if (++pauses !== 2) return;
      const late = `00000000-0000-4000-8000-0000000000a${n}`;
      await tx.execute(sql`INSERT INTO participants (org_id, id, display_name, role, origin)
                           VALUES (${big.orgId}, ${late}, 'Late arrival', 'member', 'manual')`);
      await tx.execute(sql`INSERT INTO relationships (org_id, from_participant_id, to_participant_id, type, source, confidence_score)
                           VALUES (${big.orgId}, ${idFactory(big.orgId, 'participant')(0)}, ${late}, 'knows', 'manual', 1)`);
    };
    // (Each read commits what it added: the graph before it is read again.)
    const expectUnseen = async (read: () => Promise<Written>) => {
      const unchanged = canonical(await aggregated(everyone, limits));
      pauses = 0;
      expect(canonical(await read())).toEqual(unchanged);
    };
    await expectUnseen(() => aggregated(everyone, limits, unseen(1)));
    if (db().kind === 'postgres') {
      await expectUnseen(() =>
        withOrgConnection(db(), scope, async (tx, connection) =>
          whole(await readCompactGraph(tx, scope, everyone, limits, () => unseen(2)(tx), connection)),
        ),
      );

      // In a snapshot, what another transaction commits meanwhile (a participant and a relationship
      // to it, after the participants were read) is not seen by either statement.
      const before = await copied(everyone, limits);
      const late = '00000000-0000-4000-8000-0000000000cc';
      pauses = 0;
      const meanwhile = await copied(everyone, limits, async () => {
        if (++pauses !== 2) return;
        await withOrg(db().db, scope, async (other) => {
          await other.execute(sql`INSERT INTO participants (org_id, id, display_name, role, origin)
                                  VALUES (${big.orgId}, ${late}, 'Late arrival', 'member', 'manual')`);
          await other.execute(sql`INSERT INTO relationships (org_id, from_participant_id, to_participant_id, type, source, confidence_score)
                                  VALUES (${big.orgId}, ${idFactory(big.orgId, 'participant')(0)}, ${late}, 'knows', 'manual', 1)`);
        });
      });
      expect(pauses).toBeGreaterThanOrEqual(2);
      expect(meanwhile).toEqual(before);
      const after = await copied(everyone, limits);
      expect([after.nodes, after.edges]).toEqual([before.nodes + 1, before.edges + 1]);
    }
    // Over the limit with more relationships on their way: that read ends inside the transaction, which
    // can go on.
    const counted = await withOrgConnection(db(), scope, async (tx, connection) => {
      for (const through of [undefined, connection]) {
        await expect(
          readCompactGraph(
            tx,
            scope,
            everyone,
            { maxNodes: 10_000, maxEdges: 1000, edgePage: 700 },
            undefined,
            through,
          ),
        ).rejects.toBeInstanceOf(GraphTooLargeError);
      }
      return queryRows<{ n: number }>(
        tx,
        sql`SELECT count(*)::int AS n FROM participants WHERE org_id = ${big.orgId}`,
      );
    });
    // The late arrivals: one through aggregates, and on PostgreSQL one through COPY and one beside a
    // snapshot.
    expect(counted[0]!.n).toBe(db().kind === 'postgres' ? 1506 : 1504);
  });

  it('gives each participant the first segment, in the graph’s order, whose condition it meets', async () => {
    const options = { participants: 900, edges: 1800, seed: 5, now: new Date() };
    const org = await loadSyntheticOrg(db(), { name: 'Segmented', timezone: 'UTC' }, options);
    const scope = viewerOf(org.orgId, 'Segmented');
    const limits = { maxNodes: 10_000, maxEdges: 100_000 };
    const graph = await withOrg(db().db, scope, (tx) =>
      loadWholeGraph(tx, scope, graphQuerySchema.parse({}), limits),
    );
    // Each condition as a WHERE (its thresholds as expressions), beside the graph's CASE (its
    // thresholds worked out once per statement, docs/decisions/062).
    const settings = await withOrg(db().db, scope, (tx) => getSegmentSettings(tx, scope));
    const expected: Record<string, string> = {};
    for (const key of PRIMARY_SEGMENT_ORDER) {
      const members = await withOrg(db().db, scope, (tx) =>
        queryRows<{ id: string }>(
          tx,
          sql`SELECT p.id FROM participants p WHERE p.org_id = ${org.orgId} AND ${segmentCondition(key, scope, settings)}`,
        ),
      );
      for (const { id } of members) expected[id] ??= key;
    }
    expect(Object.fromEntries(graph.nodes.map((node) => [node.id, node.segment]))).toEqual(expected);
    expect(new Set(Object.values(expected)).size).toBeGreaterThanOrEqual(4);
  });

  it('keeps, hop by hop, the most connected new neighbours a plain walk of the tables finds, hub or not, filtered or not', async () => {
    await demo();
    const options = { participants: 3000, edges: 12_000, seed: 3, now: new Date('2026-11-01T00:00:00Z') };
    const big = await loadSyntheticOrg(db(), { name: 'Walk', timezone: 'UTC' }, options);
    const scope = viewerOf(big.orgId, 'Walk');
    const people = await queryRows<{ id: string; degree: number; stage: string }>(
      db().db,
      sql`SELECT id, out_degree + in_degree AS degree, lifecycle_stage AS stage FROM participants WHERE org_id = ${big.orgId}`,
    );
    const links = await queryRows<{ from: string; to: string; confidence: number }>(
      db().db,
      sql`SELECT from_participant_id AS "from", to_participant_id AS "to", confidence_score AS confidence
          FROM relationships WHERE org_id = ${big.orgId}`,
    );
    const byId = new Map(people.map((p) => [p.id, p]));
    // The rule, walked in JavaScript: neighbours either way, filtered, unseen, most connected first.
    const expected = (focus: string, depth: number, perHop: number, stage?: string, minConfidence = 0) => {
      const seen = new Set([focus]);
      const order: string[] = [focus];
      const truncated: { hop: number; kept: number; leftOut: number }[] = [];
      let frontier = new Set([focus]);
      for (let hop = 1; hop <= depth && frontier.size; hop++) {
        const next = new Set<string>();
        for (const l of links) {
          if (l.confidence < minConfidence) continue;
          if (frontier.has(l.from)) next.add(l.to);
          if (frontier.has(l.to)) next.add(l.from);
        }
        const candidates = [...next]
          .filter((id) => !seen.has(id) && (!stage || byId.get(id)!.stage === stage))
          .sort((a, b) => byId.get(b)!.degree - byId.get(a)!.degree || (a < b ? 1 : a > b ? -1 : 0));
        const kept = candidates.slice(0, perHop);
        if (candidates.length > kept.length)
          truncated.push({ hop, kept: kept.length, leftOut: candidates.length - kept.length });
        for (const id of kept) seen.add(id);
        order.push(...kept);
        frontier = new Set(kept);
      }
      return { order, truncated };
    };
    const hub = idFactory(big.orgId, 'participant')(0);
    // The least connected of those with any relationship (the rows come in no order: the first may have
    // none, and a reduce seeded with it kept it).
    const quiet = people.filter((p) => p.degree > 0).reduce((a, b) => (b.degree < a.degree ? b : a)).id;
    for (const [focus, depth, perHop, stage, minConfidence] of [
      [hub, 2, 50],
      [hub, 2, 3],
      [hub, 3, 20],
      [hub, 2, 10, 'dormant'],
      [hub, 2, 10, undefined, 0.6],
      // Few of the hub's relationships this strong: the walk's window holds too few, the join answers.
      [hub, 1, 20, undefined, 0.97],
      [quiet, 3, 200],
    ] as const) {
      const query = graphQuerySchema.parse({ focus, depth, perHop, stage, minConfidence });
      const { graph, written, asObjects, mergeJoin } = await withOrg(db().db, scope, async (tx) => {
        const found = await loadNeighbourhood(tx, scope, { ...query, focus });
        // The walks turn merge joins off; what the transaction runs next is planned as usual again.
        const [setting] = await queryRows<{ on: string }>(
          tx,
          sql`SELECT current_setting('enable_mergejoin') AS on`,
        );
        const graph = JSON.parse(found!.pieces.join('')) as Graph;
        // The same nodes and edges read as rows and serialised by the app: the text PostgreSQL wrote
        // must be exactly that (key order, numbers, nulls).
        const ids = graph.nodes.map((n) => n.id);
        const settings = await getSegmentSettings(tx, scope);
        const nodes = await queryRows<GraphNode>(
          tx,
          sql`SELECT ${nodeColumns(scope, settings)} FROM participants p
              WHERE p.org_id = ${scope.orgId} AND p.id = ANY(${sql.param(ids)}::uuid[])
              ORDER BY array_position(${sql.param(ids)}::uuid[], p.id)`,
        );
        const edges = await listEdgesAmong(tx, scope, ids, query.minConfidence, 1_000_000);
        return {
          graph,
          written: found!.pieces.join(''),
          asObjects: JSON.stringify({ nodes, edges, truncated: graph.truncated }),
          mergeJoin: setting!.on,
        };
      });
      expect(mergeJoin).toBe('on');
      expect(written).toBe(asObjects);
      expect(graph.edges.length).toBeGreaterThan(0);
      const want = expected(focus, depth, perHop, stage, minConfidence);
      const label = JSON.stringify({
        focus: focus === hub ? 'hub' : 'quiet',
        depth,
        perHop,
        stage,
        minConfidence,
      });
      expect(
        graph.nodes.map((n) => n.id),
        label,
      ).toEqual(want.order);
      expect(graph.truncated, label).toEqual(want.truncated);
    }
  });
});
