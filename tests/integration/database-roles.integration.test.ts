import crypto from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { runAdmin } from '../../src/cli/admin';
import { openPostgres, queryRows, type DatabaseHandle } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';
import { APP_ROLE } from '../../src/lib/database/roles';
import { orgs } from '../../src/lib/database/schema';
import { describeEachDatabase, TEST_APP_LOGIN, type TestDatabase } from '../setup/databases';
import { sqlState } from '../setup/sql-state';

// Item 5 of issue 9: the app's database role cannot switch off the audit log's protection. The app
// reaches the database two ways: as its login role (PostgreSQL), and as a superuser or the owner that
// switches to operator_console_app inside the transaction (PGlite, or one URL for both in development).

interface AppConnection {
  name: string;
  handle: DatabaseHandle;
  /** Switch with SET LOCAL ROLE, as the app does on PGlite and when it connects as the owner. */
  setRole: boolean;
}

function appConnections(db: TestDatabase): AppConnection[] {
  const viaSetRole = { name: `SET LOCAL ROLE ${APP_ROLE}`, handle: db, setRole: true };
  return db.testKind === 'postgres'
    ? [{ name: `login role ${TEST_APP_LOGIN}`, handle: db.app, setRole: false }, viaSetRole]
    : [viaSetRole];
}

/**
 * Runs `statement` as the app in a transaction of its own, in `orgId` when given (row-level security);
 * the SQLSTATE it failed with, if any.
 */
function asApp(connection: AppConnection, statement: SQL, orgId?: string): Promise<string | undefined> {
  return sqlState(() =>
    connection.handle.db.transaction(async (tx) => {
      if (connection.setRole) await tx.execute(sql`SELECT set_config('role', ${APP_ROLE}, true)`);
      if (orgId) await tx.execute(sql`SELECT set_config('app.org_id', ${orgId}, true)`);
      await tx.execute(statement);
    }),
  );
}

