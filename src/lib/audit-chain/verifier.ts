import { eventContentHash, GENESIS_HASH, linkHash, personalDigest, type EventContent } from './canonical';

// Walks an org's chain in seq order, one event at a time (a million events are never in memory
// together), and stops at the first broken link. scripts/verify-audit-export.mjs walks exports the same
// way.

export interface ChainEvent extends EventContent {
  seq: number;
  prevHash: string;
  hash: string;
  contentHash: string;
  /** The personal part and its salt; both null once erased, when the digest alone remains. */
  personal: Record<string, unknown> | null;
  personalSalt: string | null;
}

export type ChainProblem =
  /** The event's fields no longer hash to its content hash: it was edited after it was written. */
  | 'content_hash_mismatch'
  /** Its personal part (not erased) no longer matches the digest the chain holds: it was edited. */
  | 'personal_digest_mismatch'
  /** Its stored hash is not the hash of its content hash, prev hash and seq. */
  | 'hash_mismatch'
  /** Events are missing: the next seq present is higher than the one due. */
  | 'missing_seq'
  /** Its prev hash is not the hash of the event before it: it was not linked by the chain. */
  | 'forged'
  /** It links to the event that follows it: the two were swapped. */
  | 'reordered'
  /** A signed anchor names this seq with another hash: the chain was rewritten up to here. */
  | 'anchor_mismatch'
  /** A signed anchor names a seq past the chain's end: events after the end were removed. */
  | 'truncated'
  /** An event with no place in the chain (inserted with the chain's triggers switched off). */
  | 'unchained';

export interface BrokenLink {
  /** Null for an event with no seq at all. */
  seq: number | null;
  eventId: string | null;
  problem: ChainProblem;
  detail: string;
}

export interface Anchor {
  orgId: string;
  seq: number;
  hash: string;
  /** ISO 8601 UTC with milliseconds, as signed. */
  anchoredAt: string;
  keyId: string;
  signature: string;
}

export interface ChainReport {
  status: 'verified' | 'broken';
  eventsChecked: number;
  /** The last event that verifies: the chain holds from seq 1 to here. */
  verifiedThrough: { seq: number; hash: string; createdAt: string } | null;
  firstBroken: BrokenLink | null;
  /** The anchor with the highest seq whose signature verifies and whose hash the chain holds. */
  lastAnchor: Anchor | null;
  anchorsChecked: number;
  /** Anchors whose signature does not verify with the trusted key (forged, or another key's). */
  anchorsRejected: number;
}

export class ChainVerifier {
  private pending: ChainEvent | undefined;
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private checked = 0;
  private through: ChainReport['verifiedThrough'] = null;
  private broken: BrokenLink | null = null;
  private lastAnchor: Anchor | null = null;
  private readonly anchors: Anchor[];
  private nextAnchor = 0;
  private readonly rejected: number;

  /**
   * `anchors`: the org's anchors; those failing `signatureValid` are counted and otherwise ignored.
   * `start`: a verified event to continue after (an anchor's), instead of the chain's beginning.
   */
  constructor(
    anchors: Anchor[],
    signatureValid: (anchor: Anchor) => boolean,
    start?: { seq: number; hash: string },
  ) {
    const valid = anchors.filter(signatureValid);
    this.rejected = anchors.length - valid.length;
    this.anchors = valid.sort((a, b) => a.seq - b.seq);
    if (start) {
      this.expectedSeq = start.seq + 1;
      this.prevHash = start.hash;
      while (this.nextAnchor < this.anchors.length && this.anchors[this.nextAnchor]!.seq <= start.seq) {
        this.nextAnchor += 1;
      }
    }
  }

  get isBroken(): boolean {
    return this.broken !== null;
  }

  /** The next event in seq order. Checked when the one after it arrives (a swap shows in the pair). */
  push(event: ChainEvent): void {
    if (this.broken) return;
    if (this.pending) this.check(this.pending, event);
    this.pending = event;
  }

