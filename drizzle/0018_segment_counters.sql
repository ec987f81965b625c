CREATE TABLE "segment_counts" (
	"org_id" uuid NOT NULL,
	"dimension" text NOT NULL,
	"bucket" bigint NOT NULL,
	"participants" bigint NOT NULL,
	CONSTRAINT "segment_counts_pkey" PRIMARY KEY("org_id","dimension","bucket"),
	CONSTRAINT "segment_counts_dimension_check" CHECK (dimension IN ('system', 'degree', 'created', 'activity')),
	CONSTRAINT "segment_counts_participants_check" CHECK ("segment_counts"."participants" >= 0)
);
--> statement-breakpoint
ALTER TABLE "segment_counts" ADD CONSTRAINT "segment_counts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The segment counters (docs/decisions/042), kept as the degree counters are (migration 0005): statement-
-- level triggers fed the changed rows as transition tables: per statement, every bucket whose count
-- moved (+1 for each new row version in it, -1 for each old one) is updated, or inserted when new to
-- the org (a CHECK is tested on the row an INSERT … ON CONFLICT proposes, so a decrement cannot go
-- through one). An org being deleted is skipped: its counts go with it.
-- The buckets a participant counts in: an automated account once, under 'system'; any other once by
-- degree, once by the 15-minute slot it was created in, once by the slot it was last active in (-1:
-- never). One SELECT, so the planner inlines it.
CREATE FUNCTION segment_count_buckets(role text, degree int, created_at timestamptz, last_activity_at timestamptz)
RETURNS TABLE (dimension text, bucket bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT v.dimension, v.bucket FROM (VALUES
    (CASE WHEN role = 'system_participant' THEN 'system' ELSE 'degree' END,
     CASE WHEN role = 'system_participant' THEN 0 ELSE degree END::bigint),
    (CASE WHEN role <> 'system_participant' THEN 'created' END,
     floor(extract(epoch FROM created_at) / 900)::bigint),
    (CASE WHEN role <> 'system_participant' THEN 'activity' END,
     coalesce(floor(extract(epoch FROM last_activity_at) / 900)::bigint, -1))
  ) AS v(dimension, bucket)
  WHERE v.dimension IS NOT NULL
$$;
--> statement-breakpoint
CREATE FUNCTION participants_segment_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS delta FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS delta FROM old_rows'
    ELSE 'SELECT *, 1 AS delta FROM new_rows UNION ALL SELECT *, -1 AS delta FROM old_rows'
  END;
  total record;
BEGIN
  -- Bucket by bucket in key order: concurrent statements lock the rows they share in the same order,
  -- so they wait for each other rather than deadlock.
  FOR total IN EXECUTE format($sql$
    WITH changed AS (%s)
    SELECT r.org_id, b.dimension, b.bucket, sum(r.delta)::bigint AS delta
    FROM changed r
    CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
    WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.id = r.org_id)
    GROUP BY 1, 2, 3 HAVING sum(r.delta) <> 0
    ORDER BY 1, 2, 3
  $sql$, changed)
  LOOP
    UPDATE segment_counts c SET participants = c.participants + total.delta
    WHERE c.org_id = total.org_id AND c.dimension = total.dimension AND c.bucket = total.bucket;
    IF NOT FOUND THEN
      INSERT INTO segment_counts AS c (org_id, dimension, bucket, participants)
      VALUES (total.org_id, total.dimension, total.bucket, total.delta)
      ON CONFLICT (org_id, dimension, bucket) DO UPDATE SET participants = c.participants + excluded.participants;
    END IF;
  END LOOP;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER participants_segment_counts_insert AFTER INSERT ON participants
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_segment_counts();
--> statement-breakpoint
CREATE TRIGGER participants_segment_counts_delete AFTER DELETE ON participants
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_segment_counts();
--> statement-breakpoint
CREATE TRIGGER participants_segment_counts_update AFTER UPDATE ON participants
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION participants_segment_counts();
--> statement-breakpoint
-- The counts of the participants already there. The owner running this migration is held to the
-- participants' policies like everyone (migration 0010, FORCE) and would see none of them: it reads
-- them unforced for this statement's transaction, and forces the policies again before it ends.
ALTER TABLE participants NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO segment_counts (org_id, dimension, bucket, participants)
SELECT org_id, dimension, bucket, count(*)
FROM participants r
CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
GROUP BY 1, 2, 3;
--> statement-breakpoint
ALTER TABLE participants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Row-level security as on every org table (migration 0010).
DO $$
DECLARE
  t constant text := 'segment_counts';
  org constant text := $org$org_id = nullif(current_setting('app.org_id', true), '')::uuid$org$;
BEGIN
  EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
  EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
  EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (%s)', t || '_org_select', t, org);
  EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)', t || '_org_insert', t, org);
  EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t || '_org_update', t, org, org);
  EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)', t || '_org_delete', t, org);
END;
$$;
