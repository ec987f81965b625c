import type { MembershipRole } from '../domain';
import { can, type Permission } from '../permissions';

// The console's pages, in the order of the navigation and the command palette. A role sees only the
// pages its permissions open; the server refuses the others anyway (page guard, API).

export type NavKey =
  | 'overview'
  | 'graph'
  | 'participants'
  | 'segments'
  | 'recommendations'
  | 'interventions'
  | 'audit'
  | 'import'
  | 'members'
  | 'settings';

export interface NavItem {
  key: NavKey;
  label: string;
  /** Below /console/<orgId>; '' is the overview. */
  path: string;
  permission: Permission;
  description: string;
}

export const NAV_ITEMS: readonly NavItem[] = [
  {
    key: 'overview',
    label: 'Overview',
    path: '',
    permission: 'org.read',
    description: 'Segments, activity and recent work',
  },
  {
    key: 'graph',
    label: 'Graph',
    path: '/graph',
    permission: 'graph.read',
    description: 'The relationship graph',
  },
  {
    key: 'participants',
    label: 'Participants',
    path: '/participants',
    permission: 'participants.read',
    description: 'Search and filter people',
  },
  {
    key: 'segments',
    label: 'Segments',
    path: '/segments',
    permission: 'segments.read',
    description: 'Computed groups and their sizes',
  },
  {
    key: 'recommendations',
    label: 'Recommendations',
    path: '/recommendations',
    permission: 'recommendations.read',
    description: 'Atlas suggestions to decide',
  },
  {
    key: 'interventions',
    label: 'Interventions',
    path: '/interventions',
    permission: 'interventions.read',
    description: 'Actions taken, and their reversal',
  },
  {
    key: 'audit',
    label: 'Audit log',
    path: '/audit',
    permission: 'audit.read',
    description: 'Every view and action',
  },
  {
    key: 'import',
    label: 'Import',
    path: '/import',
    permission: 'import.write',
    description: 'Participants and relationships from CSV',
  },
  {
    key: 'members',
    label: 'Members',
    path: '/members',
    permission: 'members.manage',
    description: 'Who works in this org',
  },
  {
    key: 'settings',
    label: 'Settings',
    path: '/settings',
    permission: 'org.settings',
    description: 'Time zone and segment thresholds',
  },
];

export function navItemsFor(role: MembershipRole): NavItem[] {
  return NAV_ITEMS.filter((item) => can(role, item.permission));
}

export function navHref(orgId: string, item: Pick<NavItem, 'path'>): string {
  return `/console/${orgId}${item.path}`;
}
