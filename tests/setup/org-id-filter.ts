// Issue 11: every statement the app sends to a table with an org_id names the org, so that Citus can
// send it to the one worker holding that org (docs/scaling.md). The integration suite's statements on
// PostgreSQL are logged (statement-log.ts) and checked here when the run ends (global-setup.ts).
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { is } from 'drizzle-orm';
import { PgTable as PgTableClass } from 'drizzle-orm/pg-core';
import * as schema from '../../src/lib/database/schema';

/** The tables with an org_id column: every org's rows (distributed by org_id under Citus). */
export function orgTables(): Set<string> {
  const names = new Set<string>();
  for (const value of Object.values(schema)) {
    if (!is(value, PgTableClass)) continue;
    const config = getTableConfig(value as PgTable);
    if (config.columns.some((column) => column.name === 'org_id')) names.add(config.name);
  }
  return names;
}

// Statements that read or write no rows of an org: schema changes, transaction control, settings.
const UTILITY =
  /^\s*(create|alter|drop|comment|grant|revoke|vacuum|analy[sz]e|set|reset|show|begin|start|commit|rollback|savepoint|release|lock|discard|listen|notify|deallocate)\b/i;
const TABLE_REFERENCE = /\b(?:from|join|into|update|truncate|table)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/**
 * The org tables `text` reads or writes without naming org_id anywhere in it; empty when it names it
 * (in a condition, a join, an insert's columns) or touches none. A textual check: a statement that
 * names org_id for one table and not another passes, which the row-level security policies back up.
 */
export function orgTablesWithoutOrgId(text: string, tables: Set<string>): string[] {
  const sql = text.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  if (UTILITY.test(sql) || /\borg_id\b/i.test(sql)) return [];
  const touched = new Set<string>();
  for (const match of sql.matchAll(TABLE_REFERENCE)) {
    const name = match[1]!.toLowerCase();
    if (tables.has(name)) touched.add(name);
  }
  return [...touched].sort();
}
