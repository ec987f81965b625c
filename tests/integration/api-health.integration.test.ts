import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { fromPglite, openPostgres } from '../../src/lib/db';
import { createTestApi } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

describeEachDatabase('GET /api/health', ({ db }) => {
  it('answers 200 with the database reachable', async () => {
    const response = await createTestApi(db()).app.request('/api/health');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('answers checks that arrive together with one ping, and pings again for the next', async () => {
    let pings = 0;
    const counted = {
      ...db(),
      app: undefined,
      ping: () => {
        pings += 1;
        return db().ping();
      },
    };
    const { app } = createTestApi(counted);
    const together = await Promise.all(Array.from({ length: 20 }, () => app.request('/api/health')));
    expect(together.map((r) => r.status)).toEqual(together.map(() => 200));
    expect(pings).toBe(1);
    expect((await app.request('/api/health')).status).toBe(200);
    expect(pings).toBe(2);
  });
});

describe('GET /api/health without a database', () => {
  it('answers 503 when the embedded database is closed', async () => {
    const handle = fromPglite(await PGlite.create(), 'memory');
    await handle.close();
    const response = await createTestApi(handle).app.request('/api/health');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'unavailable',
      database: 'unreachable',
      reason: 'failed',
    });
    expect(response.headers.get('retry-after')).toBe('5');
  });

  it('answers 503 when PostgreSQL does not answer', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const handle = openPostgres('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
    try {
      const response = await createTestApi(handle).app.request('/api/health');
      expect(response.status).toBe(503);
      expect((await response.json()).database).toBe('unreachable');
    } finally {
      await handle.close();
    }
  });
});

describe('the API app', () => {
  it('answers unknown routes with problem+json', async () => {
    const handle = fromPglite(await PGlite.create(), 'memory');
    try {
      const response = await createTestApi(handle).app.request('/api/no-such-thing');
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await response.json()).toEqual({
        type: '/problems/not-found',
        title: 'Not found',
        status: 404,
        detail: 'No API route for GET /api/no-such-thing.',
        instance: '/api/no-such-thing',
      });
    } finally {
      await handle.close();
    }
  });

  it('serves an OpenAPI 3.1 document that lists every registered route', async () => {
    const handle = fromPglite(await PGlite.create(), 'memory');
    try {
      const app = createTestApi(handle).app;
      const document = await (await app.request('/api/openapi.json')).json();
      expect(document.openapi).toBe('3.1.0');
      const documented = new Set(
        Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([p, methods]) =>
          Object.keys(methods).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
        ),
      );
      const registered = app.routes
        .filter((r) => r.method !== 'ALL' && r.path !== '/api/openapi.json')
        .map((r) => `${r.method} ${r.path}`);
      expect(registered.length).toBeGreaterThan(0);
      for (const route of registered) expect(documented, route).toContain(route);
    } finally {
      await handle.close();
    }
  });
});
