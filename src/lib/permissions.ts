import type { MembershipRole } from './domain';

// The closed list of permissions and the one role table (DESIGN.md §4). Client-safe: the server is
// the authority, the UI reads the same table to hide what a role cannot do.

export const PERMISSIONS = [
  'org.read',
  'graph.read',
  'segments.read',
  'participants.read',
  'recommendations.read',
  'interventions.read',
  'recommendations.decide',
  'interventions.write',
  'audit.read',
  'audit.stream',
  'atlas.run',
  'import.write',
  'members.manage',
  'api_keys.manage',
  'members.grant_admin',
  'org.settings',
  'participants.erase',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ: Permission[] = [
  'org.read',
  'graph.read',
  'segments.read',
  'participants.read',
  'recommendations.read',
  'interventions.read',
];
const OPERATE: Permission[] = [...READ, 'recommendations.decide', 'interventions.write'];
const ADMINISTER: Permission[] = [
  ...OPERATE,
  'audit.read',
  'audit.stream',
  'atlas.run',
  'import.write',
  'members.manage',
  'api_keys.manage',
];

export const ROLE_PERMISSIONS: Record<MembershipRole, ReadonlySet<Permission>> = {
  viewer: new Set(READ),
  operator: new Set(OPERATE),
  admin: new Set(ADMINISTER),
  owner: new Set([...ADMINISTER, 'members.grant_admin', 'org.settings', 'participants.erase']),
};

export function can(role: MembershipRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Roles that only an owner may grant or take away. */
export const PRIVILEGED_ROLES: ReadonlySet<MembershipRole> = new Set(['owner', 'admin']);

export const ROLE_LABELS: Record<MembershipRole, string> = {
  owner: 'Owner',
  admin: 'Admin',
  operator: 'Operator',
  viewer: 'Viewer',
};

export const PERMISSION_LABELS: Record<Permission, string> = {
  'org.read': 'See the org',
  'graph.read': 'See the relationship graph',
  'segments.read': 'See segments',
  'participants.read': 'See participants and their details',
  'recommendations.read': 'See Atlas recommendations',
  'interventions.read': 'See interventions',
  'recommendations.decide': 'Accept or dismiss recommendations',
  'interventions.write': 'Create and reverse interventions',
  'audit.read': 'Read and export the audit log',
  'audit.stream': 'Stream the audit log to an endpoint',
  'atlas.run': 'Run Atlas',
  'import.write': 'Import participants from CSV',
  'members.manage': 'Manage operators and viewers',
  'api_keys.manage': 'Create and revoke API keys',
  'members.grant_admin': 'Grant or revoke the admin and owner roles',
  'org.settings': 'Change org settings',
  'participants.erase': 'Erase a participant’s personal data',
};
