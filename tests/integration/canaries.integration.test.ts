import { beforeAll, expect, it } from 'vitest';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../src/lib/domain';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';
import { canariesOf, orgWithEveryTable } from '../setup/org-fixtures';

// Issue 9, item 9a: two orgs, each with a row holding its canary in every org table. Org A's users of
// every role walk every GET route of the API — lists, searches for org B's canary, exports in each
// format, the graph's forms, and org B's own ids put into org A's URLs — and no answer ever holds
// anything of org B. (The console's pages get the same walk in console-pages.integration.test.ts.)

interface Ids {
  participantId: string;
  interventionId: string;
  jobId: string;
  streamId: string;
}

/** The requests per GET route; `own` are org A's ids, `foreign` org B's, tried in org A's URLs. */
const WALK: Record<string, (own: Ids, foreign: Ids) => string[]> = {
  'GET /api/orgs/:orgId': () => [''],
  'GET /api/orgs/:orgId/graph': (own, foreign) => [
    '/graph',
    '/graph?format=compact',
    '/graph?view=overview',
    '/graph?view=overview&community=0',
    '/graph?view=overview&community=1',
    `/graph?focus=${own.participantId}&depth=3`,
    `/graph?focus=${foreign.participantId}&depth=3`,
  ],
  'GET /api/orgs/:orgId/segments': () => ['/segments'],
  'GET /api/orgs/:orgId/participants': () => [
    '/participants?limit=500',
    // Parts of org B's canary and email: the audit log keeps what was searched for, which is no leak.
    '/participants?q=anaryB',
    '/participants?q=naryb%40example.com',
    '/participants?segment=isolated',
    '/participants?sort=-degree',
  ],
  'GET /api/orgs/:orgId/participants/export': () => [
    '/participants/export?format=csv',
    '/participants/export?format=ndjson',
    '/participants/export?format=csv&q=anaryB',
  ],
  'GET /api/orgs/:orgId/relationships/export': () => [
    '/relationships/export?format=csv',
    '/relationships/export?format=ndjson',
  ],
  'GET /api/orgs/:orgId/segments/:segment/export': () => [
    '/segments/isolated/export?format=csv',
    '/segments/active/export?format=ndjson',
  ],
  'GET /api/orgs/:orgId/participants/:participantId': (own, foreign) => [
    `/participants/${own.participantId}`,
    `/participants/${foreign.participantId}`,
  ],
  'GET /api/orgs/:orgId/recommendations': () => [
    '/recommendations?limit=500',
    '/recommendations?status=pending',
  ],
  'GET /api/orgs/:orgId/recommendations/stats': () => ['/recommendations/stats'],
  'GET /api/orgs/:orgId/interventions': () => ['/interventions?limit=500'],
  'GET /api/orgs/:orgId/interventions/:interventionId': (own, foreign) => [
    `/interventions/${own.interventionId}`,
    `/interventions/${foreign.interventionId}`,
  ],
  'GET /api/orgs/:orgId/events': (own, foreign) => [
    '/events?limit=500',
    `/events?targetId=${foreign.participantId}`,
    '/events?type=audit.viewed',
  ],
  'GET /api/orgs/:orgId/events/export': () => ['/events/export?format=csv', '/events/export?format=ndjson'],
  'GET /api/orgs/:orgId/events/verify': () => ['/events/verify'],
  'GET /api/orgs/:orgId/jobs': () => ['/jobs'],
  'GET /api/orgs/:orgId/jobs/:jobId': (own, foreign) => [`/jobs/${own.jobId}`, `/jobs/${foreign.jobId}`],
  'GET /api/orgs/:orgId/members': () => ['/members?limit=500'],
  'GET /api/orgs/:orgId/api-keys': () => ['/api-keys'],
  'GET /api/orgs/:orgId/audit-streams': () => ['/audit-streams'],
  'GET /api/orgs/:orgId/audit-streams/:streamId/deliveries': (own, foreign) => [
    `/audit-streams/${own.streamId}/deliveries`,
    `/audit-streams/${foreign.streamId}/deliveries`,
  ],
  'GET /api/orgs/:orgId/settings': () => ['/settings'],
};

describeEachDatabase(
  'canaries',
  ({ db }) => {
    let api: TestApi;
    let orgA: string;
    let own: Ids;
    let foreign: Ids;
    let canaries: string[];
    const cookies = new Map<MembershipRole, string>();

    beforeAll(async () => {
      api = createTestApi(db(), {
        RATE_LIMIT_USER_PER_MINUTE: '100000',
        RATE_LIMIT_ORG_PER_MINUTE: '100000',
      });
      const a = await createOrgWithMembers(db(), 'Org A', {
        owner: 'owner@a.example',
        admin: 'admin@a.example',
        operator: 'operator@a.example',
        viewer: 'viewer@a.example',
      });
      const b = await createOrgWithMembers(db(), 'Org B', { owner: 'owner@b.example' });
      orgA = a.org.id;
      own = await orgWithEveryTable(db().db, 'CanaryA', orgA);
      foreign = await orgWithEveryTable(db().db, 'CanaryB', b.org.id);
      canaries = await canariesOf(db().db, b.org.id, 'CanaryB');
      for (const role of MEMBERSHIP_ROLES) cookies.set(role, await signIn(api, `${role}@a.example`));
    });

    it('walks every GET route of the org API', () => {
      const routes = api.app.routes
        .filter((r) => r.method === 'GET' && r.path.startsWith('/api/orgs/:orgId'))
        .map((r) => `GET ${r.path.replace(/\/$/, '')}`);
      expect([...new Set(routes)].sort()).toEqual(Object.keys(WALK).sort());
    });

    for (const role of MEMBERSHIP_ROLES) {
      it(`no answer to org A's ${role} holds anything of org B`, async () => {
        let seenOwn = 0;
        const paths = [
          ...Object.values(WALK).flatMap((walk) => walk(own, foreign).map((p) => `/api/orgs/${orgA}${p}`)),
          '/api/me',
        ];
        // Org B's ids the walk itself puts in org A's URLs may come back (a 404's `instance`, the audit
        // log's record of a filter); nothing else of org B may.
        const watched = canaries.filter((canary) => !paths.some((path) => path.includes(canary)));
        expect(watched).toContain('CanaryB');
        for (const path of paths) {
          const response = await api.request(path, { cookie: cookies.get(role) });
          const text = await response.text();
          expect(response.status, `${path}: ${text.slice(0, 200)}`).toBeLessThan(500);
          for (const canary of watched) expect(text, `${path} leaks ${canary}`).not.toContain(canary);
          if (text.includes('CanaryA')) seenOwn++;
        }
        // The walk reached org A's own data: it would have shown org B's in the same places.
        expect(seenOwn).toBeGreaterThan(role === 'viewer' ? 5 : 8);
      });
    }
  },
  { keepData: true },
);
