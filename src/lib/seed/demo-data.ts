import type { LifecycleStage } from '../domain';
import { SYSTEM_PARTICIPANT_ROLE } from '../domain';

// The demo org of the original specification: one org, one operator, 12 participants (10 people and
// 2 system accounts), typed relationships, 5 audit events and 3 Atlas recommendations. Times are
// relative to the moment of the first seed, so the segments look alive whenever the demo starts.

export const DEMO_ORG = { name: 'Iron Front Digital', timezone: 'America/Chicago' } as const;
export const DEMO_OPERATOR = { email: 'operator@ironfront.example', name: 'Demo Operator' } as const;

export interface DemoParticipant {
  key: string;
  email: string | null;
  displayName: string;
  role: string;
  origin: string;
  lifecycleStage: LifecycleStage;
  /** Days before the seed; null = never active. */
  lastActiveDaysAgo: number | null;
  createdDaysAgo: number;
}

export const DEMO_PARTICIPANTS: DemoParticipant[] = [
  {
    key: 'ava',
    email: 'ava.moreno@ironfront.example',
    displayName: 'Ava Moreno',
    role: 'partner',
    origin: 'crm_import',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 1,
    createdDaysAgo: 400,
  },
  {
    key: 'ben',
    email: 'ben.okafor@ironfront.example',
    displayName: 'Ben Okafor',
    role: 'contributor',
    origin: 'web_signup',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 3,
    createdDaysAgo: 220,
  },
  {
    key: 'chloe',
    email: 'chloe.tanaka@ironfront.example',
    displayName: 'Chloe Tanaka',
    role: 'customer',
    origin: 'event',
    lifecycleStage: 'new',
    lastActiveDaysAgo: 2,
    createdDaysAgo: 6,
  },
  {
    key: 'dev',
    email: 'dev.raman@ironfront.example',
    displayName: 'Dev Raman',
    role: 'advisor',
    origin: 'manual',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 12,
    createdDaysAgo: 510,
  },
  {
    key: 'elena',
    email: 'elena.petrova@ironfront.example',
    displayName: 'Elena Petrova',
    role: 'contributor',
    origin: 'crm_import',
    lifecycleStage: 'at_risk',
    lastActiveDaysAgo: 41,
    createdDaysAgo: 300,
  },
  {
    key: 'farid',
    email: 'farid.haddad@ironfront.example',
    displayName: 'Farid Haddad',
    role: 'vendor',
    origin: 'integration',
    lifecycleStage: 'at_risk',
    lastActiveDaysAgo: 53,
    createdDaysAgo: 180,
  },
  {
    key: 'grace',
    email: 'grace.lindqvist@ironfront.example',
    displayName: 'Grace Lindqvist',
    role: 'customer',
    origin: 'web_signup',
    lifecycleStage: 'dormant',
    lastActiveDaysAgo: 97,
    createdDaysAgo: 365,
  },
  {
    key: 'hiro',
    email: 'hiro.sato@ironfront.example',
    displayName: 'Hiro Sato',
    role: 'partner',
    origin: 'event',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 75,
    createdDaysAgo: 610,
  },
  {
    key: 'imani',
    email: 'imani.brooks@ironfront.example',
    displayName: 'Imani Brooks',
    role: 'member',
    origin: 'web_signup',
    lifecycleStage: 'new',
    lastActiveDaysAgo: null,
    createdDaysAgo: 4,
  },
  {
    key: 'jonas',
    email: 'jonas.weber@ironfront.example',
    displayName: 'Jonas Weber',
    role: 'member',
    origin: 'manual',
    lifecycleStage: 'dormant',
    lastActiveDaysAgo: 160,
    createdDaysAgo: 700,
  },
  {
    key: 'calendar-sync',
    email: null,
    displayName: 'Calendar Sync',
    role: SYSTEM_PARTICIPANT_ROLE,
    origin: 'integration',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 0,
    createdDaysAgo: 720,
  },
  {
    key: 'crm-bridge',
    email: null,
    displayName: 'CRM Bridge',
    role: SYSTEM_PARTICIPANT_ROLE,
    origin: 'integration',
    lifecycleStage: 'active',
    lastActiveDaysAgo: 0,
    createdDaysAgo: 720,
  },
];

export interface DemoRelationship {
  from: string;
  to: string;
  type: string;
  source: string;
  confidence: number;
  createdDaysAgo: number;
}

