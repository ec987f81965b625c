import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { participants } from '../../src/lib/database/schema';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// Property tests: random and hostile values in every validated input of every org route never make a
// 500, and a 400 always names the failing field. A new org route without an entry here fails.

interface Input {
  method: string;
  path: string;
  query?: string[];
  body?: string[];
}

const ID = '{id}';
const INPUTS: Record<string, Input> = {
  'GET /api/orgs/:orgId': { method: 'GET', path: '' },
  'GET /api/orgs/:orgId/members': { method: 'GET', path: '/members', query: ['limit', 'cursor'] },
  'POST /api/orgs/:orgId/members': { method: 'POST', path: '/members', body: ['email', 'role'] },
  'PATCH /api/orgs/:orgId/members/:memberId': { method: 'PATCH', path: `/members/${ID}`, body: ['role'] },
  'DELETE /api/orgs/:orgId/members/:memberId': { method: 'DELETE', path: `/members/${ID}` },
  'GET /api/orgs/:orgId/segments': { method: 'GET', path: '/segments' },
  'GET /api/orgs/:orgId/participants': {
    method: 'GET',
    path: '/participants',
    query: ['q', 'stage', 'role', 'segment', 'sort', 'limit', 'cursor'],
  },
  'GET /api/orgs/:orgId/participants/export': {
    method: 'GET',
    path: '/participants/export',
    query: ['format', 'q', 'stage', 'role', 'segment', 'sort'],
  },
  'GET /api/orgs/:orgId/participants/:participantId': { method: 'GET', path: `/participants/${ID}` },
  'GET /api/orgs/:orgId/graph': {
    method: 'GET',
    path: '/graph',
    query: ['stage', 'role', 'segment', 'minConfidence', 'focus', 'depth', 'perHop', 'format', 'view'],
  },
  'GET /api/orgs/:orgId/events': {
    method: 'GET',
    path: '/events',
    query: ['type', 'actorUserId', 'targetType', 'targetId', 'from', 'to', 'limit', 'cursor'],
  },
  'GET /api/orgs/:orgId/events/export': {
    method: 'GET',
    path: '/events/export',
    query: ['format', 'type', 'from', 'to'],
  },
  'GET /api/orgs/:orgId/recommendations': {
    method: 'GET',
    path: '/recommendations',
    query: ['status', 'suggestedAction', 'targetType', 'limit', 'cursor'],
  },
  'GET /api/orgs/:orgId/recommendations/stats': { method: 'GET', path: '/recommendations/stats' },
  'POST /api/orgs/:orgId/recommendations/:recommendationId/accept': {
    method: 'POST',
    path: `/recommendations/${ID}/accept`,
    body: ['reason', 'intervene'],
  },
  'POST /api/orgs/:orgId/recommendations/:recommendationId/dismiss': {
    method: 'POST',
    path: `/recommendations/${ID}/dismiss`,
    body: ['reasonCode', 'note', 'reason', 'snoozeDays', 'snoozeUntil'],
  },
  'GET /api/orgs/:orgId/interventions': {
    method: 'GET',
    path: '/interventions',
    query: ['targetId', 'reversed', 'type', 'operatorUserId', 'from', 'to', 'limit', 'cursor'],
  },
  'GET /api/orgs/:orgId/interventions/:interventionId': { method: 'GET', path: `/interventions/${ID}` },
  'POST /api/orgs/:orgId/interventions': {
    method: 'POST',
    path: '/interventions',
    query: ['dryRun'],
    body: ['type', 'scope', 'targetIds', 'segment', 'reason', 'newState'],
  },
  'POST /api/orgs/:orgId/interventions/:interventionId/reverse': {
    method: 'POST',
    path: `/interventions/${ID}/reverse`,
    body: ['reason'],
  },
  'POST /api/orgs/:orgId/atlas/run': { method: 'POST', path: '/atlas/run' },
  'POST /api/orgs/:orgId/stages/run': { method: 'POST', path: '/stages/run' },
  'GET /api/orgs/:orgId/jobs': { method: 'GET', path: '/jobs', query: ['kind', 'status', 'limit'] },
  'GET /api/orgs/:orgId/jobs/:jobId': { method: 'GET', path: `/jobs/${ID}` },
  'POST /api/orgs/:orgId/jobs/:jobId/cancel': { method: 'POST', path: `/jobs/${ID}/cancel` },
  'GET /api/orgs/:orgId/settings': { method: 'GET', path: '/settings' },
  'PATCH /api/orgs/:orgId/settings': {
    method: 'PATCH',
    path: '/settings',
    body: [
      'timezone',
      'newDays',
      'activeDays',
      'dormantDays',
      'highlyConnectedPercentile',
      'highlyConnectedMinDegree',
    ],
  },
};

