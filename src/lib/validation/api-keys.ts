import { z } from '@hono/zod-openapi';
import { API_KEY_ROLES } from '../domain';
import { orgParamsSchema } from './common-api';
import { requiredWordsSchema } from './text';

/** The longest a key may live: a year, after which a script gets a new key (docs/decisions/033). */
export const API_KEY_MAX_DAYS = 365;

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    role: z.enum(API_KEY_ROLES),
    prefix: z.string().openapi({ example: 'oc_Ab3dE6gH', description: 'The secret’s first characters' }),
    createdByUserId: z.uuid().nullable(),
    createdByEmail: z.string().nullable(),
    createdAt: z.string().openapi({ format: 'date-time' }),
    expiresAt: z.string().nullable().openapi({ format: 'date-time' }),
    lastUsedAt: z.string().nullable().openapi({ format: 'date-time', description: 'To the minute' }),
    revokedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('ApiKey');

export const apiKeyListSchema = z.object({ items: z.array(apiKeySchema) }).openapi('ApiKeyList');

export const createdApiKeySchema = apiKeySchema
  .extend({
    secret: z.string().openapi({
      description: 'The key itself, shown this once: send it as `Authorization: Bearer <secret>`',
    }),
  })
  .openapi('CreatedApiKey');

export const createApiKeyBodySchema = z
  .object({
    name: requiredWordsSchema(100).openapi({ example: 'Nightly CRM sync' }),
    role: z.enum(API_KEY_ROLES, { message: `must be one of ${API_KEY_ROLES.join(', ')}` }),
    expiresInDays: z
      .number()
      .int('must be a whole number of days')
      .min(1)
      .max(API_KEY_MAX_DAYS)
      .nullable()
      .openapi({ description: `1 to ${API_KEY_MAX_DAYS}; null for a key that does not expire` }),
  })
  .strict()
  .openapi('CreateApiKeyRequest');

export const apiKeyParamsSchema = orgParamsSchema.extend({
  keyId: z.uuid({ message: 'must be a UUID' }).openapi({ param: { name: 'keyId', in: 'path' } }),
});
