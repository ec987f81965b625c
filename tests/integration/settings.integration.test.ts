import { and, desc, eq, sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { events, orgs, participants } from '../../src/lib/database/schema';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../src/lib/domain';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// The owner's settings: who may read and change them, what a change validates, what it writes to the
// audit log, and that segments follow the new thresholds at once. One org for the file; each test
// sets the values it starts from.

const DEFAULTS = {
  timezone: 'UTC',
  newDays: 14,
  activeDays: 30,
  dormantDays: 60,
  highlyConnectedPercentile: 0.9,
  highlyConnectedMinDegree: 3,
  stageGraceDays: 7,
};

describeEachDatabase(
  'org settings',
  ({ db }) => {
    let api: TestApi;
    let orgId: string;
    let otherOrgId: string;
    const cookies = {} as Record<MembershipRole, string>;
    const path = () => `/api/orgs/${orgId}/settings`;

    beforeAll(async () => {
      api = createTestApi(db(), { RATE_LIMIT_USER_PER_MINUTE: '100000' });
      const a = await createOrgWithMembers(db(), 'Settings org', {
        owner: 'owner@s.example',
        admin: 'admin@s.example',
        operator: 'operator@s.example',
        viewer: 'viewer@s.example',
      });
      const b = await createOrgWithMembers(db(), 'Other org', { owner: 'owner@other.example' });
      orgId = a.org.id;
      otherOrgId = b.org.id;
      for (const role of MEMBERSHIP_ROLES) cookies[role] = await signIn(api, `${role}@s.example`);
    });

    const patch = (body: unknown, cookie = cookies.owner) =>
      api.request(path(), { method: 'PATCH', cookie, body });

    const changeEvents = async () =>
      db()
        .db.select({ actorRole: events.actorRole, targetId: events.targetId, metadata: events.metadata })
        .from(events)
        .where(and(eq(events.orgId, orgId), eq(events.eventType, 'org.settings_changed')))
        .orderBy(desc(events.createdAt), desc(events.id));

    async function reset() {
      const response = await patch(DEFAULTS);
      expect(response.status, await response.clone().text()).toBe(200);
    }

    it('gives the owner the defaults before anything was saved', async () => {
      const response = await api.request(path(), { cookie: cookies.owner });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ...DEFAULTS, updatedAt: null });
    });

    it('refuses admins, operators and viewers, reading or changing, and audits each refusal', async () => {
      for (const role of ['admin', 'operator', 'viewer'] as const) {
        for (const method of ['GET', 'PATCH'] as const) {
          const before = await deniedCount();
          const response = await api.request(path(), {
            method,
            cookie: cookies[role],
            body: method === 'PATCH' ? { newDays: 7 } : undefined,
          });
          expect(response.status, `${method} as ${role}`).toBe(403);
          expect(response.headers.get('content-type')).toBe('application/problem+json');
          expect(await deniedCount()).toBe(before + 1);
        }
      }
      const [row] = await db()
        .db.select({ n: sql<number>`count(*)::int` })
        .from(sql`org_settings`)
        .where(sql`org_id = ${orgId}`);
      expect(row!.n).toBe(0);
    });

    it('applies the fields given, keeps the others, and audits only what changed', async () => {
      await reset();
      const before = (await changeEvents()).length;
      const response = await patch({ activeDays: 21, timezone: 'America/Chicago', newDays: 14 });
      expect(response.status).toBe(200);
      const settings = await response.json();
      expect(settings).toMatchObject({ ...DEFAULTS, activeDays: 21, timezone: 'America/Chicago' });
      expect(Date.parse(settings.updatedAt)).toBeGreaterThan(Date.now() - 60_000);

      const list = await changeEvents();
      expect(list).toHaveLength(before + 1);
      expect(list[0]).toEqual({
        actorRole: 'owner',
        targetId: orgId,
        metadata: {
          before: { timezone: 'UTC', activeDays: 30 },
          after: { timezone: 'America/Chicago', activeDays: 21 },
        },
      });
      // The time zone is the org's: the next request's scope counts days in it.
      const org = await (await api.request(`/api/orgs/${orgId}`, { cookie: cookies.owner })).json();
      expect(org.timezone).toBe('America/Chicago');
      const read = await (await api.request(path(), { cookie: cookies.owner })).json();
      expect(read).toEqual(settings);
    });

    it('changes the stage grace period (0 to 90 days), audited like the other fields', async () => {
      await reset();
      for (const [from, to] of [
        [7, 0],
        [0, 90],
      ] as const) {
        const response = await patch({ stageGraceDays: to });
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ ...DEFAULTS, stageGraceDays: to });
        const [latest] = await changeEvents();
        expect(latest!.metadata).toEqual({ before: { stageGraceDays: from }, after: { stageGraceDays: to } });
      }
      const read = await (await api.request(path(), { cookie: cookies.owner })).json();
      expect(read.stageGraceDays).toBe(90);
    });

    it('writes no event for a change that changes nothing (or an empty body)', async () => {
      await reset();
      const before = (await changeEvents()).length;
      expect((await patch({ dormantDays: 60, timezone: 'UTC' })).status).toBe(200);
      expect((await patch({})).status).toBe(200);
      expect(await changeEvents()).toHaveLength(before);
    });

    it('answers 400 naming each malformed field, and changes nothing', async () => {
      await reset();
      const cases: [unknown, string[]][] = [
        [{ newDays: 0 }, ['newDays']],
        [{ activeDays: 2.5, dormantDays: 'sixty' }, ['activeDays', 'dormantDays']],
        [{ timezone: 'Mars/Olympus_Mons' }, ['timezone']],
        [{ highlyConnectedPercentile: 1 }, ['highlyConnectedPercentile']],
        [{ highlyConnectedMinDegree: 0 }, ['highlyConnectedMinDegree']],
        [{ dormantDays: 99_999 }, ['dormantDays']],
        [{ stageGraceDays: -1 }, ['stageGraceDays']],
        [{ stageGraceDays: 91 }, ['stageGraceDays']],
        [{ stageGraceDays: 1.5 }, ['stageGraceDays']],
        [{ stageGraceDays: '7' }, ['stageGraceDays']],
        [{ orgId: otherOrgId }, ['(root)']],
      ];
      for (const [body, fields] of cases) {
        const response = await patch(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        const problem = await response.json();
        const paths = problem.errors.map((e: { path: string }) => e.path);
        for (const field of fields) expect(paths, JSON.stringify(problem)).toContain(field);
      }
      const settings = await (await api.request(path(), { cookie: cookies.owner })).json();
      expect(settings).toMatchObject(DEFAULTS);
    });

    it('answers 422 when dormant would not start after active ends, also against stored values', async () => {
      await reset();
      const before = (await changeEvents()).length;
      for (const body of [{ activeDays: 60 }, { dormantDays: 20 }, { activeDays: 90, dormantDays: 45 }]) {
        const response = await patch(body);
        expect(response.status, JSON.stringify(body)).toBe(422);
        const problem = await response.json();
        expect(problem.errors).toEqual([
          { path: 'dormantDays', message: expect.stringMatching(/more than/) },
        ]);
      }
      // Both moved together in one request is fine.
      expect((await patch({ activeDays: 90, dormantDays: 120 })).status).toBe(200);
      expect(await changeEvents()).toHaveLength(before + 1);
    });

    it('recomputes segments with the new thresholds at once', async () => {
      await reset();
      const day = 86_400_000;
      await db()
        .db.insert(participants)
        .values(
          [40, 70].map((daysAgo) => ({
            orgId,
            displayName: `Quiet for ${daysAgo} days`,
            role: 'member',
            origin: 'manual',
            lastActivityAt: new Date(Date.now() - daysAgo * day),
          })),
        );
      const counts = async () => {
        const body = await (
          await api.request(`/api/orgs/${orgId}/segments`, { cookie: cookies.viewer })
        ).json();
        return Object.fromEntries(
          (body.segments as { key: string; count: number; description: string }[]).map((s) => [s.key, s]),
        );
      };
      let segments = await counts();
      expect([segments.active!.count, segments.at_risk!.count, segments.dormant!.count]).toEqual([0, 1, 1]);

      expect((await patch({ activeDays: 45, dormantDays: 90 })).status).toBe(200);
      segments = await counts();
      expect([segments.active!.count, segments.at_risk!.count, segments.dormant!.count]).toEqual([1, 1, 0]);
      expect(segments.dormant!.description).toContain('90 days');
    });

    it('keeps another org’s settings apart', async () => {
      await reset();
      expect((await patch({ newDays: 3 })).status).toBe(200);
      const [other] = await db()
        .db.select({ timezone: orgs.timezone })
        .from(orgs)
        .where(eq(orgs.id, otherOrgId));
      expect(other!.timezone).toBe('UTC');
      const owner = await signIn(api, 'owner@other.example');
      const theirs = await (await api.request(`/api/orgs/${otherOrgId}/settings`, { cookie: owner })).json();
      expect(theirs.newDays).toBe(14);
    });

    async function deniedCount(): Promise<number> {
      const [row] = await db()
        .db.select({ n: sql<number>`count(*)::int` })
        .from(events)
        .where(and(eq(events.orgId, orgId), eq(events.eventType, 'access.denied')));
      return row!.n;
    }
  },
  { keepData: true },
);
