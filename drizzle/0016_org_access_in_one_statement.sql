-- The membership check of every org request in one statement (issue 11, bench -- detail): the org asked
-- for and the user's role in it, as the cross-org role (decision 029), without a transaction bound to
-- the org first (BEGIN, set_config, the lookup, COMMIT: four round trips where one does). It tells the
-- app nothing it could not read by binding a transaction to that org: whether the org exists, its name
-- and time zone, and this user's role there.
CREATE FUNCTION app_org_access(p_user_id uuid, p_org_id uuid)
RETURNS TABLE (org_id uuid, org_name text, timezone text, role text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT o.id, o.name, o.timezone, m.role
  FROM orgs o
  LEFT JOIN org_memberships m ON m.org_id = o.id AND m.user_id = p_user_id
  WHERE o.id = p_org_id
$$;--> statement-breakpoint
ALTER FUNCTION app_org_access(uuid, uuid) OWNER TO operator_console_cross_org;--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_org_access(uuid, uuid) FROM PUBLIC;--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_org_access(uuid, uuid) TO operator_console_app;
