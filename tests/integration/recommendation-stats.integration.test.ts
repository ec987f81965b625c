import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { queryRows } from '../../src/lib/db';
import { orgs, recommendations } from '../../src/lib/database/schema';
import { ATLAS_DETECTORS } from '../../src/lib/domain';
import { ACCEPTANCE_WEEKS, viewRecommendationStats } from '../../src/lib/services/views/recommendation-stats';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// Acceptance per detector counts decisions in local weeks that start on Monday in the org's zone. Both
// zones are far from UTC (+14 and −11), so for much of the day their Monday is not UTC's Monday: rows one
// minute either side of the local week's start land in different weeks only if the zone is honoured.

const MINUTE = 60_000;
const WEEK = 7 * 86_400_000;

async function setup(db: TestDatabase, timezone: string) {
  const { org, users } = await createOrgWithMembers(db, 'Stats org', {
    owner: 'owner@stats.example',
    viewer: 'viewer@stats.example',
  });
  const other = await createOrgWithMembers(db, 'Elsewhere', { owner: 'owner@elsewhere.example' });
  await db.db.update(orgs).set({ timezone }).where(eq(orgs.id, org.id));
  const scope = await resolveOrgContext(db.db, users.owner!, org.id, { method: 'GET', path: '/test' });
  const [clock] = await queryRows<{ monday: string | Date; thisWeek: string; firstWeek: string }>(
    db.db,
    sql`SELECT (date_trunc('week', now() AT TIME ZONE ${timezone}) AT TIME ZONE ${timezone}) AS monday,
          to_char(date_trunc('week', now() AT TIME ZONE ${timezone}), 'YYYY-MM-DD') AS "thisWeek",
          to_char(date_trunc('week', now() AT TIME ZONE ${timezone})::date - ${(ACCEPTANCE_WEEKS - 1) * 7}::int,
            'YYYY-MM-DD') AS "firstWeek"`,
  );
  return { org, other: other.org, scope, clock: clock!, monday: new Date(clock!.monday).getTime() };
}

interface Decided {
  orgId: string;
  detector: string | null;
  status: 'accepted' | 'dismissed' | 'pending' | 'superseded';
  /** When it was decided; null: a row decided before decided_at was written (updated_at carries it). */
  decidedAt: number | null;
  updatedAt?: number;
}

function insert(db: TestDatabase, rows: Decided[]) {
  return db.db.insert(recommendations).values(
    rows.map((r) => ({
      orgId: r.orgId,
      targetType: 'participant',
      targetId: crypto.randomUUID(),
      suggestedAction: r.detector ?? 'flag_for_review',
      detector: r.detector,
      reason: 'Quiet for a month',
      confidence: 0.6,
      status: r.status,
      decidedAt: r.decidedAt === null ? null : new Date(r.decidedAt),
      updatedAt: new Date(r.updatedAt ?? r.decidedAt ?? Date.now()),
    })),
  );
}

describeEachDatabase('recommendation stats', ({ db }) => {
  it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago'])(
    'counts accepted / decided per detector and local week in %s, 12 weeks, Other last',
    async (timezone) => {
      const { org, other, scope, clock, monday } = await setup(db(), timezone);
      const first = monday - (ACCEPTANCE_WEEKS - 1) * WEEK;
      await insert(db(), [
        { orgId: org.id, detector: 'reengage', status: 'accepted', decidedAt: monday + MINUTE },
        { orgId: org.id, detector: 'reengage', status: 'dismissed', decidedAt: monday - MINUTE },
        // Decided before decided_at was written: its updated_at says when.
        {
          orgId: org.id,
          detector: 'reengage',
          status: 'accepted',
          decidedAt: null,
          updatedAt: monday + 2 * MINUTE,
        },
        { orgId: org.id, detector: 'introduce', status: 'dismissed', decidedAt: first + MINUTE },
        { orgId: org.id, detector: 'introduce', status: 'accepted', decidedAt: first - MINUTE },
        // Not decisions: still open, or withdrawn by a later run.
        {
          orgId: org.id,
          detector: 'reengage',
          status: 'pending',
          decidedAt: null,
          updatedAt: monday + MINUTE,
        },
        {
          orgId: org.id,
          detector: 'check_in',
          status: 'superseded',
          decidedAt: null,
          updatedAt: monday + MINUTE,
        },
        // No detector (the seed's kind), and one no longer known: both are "Other".
        { orgId: org.id, detector: null, status: 'accepted', decidedAt: monday + MINUTE },
        { orgId: org.id, detector: 'retired_detector', status: 'dismissed', decidedAt: monday + MINUTE },
        { orgId: other.id, detector: 'reengage', status: 'accepted', decidedAt: monday + MINUTE },
      ]);

      const stats = await viewRecommendationStats(db().db, scope);
      expect(stats.timezone).toBe(timezone);
      expect(stats.detectors.map((d) => d.detector)).toEqual([...ATLAS_DETECTORS, null]);
      for (const detector of stats.detectors) {
        expect(detector.weeks).toHaveLength(ACCEPTANCE_WEEKS);
        expect(detector.weeks[0]!.weekStart).toBe(clock.firstWeek);
        expect(detector.weeks.at(-1)!.weekStart).toBe(clock.thisWeek);
      }
      const [reengage, introduce, verify, checkIn, , otherDetectors] = stats.detectors;
      expect(reengage).toMatchObject({ accepted: 2, dismissed: 1, acceptanceRate: 2 / 3 });
      expect(reengage!.weeks.at(-1)).toEqual({
        weekStart: clock.thisWeek,
        accepted: 2,
        dismissed: 0,
        acceptanceRate: 1,
      });
      expect(reengage!.weeks.at(-2)).toMatchObject({ accepted: 0, dismissed: 1, acceptanceRate: 0 });
      expect(reengage!.weeks.slice(0, -2).every((w) => w.acceptanceRate === null)).toBe(true);
      expect(introduce).toMatchObject({ accepted: 0, dismissed: 1, acceptanceRate: 0 });
      expect(introduce!.weeks[0]).toMatchObject({ weekStart: clock.firstWeek, dismissed: 1 });
      expect(verify).toMatchObject({ accepted: 0, dismissed: 0, acceptanceRate: null });
      expect(checkIn).toMatchObject({ accepted: 0, dismissed: 0 });
      expect(otherDetectors).toMatchObject({
        detector: null,
        accepted: 1,
        dismissed: 1,
        acceptanceRate: 0.5,
      });
    },
  );

  it('lists every detector before any decision, and no Other; any member may read it over the API', async () => {
    const { org, scope } = await setup(db(), 'Europe/Berlin');
    await insert(db(), [{ orgId: org.id, detector: null, status: 'pending', decidedAt: null }]);
    const stats = await viewRecommendationStats(db().db, scope);
    expect(stats.detectors.map((d) => d.detector)).toEqual([...ATLAS_DETECTORS]);
    expect(stats.detectors.every((d) => d.acceptanceRate === null && d.accepted + d.dismissed === 0)).toBe(
      true,
    );

    const api = createTestApi(db());
    const viewer = await signIn(api, 'viewer@stats.example');
    const response = await api.request(`/api/orgs/${org.id}/recommendations/stats`, { cookie: viewer });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(stats);
    const outsider = await signIn(api, 'owner@elsewhere.example');
    const refused = await api.request(`/api/orgs/${org.id}/recommendations/stats`, { cookie: outsider });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
  });
});
