-- Row-level security on every table with an org_id (decision 029): a transaction sees and writes only
-- the rows of the org it set with set_config('app.org_id', <id>, true); with none set it sees nothing.
-- FORCE: the owner is held to the policies too (only superusers and BYPASSRLS roles are not).
DO $$
DECLARE
  t text;
  org constant text := $org$org_id = nullif(current_setting('app.org_id', true), '')::uuid$org$;
BEGIN
  FOR t IN
    SELECT c.relname FROM pg_class c
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'org_id' AND NOT a.attisdropped
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
    ORDER BY 1
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY %I ON %I FOR SELECT USING (%s)', t || '_org_select', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR INSERT WITH CHECK (%s)', t || '_org_insert', t, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR UPDATE USING (%s) WITH CHECK (%s)', t || '_org_update', t, org, org);
    EXECUTE format('CREATE POLICY %I ON %I FOR DELETE USING (%s)', t || '_org_delete', t, org);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- What the app must do across orgs, it does through the functions below and nothing else. They run as
-- operator_console_cross_org: no login, no BYPASSRLS, and no member but the owner, so the app cannot
-- act as it directly; its policies let it see across orgs only the tables and commands these
-- functions need.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'operator_console_cross_org') THEN
    BEGIN
      CREATE ROLE operator_console_cross_org NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
  -- ALTER FUNCTION … OWNER TO needs membership in the new owner.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'operator_console_cross_org', 'MEMBER') THEN
    GRANT operator_console_cross_org TO CURRENT_USER;
  END IF;
