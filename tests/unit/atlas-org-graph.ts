import { uuidColumn } from '../../src/lib/atlas/uuid-column';
import { analyseGraph, DAY_MS, type AtlasAnalysis } from '../../src/lib/atlas/analysis';
import { INFERRED_RELATIONSHIP_SOURCES, LIFECYCLE_STAGES, type LifecycleStage } from '../../src/lib/domain';
import { MIN_EDGE_WEIGHT, type OrgGraph } from '../../src/lib/repositories/atlas-graph';

// OrgGraph objects built by hand, for tests of what Atlas computes from a loaded graph: the planted
// structures of the detector tests, with days counted back from a fixed now.

export const NOW = Date.parse('2030-06-01T12:00:00Z');

export interface NodeSpec {
  /** Days since the last activity; null: never active. Default 1. */
  activeDaysAgo?: number | null;
  /** Days since joining. Default 400. */
  joinedDaysAgo?: number;
  stage?: LifecycleStage;
  system?: boolean;
  suppressed?: boolean;
}

export interface EdgeSpec {
  from: number;
  to: number;
  confidence?: number;
  source?: string;
  flagged?: boolean;
}

/** Participant i's id: a UUID that sorts like i, as the loader's ids sort by participant id. */
export const participantId = (i: number) => `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`;
export const relationshipId = (e: number) => `10000000-0000-4000-8000-${e.toString().padStart(12, '0')}`;

export function orgGraph(nodes: readonly NodeSpec[], edges: readonly EdgeSpec[], now = NOW): OrgGraph {
  const sourceNames: string[] = [];
  const sourceOf = (name: string) => {
    const i = sourceNames.indexOf(name);
    return i >= 0 ? i : sourceNames.push(name) - 1;
  };
  const confidence = Float32Array.from(edges.map((e) => e.confidence ?? 0.9));
  return {
    participantIds: nodes.map((_, i) => participantId(i)),
    participantIdColumn: uuidColumn(nodes.map((_, i) => participantId(i))),
    csrInput: {
      nodeCount: nodes.length,
      from: Int32Array.from(edges.map((e) => e.from)),
      to: Int32Array.from(edges.map((e) => e.to)),
      weight: Float32Array.from(confidence, (c) => Math.max(c, MIN_EDGE_WEIGHT)),
    },
    relationshipIds: uuidColumn(edges.map((_, e) => relationshipId(e))),
    lastActivityAt: Float64Array.from(nodes, (n) => {
      const days = n.activeDaysAgo === undefined ? 1 : n.activeDaysAgo;
      return days === null ? NaN : now - days * DAY_MS;
    }),
    stage: Uint8Array.from(nodes, (n) => LIFECYCLE_STAGES.indexOf(n.stage ?? 'active')),
    isSystem: Uint8Array.from(nodes, (n) => (n.system ? 1 : 0)),
    createdAt: Float64Array.from(nodes, (n) => now - (n.joinedDaysAgo ?? 400) * DAY_MS),
    suppressed: Uint8Array.from(nodes, (n) => (n.suppressed ? 1 : 0)),
    confidence,
    inferred: Uint8Array.from(edges, (e) =>
      (INFERRED_RELATIONSHIP_SOURCES as readonly string[]).includes(e.source ?? 'manual') ? 1 : 0,
    ),
    flagged: Uint8Array.from(edges, (e) => (e.flagged ? 1 : 0)),
    sourceIndex: Int32Array.from(edges, (e) => sourceOf(e.source ?? 'manual')),
    sourceNames,
    skippedRelationships: 0,
  };
}

/** Both directions of each pair. */
export function mutual(
  pairs: readonly (readonly [number, number])[],
  extra: Omit<EdgeSpec, 'from' | 'to'> = {},
) {
  return pairs.flatMap(([from, to]) => [
    { from, to, ...extra },
    { from: to, to: from, ...extra },
  ]);
}

export function analysed(nodes: readonly NodeSpec[], edges: readonly EdgeSpec[], now = NOW): AtlasAnalysis {
  return analyseGraph(orgGraph(nodes, edges, now), now).analysis;
}

/** `count` copies of a node spec. */
export const nodesLike = (count: number, spec: NodeSpec = {}): NodeSpec[] =>
  Array.from({ length: count }, () => ({ ...spec }));