const REFUSED: [string, SQL][] = [
  ['switch off the append-only triggers', sql`ALTER TABLE events DISABLE TRIGGER USER`],
  ['switch off one trigger', sql`ALTER TABLE events DISABLE TRIGGER events_append_only`],
  ['drop a trigger', sql`DROP TRIGGER events_append_only ON events`],
  [
    'replace the trigger function',
    sql`CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger
     LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
  ],
  ['update an event', sql`UPDATE events SET event_type = 'audit.viewed'`],
  ['delete an event', sql`DELETE FROM events`],
  ['truncate events', sql`TRUNCATE events`],
  ['switch off triggers for the session', sql`SET LOCAL session_replication_role = replica`],
  ['switch off row-level security', sql`ALTER TABLE events DISABLE ROW LEVEL SECURITY`],
  ['stop forcing row-level security', sql`ALTER TABLE participants NO FORCE ROW LEVEL SECURITY`],
  ['drop a policy', sql`DROP POLICY participants_org_select ON participants`],
  ['replace a policy', sql`ALTER POLICY participants_org_select ON participants USING (true)`],
  [
    'replace a cross-org function',
    sql`CREATE OR REPLACE FUNCTION app_org_member_counts()
     RETURNS TABLE (org_id uuid, members integer) LANGUAGE sql AS $$ SELECT NULL::uuid, 0 $$`,
  ],
  ['drop a table', sql`DROP TABLE participants CASCADE`],
  ['create a table of its own', sql`CREATE TABLE mine (id int)`],
  ['add a column', sql`ALTER TABLE participants ADD COLUMN x text`],
  ['truncate another table', sql`TRUNCATE participants CASCADE`],
  ['take ownership', sql`ALTER TABLE events OWNER TO ${sql.raw(APP_ROLE)}`],
];

describeEachDatabase('database roles', ({ db }) => {
  async function oneEvent(): Promise<string> {
    const [org] = await db().db.insert(orgs).values({ name: 'Roles' }).returning({ id: orgs.id });
    await db().db.execute(
      sql`INSERT INTO events (org_id, event_type, actor_role) VALUES (${org!.id}, 'audit.viewed', 'system')`,
    );
    return org!.id;
  }

  for (const [what, statement] of REFUSED) {
    it(`the app cannot ${what}`, async () => {
      await oneEvent();
      for (const connection of appConnections(db())) {
        expect(await asApp(connection, statement), connection.name).toBe('42501'); // insufficient_privilege
      }
      const [left] = await queryRows<{ n: number }>(db().db, sql`SELECT count(*)::int AS n FROM events`);
      expect(left!.n).toBe(1);
    });
  }

  it('the app adds to and reads the audit log, and cannot grant itself more', async () => {
    const orgId = await oneEvent();
    for (const connection of appConnections(db())) {
      expect(
        await asApp(
          connection,
          sql`INSERT INTO events (org_id, event_type, actor_role) VALUES (${orgId}, 'audit.viewed', 'system')`,
          orgId,
        ),
        connection.name,
      ).toBeUndefined();
      expect(await asApp(connection, sql`SELECT * FROM events`, orgId), connection.name).toBeUndefined();
      // Without the grant option PostgreSQL only warns, and grants nothing.
      await asApp(connection, sql`GRANT UPDATE, DELETE ON events TO ${sql.raw(APP_ROLE)}`);
      const [held] = await queryRows<{ update: boolean; delete: boolean }>(
        db().db,
        sql`SELECT has_table_privilege(${APP_ROLE}, 'events', 'UPDATE') AS update,
                   has_table_privilege(${APP_ROLE}, 'events', 'DELETE') AS delete`,
      );
      expect(held).toEqual({ update: false, delete: false });
    }
  });

  it('the app role owns nothing, cannot bypass row-level security and holds only INSERT and SELECT on events', async () => {
    const roles = db().testKind === 'postgres' ? [APP_ROLE, TEST_APP_LOGIN] : [APP_ROLE];
    for (const role of roles) {
      const [attributes] = await queryRows<Record<string, boolean>>(
        db().db,
        sql`SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
            FROM pg_roles WHERE rolname = ${role}`,
      );
      expect(attributes, role).toEqual({
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
      });
      const [owned] = await queryRows<{ n: number }>(
        db().db,
        sql`SELECT (SELECT count(*) FROM pg_class WHERE relowner = ${role}::regrole)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = ${role}::regrole)
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = ${role}::regrole)
                 + (SELECT count(*) FROM pg_type WHERE typowner = ${role}::regrole) AS n`,
      );
      expect(Number(owned!.n), `${role} owns objects`).toBe(0);
    }
    const privileges = await queryRows<{ table: string; privilege: string }>(
      db().db,
      sql`SELECT c.relname AS table, p.privilege
          FROM pg_class c
          CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
            AND has_table_privilege(${APP_ROLE}, c.oid, p.privilege)
          ORDER BY 1, 2`,
    );
    expect(privileges.filter((p) => p.table === 'events').map((p) => p.privilege)).toEqual([
      'INSERT',
      'SELECT',
    ]);
    const tables = new Set(privileges.map((p) => p.table));
    for (const table of tables) {
      const held = privileges.filter((p) => p.table === table).map((p) => p.privilege);
      expect(held, table).not.toContain('TRUNCATE');
      expect(held, table).not.toContain('REFERENCES');
      expect(held, table).not.toContain('TRIGGER');
    }
    const [all] = await queryRows<{ n: number }>(
      db().db,
      sql`SELECT count(*)::int AS n FROM pg_class
          WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p')`,
    );
    expect(tables.size, 'every table is granted to the app').toBe(all!.n);
  });
});