END;
$$;
--> statement-breakpoint
-- A function's new owner needs CREATE on its schema; the role has no login and only the owner can be it.
GRANT USAGE, CREATE ON SCHEMA public TO operator_console_cross_org;
--> statement-breakpoint
GRANT SELECT ON orgs, org_memberships TO operator_console_cross_org;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON jobs TO operator_console_cross_org;
--> statement-breakpoint
GRANT INSERT ON events TO operator_console_cross_org;
--> statement-breakpoint
CREATE POLICY org_memberships_cross_org_select ON org_memberships FOR SELECT TO operator_console_cross_org USING (true);
--> statement-breakpoint
CREATE POLICY jobs_cross_org_select ON jobs FOR SELECT TO operator_console_cross_org USING (true);
--> statement-breakpoint
CREATE POLICY jobs_cross_org_insert ON jobs FOR INSERT TO operator_console_cross_org WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY jobs_cross_org_update ON jobs FOR UPDATE TO operator_console_cross_org USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE POLICY events_cross_org_insert ON events FOR INSERT TO operator_console_cross_org WITH CHECK (true);
--> statement-breakpoint
-- A user's orgs and roles: /api/me, the org switcher, sign-in audit events (one in each of their orgs).
CREATE FUNCTION app_orgs_of_user(p_user_id uuid)
RETURNS TABLE (org_id uuid, org_name text, timezone text, role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT o.id, o.name, o.timezone, m.role
  FROM org_memberships m JOIN orgs o ON o.id = m.org_id
  WHERE m.user_id = p_user_id
  ORDER BY o.name
$$;
--> statement-breakpoint
-- Member counts of every org, for the admin command line's list-orgs.
CREATE FUNCTION app_org_member_counts()
RETURNS TABLE (org_id uuid, members integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT org_id, count(*)::int FROM org_memberships GROUP BY org_id
$$;
--> statement-breakpoint
-- The job runner's claim: the oldest queued job of any org, or a running one whose heartbeat stopped
-- (its process died). FOR UPDATE SKIP LOCKED: runners never claim the same job, none waits for another.
CREATE FUNCTION app_claim_next_job(p_worker_id text, p_stale_seconds double precision)
RETURNS SETOF jobs
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH next AS (
    SELECT org_id, id FROM jobs
    WHERE status = 'queued'
       OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => p_stale_seconds))
    ORDER BY created_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
  UPDATE jobs AS j SET status = 'running', worker_id = p_worker_id, attempts = j.attempts + 1,
    started_at = coalesce(j.started_at, now()), heartbeat_at = now()
  FROM next WHERE j.org_id = next.org_id AND j.id = next.id
  RETURNING j.*
$$;
--> statement-breakpoint
-- The schedule: queues a p_kind job, as the system, for every org that has had none for p_every_hours,
-- skipping orgs where one is in progress, each with its job.requested event.
CREATE FUNCTION app_enqueue_due_jobs(p_kind text, p_every_hours double precision, p_time_limit_seconds integer)
RETURNS TABLE (org_id uuid, id uuid)
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH queued AS (
    INSERT INTO jobs (org_id, kind, params, time_limit_seconds)
    SELECT o.id, p_kind, '{"scheduled": true}'::jsonb, p_time_limit_seconds FROM orgs o
    WHERE NOT EXISTS (
      SELECT 1 FROM jobs j WHERE j.org_id = o.id AND j.kind = p_kind
        AND j.created_at > now() - make_interval(secs => p_every_hours * 3600))
    ON CONFLICT (org_id, kind) WHERE status IN ('queued', 'running') DO NOTHING
    RETURNING jobs.org_id, jobs.id),
  audited AS (
    INSERT INTO events (org_id, actor_user_id, actor_role, event_type, target_type, target_id, metadata)
    SELECT q.org_id, NULL, 'system', 'job.requested', 'job', q.id::text,
           jsonb_build_object('kind', p_kind, 'scheduled', true)
    FROM queued q)
  SELECT q.org_id, q.id FROM queued q
$$;
--> statement-breakpoint
ALTER FUNCTION app_orgs_of_user(uuid) OWNER TO operator_console_cross_org;
--> statement-breakpoint
ALTER FUNCTION app_org_member_counts() OWNER TO operator_console_cross_org;
--> statement-breakpoint
ALTER FUNCTION app_claim_next_job(text, double precision) OWNER TO operator_console_cross_org;
--> statement-breakpoint
ALTER FUNCTION app_enqueue_due_jobs(text, double precision, integer) OWNER TO operator_console_cross_org;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_orgs_of_user(uuid), app_org_member_counts(),
  app_claim_next_job(text, double precision), app_enqueue_due_jobs(text, double precision, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_orgs_of_user(uuid), app_org_member_counts(),
  app_claim_next_job(text, double precision), app_enqueue_due_jobs(text, double precision, integer) TO operator_console_app;
--> statement-breakpoint
-- The audit chain's link (migration 0009) reads the org's head and writes the link as the table's owner,
-- which FORCE holds to the policies too. Each of its statements is planned for the table as it is: a
-- plan cached while an org had a handful of events found the row to link through (org_id, created_at)
-- and read every event of the org for each link, so a transaction writing thousands took minutes.
CREATE OR REPLACE FUNCTION events_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan AS $$
DECLARE
  pending text := current_setting('audit.pending_orgs', true);
  head_name text := 'audit.head_' || replace(NEW.org_id::text, '-', '');
  head text := current_setting(head_name, true);
  head_seq bigint;
  head_hash text;
  linked text;
  org_before text := current_setting('app.org_id', true);
BEGIN
  -- Under FORCE ROW LEVEL SECURITY the owner that runs this sees only the org set: set the event's own
  -- for the head and the link, then give the transaction back the org it had (a transaction of the
  -- schedule writes to every org, with none set).
  PERFORM set_config('app.org_id', NEW.org_id::text, true);
  IF pending IS NOT NULL AND pending <> '' THEN
    PERFORM set_config('audit.pending_orgs', '', true);
    PERFORM pg_advisory_xact_lock(k)
      FROM (SELECT DISTINCT hashtextextended(o, 7242030) AS k
            FROM unnest(string_to_array(rtrim(pending, ','), ',')) AS o) AS keys
      ORDER BY k;
  END IF;
  IF head IS NULL OR head = '' THEN
    -- Locked above (a second time costs nothing), or here after SET CONSTRAINTS … IMMEDIATE.
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.org_id::text, 7242030));
    SELECT e.seq, e.hash INTO head_seq, head_hash FROM events e
      WHERE e.org_id = NEW.org_id AND e.seq IS NOT NULL ORDER BY e.seq DESC LIMIT 1;
    head_seq := coalesce(head_seq, 0);
    head_hash := coalesce(head_hash, repeat('0', 64));
  ELSE
    head_seq := split_part(head, ':', 1)::bigint;
    head_hash := split_part(head, ':', 2);
  END IF;
  head_seq := head_seq + 1;
  linked := audit_link_hash(NEW.content_hash, head_hash, head_seq);
  UPDATE events SET seq = head_seq, prev_hash = head_hash, hash = linked
    WHERE events.org_id = NEW.org_id AND events.id = NEW.id;
  PERFORM set_config(head_name, head_seq::text || ':' || linked, true);
  PERFORM set_config('app.org_id', coalesce(org_before, ''), true);
  RETURN NULL;
END;
$$;
