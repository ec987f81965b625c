import type { LifecycleStage, SegmentKey } from '../../lib/domain';

// What the explorer draws, computed from the graph API's compact form without the DOM or WebGL: colours
// per mode, legends, node sizes by degree, edge colours by type and confidence, and starting positions.
// Pure, so it is unit-tested (tests/unit/graph-model.test.ts).

export interface CompactGraph {
  nodes: {
    id: string[];
    label: string[];
    role: string[];
    lifecycleStage: LifecycleStage[];
    lastActivityAt: (string | null)[];
    degree: number[];
    segment: SegmentKey[];
    /** A community's members: the positions the Atlas run stored. */
    x?: number[];
    y?: number[];
  };
  edges: { source: number[]; target: number[]; type: string[]; confidence: number[] };
  truncated: { hop: number; kept: number; leftOut: number }[];
  overview?: { total: number; shown: number; reason: 'no_atlas_run' | 'filters' };
  community?: {
    community: number;
    label: string;
    size: number;
    matched: number;
    edgesTruncated: boolean;
    run: { jobId: string; finishedAt: string };
  };
}

export type ColourMode = 'stage' | 'segment' | 'role';

/** The colours the canvas needs, resolved from the CSS tokens for the current theme. */
export interface GraphPalette {
  stage: Record<LifecycleStage, string>;
  /** --chart-1..5, for segments, roles and edge types. */
  chart: [string, string, string, string, string];
  /** --stage-none: "other" and automated accounts. */
  muted: string;
  edge: string;
  background: string;
  foreground: string;
}

export interface LegendEntry {
  key: string;
  label: string;
  colour: string;
  count: number;
}

export const SEGMENT_LABELS: Record<SegmentKey, string> = {
  system: 'Automated',
  isolated: 'Isolated',
  highly_connected: 'Highly connected',
  new: 'New',
  active: 'Active',
  at_risk: 'At risk',
  dormant: 'Dormant',
};

/** The order a node's segment is chosen in (the API's PRIMARY_SEGMENT_ORDER), for the legend. */
export const SEGMENT_ORDER: SegmentKey[] = [
  'system',
  'isolated',
  'highly_connected',
  'new',
  'active',
  'at_risk',
  'dormant',
];

/** Roles beyond this many (by frequency) share the "Other roles" colour: more hues stop being legible. */
export const MAX_ROLE_COLOURS = 5;

export function segmentColour(segment: SegmentKey, palette: GraphPalette): string {
  if (segment === 'system') return palette.muted;
  if (segment === 'isolated') return palette.chart[3];
  if (segment === 'highly_connected') return palette.chart[4];
  return palette.stage[segment];
}

/** The most frequent roles first (ties by name), each with its count. */
export function rankRoles(roles: readonly string[]): { role: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const role of roles) counts.set(role, (counts.get(role) ?? 0) + 1);
  return [...counts]
    .map(([role, count]) => ({ role, count }))
    .sort((a, b) => b.count - a.count || a.role.localeCompare(b.role));
}

export function humanise(value: string): string {
  const words = value.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Each node's colour in the given mode, and the legend that explains them (with counts). */
export function colourNodes(
  graph: CompactGraph,
  mode: ColourMode,
  palette: GraphPalette,
): { colours: string[]; legend: LegendEntry[] } {
  const n = graph.nodes.id.length;
  const colours = new Array<string>(n);
  if (mode === 'stage') {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const stage = graph.nodes.lifecycleStage[i]!;
      colours[i] = palette.stage[stage];
      counts[stage] = (counts[stage] ?? 0) + 1;
    }
    const legend = (['new', 'active', 'at_risk', 'dormant'] as const).map((stage) => ({
      key: stage,
      label: humanise(stage),
      colour: palette.stage[stage],
      count: counts[stage] ?? 0,
    }));
    return { colours, legend };
  }
  if (mode === 'segment') {
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i++) {
      const segment = graph.nodes.segment[i]!;
      colours[i] = segmentColour(segment, palette);
      counts[segment] = (counts[segment] ?? 0) + 1;
    }
    const legend = SEGMENT_ORDER.map((segment) => ({
      key: segment,
      label: SEGMENT_LABELS[segment],
      colour: segmentColour(segment, palette),
      count: counts[segment] ?? 0,
    }));
    return { colours, legend };
  }
  const ranked = rankRoles(graph.nodes.role);
  const coloured = new Map(
    ranked.slice(0, MAX_ROLE_COLOURS).map(({ role }, i) => [role, palette.chart[i]!] as const),
  );
  for (let i = 0; i < n; i++) colours[i] = coloured.get(graph.nodes.role[i]!) ?? palette.muted;
  const legend: LegendEntry[] = ranked.slice(0, MAX_ROLE_COLOURS).map(({ role, count }) => ({
    key: role,
    label: humanise(role),
    colour: coloured.get(role)!,
    count,
  }));
  const others = ranked.slice(MAX_ROLE_COLOURS).reduce((sum, r) => sum + r.count, 0);
  if (others > 0) legend.push({ key: '*', label: 'Other roles', colour: palette.muted, count: others });
  return { colours, legend };
}

/** Node radius in pixels at zoom 1: the square root of degree, so hubs stand out without hiding the rest. */
export function nodeSize(degree: number, maxDegree: number, nodes: number): number {
  const base = nodes > 2000 ? 1.5 : nodes > 200 ? 3 : 5;
  const top = nodes > 2000 ? 9 : nodes > 200 ? 12 : 14;
  if (maxDegree <= 0) return base;
  return base + (top - base) * Math.sqrt(Math.max(0, degree) / maxDegree);
}

