import type { Metadata } from 'next';
import type { SearchParams } from 'nuqs/server';
import { AUDIT_EVENT_TYPES } from '../../../../lib/audit';
import { resolveAnchorKeys } from '../../../../lib/audit-chain/signing';
import { env } from '../../../../lib/env';
import { viewAuditChainStatus, viewAuditLog } from '../../../../lib/services/views/events';
import { viewMembers } from '../../../../lib/services/views/members';
import { viewAuditStreams } from '../../../../lib/services/audit-streams';
import { can } from '../../../../lib/permissions';
import { requestNow } from '../../request-now';
import { AuditStreams } from './audit-streams.client';
import { requireOrgPage } from '../../page-guard';
import { AuditLog } from './audit-log.client';
import { loadAuditSearchParams, toApiFilters } from './audit-params';

export const metadata: Metadata = { title: 'Audit log' };

const FIRST_PAGE = 100;
// The actor filter lists the current members; a former member's events are reached through the URL.
const ACTOR_LIMIT = 500;

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ orgId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { db, scope } = await requireOrgPage({ params, permission: 'audit.read' });
  const url = await loadAuditSearchParams(searchParams);
  const result = toApiFilters(url, scope.timezone);
  const [page, members, chain, streams] = await Promise.all([
    result.ok
      ? viewAuditLog(db, scope, { ...result.filters, limit: FIRST_PAGE })
      : { items: [], nextCursor: null },
    viewMembers(db, scope, { limit: ACTOR_LIMIT }),
    viewAuditChainStatus(db, scope, resolveAnchorKeys(env())),
    can(scope.role, 'audit.stream') ? viewAuditStreams(db, scope) : null,
  ]);
  const actors = members.items
    .map((m) => ({ userId: m.userId, email: m.email }))
    .sort((a, b) => a.email.localeCompare(b.email));
  return (
    <>
      <AuditLog
        orgId={scope.orgId}
        timeZone={scope.timezone}
        eventTypes={AUDIT_EVENT_TYPES}
        actors={actors}
        filters={result.ok ? result.filters : null}
        rangeError={result.ok ? undefined : result.message}
        initialPage={page}
        chain={{
          head: chain.head,
          lastAnchor: chain.lastAnchor && {
            seq: chain.lastAnchor.seq,
            anchoredAt: chain.lastAnchor.anchoredAt,
            keyId: chain.lastAnchor.keyId,
            signatureValid: chain.lastAnchor.signatureValid,
          },
          brokenAt: chain.brokenAt,
          keyId: chain.keyId,
        }}
      />
      {streams && <AuditStreams orgId={scope.orgId} streams={streams.items} now={requestNow()} />}
    </>
  );
}
