import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { changeOrgSettings, getOrgSettings } from '../../lib/services/settings';
import { orgParamsSchema } from '../../lib/validation/common-api';
import { changeOrgSettingsBodySchema, orgSettingsSchema } from '../../lib/validation/settings';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { needs } from './middleware';

const getRoute = createRoute({
  method: 'get',
  path: '/settings',
  summary: 'The org’s time zone, segment thresholds and stage grace period',
  tags: ['settings'],
  middleware: [needs('org.settings')] as const,
  request: { params: orgParamsSchema },
  responses: {
    200: { description: 'The settings', content: json(orgSettingsSchema) },
    ...orgRouteErrors,
  },
});

const changeRoute = createRoute({
  method: 'patch',
  path: '/settings',
  summary:
    'Change the time zone, segment thresholds or stage grace period (only the fields given; audited when something changes)',
  tags: ['settings'],
  middleware: [needs('org.settings')] as const,
  request: {
    params: orgParamsSchema,
    body: { required: true, content: json(changeOrgSettingsBodySchema) },
  },
  responses: {
    200: { description: 'The settings after the change', content: json(orgSettingsSchema) },
    ...orgRouteErrors,
    422: {
      description: 'The fields break a rule together (dormant must start after active ends)',
      content: problemContent,
    },
  },
});

export const settingsRoutes = new OpenAPIHono<ApiEnv>()
  // GET /api/orgs/:orgId/settings
  .openapi(getRoute, async (c) => c.json(await getOrgSettings(c.get('db'), c.get('scope')), 200))
  // PATCH /api/orgs/:orgId/settings
  .openapi(changeRoute, async (c) => {
    const settings = await changeOrgSettings(c.get('db'), c.get('scope'), c.req.valid('json'));
    return c.json(settings, 200);
  });
