import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import type { PermissionMiddleware } from '../../src/api/orgs/middleware';
import { newApiKeySecret } from '../../src/lib/api-keys';
import {
  apiKeys,
  auditStreams,
  events,
  jobs,
  participants,
  recommendations,
  relationships,
} from '../../src/lib/database/schema';
import { API_KEY_ROLES, MEMBERSHIP_ROLES, type ApiKeyRole, type MembershipRole } from '../../src/lib/domain';
import type { Permission } from '../../src/lib/permissions';
import { unsafeAddMembership } from '../../src/lib/repositories/unsafe';
import { createOrgWithMembers, createTestApi, createUser, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase, disableRowLevelSecurity, type TestDatabase } from '../setup/databases';

// Every registered org route × every kind of caller, against the product contract's role table
// (DESIGN.md §4) written out below. A new org route without a declared permission, without a line in
// the contract or without a sample request fails here; so does a route whose needs(...) names another
// permission than the contract, or a role table (src/lib/permissions.ts) that lets a role do more or
// less than the contract says.
// Tenancy has two layers, each enough on its own (issue 9, item 9b): the matrix runs with both, without
// the routes' permission checks (a test-only dependency) and without row-level security; in every run
// no response to org A's callers contains anything of org B.

const EVERY_ROLE = MEMBERSHIP_ROLES;
const OPERATORS: readonly MembershipRole[] = ['operator', 'admin', 'owner'];
const ADMINS: readonly MembershipRole[] = ['admin', 'owner'];
const OWNERS: readonly MembershipRole[] = ['owner'];

