import { gunzipSync, inflateSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { chooseEncoding, fastCompression } from '../../src/api/fast-compression';

// A JSON body of ~200 KB written in pieces, as the graph route streams it.
const pieces = [
  '{"values":[',
  ...Array.from({ length: 400 }, (_, i) =>
    Array.from({ length: 50 }, (_, j) => `${i || j ? ',' : ''}"v${i * 50 + j}"`).join(''),
  ),
  ']}',
];
const body = pieces.join('');

function app(options: { cancelled?: { value: boolean } } = {}) {
  const hono = new Hono();
  hono.use('*', fastCompression());
  hono.get('/stream', (c) => {
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === pieces.length) controller.close();
        else controller.enqueue(new TextEncoder().encode(pieces[i++]));
      },
      cancel() {
        if (options.cancelled) options.cancelled.value = true;
      },
    });
    return c.body(stream, 200, { 'content-type': 'application/json' });
  });
  hono.get('/partial', (c) => c.body(body, 206, { 'content-type': 'application/json' }));
  hono.get('/tagged', (c) => c.body(body, 200, { 'content-type': 'application/json', etag: '"v1"' }));
  hono.get('/small', (c) =>
    c.body('{"ok":true}', 200, { 'content-type': 'application/json', 'content-length': '11' }),
  );
  hono.get('/text', (c) => c.text(body));
  hono.get('/no-transform', (c) =>
    c.body(body, 200, { 'content-type': 'application/json', 'cache-control': 'no-transform' }),
  );
  return hono;
}

describe('fast compression', () => {
  it('gzips a streamed JSON body that decompresses to the same bytes', async () => {
    const response = await app().request('/stream', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('vary')).toBe('Accept-Encoding');
    expect(response.headers.get('content-length')).toBeNull();
    const zipped = Buffer.from(await response.arrayBuffer());
    expect(zipped.length).toBeLessThan(body.length / 3);
    expect(gunzipSync(zipped).toString()).toBe(body);
  });

  it('weakens a strong ETag: the compressed bytes are not the ones it named', async () => {
    const response = await app().request('/tagged', { headers: { 'accept-encoding': 'gzip' } });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('etag')).toBe('W/"v1"');
  });

  it('deflates when only deflate is accepted', async () => {
    const response = await app().request('/stream', { headers: { 'accept-encoding': 'deflate' } });
    expect(response.headers.get('content-encoding')).toBe('deflate');
    expect(inflateSync(Buffer.from(await response.arrayBuffer())).toString()).toBe(body);
  });

  it('leaves alone what it should not compress', async () => {
    const plain = async (path: string, accept?: string) => {
      const response = await app().request(path, { headers: accept ? { 'accept-encoding': accept } : {} });
      expect(response.headers.get('content-encoding')).toBeNull();
      return response.text();
    };
    expect(await plain('/stream')).toBe(body); // no Accept-Encoding
    expect(await plain('/stream', 'identity')).toBe(body);
    expect(await plain('/stream', 'gzip;q=0, deflate;q=0')).toBe(body);
    expect(await plain('/small', 'gzip')).toBe('{"ok":true}'); // under 1 KiB
    expect(await plain('/text', 'gzip')).toBe(body); // not JSON
    expect(await plain('/no-transform', 'gzip')).toBe(body);
    expect(await plain('/partial', 'gzip')).toBe(body);
  });

  it('stops reading the body when the client goes away', async () => {
    const cancelled = { value: false };
    const response = await app({ cancelled }).request('/stream', { headers: { 'accept-encoding': 'gzip' } });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await expect.poll(() => cancelled.value).toBe(true);
  });

  it('chooses by weight, gzip first among equals', () => {
    expect(chooseEncoding('gzip, deflate')).toBe('gzip');
    expect(chooseEncoding('deflate, gzip')).toBe('gzip');
    expect(chooseEncoding('gzip;q=0.5, deflate')).toBe('deflate');
    expect(chooseEncoding('*')).toBe('gzip');
    expect(chooseEncoding('*;q=0, deflate;q=0.1')).toBe('deflate');
    expect(chooseEncoding('br')).toBeUndefined();
    expect(chooseEncoding('gzip;q=abc')).toBeUndefined();
    expect(chooseEncoding(undefined)).toBeUndefined();
    expect(chooseEncoding('')).toBeUndefined();
  });
});
