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

export interface PasswordCost {
  log2N: number;
  r: number;
  p: number;
}

export const PRODUCTION_PASSWORD_COST: Readonly<PasswordCost> = Object.freeze({ log2N: 17, r: 8, p: 1 });
const KEY_LENGTH = 64;
const MAX_MEMORY = 512 * 1024 * 1024;

/**
 * Test runs may lower N (`TEST_PASSWORD_LOG2N`, 10–17): every integration test creates users and signs
 * in, and at 2^17 each hash and each sign-in costs a few hundred milliseconds of a shared core. The
 * variable counts only inside a Vitest run (NODE_ENV=test and VITEST set), so a server started with
 * `npm start` (NODE_ENV=production) hashes at full cost whatever else its environment holds.
 * Verification always uses the cost stored in the hash.
 */
export function passwordCost(env: Record<string, string | undefined> = process.env): PasswordCost {
  const raw = env.TEST_PASSWORD_LOG2N;
  if (env.NODE_ENV !== 'test' || !env.VITEST || !raw) return { ...PRODUCTION_PASSWORD_COST };
  const log2N = Number(raw);
  if (!Number.isInteger(log2N) || log2N < 10 || log2N > PRODUCTION_PASSWORD_COST.log2N) {
    throw new Error(`TEST_PASSWORD_LOG2N must be an integer from 10 to 17, not "${raw}"`);
  }
  return { ...PRODUCTION_PASSWORD_COST, log2N };
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  return scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: 2 ** log2N, r, p, maxmem: MAX_MEMORY });
}

/** `scrypt$<log2N>$<r>$<p>$<salt b64>$<key b64>` */
export async function hashPassword(password: string): Promise<string> {
  const cost = passwordCost();
  const salt = crypto.randomBytes(16);
  const key = await derive(password, salt, cost.log2N, cost.r, cost.p);
  return ['scrypt', cost.log2N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
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
