CREATE TABLE "audit_anchors" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"seq" bigint NOT NULL,
	"head_hash" text NOT NULL,
	"anchored_at" timestamp with time zone NOT NULL,
	"key_id" text NOT NULL,
	"signature" text NOT NULL,
	CONSTRAINT "audit_anchors_pkey" PRIMARY KEY("org_id","id"),
	CONSTRAINT "audit_anchors_org_seq_key" UNIQUE("org_id","seq")
);
--> statement-breakpoint
ALTER TABLE "jobs" DROP CONSTRAINT "jobs_kind_check";--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "content_hash" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "audit_anchors" ADD CONSTRAINT "audit_anchors_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "events_org_seq_key" ON "events" USING btree ("org_id","seq") WHERE "events"."seq" IS NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_kind_check" CHECK (kind IN ('atlas_run', 'stage_update', 'audit_anchor'));--> statement-breakpoint
-- The tamper-evident audit chain (docs/decisions/030-audit-hash-chain.md). Every event gets
-- content_hash = sha256 of its canonical JSON (RFC 8785: its fields and metadata) when it is inserted,
-- and when its transaction commits seq (1, 2, 3 … per org, without gaps), prev_hash (the hash of the
-- event before it; 64 zeros for the first) and hash = sha256 of the canonical JSON of
-- {contentHash, prevHash, seq}. src/lib/audit-chain/canonical.ts computes the same; a property test
-- holds the two equal.

-- A JSON number as ECMAScript's Number.prototype.toString writes it (RFC 8785 §3.2.2.3): the shortest
-- digits that read back as the same double, laid out in plain notation from 1e-6 to 1e21 and in
-- exponent notation outside. PostgreSQL's float8 output is shortest too, except for integers past
-- 2^54 that lie on the edge of their double's rounding interval (1.23e22 prints as
-- 1.2300000000000001e+22, which reads back as the same double): those are shortened here.
CREATE FUNCTION audit_json_number(n numeric) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  t text;
  negative boolean;
  exponent int := 0;
  int_part text;
  digits text;
  point int;
  k int;
  rounded numeric;
  shorter text;
  shorter_point int;
BEGIN
  IF n = 0 THEN RETURN '0'; END IF;
  t := n::float8::text;
  negative := left(t, 1) = '-';
  IF negative THEN t := substr(t, 2); END IF;
  IF strpos(t, 'e') > 0 THEN
    exponent := split_part(t, 'e', 2)::int;
    t := split_part(t, 'e', 1);
  END IF;
  int_part := split_part(t, '.', 1);
  digits := int_part || split_part(t, '.', 2);
  -- The value is 0.<digits> × 10^point once leading zeros are gone.
  point := length(int_part) + exponent - (length(digits) - length(ltrim(digits, '0')));
  digits := rtrim(ltrim(digits, '0'), '0');
  k := length(digits);
  IF point > 16 THEN
    FOR i IN 1 .. k - 1 LOOP
      rounded := round(('0.' || digits)::numeric, i);
      IF rounded >= 1 THEN
        shorter := '1';
        shorter_point := point + 1;
      ELSE
        shorter := rtrim(substr(rounded::text, 3), '0');
        shorter_point := point;
      END IF;
      -- A candidate rounded up past the largest double is not the double (and has no float8).
      CONTINUE WHEN shorter_point >= 309 AND ('0.' || shorter)::numeric > 0.17976931348623157;
      IF ('0.' || shorter || 'e' || shorter_point)::float8 = abs(n::float8) THEN
        digits := shorter;
        point := shorter_point;
        k := length(digits);
        EXIT;
      END IF;
    END LOOP;
  END IF;
  IF k <= point AND point <= 21 THEN
    t := digits || repeat('0', point - k);
  ELSIF 0 < point AND point <= 21 THEN
    t := left(digits, point) || '.' || substr(digits, point + 1);
  ELSIF -6 < point AND point <= 0 THEN
    t := '0.' || repeat('0', -point) || digits;
  ELSE
    t := left(digits, 1) || CASE WHEN k > 1 THEN '.' || substr(digits, 2) ELSE '' END
      || 'e' || CASE WHEN point > 0 THEN '+' ELSE '-' END || abs(point - 1)::text;
  END IF;
  RETURN CASE WHEN negative THEN '-' || t ELSE t END;