/** DESIGN.md §4, route by route: the permission each org route needs and the roles that hold it. */
const CONTRACT: Record<string, [Permission, readonly MembershipRole[]]> = {
  'GET /api/orgs/:orgId': ['org.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/graph': ['graph.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/segments': ['segments.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/participants': ['participants.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/participants/export': ['participants.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/relationships/export': ['graph.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/segments/:segment/export': ['segments.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/participants/:participantId': ['participants.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/recommendations': ['recommendations.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/recommendations/stats': ['recommendations.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/interventions': ['interventions.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/interventions/:interventionId': ['interventions.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/jobs': ['org.read', EVERY_ROLE],
  'GET /api/orgs/:orgId/jobs/:jobId': ['org.read', EVERY_ROLE],
  'POST /api/orgs/:orgId/recommendations/:recommendationId/accept': ['recommendations.decide', OPERATORS],
  'POST /api/orgs/:orgId/recommendations/:recommendationId/dismiss': ['recommendations.decide', OPERATORS],
  'POST /api/orgs/:orgId/interventions': ['interventions.write', OPERATORS],
  'POST /api/orgs/:orgId/interventions/:interventionId/reverse': ['interventions.write', OPERATORS],
  'GET /api/orgs/:orgId/events': ['audit.read', ADMINS],
  'GET /api/orgs/:orgId/events/export': ['audit.read', ADMINS],
  'GET /api/orgs/:orgId/events/verify': ['audit.read', ADMINS],
  'POST /api/orgs/:orgId/atlas/run': ['atlas.run', ADMINS],
  'POST /api/orgs/:orgId/stages/run': ['atlas.run', ADMINS],
  'POST /api/orgs/:orgId/jobs/:jobId/cancel': ['atlas.run', ADMINS],
  'POST /api/orgs/:orgId/imports': ['import.write', ADMINS],
  'GET /api/orgs/:orgId/members': ['members.manage', ADMINS],
  'POST /api/orgs/:orgId/members': ['members.manage', ADMINS],
  'PATCH /api/orgs/:orgId/members/:memberId': ['members.manage', ADMINS],
  'DELETE /api/orgs/:orgId/members/:memberId': ['members.manage', ADMINS],
  'GET /api/orgs/:orgId/settings': ['org.settings', OWNERS],
  'PATCH /api/orgs/:orgId/settings': ['org.settings', OWNERS],
  'POST /api/orgs/:orgId/participants/:participantId/erase': ['participants.erase', OWNERS],
  'GET /api/orgs/:orgId/audit-streams': ['audit.stream', ADMINS],
  'POST /api/orgs/:orgId/audit-streams': ['audit.stream', ADMINS],
  'DELETE /api/orgs/:orgId/audit-streams/:streamId': ['audit.stream', ADMINS],
  'POST /api/orgs/:orgId/audit-streams/:streamId/test': ['audit.stream', ADMINS],
  'GET /api/orgs/:orgId/audit-streams/:streamId/deliveries': ['audit.stream', ADMINS],
  'GET /api/orgs/:orgId/api-keys': ['api_keys.manage', ADMINS],
  'POST /api/orgs/:orgId/api-keys': ['api_keys.manage', ADMINS],
  'DELETE /api/orgs/:orgId/api-keys/:keyId': ['api_keys.manage', ADMINS],
};

/** What people alone may do: an API key is refused whatever its role (docs/decisions/033). */
const NOT_WITH_A_KEY = new Set<Permission>(['api_keys.manage', 'members.manage', 'audit.stream']);

/** Routes whose service checks the role again (the audit log, members, settings): still refused without the route's check. */
const CHECKED_AGAIN = new Set([
  'GET /api/orgs/:orgId/events',
  'GET /api/orgs/:orgId/events/export',
  'GET /api/orgs/:orgId/events/verify',
  'POST /api/orgs/:orgId/imports',
  'GET /api/orgs/:orgId/members',
  'GET /api/orgs/:orgId/settings',
  'PATCH /api/orgs/:orgId/settings',
  'POST /api/orgs/:orgId/participants/:participantId/erase',
  'GET /api/orgs/:orgId/audit-streams',
  'POST /api/orgs/:orgId/audit-streams',
  'DELETE /api/orgs/:orgId/audit-streams/:streamId',
  'POST /api/orgs/:orgId/audit-streams/:streamId/test',
  'GET /api/orgs/:orgId/audit-streams/:streamId/deliveries',
  'GET /api/orgs/:orgId/api-keys',
  'POST /api/orgs/:orgId/api-keys',
  'DELETE /api/orgs/:orgId/api-keys/:keyId',
]);

type Layers = 'both layers' | 'without route permissions' | 'without row-level security';
const LAYERS: Layers[] = ['both layers', 'without route permissions', 'without row-level security'];

// API keys act with their role (below owner) and are callers of their own; checked with both layers.
const KEY_ROLES = API_KEY_ROLES;
type KeyCaller = `${ApiKeyRole} key` | 'key of another org';
type Caller = 'anonymous' | 'non-member' | 'member of another org' | MembershipRole | KeyCaller;
const MEMBER_CALLERS: Caller[] = ['anonymous', 'non-member', 'member of another org', ...MEMBERSHIP_ROLES];
const KEY_CALLERS: KeyCaller[] = [...KEY_ROLES.map((role) => `${role} key` as const), 'key of another org'];
const callersOf = (layers: Layers): Caller[] =>
  layers === 'both layers' ? [...MEMBER_CALLERS, ...KEY_CALLERS] : MEMBER_CALLERS;

interface World {
  api: TestApi;
  db: TestDatabase;
  orgId: string;
  participantId: string;
  cookies: Partial<Record<Caller, string>>;
  /** The Authorization header of each key caller. */
  keys: Partial<Record<Caller, string>>;
  /** Ids and emails of the other org that must never appear in a response about this one. */
  foreign: string[];
}

interface Sample {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The status an allowed caller gets. */
  success: number;
}

let counter = 0;
/** A member of the org with the viewer role, made fresh for each request that changes or removes one. */
async function freshViewer(w: World): Promise<string> {
  const user = await createUser(w.db, `target${++counter}@example.com`);
  return (
    await unsafeAddMembership(w.db.db, { orgId: w.orgId, userId: user.id, role: 'viewer', via: 'test' })
  ).id;
}

/** An intervention made by the org's owner directly through the service, ready to be reversed. */
async function freshIntervention(w: World): Promise<string> {
  const response = await w.api.request(`/api/orgs/${w.orgId}/interventions`, {
    method: 'POST',
    cookie: w.cookies.owner,
    body: {
      type: 'add_note',
      scope: 'participant',
      targetIds: [w.participantId],
      reason: 'Setup',
      newState: { note: 'n' },
    },
  });
  return ((await response.json()) as { id: string }).id;
}

async function freshRecommendation(w: World): Promise<string> {
  const [row] = await w.db.db
    .insert(recommendations)
    .values({
      orgId: w.orgId,
      targetType: 'participant',
      // Its own target each time: an org holds one pending recommendation per target and action.
      targetId: crypto.randomUUID(),
      suggestedAction: 'flag_for_review',
      reason: 'Quiet for a month',
      confidence: 0.7,
    })
    .returning({ id: recommendations.id });
  return row!.id;
}

const SAMPLES: Record<string, (w: World) => Promise<Sample>> = {
  'GET /api/orgs/:orgId': async (w) => ({ path: `/api/orgs/${w.orgId}`, success: 200 }),
  'GET /api/orgs/:orgId/members': async (w) => ({ path: `/api/orgs/${w.orgId}/members`, success: 200 }),
  'GET /api/orgs/:orgId/events': async (w) => ({
    path: `/api/orgs/${w.orgId}/events?limit=500`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/events/export': async (w) => ({
    path: `/api/orgs/${w.orgId}/events/export?format=csv`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/events/verify': async (w) => ({
    path: `/api/orgs/${w.orgId}/events/verify`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/recommendations': async (w) => ({
    path: `/api/orgs/${w.orgId}/recommendations`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/recommendations/stats': async (w) => ({
    path: `/api/orgs/${w.orgId}/recommendations/stats`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/recommendations/:recommendationId/accept': async (w) => ({
    path: `/api/orgs/${w.orgId}/recommendations/${await freshRecommendation(w)}/accept`,
    body: { reason: 'Checked with the team' },
    success: 200,
  }),
  'POST /api/orgs/:orgId/recommendations/:recommendationId/dismiss': async (w) => ({
    path: `/api/orgs/${w.orgId}/recommendations/${await freshRecommendation(w)}/dismiss`,
    body: { reasonCode: 'later', snoozeDays: 7, note: 'Next quarter' },
    success: 200,
  }),
  'GET /api/orgs/:orgId/interventions': async (w) => ({
    path: `/api/orgs/${w.orgId}/interventions?type=add_note&reversed=false&from=2020-01-01T00:00:00Z`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/interventions/:interventionId': async (w) => ({
    path: `/api/orgs/${w.orgId}/interventions/${await freshIntervention(w)}`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/interventions': async (w) => ({
    path: `/api/orgs/${w.orgId}/interventions`,
    body: {
      type: 'flag_for_review',
      scope: 'participant',
      targetIds: [w.participantId],
      reason: 'Matrix check',
    },
    success: 201,
  }),
  'POST /api/orgs/:orgId/interventions/:interventionId/reverse': async (w) => ({
    path: `/api/orgs/${w.orgId}/interventions/${await freshIntervention(w)}/reverse`,
    body: { reason: 'Matrix check' },
    success: 200,
  }),
  'GET /api/orgs/:orgId/graph': async (w) => ({ path: `/api/orgs/${w.orgId}/graph`, success: 200 }),
  'GET /api/orgs/:orgId/segments': async (w) => ({ path: `/api/orgs/${w.orgId}/segments`, success: 200 }),
  'GET /api/orgs/:orgId/participants': async (w) => ({
    path: `/api/orgs/${w.orgId}/participants?segment=isolated`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/participants/export': async (w) => ({
    path: `/api/orgs/${w.orgId}/participants/export?format=csv&sort=-degree`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/participants/:participantId': async (w) => ({
    path: `/api/orgs/${w.orgId}/participants/${w.participantId}`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/members': async (w) => {
    const user = await createUser(w.db, `candidate${++counter}@example.com`);
    return {
      path: `/api/orgs/${w.orgId}/members`,
      body: { email: user.email, role: 'viewer' },
      success: 201,
    };
  },
  'PATCH /api/orgs/:orgId/members/:memberId': async (w) => ({
    path: `/api/orgs/${w.orgId}/members/${await freshViewer(w)}`,
    body: { role: 'operator' },
    success: 200,
  }),
  'DELETE /api/orgs/:orgId/members/:memberId': async (w) => ({
    path: `/api/orgs/${w.orgId}/members/${await freshViewer(w)}`,
    success: 204,
  }),
  'GET /api/orgs/:orgId/settings': async (w) => ({ path: `/api/orgs/${w.orgId}/settings`, success: 200 }),
  'PATCH /api/orgs/:orgId/settings': async (w) => ({
    path: `/api/orgs/${w.orgId}/settings`,
    body: { newDays: 10 + (++counter % 20) },
    success: 200,
  }),
  'POST /api/orgs/:orgId/atlas/run': async (w) => {
    await endActiveJobs(w);
    return { path: `/api/orgs/${w.orgId}/atlas/run`, success: 202 };
  },
  'POST /api/orgs/:orgId/stages/run': async (w) => {
    await endActiveJobs(w);
    return { path: `/api/orgs/${w.orgId}/stages/run`, success: 202 };
  },
  'GET /api/orgs/:orgId/jobs': async (w) => ({ path: `/api/orgs/${w.orgId}/jobs`, success: 200 }),
  'GET /api/orgs/:orgId/relationships/export': async (w) => ({
    path: `/api/orgs/${w.orgId}/relationships/export?format=csv`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/segments/:segment/export': async (w) => ({
    path: `/api/orgs/${w.orgId}/segments/active/export`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/imports': async (w) => ({
    path: `/api/orgs/${w.orgId}/imports?kind=participants&dryRun=true`,
    body: 'email,display_name,role\nsample@example.com,Sample,member\n',
    headers: { 'content-type': 'text/csv' },
    success: 200,
  }),
  'GET /api/orgs/:orgId/jobs/:jobId': async (w) => ({
    path: `/api/orgs/${w.orgId}/jobs/${await freshJob(w)}`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/jobs/:jobId/cancel': async (w) => ({
    path: `/api/orgs/${w.orgId}/jobs/${await freshJob(w)}`.concat('/cancel'),
    success: 200,
  }),
  'POST /api/orgs/:orgId/participants/:participantId/erase': async (w) => ({
    path: `/api/orgs/${w.orgId}/participants/${await freshParticipant(w)}/erase`,
    body: { reason: 'Matrix check' },
    success: 200,
  }),
  'GET /api/orgs/:orgId/audit-streams': async (w) => ({
    path: `/api/orgs/${w.orgId}/audit-streams`,
    success: 200,
  }),
  'POST /api/orgs/:orgId/audit-streams': async (w) => ({
    path: `/api/orgs/${w.orgId}/audit-streams`,
    body: { url: 'https://siem.example.com/hook' },
    success: 201,
  }),
  'DELETE /api/orgs/:orgId/audit-streams/:streamId': async (w) => ({
    path: `/api/orgs/${w.orgId}/audit-streams/${await freshStream(w)}`,
    success: 204,
  }),
  'POST /api/orgs/:orgId/audit-streams/:streamId/test': async (w) => ({
    path: `/api/orgs/${w.orgId}/audit-streams/${await freshStream(w)}/test`,
    success: 202,
  }),
  'GET /api/orgs/:orgId/audit-streams/:streamId/deliveries': async (w) => ({
    path: `/api/orgs/${w.orgId}/audit-streams/${await freshStream(w)}/deliveries`,
    success: 200,
  }),
  'GET /api/orgs/:orgId/api-keys': async (w) => ({ path: `/api/orgs/${w.orgId}/api-keys`, success: 200 }),
  'POST /api/orgs/:orgId/api-keys': async (w) => ({
    path: `/api/orgs/${w.orgId}/api-keys`,
    body: { name: 'Matrix key', role: 'viewer', expiresInDays: 30 },
    success: 201,
  }),
  'DELETE /api/orgs/:orgId/api-keys/:keyId': async (w) => ({
    path: `/api/orgs/${w.orgId}/api-keys/${(await insertKey(w.db, w.orgId, 'viewer')).id}`,
    success: 200,
  }),
};

/** An audit stream of the org, written straight to the table. */
async function freshStream(w: World): Promise<string> {
  const [row] = await w.db.db
    .insert(auditStreams)
    .values({ orgId: w.orgId, url: 'https://siem.example.com/hook', secret: 'whsec_matrix' })
    .returning({ id: auditStreams.id });
  return row!.id;
}

/** A participant of the org made for one erasure. */
async function freshParticipant(w: World): Promise<string> {
  const [row] = await w.db.db
    .insert(participants)
    .values({ orgId: w.orgId, displayName: `Erasable ${++counter}`, role: 'member', origin: 'manual' })
    .returning({ id: participants.id });
  return row!.id;
}

/** A key of the org, written straight to the table; returns its id and the Authorization header. */
async function insertKey(db: TestDatabase, orgId: string, role: ApiKeyRole) {
  const { secret, prefix, secretHash } = newApiKeySecret();
  const [row] = await db.db
    .insert(apiKeys)
    .values({ orgId, name: `${role} key`, role, prefix, secretHash })
    .returning({ id: apiKeys.id });
  return { id: row!.id, authorization: `Bearer ${secret}` };
}

/** No job queued or running in the org: the next request may queue one (one per kind at a time). */
async function endActiveJobs(w: World): Promise<void> {
  await w.db.db
    .update(jobs)
    .set({ status: 'cancelled', finishedAt: new Date() })
    .where(and(eq(jobs.orgId, w.orgId), inArray(jobs.status, ['queued', 'running'])));
}

/** A queued Atlas run of the org, the only one. */
async function freshJob(w: World): Promise<string> {
  await endActiveJobs(w);
  const [row] = await w.db.db
    .insert(jobs)
    .values({ orgId: w.orgId, kind: 'atlas_run', timeLimitSeconds: 60 })
    .returning({ id: jobs.id });
  return row!.id;
}

function expectedStatus(caller: Caller, routeKey: string, layers: Layers, success: number): number {
  if (caller === 'anonymous') return 401;
  if (caller === 'non-member' || caller === 'member of another org' || caller === 'key of another org')
    return 403;
  const [permission, roles] = CONTRACT[routeKey]!;
  const keyRole = /^(\w+) key$/.exec(caller)?.[1] as ApiKeyRole | undefined;
  if (keyRole) return roles.includes(keyRole) && !NOT_WITH_A_KEY.has(permission) ? success : 403;
  if (roles.includes(caller as MembershipRole)) return success;
  return layers === 'without route permissions' && !CHECKED_AGAIN.has(routeKey) ? success : 403;
}

/** The org routes the API app registers, with the permission each declares (if any). */
function orgRoutes(api: TestApi): { key: string; method: string; permission?: Permission }[] {
  const byKey = new Map<string, { key: string; method: string; permission?: Permission }>();
  for (const route of api.app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/api/orgs/:orgId')) continue;
    const key = `${route.method} ${route.path.replace(/\/$/, '')}`;
    const entry = byKey.get(key) ?? { key, method: route.method };
    const permission = (route.handler as Partial<PermissionMiddleware>).permission;
    if (permission) entry.permission = permission;
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

// Only to list the routes while the tests are collected; it never touches a database.
const routes = orgRoutes(createTestApi({ db: {} } as TestDatabase));

for (const layers of LAYERS) {
  describeEachDatabase(
    `authorization matrix, ${layers}`,
    ({ db }) => {
      const world = { keys: {} } as World;

      beforeAll(async () => {
        world.db = db();
        if (layers === 'without row-level security') {
          expect((await disableRowLevelSecurity(db())).length).toBeGreaterThan(10);
        }
        world.api = createTestApi(
          db(),
          { RATE_LIMIT_USER_PER_MINUTE: '100000', RATE_LIMIT_ORG_PER_MINUTE: '100000' },
          layers === 'without route permissions' ? { withoutRoutePermissions: true } : {},
        );
        const a = await createOrgWithMembers(db(), 'Org A', {
          owner: 'owner@a.example',
          admin: 'admin@a.example',
          operator: 'operator@a.example',
          viewer: 'viewer@a.example',
        });
        const b = await createOrgWithMembers(db(), 'Org B', {
          owner: 'owner@b.example',
          viewer: 'viewer@b.example',
        });
        await createUser(db(), 'stranger@example.com');
        world.orgId = a.org.id;
        world.participantId = await createParticipants(db(), a.org.id, 'A');
        await createParticipants(db(), b.org.id, 'B');
        world.foreign = [
          b.org.id,
          'Org B',
          'Participant B',
          ...(await participantIdsOf(db(), b.org.id)),
          ...Object.values(b.users).flatMap((u) => [u.memberId, u.email]),
          // B's owner tries org A's routes in this test: A's audit log rightly names them as the actor of
          // those access.denied events. B's viewer never does, so their id must not appear at all.
          b.users.viewer!.id,
        ];
        world.cookies = {
          'non-member': await signIn(world.api, 'stranger@example.com'),
          'member of another org': await signIn(world.api, 'owner@b.example'),
        };
        for (const role of MEMBERSHIP_ROLES)
          world.cookies[role] = await signIn(world.api, `${role}@a.example`);
        world.keys = { 'key of another org': (await insertKey(db(), b.org.id, 'admin')).authorization };
        for (const role of KEY_ROLES)
          world.keys[`${role} key`] = (await insertKey(db(), a.org.id, role)).authorization;
      });

      it('finds the org routes, each declaring the permission the contract gives it, with a sample request', () => {
        expect(routes.length).toBeGreaterThanOrEqual(5);
        for (const route of routes) {
          expect(route.permission, `${route.key} declares no permission (use needs(...))`).toBeDefined();
          expect(
            CONTRACT[route.key],
            `${route.key} is not in this test's contract (DESIGN.md §4)`,
          ).toBeDefined();
          expect(route.permission, `${route.key} declares another permission than the contract`).toBe(
            CONTRACT[route.key]![0],
          );
          expect(SAMPLES[route.key], `${route.key} has no sample request in this test`).toBeDefined();
        }
        expect(routes.map((r) => r.key).sort()).toEqual(Object.keys(CONTRACT).sort());
      });

      for (const route of routes) {
        for (const caller of callersOf(layers)) {
          it(`${route.key} as ${caller}`, async () => {
            const sample = await SAMPLES[route.key]!(world);
            const expected = expectedStatus(caller, route.key, layers, sample.success);
            const deniedBefore = await deniedCount(world);
            const response = await world.api.request(sample.path, {
              method: route.method,
              body: sample.body,
              headers: {
                ...sample.headers,
                ...(world.keys[caller] ? { authorization: world.keys[caller] } : {}),
              },
              cookie: world.cookies[caller],
            });
            const text = await response.text();
            expect(response.status, text).toBe(expected);
            if (expected >= 400) {
              expect(response.headers.get('content-type')).toBe('application/problem+json');
              expect(JSON.parse(text).status).toBe(expected);
            }
            if (expected === 403) expect(await deniedCount(world)).toBe(deniedBefore + 1);
            for (const value of world.foreign) expect(text, `leaks ${value}`).not.toContain(value);
          });
        }
      }
    },
    { keepData: true },
  );
}

async function deniedCount(w: World): Promise<number> {
  const rows = await w.db.db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.orgId, w.orgId), eq(events.eventType, 'access.denied')));
  return rows.length;
}

/** Two linked participants named "Participant <tag> n"; returns the first one's id. */
async function createParticipants(db: TestDatabase, orgId: string, tag: string): Promise<string> {
  const rows = await db.db
    .insert(participants)
    .values(
      [1, 2].map((n) => ({
        orgId,
        displayName: `Participant ${tag} ${n}`,
        role: 'member',
        origin: 'manual',
      })),
    )
    .returning({ id: participants.id });
  await db.db.insert(relationships).values({
    orgId,
    fromParticipantId: rows[0]!.id,
    toParticipantId: rows[1]!.id,
    type: 'knows',
    source: 'manual',
    confidenceScore: 0.5,
  });
  return rows[0]!.id;
}

async function participantIdsOf(db: TestDatabase, orgId: string): Promise<string[]> {
  const rows = await db.db
    .select({ id: participants.id })
    .from(participants)
    .where(eq(participants.orgId, orgId));
  return rows.map((r) => r.id);
}
