import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

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

// In production a stream may not reach this machine or the private network it sits in: a stream URL
// is an admin's input, and the delivery log shows what answered (decision 035).
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/**
 * Why a production delivery must not go to `url`'s host, or null: it resolves to a loopback, private
 * or link-local address. Checked when the stream is added and before every delivery (a name may be
 * pointed elsewhere later; the window between this lookup and the connection remains).
 */
export async function privateHostProblem(url: string): Promise<string | null> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: { address: string; family: number }[];
  try {
    addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
  } catch {
    return `its host ${host} does not resolve`;
  }
  const blocked = addresses.find((a) => PRIVATE.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4'));
  return blocked
    ? `its host resolves to ${blocked.address}, a loopback, private or link-local address`
    : null;
}
