-- Two kinds of database user (decision 029). The role that runs these migrations owns every table;
-- the app connects as a member of operator_console_app, which owns nothing, cannot bypass row-level
-- security and may only add to and read the audit log: it cannot switch off the append-only triggers
-- (ALTER TABLE needs the owner), nor update, delete or truncate events.
-- Roles belong to the whole cluster, so this is idempotent, and two databases migrating at once (test
-- files in parallel) may race on the CREATE: the loser finds the role made.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'operator_console_app') THEN
    BEGIN
      CREATE ROLE operator_console_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  -- A migrating role that is no superuser switches to operator_console_app inside the app's
  -- transactions when the app connects with the same URL (demo, development): SET ROLE needs membership.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'operator_console_app', 'MEMBER') THEN
    GRANT operator_console_app TO CURRENT_USER;
  END IF;
END;
$$;
--> statement-breakpoint
-- PostgreSQL before 15 let every role create objects in public, which the app would then own.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO operator_console_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO operator_console_app;
--> statement-breakpoint
REVOKE UPDATE, DELETE ON events FROM operator_console_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO operator_console_app;
--> statement-breakpoint
-- Tables and sequences that later migrations create (as the same migrating role) get the same grants;
-- an append-only table revokes UPDATE and DELETE in its own migration, as events does above.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO operator_console_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO operator_console_app;
--> statement-breakpoint
-- The server checks at start that PostgreSQL has no migration pending; it reads, never writes, the journal.
GRANT USAGE ON SCHEMA drizzle TO operator_console_app;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO operator_console_app;
