import type { Metadata } from 'next';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../../components/ui/card';
import { PageHeader } from '../../../components/ui/page-header';
import { ROLE_LABELS } from '../../../lib/permissions';
import { countOrgOverview } from '../../../lib/repositories/org-overview';
import { requireOrgPage } from '../page-guard';

export const metadata: Metadata = { title: 'Overview' };

export default async function OrgOverviewPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { db, scope } = await requireOrgPage({ params, permission: 'org.read' });
  const overview = await countOrgOverview(db, scope);
  const stats = [
    ['Participants', overview.participants],
    ['Relationships', overview.relationships],
    ['Pending recommendations', overview.pendingRecommendations],
    ['Members', overview.members],
  ] as const;
  return (
    <>
      <PageHeader
        title={scope.orgName}
        description={`Time zone ${scope.timezone} · you are ${ROLE_LABELS[scope.role].toLowerCase()} here`}
      />
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        {stats.map(([label, value]) => (
          <Card key={label}>
            <CardHeader>
              <CardDescription>{label}</CardDescription>
            </CardHeader>
            <CardContent>
              <CardTitle className="text-2xl tabular-nums">{value.toLocaleString('en')}</CardTitle>
            </CardContent>
          </Card>
        ))}
      </div>
    </>
  );
}
