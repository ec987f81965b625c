CREATE TABLE "org_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"new_days" integer DEFAULT 14 NOT NULL,
	"active_days" integer DEFAULT 30 NOT NULL,
	"dormant_days" integer DEFAULT 60 NOT NULL,
	"highly_connected_percentile" double precision DEFAULT 0.9 NOT NULL,
	"highly_connected_min_degree" integer DEFAULT 3 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_settings_days_check" CHECK ("org_settings"."new_days" > 0 AND "org_settings"."active_days" > 0 AND "org_settings"."dormant_days" > "org_settings"."active_days"),
	CONSTRAINT "org_settings_percentile_check" CHECK ("org_settings"."highly_connected_percentile" > 0 AND "org_settings"."highly_connected_percentile" < 1 AND "org_settings"."highly_connected_min_degree" >= 1)
);
--> statement-breakpoint
ALTER TABLE "org_settings" ADD CONSTRAINT "org_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "participants_org_name_idx" ON "participants" USING btree ("org_id","display_name","id");