const HOSTILE_STRINGS = [
  "' OR 1=1 --",
  "'; DROP TABLE events; --",
  '{"a":',
  '[]',
  'null',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '😀'.repeat(500),
  '<script>alert(1)</script>',
  '00000000-0000-4000-8000-000000000000',
  '-1',
  '1e309',
  'NaN',
  '2026-13-45T99:99:99Z',
];

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ minLength: 3000, maxLength: 12000 }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 10 }), hostileString, { maxKeys: 3 }),
);

describeEachDatabase(
  'hostile input',
  ({ db }) => {
    let api: TestApi;
    let orgId: string;
    let cookie: string;
    let participantId: string;

    beforeAll(async () => {
      api = createTestApi(db() as TestDatabase, {
        RATE_LIMIT_USER_PER_MINUTE: '1000000',
        RATE_LIMIT_ORG_PER_MINUTE: '1000000',
      });
      const { org } = await createOrgWithMembers(db(), 'Org', { owner: 'owner@example.com' });
      orgId = org.id;
      cookie = await signIn(api, 'owner@example.com');
      const [p] = await db()
        .db.insert(participants)
        .values({ orgId, displayName: 'P', role: 'member', origin: 'manual' })
        .returning({ id: participants.id });
      participantId = p!.id;
    });

    it('covers every org route', () => {
      const probe = createTestApi({ db: {} } as TestDatabase);
      const registered = new Set(
        probe.app.routes
          .filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/orgs/:orgId'))
          .map((r) => `${r.method} ${r.path.replace(/\/$/, '')}`),
      );
      for (const route of registered) expect(INPUTS[route], `${route} has no entry in INPUTS`).toBeDefined();
    });

    for (const [route, input] of Object.entries(INPUTS)) {
      it(`${route} never answers 500, and names the field of a 400`, async () => {
        const fields = [
          ...(input.query ?? []).map((f) => ['query', f] as const),
          ...(input.body ?? []).map((f) => ['body', f] as const),
        ];
        await fc.assert(
          fc.asyncProperty(
            fc.record({
              values: fc.dictionary(
                fc.constantFrom(...(fields.length ? fields.map(([, f]) => f) : ['_'])),
                hostileValue,
                { maxKeys: 4 },
              ),
              id: fc.oneof(
                fc.constant(participantId),
                hostileString.filter((s) => s.length < 200),
              ),
              rawBody: fc.option(fc.oneof(hostileString, fc.constant('{"unterminated": ')), {
                nil: undefined,
              }),
            }),
            async ({ values, id, rawBody }) => {
              const query = new URLSearchParams();
              const body: Record<string, unknown> = {};
              for (const [field, value] of Object.entries(values)) {
                if (input.query?.includes(field))
                  query.set(field, typeof value === 'string' ? value : JSON.stringify(value));
                if (input.body?.includes(field)) body[field] = value;
              }
              const path = `/api/orgs/${orgId}${input.path.replace(ID, encodeURIComponent(id))}${query.size ? `?${query}` : ''}`;
              const sendsBody = input.method !== 'GET' && input.method !== 'DELETE';
              const response = await api.request(path, {
                method: input.method,
                cookie,
                body: sendsBody ? (rawBody ?? body) : undefined,
              });
              expect(response.status, `${input.method} ${path}`).toBeLessThan(500);
              if (response.status === 400) {
                const problem = await response.json();
                expect(response.headers.get('content-type')).toBe('application/problem+json');
                expect(problem.errors?.length, JSON.stringify(problem)).toBeGreaterThan(0);
                expect(problem.errors.every((e: { path: string }) => e.path.length > 0)).toBe(true);
              } else {
                await response.arrayBuffer();
              }
            },
          ),
          { numRuns: 25, seed: 42 },
        );
      });
    }
  },
  { keepData: true },
);
