import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import {
  INTERVENTION_SCOPES,
  INTERVENTION_TYPES,
  LIFECYCLE_STAGES,
  MEMBERSHIP_ROLES,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TARGET_TYPES,
} from '../domain';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const id = () => uuid('id').notNull().defaultRandom();
const orgId = () =>
  uuid('org_id')
    .notNull()
    .references(() => orgs.id, { onDelete: 'cascade' });

/** `column IN ('a','b')` for a closed value set, written out so the migration SQL is self-contained. */
const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

export const orgs = pgTable(
  'orgs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    createdAt: createdAt(),
  },
  (t) => [
    // Admin commands and the seed find orgs by name; two orgs that differ only in case would be ambiguous.
    uniqueIndex('orgs_name_lower_key').on(sql`lower(${t.name})`),
    check('orgs_name_not_blank', sql`length(btrim(${t.name})) > 0`),
  ],
);

// users/sessions/accounts/verifications: better-auth's core model on our tables. `name`,
// `email_verified`, `image` and `updated_at` on users are better-auth's fields.
export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull().default(''),
    emailVerified: boolean('email_verified').notNull().default(false),
    image: text('image'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('users_email_key').on(t.email),
    // Emails are stored lower-cased so that the unique key is also case-insensitive.
    check('users_email_lowercase', sql`${t.email} = lower(${t.email})`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('sessions_token_key').on(t.token), index('sessions_user_id_idx').on(t.userId)],
);

export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    accountId: text('account_id').notNull(),
    providerId: text('provider_id').notNull(),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    idToken: text('id_token'),
    accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
    refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
    scope: text('scope'),
    password: text('password'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('accounts_provider_account_key').on(t.providerId, t.accountId),
    index('accounts_user_id_idx').on(t.userId),
  ],
);

export const verifications = pgTable(
  'verifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    identifier: text('identifier').notNull(),
    value: text('value').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('verifications_identifier_idx').on(t.identifier)],
);

export const orgMemberships = pgTable(
  'org_memberships',
  {
    orgId: orgId(),
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'org_memberships_pkey', columns: [t.orgId, t.id] }),
    unique('org_memberships_org_user_key').on(t.orgId, t.userId),
    // "Which orgs is this user in?" runs on every request; the unique key leads with org_id.
    index('org_memberships_user_id_idx').on(t.userId),
    check('org_memberships_role_check', oneOf('role', MEMBERSHIP_ROLES)),
  ],
);

export const participants = pgTable(
  'participants',
  {
    orgId: orgId(),
    id: id(),
    email: text('email'),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    origin: text('origin').notNull(),
    lifecycleStage: text('lifecycle_stage').notNull().default('new'),
    lastActivityAt: timestamp('last_activity_at', { withTimezone: true }),
    createdAt: createdAt(),
    // Degree counters, kept by statement-level triggers on relationships (migration 0005): ranking a
    // hub's 50,000 neighbours or counting segments of a 1M org by counting edges on the fly took seconds.
    outDegree: integer('out_degree').notNull().default(0),
    inDegree: integer('in_degree').notNull().default(0),
  },
  (t) => [
    primaryKey({ name: 'participants_pkey', columns: [t.orgId, t.id] }),
    index('participants_org_role_idx').on(t.orgId, t.role),
    // The participants list's orders, each paged by (key, id) in either direction
    // (repositories/participants.ts); the last-activity one also serves the segments' date ranges.
    index('participants_org_name_idx').on(t.orgId, t.displayName, t.id),
    index('participants_org_last_activity_idx').on(t.orgId, t.lastActivityAt, t.id),
    index('participants_org_degree_idx').on(t.orgId, sql`(${t.outDegree} + ${t.inDegree})`, t.id),
    index('participants_org_created_idx').on(t.orgId, t.createdAt, t.id),
    // One participant per email within an org (CSV import matches on it); system accounts have none.
    uniqueIndex('participants_org_email_key')
      .on(t.orgId, sql`lower(${t.email})`)
      .where(sql`${t.email} IS NOT NULL`),
    check('participants_lifecycle_stage_check', oneOf('lifecycle_stage', LIFECYCLE_STAGES)),
    check('participants_role_not_blank', sql`length(btrim(${t.role})) > 0`),
    check('participants_degrees_check', sql`${t.outDegree} >= 0 AND ${t.inDegree} >= 0`),
  ],
);

