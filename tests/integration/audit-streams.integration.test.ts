import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { writeAuditEvent } from '../../src/lib/audit';
import { AuditStreamDispatcher } from '../../src/lib/audit-stream/dispatcher';
import { createDeliveryJob } from '../../src/lib/audit-stream/delivery-job';
import { auditDeliveries, auditStreams } from '../../src/lib/database/schema';
import { queryRows } from '../../src/lib/db';
import { withOrg } from '../../src/lib/database/with-org';
import { JOB_HANDLERS } from '../../src/lib/jobs/handlers';
import { JobRunner } from '../../src/lib/jobs/runner';
import { createSystemScope } from '../../src/lib/scope';
// The snippet the README gives receivers, as they would copy it.
import { verifyAuditWebhook } from '../../scripts/verify-audit-webhook.mjs';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

interface Received {
  body: string;
  timestamp: string;
  signature: string;
  events: { id: string; seq: number; eventType: string }[];
}

/**
 * A receiver on a free local port. `answer` decides each request's fate by its number (0-based):
 * a status, or 'hang' (never answers: the sender times out or is stopped).
 */
async function startReceiver(answer: (n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        body,
        timestamp: String(req.headers['x-audit-timestamp']),
        signature: String(req.headers['x-audit-signature']),
        events: (JSON.parse(body) as { events: Received['events'] }).events,
      });
      const fate = answer(n++);
      if (fate === 'hang') return;
      res.writeHead(fate).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  servers.push(server);
  return { url, received };
}

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

const quiet = () => undefined;

