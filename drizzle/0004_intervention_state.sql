CREATE TABLE "idempotency_keys" (
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("org_id","user_id","key")
);
--> statement-breakpoint
CREATE TABLE "participant_controls" (
	"org_id" uuid NOT NULL,
	"participant_id" uuid NOT NULL,
	"outreach_paused" boolean DEFAULT false NOT NULL,
	"flagged_for_review" boolean DEFAULT false NOT NULL,
	"recommendations_suppressed" boolean DEFAULT false NOT NULL,
	"recommendations_suppressed_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participant_controls_pkey" PRIMARY KEY("org_id","participant_id")
);
--> statement-breakpoint
CREATE TABLE "participant_notes" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"participant_id" uuid NOT NULL,
	"intervention_id" uuid NOT NULL,
	"body" text NOT NULL,
	"author_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "participant_notes_pkey" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "relationship_controls" (
	"org_id" uuid NOT NULL,
	"relationship_id" uuid NOT NULL,
	"flagged_for_review" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "relationship_controls_pkey" PRIMARY KEY("org_id","relationship_id")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participant_controls" ADD CONSTRAINT "participant_controls_participant_fkey" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participant_notes" ADD CONSTRAINT "participant_notes_participant_fkey" FOREIGN KEY ("org_id","participant_id") REFERENCES "public"."participants"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "participant_notes" ADD CONSTRAINT "participant_notes_intervention_fkey" FOREIGN KEY ("org_id","intervention_id") REFERENCES "public"."interventions"("org_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relationship_controls" ADD CONSTRAINT "relationship_controls_relationship_fkey" FOREIGN KEY ("org_id","relationship_id") REFERENCES "public"."relationships"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "participant_notes_participant_idx" ON "participant_notes" USING btree ("org_id","participant_id","created_at");