import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { MIGRATIONS_LABEL } from '../../src/lib/database/migrate';
import { orgTables, orgTablesWithoutOrgId } from './org-id-filter';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of a reachable PostgreSQL server, or null when there is none. */
    postgresUrl: string | null;
  }
}

const DEFAULT_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Database tests run on PGlite always, and on PostgreSQL too when one answers. */
export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_URL;
  const ok = await reachable(url);
  if (!ok && (process.env.TEST_DATABASE_URL || process.env.REQUIRE_POSTGRES === '1')) {
    throw new Error(`PostgreSQL at ${url} does not answer, and the tests were told to use it`);
  }
  console.log(
    ok
      ? `Database tests run on PGlite and on PostgreSQL (${url.replace(/:[^:@/]*@/, ':***@')}).`
      : 'Database tests run on PGlite only: no PostgreSQL answers on 127.0.0.1:5432 (set TEST_DATABASE_URL to use one).',
  );
  project.provide('postgresUrl', ok ? url : null);
  if (!ok) return;
  // The workers are forked after this: they log their statements to this directory (statement-log.ts).
  const statements = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-statements-'));
  process.env.OC_STATEMENT_LOG_DIR = statements;
  return () => {
    try {
      checkOrgFilters(statements);
    } catch (error) {
      // Vitest reports an error thrown here but still exits 0: the run fails by its exit code.
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    } finally {
      fs.rmSync(statements, { recursive: true, force: true });
    }
  };
}

const moduleNames = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => path.basename(file).replace(/\.tsx?$/, ''));

/**
 * Issue 11: the app's statements on an org table name org_id (tests/setup/org-id-filter.ts). The
 * statements the tests send themselves (their own checks, fixtures, cleanup) are not the app's: their
 * label is a test file's, or a module of tests/setup that no app module shares the name of.
 */
function checkOrgFilters(dir: string): void {
  const appModules = new Set(moduleNames('src'));
  const testModules = new Set(moduleNames('tests/setup').filter((name) => !appModules.has(name)));
  // Migrations change data across every org by design (run as the owner, on the coordinator).
  const skipped = (label: string) =>
    label === MIGRATIONS_LABEL || /\.test\b/.test(label) || testModules.has(label.split('.')[0]!);
  const tables = orgTables();
  const problems = new Map<string, string>();
  let checked = 0;
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      if (!line) continue;
      const { label, text } = JSON.parse(line) as { label: string; text: string };
      if (skipped(label)) continue;
      checked += 1;
      const missing = orgTablesWithoutOrgId(text, tables);
      if (missing.length > 0)
        problems.set(text, `${label} (${missing.join(', ')}): ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
  }
  if (checked === 0) throw new Error('No statement of the app was logged: the org_id check saw nothing.');
  if (problems.size > 0) {
    throw new Error(
      `${problems.size} statement(s) of the app read or write an org table without naming org_id:\n  ${[...problems.values()].join('\n  ')}`,
    );
  }
  console.log(
    `Every statement of the app on an org table names org_id (${checked} distinct statements checked).`,
  );
}
