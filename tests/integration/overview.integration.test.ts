import { and, eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { resolveOrgContext } from '../../src/lib/auth';
import { queryRows } from '../../src/lib/db';
import { events, interventions, orgs, participants, recommendations } from '../../src/lib/database/schema';
import type { OrgScope } from '../../src/lib/scope';
import { ACTIVITY_DAYS, INTERVENTION_WEEKS, viewOverview } from '../../src/lib/services/views/overview';
import { createOrgWithMembers } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// The overview's series count calendar days and weeks in the org's time zone. Pacific/Kiritimati is
// UTC+14 without daylight saving: for most of the UTC day its date differs from UTC's, so a query that
// grouped by UTC days would put these rows on the wrong day. Rows sit one minute either side of local
// midnight.

const TZ = 'Pacific/Kiritimati';
const MINUTE = 60_000;
const DAY = 86_400_000;

async function setup(db: TestDatabase) {
  const { org, users } = await createOrgWithMembers(db, 'Overview org', { owner: 'owner@o.example' });
  const other = await createOrgWithMembers(db, 'Elsewhere', { owner: 'owner@e.example' });
  await db.db.update(orgs).set({ timezone: TZ }).where(eq(orgs.id, org.id));
  const owner = users.owner!;
  const scope = await resolveOrgContext(db.db, owner, org.id, { method: 'GET', path: '/test' });
  const [clock] = await queryRows<{
    midnight: string | Date;
    monday: string | Date;
    today: string;
    yesterday: string;
    first: string;
    thisWeek: string;
    lastWeek: string;
  }>(
    db.db,
    sql`SELECT
        (date_trunc('day', now() AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}) AS midnight,
        (date_trunc('week', now() AT TIME ZONE ${TZ}) AT TIME ZONE ${TZ}) AS monday,
        to_char((now() AT TIME ZONE ${TZ})::date, 'YYYY-MM-DD') AS today,
        to_char((now() AT TIME ZONE ${TZ})::date - 1, 'YYYY-MM-DD') AS yesterday,
        to_char((now() AT TIME ZONE ${TZ})::date - ${ACTIVITY_DAYS - 1}::int, 'YYYY-MM-DD') AS first,
        to_char(date_trunc('week', now() AT TIME ZONE ${TZ}), 'YYYY-MM-DD') AS "thisWeek",
        to_char(date_trunc('week', now() AT TIME ZONE ${TZ}) - interval '7 days', 'YYYY-MM-DD') AS "lastWeek"`,
  );
  const midnight = new Date(clock!.midnight).getTime();
  const monday = new Date(clock!.monday).getTime();
  return { org, other: other.org, owner, scope, clock: clock!, midnight, monday };
}

async function addParticipants(db: TestDatabase, orgId: string, rows: [string, number | null, string?][]) {
  const inserted = await db.db
    .insert(participants)
    .values(
      rows.map(([displayName, at, role]) => ({
        orgId,
        displayName,
        role: role ?? 'member',
        origin: 'manual',
        lastActivityAt: at === null ? null : new Date(at),
      })),
    )
    .returning({ id: participants.id, displayName: participants.displayName });
  return Object.fromEntries(inserted.map((r) => [r.displayName, r.id]));
}

function addEvent(
  db: TestDatabase,
  scope: OrgScope | { orgId: string },
  target: string,
  at: number,
  type = 'participant',
) {
  return db.db.insert(events).values({
    orgId: scope.orgId,
    eventType: 'participant.viewed',
    targetType: type,
    targetId: target,
    createdAt: new Date(at),
  });
}

describeEachDatabase('overview', ({ db }) => {
  it('counts participants by the local day of their last activity, zeros between, 90 days', async () => {
    const { org, other, scope, clock, midnight } = await setup(db());
    const start = midnight - (ACTIVITY_DAYS - 1) * DAY;
    await addParticipants(db(), org.id, [
      ['today early', midnight + MINUTE],
      ['today late', midnight + 10 * MINUTE],
      ['yesterday late', midnight - MINUTE],
      ['first day', start + MINUTE],
      ['before the window', start - MINUTE],
      ['never', null],
      ['bot', midnight + MINUTE, 'system_participant'],
    ]);
    await addParticipants(db(), other.id, [['elsewhere today', midnight + MINUTE]]);

    const { activity } = await viewOverview(db().db, scope);
    expect(activity).toHaveLength(ACTIVITY_DAYS);
    expect(activity[0]!.day).toBe(clock.first);
    expect(activity.at(-1)!.day).toBe(clock.today);
    const byDay = Object.fromEntries(activity.map((a) => [a.day, a.lastActive]));
    expect(byDay[clock.today]).toBe(2);
    expect(byDay[clock.yesterday]).toBe(1);
    expect(byDay[clock.first]).toBe(1);
    expect(activity.reduce((sum, a) => sum + a.lastActive, 0)).toBe(4);
  });

  it('counts distinct participants the audit log names per local day', async () => {
    const { org, other, scope, clock, midnight } = await setup(db());
    const ids = await addParticipants(db(), org.id, [
      ['a', null],
      ['b', null],
    ]);
    await addEvent(db(), scope, ids.a!, midnight + MINUTE);
    await addEvent(db(), scope, ids.a!, midnight + 2 * MINUTE);
    await addEvent(db(), scope, ids.b!, midnight + 3 * MINUTE);
    await addEvent(db(), scope, ids.b!, midnight - MINUTE);
    await addEvent(db(), scope, org.id, midnight + MINUTE, 'org');
    await addEvent(db(), { orgId: other.id }, ids.a!, midnight + MINUTE);

    const { activity } = await viewOverview(db().db, scope);
    const byDay = Object.fromEntries(activity.map((a) => [a.day, a.audited]));
    expect(byDay[clock.today]).toBe(2);
    expect(byDay[clock.yesterday]).toBe(1);
    expect(activity.reduce((sum, a) => sum + a.audited, 0)).toBe(3);
  });

  it('counts interventions per local week (Monday first), in effect and reversed', async () => {
    const { org, owner, scope, clock, monday } = await setup(db());
    const ids = await addParticipants(db(), org.id, [['p', null]]);
    const base = {
      orgId: org.id,
      operatorUserId: owner.id,
      operatorRole: 'owner',
      type: 'flag_for_review',
      scope: 'participant',
      targetIds: [ids.p!],
      reason: 'check',
      previousState: { targets: {} },
      newState: { targets: {}, results: {} },
    };
    await db()
      .db.insert(interventions)
      .values([
        { ...base, createdAt: new Date(monday + MINUTE) },
        { ...base, createdAt: new Date(monday + 2 * MINUTE) },
        { ...base, createdAt: new Date(monday - MINUTE), reversedAt: new Date(), reversalReason: 'undo' },
        { ...base, createdAt: new Date(monday - 200 * DAY) },
      ]);

    const { interventionsPerWeek, recentInterventions } = await viewOverview(db().db, scope);
    expect(interventionsPerWeek).toHaveLength(INTERVENTION_WEEKS);
    expect(interventionsPerWeek.at(-1)).toEqual({ weekStart: clock.thisWeek, inEffect: 2, reversed: 0 });
    expect(interventionsPerWeek.at(-2)).toEqual({ weekStart: clock.lastWeek, inEffect: 0, reversed: 1 });
    expect(interventionsPerWeek.reduce((s, w) => s + w.inEffect + w.reversed, 0)).toBe(3);

    expect(recentInterventions.map((i) => i.createdAt)).toEqual(
      [monday + 2 * MINUTE, monday + MINUTE, monday - MINUTE, monday - 200 * DAY].map((t) =>
        new Date(t).toISOString().replace('Z', '000Z'),
      ),
    );
    expect(recentInterventions[2]).toMatchObject({
      type: 'flag_for_review',
      scope: 'participant',
      targetCount: 1,
      operatorEmail: 'owner@o.example',
      reversedAt: expect.any(String),
    });
  });

  it('groups open recommendations by action and writes overview.viewed with what was shown', async () => {
    const { org, scope } = await setup(db());
    const rec = (suggestedAction: string, status = 'pending', targetId: string = org.id) => ({
      orgId: org.id,
      targetType: 'participant',
      targetId,
      suggestedAction,
      reason: 'r',
      confidence: 0.5,
      status,
    });
    await db()
      .db.insert(recommendations)
      .values([
        rec('flag_for_review'),
        // One pending recommendation per target and action: the second is about someone else.
        rec('flag_for_review', 'pending', scope.userId),
        rec('pause_outreach'),
        rec('pause_outreach', 'dismissed'),
      ]);

    const overview = await viewOverview(db().db, scope);
    expect(overview.openRecommendations).toEqual([
      { action: 'flag_for_review', count: 2 },
      { action: 'pause_outreach', count: 1 },
    ]);
    expect(overview.totals.pendingRecommendations).toBe(3);
    const [event] = await db()
      .db.select({ metadata: events.metadata, actorUserId: events.actorUserId })
      .from(events)
      .where(and(eq(events.orgId, org.id), eq(events.eventType, 'overview.viewed')));
    expect(event).toEqual({
      actorUserId: scope.userId,
      metadata: {
        ...overview.totals,
        segments: Object.fromEntries(overview.segments.map((s) => [s.key, s.count])),
      },
    });
  });
});