// Imani (new, never active) is deliberately left without relationships: the isolated segment has a member.
export const DEMO_RELATIONSHIPS: DemoRelationship[] = [
  {
    from: 'ava',
    to: 'ben',
    type: 'collaborates_with',
    source: 'email',
    confidence: 0.92,
    createdDaysAgo: 200,
  },
  {
    from: 'ben',
    to: 'ava',
    type: 'collaborates_with',
    source: 'email',
    confidence: 0.9,
    createdDaysAgo: 200,
  },
  { from: 'ava', to: 'dev', type: 'advises', source: 'manual', confidence: 0.85, createdDaysAgo: 380 },
  { from: 'ava', to: 'hiro', type: 'co_attended', source: 'calendar', confidence: 0.74, createdDaysAgo: 150 },
  { from: 'ava', to: 'chloe', type: 'knows', source: 'manual', confidence: 0.8, createdDaysAgo: 5 },
  {
    from: 'ben',
    to: 'elena',
    type: 'collaborates_with',
    source: 'crm_import',
    confidence: 0.67,
    createdDaysAgo: 120,
  },
  { from: 'dev', to: 'elena', type: 'advises', source: 'manual', confidence: 0.7, createdDaysAgo: 250 },
  {
    from: 'elena',
    to: 'farid',
    type: 'buys_from',
    source: 'crm_import',
    confidence: 0.58,
    createdDaysAgo: 170,
  },
  { from: 'farid', to: 'grace', type: 'supports', source: 'email', confidence: 0.49, createdDaysAgo: 160 },
  {
    from: 'grace',
    to: 'jonas',
    type: 'co_attended',
    source: 'calendar',
    confidence: 0.41,
    createdDaysAgo: 300,
  },
  {
    from: 'hiro',
    to: 'dev',
    type: 'collaborates_with',
    source: 'email',
    confidence: 0.88,
    createdDaysAgo: 420,
  },
  {
    from: 'chloe',
    to: 'ben',
    type: 'communicates_with',
    source: 'email',
    confidence: 0.63,
    createdDaysAgo: 3,
  },
  { from: 'calendar-sync', to: 'ava', type: 'synced', source: 'system', confidence: 1, createdDaysAgo: 390 },
  { from: 'calendar-sync', to: 'hiro', type: 'synced', source: 'system', confidence: 1, createdDaysAgo: 390 },
  { from: 'crm-bridge', to: 'elena', type: 'synced', source: 'system', confidence: 1, createdDaysAgo: 290 },
  { from: 'crm-bridge', to: 'farid', type: 'synced', source: 'system', confidence: 1, createdDaysAgo: 170 },
];

export interface DemoEvent {
  key: string;
  eventType: string;
  targetType: string | null;
  target: string | null;
  metadata: Record<string, unknown>;
  hoursAgo: number;
}

export const DEMO_EVENTS: DemoEvent[] = [
  {
    key: 'signed-in',
    eventType: 'auth.signed_in',
    targetType: 'user',
    target: null,
    metadata: { method: 'email' },
    hoursAgo: 30,
  },
  {
    key: 'graph-viewed',
    eventType: 'graph.viewed',
    targetType: 'org',
    target: null,
    metadata: { nodes: 12, edges: 16, filters: {} },
    hoursAgo: 29,
  },
  {
    key: 'participant-viewed',
    eventType: 'participant.viewed',
    targetType: 'participant',
    target: 'elena',
    metadata: {},
    hoursAgo: 28,
  },
  {
    key: 'stage-changed',
    eventType: 'participant.stage_changed',
    targetType: 'participant',
    target: 'elena',
    metadata: { from: 'active', to: 'at_risk' },
    hoursAgo: 27,
  },
  {
    key: 'recommendations-viewed',
    eventType: 'recommendations.viewed',
    targetType: 'org',
    target: null,
    metadata: { status: 'pending', count: 3 },
    hoursAgo: 26,
  },
];

export interface DemoRecommendation {
  key: string;
  targetType: 'participant' | 'relationship';
  target: string;
  suggestedAction: string;
  reason: string;
  confidence: number;
}

export const DEMO_RECOMMENDATIONS: DemoRecommendation[] = [
  {
    key: 'flag-elena',
    targetType: 'participant',
    target: 'elena',
    suggestedAction: 'flag_for_review',
    reason:
      'No activity for 41 days after weekly activity before, and two of her three direct connections are also at risk or dormant.',
    confidence: 0.78,
  },
  {
    key: 'stage-hiro',
    targetType: 'participant',
    target: 'hiro',
    suggestedAction: 'set_lifecycle_stage',
    reason:
      'Marked active, but the last activity was 75 days ago; the dormant stage matches the activity data.',
    confidence: 0.86,
  },
  {
    key: 'verify-grace-jonas',
    targetType: 'relationship',
    target: 'grace>jonas:co_attended',
    suggestedAction: 'verify_relationship',
    reason:
      'Seen once in an imported calendar and never since; both participants are dormant, so the link may be stale.',
    confidence: 0.55,
  },
];
