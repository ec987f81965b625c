ALTER TABLE "participants" ADD COLUMN "out_degree" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "in_degree" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_degrees_check" CHECK ("participants"."out_degree" >= 0 AND "participants"."in_degree" >= 0);--> statement-breakpoint
-- Keep the counters with the relationships: one statement-level trigger per change, fed the changed
-- rows as a transition table, so that a COPY of millions of edges updates each participant once.
CREATE FUNCTION relationships_count_degrees() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE participants p SET out_degree = p.out_degree - c.n
    FROM (SELECT org_id, from_participant_id AS id, count(*)::int AS n FROM old_rows GROUP BY 1, 2) c
    WHERE p.org_id = c.org_id AND p.id = c.id;
    UPDATE participants p SET in_degree = p.in_degree - c.n
    FROM (SELECT org_id, to_participant_id AS id, count(*)::int AS n FROM old_rows GROUP BY 1, 2) c
    WHERE p.org_id = c.org_id AND p.id = c.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE participants p SET out_degree = p.out_degree + c.n
    FROM (SELECT org_id, from_participant_id AS id, count(*)::int AS n FROM new_rows GROUP BY 1, 2) c
    WHERE p.org_id = c.org_id AND p.id = c.id;
    UPDATE participants p SET in_degree = p.in_degree + c.n
    FROM (SELECT org_id, to_participant_id AS id, count(*)::int AS n FROM new_rows GROUP BY 1, 2) c
    WHERE p.org_id = c.org_id AND p.id = c.id;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_insert AFTER INSERT ON relationships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_count_degrees();
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_delete AFTER DELETE ON relationships
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_count_degrees();
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_update AFTER UPDATE ON relationships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_count_degrees();
--> statement-breakpoint
UPDATE participants p SET out_degree = c.n
FROM (SELECT org_id, from_participant_id AS id, count(*)::int AS n FROM relationships GROUP BY 1, 2) c
WHERE p.org_id = c.org_id AND p.id = c.id;
--> statement-breakpoint
UPDATE participants p SET in_degree = c.n
FROM (SELECT org_id, to_participant_id AS id, count(*)::int AS n FROM relationships GROUP BY 1, 2) c
WHERE p.org_id = c.org_id AND p.id = c.id;
