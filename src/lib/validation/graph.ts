import { z } from '@hono/zod-openapi';
import { LIFECYCLE_STAGES, SEGMENT_KEYS } from '../domain';

/** The default JSON form draws the whole (filtered) org only up to this size. */
export const MAX_JSON_GRAPH_NODES = 10_000;
/** The compact form carries large orgs, up to these sizes. */
export const MAX_COMPACT_GRAPH_NODES = 250_000;
export const MAX_COMPACT_GRAPH_EDGES = 1_500_000;
/** view=overview: the most connected participants drawn when an org is too large to draw whole. */
export const OVERVIEW_GRAPH_NODES = 5_000;
/** The explorer draws an org whole up to this many participants, and opens on the overview above. */
export const EXPLORER_WHOLE_GRAPH_NODES = MAX_JSON_GRAPH_NODES;

export const graphQuerySchema = z
  .object({
    stage: z.enum(LIFECYCLE_STAGES).optional(),
    role: z.string().trim().min(1).max(100).optional(),
    segment: z.enum(SEGMENT_KEYS).optional(),
    minConfidence: z.coerce.number().min(0).max(1).optional(),
    focus: z.uuid({ message: 'must be a participant id' }).optional(),
    depth: z.coerce.number().int().min(1).max(3).optional(),
    perHop: z.coerce.number().int().min(1).max(2000).default(200).openapi({
      description: 'With focus: the most connected neighbours kept at each hop; the rest are counted',
    }),
    format: z.enum(['json', 'compact']).default('json'),
    view: z
      .enum(['whole', 'overview'])
      .default('whole')
      .openapi({
        description: `overview: the ${OVERVIEW_GRAPH_NODES} most connected participants matching the filters and the relationships among them, with the total that matched`,
      }),
  })
  .refine((q) => q.depth === undefined || q.focus !== undefined, {
    message: 'only with focus',
    path: ['depth'],
  })
  .refine((q) => q.view === 'whole' || q.focus === undefined, {
    message: 'not with focus: a neighbourhood is already a part of the graph',
    path: ['view'],
  });
export type GraphQuery = z.infer<typeof graphQuerySchema>;

const node = z.object({
  id: z.uuid(),
  label: z.string(),
  role: z.string(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  lastActivityAt: z.string().nullable(),
  degree: z.number().int(),
  segment: z
    .enum(SEGMENT_KEYS)
    .openapi({ description: 'the first segment the participant is in, for colouring' }),
});
const edge = z.object({
  id: z.uuid(),
  source: z.uuid(),
  target: z.uuid(),
  type: z.string(),
  confidence: z.number(),
});
const truncation = z.array(
  z.object({ hop: z.number().int(), kept: z.number().int(), leftOut: z.number().int() }),
);
const overview = z
  .object({ total: z.number().int(), shown: z.number().int() })
  .optional()
  .openapi({ description: 'view=overview: participants matching the filters, and how many are drawn' });

export const graphSchema = z
  .object({ nodes: z.array(node), edges: z.array(edge), truncated: truncation, overview })
  .openapi('Graph', { description: 'format=json: nodes and edges as objects' });

export const compactGraphSchema = z
  .object({
    format: z.literal('compact'),
    nodes: z.object({
      id: z.array(z.uuid()),
      label: z.array(z.string()),
      role: z.array(z.string()),
      lifecycleStage: z.array(z.enum(LIFECYCLE_STAGES)),
      lastActivityAt: z.array(z.string().nullable()),
      degree: z.array(z.number().int()),
      segment: z.array(z.enum(SEGMENT_KEYS)),
    }),
    edges: z.object({
      source: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      target: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      type: z.array(z.string()),
      confidence: z.array(z.number()),
    }),
    truncated: truncation,
    overview,
  })
  .openapi('CompactGraph', {
    description: 'format=compact: columnar arrays, edges as pairs of node indexes',
  });
