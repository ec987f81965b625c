import { sql, type SQL } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { queryRows, type Database } from '../../src/lib/db';
import { APP_ROLE, CROSS_ORG_ROLE } from '../../src/lib/database/roles';
import { describeEachDatabase } from '../setup/databases';
import { orgWithEveryTable } from '../setup/org-fixtures';
import { sqlState } from '../setup/sql-state';

// Tenancy's database layer (issue 9, items 8, 9c and 9d): row-level security on every table with an
// org_id, checked in the catalog and then table by table as the app role.

/** Tables without org_id: the tenants themselves, identities and sign-in state. */
const GLOBAL_TABLES = ['accounts', 'orgs', 'rate_limits', 'sessions', 'users', 'verifications'];
/** Every table with an org_id; a new one must be added here and to tests/setup/org-fixtures.ts. */
const ORG_TABLES = [
  'api_keys',
  'atlas_communities',
  'atlas_community_links',
  'atlas_participant_scores',
  'audit_anchors',
  'audit_deliveries',
  'audit_streams',
  'events',
  'idempotency_keys',
  'import_upload_chunks',
  'import_uploads',
  'interventions',
  'jobs',
  'org_memberships',
  'org_settings',
  'participant_controls',
  'participant_notes',
  'participants',
  'recommendations',
  'relationship_controls',
  'relationships',
  'segment_counts',
  'stage_daily_counts',
  'stage_transitions',
];
/** Tables the app may only add to and read. */
const APPEND_ONLY = ['audit_anchors', 'events'];
const COMMANDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;
type Command = (typeof COMMANDS)[number];
const ORG_KEY = "(org_id = (NULLIF(current_setting('app.org_id'::text, true), ''::text))::uuid)";
/** What the cross-org functions need (migration 0010): nothing else may see across orgs. */
const CROSS_ORG_POLICIES = [
  'api_keys SELECT',
  'audit_streams SELECT',
  'events INSERT',
  'events SELECT',
  'jobs INSERT',
  'jobs SELECT',
  'jobs UPDATE',
  'org_memberships SELECT',
  'participants SELECT',
];

interface Policy {
  table: string;
  name: string;
  command: string;
  roles: string[];
  using: string | null;
  check: string | null;
}

function policies(db: Database): Promise<Policy[]> {
  return queryRows<Policy>(
    db,
    sql`SELECT tablename AS table, policyname AS name, cmd AS command, roles::text[] AS roles,
               qual AS using, with_check AS check
        FROM pg_policies WHERE schemaname = 'public' ORDER BY 1, 2`,
  );
}

