CREATE TABLE "api_keys" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_by_user_id" uuid,
	CONSTRAINT "api_keys_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "api_keys_role_check" CHECK (role IN ('admin', 'operator', 'viewer')),
	CONSTRAINT "api_keys_name_not_blank" CHECK (length(btrim("api_keys"."name")) > 0),
	CONSTRAINT "api_keys_secret_hash_format" CHECK ("api_keys"."secret_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_keys_secret_hash_idx" ON "api_keys" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "api_keys_org_created_idx" ON "api_keys" USING btree ("org_id","created_at");--> statement-breakpoint
-- Row-level security as on every org table (migration 0010).
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY api_keys_org_select ON api_keys FOR SELECT USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
CREATE POLICY api_keys_org_insert ON api_keys FOR INSERT WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
CREATE POLICY api_keys_org_update ON api_keys FOR UPDATE USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
CREATE POLICY api_keys_org_delete ON api_keys FOR DELETE USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
--> statement-breakpoint
-- A request with a key names no org the key could be checked against before it is found: the fifth way
-- across orgs (decision 029) finds a key by the SHA-256 of its secret, whatever its org, so that a key
-- used on another org's URL is told apart from an unknown one (403, audited, instead of 401).
GRANT SELECT ON api_keys TO operator_console_cross_org;
--> statement-breakpoint
CREATE POLICY api_keys_cross_org_select ON api_keys FOR SELECT TO operator_console_cross_org USING (true);
--> statement-breakpoint
CREATE FUNCTION app_api_key_by_hash(p_secret_hash text)
RETURNS TABLE (org_id uuid, id uuid, role text, prefix text, expires_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT k.org_id, k.id, k.role, k.prefix, k.expires_at, k.revoked_at
  FROM api_keys k WHERE k.secret_hash = p_secret_hash
$$;
--> statement-breakpoint
ALTER FUNCTION app_api_key_by_hash(text) OWNER TO operator_console_cross_org;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_api_key_by_hash(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_api_key_by_hash(text) TO operator_console_app;
