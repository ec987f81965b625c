import { gunzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { createOrgScope } from '../../src/lib/scope';
import { GraphTooLargeError, loadWholeGraph } from '../../src/lib/repositories/graph';
import { seedDemo } from '../../src/lib/seed/demo';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { idFactory } from '../../src/lib/seed/synthetic';
import { graphQuerySchema } from '../../src/lib/validation/graph';
import { createTestApi, signIn, TEST_PASSWORD } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

interface JsonGraph {
  nodes: { id: string; label: string; degree: number; lifecycleStage: string }[];
  edges: { id: string; source: string; target: string; confidence: number }[];
  truncated: { hop: number; kept: number; leftOut: number }[];
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
    const edge = json.edges[0]!;
    const i = json.edges.indexOf(edge);
    expect(compact.nodes.id[compact.edges.source[i]]).toBe(edge.source);
    expect(compact.nodes.id[compact.edges.target[i]]).toBe(edge.target);
  });

  it('compresses the response when the client accepts it', async () => {
    const { get } = await demo();
    const { response } = await get('', { 'accept-encoding': 'gzip' });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const body = JSON.parse(gunzipSync(Buffer.from(await response.arrayBuffer())).toString());
    expect(body.nodes).toHaveLength(12);
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
    expect(g.nodes.length).toBe(51);
    expect(g.truncated[0]!.leftOut).toBeGreaterThan(100);

    const scope = createOrgScope({
      orgId: big.orgId,
      orgName: 'Big',
      timezone: 'UTC',
      userId: operator!.id,
      userEmail: 'x',
      role: 'viewer',
    });
    await expect(
      loadWholeGraph(db().db, scope, graphQuerySchema.parse({}), { maxNodes: 1000, maxEdges: 100_000 }),
    ).rejects.toBeInstanceOf(GraphTooLargeError);
  });
});
