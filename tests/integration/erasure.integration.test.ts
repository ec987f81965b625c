import { eq, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { runAuditCommand } from '../../src/cli/audit';
import type { CommandIo } from '../../src/cli/command';
import {
  atlasCommunities,
  events,
  idempotencyKeys,
  jobs,
  participants,
  recommendations,
  relationships,
} from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

const NAME = 'Zebulon Quartermaine';
const EMAIL = 'zebulon.q@example.com';
/** What must be nowhere after the erasure: both, in any case. */
const NEEDLES = ['zebulon', 'quartermaine'];

/** Every text and JSON cell of every table (as the superuser, past row-level security) holding `needle`. */
async function cellsHolding(db: TestDatabase, needle: string): Promise<string[]> {
  const columns = await queryRows<{ table: string; column: string }>(
    db.db,
    sql`SELECT c.table_name AS table, c.column_name AS column FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.data_type IN ('text', 'jsonb', 'json', 'character varying', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const { table, column } of columns) {
    const [row] = await queryRows<{ n: number }>(
      db.db,
      sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}
          WHERE ${sql.identifier(column)}::text ILIKE ${`%${needle}%`}`,
    );
    if (row!.n > 0) found.push(`${table}.${column} (${row!.n})`);
  }
  return found;
}

describeEachDatabase('erasure of a participant', ({ db }) => {
  async function setup() {
    const api = createTestApi(db(), { RATE_LIMIT_USER_PER_MINUTE: '100000' });
    const { org } = await createOrgWithMembers(db(), 'Erasure org', {
      owner: 'owner@e.example',
      admin: 'admin@e.example',
    });
    const [him, friend] = await db()
      .db.insert(participants)
      .values([
        { orgId: org.id, email: EMAIL, displayName: NAME, role: 'member', origin: 'import' },
        {
          orgId: org.id,
          email: 'friend@example.com',
          displayName: 'Friendly Person',
          role: 'member',
          origin: 'import',
        },
      ])
      .returning({ id: participants.id });
    await db().db.insert(relationships).values({
      orgId: org.id,
      fromParticipantId: him!.id,
      toParticipantId: friend!.id,
      type: 'knows',
      source: 'import',
      confidenceScore: 0.8,
    });
    return { api, org, him: him!.id, friend: friend!.id, owner: await signIn(api, 'owner@e.example') };
  }

  it('removes their email and name from every table, and the audit chain still verifies', async () => {
    const { api, org, him, friend, owner } = await setup();
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const response = await api.request(`/api/orgs/${org.id}${path}`, {
        method: 'POST',
        cookie: owner,
        body,
        headers,
      });
      expect(response.status, await response.clone().text()).toBeLessThan(300);
      return response.json();
    };
    // Their name and email copied the ways a console copies them: a note on them alone, a reason
    // naming them, a search for them, an export of that search, an accepted recommendation with a
    // reason, a community named after them, a job's result, and a stored answer to a retried request.
    await post('/interventions', {
      type: 'add_note',
      scope: 'participant',
      targetIds: [him],
      reason: `Called ${NAME}`,
      newState: { note: 'Prefers calls in the morning' },
    });
    await post('/interventions', {
      type: 'flag_for_review',
      scope: 'participant',
      targetIds: [him, friend],
      reason: `Check ${EMAIL} and their friend`,
    });
    expect(
      (await api.request(`/api/orgs/${org.id}/participants?q=${encodeURIComponent(NAME)}`, { cookie: owner }))
        .status,
    ).toBe(200);
    const exported = await api.request(`/api/orgs/${org.id}/participants/export?format=csv&q=zebulon`, {
      cookie: owner,
    });
    expect(await exported.text()).toContain(EMAIL);
    const [recommendation] = await db()
      .db.insert(recommendations)
      .values({
        orgId: org.id,
        targetType: 'participant',
        targetId: him,
        suggestedAction: 'flag_for_review',
        reason: 'Quiet for a month',
        metadata: { seenAs: NAME },
        confidence: 0.6,
      })
      .returning({ id: recommendations.id });
    await post(`/recommendations/${recommendation!.id}/accept`, { reason: `Talked to Zebulon about it` });
    const [job] = await db()
      .db.insert(jobs)
      .values({
        orgId: org.id,
        kind: 'atlas_run',
        status: 'succeeded',
        timeLimitSeconds: 60,
        result: { top: NAME },
      })
      .returning({ id: jobs.id });
    await db()
      .db.insert(atlasCommunities)
      .values({
        orgId: org.id,
        jobId: job!.id,
        community: 0,
        size: 2,
        stageCounts: { new: 2, active: 0, at_risk: 0, dormant: 0 },
        label: `${NAME} and Friendly Person`,
        centralParticipantIds: [him, friend],
        x: 0,
        y: 0,
        activity: {},
      });
    await db()
      .db.insert(idempotencyKeys)
      .values({
        orgId: org.id,
        userId: crypto.randomUUID(),
        key: 'retry-1',
        requestHash: 'h',
        responseStatus: 201,
        responseBody: JSON.stringify({ displayName: NAME }),
      });
    for (const needle of NEEDLES) expect((await cellsHolding(db(), needle)).length).toBeGreaterThan(3);

    const erased = await api.request(`/api/orgs/${org.id}/participants/${him}/erase`, {
      method: 'POST',
      cookie: owner,
      body: { reason: `Request 118 from ${NAME} <${EMAIL}>` },
    });
    expect(erased.status, await erased.clone().text()).toBe(200);
    expect((await erased.json()).counts).toMatchObject({
      notesRemoved: 1,
      interventions: 2,
      recommendations: 1,
      communities: 1,
      jobs: 1,
      idempotencyKeys: 1,
    });

    for (const needle of NEEDLES) expect(await cellsHolding(db(), needle), needle).toEqual([]);
    const [row] = await db().db.select().from(participants).where(eq(participants.id, him));
    expect(row).toMatchObject({ email: null, displayName: 'Erased participant', erasedAt: expect.any(Date) });
    expect(await db().db.select().from(relationships).where(eq(relationships.orgId, org.id))).toHaveLength(1);
    const [community] = await db()
      .db.select()
      .from(atlasCommunities)
      .where(eq(atlasCommunities.orgId, org.id));
    expect(community!.label).toBe('Friendly Person and 1 other');

    const [event] = await db().db.select().from(events).where(eq(events.eventType, 'participant.erased'));
    expect(event).toMatchObject({ targetType: 'participant', targetId: him, actorRole: 'owner' });
    expect(event!.personal).toEqual({ reason: 'Request 118 from [erased] <[erased]>' });

    const verified = await (await api.request(`/api/orgs/${org.id}/events/verify`, { cookie: owner })).json();
    expect(verified).toMatchObject({ status: 'verified', firstBroken: null });
    const io: CommandIo & { lines: string[] } = {
      lines: [],
      out: (l) => io.lines.push(l),
      err: (l) => io.lines.push(l),
    };
    const code = await runAuditCommand(
      ['verify', '--org', org.id],
      io,
      async () => ({ ...db(), close: async () => undefined }),
      () => null,
    );
    expect(code, io.lines.join('\n')).toBe(0);
  });

  it('is for owners only, once, and leaves the audit log append-only to everyone else', async () => {
    const { api, org, him } = await setup();
    const admin = await signIn(api, 'admin@e.example');
    const path = `/api/orgs/${org.id}/participants/${him}/erase`;
    const body = { reason: 'Request 7' };
    expect((await api.request(path, { method: 'POST', cookie: admin, body })).status).toBe(403);
    const owner = await signIn(api, 'owner@e.example');
    expect((await api.request(path, { method: 'POST', cookie: owner, body: { reason: ' ' } })).status).toBe(
      400,
    );
    expect((await api.request(path, { method: 'POST', cookie: owner, body })).status).toBe(200);
    const again = await api.request(path, { method: 'POST', cookie: owner, body });
    expect(again.status).toBe(409);
    const missing = `/api/orgs/${org.id}/participants/00000000-0000-4000-8000-000000000000/erase`;
    expect((await api.request(missing, { method: 'POST', cookie: owner, body })).status).toBe(404);

    // The app's own role may not touch an event's personal part, nor call the erasure across orgs.
    const app = db().app ?? db();
    await expect(
      app.db.transaction(async (tx) => {
        await tx.execute(
          sql`SELECT set_config('app.org_id', ${org.id}, true), set_config('role', 'operator_console_app', true)`,
        );
        await tx.execute(sql`UPDATE events SET personal = NULL WHERE org_id = ${org.id}`);
      }),
    ).rejects.toThrow();
  });

  it('a personal part edited after it was written breaks the chain at that event', async () => {
    const { api, org, him, owner } = await setup();
    expect((await api.request(`/api/orgs/${org.id}/participants?q=someone`, { cookie: owner })).status).toBe(
      200,
    );
    await db().db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(
        sql`UPDATE events SET personal = '{"q":"someone else"}' WHERE org_id = ${org.id} AND personal IS NOT NULL`,
      );
    });
    const report = await (await api.request(`/api/orgs/${org.id}/events/verify`, { cookie: owner })).json();
    expect(report).toMatchObject({ status: 'broken', firstBroken: { problem: 'personal_digest_mismatch' } });
    expect(him).toBeTruthy();
  });
});
