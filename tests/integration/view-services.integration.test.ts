import { and, desc, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { PermissionDeniedError, resolveOrgContext } from '../../src/lib/auth';
import { events, participants } from '../../src/lib/database/schema';
import { AppError } from '../../src/lib/errors';
import { unsafeAddMembership, unsafeFindUserByEmail } from '../../src/lib/repositories/unsafe';
import type { MemberScope } from '../../src/lib/scope';
import { seedDemo } from '../../src/lib/seed/demo';
import { applyIntervention } from '../../src/lib/services/interventions';
import { exportAuditLog, viewAuditLog } from '../../src/lib/services/views/events';
import { viewGraph, viewStoredCommunities } from '../../src/lib/services/views/graph';
import { viewInterventions } from '../../src/lib/services/views/interventions';
import { viewMembers } from '../../src/lib/services/views/members';
import { viewOverview } from '../../src/lib/services/views/overview';
import { viewParticipant, viewParticipantList } from '../../src/lib/services/views/participants';
import { viewRecommendations } from '../../src/lib/services/views/recommendations';
import { viewSegments } from '../../src/lib/services/views/segments';
import { listEventsQuerySchema } from '../../src/lib/validation/events';
import { graphQuerySchema } from '../../src/lib/validation/graph';
import { listParticipantsQuerySchema } from '../../src/lib/validation/participants';
import { createTestApi, createUser, signIn, TEST_PASSWORD } from '../setup/api';
import { insertAtlasJob, writeRun } from '../setup/atlas-runs';
import { describeEachDatabase } from '../setup/databases';

// The view services are what pages call: each must return what the API returns and write the event
// the API writes. One demo org for the whole file (each test reads the events it adds).

describeEachDatabase(
  'view services',
  ({ db }) => {
    let orgId: string;
    let owner: MemberScope;
    let viewer: MemberScope;
    let cookie: string;
    const api = () => createTestApi(db());

    beforeAll(async () => {
      ({ orgId } = await seedDemo(db().db, { operatorPassword: TEST_PASSWORD }));
      const operator = (await unsafeFindUserByEmail(db().db, 'operator@ironfront.example'))!;
      const reader = await createUser(db(), 'reader@example.com');
      await unsafeAddMembership(db().db, { orgId, userId: reader.id, role: 'viewer', via: 'test' });
      const attempt = { method: 'GET', path: `/console/${orgId}` };
      owner = await resolveOrgContext(db().db, operator, orgId, attempt);
      viewer = await resolveOrgContext(db().db, reader, orgId, attempt);
      cookie = await signIn(api(), 'operator@ironfront.example');
    });

    const eventCount = async () =>
      (
        await db()
          .db.select({ n: sql<number>`count(*)::int` })
          .from(events)
          .where(eq(events.orgId, orgId))
      )[0]!.n;

    /** Runs `view` and returns its result with the one event it wrote (failing if it wrote another number). */
    async function withEvent<T>(view: () => Promise<T>) {
      const before = await eventCount();
      const result = await view();
      expect(await eventCount()).toBe(before + 1);
      const [event] = await db()
        .db.select({
          type: events.eventType,
          actorUserId: events.actorUserId,
          actorRole: events.actorRole,
          targetType: events.targetType,
          targetId: events.targetId,
          metadata: events.metadata,
        })
        .from(events)
        .where(eq(events.orgId, orgId))
        .orderBy(desc(events.createdAt), desc(events.id))
        .limit(1);
      return { result, event: event! };
    }

    const idOf = async (name: string) =>
      (
        await db()
          .db.select({ id: participants.id })
          .from(participants)
          .where(and(eq(participants.orgId, orgId), eq(participants.displayName, name)))
      )[0]!.id;

    it('overview: the headline numbers, written as overview.viewed', async () => {
      const { result, event } = await withEvent(() => viewOverview(db().db, owner));
      expect(result.totals).toEqual({
        participants: 12,
        relationships: 16,
        pendingRecommendations: 3,
        members: 2,
      });
      expect(event).toEqual({
        type: 'overview.viewed',
        actorUserId: owner.userId,
        actorRole: 'owner',
        targetType: 'org',
        targetId: orgId,
        metadata: {
          ...result.totals,
          segments: Object.fromEntries(result.segments.map((s) => [s.key, s.count])),
        },
      });
    });

    it('segments: the counts, written as segments.viewed by whoever looked', async () => {
      const { result, event } = await withEvent(() => viewSegments(db().db, viewer));
      const counts = Object.fromEntries(result.segments.map((s) => [s.key, s.count]));
      expect(counts).toMatchObject({ dormant: 4, isolated: 1, system: 2 });
      expect(event).toEqual({
        type: 'segments.viewed',
        actorUserId: viewer.userId,
        actorRole: 'viewer',
        targetType: 'org',
        targetId: orgId,
        metadata: { counts },
      });
    });

    it('participants: a filtered page written as participants.listed, one participant as participant.viewed', async () => {
      const query = listParticipantsQuerySchema.parse({ segment: 'dormant', limit: '3' });
      const list = await withEvent(() => viewParticipantList(db().db, owner, query));
      expect(list.result.items).toHaveLength(3);
      expect(list.result.nextCursor).not.toBeNull();
      expect(list.event).toMatchObject({
        type: 'participants.listed',
        targetType: 'org',
        targetId: orgId,
        metadata: { filters: { segment: 'dormant' }, count: 3, page: 'first' },
      });

      const ava = await idOf('Ava Moreno');
      const detail = await withEvent(() => viewParticipant(db().db, owner, ava));
      expect(detail.result.participant.displayName).toBe('Ava Moreno');
      expect(detail.event).toMatchObject({
        type: 'participant.viewed',
        actorUserId: owner.userId,
        targetType: 'participant',
        targetId: ava,
        metadata: { relationships: detail.result.relationshipCount },
      });
      expect(detail.result.relationshipCount).toBeGreaterThan(0);

      const before = await eventCount();
      await expect(
        viewParticipant(db().db, owner, '00000000-0000-4000-8000-000000000000'),
      ).rejects.toMatchObject({ code: 'not_found' });
      expect(await eventCount()).toBe(before); // nothing shown, nothing recorded
    });

    it('graph: the whole graph and a neighbourhood, each written as graph.viewed with what was drawn', async () => {
      const whole = await withEvent(() => viewGraph(db().db, viewer, graphQuerySchema.parse({})));
      expect(whole.result.nodes).toHaveLength(12);
      expect(whole.event).toMatchObject({
        type: 'graph.viewed',
        actorRole: 'viewer',
        targetType: 'org',
        targetId: orgId,
        metadata: { filters: {}, format: 'json', nodes: 12, edges: whole.result.edges.length, truncated: [] },
      });

      const ava = await idOf('Ava Moreno');
      const query = graphQuerySchema.parse({ focus: ava, depth: '1', perHop: '2' });
      const focus = await withEvent(() => viewGraph(db().db, viewer, query));
      expect(focus.result.nodes.map((n) => n.id)).toContain(ava);
      expect(focus.result.nodes.length).toBeLessThanOrEqual(3);
      expect(focus.event).toMatchObject({
        targetType: 'participant',
        targetId: ava,
        metadata: {
          filters: { focus: ava, depth: 1 },
          perHop: 2,
          nodes: focus.result.nodes.length,
          truncated: focus.result.truncated,
        },
      });

      await expect(
        viewGraph(db().db, viewer, graphQuerySchema.parse({ focus: '00000000-0000-4000-8000-000000000000' })),
      ).rejects.toMatchObject({ code: 'not_found' });
    });

    it('recommendations: a page by status, written as recommendations.viewed', async () => {
      const { result, event } = await withEvent(() =>
        viewRecommendations(db().db, owner, { status: 'pending', limit: 50 }),
      );
      expect(result.items).toHaveLength(3);
      expect(result.items.every((r) => r.status === 'pending')).toBe(true);
      expect(event).toMatchObject({
        type: 'recommendations.viewed',
        targetType: 'org',
        targetId: orgId,
        metadata: { status: 'pending', count: 3, page: 'first' },
      });
    });

    it('interventions and members: listed without an event of their own, as the API does', async () => {
      const ben = await idOf('Ben Okafor');
      const created = await applyIntervention(db().db, owner, {
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [ben],
        reason: 'Seen on the list',
      });
      const before = await eventCount();
      const page = await viewInterventions(db().db, viewer, { targetId: ben, limit: 10 });
      expect(page.items.map((i) => i.id)).toEqual([created.id]);
      const members = await viewMembers(db().db, owner, { limit: 10 });
      expect(members.items.map((m) => [m.email, m.role])).toEqual([
        ['operator@ironfront.example', 'owner'],
        ['reader@example.com', 'viewer'],
      ]);
      expect(await eventCount()).toBe(before);
    });

    it('audit log: a search written as audit.viewed, an export as audit.exported before any row is read', async () => {
      const query = listEventsQuerySchema.parse({ type: 'segments.viewed', limit: '10' });
      const search = await withEvent(() => viewAuditLog(db().db, owner, query));
      expect(search.result.items.length).toBeGreaterThan(0);
      expect(search.result.items.every((e) => e.eventType === 'segments.viewed')).toBe(true);
      expect(search.event).toMatchObject({
        type: 'audit.viewed',
        metadata: { filters: { type: 'segments.viewed' }, count: search.result.items.length, page: 'first' },
      });

      const filters = { type: 'graph.viewed' };
      const exported = await withEvent(() => exportAuditLog(db(), owner, { format: 'csv', filters }));
      expect(exported.event).toMatchObject({
        type: 'audit.exported',
        targetType: 'org',
        targetId: orgId,
        metadata: { format: 'csv', filters },
      });
      let text = '';
      for await (const lines of exported.result)
        text += typeof lines === 'string' ? lines : Buffer.from(lines).toString();
      const [header, ...lines] = text.trimEnd().split('\r\n');
      const column = header!.split(',').indexOf('eventType');
      expect(lines.length).toBeGreaterThanOrEqual(3);
      expect(lines.every((line) => line.split(',')[column] === '"graph.viewed"')).toBe(true);
    });

    it('refuses a role without the permission, writing nothing', async () => {
      const before = await eventCount();
      await expect(viewAuditLog(db().db, viewer, { limit: 10 })).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      await expect(exportAuditLog(db(), viewer, { format: 'ndjson', filters: {} })).rejects.toBeInstanceOf(
        PermissionDeniedError,
      );
      await expect(viewMembers(db().db, viewer, { limit: 10 })).rejects.toBeInstanceOf(AppError);
      expect(await eventCount()).toBe(before);
    });

    it('writes the same event as the API route for the same request', async () => {
      const ava = await idOf('Ava Moreno');
      const cases: [string, () => Promise<unknown>][] = [
        ['/segments', () => viewSegments(db().db, owner)],
        [
          '/participants?stage=dormant&limit=2',
          () =>
            viewParticipantList(
              db().db,
              owner,
              listParticipantsQuerySchema.parse({ stage: 'dormant', limit: '2' }),
            ),
        ],
        [`/participants/${ava}`, () => viewParticipant(db().db, owner, ava)],
        [
          `/graph?focus=${ava}&depth=2`,
          () => viewGraph(db().db, owner, graphQuerySchema.parse({ focus: ava, depth: '2' })),
        ],
        [
          '/recommendations?status=pending',
          () => viewRecommendations(db().db, owner, { status: 'pending', limit: 50 }),
        ],
        [
          '/events?type=member.added&limit=5',
          () =>
            viewAuditLog(db().db, owner, listEventsQuerySchema.parse({ type: 'member.added', limit: '5' })),
        ],
      ];
      for (const [path, view] of cases) {
        const viaApi = await withEvent(async () => {
          const response = await api().request(`/api/orgs/${orgId}${path}`, { cookie });
          expect(response.status, path).toBe(200);
        });
        const viaService = await withEvent(view);
        expect(viaService.event, path).toEqual(viaApi.event);
      }
    });

    // Last: it gives the shared org an Atlas run.
    it('graph: the stored communities as the API answers view=overview, written alike; nothing before a run', async () => {
      const before = await eventCount();
      expect(await viewStoredCommunities(db().db, viewer)).toBeUndefined();
      expect(await eventCount()).toBe(before);

      await writeRun(db(), owner, await insertAtlasJob(db(), orgId, 'succeeded', new Date()));
      const viaApi = await withEvent(async () => {
        const response = await api().request(`/api/orgs/${orgId}/graph?view=overview&format=compact`, {
          cookie,
        });
        expect(response.status).toBe(200);
        return response.json();
      });
      const viaService = await withEvent(() => viewStoredCommunities(db().db, owner));
      expect(viaService.result).toMatchObject({ view: 'communities' });
      expect(JSON.parse(JSON.stringify(viaService.result))).toEqual(viaApi.result);
      expect(viaService.event).toEqual(viaApi.event);
    });
  },
  { keepData: true },
);
