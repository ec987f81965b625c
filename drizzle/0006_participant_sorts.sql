DROP INDEX "participants_org_last_activity_idx";--> statement-breakpoint
CREATE INDEX "participants_org_degree_idx" ON "participants" USING btree ("org_id",("out_degree" + "in_degree"),"id");--> statement-breakpoint
CREATE INDEX "participants_org_created_idx" ON "participants" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "participants_org_last_activity_idx" ON "participants" USING btree ("org_id","last_activity_at","id");