END;
$$;
--> statement-breakpoint
-- RFC 8785 orders object keys by their UTF-16 code units; PostgreSQL compares text by code point
-- (COLLATE "C"). The two differ only between U+E000..U+FFFF and characters beyond U+FFFF (which UTF-16
-- writes as surrogates, below U+E000), so a key holding either is rewritten unit by unit, each unit from
-- U+D800 up moved above U+FFFF: code point order of the result is UTF-16 order of the key.
CREATE FUNCTION audit_json_key_order(k text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  result text := '';
  c int;
BEGIN
  FOREACH c IN ARRAY (SELECT array_agg(ascii(ch)) FROM regexp_split_to_table(k, '') AS ch) LOOP
    IF c > 65535 THEN
      result := result || chr(65536 + 55296 + ((c - 65536) >> 10)) || chr(65536 + 56320 + ((c - 65536) & 1023));
    ELSIF c >= 55296 THEN
      result := result || chr(65536 + c);
    ELSE
      result := result || chr(c);
    END IF;
  END LOOP;
  RETURN result;
END;
$$;
--> statement-breakpoint
-- A jsonb value as RFC 8785 canonical JSON text. Strings, true, false and null print as jsonb prints
-- them (it escapes exactly what JSON.stringify escapes); numbers and key order need the two above.
-- Scalars inside objects and arrays are written inline: a call per value would double the cost of
-- linking an event.
CREATE FUNCTION audit_canonical_json(j jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  result text;
BEGIN
  CASE jsonb_typeof(j)
    WHEN 'object' THEN
      SELECT '{' || coalesce(string_agg(to_jsonb(e.key)::text || ':' ||
               CASE jsonb_typeof(e.value)
                 WHEN 'object' THEN audit_canonical_json(e.value)
                 WHEN 'array' THEN audit_canonical_json(e.value)
                 WHEN 'number' THEN audit_json_number(e.value::numeric)
                 ELSE e.value::text
               END, ','
               ORDER BY CASE WHEN e.key ~ '[\uE000-\U0010FFFF]' THEN audit_json_key_order(e.key) ELSE e.key END
                 COLLATE "C"), '') || '}'
        INTO result FROM jsonb_each(j) AS e;
    WHEN 'array' THEN
      SELECT '[' || coalesce(string_agg(
               CASE jsonb_typeof(a.value)
                 WHEN 'object' THEN audit_canonical_json(a.value)
                 WHEN 'array' THEN audit_canonical_json(a.value)
                 WHEN 'number' THEN audit_json_number(a.value::numeric)
                 ELSE a.value::text
               END, ',' ORDER BY a.n), '') || ']'
        INTO result FROM jsonb_array_elements(j) WITH ORDINALITY AS a(value, n);
    WHEN 'number' THEN
      result := audit_json_number(j::numeric);
    ELSE
      result := j::text;
  END CASE;
  RETURN result;
END;
$$;
--> statement-breakpoint
-- What an event says, as canonical JSON: its fields under their API names, in RFC 8785 key order
-- (written out: the names are fixed and ASCII).
CREATE FUNCTION audit_event_content(
  org_id uuid, id uuid, actor_user_id uuid, actor_role text, event_type text, target_type text,
  target_id text, metadata jsonb, created_at timestamptz
) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT '{"actorRole":' || coalesce(to_jsonb(actor_role)::text, 'null')
    || ',"actorUserId":' || coalesce('"' || actor_user_id::text || '"', 'null')
    || ',"createdAt":"' || to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"'
    || ',"eventType":' || to_jsonb(event_type)::text
    || ',"id":"' || id::text || '"'
    || ',"metadata":' || audit_canonical_json(metadata)
    || ',"orgId":"' || org_id::text || '"'
    || ',"targetId":' || coalesce(to_jsonb(target_id)::text, 'null')
    || ',"targetType":' || coalesce(to_jsonb(target_type)::text, 'null')
    || '}'
$$;
--> statement-breakpoint
CREATE FUNCTION audit_sha256(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT encode(sha256(convert_to(t, 'UTF8')), 'hex') $$;
--> statement-breakpoint
-- An event's link: its place in the chain, what came before it and what it says.
CREATE FUNCTION audit_link_hash(content_hash text, prev_hash text, seq bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT audit_sha256('{"contentHash":"' || content_hash || '","prevHash":"' || prev_hash || '","seq":' || seq::text || '}')
$$;
--> statement-breakpoint
-- At insert, with no lock: the event's content hash (the costly part: canonical JSON of its metadata).
-- Chain fields set by the writer are refused, and the org is remembered for the commit, where the
-- chain locks of all of them are taken at once.
CREATE FUNCTION events_chain_pending() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  pending text := coalesce(current_setting('audit.pending_orgs', true), '');
BEGIN
  IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.content_hash IS NOT NULL THEN
    RAISE EXCEPTION 'the chain fields of an event are set by the audit chain, not by its writer'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  NEW.content_hash := audit_sha256(audit_event_content(NEW.org_id, NEW.id, NEW.actor_user_id, NEW.actor_role,
    NEW.event_type, NEW.target_type, NEW.target_id, NEW.metadata, NEW.created_at));
  IF strpos(pending, NEW.org_id::text) = 0 THEN
    PERFORM set_config('audit.pending_orgs', pending || NEW.org_id::text || ',', true);
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
-- At commit (a deferred constraint trigger), each new event is linked after its org's head. The first
-- link of a transaction takes the chain lock of every org the transaction wrote to, in one order, so
-- transactions writing to several orgs cannot deadlock on them, and a lock is held from the start of
-- the commit to its end only. The head is read once per org and transaction, then carried in a
-- transaction-local setting (updating a head row per event would leave a chain of row versions that
-- every later link of the same transaction walks).
CREATE FUNCTION events_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  pending text := current_setting('audit.pending_orgs', true);
  head_name text := 'audit.head_' || replace(NEW.org_id::text, '-', '');
  head text := current_setting(head_name, true);
  head_seq bigint;
  head_hash text;
  linked text;
BEGIN
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
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- The append-only rule, with one exception: the chain's own link, made from inside its trigger, which
-- sets the chain fields of an event not yet linked and nothing else.
CREATE OR REPLACE FUNCTION events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
     AND (NEW.org_id, NEW.id, NEW.actor_user_id, NEW.actor_role, NEW.event_type, NEW.target_type,
          NEW.target_id, NEW.metadata, NEW.created_at, NEW.content_hash)
         IS NOT DISTINCT FROM (OLD.org_id, OLD.id, OLD.actor_user_id, OLD.actor_role, OLD.event_type,
          OLD.target_type, OLD.target_id, OLD.metadata, OLD.created_at, OLD.content_hash) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'the audit log is append-only: % on events is refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
-- Existing events join the chain in the order they were written (created_at, then id), each org from
-- seq 1. The append-only trigger is off for this one pass, inside the migration's transaction.
ALTER TABLE events DISABLE TRIGGER events_append_only;
--> statement-breakpoint
DO $$
DECLARE
  r record;
  current_org uuid;
  prev text;
  n bigint;
  content text;
  linked text;
BEGIN
  FOR r IN SELECT * FROM events ORDER BY org_id, created_at, id LOOP
    IF current_org IS DISTINCT FROM r.org_id THEN
      current_org := r.org_id;
      prev := repeat('0', 64);
      n := 0;
    END IF;
    n := n + 1;
    content := audit_sha256(audit_event_content(r.org_id, r.id, r.actor_user_id, r.actor_role, r.event_type,
      r.target_type, r.target_id, r.metadata, r.created_at));
    linked := audit_link_hash(content, prev, n);
    UPDATE events SET content_hash = content, seq = n, prev_hash = prev, hash = linked
      WHERE org_id = r.org_id AND id = r.id;
    prev := linked;
  END LOOP;
END;
$$;
--> statement-breakpoint
ALTER TABLE events ENABLE TRIGGER events_append_only;
--> statement-breakpoint
CREATE TRIGGER events_chain_pending BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_chain_pending();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER events_chain_link AFTER INSERT ON events
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION events_chain_link();
--> statement-breakpoint
-- Anchors are append-only too: a signed statement about the past is never rewritten.
CREATE FUNCTION audit_anchors_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit anchors are append-only: % on audit_anchors is refused', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_anchors_append_only
  BEFORE UPDATE OR DELETE ON audit_anchors
  FOR EACH ROW EXECUTE FUNCTION audit_anchors_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_anchors_no_truncate
  BEFORE TRUNCATE ON audit_anchors
  FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_refuse_change();
--> statement-breakpoint
-- The app may add anchors and read them, nothing more (migration 0008's default grants include UPDATE
-- and DELETE).
REVOKE UPDATE, DELETE ON audit_anchors FROM operator_console_app;
