import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { JobKind } from '../../lib/domain';
import { cancelJob, getJob, getJobs, requestJob } from '../../lib/services/jobs';
import { orgParamsSchema } from '../../lib/validation/common-api';
import { jobListSchema, jobParamsSchema, jobSchema, listJobsQuerySchema } from '../../lib/validation/jobs';
import type { ApiEnv } from '../context';
import { json, orgRouteErrors, problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

const startRoute = (path: string, kind: JobKind, summary: string) =>
  createRoute({
    method: 'post',
    path,
    summary,
    description: `Queues a background job (kind \`${kind}\`) and answers at once; follow it with GET /jobs/{jobId}.`,
    tags: ['jobs'],
    middleware: [needs('atlas.run'), heavy()] as const,
    request: { params: orgParamsSchema },
    responses: {
      202: { description: 'Queued; the job as it is now', content: json(jobSchema) },
      ...orgRouteErrors,
      409: {
        description: 'One is already queued or running for this org; `jobId` names it',
        content: problemContent,
      },
    },
  });

const atlasRunRoute = startRoute(
  '/atlas/run',
  'atlas_run',
  'Run Atlas: graph analytics, recommendations and the graph overview, in the background',
);
const stagesRunRoute = startRoute(
  '/stages/run',
  'stage_update',
  'Update every participant’s lifecycle stage from its activity now, in the background',
);

const getRoute = createRoute({
  method: 'get',
  path: '/jobs/{jobId}',
  summary: 'A background job: status, phase, progress, and its result or error',
  tags: ['jobs'],
  middleware: [needs('org.read')] as const,
  request: { params: jobParamsSchema },
  responses: {
    200: { description: 'The job', content: json(jobSchema) },
    ...orgRouteErrors,
    404: { description: 'No such job in this org', content: problemContent },
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/jobs',
  summary: 'The org’s most recent background jobs, newest first',
  tags: ['jobs'],
  middleware: [needs('org.read')] as const,
  request: { params: orgParamsSchema, query: listJobsQuerySchema },
  responses: {
    200: { description: 'Jobs', content: json(jobListSchema) },
    ...orgRouteErrors,
  },
});

const cancelRoute = createRoute({
  method: 'post',
  path: '/jobs/{jobId}/cancel',
  summary: 'Cancel a queued or running job (a running one stops at its next checkpoint)',
  tags: ['jobs'],
  middleware: [needs('atlas.run')] as const,
  request: { params: jobParamsSchema },
  responses: {
    200: { description: 'The job as it is now', content: json(jobSchema) },
    ...orgRouteErrors,
    404: { description: 'No such job in this org', content: problemContent },
    409: { description: 'The job has already finished', content: problemContent },
  },
});

export const jobRoutes = new OpenAPIHono<ApiEnv>()
  // POST /api/orgs/:orgId/atlas/run
  .openapi(atlasRunRoute, async (c) =>
    c.json(await requestJob(c.get('db'), c.get('scope'), 'atlas_run'), 202),
  )
  // POST /api/orgs/:orgId/stages/run
  .openapi(stagesRunRoute, async (c) =>
    c.json(await requestJob(c.get('db'), c.get('scope'), 'stage_update'), 202),
  )
  // GET /api/orgs/:orgId/jobs
  .openapi(listRoute, async (c) =>
    c.json({ items: await getJobs(c.get('db'), c.get('scope'), c.req.valid('query')) }, 200),
  )
  // GET /api/orgs/:orgId/jobs/:jobId
  .openapi(getRoute, async (c) =>
    c.json(await getJob(c.get('db'), c.get('scope'), c.req.valid('param').jobId), 200),
  )
  // POST /api/orgs/:orgId/jobs/:jobId/cancel
  .openapi(cancelRoute, async (c) =>
    c.json(await cancelJob(c.get('db'), c.get('scope'), c.req.valid('param').jobId), 200),
  );
