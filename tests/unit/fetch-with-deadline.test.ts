import http from 'node:http';
import type { AddressInfo } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchWithDeadline } from '../../src/lib/http/fetch-with-deadline';

// A receiver that reads the request and never answers.
const server = http.createServer(() => undefined);
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

it('gives up on a receiver that never answers, even with garbage collected while it waits', async () => {
  // What broke AbortSignal.any([AbortSignal.timeout(…), …]): its signals were collected mid-wait.
  const collecting = setInterval(collectGarbage, 10);
  const started = performance.now();
  try {
    const error = await fetchWithDeadline(url, { method: 'POST', body: 'x' }, 300).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  } finally {
    clearInterval(collecting);
  }
});

it("stops when the caller's signal is aborted, with its reason", async () => {
  const caller = new AbortController();
  const pending = fetchWithDeadline(url, { method: 'POST', body: 'x' }, 60_000, caller.signal);
  caller.abort(new Error('job cancelled'));
  await expect(pending).rejects.toThrow('job cancelled');
  const already = new AbortController();
  already.abort(new Error('before it began'));
  await expect(fetchWithDeadline(url, {}, 60_000, already.signal)).rejects.toThrow('before it began');
});
