import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerHealthCheck } from '../../src/api/health';
import { openPostgres, type DatabaseHandle } from '../../src/lib/db';
import { createLogger, setLogger } from '../../src/lib/observability/logger';
import { metrics } from '../../src/lib/observability/metrics';
import { describeEachDatabase } from '../setup/databases';

// GET /api/health answered before the API's router (docs/decisions/046): the route's answer, with
// what the API's middleware gives every answer.

describeEachDatabase('the health check on node:http', ({ db }) => {
  const lines: Record<string, unknown>[] = [];
  let unreachable: DatabaseHandle;

  beforeAll(() => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    setLogger(createLogger('info', sink));
    metrics().registry.resetMetrics();
    // Nothing listens on port 9: a database that cannot be reached, for real.
    unreachable = openPostgres('postgresql://postgres@127.0.0.1:9/none', {
      poolSize: 1,
      limits: { acquireTimeoutMs: 500 },
    });
  });

  afterAll(async () => {
    setLogger(createLogger('silent'));
    await unreachable.close();
  });

  /** A node:http server that answers health checks and 404 for everything else. */
  async function serve(database: DatabaseHandle) {
    const server = http.createServer((req, res) => {
      if (answerHealthCheck(req, res, { database, settings: { trustProxy: true } as never })) return;
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('answers as the route does, uncached, with the request id, counted and logged', async () => {
    const { url, close } = await serve(db().app);
    try {
      const response = await fetch(`${url}/api/health`, { headers: { 'x-request-id': 'probe-0123456789' } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-request-id')).toBe('probe-0123456789');

      const head = await fetch(`${url}/api/health`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

      // Anything else is left to the API: another method, a query string, another path.
      expect((await fetch(`${url}/api/health`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${url}/api/health?verbose=1`)).status).toBe(404);
      expect((await fetch(`${url}/api/healthz`)).status).toBe(404);

      const text = await metrics().registry.metrics();
      expect(text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/api\/health",status="200"\} [1-9]/m,
      );
      expect(text).toMatch(
        /^http_request_duration_seconds_count\{method="HEAD",route="\/api\/health",status="200"\} 1/m,
      );
      const logged = lines.find((line) => line.msg === 'request' && line.requestId === 'probe-0123456789');
      expect(logged).toMatchObject({ method: 'GET', route: '/api/health', status: 200 });
    } finally {
      await close();
    }
  });

  it('answers 503 with Retry-After when the database cannot be reached', async () => {
    const { url, close } = await serve(unreachable);
    try {
      const response = await fetch(`${url}/api/health`);
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(await response.json()).toEqual({
        status: 'unavailable',
        database: 'unreachable',
        reason: 'failed',
      });
    } finally {
      await close();
    }
  });
});
