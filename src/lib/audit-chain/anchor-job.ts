import { withOrg } from '../database/with-org';
import type { JobHandler } from '../jobs/runner';
import { anchorAuditChain, ChainBrokenError } from '../services/audit-chain';
import type { AnchorKeys } from './signing';

// The audit_anchor job: verifies the events since the org's last anchor and signs the chain's head.
// The schedule queues one per org every AUDIT_ANCHOR_HOURS; `npm run audit -- anchor` runs one now. A
// broken chain is not anchored: the job ends with what it found, which the audit page shows.

export function createAnchorJob(keys: () => AnchorKeys | null): JobHandler {
  return async (ctx) => {
    const signing = keys();
    if (!signing) throw new Error('No audit signing key: set AUDIT_SIGNING_KEY to anchor the audit chain.');
    await ctx.progress('verifying and signing', 0);
    try {
      const result = await anchorAuditChain(ctx.db, ctx.scope, signing);
      await withOrg(ctx.db, ctx.scope, (tx) =>
        ctx.complete(
          tx,
          result.anchored
            ? {
                anchored: true,
                seq: result.anchor.seq,
                hash: result.anchor.hash,
                eventsChecked: result.eventsChecked,
              }
            : { anchored: false, reason: result.reason },
        ),
      );
    } catch (error) {
      if (!(error instanceof ChainBrokenError)) throw error;
      await withOrg(ctx.db, ctx.scope, (tx) =>
        ctx.complete(tx, {
          anchored: false,
          reason: error.message,
          broken: error.report.firstBroken,
          verifiedThrough: error.report.verifiedThrough,
        }),
      );
    }
  };
}
