import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { queryRows } from '../../src/lib/db';
import { describeEachDatabase } from '../setup/databases';

// The schema meets Citus's rules for distributing every org's rows by org_id (docs/scaling.md): each
// table with an org_id is distributed by it, the rest are reference tables (copied to every node).
// A distributed table's primary key and unique constraints must contain the distribution column, a
// foreign key between two distributed tables must join on it, and the column must have one type
// everywhere so that co-located shards line up.

/** Tables without an org_id: identity, sign-in and the installation's own bookkeeping. */
const REFERENCE_TABLES = ['accounts', 'orgs', 'rate_limits', 'sessions', 'users', 'verifications'];

interface Key {
  table: string;
  name: string;
  kind: 'p' | 'u' | 'f' | 'index';
  columns: string[];
  references: string | null;
  referencedColumns: string[] | null;
}

describeEachDatabase('the schema, for Citus', ({ db }) => {
  const tables = async () =>
    (
      await queryRows<{ table: string; orgIdType: string | null }>(
        db().db,
        sql`SELECT c.relname AS "table", format_type(a.atttypid, a.atttypmod) AS "orgIdType"
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
            LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
            WHERE c.relkind IN ('r', 'p') ORDER BY 1`,
      )
    ).map((row) => ({ ...row }));

  const keys = async (): Promise<Key[]> => {
    const constraints = await queryRows<Key>(
      db().db,
      sql`SELECT c.conrelid::regclass::text AS "table", c.conname AS name, c.contype AS kind,
                 array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a
                       ON a.attrelid = c.conrelid AND a.attnum = k) AS columns,
                 CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS "references",
                 CASE WHEN c.contype = 'f' THEN array(SELECT a.attname::text FROM unnest(c.confkey) k
                       JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k) END AS "referencedColumns"
          FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace AND n.nspname = 'public'
          WHERE c.contype IN ('p', 'u', 'f')`,
    );
    // Unique indexes that are not constraints (partial or on expressions) count as unique constraints.
    const indexes = await queryRows<Key>(
      db().db,
      sql`SELECT i.indrelid::regclass::text AS "table", ic.relname AS name, 'index' AS kind,
                 array(SELECT coalesce(a.attname::text, '(expression)') FROM unnest(i.indkey) k
                       LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) AS columns,
                 NULL AS "references", NULL AS "referencedColumns"
          FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
          JOIN pg_namespace n ON n.oid = ic.relnamespace AND n.nspname = 'public'
          WHERE i.indisunique AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    );
    return [...constraints, ...indexes];
  };

  it('has an org_id of one type, uuid, on every table but the reference tables', async () => {
    const all = await tables();
    expect(all.filter((t) => !t.orgIdType).map((t) => t.table)).toEqual(REFERENCE_TABLES);
    expect(new Set(all.filter((t) => t.orgIdType).map((t) => t.orgIdType))).toEqual(new Set(['uuid']));
    expect(all.filter((t) => t.orgIdType).length).toBeGreaterThan(20);
    const [orgsId] = await queryRows<{ type: string }>(
      db().db,
      sql`SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute
          WHERE attrelid = 'public.orgs'::regclass AND attname = 'id'`,
    );
    expect(orgsId!.type).toBe('uuid');
  });

  it('puts org_id in every primary key, unique constraint and unique index of a distributed table', async () => {
    const distributed = new Set((await tables()).filter((t) => t.orgIdType).map((t) => t.table));
    const unique = (await keys()).filter((k) => k.kind !== 'f' && distributed.has(k.table));
    expect(unique.length).toBeGreaterThan(20);
    expect(unique.filter((k) => !k.columns.includes('org_id')).map((k) => `${k.table}.${k.name}`)).toEqual(
      [],
    );
    // Every distributed table has a primary key (Citus needs one for logical replication when it rebalances).
    const withKey = new Set(unique.filter((k) => k.kind === 'p').map((k) => k.table));
    expect([...distributed].filter((t) => !withKey.has(t))).toEqual([]);
  });

  it('joins distributed tables on org_id, and points from reference tables only at reference tables', async () => {
    const distributed = new Set((await tables()).filter((t) => t.orgIdType).map((t) => t.table));
    const foreign = (await keys()).filter((k) => k.kind === 'f');
    expect(foreign.length).toBeGreaterThan(20);
    const wrong = foreign.filter((k) => {
      const from = distributed.has(k.table);
      const to = distributed.has(k.references!);
      if (from && to) {
        // org_id on both sides, at the same position: the rows it joins live on the same node.
        const at = k.columns.indexOf('org_id');
        return at < 0 || k.referencedColumns![at] !== 'org_id';
      }
      // A reference table must not point at a distributed one; a distributed table may point at a
      // reference table (users, orgs).
      return !from && to;
    });
    expect(wrong.map((k) => `${k.table}.${k.name} → ${k.references}`)).toEqual([]);
  });
});
