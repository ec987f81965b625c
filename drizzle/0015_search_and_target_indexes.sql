-- Trigram search (pg_trgm: a trusted extension since PostgreSQL 13, so the database's owner may create it;
-- the embedded database loads it at start, src/lib/database/pglite.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "events_org_target_created_idx" ON "events" USING btree ("org_id","target_type","target_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "participants_name_trgm_idx" ON "participants" USING gin ("display_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "participants_email_trgm_idx" ON "participants" USING gin ("email" gin_trgm_ops);
--> statement-breakpoint
-- Row-level security keeps a leaky operator such as ILIKE from being used as an index condition before
-- the policy's own (PostgreSQL will not let a non-leakproof function see rows the policy would hide),
-- so under the app's role a search read every participant of the org in spite of the trigram indexes.
-- The search runs here instead, as the cross-org role whose policy is `true`, bound to the org in scope
-- (app.org_id) by its own condition, like the other app_* functions (decision 029). It returns ids only;
-- the caller's query, under the app's policies, reads the rows.
GRANT SELECT (org_id, id, display_name, email) ON participants TO operator_console_cross_org;--> statement-breakpoint
CREATE POLICY participants_cross_org_select ON participants FOR SELECT TO operator_console_cross_org USING (true);--> statement-breakpoint
CREATE FUNCTION app_search_participants(p_pattern text)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 100 SET search_path = public, pg_temp AS $$
  SELECT id FROM participants
  WHERE org_id = nullif(current_setting('app.org_id', true), '')::uuid
    AND (display_name ILIKE p_pattern OR email ILIKE p_pattern)
$$;--> statement-breakpoint
ALTER FUNCTION app_search_participants(text) OWNER TO operator_console_cross_org;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_search_participants(text) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_search_participants(text) TO operator_console_app;