describeEachDatabase('audit streaming', ({ db }) => {
  async function setup(receiverUrl: string) {
    const api = createTestApi(db());
    const { org } = await createOrgWithMembers(db(), 'Streaming org', { admin: 'admin@s.example' });
    const admin = await signIn(api, 'admin@s.example');
    const created = await api.request(`/api/orgs/${org.id}/audit-streams`, {
      method: 'POST',
      cookie: admin,
      body: { url: receiverUrl },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const stream = (await created.json()) as { id: string; secret: string; deliveredThroughSeq: number };
    const scope = createSystemScope(org);
    /** `count` events, `perTransaction` to a transaction. */
    const write = async (count: number, perTransaction = 50) => {
      for (let i = 0; i < count; i += perTransaction) {
        await withOrg(db().db, scope, async (tx) => {
          for (let j = i; j < Math.min(count, i + perTransaction); j++) {
            await writeAuditEvent(tx, scope, {
              type: 'participant.viewed',
              targetId: `p-${j}`,
              metadata: { j },
            });
          }
        });
      }
    };
    const dispatcher = new AuditStreamDispatcher(db().db, 1000, quiet);
    return { api, org, admin, stream, write, dispatcher };
  }

  async function headSeq(orgId: string): Promise<number> {
    const [row] = await queryRows<{ seq: number }>(
      db().db,
      sql`SELECT coalesce(max(seq), 0)::int AS seq FROM events WHERE org_id = ${orgId}`,
    );
    return row!.seq;
  }

  it('delivers signed batches in order, retries a failing receiver with backoff, and logs each attempt', async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 503 : 200));
    const { api, org, admin, stream, write, dispatcher } = await setup(receiver.url);
    await write(230);
    const runner = new JobRunner(db().db, JOB_HANDLERS, { log: quiet });

    expect(await dispatcher.dispatch()).toBe(1);
    expect(await runner.runNext()).toBe(true);
    expect(receiver.received).toHaveLength(1);
    const [afterFailure] = await db().db.select().from(auditStreams).where(eq(auditStreams.id, stream.id));
    expect(afterFailure).toMatchObject({ failures: 1, lastError: 'The receiver answered 503.' });
    expect(afterFailure!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    // Not due again before its backoff has passed.
    expect(await dispatcher.dispatch()).toBe(0);

    await db().db.execute(sql`UPDATE audit_streams SET next_attempt_at = now() WHERE id = ${stream.id}`);
    expect(await dispatcher.dispatch()).toBe(1);
    expect(await runner.runNext()).toBe(true);

    // The first batch twice (refused, then accepted), then the rest, all in seq order.
    const delivered = receiver.received.slice(1).flatMap((r) => r.events);
    const head = await headSeq(org.id);
    expect(delivered.map((e) => e.seq)).toEqual(
      Array.from({ length: head - stream.deliveredThroughSeq }, (_, i) => stream.deliveredThroughSeq + 1 + i),
    );
    expect(new Set(delivered.map((e) => e.id)).size).toBe(delivered.length);
    expect(receiver.received[1]!.events[0]!.id).toBe(receiver.received[0]!.events[0]!.id);
    for (const r of receiver.received) {
      expect(r.events.length).toBeLessThanOrEqual(100);
      expect(
        verifyAuditWebhook({
          secret: stream.secret,
          timestamp: r.timestamp,
          signature: r.signature,
          body: r.body,
        }),
      ).toBe(true);
    }
    const tampered = receiver.received[1]!;
    expect(
      verifyAuditWebhook({
        secret: stream.secret,
        timestamp: tampered.timestamp,
        signature: tampered.signature,
        body: tampered.body.replace('"j":', '"k":'),
      }),
    ).toBe(false);
    expect(
      verifyAuditWebhook({
        secret: 'whsec_other',
        timestamp: tampered.timestamp,
        signature: tampered.signature,
        body: tampered.body,
      }),
    ).toBe(false);

    const log = await api.request(`/api/orgs/${org.id}/audit-streams/${stream.id}/deliveries`, {
      cookie: admin,
    });
    const attempts = (
      (await log.json()) as { items: { status: string; attempt: number; httpStatus: number }[] }
    ).items.reverse();
    expect(attempts[0]).toMatchObject({ status: 'failed', attempt: 1, httpStatus: 503 });
    expect(attempts[1]).toMatchObject({ status: 'delivered', attempt: 2, httpStatus: 200 });
    const list = await (await api.request(`/api/orgs/${org.id}/audit-streams`, { cookie: admin })).json();
    expect(list.items[0]).toMatchObject({
      failures: 0,
      lastError: null,
      deliveredThroughSeq: head,
      headSeq: head,
    });
    expect(JSON.stringify(list)).not.toContain(stream.secret);

    // The test button: an event, delivered like any other.
    const test = await api.request(`/api/orgs/${org.id}/audit-streams/${stream.id}/test`, {
      method: 'POST',
      cookie: admin,
    });
    expect(test.status).toBe(202);
    const { testId } = await test.json();
    expect(await dispatcher.dispatch()).toBe(1);
    await runner.runNext();
    const last = receiver.received.at(-1)!.events;
    expect(
      last.some((e) => e.eventType === 'audit.stream_tested' && JSON.stringify(e).includes(testId)),
    ).toBe(true);
  });

  it('loses nothing across a restart: the next process resends what was not acknowledged', async () => {
    // The second request hangs: the process is stopped while it waits, as in a shutdown or a crash.
    const receiver = await startReceiver((n) => (n === 1 ? 'hang' : 200));
    const { org, stream, write, dispatcher } = await setup(receiver.url);
    await write(250);
    const first = new JobRunner(db().db, JOB_HANDLERS, { log: quiet });
    expect(await dispatcher.dispatch()).toBe(1);
    const running = first.runNext();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
    await first.stop();
    await running;

    // A new process: its runner and dispatcher find the cursor where the receiver last acknowledged.
    const second = new JobRunner(db().db, JOB_HANDLERS, { log: quiet, staleSeconds: 0 });
    const redispatched = new AuditStreamDispatcher(db().db, 1000, quiet);
    await redispatched.dispatch();
    expect(await second.runNext()).toBe(true);
    const head = await headSeq(org.id);
    const [after] = await db().db.select().from(auditStreams).where(eq(auditStreams.id, stream.id));
    expect(after!.deliveredThroughSeq).toBe(head);

    // At least once: every event arrived; only the batch in flight at the stop arrived twice, and
    // the receiver's deduplication on the event id restores the exact sequence.
    const all = receiver.received.flatMap((r) => r.events);
    const unique = [...new Map(all.map((e) => [e.id, e])).values()];
    expect(unique.map((e) => e.seq)).toEqual(
      Array.from({ length: head - stream.deliveredThroughSeq }, (_, i) => stream.deliveredThroughSeq + 1 + i),
    );
    expect(all.length - unique.length).toBeLessThanOrEqual(100);
    const attempts = await db()
      .db.select()
      .from(auditDeliveries)
      .where(eq(auditDeliveries.streamId, stream.id));
    expect(attempts.every((a) => a.status === 'delivered')).toBe(true);
  });

  it('refuses plain http to another host, and http at all in production; a timeout is logged as one', async () => {
    const api = createTestApi(db());
    const { org } = await createOrgWithMembers(db(), 'Url org', { admin: 'admin@u.example' });
    const admin = await signIn(api, 'admin@u.example');
    const post = (url: string, app = api) =>
      app.request(`/api/orgs/${org.id}/audit-streams`, { method: 'POST', cookie: admin, body: { url } });
    for (const url of [
      'http://siem.example.com/hook',
      'ftp://x.example/hook',
      'not a url',
      'https://u:p@x.example/',
    ]) {
      const response = await post(url);
      expect(response.status, url).toBe(400);
      expect((await response.json()).errors[0].path).toBe('url');
    }
    expect((await post('https://siem.example.com/hook')).status).toBe(201);
    const production = createTestApi(db(), { NODE_ENV: 'production' });
    const productionAdmin = await signIn(production, 'admin@u.example');
    const local = await production.request(`/api/orgs/${org.id}/audit-streams`, {
      method: 'POST',
      cookie: productionAdmin,
      body: { url: 'http://127.0.0.1:9/hook' },
    });
    expect(local.status).toBe(400);
    // In production no https host on this machine or the private network either.
    for (const url of [
      'https://127.0.0.1/hook',
      'https://10.1.2.3/hook',
      'https://[::1]/hook',
      'https://localhost/hook',
    ]) {
      const refused = await production.request(`/api/orgs/${org.id}/audit-streams`, {
        method: 'POST',
        cookie: productionAdmin,
        body: { url },
      });
      expect(refused.status, url).toBe(400);
      expect((await refused.json()).detail, url).toMatch(/loopback, private or link-local/);
    }

    const slow = await startReceiver(() => 'hang');
    const created = await (await post(slow.url)).json();
    const scope = createSystemScope(org);
    await withOrg(db().db, scope, (tx) => writeAuditEvent(tx, scope, { type: 'audit.viewed' }));
    const handlers = {
      ...JOB_HANDLERS,
      audit_delivery: createDeliveryJob({
        batchSize: 100,
        timeoutMs: 300,
        maxBackoffSeconds: 60,
        production: false,
      }),
    };
    const runner = new JobRunner(db().db, handlers, { log: quiet });
    await new AuditStreamDispatcher(db().db, 1000, quiet).dispatch();
    await runner.runNext();
    const [row] = await db().db.select().from(auditStreams).where(eq(auditStreams.id, created.id));
    expect(row!.lastError).toBe('The receiver did not answer within 0.3 s.');
  });
});
