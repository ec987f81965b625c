import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MEMBERSHIP_ROLES } from '../../lib/domain';
import { PERMISSIONS, ROLE_PERMISSIONS } from '../../lib/permissions';
import { orgParamsSchema } from '../../lib/validation/common-api';
import type { ApiEnv } from '../context';
import { problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const orgSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    timezone: z.string(),
    role: z.enum(MEMBERSHIP_ROLES),
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .openapi('Org');

// GET /api/orgs/:orgId – the org and what the caller may do in it (the UI hides the rest)
const getOrgRoute = createRoute({
  method: 'get',
  path: '/',
  summary: 'The org, the caller’s role in it and the permissions that role holds',
  tags: ['orgs'],
  middleware: [needs('org.read')] as const,
  request: { params: orgParamsSchema },
  responses: {
    200: { description: 'The org', content: { 'application/json': { schema: orgSchema } } },
    400: { description: 'Malformed org id', content: problemContent },
    401: { description: 'Not signed in', content: problemContent },
    403: { description: 'Not a member, or no such org', content: problemContent },
  },
});

export const orgRoutes = new OpenAPIHono<ApiEnv>().openapi(getOrgRoute, (c) => {
  const scope = c.get('scope');
  return c.json(
    {
      id: scope.orgId,
      name: scope.orgName,
      timezone: scope.timezone,
      role: scope.role,
      permissions: [...ROLE_PERMISSIONS[scope.role]],
    },
    200,
  );
});
