import { and, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { events, participants, recommendations } from '../../src/lib/database/schema';
import { PARTICIPANT_SORTS } from '../../src/lib/domain';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// Property tests: random and hostile values in every validated input of every org route never make a
// 500, and a 400 always names the failing field. A new org route without an entry here fails. Cursors
// are forged (random JSON, keys of the wrong form, base64 garbage) and text carries the code points
// PostgreSQL cannot store (NUL), the driver cannot encode (unpaired surrogates) and a reader cannot see
// (zero-width and other format characters).

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
    query: ['format', 'order', 'type', 'from', 'to'],
  },
  'GET /api/orgs/:orgId/events/verify': { method: 'GET', path: '/events/verify' },
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
  'GET /api/orgs/:orgId/relationships/export': {
    method: 'GET',
    path: '/relationships/export',
    query: ['format', 'minConfidence'],
  },
  'GET /api/orgs/:orgId/segments/:segment/export': {
    method: 'GET',
    path: `/segments/${ID}/export`,
    query: ['format'],
  },
  // Its CSV body is fuzzed in tests/integration/imports.integration.test.ts.
  'POST /api/orgs/:orgId/imports': {
    method: 'POST',
    path: '/imports',
    query: ['kind', 'dryRun', 'background'],
  },
  'GET /api/orgs/:orgId/jobs': { method: 'GET', path: '/jobs', query: ['kind', 'status', 'limit'] },
  'GET /api/orgs/:orgId/jobs/:jobId': { method: 'GET', path: `/jobs/${ID}` },
  'POST /api/orgs/:orgId/jobs/:jobId/cancel': { method: 'POST', path: `/jobs/${ID}/cancel` },
  'GET /api/orgs/:orgId/settings': { method: 'GET', path: '/settings' },
  'POST /api/orgs/:orgId/participants/:participantId/erase': {
    method: 'POST',
    path: `/participants/${ID}/erase`,
    body: ['reason'],
  },
  'GET /api/orgs/:orgId/audit-streams': { method: 'GET', path: '/audit-streams' },
  'POST /api/orgs/:orgId/audit-streams': { method: 'POST', path: '/audit-streams', body: ['url'] },
  'DELETE /api/orgs/:orgId/audit-streams/:streamId': { method: 'DELETE', path: `/audit-streams/${ID}` },
  'POST /api/orgs/:orgId/audit-streams/:streamId/test': { method: 'POST', path: `/audit-streams/${ID}/test` },
  'GET /api/orgs/:orgId/audit-streams/:streamId/deliveries': {
    method: 'GET',
    path: `/audit-streams/${ID}/deliveries`,
  },
  'GET /api/orgs/:orgId/api-keys': { method: 'GET', path: '/api-keys' },
  'POST /api/orgs/:orgId/api-keys': {
    method: 'POST',
    path: '/api-keys',
    body: ['name', 'role', 'expiresInDays'],
  },
  'DELETE /api/orgs/:orgId/api-keys/:keyId': { method: 'DELETE', path: `/api-keys/${ID}` },
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

// U+0000, both halves of a surrogate pair alone, and characters that show nothing.
const AWKWARD_CODE_POINTS = ['\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF'];
const INVISIBLE_CODE_POINTS = [
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
  '\u00AD',
  '\u202E',
  '\u3164',
];
const awkwardString = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...AWKWARD_CODE_POINTS, ...INVISIBLE_CODE_POINTS),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 30,
});

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE_STRINGS),
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.string({ minLength: 3000, maxLength: 12000 }),
  awkwardString,
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

const ID_OF_NOTHING = '00000000-0000-4000-8000-000000000000';
const base64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** What a forger puts into a cursor's fields: timestamps PostgreSQL refuses or takes oddly, numbers, ids. */
const cursorField = fc.oneof(
  hostileString,
  fc.uuid(),
  fc.constantFrom(
    '0000-01-01T00:00:00.000000Z',
    '0000-02-29T00:00:00.000000Z',
    '294277-01-01T00:00:00.000000Z',
    '9999-12-31T23:59:59.999999Z',
    '2026-02-30T00:00:00.000000Z',
    '2026-01-01T00:00:00.000000Z\u0000',
    'infinity',
    '-infinity',
    'epoch',
    'now',
    '',
    '99999999999',
    '-1',
  ),
  fc.integer(),
  fc.double(),
  fc.bigInt().map(String),
  fc.constant(null),
);
/** Forged cursors: keys of every list filled with the above, any JSON, base64 garbage, not base64 at all. */
const forgedCursor = fc.oneof(
  fc.record({ at: cursorField, id: cursorField }, { requiredKeys: [] }).map(base64),
  fc.record({ email: cursorField, id: cursorField }, { requiredKeys: [] }).map(base64),
  fc
    .record({ sort: fc.constantFrom(...PARTICIPANT_SORTS, 'name\u0000'), key: cursorField, id: cursorField })
    .map(base64),
  fc.jsonValue().map(base64),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  hostileString,
);