describeEachDatabase(
  'database roles: migrations as an owner that is no superuser',
  () => {
    const OWNER = 'operator_console_test_owner';
    const LOGIN = 'operator_console_test_web';

    it('migrates as the owner; db-roles makes a login that can add to the audit log but not switch off its triggers', async () => {
      const adminUrl = inject('postgresUrl')!;
      const database = `oc_roles_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`DO $$ BEGIN
            CREATE ROLE ${OWNER} LOGIN CREATEROLE;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
        await admin.query(`CREATE DATABASE ${database} OWNER ${OWNER}`);
        const ownerUrl = new URL(adminUrl);
        ownerUrl.username = OWNER;
        ownerUrl.pathname = `/${database}`;
        const owner = openPostgres(ownerUrl.toString(), { poolSize: 2 });
        let app: DatabaseHandle | undefined;
        try {
          await runMigrations(owner);
          const stdout: string[] = [];
          const stderr: string[] = [];
          const code = await runAdmin(
            ['db-roles', '--login', LOGIN],
            { out: (l) => stdout.push(l), err: (l) => stderr.push(l) },
            async (connection) => {
              expect(connection).toBe('owner');
              return { ...owner, close: async () => undefined };
            },
          );
          expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
          const printed = stdout
            .find((line) => line.startsWith('DATABASE_URL='))!
            .slice('DATABASE_URL='.length);
          const appUrl = new URL(printed);
          expect(appUrl.username).toBe(LOGIN);
          expect(appUrl.password.length).toBeGreaterThanOrEqual(24);
          expect(appUrl.pathname).toBe(`/${database}`);

          app = openPostgres(printed, { poolSize: 1 });
          const [who] = await queryRows<{ user: string }>(app.db, sql`SELECT current_user AS user`);
          expect(who!.user).toBe(LOGIN);
          const [owners] = await queryRows<{ owners: string[] }>(
            owner.db,
            sql`SELECT array_agg(DISTINCT pg_get_userbyid(relowner)::text) AS owners FROM pg_class
                WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
          );
          expect(owners!.owners).toEqual([OWNER]);
          const [org] = await owner.db.insert(orgs).values({ name: 'Owned' }).returning({ id: orgs.id });
          const connection = { name: LOGIN, handle: app, setRole: false };
          expect(
            await asApp(
              connection,
              sql`INSERT INTO events (org_id, event_type, actor_role) VALUES (${org!.id}, 'audit.viewed', 'system')`,
              org!.id,
            ),
          ).toBeUndefined();
          // The chain trigger links events of several orgs in one transaction (the schedule's), though
          // the owner that runs it is held to row-level security.
          const [other] = await owner.db
            .insert(orgs)
            .values({ name: 'Owned too' })
            .returning({ id: orgs.id });
          expect(
            await asApp(connection, sql`SELECT app_enqueue_due_jobs('audit_anchor', 1, 60)`),
          ).toBeUndefined();
          const superuserUrl = new URL(adminUrl);
          superuserUrl.pathname = `/${database}`;
          const superuser = new pg.Client({ connectionString: superuserUrl.toString() });
          await superuser.connect();
          try {
            const chains = await superuser.query<{
              org_id: string;
              events: number;
              linked: number;
              top: number;
            }>(
              `SELECT org_id, count(*)::int AS events, count(hash)::int AS linked, max(seq)::int AS top
               FROM events GROUP BY org_id ORDER BY events DESC`,
            );
            expect(chains.rows).toEqual([
              { org_id: org!.id, events: 2, linked: 2, top: 2 },
              { org_id: other!.id, events: 1, linked: 1, top: 1 },
            ]);
          } finally {
            await superuser.end();
          }
          expect(await asApp(connection, sql`ALTER TABLE events DISABLE TRIGGER USER`)).toBe('42501');
          expect(await asApp(connection, sql`DELETE FROM events`)).toBe('42501');
          // The owner itself switches to the app role as the app's same-URL connection does.
          expect(
            await asApp(
              { name: OWNER, handle: owner, setRole: true },
              sql`UPDATE events SET metadata = '{}'`,
            ),
          ).toBe('42501');

          // Asked again, it changes the password of the same role; a role that owns tables is refused.
          const again = await runAdmin(
            ['db-roles', '--login', LOGIN],
            { out: () => {}, err: () => {} },
            async () => ({
              ...owner,
              close: async () => undefined,
            }),
          );
          expect(again).toBe(0);
          const refused: string[] = [];
          expect(
            await runAdmin(
              ['db-roles', '--login', OWNER],
              { out: () => {}, err: (l) => refused.push(l) },
              async () => ({
                ...owner,
                close: async () => undefined,
              }),
            ),
          ).toBe(1);
          expect(refused.join('\n')).toContain(`role ${OWNER} owns`);
        } finally {
          await app?.close();
          await owner.close();
        }
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        await admin.end();
      }
    });
  },
  { only: 'postgres' },
);
