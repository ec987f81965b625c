CREATE TABLE "import_upload_chunks" (
	"org_id" uuid NOT NULL,
	"upload_id" uuid NOT NULL,
	"n" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "import_upload_chunks_pkey" PRIMARY KEY("org_id","upload_id","n")
);
--> statement-breakpoint
CREATE TABLE "import_uploads" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"dry_run" boolean NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"chunks" integer DEFAULT 0 NOT NULL,
	"created_by_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_uploads_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "import_uploads_kind_check" CHECK (kind IN ('participants', 'relationships'))
);
--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_kind_check";--> statement-breakpoint
ALTER TABLE "import_upload_chunks" ADD CONSTRAINT "import_upload_chunks_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_upload_chunks" ADD CONSTRAINT "import_upload_chunks_upload_fk" FOREIGN KEY ("org_id","upload_id") REFERENCES "public"."import_uploads"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_uploads" ADD CONSTRAINT "import_uploads_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_kind_check" CHECK (kind IN ('atlas_run', 'stage_update', 'audit_anchor', 'audit_delivery', 'csv_import'));--> statement-breakpoint
-- Row-level security as on every org table (migration 0010).
DO $$
DECLARE
  t text;
  org constant text := $org$org_id = nullif(current_setting('app.org_id', true), '')::uuid$org$;
BEGIN
  FOREACH t IN ARRAY ARRAY['import_uploads', 'import_upload_chunks'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (%s)', t || '_org_select', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)', t || '_org_insert', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t || '_org_update', t, org, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)', t || '_org_delete', t, org);
  END LOOP;
END;
$$;
