import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  generatePassword,
  hashPassword,
  passwordCost,
  PRODUCTION_PASSWORD_COST,
  verifyPassword,
} from '../../src/lib/password';

describe('password hashing', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('verifies the right password and refuses a wrong or tampered one', async () => {
    const hash = await hashPassword('Zürich is lovely in spring');
    expect(hash).toMatch(/^scrypt\$\d+\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await verifyPassword(hash, 'Zürich is lovely in spring')).toBe(true);
    // NFKC: the decomposed ü is the same password.
    expect(await verifyPassword(hash, 'Zu\u0308rich is lovely in spring')).toBe(true);
    expect(await verifyPassword(hash, 'Zurich is lovely in spring')).toBe(false);
    const parts = hash.split('$');
    parts[5] = Buffer.alloc(64, 1).toString('base64');
    expect(await verifyPassword(parts.join('$'), 'Zürich is lovely in spring')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
    expect(await verifyPassword('scrypt$30$8$1$AA==$AA==', 'x')).toBe(false); // absurd cost refused
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('generates 20-character passwords that differ', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    expect(generatePassword()).not.toBe(a);
  });
});

describe('the cost of a hash', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is N = 2^17, r = 8, p = 1 by default', () => {
    expect(PRODUCTION_PASSWORD_COST).toEqual({ log2N: 17, r: 8, p: 1 });
    expect(passwordCost({})).toEqual({ log2N: 17, r: 8, p: 1 });
    expect(passwordCost({ NODE_ENV: 'development' })).toEqual({ log2N: 17, r: 8, p: 1 });
    expect(passwordCost({ NODE_ENV: 'test', VITEST: 'true' })).toEqual({ log2N: 17, r: 8, p: 1 });
  });

  it('is lowered for a test run only: production and development ignore the test variable', () => {
    expect(passwordCost({ NODE_ENV: 'test', VITEST: 'true', TEST_PASSWORD_LOG2N: '10' }).log2N).toBe(10);
    expect(passwordCost({ NODE_ENV: 'production', VITEST: 'true', TEST_PASSWORD_LOG2N: '10' }).log2N).toBe(
      17,
    );
    expect(passwordCost({ NODE_ENV: 'development', TEST_PASSWORD_LOG2N: '10' }).log2N).toBe(17);
    // NODE_ENV=test outside a Vitest run (a misconfigured deployment) keeps the full cost too.
    expect(passwordCost({ NODE_ENV: 'test', TEST_PASSWORD_LOG2N: '10' }).log2N).toBe(17);
  });

  it('refuses a test cost it cannot honour rather than silently using another', () => {
    for (const raw of ['9', '18', 'ten', '12.5']) {
      expect(() => passwordCost({ NODE_ENV: 'test', VITEST: 'true', TEST_PASSWORD_LOG2N: raw })).toThrow(
        /TEST_PASSWORD_LOG2N/,
      );
    }
  });

  it('hashes at full cost in production even when the test variable is set', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    vi.stubEnv('TEST_PASSWORD_LOG2N', '10');
    const hash = await hashPassword('a production passphrase');
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(await verifyPassword(hash, 'a production passphrase')).toBe(true);
  });

  it('verifies a hash made at a low test cost, reading the cost stored in the hash', async () => {
    vi.stubEnv('NODE_ENV', 'test');
    vi.stubEnv('TEST_PASSWORD_LOG2N', '10');
    const hash = await hashPassword('a quick test passphrase');
    expect(hash).toMatch(/^scrypt\$10\$8\$1\$/);
    vi.stubEnv('NODE_ENV', 'production');
    expect(await verifyPassword(hash, 'a quick test passphrase')).toBe(true);
    expect(await verifyPassword(hash, 'another passphrase')).toBe(false);
  });
});
