import type { Metadata } from 'next';
import { appDatabase } from '../../../lib/db';
import { PERMISSION_LABELS, ROLE_LABELS, ROLE_PERMISSIONS } from '../../../lib/permissions';
import { countOrgOverview } from '../../../lib/repositories/org-overview';
import { pageScope } from '../page-session';

export const metadata: Metadata = { title: 'Overview' };

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { orgId } = await params;
  const { scope } = await pageScope(orgId, `/console/${orgId}`);
  if (!scope) return null; // the layout says why
  const overview = await countOrgOverview((await appDatabase()).db, scope);
  const stats = [
    ['Participants', overview.participants],
    ['Relationships', overview.relationships],
    ['Pending recommendations', overview.pendingRecommendations],
    ['Members', overview.members],
  ] as const;
  return (
    <main>
      <h1>{scope.orgName}</h1>
      <p className="lead">
        Time zone {scope.timezone} · you are {ROLE_LABELS[scope.role].toLowerCase()} here.
      </p>
      <ul className="stats">
        {stats.map(([label, value]) => (
          <li key={label} className="card">
            <strong>{value.toLocaleString('en')}</strong>
            <span>{label}</span>
          </li>
        ))}
      </ul>
      <h2>What your role allows</h2>
      <ul className="permissions">
        {[...ROLE_PERMISSIONS[scope.role]].map((permission) => (
          <li key={permission}>{PERMISSION_LABELS[permission]}</li>
        ))}
      </ul>
    </main>
  );
}
