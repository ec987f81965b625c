import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, verifyPassword } from '../../src/lib/password';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong or tampered one', async () => {
    const hash = await hashPassword('Zürich is lovely in spring');
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
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
