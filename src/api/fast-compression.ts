import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { createDeflate, createGzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';

// The graph's answers are megabytes of JSON written as they are read (docs/decisions/041). Hono's
// compress() runs the platform's CompressionStream at zlib's default level, which cost ~0.5 s of the
// 28 MB compact graph of a 100k-participant org; level 1 costs ~0.09 s for a body ~40% larger
// (docs/decisions/044). Same negotiation and exclusions as compress(), zlib's fastest level.

const ENCODINGS = ['gzip', 'deflate'] as const;
type Encoding = (typeof ENCODINGS)[number];

/** The encoding to answer with: gzip before deflate at equal weight; none when neither is acceptable. */
export function chooseEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (!name) continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  let best: { encoding: Encoding; weight: number } | undefined;
  for (const encoding of ENCODINGS) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > 0 && (!best || weight > best.weight)) best = { encoding, weight };
  }
  return best?.encoding;
}

/** Compresses JSON answers at zlib's fastest level when the client accepts gzip or deflate. */
export function fastCompression(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const { res } = c;
    const length = res.headers.get('content-length');
    if (
      !res.body ||
      c.req.method === 'HEAD' ||
      res.status === 206 ||
      res.headers.has('content-encoding') ||
      res.headers.has('transfer-encoding') ||
      (length !== null && Number(length) < 1024) ||
      !/^application\/(?:[\w.+-]+\+)?json\b/i.test(res.headers.get('content-type') ?? '') ||
      /(?:^|,)\s*no-transform\s*(?:,|$)/i.test(res.headers.get('cache-control') ?? '')
    ) {
      return;
    }
    const vary = res.headers.get('vary');
    if (vary !== '*' && !/(?:^|,)\s*accept-encoding\s*(?:,|$)/i.test(vary ?? '')) {
      res.headers.set('vary', vary ? `${vary}, Accept-Encoding` : 'Accept-Encoding');
    }
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    if (!encoding) return;
    const zlib = encoding === 'gzip' ? createGzip({ level: 1 }) : createDeflate({ level: 1 });
    // pipe() alone would leave the source running when the client goes away: destroying the zlib
    // stream (the response was cancelled) cancels the body, which ends the database reads.
    const source = Readable.fromWeb(res.body as NodeReadableStream<Uint8Array>);
    source.on('error', (error) => zlib.destroy(error));
    zlib.on('close', () => source.destroy());
    const compressed = Readable.toWeb(source.pipe(zlib)) as ReadableStream<Uint8Array>;
    c.res = new Response(compressed, res);
    c.res.headers.delete('content-length');
    c.res.headers.set('content-encoding', encoding);
    // The compressed bytes are not the ones a strong validator named.
    const etag = c.res.headers.get('etag');
    if (etag && !etag.startsWith('W/')) c.res.headers.set('etag', `W/${etag}`);
  };
}
