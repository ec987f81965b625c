import { z } from '@hono/zod-openapi';
import {
  COMMUNITY_GRAPH_EDGES,
  COMMUNITY_GRAPH_NODES,
  OVERVIEW_COMMUNITIES,
  OVERVIEW_LINKS,
} from '../atlas/overview-limits';
import { LIFECYCLE_STAGES, SEGMENT_KEYS } from '../domain';
import { textSchema } from './text';

export { COMMUNITY_GRAPH_EDGES, COMMUNITY_GRAPH_NODES, OVERVIEW_COMMUNITIES, OVERVIEW_LINKS };

/** The default JSON form draws the whole (filtered) org only up to this size. */
export const MAX_JSON_GRAPH_NODES = 10_000;
/** The compact form carries large orgs, up to these sizes. */
export const MAX_COMPACT_GRAPH_NODES = 2_000_000;
export const MAX_COMPACT_GRAPH_EDGES = 10_000_000;
/** view=overview: the most connected participants drawn when an org is too large to draw whole. */
export const OVERVIEW_GRAPH_NODES = 5_000;
/** The explorer draws an org whole up to this many participants, and opens on the overview above. */
export const EXPLORER_WHOLE_GRAPH_NODES = MAX_JSON_GRAPH_NODES;

export const graphQuerySchema = z
  .object({
    stage: z.enum(LIFECYCLE_STAGES).optional(),
    role: textSchema.trim().min(1).max(100).optional(),
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
        description:
          `overview: the communities the org's latest Atlas run found, as super-nodes with stored positions, and ` +
          `the relationships between them counted (CommunityOverview). Before the first run, or with filters, ` +
          `the ${OVERVIEW_GRAPH_NODES} most connected participants matching the filters and the relationships ` +
          `among them, with the total that matched and the reason (Graph or CompactGraph)`,
      }),
    community: z.coerce
      .number({ message: 'must be a community number' })
      .int({ message: 'must be a community number' })
      .min(0)
      .max(2_147_483_647)
      .optional()
      .openapi({
        description:
          `A community of the latest Atlas run: its ${COMMUNITY_GRAPH_NODES} most central members (PageRank) ` +
          'matching the filters, with their stored positions, and the relationships among them',
      }),
  })
  .refine((q) => q.depth === undefined || q.focus !== undefined, {
    message: 'only with focus',
    path: ['depth'],
  })
  .refine((q) => q.view === 'whole' || q.focus === undefined, {
    message: 'not with focus: a neighbourhood is already a part of the graph',
    path: ['view'],
  })
  .refine((q) => q.community === undefined || (q.focus === undefined && q.view === 'whole'), {
    message: 'not with focus or view=overview: a community is already a part of the graph',
    path: ['community'],
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
  x: z.number().optional().openapi({ description: 'community: the stored position' }),
  y: z.number().optional(),
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
  .object({
    total: z.number().int(),
    shown: z.number().int(),
    reason: z.enum(['no_atlas_run', 'filters']).openapi({
      description:
        'why these are participants rather than the stored communities: no Atlas run has succeeded yet, or filters were given',
    }),
  })
  .optional()
  .openapi({
    description:
      'view=overview without communities: participants matching the filters, and how many are drawn',
  });

const atlasRun = z
  .object({ jobId: z.uuid(), finishedAt: z.string() })
  .openapi({ description: 'the Atlas run (job) the stored overview comes from' });

const community = z
  .object({
    community: z.number().int(),
    label: z.string(),
    size: z.number().int(),
    matched: z.number().int().openapi({ description: 'members matching the filters' }),
    edgesTruncated: z.boolean(),
    run: atlasRun,
  })
  .optional()
  .openapi({ description: 'community=<n>: the community drawn, of which the most central members are sent' });

export const graphSchema = z
  .object({ nodes: z.array(node), edges: z.array(edge), truncated: truncation, overview, community })
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
      x: z.array(z.number()).optional().openapi({ description: 'community: stored positions' }),
      y: z.array(z.number()).optional(),
    }),
    edges: z.object({
      source: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      target: z.array(z.number().int()).openapi({ description: 'index into nodes' }),
      type: z.array(z.string()),
      confidence: z.array(z.number()),
    }),
    truncated: truncation,
    overview,
    community,
  })
  .openapi('CompactGraph', {
    description: 'format=compact: columnar arrays, edges as pairs of node indexes',
  });

const stageCounts = z.object(
  Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, z.number().int()])) as Record<
    (typeof LIFECYCLE_STAGES)[number],
    z.ZodNumber
  >,
);

export const communityOverviewSchema = z
  .object({
    view: z.literal('communities'),
    run: atlasRun,
    participants: z.number().int().openapi({ description: 'participants at the run' }),
    communities: z.array(
      z.object({
        community: z.number().int().openapi({ description: 'numbered by size, 0 the largest' }),
        size: z.number().int(),
        label: z.string().openapi({ description: 'named after its most central members' }),
        stageCounts: stageCounts.openapi({ description: 'members per lifecycle stage at the run' }),
        centralParticipantIds: z.array(z.uuid()).openapi({ description: 'most central first' }),
        x: z.number(),
        y: z.number(),
        activity: z.object({
          members: z.number().int(),
          activeRecently: z.number().int().openapi({ description: 'active in the 30 days before the run' }),
          quietSince: z.number().int().openapi({ description: 'active 30–60 days before it, not since' }),
          fallShare: z.number(),
          weekly: z
            .array(z.number().int())
            .openapi({ description: 'latest activities per week, oldest first' }),
        }),
      }),
    ),
    links: z.array(
      z.object({
        from: z.number().int(),
        to: z.number().int(),
        count: z.number().int().openapi({ description: 'relationships between the two communities' }),
      }),
    ),
    leftOut: z
      .object({ communities: z.number().int(), participants: z.number().int(), links: z.number().int() })
      .openapi({
        description: `beyond the ${OVERVIEW_COMMUNITIES} largest communities and the ${OVERVIEW_LINKS} strongest links`,
      }),
  })
  .openapi('CommunityOverview', {
    description: 'view=overview after an Atlas run: communities as super-nodes, links weighted by count',
  });
export type CommunityOverview = z.infer<typeof communityOverviewSchema>;
export type CompactGraph = z.infer<typeof compactGraphSchema>;
