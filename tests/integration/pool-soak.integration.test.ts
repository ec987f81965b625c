import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, openPostgres, type DatabaseHandle } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';
import { withOrg } from '../../src/lib/database/with-org';
import { createOrgScope, type MemberScope } from '../../src/lib/scope';
import { changeMemberRole } from '../../src/lib/services/members';
import { getOrgSettings } from '../../src/lib/services/settings';
import { viewMembers } from '../../src/lib/services/views/members';
import { createOrgWithMembers } from '../setup/api';
import { createTestDatabase, testDatabaseKinds, type TestDatabase } from '../setup/databases';
import { sqlState } from '../setup/sql-state';

// Item 9(e): scoped transactions over a pool of two connections, with failures injected in the middle
// of them, never hand a connection back with an org still set. A hook on the pool asks every
// connection, each time it is checked out, what `app.org_id` holds before anyone uses it.

const ORGS = 50;
// The embedded database answers one statement at a time through its socket: fewer rounds there keep
// the file within CI's budget, with every kind of failure still thousands of times over.
const ROUNDS = { postgres: 10_000, pglite: 2_000 } as const;
const IN_FLIGHT = 8;

/** Every checkout runs one query first and records what it found. */
function watchCheckouts(pool: pg.Pool) {
  const seen = { checkouts: 0, leaked: [] as string[] };
  const checkout = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const inspected = async () => {
    const client = await checkout();
    try {
      const { rows } = await client.query<{ org: string | null }>(
        "SELECT current_setting('app.org_id', true) AS org",
      );
      seen.checkouts++;
      if (rows[0]!.org) seen.leaked.push(rows[0]!.org);
      return client;
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
  };
  // pg's own pool.query checks out with a callback; drizzle's transactions with a promise.
  pool.connect = ((
    callback?: (error: Error | undefined, client?: pg.PoolClient, done?: () => void) => void,
  ) => {
    if (!callback) return inspected();
    inspected().then(
      (client) => callback(undefined, client, () => client.release()),
      (error: Error) => callback(error),
    );
  }) as typeof pool.connect;
  return seen;
}

/** A small deterministic generator (mulberry32), so a failure replays the same sequence. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Injected extends Error {}

type Step = (db: DatabaseHandle['db'], scope: MemberScope, other: MemberScope) => Promise<string>;

// Each step says how it ended; a step that should fail and did not, or failed otherwise, is counted.
const STEPS: Record<string, Step> = {
  async 'service read'(db, scope) {
    const page = await viewMembers(db, scope, { limit: 5 });
    return page.items.map((m) => m.email).join() === scope.userEmail ? 'ok' : 'foreign rows';
  },
  async 'settings read'(db, scope) {
    return (await getOrgSettings(db, scope)).timezone === 'UTC' ? 'ok' : 'wrong settings';
  },
  async 'statement fails after set_config'(db, scope) {
    return (await sqlState(() => withOrg(db, scope, (tx) => tx.execute(sql`SELECT 1 / 0`)))) ?? 'no error';
  },
  async 'fn throws after a statement'(db, scope) {
    try {
      await withOrg(db, scope, async (tx) => {
        await tx.execute(sql`SELECT current_setting('app.org_id', true)`);
        throw new Injected();
      });
      return 'no error';
    } catch (error) {
      return error instanceof Injected ? 'thrown' : String(error);
    }
  },
  async 'aborted transaction used again'(db, scope) {
    const state = await sqlState(() =>
      withOrg(db, scope, async (tx) => {
        await tx.execute(sql`SELECT 'x'::int`).catch(() => undefined);
        await tx.execute(sql`SELECT 1`);
      }),
    );
    return state ?? 'no error';
  },
  async 'nested join fails inside'(db, scope) {
    try {
      await withOrg(db, scope, (tx) =>
        withOrg(tx, scope, async (inner) => {
          await inner.execute(sql`SELECT 1`);
          throw new Injected();
        }),
      );
      return 'no error';
    } catch (error) {
      return error instanceof Injected ? 'thrown' : String(error);
    }
  },
  async 'another org inside'(db, scope, other) {
    try {
      await withOrg(db, scope, (tx) => withOrg(tx, other, () => Promise.resolve()));
      return 'no error';
    } catch (error) {
      return /scoped to org/.test(String(error)) ? 'refused' : String(error);
    }
  },
  async 'service error mid-transaction'(db, scope) {
    try {
      await changeMemberRole(db, scope, '00000000-0000-4000-8000-000000000000', 'viewer');
      return 'no error';
    } catch (error) {
      return (error as { code?: string }).code === 'not_found' ? 'not found' : String(error);
    }
  },
};

const EXPECTED: Record<string, string> = {
  'service read': 'ok',
  'settings read': 'ok',
  'statement fails after set_config': '22012',
  'fn throws after a statement': 'thrown',
  'aborted transaction used again': '25P02',
  'nested join fails inside': 'thrown',
  'another org inside': 'refused',
  'service error mid-transaction': 'not found',
};

for (const kind of testDatabaseKinds()) {
  describe(`the pool under scoped transactions that fail [${kind}]`, () => {
    let owner: TestDatabase | undefined;
    let dataDir: string | undefined;
    let handle: DatabaseHandle;
    let scopes: MemberScope[];

    beforeAll(async () => {
      if (kind === 'postgres') {
        owner = await createTestDatabase('postgres');
        handle = openPostgres(owner.url!, { poolSize: 2 });
      } else {
        // The embedded database as the server runs it: PGlite behind its socket, a pool of two.
        dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-soak-'));
        handle = await openDatabase({ dataDir, poolSize: 2, role: 'server' });
        await runMigrations(handle);
      }
      scopes = [];
      for (let i = 0; i < ORGS; i++) {
        const email = `owner${i}@soak.example`;
        const { org, users } = await createOrgWithMembers(handle, `Soak ${i}`, { owner: email });
        scopes.push(
          createOrgScope({
            orgId: org.id,
            orgName: org.name,
            timezone: org.timezone,
            userId: users.owner!.id,
            userEmail: email,
            role: 'owner',
          }),
        );
      }
    });

    afterAll(async () => {
      await handle?.close();
      await owner?.dispose();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    });

    it(`runs ${ROUNDS[kind].toLocaleString('en')} scoped steps over ${ORGS} orgs, ${IN_FLIGHT} at a time, and no checkout finds an org set`, async () => {
      const seen = watchCheckouts(handle.pool!);
      const started = performance.now();
      const next = random(9);
      const names = Object.keys(STEPS);
      const outcomes = new Map<string, Map<string, number>>();
      let issued = 0;
      const worker = async () => {
        while (issued < ROUNDS[kind]) {
          issued++;
          const name = names[Math.floor(next() * names.length)]!;
          const scope = scopes[Math.floor(next() * ORGS)]!;
          const other = scopes[(scopes.indexOf(scope) + 1) % ORGS]!;
          const outcome = await STEPS[name]!(handle.db, scope, other);
          const counts = outcomes.get(name) ?? new Map<string, number>();
          counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
          outcomes.set(name, counts);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));

      console.log(
        `pool soak [${kind}]: ${ROUNDS[kind]} steps, ${seen.checkouts} checkouts in ${Math.round(performance.now() - started)} ms`,
      );
      expect(seen.leaked).toEqual([]);
      // Every step that reaches the database checks a connection out (and was looked at).
      expect(seen.checkouts).toBeGreaterThan(ROUNDS[kind] * 0.8);
      for (const name of names) {
        expect([...outcomes.get(name)!.keys()], name).toEqual([EXPECTED[name]]);
      }
    }, 300_000);

    it('would notice a session-wide setting (the check can fail)', async () => {
      const seen = watchCheckouts(handle.pool!);
      const client = await handle.pool!.connect();
      await client.query("SELECT set_config('app.org_id', 'session-wide', false)");
      client.release();
      await Promise.all([handle.pool!.query('SELECT 1'), handle.pool!.query('SELECT 1')]);
      expect(seen.leaked).toContain('session-wide');
    });
  });
}
