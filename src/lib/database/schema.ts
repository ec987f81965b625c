import { relations, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  date,
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
  API_KEY_ROLES,
  AUDIT_DELIVERY_STATUSES,
  IMPORT_KIND_NAMES,
  DISMISSAL_REASONS,
  INTERVENTION_SCOPES,
  INTERVENTION_TYPES,
  JOB_KINDS,
  JOB_STATUSES,
  LIFECYCLE_STAGES,
  MEMBERSHIP_ROLES,
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TARGET_TYPES,
} from '../domain';

/** Raw bytes (drizzle-orm's pg-core has no bytea builder): a Buffer in and out. */
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

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

// Relations for drizzle's relational queries, which the auth library uses to read a session and its
// user in one statement (advanced.database.joins, src/lib/auth.ts). They change no SQL schema.
export const usersRelations = relations(users, ({ many }) => ({
  sessions: many(sessions),
  accounts: many(accounts),
}));
export const sessionsRelations = relations(sessions, ({ one }) => ({
  user: one(users, { fields: [sessions.userId], references: [users.id] }),
}));
export const accountsRelations = relations(accounts, ({ one }) => ({
  user: one(users, { fields: [accounts.userId], references: [users.id] }),
}));

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
    /** When an owner erased the person's data (docs/decisions/034): email null, name "Erased participant". */
    erasedAt: timestamp('erased_at', { withTimezone: true }),
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
    // Search by any part of a name or email (`q=`, ILIKE '%…%'): trigram indexes (pg_trgm), which a
    // b-tree cannot serve; a rare term was a scan of the org (docs/decisions/037).
    index('participants_name_trgm_idx').using('gin', t.displayName.op('gin_trgm_ops')),
    index('participants_email_trgm_idx').using('gin', t.email.op('gin_trgm_ops')),
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
    // With the other end: a neighbourhood's incoming side read from the index alone (decision 043).
    index('relationships_org_to_from_idx').on(t.orgId, t.toParticipantId, t.fromParticipantId),
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
    /**
     * What the event says that may name a person — free text typed by a member (reasons, notes, search
     * terms) — apart from `metadata`, so that an erasure can remove it (docs/decisions/034). The chain
     * commits to `personal_digest`, SHA-256 of `personal_salt` and its canonical JSON, set by the
     * database at insert; an erasure sets `personal` and `personal_salt` to null and keeps the digest.
     */
    personal: jsonb('personal'),
    personalSalt: text('personal_salt'),
    personalDigest: text('personal_digest'),
    createdAt: createdAt(),
    // The hash chain (docs/decisions/030): set by the database's triggers only, never by a writer.
    // content_hash at insert; seq, prev_hash and hash when the inserting transaction commits.
    contentHash: text('content_hash'),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [
    primaryKey({ name: 'events_pkey', columns: [t.orgId, t.id] }),
    index('events_org_created_idx').on(t.orgId, t.createdAt),
    index('events_org_type_created_idx').on(t.orgId, t.eventType, t.createdAt),
    // What happened to one thing, newest first: the participant detail's recent events and the audit
    // log filtered by target (docs/decisions/037); without it, a scan of the org's events.
    index('events_org_target_created_idx').on(
      t.orgId,
      t.targetType,
      t.targetId,
      // NULLS FIRST is what ORDER BY … DESC means: a NULLS LAST index would not serve it.
      t.createdAt.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    check('events_event_type_format', sql`${t.eventType} ~ '^[a-z_]+(\\.[a-z_]+)+$'`),
    uniqueIndex('events_org_seq_key')
      .on(t.orgId, t.seq)
      .where(sql`${t.seq} IS NOT NULL`),
  ],
);

/**
 * Signed statements of an org's chain head (docs/decisions/030): "at anchored_at, event seq of org_id
 * had this hash", Ed25519 over the canonical JSON of those four. Append-only like events.
 */
