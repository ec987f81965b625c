import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../env';
import { canonicalJson } from './canonical';
import type { Anchor } from './verifier';

// Ed25519 anchors (docs/decisions/030). The key comes from AUDIT_SIGNING_KEY (PEM, or the base64 of a
// PKCS#8 DER key); the embedded demo makes one on first use and keeps it beside its data.

export interface AnchorKeys {
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  keyId: string;
}

export class SigningKeyError extends Error {
  override name = 'SigningKeyError';
}

/** The first 16 hex digits of the SHA-256 of the public key's SPKI DER: names the key in each anchor. */
export function keyIdOf(publicKey: crypto.KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export function parseSigningKey(text: string): AnchorKeys {
  const trimmed = text.trim();
  let privateKey: crypto.KeyObject;
  try {
    privateKey = trimmed.startsWith('-----BEGIN')
      ? crypto.createPrivateKey(trimmed)
      : crypto.createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new SigningKeyError('AUDIT_SIGNING_KEY: not a PEM or base64 PKCS#8 private key');
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyError(
      `AUDIT_SIGNING_KEY: an Ed25519 key is needed, not ${privateKey.asymmetricKeyType}`,
    );
  }
  const publicKey = crypto.createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

const cache = new Map<string, AnchorKeys>();

/**
 * The anchor signing key: AUDIT_SIGNING_KEY; for the embedded demo (no DATABASE_URL) the file
 * DATA_DIR/audit-signing-key.pem, made on first use. A server on PostgreSQL without the variable has
 * no key: it neither anchors nor checks signatures, and says so.
 */
export function resolveAnchorKeys(env: Env): AnchorKeys | null {
  if (env.AUDIT_SIGNING_KEY) return parseSigningKey(env.AUDIT_SIGNING_KEY);
  if (env.DATABASE_URL) return null;
  const file = path.resolve(env.DATA_DIR, 'audit-signing-key.pem');
  const known = cache.get(file);
  if (known) return known;
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const generated = crypto
      .generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' });
    try {
      fs.writeFileSync(file, generated, { flag: 'wx', mode: 0o600 });
      pem = generated.toString();
    } catch (writeError) {
      // Another process wrote it first: use theirs.
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      pem = fs.readFileSync(file, 'utf8');
    }
  }
  const keys = parseSigningKey(pem);
  cache.set(file, keys);
  return keys;
}

/** The signed statement: canonical JSON of the anchor's org, seq, head hash and time. */
export function anchorStatement(a: Pick<Anchor, 'orgId' | 'seq' | 'hash' | 'anchoredAt'>): string {
  return canonicalJson({ anchoredAt: a.anchoredAt, hash: a.hash, orgId: a.orgId, seq: a.seq });
}

export function signAnchor(
  keys: AnchorKeys,
  a: Pick<Anchor, 'orgId' | 'seq' | 'hash' | 'anchoredAt'>,
): Anchor {
  const signature = crypto
    .sign(null, Buffer.from(anchorStatement(a), 'utf8'), keys.privateKey)
    .toString('base64');
  return { ...a, keyId: keys.keyId, signature };
}

export function anchorSignatureValid(publicKey: crypto.KeyObject, a: Anchor): boolean {
  try {
    return crypto.verify(
      null,
      Buffer.from(anchorStatement(a), 'utf8'),
      publicKey,
      Buffer.from(a.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

export const publicKeyPem = (keys: AnchorKeys): string =>
  keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
