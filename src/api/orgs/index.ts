import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../context';
import { apiKeyRoutes } from './api-keys';
import { auditStreamRoutes } from './audit-streams';
import { erasureRoutes } from './erasure';
import { memberRoutes } from './members';
import { orgScopeMiddleware } from './middleware';
import { eventRoutes } from './events';
import { graphRoutes } from './graph';
import { importRoutes } from './imports';
import { interventionRoutes } from './interventions';
import { jobRoutes } from './jobs';
import { orgRoutes } from './org';
import { participantRoutes } from './participants';
import { recommendationRoutes } from './recommendations';
import { settingsRoutes } from './settings';

/** Every org route, behind the one membership check. Mounted at /api/orgs/:orgId. */
export function createOrgRouter() {
  const router = new OpenAPIHono<ApiEnv>();
  router.use('*', orgScopeMiddleware);
  router.route('/', orgRoutes);
  router.route('/', memberRoutes);
  router.route('/', participantRoutes);
  router.route('/', eventRoutes);
  router.route('/', graphRoutes);
  router.route('/', recommendationRoutes);
  router.route('/', interventionRoutes);
  router.route('/', settingsRoutes);
  router.route('/', jobRoutes);
  router.route('/', importRoutes);
  router.route('/', apiKeyRoutes);
  router.route('/', erasureRoutes);
  router.route('/', auditStreamRoutes);
  return router;
}
