import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/db';
import { pendingMigrations, runMigrations } from '../../src/lib/database/migrate';
import {
  orgMemberships,
  orgs,
  participants,
  recommendations,
  relationships,
  users,
} from '../../src/lib/database/schema';
import { describeEachDatabase } from '../setup/databases';
import { sqlState } from '../setup/sql-state';

const SEED_COLUMNS: Record<string, string[]> = {
  orgs: ['id', 'name', 'timezone', 'created_at'],
  users: ['id', 'email', 'created_at'],
  org_memberships: ['id', 'org_id', 'user_id', 'role', 'created_at'],
  participants: [
    'id',
    'org_id',
    'email',
    'display_name',
    'role',
    'origin',
    'lifecycle_stage',
    'last_activity_at',
    'created_at',
  ],
  relationships: [
    'id',
    'org_id',
    'from_participant_id',
    'to_participant_id',
    'type',
    'source',
    'confidence_score',
    'created_at',
  ],
  events: [
    'id',
    'org_id',
    'actor_user_id',
    'actor_role',
    'event_type',
    'target_type',
    'target_id',
    'metadata',
    'created_at',
  ],
  interventions: [
    'id',
    'org_id',
    'operator_user_id',
    'operator_role',
    'type',
    'scope',
    'target_ids',
    'reason',
    'previous_state',
    'new_state',
    'created_at',
    'reversed_at',
    'reversed_by_user_id',
    'reversal_reason',
  ],
  recommendations: [
    'id',
    'org_id',
    'target_type',
    'target_id',
    'suggested_action',
    'reason',
    'confidence',
    'status',
    'created_at',
    'updated_at',
  ],
};
const ORG_SCOPED = Object.keys(SEED_COLUMNS).filter((t) => t !== 'orgs' && t !== 'users');

// The seed's ten indexes, as [table, leading columns].
const SEED_INDEXES: [string, string[]][] = [
  ['participants', ['org_id', 'last_activity_at']],
  ['participants', ['org_id', 'role']],
  ['relationships', ['org_id', 'from_participant_id']],
  ['relationships', ['org_id', 'to_participant_id']],
  ['events', ['org_id', 'created_at']],
  ['events', ['org_id', 'event_type', 'created_at']],
  ['interventions', ['org_id', 'created_at']],
  ['interventions', ['org_id', 'operator_user_id', 'created_at']],
  ['recommendations', ['org_id', 'status', 'created_at']],
  ['recommendations', ['org_id', 'target_type', 'target_id']],
];

async function twoOrgsWithParticipants(db: Database) {
  const [a, b] = await db
    .insert(orgs)
    .values([{ name: 'Org A' }, { name: 'Org B' }])
    .returning({ id: orgs.id });
  const base = { role: 'member', origin: 'manual', displayName: 'P' };
  const [a1, a2] = await db
    .insert(participants)
    .values([
      { ...base, orgId: a!.id },
      { ...base, orgId: a!.id },
    ])
    .returning({ id: participants.id });
  const [b1] = await db
    .insert(participants)
    .values({ ...base, orgId: b!.id })
    .returning({ id: participants.id });
  return { orgA: a!.id, orgB: b!.id, a1: a1!.id, a2: a2!.id, b1: b1!.id };
}