export const relationships = pgTable(
  'relationships',
  {
    orgId: orgId(),
    id: id(),
    fromParticipantId: uuid('from_participant_id').notNull(),
    toParticipantId: uuid('to_participant_id').notNull(),
    type: text('type').notNull(),
    source: text('source').notNull(),
    confidenceScore: doublePrecision('confidence_score').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'relationships_pkey', columns: [t.orgId, t.id] }),
    // Composite keys that include org_id: an edge between two orgs cannot exist in the database.
    foreignKey({
      name: 'relationships_from_participant_fkey',
      columns: [t.orgId, t.fromParticipantId],
      foreignColumns: [participants.orgId, participants.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'relationships_to_participant_fkey',
      columns: [t.orgId, t.toParticipantId],
      foreignColumns: [participants.orgId, participants.id],
    }).onDelete('cascade'),
    unique('relationships_org_from_to_type_key').on(t.orgId, t.fromParticipantId, t.toParticipantId, t.type),
    index('relationships_org_from_idx').on(t.orgId, t.fromParticipantId),
    index('relationships_org_to_idx').on(t.orgId, t.toParticipantId),
    check('relationships_no_self_check', sql`${t.fromParticipantId} <> ${t.toParticipantId}`),
    check('relationships_confidence_check', sql`${t.confidenceScore} >= 0 AND ${t.confidenceScore} <= 1`),
  ],
);

export const events = pgTable(
  'events',
  {
    orgId: orgId(),
    id: id(),
    // No foreign key to users: the audit log outlives the accounts it mentions.
    actorUserId: uuid('actor_user_id'),
    actorRole: text('actor_role'),
    eventType: text('event_type').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    metadata: jsonb('metadata').notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'events_pkey', columns: [t.orgId, t.id] }),
    index('events_org_created_idx').on(t.orgId, t.createdAt),
    index('events_org_type_created_idx').on(t.orgId, t.eventType, t.createdAt),
    check('events_event_type_format', sql`${t.eventType} ~ '^[a-z_]+(\\.[a-z_]+)+$'`),
  ],
);

export const interventions = pgTable(
  'interventions',
  {
    orgId: orgId(),
    id: id(),
    // Like events, interventions keep the ids of the users who acted, even after those users are gone.
    operatorUserId: uuid('operator_user_id'),
    operatorRole: text('operator_role').notNull(),
    type: text('type').notNull(),
    scope: text('scope').notNull(),
    targetIds: uuid('target_ids').array().notNull(),
    reason: text('reason').notNull(),
    previousState: jsonb('previous_state').notNull(),
    newState: jsonb('new_state').notNull(),
    createdAt: createdAt(),
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
    reversedByUserId: uuid('reversed_by_user_id'),
    reversalReason: text('reversal_reason'),
  },
  (t) => [
    primaryKey({ name: 'interventions_pkey', columns: [t.orgId, t.id] }),
    index('interventions_org_created_idx').on(t.orgId, t.createdAt),
    index('interventions_org_operator_created_idx').on(t.orgId, t.operatorUserId, t.createdAt),
    check('interventions_type_check', oneOf('type', INTERVENTION_TYPES)),
    check('interventions_scope_check', oneOf('scope', INTERVENTION_SCOPES)),
    check('interventions_operator_role_check', oneOf('operator_role', MEMBERSHIP_ROLES)),
    check('interventions_reversal_complete', sql`(${t.reversedAt} IS NULL) = (${t.reversalReason} IS NULL)`),
  ],
);

export const recommendations = pgTable(
  'recommendations',
  {
    orgId: orgId(),
    id: id(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    suggestedAction: text('suggested_action').notNull(),
    reason: text('reason').notNull(),
    confidence: doublePrecision('confidence').notNull(),
    status: text('status').notNull().default('pending'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'recommendations_pkey', columns: [t.orgId, t.id] }),
    index('recommendations_org_status_created_idx').on(t.orgId, t.status, t.createdAt),
    index('recommendations_org_target_idx').on(t.orgId, t.targetType, t.targetId),
    check('recommendations_status_check', oneOf('status', RECOMMENDATION_STATUSES)),
    check('recommendations_target_type_check', oneOf('target_type', RECOMMENDATION_TARGET_TYPES)),
    check('recommendations_confidence_check', sql`${t.confidence} >= 0 AND ${t.confidence} <= 1`),
  ],
);

