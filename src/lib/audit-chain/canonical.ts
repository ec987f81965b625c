import crypto from 'node:crypto';

// The audit chain's canonical forms (docs/decisions/030). The database computes the same in plpgsql
// (audit_canonical_json, audit_event_content, audit_link_hash in drizzle/); a property test holds the
// two equal over arbitrary metadata. scripts/verify-audit-export.mjs carries a third copy on purpose:
// an auditor runs it with plain Node and nothing of this project.

/** The prev_hash of an org's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * RFC 8785 (JSON Canonicalization Scheme): object keys sorted by UTF-16 code units, no whitespace,
 * numbers and strings as ECMAScript's JSON.stringify writes them. Values JSON cannot hold (undefined
 * members are left out, as JSON.stringify does; non-finite numbers are refused).
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('canonical JSON has no non-finite numbers');
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
      const record = value as Record<string, unknown>;
      const members = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
      return `{${members.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no ${typeof value}`);
  }
}

/** What an event says: the fields its content hash covers, as the API names them. */
export interface EventContent {
  orgId: string;
  id: string;
  actorUserId: string | null;
  actorRole: string | null;
  eventType: string;
  targetType: string | null;
  targetId: string | null;
  metadata: Record<string, unknown>;
  /** UTC with microseconds: 2026-01-31T12:00:00.123456Z */
  createdAt: string;
  /** The digest of the event's personal part (docs/decisions/034); null when it has none. */
  personalDigest: string | null;
}

export const sha256Hex = (text: string): string =>
  crypto.createHash('sha256').update(text, 'utf8').digest('hex');

export function eventContentHash(e: EventContent): string {
  return sha256Hex(
    canonicalJson({
      actorRole: e.actorRole,
      actorUserId: e.actorUserId,
      createdAt: e.createdAt,
      eventType: e.eventType,
      id: e.id,
      metadata: e.metadata,
      orgId: e.orgId,
      // Absent rather than null without a personal part: such events hash as before it existed.
      personalDigest: e.personalDigest ?? undefined,
      targetId: e.targetId,
      targetType: e.targetType,
    }),
  );
}

/** What the chain keeps of an event's personal part: SHA-256 of its salt and its canonical JSON. */
export function personalDigest(salt: string, personal: Record<string, unknown>): string {
  return sha256Hex(salt + canonicalJson(personal));
}

/** An event's link: its place in the chain, the hash before it and its content hash. */
export function linkHash(contentHash: string, prevHash: string, seq: number): string {
  return sha256Hex(canonicalJson({ contentHash, prevHash, seq }));
}
