import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { MEMBERSHIP_ROLES } from '../lib/domain';
import { unsafeListOrgsOfUser } from '../lib/repositories/memberships';
import type { ApiEnv } from './context';
import { problemContent } from './openapi-schemas';
import { requireCurrentUser } from './session';

const meSchema = z
  .object({
    user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
    memberships: z.array(z.object({ orgId: z.uuid(), orgName: z.string(), role: z.enum(MEMBERSHIP_ROLES) })),
  })
  .openapi('Me');

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  summary: 'The signed-in user and the orgs they belong to',
  tags: ['auth'],
  security: [{ session: [] }],
  responses: {
    200: {
      description: 'The user and their memberships',
      content: { 'application/json': { schema: meSchema } },
    },
    401: { description: 'Not signed in', content: problemContent },
  },
});

export const meRoutes = new OpenAPIHono<ApiEnv>().openapi(meRoute, async (c) => {
  const { user } = await requireCurrentUser(c);
  const memberships = await unsafeListOrgsOfUser(c.get('deps').database.db, user.id);
  return c.json({ user, memberships }, 200);
});
