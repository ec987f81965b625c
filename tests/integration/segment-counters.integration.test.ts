import fs from 'node:fs';
import type pg from 'pg';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { orgSettings, orgs, participants, relationships } from '../../src/lib/database/schema';
import { withOrg } from '../../src/lib/database/with-org';
import { SEGMENT_KEYS, SYSTEM_PARTICIPANT_ROLE, type SegmentKey } from '../../src/lib/domain';
import { countSegments, getSegmentSettings, segmentCondition } from '../../src/lib/repositories/segments';
import { createOrgScope, type OrgScope } from '../../src/lib/scope';
import { createRandom } from '../../src/lib/seed/random';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

// The segment counters (docs/decisions/042) against a recount of the participants one by one: after
// inserts, activity, relationships added and removed, role changes and deletions, in time zones whose
// midnight falls on and off the counters' 15-minute slots, for several settings.

/**
 * The segments counted the way they were before the counters: every participant, each condition, and
 * the highly connected threshold by percentile_disc over the org's degrees.
 */
async function recount(db: TestDatabase, scope: OrgScope): Promise<Record<SegmentKey, number>> {
  return withOrg(db.db, scope, async (tx) => {
    const settings = await getSegmentSettings(tx, scope);
    const threshold = sql`(
      SELECT greatest(coalesce(percentile_disc(${settings.highlyConnectedPercentile}::float8)
                               WITHIN GROUP (ORDER BY q.out_degree + q.in_degree), 0),
                      ${settings.highlyConnectedMinDegree}::int)
      FROM participants q WHERE q.org_id = ${scope.orgId} AND q.role <> ${SYSTEM_PARTICIPANT_ROLE})`;
    const columns = SEGMENT_KEYS.map((key) => {
      const condition =
        key === 'highly_connected'
          ? sql`p.role <> ${SYSTEM_PARTICIPANT_ROLE} AND p.out_degree + p.in_degree >= ${threshold}`
          : segmentCondition(key, scope, settings);
      return sql`count(*) FILTER (WHERE ${condition})::int AS ${sql.identifier(key)}`;
    });
    const [counts] = await queryRows<Record<SegmentKey, number>>(
      tx,
      sql`SELECT ${sql.join(columns, sql`, `)} FROM participants p WHERE p.org_id = ${scope.orgId}`,
    );
    return counts!;
  });
}

async function counted(db: TestDatabase, scope: OrgScope): Promise<Record<SegmentKey, number>> {
  const segments = await withOrg(db.db, scope, (tx) => countSegments(tx, scope));
  return Object.fromEntries(segments.map((s) => [s.key, s.count])) as Record<SegmentKey, number>;
}

/** The counters as stored, and as the participants would give them now, bucket by bucket. */
async function storedAndRecounted(db: TestDatabase, orgId: string) {
  const stored = await queryRows<{ key: string; n: number }>(
    db.db,
    sql`SELECT dimension || ':' || bucket AS key, sum(participants)::int AS n FROM segment_counts
        WHERE org_id = ${orgId} GROUP BY 1 HAVING sum(participants) <> 0 ORDER BY 1`,
  );
  const recounted = await queryRows<{ key: string; n: number }>(
    db.db,
    sql`SELECT b.dimension || ':' || b.bucket AS key, count(*)::int AS n FROM participants r
        CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
        WHERE r.org_id = ${orgId} GROUP BY 1 ORDER BY 1`,
  );
  return { stored, recounted };
}

// Named zones' midnights all start a 15-minute slot; a POSIX zone seven minutes east of UTC puts
// midnight inside one, where the counters are read with the participants of that slot.
const OFF_SLOT = { zone: 'XYZ-0:07', minutes: 7 };
const ZONES = [
  'UTC',
  'Asia/Kathmandu',
  'America/St_Johns',
  'Pacific/Chatham',
  'America/Los_Angeles',
  OFF_SLOT.zone,
];
const SETTINGS = [
  {
    newDays: 14,
    activeDays: 30,
    dormantDays: 60,
    highlyConnectedPercentile: 0.9,
    highlyConnectedMinDegree: 3,
  },
  { newDays: 3, activeDays: 7, dormantDays: 8, highlyConnectedPercentile: 0.5, highlyConnectedMinDegree: 1 },
  {
    newDays: 90,
    activeDays: 45,
    dormantDays: 200,
    highlyConnectedPercentile: 0.99,
    highlyConnectedMinDegree: 6,
  },
];

