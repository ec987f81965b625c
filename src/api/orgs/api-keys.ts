import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { createApiKey, revokeApiKeyOf, viewApiKeys } from '../../lib/services/api-keys';
import {
  apiKeyListSchema,
  apiKeyParamsSchema,
  apiKeySchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
} from '../../lib/validation/api-keys';
import { orgParamsSchema } from '../../lib/validation/common-api';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const SESSION_ONLY = 'Signed-in admins and owners only: an API key cannot manage keys (403).';

const listRoute = createRoute({
  method: 'get',
  path: '/api-keys',
  summary: 'The org’s API keys, newest first, revoked ones included (never their secrets)',
  description: SESSION_ONLY,
  tags: ['api-keys'],
  middleware: [needs('api_keys.manage')] as const,
  request: { params: orgParamsSchema },
  responses: {
    200: { description: 'The keys', content: json(apiKeyListSchema) },
    ...orgRouteErrors,
  },
});

const createKeyRoute = createRoute({
  method: 'post',
  path: '/api-keys',
  summary: 'Create an API key with a role (viewer, operator or admin) and an optional expiry',
  description: `${SESSION_ONLY} The answer holds the secret, shown this once.`,
  tags: ['api-keys'],
  middleware: [needs('api_keys.manage')] as const,
  request: { params: orgParamsSchema, body: { required: true, content: json(createApiKeyBodySchema) } },
  responses: {
    201: { description: 'The new key and its secret', content: json(createdApiKeySchema) },
    ...orgRouteErrors,
    422: { description: 'The name uses wording this product does not allow', content: problemContent },
  },
});

const revokeRoute = createRoute({
  method: 'delete',
  path: '/api-keys/{keyId}',
  summary: 'Revoke an API key: its next request is refused (401)',
  description: `${SESSION_ONLY} Revoking a revoked key changes nothing and answers the same.`,
  tags: ['api-keys'],
  middleware: [needs('api_keys.manage')] as const,
  request: { params: apiKeyParamsSchema },
  responses: {
    200: { description: 'The revoked key', content: json(apiKeySchema) },
    ...orgRouteErrors,
    404: { description: 'No such key in this org', content: problemContent },
  },
});

export const apiKeyRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/api-keys
  .openapi(listRoute, async (c) => c.json(await viewApiKeys(c.get('db'), c.get('scope')), 200))
  // POST /api/orgs/:orgId/api-keys
  .openapi(createKeyRoute, async (c) =>
    c.json(await createApiKey(c.get('db'), c.get('scope'), c.req.valid('json')), 201),
  )
  // DELETE /api/orgs/:orgId/api-keys/:keyId
  .openapi(revokeRoute, async (c) =>
    c.json(await revokeApiKeyOf(c.get('db'), c.get('scope'), c.req.valid('param').keyId), 200),
  );
