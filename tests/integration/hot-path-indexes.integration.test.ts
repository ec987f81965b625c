import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/db';
import { withOrg } from '../../src/lib/database/with-org';
import type { OrgScope } from '../../src/lib/scope';
import { describeEachDatabase } from '../setup/databases';

// The indexes of docs/decisions/037 serve the statements they were made for, on PostgreSQL and on the
// embedded database alike (pg_trgm loaded there too). Tables this small would be scanned, so the scans
// and sorts are switched off: what is left is whether an index *can* answer the statement, in its order.

async function plan(db: Database, statement: ReturnType<typeof sql>): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL enable_seqscan = off`);
    await tx.execute(sql`SET LOCAL enable_sort = off`);
    const rows = await queryRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN ${statement}`);
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

const ORG = '00000000-0000-4000-8000-000000000001';

describeEachDatabase('hot path indexes', ({ db }) => {
  // Which plan wins depends on the org's size: `npm run bench -- indexes` shows the search at 1M
  // participants using these indexes, and its time without them. Here: that they exist as the search
  // needs them, and that pg_trgm works on this database.
  it('has trigram indexes on names and emails, and pg_trgm to run them', async () => {
    const indexes = await queryRows<{ name: string; definition: string }>(
      db().db,
      sql`SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE tablename = 'participants' AND indexname LIKE '%trgm%' ORDER BY 1`,
    );
    expect(indexes.map((i) => i.definition)).toEqual([
      expect.stringMatching(/USING gin \(email gin_trgm_ops\)$/),
      expect.stringMatching(/USING gin \(display_name gin_trgm_ops\)$/),
    ]);
    const [similar] = await queryRows<{ s: number }>(
      db().db,
      sql`SELECT similarity('quartz', 'quarts') AS s`,
    );
    expect(similar!.s).toBeGreaterThan(0.3);
  });

  it('reads what happened to one participant newest first from one index, without a sort', async () => {
    const text = await plan(
      db().db,
      sql`SELECT id FROM events WHERE org_id = ${ORG} AND target_type = 'participant'
          AND target_id = ${'00000000-0000-4000-8000-000000000002'}
          ORDER BY created_at DESC, id DESC LIMIT 20`,
    );
    expect(text).toContain('events_org_target_created_idx');
    expect(text).not.toMatch(/\bSort\b/);
  });

  it('searches through app_search_participants in the org in scope only', async () => {
    const other = '00000000-0000-4000-8000-000000000009';
    await db().db.execute(
      sql`INSERT INTO orgs (id, name) VALUES (${ORG}, 'Indexed org'), (${other}, 'Other org')`,
    );
    await db().db.execute(
      sql`INSERT INTO participants (org_id, display_name, email, role, origin) VALUES
          (${ORG}, 'Zebulon Quartz', 'zq@one.example', 'member', 'manual'),
          (${other}, 'Quartz Elsewhere', 'quartz@two.example', 'member', 'manual')`,
    );
    // The function's own condition, not only the caller's policies, keeps it to the org in scope.
    const search = (orgId: string) =>
      withOrg(db().app.db, { orgId } as OrgScope, (tx) =>
        queryRows<{ id: string }>(tx, sql`SELECT app_search_participants(${'%quartz%'}) AS id`),
      );
    const owners = async (ids: { id: string }[]) =>
      (
        await queryRows<{ org: string }>(
          db().db,
          sql`SELECT org_id AS org FROM participants WHERE id IN ${ids.map((r) => r.id)}`,
        )
      ).map((r) => r.org);
    expect(await owners(await search(ORG))).toEqual([ORG]);
    expect(await owners(await search(other))).toEqual([other]);
    // Outside an org's transaction it finds nothing at all.
    const unbound = await queryRows<{ id: string }>(
      db().app.db,
      sql`SELECT app_search_participants(${'%quartz%'}) AS id`,
    );
    expect(unbound).toEqual([]);
  });
});