describeEachDatabase('segment counters', ({ db, kind }) => {
  async function org(name: string, seed: number) {
    const next = createRandom(seed);
    const [row] = await db().db.insert(orgs).values({ name }).returning({ id: orgs.id });
    const orgId = row!.id;
    const day = 86_400_000;
    const now = Date.now();
    // Times spread over 250 days, a third of them on an exact quarter hour (where midnights fall).
    const when = () => {
      const t = now - Math.floor(next() * 250 * day);
      return new Date(next() < 0.33 ? t - (t % 900_000) : t);
    };
    const rows = Array.from({ length: 240 }, (_, i) => ({
      orgId,
      displayName: `P${i}`,
      role: next() < 0.08 ? SYSTEM_PARTICIPANT_ROLE : next() < 0.5 ? 'member' : 'partner',
      origin: 'manual',
      createdAt: when(),
      lastActivityAt: next() < 0.2 ? null : when(),
    }));
    // And some a minute after an off-slot midnight, on each day a setting below makes a threshold.
    const offset = OFF_SLOT.minutes * 60_000;
    const midnight = Math.floor((now + offset) / day) * day - offset;
    for (const days of [3, 7, 8, 14, 30, 45, 60, 90, 200]) {
      const at = new Date(midnight - days * day + 60_000);
      rows.push({
        orgId,
        displayName: `Edge ${days}`,
        role: 'member',
        origin: 'manual',
        createdAt: at,
        lastActivityAt: at,
      });
    }
    const ids = (await db().db.insert(participants).values(rows).returning({ id: participants.id })).map(
      (p) => p.id,
    );
    const edges = new Map<string, typeof relationships.$inferInsert>();
    for (let i = 0; i < 500; i++) {
      // A few hubs, so that the degree percentile has something to find.
      const from = ids[Math.floor(next() ** 3 * ids.length)]!;
      const to = ids[Math.floor(next() * ids.length)]!;
      if (from === to) continue;
      edges.set(`${from}>${to}`, {
        orgId,
        fromParticipantId: from,
        toParticipantId: to,
        type: 'knows',
        source: 'manual',
        confidenceScore: next(),
      });
    }
    await db()
      .db.insert(relationships)
      .values([...edges.values()]);
    return { orgId, ids, next, when };
  }

  const scopeOf = (orgId: string, timezone: string) =>
    createOrgScope({
      orgId,
      orgName: 'Counters',
      timezone,
      userId: '00000000-0000-4000-8000-000000000001',
      userEmail: 'counters@example.com',
      role: 'viewer',
    });

  async function expectExact(orgId: string, label: string) {
    const { stored, recounted } = await storedAndRecounted(db(), orgId);
    expect(stored, `${label}: the buckets`).toEqual(recounted);
    // One writer at a time folds what it touches (decision 047): a bucket is one row.
    const [{ most } = { most: 0 }] = await queryRows<{ most: number }>(
      db().db,
      sql`SELECT coalesce(max(n), 0)::int AS most FROM (
            SELECT count(*) AS n FROM segment_counts WHERE org_id = ${orgId} GROUP BY dimension, bucket) b`,
    );
    expect(most, `${label}: rows per bucket`).toBeLessThanOrEqual(1);
    for (const settings of SETTINGS) {
      await db()
        .db.insert(orgSettings)
        .values({ orgId, ...settings })
        .onConflictDoUpdate({ target: orgSettings.orgId, set: settings });
      for (const zone of ZONES) {
        const scope = scopeOf(orgId, zone);
        expect(await counted(db(), scope), `${label}, ${zone}, ${JSON.stringify(settings)}`).toEqual(
          await recount(db(), scope),
        );
      }
    }
  }

  it('count every segment exactly as a recount does, through every kind of change', async () => {
    const { orgId, ids, next, when } = await org('Counters', 7);
    await expectExact(orgId, 'after the load');

    // Activity moves, one by one and in bulk; some never active again.
    for (const id of ids.slice(0, 20)) {
      await db()
        .db.update(participants)
        .set({ lastActivityAt: next() < 0.2 ? null : when() })
        .where(and(eq(participants.orgId, orgId), eq(participants.id, id)));
    }
    // As the app writes: the app role, under the org's row-level security.
    await withOrg(db().db, scopeOf(orgId, 'UTC'), (tx) =>
      tx
        .update(participants)
        .set({ lastActivityAt: new Date() })
        .where(and(eq(participants.orgId, orgId), inArray(participants.id, ids.slice(20, 60)))),
    );
    // Roles change in and out of the automated accounts; relationships go; participants go.
    await db()
      .db.update(participants)
      .set({ role: SYSTEM_PARTICIPANT_ROLE })
      .where(and(eq(participants.orgId, orgId), inArray(participants.id, ids.slice(60, 66))));
    await db()
      .db.update(participants)
      .set({ role: 'member' })
      .where(
        and(
          eq(participants.orgId, orgId),
          eq(participants.role, SYSTEM_PARTICIPANT_ROLE),
          inArray(participants.id, ids.slice(0, 120)),
        ),
      );
    await db()
      .db.delete(relationships)
      .where(and(eq(relationships.orgId, orgId), sql`${relationships.confidenceScore} < 0.3`));
    await db()
      .db.delete(participants)
      .where(and(eq(participants.orgId, orgId), inArray(participants.id, ids.slice(200, 215))));
    await expectExact(orgId, 'after the changes');

    // An org deleted takes its counters with it, and leaves the others' alone.
    const other = await org('Other', 8);
    await db().db.delete(orgs).where(eq(orgs.id, other.orgId));
    const [left] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT count(*)::int AS n FROM segment_counts WHERE org_id = ${other.orgId}`,
    );
    expect(left!.n).toBe(0);
    await expectExact(orgId, 'after another org went');
  });

  if (kind === 'postgres') {
    it('lets two writers of one org add to the same buckets at once, neither waiting for the other', async () => {
      const { orgId } = await org('Concurrent', 12);
      const at = new Date(Date.now() - 3 * 86_400_000);
      const add = (client: pg.PoolClient, name: string) =>
        client.query(
          `INSERT INTO participants (org_id, display_name, role, origin, created_at) VALUES ($1, $2, 'member', 'manual', $3)`,
          [orgId, name, at],
        );
      const [a, b] = [await db().pool!.connect(), await db().pool!.connect()];
      try {
        for (const client of [a, b]) {
          await client.query('BEGIN');
          // Counters kept by updating one row per bucket made the second writer wait here, then fail.
          await client.query(`SET LOCAL lock_timeout = '300ms'`);
        }
        // The same three buckets (degree 0, the created slot, never active), in both orders.
        await add(a, 'First of A');
        await add(b, 'First of B');
        await add(b, 'Second of B');
        await add(a, 'Second of A');
        await a.query('COMMIT');
        await b.query('COMMIT');
      } finally {
        a.release();
        b.release();
      }
      const { stored, recounted } = await storedAndRecounted(db(), orgId);
      expect(stored).toEqual(recounted);
      // B's additions sit beside the folded rows until a later fold; the segments read their sum.
      const [{ most } = { most: 0 }] = await queryRows<{ most: number }>(
        db().db,
        sql`SELECT max(n)::int AS most FROM (
              SELECT count(*) AS n FROM segment_counts WHERE org_id = ${orgId} GROUP BY dimension, bucket) b`,
      );
      expect(most).toBe(2);
      const scope = scopeOf(orgId, 'UTC');
      expect(await counted(db(), scope)).toEqual(await recount(db(), scope));
      // B could not fold while A held the org's fold: its rows wait for the next fold of the org, even
      // one by a writer of other buckets (a past slot may never be written again).
      const elsewhere = new Date(at.getTime() - 100 * 86_400_000);
      await db().db.insert(participants).values({
        orgId,
        displayName: 'Later',
        role: 'member',
        origin: 'manual',
        createdAt: elsewhere,
        lastActivityAt: elsewhere,
      });
      await expectExact(orgId, 'after two writers at once');
    });
  }

  it('folds many buckets of a new org at once, reading each counter a bounded number of times', async () => {
    // An import of participants with their own times: a bucket each. The fold once joined the org's
    // rows to its additions and, for an org without statistics, read every addition again per row
    // (2,000 rows: 4 million reads, 3 s; 100,000: hours). Now: through the primary key (migration 0021).
    // Statistics of the other orgs' counters only: the planner then expects one row of the new org's.
    await org('Known before', 5);
    await db().db.execute(sql`ANALYZE segment_counts`);
    const [row] = await db().db.insert(orgs).values({ name: 'Many buckets' }).returning({ id: orgs.id });
    const orgId = row!.id;
    const start = Date.UTC(2025, 0, 1);
    const count = 2_000;
    const reads = await db().db.transaction(async (tx) => {
      await tx.insert(participants).values(
        Array.from({ length: count }, (_, i) => ({
          orgId,
          displayName: `Bucket ${i}`,
          role: 'member',
          origin: 'import',
          createdAt: new Date(start + i * 900_000),
          lastActivityAt: new Date(start + i * 900_000 + 60_000),
        })),
      );
      const [counted] = await queryRows<{ reads: number }>(
        tx,
        sql`SELECT (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::int AS reads
            FROM pg_stat_xact_user_tables WHERE relname = 'segment_counts'`,
      );
      return counted?.reads;
    });
    expect(reads).toBeDefined();
    expect(reads!).toBeLessThan(20 * count);
    await expectExact(orgId, 'after many buckets at once');
  });

  it('the migration fills the counters of the participants already there as the triggers keep them', async () => {
    const { orgId } = await org('Backfill', 11);
    const before = await storedAndRecounted(db(), orgId);
    const migration = fs.readFileSync(path.join(process.cwd(), 'drizzle/0018_segment_counters.sql'), 'utf8');
    const backfill = migration
      .split('--> statement-breakpoint')
      .map((statement) => statement.trim())
      .find((statement) => /^(--.*\n)*INSERT INTO segment_counts/.test(statement));
    expect(backfill).toBeDefined();
    await db().db.execute(sql`DELETE FROM segment_counts`);
    await db().db.execute(sql.raw(backfill!));
    expect(await storedAndRecounted(db(), orgId)).toEqual(before);
    expect(before.stored).toEqual(before.recounted);
  });
});
