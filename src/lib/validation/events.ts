import { z } from '@hono/zod-openapi';
import { pageQuerySchema } from './common-api';
import { textSchema } from './text';

const when = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time, e.g. 2026-01-31T12:00:00Z',
});

const eventFilters = {
  type: z
    .string()
    .regex(/^[a-z_]+(\.[a-z_]+)+$/, 'must be an event type such as member.added')
    .optional(),
  actorUserId: z.uuid({ message: 'must be a UUID' }).optional(),
  targetType: textSchema.trim().min(1).max(50).optional(),
  targetId: textSchema.trim().min(1).max(200).optional(),
  from: when.optional().openapi({ description: 'Events at or after this time' }),
  to: when.optional().openapi({ description: 'Events before this time' }),
};

const fromBeforeTo: [(f: { from?: string; to?: string }) => boolean, { message: string; path: string[] }] = [
  (f) => !f.from || !f.to || new Date(f.from) < new Date(f.to),
  { message: 'must be after from', path: ['to'] },
];

export const eventFiltersSchema = z.object(eventFilters);
export type EventFilters = z.infer<typeof eventFiltersSchema>;

export const listEventsQuerySchema = pageQuerySchema.extend(eventFilters).refine(...fromBeforeTo);

export const exportEventsQuerySchema = z
  .object({
    format: z.enum(['csv', 'ndjson']).default('ndjson'),
    order: z.enum(['newest', 'chain']).default('newest').openapi({
      description: 'newest first, or in chain order (seq ascending) for scripts/verify-audit-export.mjs',
    }),
    ...eventFilters,
  })
  .refine(...fromBeforeTo);

export const eventSchema = z
  .object({
    id: z.uuid(),
    eventType: z.string(),
    actorUserId: z.string().nullable(),
    actorEmail: z
      .string()
      .nullable()
      .openapi({ description: 'The actor’s current email, if the account exists' }),
    actorRole: z.string().nullable(),
    targetType: z.string().nullable(),
    targetId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    personal: z.record(z.string(), z.unknown()).nullable().openapi({
      description:
        'What the event says that may name a person (reasons, notes, search terms); null when it has none or it was erased',
    }),
    personalSalt: z.string().nullable(),
    personalDigest: z.string().nullable().openapi({
      description:
        'SHA-256 of personalSalt and the canonical JSON of personal, which the chain commits to; kept after an erasure',
    }),
    createdAt: z.string().openapi({ format: 'date-time' }),
    seq: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Place in the org’s audit chain (null until linked)' }),
    prevHash: z.string().nullable(),
    hash: z.string().nullable(),
    contentHash: z.string().nullable(),
  })
  .openapi('AuditEvent');

export const eventPageSchema = z
  .object({ items: z.array(eventSchema), nextCursor: z.string().nullable() })
  .openapi('AuditEventPage');

export const CHAIN_PROBLEMS = [
  'content_hash_mismatch',
  'personal_digest_mismatch',
  'hash_mismatch',
  'missing_seq',
  'forged',
  'reordered',
  'anchor_mismatch',
  'truncated',
  'unchained',
] as const;

const anchorSchema = z
  .object({
    orgId: z.uuid(),
    seq: z.number().int(),
    hash: z.string(),
    anchoredAt: z.string().openapi({ format: 'date-time' }),
    keyId: z.string(),
    signature: z
      .string()
      .openapi({ description: 'Ed25519 over the canonical JSON of {anchoredAt, hash, orgId, seq}, base64' }),
  })
  .openapi('AuditAnchor');

export const chainReportSchema = z
  .object({
    status: z.enum(['verified', 'broken']),
    eventsChecked: z.number().int(),
    verifiedThrough: z
      .object({
        seq: z.number().int(),
        hash: z.string(),
        createdAt: z.string().openapi({ format: 'date-time' }),
      })
      .nullable()
      .openapi({ description: 'The last event that verifies: the chain holds from seq 1 to here' }),
    firstBroken: z
      .object({
        seq: z.number().int().nullable(),
        eventId: z.uuid().nullable(),
        problem: z.enum(CHAIN_PROBLEMS),
        detail: z.string(),
      })
      .nullable(),
    lastAnchor: anchorSchema
      .nullable()
      .openapi({ description: 'The latest anchor whose signature verifies and whose hash the chain holds' }),
    anchorsChecked: z.number().int(),
    anchorsRejected: z
      .number()
      .int()
      .openapi({ description: 'Anchors whose signature does not verify with the key' }),
    keyId: z
      .string()
      .nullable()
      .openapi({ description: 'The anchor key trusted; null when none is configured' }),
  })
  .openapi('AuditChainReport');
