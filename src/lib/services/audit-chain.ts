import type { KeyObject } from 'node:crypto';
import { anchorSignatureValid, signAnchor, type AnchorKeys } from '../audit-chain/signing';
import { ChainVerifier, type Anchor, type ChainReport } from '../audit-chain/verifier';
import type { Database } from '../db';
import { inOrg, withOrg } from '../database/with-org';
import {
  findChainHead,
  findUnchainedEvent,
  insertAnchor,
  listAnchors,
  streamChain,
} from '../repositories/audit-chain';
import type { OrgScope } from '../scope';

// Verifying an org's audit chain and anchoring its head (docs/decisions/030).

export interface VerifyReport extends ChainReport {
  /** The key whose signatures were trusted; null where no key is configured (anchors unchecked). */
  keyId: string | null;
}

const trusting = (publicKey: KeyObject | null) => (anchor: Anchor) =>
  publicKey !== null && anchorSignatureValid(publicKey, anchor);

/**
 * Walks the whole chain from seq 1, streaming, and reports the first broken link and the last anchor
 * that verifies. Anchors signed by another key than `keys` (or every anchor, without keys) are counted
 * as rejected and prove nothing.
 */
export async function verifyAuditChain(
  db: Database,
  scope: OrgScope,
  keys: AnchorKeys | null,
): Promise<VerifyReport> {
  const scoped = inOrg(db, scope);
  const verifier = new ChainVerifier(
    await scoped((tx) => listAnchors(tx, scope)),
    trusting(keys?.publicKey ?? null),
  );
  for await (const event of streamChain(scoped, scope)) {
    verifier.push(event);
    if (verifier.isBroken) break;
  }
  const unchained = verifier.isBroken ? undefined : await scoped((tx) => findUnchainedEvent(tx, scope));
  const report = verifier.finish(unchained);
  return { ...report, keyId: keys?.keyId ?? null };
}

export class ChainBrokenError extends Error {
  override name = 'ChainBrokenError';
  constructor(readonly report: ChainReport) {
    const b = report.firstBroken!;
    super(`The audit chain is broken at seq ${b.seq ?? '(none)'} (${b.problem}): ${b.detail}. Not anchored.`);
  }
}

export type AnchorResult =
  { anchored: true; anchor: Anchor; eventsChecked: number } | { anchored: false; reason: string };

/**
 * Signs the chain's head, after verifying the events since the last anchor that verifies (the ones
 * before it were verified when it was made). A broken chain is not anchored: ChainBrokenError.
 */
export async function anchorAuditChain(
  db: Database,
  scope: OrgScope,
  keys: AnchorKeys,
  now: Date = new Date(),
): Promise<AnchorResult> {
  const scoped = inOrg(db, scope);
  const [anchors, head] = await scoped(
    async (tx) => [await listAnchors(tx, scope), await findChainHead(tx, scope)] as const,
  );
  const trusted = anchors.filter(trusting(keys.publicKey));
  const previous = trusted.at(-1);
  if (!head) return { anchored: false, reason: 'the org has no events yet' };
  const start = previous ? { seq: previous.seq, hash: previous.hash } : undefined;
  const verifier = new ChainVerifier(anchors, trusting(keys.publicKey), start);
  if (previous) {
    const atAnchor = await streamChain(scoped, scope, 1, previous.seq - 1).next();
    if (atAnchor.done || atAnchor.value.seq !== previous.seq || atAnchor.value.hash !== previous.hash) {
      throw new ChainBrokenError({
        ...verifier.finish(),
        status: 'broken',
        firstBroken: {
          seq: previous.seq,
          eventId: atAnchor.done ? null : atAnchor.value.id,
          problem: atAnchor.done || atAnchor.value.seq !== previous.seq ? 'truncated' : 'anchor_mismatch',
          detail: `the event the anchor of ${previous.anchoredAt} signed is gone or changed`,
        },
      });
    }
    if (previous.seq >= head.seq) return { anchored: false, reason: `seq ${head.seq} is anchored already` };
  }
  for await (const event of streamChain(scoped, scope, 5000, start?.seq ?? 0)) {
    if (event.seq > head.seq) break;
    verifier.push(event);
    if (verifier.isBroken) break;
  }
  const report = verifier.finish();
  if (report.status === 'broken') throw new ChainBrokenError(report);
  const through = report.verifiedThrough!;
  const anchor = signAnchor(keys, {
    orgId: scope.orgId,
    seq: through.seq,
    hash: through.hash,
    anchoredAt: now.toISOString(),
  });
  if (!(await withOrg(db, scope, (tx) => insertAnchor(tx, scope, anchor))))
    return { anchored: false, reason: `seq ${through.seq} is anchored already` };
  return { anchored: true, anchor, eventsChecked: report.eventsChecked };
}
