-- A neighbourhood's incoming side from the index alone (issue 11, decision 043): the walk from 200
-- participants at depth 2 of an L hub reads 229k incoming relationships, 413 ms through the heap and
-- 19 ms from an index that holds the other end too. It serves everything the one it replaces did.
-- On a large installation it can be built beforehand without blocking writes (README, Production
-- deployment).
-- One built beforehand whose CREATE INDEX CONCURRENTLY failed is left invalid: built again here, so the
-- old index is never dropped for a broken one.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
             WHERE c.relname = 'relationships_org_to_from_idx' AND c.relnamespace = current_schema()::regnamespace
               AND NOT i.indisvalid) THEN
    DROP INDEX relationships_org_to_from_idx;
  END IF;
END;
$$;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "relationships_org_to_from_idx" ON "relationships" USING btree ("org_id","to_participant_id","from_participant_id");--> statement-breakpoint
DROP INDEX IF EXISTS "relationships_org_to_idx";
