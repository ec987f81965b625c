import { and, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { events } from '../../src/lib/database/schema';
import { createOrgScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { unsafeAddMembership } from '../../src/lib/repositories/unsafe';
import { createOrgWithMembers, createTestApi, createUser, signIn, TEST_PASSWORD } from '../setup/api';
import { insertAtlasJob, writeRun } from '../setup/atlas-runs';
import { describeEachDatabase } from '../setup/databases';

// GET /graph?view=overview and ?community=<n>: the stored overview of the latest Atlas run, the
// participants fallback before the first run, a community's drill-down with stored positions.

interface CommunityOverviewBody {
  view: 'communities';
  run: { jobId: string; finishedAt: string };
  participants: number;
  communities: {
    community: number;
    size: number;
    label: string;
    x: number;
    y: number;
    stageCounts: object;
  }[];
  links: { from: number; to: number; count: number }[];
  leftOut: { communities: number; participants: number; links: number };
}

describeEachDatabase('graph overview and communities', ({ db }) => {
  async function demo() {
    const api = createTestApi(db());
    const { orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD });
    const cookie = await signIn(api, 'operator@ironfront.example');
    const get = (query: string, as = cookie) =>
      api.request(`/api/orgs/${orgId}/graph${query}`, { cookie: as });
    const scope = createOrgScope({
      orgId,
      orgName: 'Iron Front Digital',
      timezone: 'UTC',
      userId: '00000000-0000-4000-8000-000000000001',
      userEmail: 'x',
      role: 'owner',
    });
    const run = async () => {
      const jobId = await insertAtlasJob(db(), orgId, 'succeeded', new Date());
      return { jobId, ...(await writeRun(db(), scope, jobId)) };
    };
    const viewed = async () =>
      (
        await db()
          .db.select({ metadata: events.metadata })
          .from(events)
          .where(and(eq(events.orgId, orgId), eq(events.eventType, 'graph.viewed')))
      ).map((e) => e.metadata as Record<string, unknown>);
    return { api, orgId, cookie, get, run, viewed };
  }

  it('answers view=overview with the most connected participants before the first Atlas run, saying so', async () => {
    const { get } = await demo();
    const response = await get('?view=overview&format=compact');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.format).toBe('compact');
    expect(body.overview).toEqual({ total: 12, shown: 12, reason: 'no_atlas_run' });
  });

  it('serves the stored communities after a run: sizes, stage mix, labels, positions, weighted links', async () => {
    const { get, run, viewed } = await demo();
    const { jobId, overview } = await run();
    for (const format of ['json', 'compact']) {
      const response = await get(`?view=overview&format=${format}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as CommunityOverviewBody;
      expect(body.view).toBe('communities');
      expect(body.run.jobId).toBe(jobId);
      expect(body.run.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(body.participants).toBe(12);
      expect(body.communities.reduce((s, c) => s + c.size, 0) + body.leftOut.participants).toBe(12);
      for (const c of body.communities) {
        expect(c.label.length).toBeGreaterThan(0);
        expect([c.x, c.y].every(Number.isFinite)).toBe(true);
        expect(Object.keys(c.stageCounts).sort()).toEqual(['active', 'at_risk', 'dormant', 'new']);
      }
      const drawn = body.communities.length;
      expect(body.links.map((l) => l.count).reduce((s, x) => s + x, 0)).toBe(
        overview.links.count.filter((_, i) => overview.links.to[i]! < drawn).reduce((s, x) => s + x, 0),
      );
    }
    expect(await viewed()).toContainEqual({
      view: 'overview',
      jobId,
      communities: expect.any(Number),
      links: expect.any(Number),
      leftOut: expect.any(Object),
    });
  });

  it('falls back to participants with filters, since the stored overview describes the whole org', async () => {
    const { get, run } = await demo();
    await run();
    const body = await (await get('?view=overview&stage=active')).json();
    expect(body.overview).toEqual({ total: 6, shown: 6, reason: 'filters' });
    expect(body.nodes.every((n: { lifecycleStage: string }) => n.lifecycleStage === 'active')).toBe(true);
  });

  it('drills into a community with its stored positions, in either form, audited with the community', async () => {
    const { get, run, viewed } = await demo();
    const { jobId, graph, analysis, overview } = await run();
    const json = await (await get('?community=0')).json();
    const members = graph.participantIds.filter((_, u) => analysis.community[u] === 0);
    expect(json.nodes.map((n: { id: string }) => n.id).sort()).toEqual(members.sort());
    for (const node of json.nodes as { id: string; x: number; y: number }[]) {
      const u = graph.participantIds.indexOf(node.id);
      expect([node.x, node.y]).toEqual([overview.positions[2 * u], overview.positions[2 * u + 1]]);
    }
    expect(json.community).toMatchObject({ community: 0, size: members.length, run: { jobId } });

    const compact = await (await get('?community=0&format=compact')).json();
    expect(compact.nodes.x).toHaveLength(members.length);
    expect(compact.nodes.x[0]).toBe(json.nodes[0].x);
    expect(compact.community.label).toBe(json.community.label);
    expect(await viewed()).toContainEqual(
      expect.objectContaining({ community: 0, jobId, format: 'compact', nodes: members.length }),
    );
  });

  it('answers 404 for a community the run does not have, or before any run, and 400 for malformed input', async () => {
    const { get, run } = await demo();
    const none = await get('?community=0');
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await none.json()).detail).toMatch(/has not run/);
    const { overview } = await run();
    const unknown = await get(`?community=${overview.communities.length}`);
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).detail).toMatch(new RegExp(`no community ${overview.communities.length}`));
    for (const query of [
      '?community=-1',
      '?community=abc',
      '?community=1.5',
      '?community=0&view=overview',
      '?community=0&focus=00000000-0000-4000-8000-000000000000',
    ]) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      const problem = await response.json();
      expect(
        problem.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain('community');
    }
  });

  it('shows the overview to every role of the org and to nobody else', async () => {
    const { api, orgId, run } = await demo();
    await run();
    const viewer = await createUser(db(), 'viewer@example.com');
    await unsafeAddMembership(db().db, { orgId, userId: viewer.id, role: 'viewer', via: 'test' });
    const asViewer = await signIn(api, 'viewer@example.com');
    const seen = await api.request(`/api/orgs/${orgId}/graph?view=overview`, { cookie: asViewer });
    expect((await seen.json()).view).toBe('communities');
    expect((await api.request(`/api/orgs/${orgId}/graph?community=0`, { cookie: asViewer })).status).toBe(
      200,
    );
    const { users } = await createOrgWithMembers(db(), 'Elsewhere', { viewer: 'outsider@example.com' });
    const outsider = await signIn(api, users.viewer!.email);
    const refused = await api.request(`/api/orgs/${orgId}/graph?view=overview`, { cookie: outsider });
    expect(refused.status).toBe(403);
    expect((await api.request(`/api/orgs/${orgId}/graph?community=0`, { cookie: outsider })).status).toBe(
      403,
    );
    expect((await api.request(`/api/orgs/${orgId}/graph?view=overview`)).status).toBe(401);
  });
});
