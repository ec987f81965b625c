ALTER TABLE "participants" ADD COLUMN "out_degree" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "in_degree" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "participants" ADD CONSTRAINT "participants_degrees_check" CHECK ("participants"."out_degree" >= 0 AND "participants"."in_degree" >= 0);--> statement-breakpoint
-- Keep the counters with the relationships: statement-level triggers fed the changed rows as
-- transition tables, so that a COPY of millions of edges updates each participant once.
-- Each function makes one UPDATE per statement that touches every affected participant once:
-- participants carry several indexes, and every row version costs an entry in each. (A trigger
-- function can only name the transition tables its trigger declares, hence three.)
CREATE FUNCTION relationships_degrees_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  WITH changes AS (
    SELECT org_id, from_participant_id AS id, 1 AS out_n, 0 AS in_n FROM new_rows
    UNION ALL SELECT org_id, to_participant_id, 0, 1 FROM new_rows
  ), totals AS (
    SELECT org_id, id, sum(out_n)::int AS out_n, sum(in_n)::int AS in_n FROM changes GROUP BY 1, 2
  )
  UPDATE participants p SET out_degree = p.out_degree + t.out_n, in_degree = p.in_degree + t.in_n
  FROM totals t
  WHERE p.org_id = t.org_id AND p.id = t.id AND (t.out_n <> 0 OR t.in_n <> 0);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION relationships_degrees_removed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  WITH changes AS (
    SELECT org_id, from_participant_id AS id, -1 AS out_n, 0 AS in_n FROM old_rows
    UNION ALL SELECT org_id, to_participant_id, 0, -1 FROM old_rows
  ), totals AS (
    SELECT org_id, id, sum(out_n)::int AS out_n, sum(in_n)::int AS in_n FROM changes GROUP BY 1, 2
  )
  UPDATE participants p SET out_degree = p.out_degree + t.out_n, in_degree = p.in_degree + t.in_n
  FROM totals t
  WHERE p.org_id = t.org_id AND p.id = t.id AND (t.out_n <> 0 OR t.in_n <> 0);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE FUNCTION relationships_degrees_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  WITH changes AS (
    SELECT org_id, from_participant_id AS id, -1 AS out_n, 0 AS in_n FROM old_rows
    UNION ALL SELECT org_id, to_participant_id, 0, -1 FROM old_rows
    UNION ALL SELECT org_id, from_participant_id AS id, 1 AS out_n, 0 AS in_n FROM new_rows
    UNION ALL SELECT org_id, to_participant_id, 0, 1 FROM new_rows
  ), totals AS (
    SELECT org_id, id, sum(out_n)::int AS out_n, sum(in_n)::int AS in_n FROM changes GROUP BY 1, 2
  )
  UPDATE participants p SET out_degree = p.out_degree + t.out_n, in_degree = p.in_degree + t.in_n
  FROM totals t
  WHERE p.org_id = t.org_id AND p.id = t.id AND (t.out_n <> 0 OR t.in_n <> 0);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_insert AFTER INSERT ON relationships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_degrees_added();
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_delete AFTER DELETE ON relationships
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_degrees_removed();
--> statement-breakpoint
CREATE TRIGGER relationships_degrees_update AFTER UPDATE ON relationships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION relationships_degrees_moved();
--> statement-breakpoint
UPDATE participants p SET out_degree = c.n
FROM (SELECT org_id, from_participant_id AS id, count(*)::int AS n FROM relationships GROUP BY 1, 2) c
WHERE p.org_id = c.org_id AND p.id = c.id;
--> statement-breakpoint
UPDATE participants p SET in_degree = c.n
FROM (SELECT org_id, to_participant_id AS id, count(*)::int AS n FROM relationships GROUP BY 1, 2) c
WHERE p.org_id = c.org_id AND p.id = c.id;
