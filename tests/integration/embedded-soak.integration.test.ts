import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, queryRows, type DatabaseHandle } from '../../src/lib/db';
import { runMigrations } from '../../src/lib/database/migrate';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';

// The embedded database is one PGlite shared over a Unix socket by the server's own pool and by every
// command. Two clients' extended-protocol exchanges (Parse, Bind, Execute, Sync) once interleaved there
// ("bind message supplies 1 parameters, but prepared statement "" requires 2"). This keeps 20 clients
// busy at once for a minute — ten loops of commands on their own connections, ten of API requests
// through the server — and every answer must be the one its own client asked for.

const SECONDS = Number(process.env.EMBEDDED_SOAK_SECONDS ?? 60);
const COMMAND_LOOPS = 10;
const REQUEST_LOOPS = 10;

let dataDir: string;
let server: DatabaseHandle;
let commands: DatabaseHandle[];
let api: TestApi;
let cookie: string;
let orgId: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-embedded-soak-'));
  server = await openDatabase({ dataDir, poolSize: 10, role: 'server' });
  await runMigrations(server);
  const { org, users } = await createOrgWithMembers(server, 'Soak', { owner: 'soak-owner@example.com' });
  orgId = org.id;
  // The limits are per minute; this test is the only client and must not be throttled.
  api = createTestApi(server, {
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '1000000',
  });
  cookie = await signIn(api, users.owner!.email);
  // Three command processes' worth of connections (two each), as `npm run admin` and a seed would open.
  commands = await Promise.all([1, 2, 3].map(() => openDatabase({ dataDir, poolSize: 2, role: 'command' })));
  for (const command of commands) expect(command.kind).toBe('embedded-via-server');
});

afterAll(async () => {
  await Promise.all((commands ?? []).map((command) => command.close()));
  await server?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Statements with different parameter counts back to back, then a transaction that writes and reads. */
async function commandRound(command: DatabaseHandle, loop: number, round: number): Promise<void> {
  const one = await queryRows<{ n: number }>(command.db, sql`SELECT ${round}::int AS n`);
  expect(one).toEqual([{ n: round }]);
  const three = await queryRows<{ sum: number; tag: string }>(
    command.db,
    sql`SELECT ${loop}::int + ${round}::int AS sum, ${`c${loop}`}::text AS tag`,
  );
  expect(three).toEqual([{ sum: loop + round, tag: `c${loop}` }]);
  const name = `soak ${loop}.${round}`;
  const inserted = await command.db.transaction(async (tx) => {
    const [row] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO orgs (name, timezone) VALUES (${name}, ${'UTC'}) RETURNING id`,
    );
    const [read] = await queryRows<{ name: string }>(tx, sql`SELECT name FROM orgs WHERE id = ${row!.id}`);
    return read!.name;
  });
  expect(inserted).toBe(name);
}

/** A read of a list with parameters, an audited write, and a read of what the write changed. */
async function requestRound(loop: number, round: number): Promise<void> {
  const list = await api.request(`/api/orgs/${orgId}/participants?limit=5&q=soak${loop}`, { cookie });
  expect(list.status).toBe(200);
  const days = 20 + ((loop + round) % 10);
  const changed = await api.request(`/api/orgs/${orgId}/settings`, {
    method: 'PATCH',
    cookie,
    body: { activeDays: days },
  });
  expect(changed.status).toBe(200);
  const members = await api.request(`/api/orgs/${orgId}/members`, { cookie });
  expect(members.status).toBe(200);
}

describe('the embedded database under 20 concurrent clients', () => {
  it(
    `answers every command and request correctly for ${SECONDS} s`,
    async () => {
      const until = Date.now() + SECONDS * 1000;
      const rounds = { commands: 0, requests: 0 };
      const commandLoop = async (loop: number) => {
        const command = commands[loop % commands.length]!;
        for (let round = 0; Date.now() < until; round++) {
          await commandRound(command, loop, round);
          rounds.commands++;
        }
      };
      const requestLoop = async (loop: number) => {
        for (let round = 0; Date.now() < until; round++) {
          await requestRound(loop, round);
          rounds.requests++;
        }
      };
      await Promise.all([
        ...Array.from({ length: COMMAND_LOOPS }, (_, loop) => commandLoop(loop)),
        ...Array.from({ length: REQUEST_LOOPS }, (_, loop) => requestLoop(loop)),
      ]);
      // Every loop made progress, and every command's org is there exactly once.
      expect(rounds.commands).toBeGreaterThanOrEqual(COMMAND_LOOPS);
      expect(rounds.requests).toBeGreaterThanOrEqual(REQUEST_LOOPS);
      const [made] = await queryRows<{ n: number; distinct: number }>(
        server.db,
        sql`SELECT count(*)::int AS n, count(DISTINCT name)::int AS distinct FROM orgs WHERE name LIKE 'soak %'`,
      );
      expect(made).toEqual({ n: rounds.commands, distinct: rounds.commands });
      const [changes] = await queryRows<{ n: number }>(
        server.db,
        sql`SELECT count(*)::int AS n FROM events WHERE org_id = ${orgId} AND event_type = 'org.settings_changed'`,
      );
      // A PATCH that changes nothing writes no event, so at most one per request round.
      expect(changes!.n).toBeGreaterThan(0);
      expect(changes!.n).toBeLessThanOrEqual(rounds.requests);
    },
    (SECONDS + 120) * 1000,
  );
});
