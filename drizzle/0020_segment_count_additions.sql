ALTER TABLE "segment_counts" DROP CONSTRAINT "segment_counts_participants_check";--> statement-breakpoint
ALTER TABLE "segment_counts" ADD COLUMN "writer" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "segment_counts_additions_idx" ON "segment_counts" USING btree ("org_id","dimension","bucket") WHERE "segment_counts"."writer" <> 0;--> statement-breakpoint
ALTER TABLE "segment_counts" DROP CONSTRAINT "segment_counts_pkey";
--> statement-breakpoint
ALTER TABLE "segment_counts" ADD CONSTRAINT "segment_counts_pkey" PRIMARY KEY("org_id","dimension","bucket","writer");--> statement-breakpoint
-- The segment counters as additions (docs/decisions/047). Per statement, each bucket whose count moved
-- gets the move added to this transaction's own row of it (`writer`: the transaction's id), which no
-- other transaction writes: concurrent writers of an org never wait for one another here. Then, when
-- no other transaction of the org is folding (a lock tried, never waited for), every bucket of the org
-- with additions (this statement's among them; found through segment_counts_additions_idx) has the
-- rows committed so far and this transaction's own deleted and their sum written back as one row
-- (`writer` 0). A fold waits for no row lock: only folders delete rows, one per org at a time, and the
-- additions of transactions it cannot see yet it leaves to a later fold. It needs a snapshot per
-- statement: under REPEATABLE READ or SERIALIZABLE, where a fold committed meanwhile would make the
-- DELETE fail, the transaction only adds. An org being deleted is skipped, as before.
CREATE OR REPLACE FUNCTION participants_segment_counts() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT *, 1 AS delta FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT *, -1 AS delta FROM old_rows'
    ELSE 'SELECT *, 1 AS delta FROM new_rows UNION ALL SELECT *, -1 AS delta FROM old_rows'
  END;
  me constant bigint := pg_current_xact_id()::text::bigint;
  org uuid;
  folded record;
BEGIN
  FOR org IN EXECUTE format($sql$
    WITH changed AS (%s),
    added AS (
      INSERT INTO segment_counts AS c (org_id, dimension, bucket, writer, participants)
      SELECT r.org_id, b.dimension, b.bucket, $1, sum(r.delta)::bigint
      FROM changed r
      CROSS JOIN LATERAL segment_count_buckets(r.role, r.out_degree + r.in_degree, r.created_at, r.last_activity_at) b
      WHERE EXISTS (SELECT 1 FROM orgs o WHERE o.id = r.org_id)
      GROUP BY 1, 2, 3 HAVING sum(r.delta) <> 0
      ON CONFLICT (org_id, dimension, bucket, writer) DO UPDATE SET participants = c.participants + excluded.participants
      RETURNING c.org_id)
    SELECT DISTINCT org_id FROM added
  $sql$, changed) USING me
  LOOP
    CONTINUE WHEN current_setting('transaction_isolation') <> 'read committed'
      OR NOT pg_try_advisory_xact_lock(hashtext('segment_counts'), hashtext(org::text));
    FOR folded IN
      WITH pending AS (
        SELECT DISTINCT a.dimension, a.bucket FROM segment_counts a WHERE a.org_id = org AND a.writer <> 0),
      gone AS (
        DELETE FROM segment_counts c USING pending t
        WHERE c.org_id = org AND c.dimension = t.dimension AND c.bucket = t.bucket
        RETURNING c.dimension, c.bucket, c.participants)
      SELECT dimension, bucket, sum(participants)::bigint AS participants FROM gone GROUP BY 1, 2
    LOOP
      CONTINUE WHEN folded.participants = 0;
      INSERT INTO segment_counts (org_id, dimension, bucket, writer, participants)
      VALUES (org, folded.dimension, folded.bucket, 0, folded.participants);
    END LOOP;
  END LOOP;
  RETURN NULL;
END;
$$;
