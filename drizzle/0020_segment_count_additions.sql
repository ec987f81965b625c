ALTER TABLE "segment_counts" DROP CONSTRAINT "segment_counts_participants_check";--> statement-breakpoint
ALTER TABLE "segment_counts" ADD COLUMN "writer" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "segment_counts" DROP CONSTRAINT "segment_counts_pkey";
--> statement-breakpoint
ALTER TABLE "segment_counts" ADD CONSTRAINT "segment_counts_pkey" PRIMARY KEY("org_id","dimension","bucket","writer");--> statement-breakpoint
-- The segment counters as additions (docs/decisions/047). Per statement, each bucket whose count moved
-- gets the move added to this transaction's own row of it (`writer`: the transaction's id), which no
-- other transaction writes: concurrent writers of an org never wait for one another here. Then, when
-- no other transaction of the org is folding (a lock tried, never waited for), the touched buckets'
-- rows committed so far and this transaction's own are deleted and their sum written back as one row
-- (`writer` 0): a bucket keeps about one row. A fold waits for no row lock: only folders delete rows,
-- one per org at a time, and the writers' rows of other transactions it cannot see yet it leaves for a
-- later fold. An org being deleted is skipped, as before.
CREATE OR REPLACE FUNCTION participants_segment_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS delta FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS delta FROM old_rows'
    ELSE 'SELECT *, 1 AS delta FROM new_rows UNION ALL SELECT *, -1 AS delta FROM old_rows'
  END;
  me constant bigint := pg_current_xact_id()::text::bigint;
  touched record;
  folded record;
BEGIN
  FOR touched IN EXECUTE format($sql$
    WITH changed AS (%s),
    added AS (
      INSERT INTO segment_counts AS c (org_id, dimension, bucket, writer, participants)
      SELECT r.org_id, b.dimension, b.bucket, $1, sum(r.delta)::bigint
      FROM changed r
      CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
      WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.id = r.org_id)
      GROUP BY 1, 2, 3 HAVING sum(r.delta) <> 0
      ON CONFLICT (org_id, dimension, bucket, writer) DO UPDATE SET participants = c.participants + excluded.participants
      RETURNING c.org_id, c.dimension, c.bucket)
    SELECT org_id, array_agg(dimension) AS dimensions, array_agg(bucket) AS buckets FROM added GROUP BY org_id
  $sql$, changed) USING me
  LOOP
    CONTINUE WHEN NOT pg_try_advisory_xact_lock(hashtext('segment_counts'), hashtext(touched.org_id::text));
    FOR folded IN
      WITH gone AS (
        DELETE FROM segment_counts c
        USING unnest(touched.dimensions, touched.buckets) AS t(dimension, bucket)
        WHERE c.org_id = touched.org_id AND c.dimension = t.dimension AND c.bucket = t.bucket
        RETURNING c.dimension, c.bucket, c.participants)
      SELECT dimension, bucket, sum(participants)::bigint AS participants FROM gone GROUP BY 1, 2
    LOOP
      CONTINUE WHEN folded.participants = 0;
      INSERT INTO segment_counts (org_id, dimension, bucket, writer, participants)
      VALUES (touched.org_id, folded.dimension, folded.bucket, 0, folded.participants);
    END LOOP;
  END LOOP;
  RETURN NULL;
END;
$$;