describeEachDatabase('schema', ({ db }) => {
  it('has every table and column of the seed', async () => {
    const rows = await queryRows<{ table_name: string; column_name: string }>(
      db().db,
      sql`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const [table, columns] of Object.entries(SEED_COLUMNS)) {
      const present = rows.filter((r) => r.table_name === table).map((r) => r.column_name);
      expect(present, table).toEqual(expect.arrayContaining(columns));
    }
  });

  it('stores events.metadata as jsonb and target_ids as uuid[]', async () => {
    const rows = await queryRows<{ table_name: string; column_name: string; udt_name: string }>(
      db().db,
      sql`SELECT table_name, column_name, udt_name FROM information_schema.columns
          WHERE (table_name, column_name) IN (('events', 'metadata'), ('interventions', 'target_ids'))`,
    );
    expect(rows.find((r) => r.table_name === 'events')?.udt_name).toBe('jsonb');
    expect(rows.find((r) => r.table_name === 'interventions')?.udt_name).toBe('_uuid');
  });

  it('keys every org-scoped table by (org_id, id)', async () => {
    const rows = await queryRows<{ table_name: string; columns: string }>(
      db().db,
      sql`SELECT c.conrelid::regclass::text AS table_name,
                 string_agg(a.attname, ',' ORDER BY k.ord) AS columns
          FROM pg_constraint c
          CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
          WHERE c.contype = 'p' AND c.connamespace = 'public'::regnamespace
          GROUP BY c.conrelid`,
    );
    for (const table of ORG_SCOPED) {
      expect(rows.find((r) => r.table_name === table)?.columns, table).toBe('org_id,id');
    }
  });

  it('has the seed’s ten indexes, each led by org_id', async () => {
    const rows = await queryRows<{ table_name: string; columns: string }>(
      db().db,
      sql`SELECT t.relname AS table_name,
                 string_agg(a.attname, ',' ORDER BY k.ord) AS columns
          FROM pg_index i
          JOIN pg_class t ON t.oid = i.indrelid
          CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
          WHERE t.relnamespace = 'public'::regnamespace
          GROUP BY i.indexrelid, t.relname`,
    );
    // An index may carry more columns after the seed's (a keyset's id tie-breaker), never fewer.
    for (const [table, columns] of SEED_INDEXES) {
      const led = rows.filter(
        (r) => r.table_name === table && `${r.columns},`.startsWith(`${columns.join(',')},`),
      );
      expect(led, `${table}(${columns.join(', ')})`).not.toEqual([]);
    }
  });

  it('refuses a relationship between participants of two orgs', async () => {
    const { orgA, a1, b1 } = await twoOrgsWithParticipants(db().db);
    const state = await sqlState(() =>
      db().db.insert(relationships).values({
        orgId: orgA,
        fromParticipantId: a1,
        toParticipantId: b1,
        type: 'knows',
        source: 'manual',
        confidenceScore: 0.5,
      }),
    );
    expect(state).toBe('23503'); // foreign_key_violation: (org A, b1) is no participant
  });

  it('refuses a self-relationship, a confidence of 1.5 and a duplicate (org, from, to, type)', async () => {
    const { orgA, a1, a2 } = await twoOrgsWithParticipants(db().db);
    const edge = {
      orgId: orgA,
      fromParticipantId: a1,
      toParticipantId: a2,
      type: 'knows',
      source: 'manual',
      confidenceScore: 0.5,
    };
    expect(
      await sqlState(() =>
        db()
          .db.insert(relationships)
          .values({ ...edge, toParticipantId: a1 }),
      ),
    ).toBe('23514');
    expect(
      await sqlState(() =>
        db()
          .db.insert(relationships)
          .values({ ...edge, confidenceScore: 1.5 }),
      ),
    ).toBe('23514');
    expect(
      await sqlState(() =>
        db()
          .db.insert(relationships)
          .values({ ...edge, confidenceScore: -0.1 }),
      ),
    ).toBe('23514');
    await db().db.insert(relationships).values(edge);
    expect(await sqlState(() => db().db.insert(relationships).values(edge))).toBe('23505');
    // Another type between the same two participants is a different relationship.
    await db()
      .db.insert(relationships)
      .values({ ...edge, type: 'collaborates_with' });
  });

  it('refuses an unknown membership role, lifecycle stage and recommendation status', async () => {
    const { orgA, a1 } = await twoOrgsWithParticipants(db().db);
    const [user] = await db().db.insert(users).values({ email: 'x@example.com' }).returning({ id: users.id });
    expect(
      await sqlState(() =>
        db().db.insert(orgMemberships).values({ orgId: orgA, userId: user!.id, role: 'superuser' }),
      ),
    ).toBe('23514');
    expect(
      await sqlState(() =>
        db().db.insert(participants).values({
          orgId: orgA,
          displayName: 'Q',
          role: 'member',
          origin: 'manual',
          lifecycleStage: 'gone',
        }),
      ),
    ).toBe('23514');
    const rec = {
      orgId: orgA,
      targetType: 'participant',
      targetId: a1,
      suggestedAction: 'flag_for_review',
      reason: 'r',
      confidence: 0.5,
    };
    expect(
      await sqlState(() =>
        db()
          .db.insert(recommendations)
          .values({ ...rec, status: 'maybe' }),
      ),
    ).toBe('23514');
    expect(
      await sqlState(() =>
        db()
          .db.insert(recommendations)
          .values({ ...rec, confidence: 2 }),
      ),
    ).toBe('23514');
    await db().db.insert(orgMemberships).values({ orgId: orgA, userId: user!.id, role: 'viewer' });
    expect(
      await sqlState(() =>
        db().db.insert(orgMemberships).values({ orgId: orgA, userId: user!.id, role: 'admin' }),
      ),
    ).toBe('23505'); // one membership per (org, user)
  });

  it('keeps emails unique regardless of case', async () => {
    expect(await sqlState(() => db().db.insert(users).values({ email: 'Mixed@Example.com' }))).toBe('23514');
    const { orgA } = await twoOrgsWithParticipants(db().db);
    const p = { orgId: orgA, displayName: 'R', role: 'member', origin: 'manual' };
    await db()
      .db.insert(participants)
      .values({ ...p, email: 'r@example.com' });
    expect(
      await sqlState(() =>
        db()
          .db.insert(participants)
          .values({ ...p, email: 'R@example.com' }),
      ),
    ).toBe('23505');
  });

  it('applies migrations idempotently and reports none pending', async () => {
    await runMigrations(db());
    expect(await pendingMigrations(db())).toEqual([]);
  });
});
