import type { Metadata } from 'next';
import { PageHeader } from '../../../../components/ui/page-header';
import { requireOrgPage } from '../../page-guard';
import { ImportPanel } from './import-panel.client';

export const metadata: Metadata = { title: 'Import' };

export default async function ImportPage({ params }: { params: Promise<{ orgId: string }> }) {
  const { scope } = await requireOrgPage({ params, permission: 'import.write' });
  return (
    <>
      <PageHeader
        title="Import"
        description="Bring participants and their relationships in from a spreadsheet or another system, as CSV. Check a file first: every row is judged and nothing is written. An import takes every row or none, and is written to the audit log."
      />
      <ImportPanel orgId={scope.orgId} />
    </>
  );
}
