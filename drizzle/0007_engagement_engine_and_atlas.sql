CREATE TABLE "atlas_communities" (
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"community" integer NOT NULL,
	"size" integer NOT NULL,
	"stage_counts" jsonb NOT NULL,
	"label" text NOT NULL,
	"central_participant_ids" uuid[] NOT NULL,
	"x" double precision NOT NULL,
	"y" double precision NOT NULL,
	"activity" jsonb NOT NULL,
	CONSTRAINT "atlas_communities_pkey" PRIMARY KEY("org_id","job_id","community")
);
--> statement-breakpoint
CREATE TABLE "atlas_community_links" (
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"from_community" integer NOT NULL,
	"to_community" integer NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "atlas_community_links_pkey" PRIMARY KEY("org_id","job_id","from_community","to_community"),
	CONSTRAINT "atlas_community_links_order_check" CHECK ("atlas_community_links"."from_community" < "atlas_community_links"."to_community")
);
--> statement-breakpoint
CREATE TABLE "atlas_participant_scores" (
	"org_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"community" integer NOT NULL,
	"pagerank" double precision NOT NULL,
	"pagerank_top" double precision NOT NULL,
	"bridging" double precision NOT NULL,
	"x" double precision NOT NULL,
	"y" double precision NOT NULL,
	CONSTRAINT "atlas_participant_scores_pkey" PRIMARY KEY("org_id","job_id","participant_id")
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by_user_id" uuid,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"phase" text,
	"progress" double precision DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"time_limit_seconds" integer NOT NULL,
	"cancel_requested_at" timestamp with time zone,
	"worker_id" text,
	"heartbeat_at" timestamp with time zone,
	"error" text,
	"result" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "jobs_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "jobs_kind_check" CHECK (kind IN ('atlas_run', 'stage_update')),
	CONSTRAINT "jobs_status_check" CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
	CONSTRAINT "jobs_progress_check" CHECK ("jobs"."progress" >= 0 AND "jobs"."progress" <= 1),
	CONSTRAINT "jobs_time_limit_check" CHECK ("jobs"."time_limit_seconds" > 0)
);
--> statement-breakpoint
CREATE TABLE "stage_daily_counts" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"stage" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "stage_daily_counts_pkey" PRIMARY KEY("org_id","day","stage"),
	CONSTRAINT "stage_daily_counts_stage_check" CHECK (stage IN ('new', 'active', 'at_risk', 'dormant')),
	CONSTRAINT "stage_daily_counts_count_check" CHECK ("stage_daily_counts"."count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "stage_transitions" (
	"org_id" uuid NOT NULL,
	"day" date NOT NULL,
	"from_stage" text NOT NULL,
	"to_stage" text NOT NULL,
	"cause" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "stage_transitions_pkey" PRIMARY KEY("org_id","day","from_stage","to_stage","cause"),
	CONSTRAINT "stage_transitions_stages_check" CHECK (from_stage IN ('new', 'active', 'at_risk', 'dormant') AND to_stage IN ('new', 'active', 'at_risk', 'dormant') AND "stage_transitions"."from_stage" <> "stage_transitions"."to_stage"),
	CONSTRAINT "stage_transitions_cause_check" CHECK ("stage_transitions"."cause" IN ('engine', 'operator')),
	CONSTRAINT "stage_transitions_count_check" CHECK ("stage_transitions"."count" > 0)
);
--> statement-breakpoint
ALTER TABLE "recommendations" DROP CONSTRAINT "recommendations_status_check";--> statement-breakpoint
ALTER TABLE "recommendations" DROP CONSTRAINT "recommendations_target_type_check";--> statement-breakpoint
ALTER TABLE "org_settings" ADD COLUMN "stage_grace_days" integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "detector" text;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "metadata" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "job_id" uuid;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "decided_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "dismissal_reason" text;--> statement-breakpoint
ALTER TABLE "recommendations" ADD COLUMN "snoozed_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "atlas_communities" ADD CONSTRAINT "atlas_communities_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_community_links" ADD CONSTRAINT "atlas_community_links_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "atlas_participant_scores" ADD CONSTRAINT "atlas_participant_scores_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_daily_counts" ADD CONSTRAINT "stage_daily_counts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stage_transitions" ADD CONSTRAINT "stage_transitions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "atlas_participant_scores_community_idx" ON "atlas_participant_scores" USING btree ("org_id","job_id","community","pagerank");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_one_active_per_kind_key" ON "jobs" USING btree ("org_id","kind") WHERE "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "jobs_claim_idx" ON "jobs" USING btree ("created_at") WHERE "jobs"."status" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "jobs_org_kind_created_idx" ON "jobs" USING btree ("org_id","kind","created_at");--> statement-breakpoint
-- Decided recommendations were decided when last updated; of several pending ones for the same target
-- and action, the newest stays open and the rest are superseded, so the one-pending index can hold.
UPDATE "recommendations" SET "decided_at" = "updated_at" WHERE "status" IN ('accepted', 'dismissed');--> statement-breakpoint
UPDATE "recommendations" r SET "status" = 'superseded', "updated_at" = now()
FROM (
  SELECT "org_id", "id", row_number() OVER (
    PARTITION BY "org_id", "target_type", "target_id", "suggested_action"
    ORDER BY "created_at" DESC, "id" DESC) AS n
  FROM "recommendations" WHERE "status" = 'pending'
) d
WHERE d."org_id" = r."org_id" AND d."id" = r."id" AND d.n > 1;--> statement-breakpoint
CREATE UNIQUE INDEX "recommendations_one_pending_key" ON "recommendations" USING btree ("org_id","target_type","target_id","suggested_action") WHERE "recommendations"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "recommendations_org_detector_decided_idx" ON "recommendations" USING btree ("org_id","detector","decided_at");--> statement-breakpoint
ALTER TABLE "org_settings" ADD CONSTRAINT "org_settings_grace_check" CHECK ("org_settings"."stage_grace_days" >= 0 AND "org_settings"."stage_grace_days" <= 90);--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_dismissal_reason_check" CHECK ("recommendations"."dismissal_reason" IS NULL OR dismissal_reason IN ('not_relevant', 'already_handled', 'wrong_data', 'later'));--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_snooze_check" CHECK ("recommendations"."snoozed_until" IS NULL OR "recommendations"."dismissal_reason" = 'later');--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_status_check" CHECK (status IN ('pending', 'accepted', 'dismissed', 'superseded'));--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_target_type_check" CHECK (target_type IN ('participant', 'relationship', 'segment', 'community'));