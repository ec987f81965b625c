import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { jsonStream } from '../../lib/json-slices';
import { toCompact, type Graph } from '../../lib/repositories/graph';
import { textStream } from '../../lib/export-format';
import {
  viewCompactGraph,
  viewGraph,
  viewGraphOverview,
  viewNeighbourhood,
} from '../../lib/services/views/graph';
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
  type CompactGraph,
} from '../../lib/validation/graph';
import type { ApiEnv } from '../context';
import { writtenJson } from '../written-json';
import { problemContent } from '../openapi-schemas';
import { heavy } from './heavy';
import { needs } from './middleware';
import { chooseEncoding, fastCompression } from '../fast-compression';
import { gzipPieces, inflatedPieces, type AnswerPiece } from '../../lib/http/gzip-pieces';

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
graphRoutes.use('/graph', fastCompression());
// GET /api/orgs/:orgId/graph
graphRoutes.openapi(graphRoute, async (c) => {
  const query = c.req.valid('query');
  const db = c.get('db');
  // A whole org's graph is megabytes of JSON: read a page and written a slice at a time, giving way to
  // light requests between them (docs/decisions/031).
  const pause = () => c.get('deps').lightFirst.giveWay();
  const answer = async (graph: Graph) =>
    slicedJson(c, query.format === 'compact' ? await toCompact(graph, pause) : graph, pause);
  if (query.view === 'overview') {
    const view = await viewGraphOverview(db, c.get('scope'), query, pause);
    if (view.kind === 'communities') {
      const body: CommunityOverview = { view: 'communities', ...view.overview };
      return c.json(body, 200);
    }
    return answer(view.graph);
  }
  if (query.format === 'compact' && !query.focus && query.community === undefined) {
    // The whole (filtered) org, its JSON written as it is read and compressed as it is written
    // (docs/decisions/041, 062, 063, 069): sent as gzip, or inflated again for a client that does not
    // take it.
    const gzip = chooseEncoding(c.req.header('accept-encoding')) === 'gzip';
    const pieces = await viewCompactGraph(c.get('database'), c.get('scope'), query, { pause });
    return writtenPieces<CompactGraph>(c, gzip ? gzipPieces(pieces) : inflatedPieces(pieces), gzip);
  }
  if (query.focus && query.format !== 'compact') {
    // A neighbourhood, its JSON written by PostgreSQL (docs/decisions/057).
    const { pieces } = await viewNeighbourhood(db, c.get('scope'), { ...query, focus: query.focus });
    return writtenPieces<Graph>(c, pieces);
  }
  return answer(await viewGraph(db, c.get('scope'), query, pause));
});

/**
 * An answer whose JSON text is already written, in pieces (the declared type is kept); `gzipped`: the
 * pieces are its gzip, which the compression middleware then leaves as it is.
 */
function writtenPieces<T>(
  c: Context<ApiEnv>,
  pieces: Iterable<AnswerPiece> | AsyncIterable<AnswerPiece>,
  gzipped = false,
) {
  return writtenJson<T>(
    c,
    textStream(pieces),
    gzipped ? { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } : {},
  );
}

/** What `c.json(value, 200)` answers, its text written a slice at a time (the declared type is kept). */
function slicedJson<T>(c: Context<ApiEnv>, value: T, pause: () => Promise<void>) {
  return writtenJson<T>(c, jsonStream(value, pause));
}