/** Edge types in order of frequency, each with a colour (the five most frequent) and its count. */
export function edgeTypeLegend(graph: CompactGraph, palette: GraphPalette): LegendEntry[] {
  const ranked = rankRoles(graph.edges.type);
  return ranked.map(({ role: type, count }, i) => ({
    key: type,
    label: humanise(type),
    colour: i < MAX_ROLE_COLOURS ? palette.chart[i]! : palette.edge,
    count,
  }));
}

/** `#rrggbb` with an alpha for the confidence: weak relationships fade, none disappears entirely. */
export function edgeColour(hex: string, confidence: number, nodes: number): string {
  const floor = nodes > 2000 ? 0.08 : 0.2;
  const span = nodes > 2000 ? 0.32 : 0.6;
  const alpha = floor + span * Math.min(1, Math.max(0, confidence));
  const byte = Math.round(alpha * 255)
    .toString(16)
    .padStart(2, '0');
  return `${hex.slice(0, 7)}${byte}`;
}

/**
 * Starting positions on a sunflower spiral, most connected at the centre: a readable picture from the
 * first frame, which ForceAtlas2 then refines. Deterministic, so a reload starts from the same picture:
 * ties go by id, whatever order the nodes came in (the compact graph's carries no meaning).
 */
export function spiralPositions(
  degrees: readonly number[],
  ids: readonly string[],
): { x: Float32Array; y: Float32Array } {
  const order = degrees
    .map((_, i) => i)
    .sort((a, b) => degrees[b]! - degrees[a]! || (ids[a]! < ids[b]! ? -1 : ids[a]! > ids[b]! ? 1 : 0));
  const x = new Float32Array(degrees.length);
  const y = new Float32Array(degrees.length);
  const golden = Math.PI * (3 - Math.sqrt(5));
  order.forEach((node, rank) => {
    const radius = Math.sqrt(rank + 0.5) * 10;
    x[node] = radius * Math.cos(rank * golden);
    y[node] = radius * Math.sin(rank * golden);
  });
  return { x, y };
}

/** The positions an Atlas run stored for a community's members, when the graph carries them. */
export function storedPositions(graph: CompactGraph): { x: Float32Array; y: Float32Array } | null {
  const { x, y, id } = graph.nodes;
  if (!x || !y || x.length !== id.length || y.length !== id.length) return null;
  return { x: Float32Array.from(x), y: Float32Array.from(y) };
}

/** Hops from `focus` to every node, either direction (-1: not reached). */
export function hopsFrom(graph: CompactGraph, focus: number): Int32Array {
  const n = graph.nodes.id.length;
  const adjacency: number[][] = Array.from({ length: n }, () => []);
  const { source, target } = graph.edges;
  for (let j = 0; j < source.length; j++) {
    adjacency[source[j]!]!.push(target[j]!);
    adjacency[target[j]!]!.push(source[j]!);
  }
  const hops = new Int32Array(n).fill(-1);
  if (focus < 0 || focus >= n) return hops;
  hops[focus] = 0;
  const queue = [focus];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of adjacency[node]!) {
      if (hops[next] !== -1) continue;
      hops[next] = hops[node]! + 1;
      queue.push(next);
    }
  }
  return hops;
}

/**
 * Starting positions for a neighbourhood: the focus at the centre, each hop on a ring further out, the
 * most connected of each ring first. Nodes the edges do not reach (filters) go on the outermost ring.
 */
export function ringPositions(graph: CompactGraph, focusId: string): { x: Float32Array; y: Float32Array } {
  const n = graph.nodes.id.length;
  const hops = hopsFrom(graph, graph.nodes.id.indexOf(focusId));
  const outer = Math.max(0, ...hops) + 1;
  const rings = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const ring = hops[i]! === -1 ? outer : hops[i]!;
    if (!rings.has(ring)) rings.set(ring, []);
    rings.get(ring)!.push(i);
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (const [ring, members] of rings) {
    members.sort((a, b) => graph.nodes.degree[b]! - graph.nodes.degree[a]! || a - b);
    const radius = ring * 100;
    members.forEach((node, k) => {
      const angle = (2 * Math.PI * k) / members.length + ring * 0.5;
      x[node] = radius * Math.cos(angle);
      y[node] = radius * Math.sin(angle);
    });
  }
  return { x, y };
}

/** Participants whose name contains the query (case- and accent-insensitive), best matches first. */
export function searchNodes(labels: readonly string[], query: string, limit = 8): number[] {
  const needle = fold(query.trim());
  if (!needle) return [];
  const starts: number[] = [];
  const contains: number[] = [];
  for (let i = 0; i < labels.length && starts.length < limit; i++) {
    const label = fold(labels[i]!);
    if (label.startsWith(needle) || label.includes(` ${needle}`)) starts.push(i);
    else if (contains.length < limit && label.includes(needle)) contains.push(i);
  }
  return [...starts, ...contains].slice(0, limit);
}

function fold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** "3 days ago", "today", "never" — for the tooltip and the panel. */
export function describeLastActivity(iso: string | null, now: Date = new Date()): string {
  if (!iso) return 'never';
  const days = Math.floor((now.getTime() - new Date(iso).getTime()) / 86_400_000);
  if (days <= 0) return 'today';
  if (days === 1) return 'yesterday';
  if (days < 60) return `${days} days ago`;
  const months = Math.round(days / 30);
  if (months < 24) return `${months} months ago`;
  return `${Math.round(days / 365)} years ago`;
}
