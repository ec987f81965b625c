-- The fold of the segment counters (decision 047) found the buckets with additions by joining them to
-- the org's rows. For an org the planner knows nothing of yet (a new one, its statistics not gathered),
-- it read all the additions again for each of the org's rows: an import of 8,000 participants with
-- their own creation and activity times (a bucket per 15 minutes) took 38 s, of 100,000 more than ten
-- minutes. Each dimension's buckets are now gathered into an array and deleted through the primary
-- key (`bucket = ANY (…)`): one index scan whatever the statistics say; 100,000 participants take 12 s
-- (docs/decisions/065). The rest of the function is as migration 0020 wrote it.
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
  dim text;
  buckets bigint[];
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
    FOR dim, buckets IN
      SELECT a.dimension, array_agg(DISTINCT a.bucket)
      FROM segment_counts a WHERE a.org_id = org AND a.writer <> 0 GROUP BY a.dimension
    LOOP
      FOR folded IN
        WITH gone AS (
          DELETE FROM segment_counts c
          WHERE c.org_id = org AND c.dimension = dim AND c.bucket = ANY (buckets)
          RETURNING c.bucket, c.participants)
        SELECT bucket, sum(participants)::bigint AS participants FROM gone GROUP BY 1
      LOOP
        CONTINUE WHEN folded.participants = 0;
        INSERT INTO segment_counts (org_id, dimension, bucket, writer, participants)
        VALUES (org, dim, folded.bucket, 0, folded.participants);
      END LOOP;
    END LOOP;
  END LOOP;
  RETURN NULL;
END;
$$;