describeEachDatabase(
  'row-level security: the catalog',
  ({ db }) => {
    it('every table has an org_id or is one of the global tables, and the list here is complete', async () => {
      const rows = await queryRows<{ name: string; scoped: boolean }>(
        db().db,
        sql`SELECT c.relname AS name, EXISTS (
                   SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped) AS scoped
            FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
            ORDER BY 1`,
      );
      expect(rows.filter((r) => r.scoped).map((r) => r.name)).toEqual(ORG_TABLES);
      expect(rows.filter((r) => !r.scoped).map((r) => r.name)).toEqual(GLOBAL_TABLES);
    });

    it('every org table has row-level security enabled and forced', async () => {
      const rows = await queryRows<{ name: string; enabled: boolean; forced: boolean }>(
        db().db,
        sql`SELECT relname AS name, relrowsecurity AS enabled, relforcerowsecurity AS forced
            FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')`,
      );
      for (const table of ORG_TABLES) {
        expect(
          rows.find((r) => r.name === table),
          table,
        ).toMatchObject({ enabled: true, forced: true });
      }
      for (const table of GLOBAL_TABLES) {
        expect(
          rows.find((r) => r.name === table),
          table,
        ).toMatchObject({ enabled: false });
      }
    });

    it('every org table has, for each command, a policy for everyone keyed on app.org_id', async () => {
      const all = await policies(db().db);
      for (const table of ORG_TABLES) {
        for (const command of COMMANDS) {
          const policy = all.find(
            (p) => p.table === table && p.command === command && p.roles.includes('public'),
          );
          expect(policy, `${table} has no ${command} policy for everyone`).toBeDefined();
          if (command !== 'INSERT') expect(policy!.using, `${table} ${command}`).toBe(ORG_KEY);
          if (command === 'INSERT' || command === 'UPDATE') {
            expect(policy!.check, `${table} ${command}`).toBe(ORG_KEY);
          }
        }
      }
      // No policy for everyone other than these (an extra permissive one would widen them).
      expect(all.filter((p) => p.roles.includes('public')).length).toBe(ORG_TABLES.length * COMMANDS.length);
    });

    it('the only other policies are the cross-org role’s, on what its functions need', async () => {
      const others = (await policies(db().db)).filter((p) => !p.roles.includes('public'));
      expect(others.map((p) => `${p.table} ${p.command}`).sort()).toEqual(CROSS_ORG_POLICIES);
      for (const policy of others) expect(policy.roles, policy.name).toEqual([CROSS_ORG_ROLE]);
    });

    it('every unique key of an org table includes org_id', async () => {
      const rows = await queryRows<{ table: string; index: string; hasOrg: boolean }>(
        db().db,
        sql`SELECT t.relname AS table, i.relname AS index,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = t.oid AND a.attname = 'org_id'
                             AND a.attnum = ANY (x.indkey::int2[])) AS "hasOrg"
            FROM pg_index x
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_class i ON i.oid = x.indexrelid
            WHERE t.relnamespace = 'public'::regnamespace AND x.indisunique`,
      );
      const scoped = rows.filter((r) => ORG_TABLES.includes(r.table));
      expect(scoped.length).toBeGreaterThanOrEqual(ORG_TABLES.length);
      for (const row of scoped) expect(row.hasOrg, `${row.table}: ${row.index}`).toBe(true);
    });

    it('every foreign key of an org table includes org_id, unless it points at a global table', async () => {
      const rows = await queryRows<{ table: string; name: string; target: string; hasOrg: boolean }>(
        db().db,
        sql`SELECT t.relname AS table, c.conname AS name, r.relname AS target,
                   EXISTS (SELECT 1 FROM pg_attribute a
                           WHERE a.attrelid = t.oid AND a.attname = 'org_id'
                             AND a.attnum = ANY (c.conkey)) AS "hasOrg"
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_class r ON r.oid = c.confrelid
            WHERE c.contype = 'f' AND t.relnamespace = 'public'::regnamespace`,
      );
      const scoped = rows.filter((r) => ORG_TABLES.includes(r.table));
      expect(scoped.length).toBeGreaterThan(ORG_TABLES.length);
      for (const row of scoped) {
        // org_memberships.user_id → users: a person belongs to no org; the membership row is the org's.
        if (GLOBAL_TABLES.includes(row.target) && row.target !== 'orgs') continue;
        expect(row.hasOrg, `${row.table}: ${row.name} → ${row.target}`).toBe(true);
      }
    });

    it('the cross-org functions are security definers of a role without login or BYPASSRLS, for the app alone', async () => {
      const [role] = await queryRows<Record<string, boolean>>(
        db().db,
        sql`SELECT rolcanlogin, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = ${CROSS_ORG_ROLE}`,
      );
      expect(role).toEqual({ rolcanlogin: false, rolsuper: false, rolbypassrls: false });
      const functions = await queryRows<{ name: string; definer: boolean; owner: string; acl: string[] }>(
        db().db,
        sql`SELECT proname AS name, prosecdef AS definer, pg_get_userbyid(proowner)::text AS owner,
                   proacl::text[] AS acl
            FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname LIKE 'app\\_%'`,
      );
      expect(functions.map((f) => f.name).sort()).toEqual([
        'app_api_key_by_hash',
        'app_claim_next_job',
        'app_enqueue_audit_deliveries',
        'app_enqueue_due_jobs',
        'app_erase_personal',
        'app_org_access',
        'app_org_member_counts',
        'app_orgs_of_user',
        'app_search_participants',
      ]);
      for (const f of functions) {
        expect(f, f.name).toMatchObject({ definer: true, owner: CROSS_ORG_ROLE });
        // No grant to PUBLIC (an entry "=X/…"): only the owner and the app may call it.
        expect(
          f.acl.filter((entry) => entry.startsWith('=')),
          f.name,
        ).toEqual([]);
        expect(
          f.acl.some((entry) => entry.startsWith(`${APP_ROLE}=X`)),
          f.name,
        ).toBe(true);
      }
      const [member] = await queryRows<{ member: boolean }>(
        db().db,
        sql`SELECT pg_has_role(${APP_ROLE}, ${CROSS_ORG_ROLE}, 'MEMBER') AS member`,
      );
      expect(member!.member).toBe(false);
    });
  },
  { keepData: true },
);

