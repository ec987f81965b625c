ALTER TABLE "events" ADD COLUMN "personal" jsonb;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "personal_salt" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "personal_digest" text;--> statement-breakpoint
ALTER TABLE "participants" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
-- What an event says, with the digest of its personal part (docs/decisions/034): the same canonical JSON
-- as audit_event_content, plus "personalDigest" (between "orgId" and "targetId" in RFC 8785 order) when
-- the event has one. Events without one hash exactly as before, so the chain written so far still holds.
CREATE FUNCTION audit_event_content(
  org_id uuid, id uuid, actor_user_id uuid, actor_role text, event_type text, target_type text,
  target_id text, metadata jsonb, created_at timestamptz, personal_digest text
) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT '{"actorRole":' || coalesce(to_jsonb(actor_role)::text, 'null')
    || ',"actorUserId":' || coalesce('"' || actor_user_id::text || '"', 'null')
    || ',"createdAt":"' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
    || ',"eventType":' || to_jsonb(event_type)::text
    || ',"id":"' || id::text || '"'
    || ',"metadata":' || audit_canonical_json(metadata)
    || ',"orgId":"' || org_id::text || '"'
    || coalesce(',"personalDigest":"' || personal_digest || '"', '')
    || ',"targetId":' || coalesce(to_jsonb(target_id)::text, 'null')
    || ',"targetType":' || coalesce(to_jsonb(target_type)::text, 'null')
    || '}'
$$;
--> statement-breakpoint
-- At insert: a personal part gets a fresh salt (two random UUIDs, 244 random bits) and its digest; the
-- content hash then commits to the digest, never to the personal fields themselves.
CREATE OR REPLACE FUNCTION events_chain_pending() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pending text := coalesce(current_setting('audit.pending_orgs', true), '');
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.content_hash IS NOT NULL
     OR NEW.personal_salt IS NOT NULL OR NEW.personal_digest IS NOT NULL THEN
    RAISE EXCEPTION 'the chain fields of an event are set by the audit chain, not by its writer'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.personal = 'null'::jsonb OR NEW.personal = '{}'::jsonb THEN
    NEW.personal := NULL;
  END IF;
  IF NEW.personal IS NOT NULL THEN
    NEW.personal_salt := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    NEW.personal_digest := audit_sha256(NEW.personal_salt || audit_canonical_json(NEW.personal));
  END IF;
  NEW.content_hash := audit_sha256(audit_event_content(NEW.org_id, NEW.id, NEW.actor_user_id, NEW.actor_role,
    NEW.event_type, NEW.target_type, NEW.target_id, NEW.metadata, NEW.created_at, NEW.personal_digest));
  IF strpos(pending, NEW.org_id::text) = 0 THEN
    PERFORM set_config('audit.pending_orgs', pending || NEW.org_id::text || ',', true);
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- The append-only rule, with two exceptions: the chain's own link (from inside its trigger: the chain
-- fields of an event not yet linked, nothing else), and an erasure (app_erase_personal, as the cross-org
-- role: an event's personal part and its salt set to null, nothing else).
CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
     AND (NEW.org_id, NEW.id, NEW.actor_user_id, NEW.actor_role, NEW.event_type, NEW.target_type,
          NEW.target_id, NEW.metadata, NEW.created_at, NEW.content_hash, NEW.personal, NEW.personal_salt,
          NEW.personal_digest)
         IS NOT DISTINCT FROM (OLD.org_id, OLD.id, OLD.actor_user_id, OLD.actor_role, OLD.event_type,
          OLD.target_type, OLD.target_id, OLD.metadata, OLD.created_at, OLD.content_hash, OLD.personal,
          OLD.personal_salt, OLD.personal_digest) THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND current_user = 'operator_console_cross_org'
     AND OLD.personal IS NOT NULL AND NEW.personal IS NULL AND NEW.personal_salt IS NULL
     AND (NEW.org_id, NEW.id, NEW.actor_user_id, NEW.actor_role, NEW.event_type, NEW.target_type,
          NEW.target_id, NEW.metadata, NEW.created_at, NEW.content_hash, NEW.personal_digest, NEW.seq,
          NEW.prev_hash, NEW.hash)
         IS NOT DISTINCT FROM (OLD.org_id, OLD.id, OLD.actor_user_id, OLD.actor_role, OLD.event_type,
          OLD.target_type, OLD.target_id, OLD.metadata, OLD.created_at, OLD.content_hash, OLD.personal_digest,
          OLD.seq, OLD.prev_hash, OLD.hash) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on events is refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
GRANT SELECT, UPDATE (personal, personal_salt) ON events TO operator_console_cross_org;
--> statement-breakpoint
-- The one way to change an event after it is written: an erasure removes the personal part of the
-- events of the org in scope (app.org_id, held by the policies) that concern the person — targeting
-- them or what concerned them alone (p_target_ids), or with a personal part matching p_pattern (their
-- email or name, a case-insensitive regular expression). Returns how many events it erased from.
CREATE FUNCTION app_erase_personal(p_target_ids text[], p_pattern text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  WITH erased AS (
    UPDATE events SET personal = NULL, personal_salt = NULL
    WHERE org_id = nullif(current_setting('app.org_id', true), '')::uuid AND personal IS NOT NULL
      AND (target_id = ANY (p_target_ids) OR personal::text ~* p_pattern)
    RETURNING 1)
  SELECT count(*)::int FROM erased
$$;
--> statement-breakpoint
ALTER FUNCTION app_erase_personal(text[], text) OWNER TO operator_console_cross_org;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_erase_personal(text[], text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_erase_personal(text[], text) TO operator_console_app;
