CREATE TABLE "audit_deliveries" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"stream_id" uuid NOT NULL,
	"from_seq" bigint NOT NULL,
	"to_seq" bigint NOT NULL,
	"events" integer NOT NULL,
	"status" text NOT NULL,
	"http_status" integer,
	"error" text,
	"attempt" integer NOT NULL,
	"duration_ms" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_deliveries_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "audit_deliveries_status_check" CHECK (status IN ('delivered', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "audit_streams" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"url" text NOT NULL,
	"secret" text NOT NULL,
	"delivered_through_seq" bigint DEFAULT 0 NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_streams_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "audit_streams_seq_check" CHECK ("audit_streams"."delivered_through_seq" >= 0 AND "audit_streams"."failures" >= 0)
);
--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_kind_check";--> statement-breakpoint
ALTER TABLE "audit_deliveries" ADD CONSTRAINT "audit_deliveries_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_deliveries" ADD CONSTRAINT "audit_deliveries_stream_fk" FOREIGN KEY ("org_id","stream_id") REFERENCES "public"."audit_streams"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_streams" ADD CONSTRAINT "audit_streams_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_deliveries_org_stream_created_idx" ON "audit_deliveries" USING btree ("org_id","stream_id","created_at");--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_kind_check" CHECK (kind IN ('atlas_run', 'stage_update', 'audit_anchor', 'audit_delivery'));--> statement-breakpoint
-- Row-level security as on every org table (migration 0010).
DO $$
DECLARE
  t text;
  org constant text := $org$org_id = nullif(current_setting('app.org_id', true), '')::uuid$org$;
BEGIN
  FOREACH t IN ARRAY ARRAY['audit_streams', 'audit_deliveries'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (%s)', t || '_org_select', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)', t || '_org_insert', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t || '_org_update', t, org, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)', t || '_org_delete', t, org);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- The dispatcher's way across orgs (decision 035): for every org with a stream that is due and behind
-- the org's chain, one audit_delivery job, queued as the system (no job.requested event: deliveries are
-- continuous, and each attempt is in the delivery log).
GRANT SELECT ON audit_streams TO operator_console_cross_org;
--> statement-breakpoint
CREATE POLICY audit_streams_cross_org_select ON audit_streams FOR SELECT TO operator_console_cross_org USING (true);
--> statement-breakpoint
CREATE POLICY events_cross_org_select ON events FOR SELECT TO operator_console_cross_org USING (true);
--> statement-breakpoint
CREATE FUNCTION app_enqueue_audit_deliveries(p_time_limit_seconds integer)
RETURNS TABLE (org_id uuid, id uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  INSERT INTO jobs (org_id, kind, params, time_limit_seconds)
  SELECT DISTINCT s.org_id, 'audit_delivery', '{}'::jsonb, p_time_limit_seconds FROM audit_streams s
  WHERE s.next_attempt_at <= now()
    AND EXISTS (SELECT 1 FROM events e
                WHERE e.org_id = s.org_id AND e.seq IS NOT NULL AND e.seq > s.delivered_through_seq)
  ON CONFLICT (org_id, kind) WHERE status IN ('queued', 'running') DO NOTHING
  RETURNING jobs.org_id, jobs.id
$$;
--> statement-breakpoint
ALTER FUNCTION app_enqueue_audit_deliveries(integer) OWNER TO operator_console_cross_org;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_enqueue_audit_deliveries(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_enqueue_audit_deliveries(integer) TO operator_console_app;
