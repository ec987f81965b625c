import crypto from 'node:crypto';
import { promisify } from 'node:util';

// scrypt at OWASP ASVS 5.0 level-2 cost (N = 2^17, r = 8, p = 1): better-auth's default (N = 2^14)
// falls short, so its emailAndPassword.password.hash/verify are pointed at these two functions.
// The parameters are stored with each hash, so raising them later keeps old hashes verifiable.

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

const COST = { log2N: 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const MAX_MEMORY = 512 * 1024 * 1024;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  return scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: 2 ** log2N, r, p, maxmem: MAX_MEMORY });
}

/** `scrypt$<log2N>$<r>$<p>$<salt b64>$<key b64>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await derive(password, salt, COST.log2N, COST.r, COST.p);
  return ['scrypt', COST.log2N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![log2N, r, p].every((n) => Number.isInteger(n) && n > 0) || log2N > 20) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await derive(password, Buffer.from(parts[4]!, 'base64'), log2N, r, p);
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}

/** A password for humans to type once: 20 characters from an unambiguous alphabet (~115 bits). */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from({ length: 20 }, () => alphabet[crypto.randomInt(alphabet.length)]).join('');
}
