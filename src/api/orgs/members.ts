import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { addMember, changeMemberRole, removeMember } from '../../lib/services/members';
import { viewMembers } from '../../lib/services/views/members';
import { memberParamsSchema, orgParamsSchema, pageQuerySchema } from '../../lib/validation/common-api';
import {
  addMemberBodySchema,
  changeMemberRoleBodySchema,
  memberPageSchema,
  memberSchema,
} from '../../lib/validation/members';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const listRoute = createRoute({
  method: 'get',
  path: '/members',
  summary: 'The org’s members, ordered by email (keyset-paginated)',
  tags: ['members'],
  middleware: [needs('members.manage')] as const,
  request: { params: orgParamsSchema, query: pageQuerySchema },
  responses: {
    200: { description: 'A page of members', content: json(memberPageSchema) },
    ...orgRouteErrors,
  },
});

const addRoute = createRoute({
  method: 'post',
  path: '/members',
  summary: 'Give an existing user a role in the org (admin and owner roles: owners only)',
  tags: ['members'],
  middleware: [needs('members.manage')] as const,
  request: { params: orgParamsSchema, body: { required: true, content: json(addMemberBodySchema) } },
  responses: {
    201: { description: 'The new member', content: json(memberSchema) },
    ...orgRouteErrors,
    409: { description: 'Already a member', content: problemContent },
    422: { description: 'No account has this email', content: problemContent },
  },
});

const changeRoleRoute = createRoute({
  method: 'patch',
  path: '/members/{memberId}',
  summary: 'Change a member’s role (to or from admin and owner: owners only)',
  tags: ['members'],
  middleware: [needs('members.manage')] as const,
  request: {
    params: memberParamsSchema,
    body: { required: true, content: json(changeMemberRoleBodySchema) },
  },
  responses: {
    200: { description: 'The member with the new role', content: json(memberSchema) },
    ...orgRouteErrors,
    404: { description: 'No such member in this org', content: problemContent },
    409: { description: 'It would leave the org without an owner', content: problemContent },
  },
});

const removeRoute = createRoute({
  method: 'delete',
  path: '/members/{memberId}',
  summary: 'Remove a member (admins and owners: owners only)',
  tags: ['members'],
  middleware: [needs('members.manage')] as const,
  request: { params: memberParamsSchema },
  responses: {
    204: { description: 'Removed' },
    ...orgRouteErrors,
    404: { description: 'No such member in this org', content: problemContent },
    409: { description: 'It would leave the org without an owner', content: problemContent },
  },
});

export const memberRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/members
  .openapi(listRoute, async (c) => {
    const page = await viewMembers(c.get('db'), c.get('scope'), c.req.valid('query'));
    return c.json(page, 200);
  })
  // POST /api/orgs/:orgId/members
  .openapi(addRoute, async (c) => {
    const member = await addMember(c.get('db'), c.get('scope'), c.req.valid('json'));
    return c.json(member, 201);
  })
  // PATCH /api/orgs/:orgId/members/:memberId
  .openapi(changeRoleRoute, async (c) => {
    const { memberId } = c.req.valid('param');
    const member = await changeMemberRole(c.get('db'), c.get('scope'), memberId, c.req.valid('json').role);
    return c.json(member, 200);
  })
  // DELETE /api/orgs/:orgId/members/:memberId
  .openapi(removeRoute, async (c) => {
    await removeMember(c.get('db'), c.get('scope'), c.req.valid('param').memberId);
    return c.body(null, 204);
  });