  /** After the last event: `unchained` names an event found without a seq, if any. */
  finish(unchained?: { id: string }): ChainReport {
    if (this.pending && !this.broken) this.check(this.pending, undefined);
    this.pending = undefined;
    if (!this.broken) this.checkTail(unchained);
    return {
      status: this.broken ? 'broken' : 'verified',
      eventsChecked: this.checked,
      verifiedThrough: this.through,
      firstBroken: this.broken,
      lastAnchor: this.lastAnchor,
      anchorsChecked: this.anchors.length + this.rejected,
      anchorsRejected: this.rejected,
    };
  }

  private fail(seq: number | null, eventId: string | null, problem: ChainProblem, detail: string): void {
    this.broken = { seq, eventId, problem, detail };
  }

  private check(event: ChainEvent, next: ChainEvent | undefined): void {
    const seq = this.expectedSeq;
    if (event.seq !== seq) {
      if (event.seq > seq) {
        const last = event.seq - 1;
        this.fail(
          seq,
          event.id,
          'missing_seq',
          `seq ${seq}${last > seq ? `–${last}` : ''} missing: the next event present is seq ${event.seq}`,
        );
      } else {
        this.fail(event.seq, event.id, 'forged', `seq ${event.seq} appears twice`);
      }
      return;
    }
    if (eventContentHash(event) !== event.contentHash) {
      this.fail(
        seq,
        event.id,
        'content_hash_mismatch',
        'its fields do not hash to its content hash: edited after it was written',
      );
      return;
    }
    if (!personalHolds(event)) {
      this.fail(
        seq,
        event.id,
        'personal_digest_mismatch',
        'its personal part does not hash to the digest the chain holds: edited after it was written',
      );
      return;
    }
    if (event.prevHash !== this.prevHash) {
      if (next && next.seq === seq + 1 && next.prevHash === this.prevHash) {
        this.fail(
          seq,
          event.id,
          'reordered',
          `seq ${seq} and ${seq + 1} were swapped: ${seq + 1} links to seq ${seq - 1}`,
        );
      } else {
        this.fail(
          seq,
          event.id,
          'forged',
          `its prev hash is not the hash of seq ${seq - 1}: the chain did not link it`,
        );
      }
      return;
    }
    if (linkHash(event.contentHash, event.prevHash, event.seq) !== event.hash) {
      this.fail(
        seq,
        event.id,
        'hash_mismatch',
        'its hash is not the hash of its content hash, prev hash and seq',
      );
      return;
    }
    for (
      ;
      this.nextAnchor < this.anchors.length && this.anchors[this.nextAnchor]!.seq <= seq;
      this.nextAnchor++
    ) {
      const anchor = this.anchors[this.nextAnchor]!;
      if (anchor.seq < seq) continue;
      if (anchor.hash !== event.hash) {
        this.fail(
          seq,
          event.id,
          'anchor_mismatch',
          `the anchor of ${anchor.anchoredAt} signed another hash for seq ${seq}: the chain was rewritten up to here`,
        );
        return;
      }
      this.lastAnchor = anchor;
    }
    this.checked += 1;
    this.expectedSeq = seq + 1;
    this.prevHash = event.hash;
    this.through = { seq, hash: event.hash, createdAt: event.createdAt };
  }

  private checkTail(unchained: { id: string } | undefined): void {
    const beyond = this.anchors.at(-1);
    if (beyond && beyond.seq >= this.expectedSeq) {
      this.fail(
        this.expectedSeq,
        null,
        'truncated',
        `the chain ends at seq ${this.expectedSeq - 1}, but the anchor of ${beyond.anchoredAt} signed seq ${beyond.seq}: events after the end were removed`,
      );
      return;
    }
    if (unchained)
      this.fail(null, unchained.id, 'unchained', 'an event with no seq: written with the chain switched off');
  }
}

/**
 * An event's personal part against its digest (docs/decisions/034): none, erased (part and salt gone,
 * the digest kept), or present with its salt and hashing to the digest.
 */
function personalHolds(event: ChainEvent): boolean {
  if (event.personalDigest === null) return event.personal === null && event.personalSalt === null;
  if (event.personal === null) return event.personalSalt === null;
  return (
    event.personalSalt !== null && personalDigest(event.personalSalt, event.personal) === event.personalDigest
  );
}