export const auditAnchors = pgTable(
  'audit_anchors',
  {
    orgId: orgId(),
    id: id(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    headHash: text('head_hash').notNull(),
    anchoredAt: timestamp('anchored_at', { withTimezone: true }).notNull(),
    /** The first 16 hex digits of the SHA-256 of the signing key's public key (SPKI DER). */
    keyId: text('key_id').notNull(),
    /** base64 */
    signature: text('signature').notNull(),
  },
  (t) => [
    primaryKey({ name: 'audit_anchors_pkey', columns: [t.orgId, t.id] }),
    unique('audit_anchors_org_seq_key').on(t.orgId, t.seq),
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
    /** The Atlas detector that produced it (null for ones made before Atlas generated them). */
    detector: text('detector'),
    /** The evidence its reason cites: participant and relationship ids, the figures, the formula inputs. */
    metadata: jsonb('metadata').notNull().default({}),
    /** The Atlas run (a job) that created or last refreshed it. */
    jobId: uuid('job_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    dismissalReason: text('dismissal_reason'),
    /** With dismissal_reason `later`: Atlas may raise it again after this time, not before. */
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'recommendations_pkey', columns: [t.orgId, t.id] }),
    index('recommendations_org_status_created_idx').on(t.orgId, t.status, t.createdAt),
    index('recommendations_org_target_idx').on(t.orgId, t.targetType, t.targetId),
    // At most one open recommendation per target and action: a rerun refreshes or supersedes it.
    uniqueIndex('recommendations_one_pending_key')
      .on(t.orgId, t.targetType, t.targetId, t.suggestedAction)
      .where(sql`${t.status} = 'pending'`),
    index('recommendations_org_detector_decided_idx').on(t.orgId, t.detector, t.decidedAt),
    check(
      'recommendations_dismissal_reason_check',
      sql`${t.dismissalReason} IS NULL OR ${oneOf('dismissal_reason', DISMISSAL_REASONS)}`,
    ),
    check('recommendations_snooze_check', sql`${t.snoozedUntil} IS NULL OR ${t.dismissalReason} = 'later'`),
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
    /** Days a lower lifecycle stage must have been due before the stage engine moves a participant down. */
    stageGraceDays: integer('stage_grace_days').notNull().default(7),
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
    check('org_settings_grace_check', sql`${t.stageGraceDays} >= 0 AND ${t.stageGraceDays} <= 90`),
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

/**
 * Keys for scripts and integrations (docs/decisions/033): org-owned, with a role below owner. Only the
 * SHA-256 of the secret is kept; `prefix` (the secret's first characters) tells keys apart in lists
 * and in the audit log. A request finds its key by the hash, across orgs (`app_api_key_by_hash`).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    orgId: orgId(),
    id: id(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    prefix: text('prefix').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** Kept after the user is gone, like an intervention's operator. */
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    revokedByUserId: uuid('revoked_by_user_id'),
  },
  (t) => [
    primaryKey({ name: 'api_keys_pkey', columns: [t.orgId, t.id] }),
    index('api_keys_secret_hash_idx').on(t.secretHash),
    index('api_keys_org_created_idx').on(t.orgId, t.createdAt),
    check('api_keys_role_check', oneOf('role', API_KEY_ROLES)),
    check('api_keys_name_not_blank', sql`length(btrim(${t.name})) > 0`),
    check('api_keys_secret_hash_format', sql`${t.secretHash} ~ '^[0-9a-f]{64}$'`),
  ],
);

/**
 * Where an org's audit events are sent (docs/decisions/035): signed JSON batches, in seq order, at least
 * once. The events table is the outbox — every event has its place in the org's gap-free chain when its
 * transaction commits — and `delivered_through_seq` is how far this receiver has acknowledged it.
 */
export const auditStreams = pgTable(
  'audit_streams',
  {
    orgId: orgId(),
    id: id(),
    url: text('url').notNull(),
    /** The HMAC-SHA256 key of the signatures; the console shows it once, at creation. */
    secret: text('secret').notNull(),
    deliveredThroughSeq: bigint('delivered_through_seq', { mode: 'number' }).notNull().default(0),
    /** Failed attempts since the last success: the backoff's exponent. */
    failures: integer('failures').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'audit_streams_pkey', columns: [t.orgId, t.id] }),
    check('audit_streams_seq_check', sql`${t.deliveredThroughSeq} >= 0 AND ${t.failures} >= 0`),
  ],
);

/** Each attempt to deliver a batch: the delivery log of the console. */
export const auditDeliveries = pgTable(
  'audit_deliveries',
  {
    orgId: orgId(),
    id: id(),
    streamId: uuid('stream_id').notNull(),
    fromSeq: bigint('from_seq', { mode: 'number' }).notNull(),
    toSeq: bigint('to_seq', { mode: 'number' }).notNull(),
    events: integer('events').notNull(),
    status: text('status').notNull(),
    /** The receiver's HTTP status; null when it could not be reached. */
    httpStatus: integer('http_status'),
    error: text('error'),
    /** Which attempt at this batch: 1, then one more after each failure. */
    attempt: integer('attempt').notNull(),
    durationMs: integer('duration_ms').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'audit_deliveries_pkey', columns: [t.orgId, t.id] }),
    index('audit_deliveries_org_stream_created_idx').on(t.orgId, t.streamId, t.createdAt),
    foreignKey({
      name: 'audit_deliveries_stream_fk',
      columns: [t.orgId, t.streamId],
      foreignColumns: [auditStreams.orgId, auditStreams.id],
    }).onDelete('cascade'),
    check('audit_deliveries_status_check', oneOf('status', AUDIT_DELIVERY_STATUSES)),
  ],
);

