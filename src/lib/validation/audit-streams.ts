import { z } from '@hono/zod-openapi';
import { AUDIT_DELIVERY_STATUSES } from '../domain';
import { orgParamsSchema } from './common-api';
import { textSchema } from './text';

export const auditStreamSchema = z
  .object({
    id: z.uuid(),
    url: z.string(),
    deliveredThroughSeq: z.number().int().openapi({ description: 'The last seq the receiver acknowledged' }),
    headSeq: z.number().int().openapi({ description: 'The org’s latest seq' }),
    failures: z.number().int().openapi({ description: 'Failed attempts since the last success' }),
    nextAttemptAt: z.string().openapi({ format: 'date-time' }),
    lastAttemptAt: z.string().nullable().openapi({ format: 'date-time' }),
    lastSuccessAt: z.string().nullable().openapi({ format: 'date-time' }),
    lastError: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AuditStream');

export const auditStreamListSchema = z
  .object({ items: z.array(auditStreamSchema) })
  .openapi('AuditStreamList');

export const createdAuditStreamSchema = auditStreamSchema
  .extend({
    secret: z.string().openapi({ description: 'The HMAC-SHA256 key of the signatures, shown this once' }),
  })
  .openapi('CreatedAuditStream');

export const createAuditStreamBodySchema = z
  .object({
    url: textSchema.trim().max(2000).openapi({ example: 'https://siem.example.com/hooks/operator-console' }),
  })
  .strict()
  .openapi('CreateAuditStreamRequest');

export const auditStreamParamsSchema = orgParamsSchema.extend({
  streamId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'streamId', in: 'path' } }),
});

export const auditDeliverySchema = z
  .object({
    id: z.uuid(),
    fromSeq: z.number().int(),
    toSeq: z.number().int(),
    events: z.number().int(),
    status: z.enum(AUDIT_DELIVERY_STATUSES),
    httpStatus: z.number().int().nullable(),
    error: z.string().nullable(),
    attempt: z.number().int(),
    durationMs: z.number().int(),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AuditDelivery');

export const auditDeliveryListSchema = z
  .object({ items: z.array(auditDeliverySchema) })
  .openapi('AuditDeliveryList');
