import { z } from '@hono/zod-openapi';
import { LIFECYCLE_STAGES, SEGMENT_KEYS } from '../domain';

/** The default JSON form draws the whole (filtered) org only up to this size. */
export const MAX_JSON_GRAPH_NODES = 10_000;
/** The compact form carries large orgs, up to these sizes. */
export const MAX_COMPACT_GRAPH_NODES = 250_000;
export const MAX_COMPACT_GRAPH_EDGES = 1_500_000;

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
  })
  .refine((q) => q.depth === undefined || q.focus !== undefined, {
    message: 'only with focus',
    path: ['depth'],
  });
export type GraphQuery = z.infer<typeof graphQuerySchema>;

const node = z.object({
  id: z.uuid(),
  label: z.string(),
  role: z.string(),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
  lastActivityAt: z.string().nullable(),
  degree: z.number().int(),
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

export const graphSchema = z
  .object({ nodes: z.array(node), edges: z.array(edge), truncated: truncation })
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
    }),
    edges: z.object({
      source: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      target: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      type: z.array(z.string()),
      confidence: z.array(z.number()),
    }),
    truncated: truncation,
  })
  .openapi('CompactGraph', {
    description: 'format=compact: columnar arrays, edges as pairs of node indexes',
  });