/** A path segment is percent-encoded UTF-8, which has no unpaired surrogates (encodeURIComponent throws). */
const fitsInAPath = (text: string) =>
  !/[\uD800-\uDFFF]/.test(text.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));

const valueFor = (field: string) => (field === 'cursor' ? forgedCursor : hostileValue);

/** Cursors no list could have written, each refused with a 400 naming `cursor`. */
const TIMESTAMP_LIKE = [
  '0000-01-01T00:00:00.000000Z',
  '2026-02-30T00:00:00.000000Z',
  '99999-01-01T00:00:00.000000Z',
  'yesterday',
  'infinity',
  '2026-01-01T00:00:00.000000Z\u0000',
  1e308,
  null,
];
const NOT_IDS = [
  'x',
  `${ID_OF_NOTHING}\u0000`,
  '00000000-0000-4000-8000-00000000000g',
  12345678901234567890,
  null,
];
const GARBAGE = [
  'AAAA',
  '////',
  '%00',
  'A'.repeat(3000),
  base64(null),
  base64([ID_OF_NOTHING]),
  base64('a string'),
  base64('1e999'),
  base64({}),
  Buffer.from([0xff, 0xfe, 0x00, 0xd8]).toString('base64url'),
];
const GOOD_AT = '2026-01-01T00:00:00.000000Z';
const TIME_KEY_FORGERIES = [
  ...GARBAGE,
  ...TIMESTAMP_LIKE.map((at) => base64({ at, id: ID_OF_NOTHING })),
  ...NOT_IDS.map((id) => base64({ at: GOOD_AT, id })),
  base64({ at: GOOD_AT, id: ID_OF_NOTHING, extra: 1 }),
  base64({ email: 'a@b.example', id: ID_OF_NOTHING }),
];
const FORGED_CURSORS: Record<string, string[]> = {
  '/events': TIME_KEY_FORGERIES,
  '/recommendations': TIME_KEY_FORGERIES,
  '/interventions': TIME_KEY_FORGERIES,
  '/members': [
    ...GARBAGE,
    ...['a\u0000@b.example', '\uD800@b.example', 42, null].map((email) =>
      base64({ email, id: ID_OF_NOTHING }),
    ),
    ...NOT_IDS.map((id) => base64({ email: 'a@b.example', id })),
    base64({ at: GOOD_AT, id: ID_OF_NOTHING }),
  ],
  '/participants?sort=name': [
    ...GARBAGE,
    ...['a\u0000', '\uDC00', 42, null].map((key) => base64({ sort: 'name', key, id: ID_OF_NOTHING })),
    ...NOT_IDS.map((id) => base64({ sort: 'name', key: 'Ava', id })),
    base64({ sort: 'nope', key: 'Ava', id: ID_OF_NOTHING }),
    base64({ sort: '-name', key: 'Ava', id: ID_OF_NOTHING }),
  ],
  '/participants?sort=-lastActivity': TIMESTAMP_LIKE.map((key) =>
    base64({ sort: '-lastActivity', key, id: ID_OF_NOTHING }),
  ),
  '/participants?sort=created': TIMESTAMP_LIKE.map((key) =>
    base64({ sort: 'created', key, id: ID_OF_NOTHING }),
  ),
  '/participants?sort=-degree': ['99999999999', '-1', '1e3', '', 'a\u0000'].map((key) =>
    base64({ sort: '-degree', key, id: ID_OF_NOTHING }),
  ),
};

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
              values: fc
                .shuffledSubarray(
                  fields.map(([, f]) => f),
                  { maxLength: Math.min(4, fields.length) },
                )
                .chain((chosen) =>
                  fc.record(
                    Object.fromEntries(chosen.map((f) => [f, valueFor(f)])) as Record<
                      string,
                      fc.Arbitrary<unknown>
                    >,
                  ),
                ),
              id: fc.oneof(
                fc.constant(participantId),
                hostileString.filter((s) => s.length < 200 && fitsInAPath(s)),
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

    const get = async (path: string) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { cookie });
      return { status: response.status, body: await response.json() };
    };
    const send = async (method: string, path: string, body: unknown) => {
      const response = await api.request(`/api/orgs/${orgId}${path}`, { method, cookie, body });
      return { status: response.status, body: await response.json() };
    };
    const fieldsOf = (problem: { errors?: { path: string }[] }) => (problem.errors ?? []).map((e) => e.path);

    it('forges cursors for every list that takes one', () => {
      const lists = Object.values(INPUTS).filter((i) => i.query?.includes('cursor'));
      expect(new Set(Object.keys(FORGED_CURSORS).map((l) => l.split('?')[0]))).toEqual(
        new Set(lists.map((i) => i.path)),
      );
    });

    for (const [list, cursors] of Object.entries(FORGED_CURSORS)) {
      it(`GET ${list} answers each forged cursor 400 naming cursor`, async () => {
        for (const cursor of cursors) {
          const query = new URLSearchParams({ cursor });
          const answer = await get(`${list}${list.includes('?') ? '&' : '?'}${query}`);
          expect({ status: answer.status, fields: fieldsOf(answer.body) }, cursor).toEqual({
            status: 400,
            fields: ['cursor'],
          });
        }
      });
    }

    it('the lists still page with the cursors they write', async () => {
      await db()
        .db.insert(participants)
        .values([
          { orgId, displayName: 'Ann\u200Be', role: 'member', origin: 'manual' },
          { orgId, displayName: '😀 Zoë', role: 'member', origin: 'manual' },
        ]);
      for (const sort of PARTICIPANT_SORTS) {
        const first = await get(`/participants?sort=${sort}&limit=1`);
        expect(first.body.nextCursor, sort).toEqual(expect.any(String));
        const next = await get(`/participants?sort=${sort}&limit=1&cursor=${first.body.nextCursor}`);
        expect(next.status, sort).toBe(200);
        expect(next.body.items[0].id).not.toBe(first.body.items[0].id);
      }
      for (const list of ['/events', '/members']) {
        const first = await get(`${list}?limit=1`);
        if (first.body.nextCursor)
          expect((await get(`${list}?cursor=${first.body.nextCursor}`)).status).toBe(200);
      }
    });

    // A URL cannot carry an unpaired surrogate (its UTF-8 decodes to U+FFFD); a JSON body can.
    const REFUSED_IN_QUERY = ['x\u0000y', '\u0000'];
    const REFUSED_IN_BODY = [...REFUSED_IN_QUERY, 'x\uD800y', '\uDC00', 'x\uDBFF'];
    const INVISIBLE = INVISIBLE_CODE_POINTS.join('');

    for (const [route, input] of Object.entries(INPUTS)) {
      if (!input.query && !input.body) continue;
      it(`${route} refuses NUL and unpaired surrogates in each field by name, and takes invisible text`, async () => {
        const path = `/api/orgs/${orgId}${input.path.replace(ID, participantId)}`;
        const attempts: { field: string; text: string; query?: Record<string, string>; body?: object }[] = [
          ...(input.query ?? []).flatMap((field) =>
            [...REFUSED_IN_QUERY, INVISIBLE].map((text) => ({ field, text, query: { [field]: text } })),
          ),
          ...(input.body ?? []).flatMap((field) =>
            [...REFUSED_IN_BODY, INVISIBLE].map((text) => ({ field, text, body: { [field]: text } })),
          ),
        ];
        for (const attempt of attempts) {
          const query = new URLSearchParams(attempt.query);
          const response = await api.request(`${path}${query.size ? `?${query}` : ''}`, {
            method: input.method,
            cookie,
            body: input.method === 'GET' || input.method === 'DELETE' ? undefined : (attempt.body ?? {}),
          });
          const label = `${route} ${attempt.field}=${JSON.stringify(attempt.text)}`;
          expect(response.status, label).toBeLessThan(500);
          const body = await response.text();
          if (attempt.text === INVISIBLE) continue;
          expect(response.status, label).toBe(400);
          expect(fieldsOf(JSON.parse(body)), label).toContain(attempt.field);
        }
      });
    }

    it('a reason of invisible characters alone is refused where required and absent where optional', async () => {
      const flag = {
        type: 'flag_for_review',
        scope: 'participant',
        targetIds: [participantId],
        reason: '\u200B\u200C\u200D\u2060\uFEFF ',
      };
      const refused = await send('POST', '/interventions', flag);
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toContainEqual({ path: 'reason', message: 'is required' });
      const note = await send('POST', '/interventions', {
        ...flag,
        type: 'add_note',
        reason: 'Met them',
        newState: { note: '\u200B\u3164' },
      });
      expect(fieldsOf(note.body)).toEqual(['newState.note']);

      const created = await send('POST', '/interventions', { ...flag, reason: 'Checking' });
      expect(created.status).toBe(201);
      const reverse = await send('POST', `/interventions/${created.body.id}/reverse`, { reason: '\u2060' });
      expect(fieldsOf(reverse.body)).toEqual(['reason']);

      const [rec] = await db()
        .db.insert(recommendations)
        .values({
          orgId,
          targetType: 'participant',
          targetId: participantId,
          suggestedAction: 'flag_for_review',
          reason: 'r',
          confidence: 0.5,
        })
        .returning({ id: recommendations.id });
      const accepted = await send('POST', `/recommendations/${rec!.id}/accept`, { reason: '\u200B \uFEFF' });
      expect(accepted.status).toBe(200);
      const [audit] = await db()
        .db.select({ personal: events.personal })
        .from(events)
        .where(and(eq(events.orgId, orgId), eq(events.eventType, 'recommendation.accepted')));
      // No words: no personal part at all.
      expect(audit!.personal).toBeNull();
    });
  },
  { keepData: true },
);
