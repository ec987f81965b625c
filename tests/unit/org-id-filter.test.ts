import { expect, it } from 'vitest';
import { orgTables, orgTablesWithoutOrgId } from '../setup/org-id-filter';

// The rule the suite's end-of-run check applies to every statement of the app (tests/setup/global-setup.ts).
const tables = orgTables();

it('knows the org tables from the schema: every table with an org_id, and only those', () => {
  for (const name of ['participants', 'relationships', 'events', 'org_memberships', 'jobs', 'api_keys']) {
    expect(tables.has(name), name).toBe(true);
  }
  for (const name of ['users', 'orgs', 'sessions', 'accounts', 'verifications', 'rate_limits']) {
    expect(tables.has(name), name).toBe(false);
  }
});

it('finds the org tables a statement touches without naming org_id', () => {
  expect(orgTablesWithoutOrgId('select "id" from "participants" where "id" = $1', tables)).toEqual([
    'participants',
  ]);
  expect(
    orgTablesWithoutOrgId('UPDATE relationships SET weight = 2 FROM participants p WHERE p.id = $1', tables),
  ).toEqual(['participants', 'relationships']);
  expect(orgTablesWithoutOrgId('insert into "events" ("id", "event_type") values ($1, $2)', tables)).toEqual([
    'events',
  ]);
  expect(orgTablesWithoutOrgId('DELETE FROM ONLY jobs WHERE id = $1', tables)).toEqual(['jobs']);
});

it('passes statements that name org_id, touch no org table, or change no rows', () => {
  for (const text of [
    'select "id" from "participants" where ("participants"."org_id" = $1 and "participants"."id" = $2)',
    'insert into "events" ("org_id", "id") values ($1, $2)',
    'SELECT o.id FROM orgs o WHERE o.id = $1',
    'select "id", "email" from "users" where "users"."id" = $1',
    'SELECT org_id AS "orgId" FROM app_org_access($1, $2)',
    '-- a comment naming participants\nALTER TABLE participants ENABLE ROW LEVEL SECURITY',
    'begin',
    "select set_config('app.org_id', $1, true)",
  ]) {
    expect(orgTablesWithoutOrgId(text, tables), text).toEqual([]);
  }
});

it('does not take a comment for the statement', () => {
  expect(
    orgTablesWithoutOrgId(
      '-- org_id is checked elsewhere\nSELECT id FROM participants WHERE id = $1',
      tables,
    ),
  ).toEqual(['participants']);
});
