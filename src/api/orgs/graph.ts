import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { compress } from 'hono/compress';
import { toCompact } from '../../lib/repositories/graph';
import { viewGraph, viewGraphOverview } from '../../lib/services/views/graph';
import { orgParamsSchema } from '../../lib/validation/common-api';
import {
  communityOverviewSchema,
  compactGraphSchema,
  graphQuerySchema,
  graphSchema,
  MAX_COMPACT_GRAPH_EDGES,
  MAX_COMPACT_GRAPH_NODES,
  MAX_JSON_GRAPH_NODES,
  type CommunityOverview,
} from '../../lib/validation/graph';
import type { ApiEnv } from '../context';
import { problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';

const graphRoute = createRoute({
  method: 'get',
  path: '/graph',
  summary:
    'The relationship graph: whole and filtered, or the neighbourhood of one participant; JSON or compact',
  description:
    `format=json (default) draws orgs of up to ${MAX_JSON_GRAPH_NODES} participants; format=compact carries up to ` +
    `${MAX_COMPACT_GRAPH_NODES} participants and ${MAX_COMPACT_GRAPH_EDGES} relationships as columnar arrays. ` +
    'focus=<participantId>&depth=1..3 returns the neighbourhood, keeping the perHop most connected participants at each ' +
    'hop and reporting how many were left out. view=overview opens an org too large to draw whole on the ' +
    'communities of its latest Atlas run (CommunityOverview; before the first run, or with filters, on its most ' +
    'connected participants, saying why); community=<n> drills into one of them with the stored positions. ' +
    'Responses are compressed when the client accepts it.',
  tags: ['graph'],
  // A neighbourhood is capped per hop; every other form reads the whole org or a whole Atlas run.
  middleware: [needs('graph.read'), heavy({ when: (query) => !query.focus })] as const,
  request: { params: orgParamsSchema, query: graphQuerySchema },
  responses: {
    200: {
      description:
        'The graph (schema Graph for format=json, CompactGraph for format=compact), or CommunityOverview for ' +
        'view=overview after an Atlas run (whatever the format)',
      content: {
        'application/json': { schema: graphSchema.or(compactGraphSchema).or(communityOverviewSchema) },
      },
    },
    400: { description: 'Malformed filters (the failing fields are named)', content: problemContent },
    401: { description: 'Not signed in', content: problemContent },
    403: { description: 'Not a member, or no such org', content: problemContent },
    404: {
      description:
        'The focus participant is not in this org, or the community is not in its latest Atlas run',
      content: problemContent,
    },
    422: {
      description: 'Too large for the requested form: filter, focus, or use format=compact',
      content: problemContent,
    },
    429: { description: 'Rate limit reached', content: problemContent },
  },
});

export const graphRoutes = new OpenAPIHono<ApiEnv>();
graphRoutes.use('/graph', compress());
// GET /api/orgs/:orgId/graph
graphRoutes.openapi(graphRoute, async (c) => {
  const query = c.req.valid('query');
  const db = c.var.db;
  if (query.view === 'overview') {
    const view = await viewGraphOverview(db, c.var.scope, query);
    if (view.kind === 'communities') {
      const body: CommunityOverview = { view: 'communities', ...view.overview };
      return c.json(body, 200);
    }
    return c.json(query.format === 'compact' ? toCompact(view.graph) : view.graph, 200);
  }
  const graph = await viewGraph(db, c.var.scope, query);
  return c.json(query.format === 'compact' ? toCompact(graph) : graph, 200);
});
