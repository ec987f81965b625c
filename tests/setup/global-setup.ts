import pg from 'pg';
import type { TestProject } from 'vitest/node';

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
export default async function setup(project: TestProject): Promise<void> {
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
}