/**
 * A CSV file uploaded for an import that runs as a job (docs/decisions/032): its bytes in chunks of
 * about a megabyte, read back in order by the csv_import job, then deleted with the upload.
 */
export const importUploads = pgTable(
  'import_uploads',
  {
    orgId: orgId(),
    id: id(),
    kind: text('kind').notNull(),
    dryRun: boolean('dry_run').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    chunks: integer('chunks').notNull().default(0),
    createdByUserId: uuid('created_by_user_id'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ name: 'import_uploads_pkey', columns: [t.orgId, t.id] }),
    check('import_uploads_kind_check', oneOf('kind', IMPORT_KIND_NAMES)),
  ],
);

export const importUploadChunks = pgTable(
  'import_upload_chunks',
  {
    orgId: orgId(),
    uploadId: uuid('upload_id').notNull(),
    n: integer('n').notNull(),
    data: bytea('data').notNull(),
  },
  (t) => [
    primaryKey({ name: 'import_upload_chunks_pkey', columns: [t.orgId, t.uploadId, t.n] }),
    foreignKey({
      name: 'import_upload_chunks_upload_fk',
      columns: [t.orgId, t.uploadId],
      foreignColumns: [importUploads.orgId, importUploads.id],
    }).onDelete('cascade'),
  ],
);

/**
 * Background work that outlives a request and a process (src/lib/jobs). Claimed with FOR UPDATE SKIP
 * LOCKED; a running job whose heartbeat stopped (its process died) is claimed again.
 */
export const jobs = pgTable(
  'jobs',
  {
    orgId: orgId(),
    id: id(),
    kind: text('kind').notNull(),
    status: text('status').notNull().default('queued'),
    /** Who asked for it; null for the schedule. */
    requestedByUserId: uuid('requested_by_user_id'),
    params: jsonb('params').notNull().default({}),
    phase: text('phase'),
    /** 0..1 within the whole job. */
    progress: doublePrecision('progress').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    timeLimitSeconds: integer('time_limit_seconds').notNull(),
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    /** Which process runs it (host:pid:boot id), for messages and for telling a stale claim. */
    workerId: text('worker_id'),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    error: text('error'),
    result: jsonb('result'),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ name: 'jobs_pkey', columns: [t.orgId, t.id] }),
    // One queued or running job of a kind per org, held by the database itself: a second request gets
    // a unique violation and is answered 409 with the id of the one in progress.
    uniqueIndex('jobs_one_active_per_kind_key')
      .on(t.orgId, t.kind)
      .where(sql`${t.status} IN ('queued', 'running')`),
    index('jobs_claim_idx')
      .on(t.createdAt)
      .where(sql`${t.status} IN ('queued', 'running')`),
    index('jobs_org_kind_created_idx').on(t.orgId, t.kind, t.createdAt),
    check('jobs_kind_check', oneOf('kind', JOB_KINDS)),
    check('jobs_status_check', oneOf('status', JOB_STATUSES)),
    check('jobs_progress_check', sql`${t.progress} >= 0 AND ${t.progress} <= 1`),
    check('jobs_time_limit_check', sql`${t.timeLimitSeconds} > 0`),
  ],
);

/** Participants per lifecycle stage at the end of each org-local day the stage engine ran. */
export const stageDailyCounts = pgTable(
  'stage_daily_counts',
  {
    orgId: orgId(),
    day: date('day').notNull(),
    stage: text('stage').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({ name: 'stage_daily_counts_pkey', columns: [t.orgId, t.day, t.stage] }),
    check('stage_daily_counts_stage_check', oneOf('stage', LIFECYCLE_STAGES)),
    check('stage_daily_counts_count_check', sql`${t.count} >= 0`),
  ],
);

/** What the segment counters count participants by (docs/decisions/042). */
export const SEGMENT_COUNT_DIMENSIONS = ['system', 'degree', 'created', 'activity'] as const;

/**
 * The org's participants counted by what the segments ask of them (docs/decisions/042): the automated
 * accounts (bucket 0), and the others by degree, by the 15-minute slot they were created in and by the
 * slot they were last active in (-1: never). Kept by triggers on participants (migrations 0018, 0020)
 * in the transactions that change them, as additions: each writing transaction adds its own row per
 * bucket (`writer`: its transaction id), so concurrent writers never wait for each other's rows, and
 * folds a bucket's rows into one (`writer` 0) when no other transaction of the org is folding
 * (docs/decisions/047). A bucket's count is the sum of its rows.
 */
