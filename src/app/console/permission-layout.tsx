import type { ReactNode } from 'react';
import type { Permission } from '../../lib/permissions';
import { requireOrgPage } from './page-guard';

/**
 * The layout of a console page that streams (it has a loading.tsx): the permission is checked here,
 * outside the Suspense boundary, so that a refused role gets its 403 page with the 403 status before
 * anything of the page has streamed with a 200.
 */
export function permissionLayout(permission: Permission) {
  return async function PermissionLayout({
    children,
    params,
  }: {
    children: ReactNode;
    params: Promise<{ orgId: string }>;
  }) {
    await requireOrgPage({ params, permission });
    return children;
  };
}
