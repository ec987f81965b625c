CREATE TABLE "accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"account_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"access_token" text,
	"refresh_token" text,
	"id_token" text,
	"access_token_expires_at" timestamp with time zone,
	"refresh_token_expires_at" timestamp with time zone,
	"scope" text,
	"password" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_provider_account_key" UNIQUE("provider_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"actor_user_id" uuid,
	"actor_role" text,
	"event_type" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "events_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "events_event_type_format" CHECK ("events"."event_type" ~ '^[a-z_]+(\.[a-z_]+)+$')
);
--> statement-breakpoint
CREATE TABLE "interventions" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"operator_user_id" uuid,
	"operator_role" text NOT NULL,
	"type" text NOT NULL,
	"scope" text NOT NULL,
	"target_ids" uuid[] NOT NULL,
	"reason" text NOT NULL,
	"previous_state" jsonb NOT NULL,
	"new_state" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reversed_at" timestamp with time zone,
	"reversed_by_user_id" uuid,
	"reversal_reason" text,
	CONSTRAINT "interventions_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "interventions_type_check" CHECK (type IN ('pause_outreach', 'resume_outreach', 'flag_for_review', 'clear_flag', 'set_lifecycle_stage', 'add_note', 'suppress_recommendations')),
	CONSTRAINT "interventions_scope_check" CHECK (scope IN ('participant', 'relationship', 'segment')),
	CONSTRAINT "interventions_operator_role_check" CHECK (operator_role IN ('owner', 'admin', 'operator', 'viewer')),
	CONSTRAINT "interventions_reversal_complete" CHECK (("interventions"."reversed_at" IS NULL) = ("interventions"."reversal_reason" IS NULL))
);
--> statement-breakpoint
CREATE TABLE "org_memberships" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "org_memberships_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "org_memberships_org_user_key" UNIQUE("org_id","user_id"),
	CONSTRAINT "org_memberships_role_check" CHECK (role IN ('owner', 'admin', 'operator', 'viewer'))
);
--> statement-breakpoint
CREATE TABLE "orgs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orgs_name_not_blank" CHECK (length(btrim("orgs"."name")) > 0)
);
--> statement-breakpoint
CREATE TABLE "participants" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"email" text,
	"display_name" text NOT NULL,
	"role" text NOT NULL,
	"origin" text NOT NULL,
	"lifecycle_stage" text DEFAULT 'new' NOT NULL,
	"last_activity_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participants_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "participants_lifecycle_stage_check" CHECK (lifecycle_stage IN ('new', 'active', 'at_risk', 'dormant')),
	CONSTRAINT "participants_role_not_blank" CHECK (length(btrim("participants"."role")) > 0)
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text NOT NULL,
	"suggested_action" text NOT NULL,
	"reason" text NOT NULL,
	"confidence" double precision NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "recommendations_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "recommendations_status_check" CHECK (status IN ('pending', 'accepted', 'dismissed')),
	CONSTRAINT "recommendations_target_type_check" CHECK (target_type IN ('participant', 'relationship', 'segment')),
	CONSTRAINT "recommendations_confidence_check" CHECK ("recommendations"."confidence" >= 0 AND "recommendations"."confidence" <= 1)
);
--> statement-breakpoint
CREATE TABLE "relationships" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"from_participant_id" uuid NOT NULL,
	"to_participant_id" uuid NOT NULL,
	"type" text NOT NULL,
	"source" text NOT NULL,
	"confidence_score" double precision NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relationships_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "relationships_org_from_to_type_key" UNIQUE("org_id","from_participant_id","to_participant_id","type"),
	CONSTRAINT "relationships_no_self_check" CHECK ("relationships"."from_participant_id" <> "relationships"."to_participant_id"),
	CONSTRAINT "relationships_confidence_check" CHECK ("relationships"."confidence_score" >= 0 AND "relationships"."confidence_score" <= 1)
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"token" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip_address" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sessions_token_key" UNIQUE("token")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"email_verified" boolean DEFAULT false NOT NULL,
	"image" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_key" UNIQUE("email"),
	CONSTRAINT "users_email_lowercase" CHECK ("users"."email" = lower("users"."email"))
);
--> statement-breakpoint
CREATE TABLE "verifications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"identifier" text NOT NULL,
	"value" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_memberships" ADD CONSTRAINT "org_memberships_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_memberships" ADD CONSTRAINT "org_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_from_participant_fkey" FOREIGN KEY ("org_id","from_participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationships" ADD CONSTRAINT "relationships_to_participant_fkey" FOREIGN KEY ("org_id","to_participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_user_id_idx" ON "accounts" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "events_org_created_idx" ON "events" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "events_org_type_created_idx" ON "events" USING btree ("org_id","event_type","created_at");--> statement-breakpoint
CREATE INDEX "interventions_org_created_idx" ON "interventions" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "interventions_org_operator_created_idx" ON "interventions" USING btree ("org_id","operator_user_id","created_at");--> statement-breakpoint
CREATE INDEX "org_memberships_user_id_idx" ON "org_memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orgs_name_lower_key" ON "orgs" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "participants_org_last_activity_idx" ON "participants" USING btree ("org_id","last_activity_at");--> statement-breakpoint
CREATE INDEX "participants_org_role_idx" ON "participants" USING btree ("org_id","role");--> statement-breakpoint
CREATE UNIQUE INDEX "participants_org_email_key" ON "participants" USING btree ("org_id",lower("email")) WHERE "participants"."email" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "recommendations_org_status_created_idx" ON "recommendations" USING btree ("org_id","status","created_at");--> statement-breakpoint
CREATE INDEX "recommendations_org_target_idx" ON "recommendations" USING btree ("org_id","target_type","target_id");--> statement-breakpoint
CREATE INDEX "relationships_org_from_idx" ON "relationships" USING btree ("org_id","from_participant_id");--> statement-breakpoint
CREATE INDEX "relationships_org_to_idx" ON "relationships" USING btree ("org_id","to_participant_id");--> statement-breakpoint
CREATE INDEX "sessions_user_id_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "verifications_identifier_idx" ON "verifications" USING btree ("identifier");