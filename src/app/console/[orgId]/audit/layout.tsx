import type { ReactNode } from 'react';
import { requireOrgPage } from '../../page-guard';

/**
 * The permission check sits in a layout, outside the Suspense boundary of loading.tsx: a refused role
 * then gets its 403 page with the 403 status, before anything of the page has streamed with a 200.
 */
export default async function AuditLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ orgId: string }>;
}) {
  await requireOrgPage({ params, permission: 'audit.read' });
  return children;
}
