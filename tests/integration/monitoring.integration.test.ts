import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { participants } from '../../src/lib/database/schema';
import { createLogger, setLogger } from '../../src/lib/observability/logger';
import { setSlowQueryThreshold } from '../../src/lib/observability/query-observer';
import { metrics } from '../../src/lib/observability/metrics';
import { createOrgWithMembers, createTestApi, signIn, type TestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

// Monitoring (docs/decisions/036): every request in the latency histogram by its route pattern, every
// statement in the query histogram by the function that issued it, JSON log lines that share the
// request's id, slow statements logged by name and never by value, and /api/metrics behind its token.

const TOKEN = 'metrics-token-for-the-test-0123456789';

interface LogLine {
  level: string;
  msg: string;
  requestId?: string;
  query?: string;
  route?: string;
  status?: number;
  [key: string]: unknown;
}

describeEachDatabase(
  'monitoring',
  ({ db }) => {
    let api: TestApi;
    let orgId: string;
    let cookie: string;
    let lines: LogLine[] = [];

    beforeAll(async () => {
      api = createTestApi(db(), { METRICS_TOKEN: TOKEN });
      const { org } = await createOrgWithMembers(db(), 'Monitored org', { operator: 'operator@mon.example' });
      orgId = org.id;
      await db()
        .db.insert(participants)
        .values({ orgId, displayName: 'Zebulon Quartz', role: 'member', origin: 'manual' });
      cookie = await signIn(api, 'operator@mon.example');
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
          done();
        },
      });
      setLogger(createLogger('debug', sink));
      // One registry per process, and both databases' runs share it: each starts from zero.
      metrics().registry.resetMetrics();
    });

    afterAll(() => {
      setLogger(createLogger('silent'));
      setSlowQueryThreshold(500);
    });

    const scrape = async () => {
      const response = await api.request('/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return response.text();
    };

    it('counts a request under its route pattern and its statements under the functions that issued them', async () => {
      const response = await api.request(`/api/orgs/${orgId}/participants`, { cookie });
      expect(response.status, await response.clone().text()).toBe(200);
      const text = await scrape();
      expect(text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/api\/orgs\/:orgId\/participants",status="200"\} [1-9]/m,
      );
      // The path's ids never become labels: one series per route.
      expect(text).not.toContain(orgId);
      expect(text).toMatch(
        /^db_query_duration_seconds_count\{query="participants\.\w+",outcome="ok"\} [1-9]/m,
      );
      expect(text).toMatch(
        /^db_query_duration_seconds_bucket\{le="0\.005",query="[^"]+",outcome="ok"\} \d+/m,
      );
      expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    });

    it('writes the request and its statements as JSON lines that share the request id', async () => {
      lines = [];
      const response = await api.request(`/api/orgs/${orgId}/participants`, { cookie });
      expect(response.status).toBe(200);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const mine = lines.filter((line) => line.requestId === requestId);
      // Every other line is background work's, under its own name (the request limits' flush, jobs).
      const others = lines.filter((line) => line.requestId !== requestId);
      expect(others.filter((line) => !/^(rate-limit-flush|job-.+)$/.test(line.requestId ?? ''))).toEqual([]);
      const request = mine.find((line) => line.msg === 'request');
      expect(request).toMatchObject({ level: 'info', route: '/api/orgs/:orgId/participants', status: 200 });
      const queries = mine.filter((line) => line.msg === 'query');
      // The session, the membership, the page and its audit event at least.
      expect(queries.length).toBeGreaterThanOrEqual(4);
      // Named by module and function: the page's own statement, the membership check, the audit event.
      const names = queries.map((line) => line.query);
      // Who is asking costs one statement (decision 051): the session, its user, the org and the role
      // in it; the auth library is not asked.
      expect(names[0]).toBe('sessions.unsafeFindSessionByToken');
      expect(names).not.toContain('@better-auth/drizzle-adapter');
      expect(names).not.toContain('memberships.unsafeFindOrgAccess');
      expect(names).toContainEqual(expect.stringMatching(/^participants\.\w+$/));
      expect(names).toContain('audit.writeOrgAuditEvent');
      for (const line of queries) expect(line.query).not.toBe('unlabelled');
    });

    it("reads a participant's detail in one statement, all its lists included", async () => {
      const [zebulon] = await db()
        .db.select({ id: participants.id })
        .from(participants)
        .where(eq(participants.orgId, orgId));
      lines = [];
      const response = await api.request(`/api/orgs/${orgId}/participants/${zebulon!.id}`, { cookie });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ participant: { displayName: 'Zebulon Quartz' } });
      const requestId = response.headers.get('x-request-id');
      const names = lines
        .filter((line) => line.requestId === requestId && line.msg === 'query')
        .map((l) => l.query);
      // Who is asking, the scoped transaction, the detail, its audit event.
      expect(names.filter((name) => !name?.startsWith('with-org'))).toEqual([
        'sessions.unsafeFindSessionByToken',
        'participants.findParticipantDetail',
        'audit.writeOrgAuditEvent',
      ]);
    });

    it('logs a slow statement by the function that issued it, never with its values', async () => {
      lines = [];
      setSlowQueryThreshold(0);
      try {
        const response = await api.request(`/api/orgs/${orgId}/participants?q=Quartz`, { cookie });
        expect(response.status).toBe(200);
        expect((await response.json()).items).toHaveLength(1);
      } finally {
        setSlowQueryThreshold(500);
      }
      const slow = lines.filter((line) => line.msg === 'slow query');
      expect(slow.map((line) => line.query)).toContainEqual(expect.stringMatching(/^participants\.\w+$/));
      for (const line of slow) expect(line).toMatchObject({ level: 'warn', thresholdMs: 0 });
      const written = lines.map((line) => JSON.stringify(line)).join('\n');
      expect(written).not.toContain('Quartz');
      expect(written).not.toContain(cookie.split('=')[1]);
      expect(await scrape()).toMatch(/^db_slow_queries_total\{query="participants\.\w+"\} [1-9]/m);
    });

    it('keeps a trusted proxy’s plain X-Request-Id and replaces anything else', async () => {
      // createTestApi trusts its proxy (TRUST_PROXY=1).
      const kept = await api.request('/api/health', { headers: { 'x-request-id': 'proxy-id_0123456789' } });
      expect(kept.headers.get('x-request-id')).toBe('proxy-id_0123456789');
      for (const junk of ['short', 'has spaces in it', 'x'.repeat(129), 'line\\nbreak-0123456789']) {
        const response = await api.request('/api/health', { headers: { 'x-request-id': junk } });
        expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      }
      // Reached directly, a client cannot pose as another request or a job.
      const direct = createTestApi(db(), { TRUST_PROXY: '' });
      const posing = await direct.request('/api/health', { headers: { 'x-request-id': 'job-0123456789' } });
      expect(posing.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('keeps the metrics behind their token', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`]) {
        const response = await api.request('/api/metrics', {
          headers: authorization ? { authorization } : {},
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      }
      // A member's session is not the scraper's token.
      expect((await api.request('/api/metrics', { cookie })).status).toBe(401);
      const off = createTestApi(db());
      const response = await off.request('/api/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(404);
      expect((await response.json()).detail).toContain('METRICS_TOKEN');
    });
  },
  { keepData: true },
);
