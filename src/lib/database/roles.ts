import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db';

/**
 * The group role the app acts as (migration 0008, decision 029): owns nothing, no BYPASSRLS, only
 * INSERT and SELECT on events. The app's login role is a member; the owner and PGlite's superuser switch
 * to it inside each org-scoped transaction.
 */
export const APP_ROLE = 'operator_console_app';

/**
 * Owns the few SECURITY DEFINER functions through which the app acts across orgs (migration 0010): no
 * login, no BYPASSRLS, and not a role the app may become; its own policies let it see across orgs only
 * what those functions need.
 */
export const CROSS_ORG_ROLE = 'operator_console_cross_org';

export class AppLoginRefusedError extends Error {
  override name = 'AppLoginRefusedError';
}

interface ExistingRole {
  super: boolean;
  bypassRls: boolean;
  login: boolean;
  member: boolean;
  owns: number;
}

/**
 * Makes `name` a LOGIN role in APP_ROLE that the app can connect as: creates it, or updates an existing
 * one that is safe to use (no superuser, no BYPASSRLS, owns nothing here). `password` null leaves it
 * without one (trust or certificate authentication); undefined keeps an existing role's password.
 * Statements are written by the server's format(): PostgreSQL quotes the name and the password.
 */
export async function ensureAppLogin(
  db: Database,
  name: string,
  password: string | null | undefined,
): Promise<{ created: boolean }> {
  const existing = await findRole(db, name);
  if (!existing) {
    try {
      await execute(
        db,
        `CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS INHERIT PASSWORD %L IN ROLE ${APP_ROLE}`,
        name,
        password ?? null,
      );
      return { created: true };
    } catch (error) {
      // Another process made it between the lookup and the CREATE (roles belong to the whole cluster).
      if (!['42710', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
    }
  }
  const role = existing ?? (await findRole(db, name))!;
  if (role.super || role.bypassRls || role.owns > 0) {
    throw new AppLoginRefusedError(
      `role ${name} ${role.super ? 'is a superuser' : role.bypassRls ? 'bypasses row-level security' : `owns ${role.owns} object(s) in this database`}: the app must connect as a role that cannot; choose another name`,
    );
  }
  if (!role.login) await execute(db, 'ALTER ROLE %I LOGIN', name);
  if (password !== undefined) await execute(db, 'ALTER ROLE %I PASSWORD %L', name, password);
  if (!role.member) await execute(db, `GRANT ${APP_ROLE} TO %I`, name);
  return { created: false };
}

async function findRole(db: Database, name: string): Promise<ExistingRole | undefined> {
  const [row] = await queryRows<ExistingRole>(
    db,
    sql`SELECT r.rolsuper AS super, r.rolbypassrls AS "bypassRls", r.rolcanlogin AS login,
               pg_has_role(r.oid, ${APP_ROLE}, 'MEMBER') AS member,
               (SELECT count(*)::int FROM pg_class c WHERE c.relowner = r.oid) AS owns
        FROM pg_roles r WHERE r.rolname = ${name}`,
  );
  return row;
}

/** Runs the statement that format(template, ...values) makes on the server. */
async function execute(db: Database, template: string, ...values: (string | null)[]): Promise<void> {
  const args = values.map((value) => sql`, ${value}::text`);
  const [row] = await queryRows<{ statement: string }>(
    db,
    sql`SELECT format(${template}::text${sql.join(args)}) AS statement`,
  );
  await db.execute(sql.raw(row!.statement));
}
