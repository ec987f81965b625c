import type { Context } from 'hono';

/** The client's address: the socket peer, or X-Forwarded-For's first entry behind a trusted proxy. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** The origin the browser used to reach us, as the Host header (or a trusted proxy) says. */
export function ownOrigin(request: Request, trustProxy: boolean): string {
  const url = new URL(request.url);
  const header = (name: string) => request.headers.get(name) ?? undefined;
  const host = (trustProxy && header('x-forwarded-host')) || header('host') || url.host;
  const proto = (trustProxy && header('x-forwarded-proto')) || url.protocol.replace(':', '');
  return `${proto}://${host}`;
}

export function requestOrigin(c: Context, trustProxy: boolean): string {
  return ownOrigin(c.req.raw, trustProxy);
}