class Undo extends Error {}
type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Runs `action` in a savepoint that is always rolled back: its value, or the SQLSTATE it failed with. */
async function attempt<T>(tx: Tx, action: (sp: Tx) => Promise<T>): Promise<{ value?: T; state?: string }> {
  let value: T | undefined;
  const state = await sqlState(() =>
    tx.transaction(async (sp) => {
      value = await action(sp);
      throw new Undo();
    }),
  );
  return state === undefined ? { value } : { value, state };
}

async function count(tx: Tx, query: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    tx,
    sql`WITH q AS (${query}) SELECT count(*)::int AS n FROM q`,
  );
  return row!.n;
}

interface Orgs {
  a: string;
  b: string;
}

/**
 * Everything the app role may and may not do to `table` with org A set, and with no org set. Returns
 * what went wrong (empty when all held). `prepare` runs first as the superuser, in the same
 * transaction, which is rolled back at the end: the policy tests change a policy there.
 */
async function violations(
  db: Database,
  table: string,
  orgs: Orgs,
  prepare: (tx: Tx) => Promise<void> = async () => undefined,
): Promise<string[]> {
  const t = sql.identifier(table);
  const problems: string[] = [];
  const state = await sqlState(() =>
    db.transaction(async (tx) => {
      const [own] = await queryRows<{ n: number; row: unknown }>(
        tx,
        sql`SELECT count(*)::int AS n, (array_agg(to_jsonb(x.*)))[1] AS row FROM ${t} x WHERE org_id = ${orgs.a}`,
      );
      const [foreign] = await queryRows<{ row: unknown }>(
        tx,
        sql`SELECT to_jsonb(x.*) AS row FROM ${t} x WHERE org_id = ${orgs.b} LIMIT 1`,
      );
      if (!own?.n || !foreign) throw new Error(`${table} has no fixture rows in both orgs`);
      const copy = (row: unknown) =>
        sql`INSERT INTO ${t} SELECT * FROM jsonb_populate_record(NULL::${t}, ${JSON.stringify(row)}::jsonb)`;
      // Only the policies are under test: foreign keys and triggers (checked as the superuser, before the
      // switch to the app role) must not stop a statement before their effect shows.
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      if (APPEND_ONLY.includes(table)) {
        // So that their UPDATE and DELETE policies can be exercised at all: the app role holds neither
        // privilege (tests/integration/database-roles.integration.test.ts).
        await tx.execute(sql`GRANT UPDATE, DELETE ON ${t} TO ${sql.raw(APP_ROLE)}`);
      }
      await prepare(tx);
      await tx.execute(sql`SELECT set_config('role', ${APP_ROLE}, true)`);

      const check = (what: string, ok: boolean) => {
        if (!ok) problems.push(what);
      };
      // No org set: nothing to see, nothing to add.
      check('no org set sees nothing', (await count(tx, sql`SELECT 1 FROM ${t}`)) === 0);
      check(
        'no org set adds nothing',
        (await attempt(tx, (sp) => sp.execute(copy(own.row)))).state === '42501',
      );

      await tx.execute(sql`SELECT set_config('app.org_id', ${orgs.a}, true)`);
      check('reads its own rows', (await count(tx, sql`SELECT 1 FROM ${t}`)) === own.n);
      check(
        'reads no foreign row',
        (await count(tx, sql`SELECT 1 FROM ${t} WHERE org_id = ${orgs.b}`)) === 0,
      );
      check(
        'adds no foreign row',
        (await attempt(tx, (sp) => sp.execute(copy(foreign.row)))).state === '42501',
      );
      // Its own row again: let through by the policy, stopped by the primary key.
      check('adds its own rows', (await attempt(tx, (sp) => sp.execute(copy(own.row)))).state === '23505');
      const updated = await attempt(tx, (sp) =>
        count(sp, sql`UPDATE ${t} SET org_id = org_id WHERE org_id = ${orgs.a} RETURNING 1`),
      );
      check('updates its own rows', updated.value === own.n);
      const updatedForeign = await attempt(tx, (sp) =>
        count(sp, sql`UPDATE ${t} SET org_id = org_id WHERE org_id = ${orgs.b} RETURNING 1`),
      );
      check('updates no foreign row', updatedForeign.value === 0);
      const moved = await attempt(tx, (sp) => sp.execute(sql`UPDATE ${t} SET org_id = ${orgs.b}`));
      check('moves no row to another org', moved.state === '42501');
      const deletedForeign = await attempt(tx, (sp) =>
        count(sp, sql`DELETE FROM ${t} WHERE org_id = ${orgs.b} RETURNING 1`),
      );
      check('deletes no foreign row', deletedForeign.value === 0 && deletedForeign.state === undefined);
      const deleted = await attempt(tx, (sp) => count(sp, sql`DELETE FROM ${t} RETURNING 1`));
      check('deletes its own rows, and no others', deleted.value === own.n);
      throw new Undo();
    }),
  );
  if (state !== undefined) throw new Error(`${table}: the check itself failed with ${state}`);
  return problems;
}