// rate-limiter-flexible's Drizzle store: sign-in throttling and API limits kept in the database, so that
// every app instance sees the same counters (its expected columns: key, points, expire).
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    points: integer('points').notNull().default(0),
    expire: timestamp('expire', { withTimezone: true }),
  },
  (t) => [index('rate_limits_expire_idx').on(t.expire)],
);

/** Per-org settings; an org without a row uses the defaults (DESIGN.md §5 segments). */
export const orgSettings = pgTable(
  'org_settings',
  {
    orgId: uuid('org_id')
      .primaryKey()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    newDays: integer('new_days').notNull().default(14),
    activeDays: integer('active_days').notNull().default(30),
    dormantDays: integer('dormant_days').notNull().default(60),
    highlyConnectedPercentile: doublePrecision('highly_connected_percentile').notNull().default(0.9),
    highlyConnectedMinDegree: integer('highly_connected_min_degree').notNull().default(3),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check(
      'org_settings_days_check',
      sql`${t.newDays} > 0 AND ${t.activeDays} > 0 AND ${t.dormantDays} > ${t.activeDays}`,
    ),
    check(
      'org_settings_percentile_check',
      sql`${t.highlyConnectedPercentile} > 0 AND ${t.highlyConnectedPercentile} < 1 AND ${t.highlyConnectedMinDegree} >= 1`,
    ),
  ],
);

// What interventions change on a participant beyond its lifecycle stage. One row per participant that
// has ever been touched; absent means all defaults.
export const participantControls = pgTable(
  'participant_controls',
  {
    orgId: uuid('org_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    outreachPaused: boolean('outreach_paused').notNull().default(false),
    flaggedForReview: boolean('flagged_for_review').notNull().default(false),
    recommendationsSuppressed: boolean('recommendations_suppressed').notNull().default(false),
    /** With recommendations_suppressed: until when; null means until lifted. */
    recommendationsSuppressedUntil: timestamp('recommendations_suppressed_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'participant_controls_pkey', columns: [t.orgId, t.participantId] }),
    foreignKey({
      name: 'participant_controls_participant_fkey',
      columns: [t.orgId, t.participantId],
      foreignColumns: [participants.orgId, participants.id],
    }).onDelete('cascade'),
  ],
);

export const participantNotes = pgTable(
  'participant_notes',
  {
    orgId: uuid('org_id').notNull(),
    id: id(),
    participantId: uuid('participant_id').notNull(),
    interventionId: uuid('intervention_id').notNull(),
    body: text('body').notNull(),
    authorUserId: uuid('author_user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'participant_notes_pkey', columns: [t.orgId, t.id] }),
    foreignKey({
      name: 'participant_notes_participant_fkey',
      columns: [t.orgId, t.participantId],
      foreignColumns: [participants.orgId, participants.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'participant_notes_intervention_fkey',
      columns: [t.orgId, t.interventionId],
      foreignColumns: [interventions.orgId, interventions.id],
    }),
    index('participant_notes_participant_idx').on(t.orgId, t.participantId, t.createdAt),
  ],
);

export const relationshipControls = pgTable(
  'relationship_controls',
  {
    orgId: uuid('org_id').notNull(),
    relationshipId: uuid('relationship_id').notNull(),
    flaggedForReview: boolean('flagged_for_review').notNull().default(false),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'relationship_controls_pkey', columns: [t.orgId, t.relationshipId] }),
    foreignKey({
      name: 'relationship_controls_relationship_fkey',
      columns: [t.orgId, t.relationshipId],
      foreignColumns: [relationships.orgId, relationships.id],
    }).onDelete('cascade'),
  ],
);

// Idempotency-Key: a retried POST returns the first answer instead of acting twice.
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    /** Null while the first request is still being handled. */
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'idempotency_keys_pkey', columns: [t.orgId, t.userId, t.key] }),
    index('idempotency_keys_created_idx').on(t.createdAt),
  ],
);
