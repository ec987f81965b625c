import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { expect, it } from 'vitest';
import { writeAuditEvent, writeAuditEvents } from '../../src/lib/audit';
import { parseSigningKey } from '../../src/lib/audit-chain/signing';
import { queryRows } from '../../src/lib/db';
import { withOrg, type OrgDb } from '../../src/lib/database/with-org';
import { unsafeCreateOrg } from '../../src/lib/repositories/unsafe';
import { createSystemScope, type OrgScope } from '../../src/lib/scope';
import { anchorAuditChain, ChainBrokenError, verifyAuditChain } from '../../src/lib/services/audit-chain';
import { describeEachDatabase } from '../setup/databases';

const newKeys = () =>
  parseSigningKey(
    crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  );
const KEYS = newKeys();

describeEachDatabase('audit hash chain', ({ db, kind }) => {
  async function org(name: string): Promise<OrgScope> {
    return createSystemScope(await unsafeCreateOrg(db().db, { name, timezone: 'UTC' }));
  }

  async function orgWithEvents(n: number, name = 'Chain org'): Promise<{ scope: OrgScope; ids: string[] }> {
    const scope = await org(name);
    for (let i = 1; i <= n; i++) {
      await write(scope, {
        type: 'participant.viewed',
        targetType: 'participant',
        targetId: `p-${i}`,
        metadata: { i, note: `é ${'\u{1F600}'} ${i / 3}`, nested: { list: [i, null, true] } },
      });
    }
    return { scope, ids: await eventIds(scope) };
  }

  /** The org's event ids in seq order (index 0 is seq 1). */
  async function eventIds(scope: OrgScope): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM events WHERE org_id = ${scope.orgId} ORDER BY seq`,
    );
    return rows.map((r) => r.id);
  }

  /** What only a superuser can do: statements with every trigger off (append-only and chain alike). */
  async function tamper(...statements: SQL[]): Promise<void> {
    await db().db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      for (const statement of statements) await tx.execute(statement);
    });
  }

  const write = (scope: OrgScope, event: Parameters<typeof writeAuditEvent>[2]) =>
    withOrg(db().db, scope, (tx) => writeAuditEvent(tx, scope, event));

  const verify = (scope: OrgScope) => verifyAuditChain(db().db, scope, KEYS);

  it('links the events of every writer: one by one, in bulk, set-based SQL, several orgs in one transaction', async () => {
    const a = await org('Org A');
    const b = await org('Org B');
    await write(a, { type: 'graph.viewed', metadata: { n: 1.5e300, s: 'x\u2028y' } });
    await withOrg(db().db, a, (tx) =>
      writeAuditEvents(
        tx,
        a,
        Array.from({ length: 10 }, (_, i) => ({
          type: 'participant.stage_changed' as const,
          metadata: { i },
        })),
      ),
    );
    // Two orgs in one transaction, B's first (as the schedule's one statement for every org): the
    // commit links both.
    await db().db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO events (org_id, event_type) VALUES (${b.orgId}, 'graph.viewed')`);
      await tx.execute(sql`INSERT INTO events (org_id, event_type) VALUES (${a.orgId}, 'graph.viewed')`);
    });
    // The stage engine's way: one INSERT … SELECT.
    await db().db
      .execute(sql`INSERT INTO events (org_id, actor_role, event_type, target_type, target_id, metadata)
      SELECT ${a.orgId}::uuid, 'system', 'participant.stage_changed', 'participant', g::text,
             jsonb_build_object('from', 'new', 'to', 'active', 'g', g)
      FROM generate_series(1, 50) AS g`);
    const seqs = await queryRows<{ seq: number }>(
      db().db,
      sql`SELECT seq::int AS seq FROM events WHERE org_id = ${a.orgId} ORDER BY seq`,
    );
    expect(seqs.map((r) => r.seq)).toEqual(Array.from({ length: 62 }, (_, i) => i + 1));
    expect(await verify(a)).toMatchObject({
      status: 'verified',
      eventsChecked: 62,
      verifiedThrough: { seq: 62 },
      firstBroken: null,
    });
    expect(await verify(b)).toMatchObject({ status: 'verified', eventsChecked: 1 });
  });

  it('takes no chain fields from a writer and lets no one change them', async () => {
    const { scope, ids } = await orgWithEvents(2);
    await expect(
      db().db.execute(
        sql`INSERT INTO events (org_id, event_type, seq, prev_hash, hash) VALUES (${scope.orgId}, 'graph.viewed', 3, ${'0'.repeat(64)}, ${'1'.repeat(64)})`,
      ),
    ).rejects.toThrow();
    await expect(
      db().db.execute(sql`UPDATE events SET hash = ${'1'.repeat(64)} WHERE id = ${ids[0]}`),
    ).rejects.toThrow();
    await expect(db().db.execute(sql`UPDATE events SET seq = 9 WHERE id = ${ids[1]}`)).rejects.toThrow();
    expect((await verify(scope)).status).toBe('verified');
  });

  // A generic plan cached by a connection while the org had a few events found the row to link
  // through (org_id, created_at) and read every event of the org per link: 4,000 events in one
  // transaction took 17 s instead of 1 s, 200,000 never finished. No timing here: the setting is pinned.
  it('plans the link for the table as it is, never with a plan cached while the org was small', async () => {
    const [link] = await queryRows<{ config: string[] | null }>(
      db().db,
      sql`SELECT proconfig AS config FROM pg_proc WHERE proname = 'events_chain_link'`,
    );
    expect(link!.config).toContain('plan_cache_mode=force_custom_plan');
  });

  it('catches an edited payload at its seq', async () => {
    const { scope, ids } = await orgWithEvents(6);
    await tamper(sql`UPDATE events SET metadata = '{"i": 3, "note": "nothing to see"}' WHERE id = ${ids[2]}`);
    expect((await verify(scope)).firstBroken).toMatchObject({
      seq: 3,
      eventId: ids[2],
      problem: 'content_hash_mismatch',
    });
  });

  it('catches a deleted event as a missing seq', async () => {
    const { scope, ids } = await orgWithEvents(6);
    await tamper(sql`DELETE FROM events WHERE id = ${ids[2]}`);
    const report = await verify(scope);
    expect(report.firstBroken).toMatchObject({ seq: 3, eventId: ids[3], problem: 'missing_seq' });
    expect(report).toMatchObject({ status: 'broken', eventsChecked: 2, verifiedThrough: { seq: 2 } });
  });

  it('catches a forged event, linked or not', async () => {
    const { scope, ids } = await orgWithEvents(6);
    const forged = crypto.randomUUID();
    // Its content hash is right (anyone can compute it); its link claims a predecessor that is not there.
    await tamper(sql`INSERT INTO events (org_id, id, actor_role, event_type, metadata, created_at, content_hash, seq, prev_hash, hash)
      SELECT ${scope.orgId}::uuid, ${forged}::uuid, 'owner', 'member.removed', '{}', now(),
             audit_sha256(audit_event_content(${scope.orgId}::uuid, ${forged}::uuid, NULL, 'owner', 'member.removed',
                          NULL, NULL, '{}', now())),
             7, ${'f'.repeat(64)}, ${'e'.repeat(64)}`);
    expect((await verify(scope)).firstBroken).toMatchObject({ seq: 7, eventId: forged, problem: 'forged' });

    const other = await orgWithEvents(3, 'Other org');
    await tamper(
      sql`INSERT INTO events (org_id, event_type) VALUES (${other.scope.orgId}, 'member.removed')`,
    );
    const [unchained] = await queryRows<{ id: string }>(
      db().db,
      sql`SELECT id FROM events WHERE org_id = ${other.scope.orgId} AND seq IS NULL`,
    );
    expect((await verify(other.scope)).firstBroken).toMatchObject({
      seq: null,
      eventId: unchained!.id,
      problem: 'unchained',
    });
    expect(ids).toHaveLength(6);
  });

  it('catches two events swapped', async () => {
    const { scope, ids } = await orgWithEvents(6);
    await tamper(
      sql`UPDATE events SET seq = -seq WHERE org_id = ${scope.orgId} AND seq IN (3, 4)`,
      sql`UPDATE events SET seq = CASE seq WHEN -3 THEN 4 ELSE 3 END WHERE org_id = ${scope.orgId} AND seq IN (-3, -4)`,
    );
    expect((await verify(scope)).firstBroken).toMatchObject({
      seq: 3,
      eventId: ids[3],
      problem: 'reordered',
    });
  });

  it('anchors the head, and the anchor catches a truncated tail and a rewritten chain', async () => {
    const { scope } = await orgWithEvents(2);
    const first = await anchorAuditChain(db().db, scope, KEYS);
    expect(first).toMatchObject({ anchored: true, anchor: { seq: 2 } });
    expect(await anchorAuditChain(db().db, scope, KEYS)).toMatchObject({ anchored: false });
    for (let i = 0; i < 4; i++) await write(scope, { type: 'graph.viewed', metadata: { i } });
    expect(await anchorAuditChain(db().db, scope, KEYS)).toMatchObject({
      anchored: true,
      anchor: { seq: 6 },
      eventsChecked: 4,
    });
    const untouched = await verify(scope);
    expect(untouched).toMatchObject({
      status: 'verified',
      lastAnchor: { seq: 6 },
      anchorsChecked: 2,
      anchorsRejected: 0,
    });
    // Another key proves nothing: its anchors are rejected.
    expect(await verifyAuditChain(db().db, scope, newKeys())).toMatchObject({
      status: 'verified',
      lastAnchor: null,
      anchorsRejected: 2,
    });

    // Events 4–6 rewritten with every hash recomputed: internally whole, but not what was signed.
    await tamper(
      sql`UPDATE events SET metadata = '{"i": 99}' WHERE org_id = ${scope.orgId} AND seq = 4`,
      relink(scope, 4),
    );
    const rewritten = await verify(scope);
    expect(rewritten.firstBroken).toMatchObject({ seq: 6, problem: 'anchor_mismatch' });
    expect(rewritten.lastAnchor).toMatchObject({ seq: 2 });
    await expect(anchorAuditChain(db().db, scope, KEYS)).rejects.toThrow(ChainBrokenError);
  });

  it('catches a truncated tail with the anchor past it', async () => {
    const { scope } = await orgWithEvents(2);
    await anchorAuditChain(db().db, scope, KEYS);
    for (let i = 0; i < 4; i++) await write(scope, { type: 'graph.viewed', metadata: { i } });
    await anchorAuditChain(db().db, scope, KEYS);
    await tamper(sql`DELETE FROM events WHERE org_id = ${scope.orgId} AND seq > 4`);
    const report = await verify(scope);
    expect(report.firstBroken).toMatchObject({ seq: 5, eventId: null, problem: 'truncated' });
    expect(report).toMatchObject({ eventsChecked: 4, lastAnchor: { seq: 2 } });
  });

  /** Recomputes content and link hashes from `from` on, as a forger covering their tracks would. */
  function relink(scope: OrgScope, from: number): SQL {
    return sql`DO $$
      DECLARE r record; prev text;
      BEGIN
        SELECT hash INTO prev FROM events WHERE org_id = '${sql.raw(scope.orgId)}' AND seq = ${sql.raw(String(from - 1))};
        FOR r IN SELECT * FROM events WHERE org_id = '${sql.raw(scope.orgId)}' AND seq >= ${sql.raw(String(from))} ORDER BY seq LOOP
          UPDATE events SET prev_hash = prev,
            content_hash = audit_sha256(audit_event_content(r.org_id, r.id, r.actor_user_id, r.actor_role, r.event_type,
                             r.target_type, r.target_id, r.metadata, r.created_at)),
            hash = audit_link_hash(audit_sha256(audit_event_content(r.org_id, r.id, r.actor_user_id, r.actor_role,
                             r.event_type, r.target_type, r.target_id, r.metadata, r.created_at)), prev, r.seq)
          WHERE org_id = r.org_id AND id = r.id RETURNING hash INTO prev;
        END LOOP;
      END $$`;
  }

  it('links events written as the app role, which may only insert and read them', async () => {
    const scope = await org('Least privilege');
    const asApp = <T>(work: (tx: OrgDb) => Promise<T>) =>
      withOrg(db().db, scope, async (tx) => {
        await tx.execute(sql`SET LOCAL ROLE operator_console_app`);
        return work(tx);
      });
    await asApp(async (tx) => {
      await writeAuditEvent(tx, scope, { type: 'graph.viewed', metadata: { as: 'app' } });
      await writeAuditEvent(tx, scope, { type: 'graph.viewed', metadata: { as: 'app', again: true } });
    });
    expect(await verify(scope)).toMatchObject({ status: 'verified', eventsChecked: 2 });
    for (const statement of [
      sql`UPDATE events SET hash = NULL WHERE org_id = ${scope.orgId}`,
      sql`DELETE FROM audit_anchors WHERE org_id = ${scope.orgId}`,
      sql`ALTER TABLE events DISABLE TRIGGER events_chain_link`,
    ]) {
      await expect(asApp((tx) => tx.execute(statement))).rejects.toMatchObject({
        cause: { code: expect.stringMatching(/^42501$/) },
      });
    }
  });

  if (kind === 'postgres') {
    it('links 64 concurrent writers over 8 orgs with no gap, no fork and no error', async () => {
      const orgs = await Promise.all(Array.from({ length: 8 }, (_, i) => org(`Busy ${i}`)));
      const pool = new pg.Pool({ connectionString: db().url, max: 64 });
      const failures: unknown[] = [];
      const PER_WRITER = 25;
      try {
        await Promise.all(
          Array.from({ length: 64 }, async (_, w) => {
            const client = await pool.connect();
            try {
              for (let t = 0; t < PER_WRITER; t++) {
                // Every third transaction writes to two orgs, in either order, like a sign-in's events.
                const first = orgs[(w + t) % 8]!.orgId;
                const second = orgs[(w + t + 3) % 8]!.orgId;
                try {
                  await client.query('BEGIN');
                  await client.query(
                    `INSERT INTO events (org_id, event_type, metadata) VALUES ($1, 'graph.viewed', $2)`,
                    [first, { w, t }],
                  );
                  if (t % 3 === 0) {
                    await client.query(
                      `INSERT INTO events (org_id, event_type, metadata) VALUES ($1, 'graph.viewed', $2)`,
                      [second, { w, t, second: true }],
                    );
                  }
                  await client.query('COMMIT');
                } catch (error) {
                  failures.push(error);
                  await client.query('ROLLBACK');
                }
              }
            } finally {
              client.release();
            }
          }),
        );
      } finally {
        await pool.end();
      }
      expect(failures).toEqual([]);
      const expected = 64 * PER_WRITER + 64 * Math.ceil(PER_WRITER / 3);
      let total = 0;
      for (const scope of orgs) {
        const report = await verify(scope);
        expect(report).toMatchObject({ status: 'verified', firstBroken: null });
        const [count] = await queryRows<{ n: number; max: number }>(
          db().db,
          sql`SELECT count(*)::int AS n, max(seq)::int AS max FROM events WHERE org_id = ${scope.orgId}`,
        );
        expect(report.eventsChecked).toBe(count!.n);
        expect(count!.max).toBe(count!.n);
        total += count!.n;
      }
      expect(total).toBe(expected);
    });
  }
});
