import { isIP } from 'node:net';

// Where a stream may point (docs/decisions/035): HTTPS; plain HTTP only to this machine (loopback) and
// only outside production, for a local receiver while developing or testing.

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Why `raw` may not be a stream's URL, or null when it may. */
export function streamUrlProblem(raw: string, production: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a #fragment';
  if (url.protocol === 'https:') return null;
  if (url.protocol !== 'http:') return 'must be an https:// URL';
  if (production)
    return 'must be an https:// URL (plain http is only for a local receiver outside production)';
  const host = url.hostname;
  if (LOOPBACK.has(host) || (isIP(host) === 4 && host.startsWith('127.'))) return null;
  return 'must be https://, or http:// to localhost outside production';
}
