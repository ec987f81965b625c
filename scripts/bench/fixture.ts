// The suite's databases: one per size, `oc_bench_s|m|l` where BENCH_DATABASE_URL points, made once
// (deterministic: seed 1, a fixed clock) and kept, so that a run measures instead of loading. A database
// whose comment does not name this fixture's version is incomplete or older, and is made again.
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openPostgres } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';
import { ensureAppLogin } from '../../src/lib/database/roles';
import { hashPassword } from '../../src/lib/password';
import {
  unsafeAddMembership,
  unsafeCreateUserWithPassword,
  unsafeFindOrg,
} from '../../src/lib/repositories/unsafe';
import { loadSyntheticOrg } from '../../src/lib/seed/load-synthetic';
import { idFactory } from '../../src/lib/seed/synthetic';
import { insertParticipantEvents } from '../bench-database';
import { BenchUsageError, type SizeName } from './options';
import { FIXTURE_CLOCK, SIZES } from './sizes';

const FIXTURE_VERSION = 'operator-console bench fixture 1';
const ORG_NAME = 'Bench';
export const BENCH_USER = { email: 'bench@bench.example', password: 'bench suite password 1' };
/** The login the app and the bare server both use: row-level security applies to it, as in production. */
const APP_LOGIN = 'oc_bench_app';

export interface Fixture {
  size: SizeName;
  /** The owner's URL (a superuser): migrations, SQL-alone baselines. */
  ownerUrl: string;
  /** The app login's URL. */
  appUrl: string;
  orgId: string;
  participantId: (index: number) => string;
}

export function benchServerUrl(): string {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) {
    throw new BenchUsageError(
      'set BENCH_DATABASE_URL to a PostgreSQL superuser URL: the suite creates its databases (oc_bench_s, oc_bench_m, oc_bench_l) there and nowhere else',
    );
  }
  return url;
}

function withDatabase(serverUrl: string, name: string, user?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

/** The size's database, made first when it is missing or incomplete. */
export async function ensureFixture(size: SizeName, log: (line: string) => void): Promise<Fixture> {
  const serverUrl = benchServerUrl();
  const name = `oc_bench_${size.toLowerCase()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const found = await admin.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    const complete = found.rows[0]?.comment === `${FIXTURE_VERSION} ${size}`;
    if (!complete) {
      if (found.rows.length > 0) {
        log(`${name} is incomplete or from an older suite: making it again`);
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      }
      await admin.query(`CREATE DATABASE ${name}`);
      await build(size, withDatabase(serverUrl, name), log);
      await admin.query(`COMMENT ON DATABASE ${name} IS '${FIXTURE_VERSION} ${size}'`);
    }
  } finally {
    await admin.end();
  }
  const ownerUrl = withDatabase(serverUrl, name);
  const handle = openPostgres(ownerUrl, { poolSize: 1 });
  try {
    // A fixture made before a new migration gets it, as an installation would (nothing when current).
    await runMigrations(handle);
    const org = await unsafeFindOrg(handle.db, ORG_NAME);
    if (!org) throw new Error(`${name} has no org "${ORG_NAME}"`);
    return {
      size,
      ownerUrl,
      appUrl: withDatabase(serverUrl, name, APP_LOGIN),
      orgId: org.id,
      participantId: idFactory(org.id, 'participant'),
    };
  } finally {
    await handle.close();
  }
}

/** The tables the suite's cases write: audit events and sessions of every request, Atlas's results. */
const WRITTEN_TABLES = [
  'events',
  'sessions',
  'rate_limits',
  'jobs',
  'recommendations',
  'atlas_communities',
  'atlas_community_links',
  'atlas_participant_scores',
];

/**
 * Vacuums the tables the suite's cases write, as autovacuum would have between two runs: each Atlas
 * run leaves the previous run's 100,000 scores dead (at M), and a machine whose autovacuum is off would
 * otherwise measure every run on the dead rows of all the runs before it (5M of them after a day).
 */
export async function vacuumWrittenTables(owner: pg.Client): Promise<void> {
  await owner.query(`VACUUM (ANALYZE) ${WRITTEN_TABLES.join(', ')}`);
}

async function build(size: SizeName, ownerUrl: string, log: (line: string) => void): Promise<void> {
  const { participants, edges, events } = SIZES[size];
  const started = performance.now();
  const handle = openPostgres(ownerUrl, { poolSize: 2 });
  try {
    await runMigrations(handle);
    await ensureAppLogin(handle.db, APP_LOGIN, null);
    log(
      `loading ${participants.toLocaleString('en')} participants and ${edges.toLocaleString('en')} relationships…`,
    );
    const org = await loadSyntheticOrg(
      handle,
      { name: ORG_NAME, timezone: 'UTC' },
      { participants, edges, seed: 1, now: FIXTURE_CLOCK },
    );
    const user = await unsafeCreateUserWithPassword(handle.db, {
      email: BENCH_USER.email,
      name: 'Bench',
      passwordHash: await hashPassword(BENCH_USER.password),
    });
    await unsafeAddMembership(handle.db, { orgId: org.orgId, userId: user.id, role: 'owner', via: 'bench' });
    log(`loading ${events.toLocaleString('en')} events…`);
    await insertParticipantEvents(handle.db, org.orgId, participants, events, FIXTURE_CLOCK);
    await handle.db.execute(sql`VACUUM ANALYZE`);
    log(`made in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await handle.close();
  }
}