/** Replaces `policy` by one of the same command that lets every row through. */
async function openUp(tx: Tx, policy: Policy): Promise<void> {
  const clauses = {
    SELECT: 'USING (true)',
    INSERT: 'WITH CHECK (true)',
    UPDATE: 'USING (true) WITH CHECK (true)',
    DELETE: 'USING (true)',
  }[policy.command as Command];
  await tx.execute(sql.raw(`DROP POLICY ${policy.name} ON ${policy.table}`));
  await tx.execute(
    sql.raw(`CREATE POLICY ${policy.name} ON ${policy.table} FOR ${policy.command} ${clauses}`),
  );
}

describeEachDatabase(
  'row-level security as the app role',
  ({ db }) => {
    const orgs = {} as Orgs;
    beforeAll(async () => {
      orgs.a = (await orgWithEveryTable(db().db, 'CanaryA')).orgId;
      orgs.b = (await orgWithEveryTable(db().db, 'CanaryB')).orgId;
    });

    for (const table of ORG_TABLES) {
      it(`${table}: org A reads, adds, changes and deletes only its own rows; no org set sees nothing`, async () => {
        expect(await violations(db().db, table, orgs)).toEqual([]);
      });
    }

    it('without any one of its policies, or with it opened to every row, a table fails the check', async () => {
      const orgPolicies = (await policies(db().db)).filter((p) => p.roles.includes('public'));
      expect(orgPolicies.length).toBe(ORG_TABLES.length * COMMANDS.length);
      for (const policy of orgPolicies) {
        const drop = sql.raw(`DROP POLICY ${policy.name} ON ${policy.table}`);
        const dropped = await violations(
          db().db,
          policy.table,
          orgs,
          async (tx) => void (await tx.execute(drop)),
        );
        expect(dropped, `without ${policy.name}`).not.toEqual([]);
        const opened = await violations(db().db, policy.table, orgs, (tx) => openUp(tx, policy));
        expect(opened, `with ${policy.name} opened`).not.toEqual([]);
      }
      // Each change was rolled back.
      expect((await policies(db().db)).filter((p) => p.roles.includes('public'))).toEqual(orgPolicies);
    });
  },
  { keepData: true },
);