export const segmentCounts = pgTable(
  'segment_counts',
  {
    orgId: orgId(),
    dimension: text('dimension').notNull(),
    bucket: bigint('bucket', { mode: 'number' }).notNull(),
    writer: bigint('writer', { mode: 'number' }).notNull().default(0),
    participants: bigint('participants', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'segment_counts_pkey', columns: [t.orgId, t.dimension, t.bucket, t.writer] }),
    check('segment_counts_dimension_check', oneOf('dimension', SEGMENT_COUNT_DIMENSIONS)),
    // The additions not folded yet: a fold finds every one of its org's in a few index entries.
    index('segment_counts_additions_idx')
      .on(t.orgId, t.dimension, t.bucket)
      .where(sql`${t.writer} <> 0`),
  ],
);

/** How many participants moved from one stage to another on each org-local day, and by whom. */
export const stageTransitions = pgTable(
  'stage_transitions',
  {
    orgId: orgId(),
    day: date('day').notNull(),
    fromStage: text('from_stage').notNull(),
    toStage: text('to_stage').notNull(),
    /** `engine` (the stage job) or `operator` (a set_lifecycle_stage intervention or its reversal). */
    cause: text('cause').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'stage_transitions_pkey',
      columns: [t.orgId, t.day, t.fromStage, t.toStage, t.cause],
    }),
    check(
      'stage_transitions_stages_check',
      sql`${oneOf('from_stage', LIFECYCLE_STAGES)} AND ${oneOf('to_stage', LIFECYCLE_STAGES)} AND ${t.fromStage} <> ${t.toStage}`,
    ),
    check('stage_transitions_cause_check', sql`${t.cause} IN ('engine', 'operator')`),
    check('stage_transitions_count_check', sql`${t.count} > 0`),
  ],
);

// What an Atlas run computed, kept per run (job id). The live results are those of the org's latest
// succeeded atlas_run job; a run writes under its own id and marks itself succeeded last, so readers
// never see a half-written run, and a run that dies leaves rows nobody reads (removed when it resumes).

/** Communities as super-nodes of the graph overview. */
export const atlasCommunities = pgTable(
  'atlas_communities',
  {
    orgId: orgId(),
    jobId: uuid('job_id').notNull(),
    /** Numbered by size within the run, 0 the largest. */
    community: integer('community').notNull(),
    size: integer('size').notNull(),
    /** Members per lifecycle stage: { new, active, at_risk, dormant } (system accounts apart). */
    stageCounts: jsonb('stage_counts').notNull(),
    /** Named after its most central members. */
    label: text('label').notNull(),
    /** Its most central members, most central first (the label's and the target of review_segment). */
    centralParticipantIds: uuid('central_participant_ids').array().notNull(),
    x: doublePrecision('x').notNull(),
    y: doublePrecision('y').notNull(),
    /** Per-week share of members active, oldest first, and the 30-day change the detectors read. */
    activity: jsonb('activity').notNull(),
  },
  (t) => [primaryKey({ name: 'atlas_communities_pkey', columns: [t.orgId, t.jobId, t.community] })],
);

/** Relationships between two communities of a run, counted (from < to). */
export const atlasCommunityLinks = pgTable(
  'atlas_community_links',
  {
    orgId: orgId(),
    jobId: uuid('job_id').notNull(),
    fromCommunity: integer('from_community').notNull(),
    toCommunity: integer('to_community').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'atlas_community_links_pkey',
      columns: [t.orgId, t.jobId, t.fromCommunity, t.toCommunity],
    }),
    check('atlas_community_links_order_check', sql`${t.fromCommunity} < ${t.toCommunity}`),
  ],
);

/** Each participant's scores and drill-down position in a run. */
export const atlasParticipantScores = pgTable(
  'atlas_participant_scores',
  {
    orgId: orgId(),
    jobId: uuid('job_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    community: integer('community').notNull(),
    pagerank: doublePrecision('pagerank').notNull(),
    /** Share of participants scoring at least as high (0.03: top 3%). */
    pagerankTop: doublePrecision('pagerank_top').notNull(),
    /** Participation coefficient, 0 (one community) .. 1. */
    bridging: doublePrecision('bridging').notNull(),
    /** Position within its community's drill-down layout. */
    x: doublePrecision('x').notNull(),
    y: doublePrecision('y').notNull(),
  },
  (t) => [
    primaryKey({ name: 'atlas_participant_scores_pkey', columns: [t.orgId, t.jobId, t.participantId] }),
    index('atlas_participant_scores_community_idx').on(t.orgId, t.jobId, t.community, t.pagerank),
  ],
);
