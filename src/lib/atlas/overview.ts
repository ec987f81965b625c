import { LIFECYCLE_STAGES, type LifecycleStage } from '../domain';
import { centralMembers, fallShare, type AtlasAnalysis } from './analysis';
import { buildCsr } from './csr';
import { idsByScoreDescending } from './score-order';
import { COMMUNITY_GRAPH_NODES, OVERVIEW_COMMUNITIES } from './overview-limits';
import {
  edgesAmong,
  forceAtlas2Cost,
  LAYOUT_UNIT,
  normalise,
  placeInOrder,
  Placement,
  refineWithForceAtlas2,
  ringBeyond,
  type LayoutGroup,
} from './overview-layout';
import { layoutsHere, type ExactLayouts } from './exact-layouts';

// The graph overview an Atlas run stores (decision 021): each community as a super-node (size, stage
// mix, most central members, activity, a position from ForceAtlas2 over the communities) with the
// relationships between communities counted, and a drill-down position for every participant. Pure and
// synchronous over the analysis' typed arrays; runs in the job's worker thread.

export type StageCounts = Record<LifecycleStage, number>;

export interface OverviewCommunity {
  /** Numbered by size, 0 the largest (the analysis' numbering). */
  community: number;
  size: number;
  /** Members per lifecycle stage, automated accounts left out. */
  stageCounts: StageCounts;
  /** Its three most central members (PageRank), the anchor first: the label is made from their names. */
  centralParticipantIds: string[];
  x: number;
  y: number;
  activity: {
    /** Members counted (automated accounts left out). */
    members: number;
    activeRecently: number;
    quietSince: number;
    /** Of the members seen in the last 60 days, the share not seen in the last 30. */
    fallShare: number;
    /** Members whose latest activity fell in each of the last 12 weeks, oldest first. */
    weekly: number[];
  };
}

/** Relationships between two communities (from < to), either direction, each relationship once. */
export interface OverviewLink {
  from: number;
  to: number;
  count: number;
}

/**
 * The relationships between communities as columns: link i joins communities `from[i] < to[i]` by
 * `count[i]` relationships. Typed arrays, not objects: an org of 1M participants has ~340,000 links,
 * whose objects held the job's event loop for a tenth of a second or more as they came from the
 * computing thread; columns are handed over without a copy (decision 068).
 */
export interface OverviewLinks {
  from: Int32Array;
  to: Int32Array;
  count: Int32Array;
}

/** Link `i` of the columns. */
export const linkAt = (links: OverviewLinks, i: number): OverviewLink => ({
  from: links.from[i]!,
  to: links.to[i]!,
  count: links.count[i]!,
});

export interface AtlasOverview {
  communities: OverviewCommunity[];
  links: OverviewLinks;
  /** x, y of every participant (by dense id) within its community's drill-down. */
  positions: Float32Array;
  /** Communities 0..drawn-1 are laid out together as the overview; the rest sit on a ring around them. */
  drawnCommunities: number;
  layout: {
    /** Each community's this many most central members were laid out by ForceAtlas2 (0: none). */
    coreSize: number;
    forceAtlas2Members: number;
    forceAtlas2Communities: number;
  };
}

export interface OverviewOptions {
  /** Communities drawn as super-nodes (the largest). */
  drawnCommunities?: number;
  /** ForceAtlas2 iterations over the communities. */
  overviewIterations?: number;
  /** ForceAtlas2 iterations for each community's drill-down. */
  drillDownIterations?: number;
  /** Pair interactions ForceAtlas2 may spend on all drill-downs together (see forceAtlas2Cost). */
  drillDownBudget?: number;
  /** Members a drill-down draws (its most central); no more are laid out by ForceAtlas2. */
  drillDownNodes?: number;
}

export const DEFAULT_OVERVIEW_OPTIONS: Required<OverviewOptions> = {
  drawnCommunities: OVERVIEW_COMMUNITIES,
  overviewIterations: 100,
  drillDownIterations: 60,
  drillDownBudget: 200_000_000,
  drillDownNodes: COMMUNITY_GRAPH_NODES,
};

/** Participants grouped by community (0 first), each group most central first (PageRank, then id). */
export function membersByCentrality(a: Pick<AtlasAnalysis, 'community' | 'communitySizes' | 'pagerank'>): {
  order: Int32Array;
  start: Int32Array;
  indexInGroup: Int32Array;
} {
  const n = a.community.length;
  const count = a.communitySizes.length;
  const byScore = idsByScoreDescending(a.pagerank);
  const start = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) start[c + 1] = start[c]! + a.communitySizes[c]!;
  const cursor = start.slice(0, count);
  const order = new Int32Array(n);
  const indexInGroup = new Int32Array(n);
  for (const u of byScore) {
    const c = a.community[u]!;
    indexInGroup[u] = cursor[c]! - start[c]!;
    order[cursor[c]!++] = u;
  }
  return { order, start, indexInGroup };
}

function summarise(a: AtlasAnalysis): Omit<OverviewCommunity, 'x' | 'y'>[] {
  const count = a.communitySizes.length;
  const stages = Array.from(
    { length: count },
    () => Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0])) as StageCounts,
  );
  for (let u = 0; u < a.community.length; u++) {
    if (a.graph.isSystem[u]) continue;
    stages[a.community[u]!]![LIFECYCLE_STAGES[a.graph.stage[u]!]!]++;
  }
  const central = centralMembers(a, 3);
  return Array.from({ length: count }, (_, c) => {
    const activity = a.communityActivity[c]!;
    return {
      community: c,
      size: a.communitySizes[c]!,
      stageCounts: stages[c]!,
      centralParticipantIds: central[c]!.map((u) => a.graph.participantIds[u]!),
      activity: {
        members: activity.members,
        activeRecently: activity.activeRecently,
        quietSince: activity.quietSince,
        fallShare: fallShare(activity),
        weekly: [...activity.weekly],
      },
    };
  });
}

/**
 * Relationships between communities, counted per pair: each relationship of the org once (two
 * relationships between the same people count twice), in either direction. O(m + k log k) for the k
 * relationships that cross communities.
 */
export function communityLinks(
  a: Pick<AtlasAnalysis, 'community' | 'communitySizes' | 'graph'>,
): OverviewLinks {
  const { from, to } = a.graph.csrInput;
  const count = a.communitySizes.length;
  const keys = new Float64Array(from.length);
  let crossing = 0;
  for (let e = 0; e < from.length; e++) {
    const c = a.community[from[e]!]!;
    const d = a.community[to[e]!]!;
    if (c !== d) keys[crossing++] = c < d ? c * count + d : d * count + c;
  }
  const sorted = keys.subarray(0, crossing).sort();
  let pairs = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) pairs++;
  const links = { from: new Int32Array(pairs), to: new Int32Array(pairs), count: new Int32Array(pairs) };
  for (let i = 0, k = 0; i < sorted.length; k++) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    links.from[k] = Math.floor(sorted[i]! / count);
    links.to[k] = sorted[i]! % count;
    links.count[k] = j - i;
    i = j;
  }
  return links;
}

/** How many communities the overview draws: the largest, leaving out communities of one. */
function drawnCount(sizes: Int32Array, cap: number): number {
  let drawn = 0;
  while (drawn < Math.min(cap, sizes.length) && sizes[drawn]! > 1) drawn++;
  return drawn;
}

/**
 * Links among the first `drawn` communities that are among the `perCommunity` strongest of either end:
 * in a large org nearly every pair of communities is linked by someone, and ForceAtlas2 would spend
 * its time on hundreds of thousands of faint links that do not change the picture.
 */
export function strongestLinks(links: OverviewLinks, drawn: number, perCommunity: number): OverviewLink[] {
  const among: OverviewLink[] = [];
  for (let i = 0; i < links.to.length; i++) if (links.to[i]! < drawn) among.push(linkAt(links, i));
  const byCount = [...among.keys()].sort((i, j) => among[j]!.count - among[i]!.count || i - j);
  const taken = new Int32Array(drawn);
  const keep = new Uint8Array(among.length);
  for (const i of byCount) {
    const { from, to } = among[i]!;
    if (taken[from]! < perCommunity || taken[to]! < perCommunity) {
      keep[i] = 1;
      taken[from]!++;
      taken[to]!++;
    }
  }
  return among.filter((_, i) => keep[i]);
}

/** Links per community that shape the overview's layout (see strongestLinks). */
const LAYOUT_LINKS_PER_COMMUNITY = 12;

/**
 * The overview's positions of the communities: ForceAtlas2 over the drawn communities joined by their
 * links (weighted by the square root of the count, so a few heavy links do not fold the picture), from
 * a placement largest-first; the others on a ring around them.
 */
function layOutCommunities(sizes: Int32Array, links: OverviewLinks, drawn: number, iterations: number) {
  const count = sizes.length;
  const among = strongestLinks(links, drawn, LAYOUT_LINKS_PER_COMMUNITY);
  const superGraph = buildCsr({
    nodeCount: drawn,
    from: Int32Array.from(among, (l) => l.from),
    to: Int32Array.from(among, (l) => l.to),
    weight: Float32Array.from(among, (l) => Math.sqrt(l.count)),
  });
  const order = Int32Array.from({ length: drawn }, (_, c) => c);
  const at = new Placement(drawn);
  const group = { of: null, id: 0 };
  placeInOrder(superGraph, group, order, 0, drawn, 0, at);
  const edges = edgesAmong(superGraph, group, order, order, drawn);
  refineWithForceAtlas2([{ members: order, k: drawn, edges }], iterations, at);
  const outer = normalise(order, drawn, at);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  x.set(at.x);
  y.set(at.y);
  for (let c = drawn; c < count; c++) {
    const spot = ringBeyond(outer, c - drawn);
    x[c] = spot.x;
    y[c] = spot.y;
  }
  return { x, y };
}

/**
 * The largest K such that laying out every community's K most central members (at most `cap`) costs
 * no more than the budget; every member of a community smaller than K is laid out.
 */
export function coreSizeWithin(sizes: Int32Array, cap: number, iterations: number, budget: number): number {
  const cost = (k: number) => {
    let total = 0;
    for (const size of sizes) total += forceAtlas2Cost(Math.min(size, k, cap), iterations);
    return total;
  };
  let low = 3;
  let high = Math.max(3, Math.min(cap, sizes[0] ?? 0));
  if (cost(low) > budget) return low;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (cost(mid) <= budget) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * Each community's drill-down: its most central members (up to the core size, while the budget
 * lasts) placed in order of centrality and refined by ForceAtlas2, then everyone else placed beside
 * their most central neighbour already there. Every participant gets a position.
 */
function layOutMembers(a: AtlasAnalysis, options: Required<OverviewOptions>, layouts: ExactLayouts) {
  const { order, start, indexInGroup } = membersByCentrality(a);
  const sizes = a.communitySizes;
  const iterations = options.drillDownIterations;
  const coreSize = coreSizeWithin(sizes, options.drillDownNodes, iterations, options.drillDownBudget);
  const at = new Placement(a.community.length);
  let spent = 0;
  const cores: LayoutGroup[] = [];
  const coreSizes = new Int32Array(sizes.length);
  for (let c = 0; c < sizes.length; c++) {
    const members = order.subarray(start[c]!, start[c + 1]!);
    const group = { of: a.community, id: c };
    let k = Math.min(members.length, coreSize, options.drillDownNodes);
    const cost = forceAtlas2Cost(k, iterations);
    if (cost === 0 || spent + cost > options.drillDownBudget) k = 0;
    if (k > 0) {
      spent += cost;
      placeInOrder(a.csr, group, members, 0, k, 0, at);
      cores.push({ members, k, edges: edgesAmong(a.csr, group, members, indexInGroup, k) });
      coreSizes[c] = k;
    }
  }
  // Each community's core on its own: refined together, on two threads where `layouts` has them.
  refineWithForceAtlas2(cores, iterations, at, layouts);
  for (const core of cores) normalise(core.members, core.k, at);
  // The rest continue their core's sunflower outwards, each on the side of whom they know (only
  // members of the same community count: the order of communities does not matter).
  for (let c = 0; c < sizes.length; c++) {
    const members = order.subarray(start[c]!, start[c + 1]!);
    const k = coreSizes[c]!;
    placeInOrder(
      a.csr,
      { of: a.community, id: c },
      members,
      k,
      members.length,
      LAYOUT_UNIT * Math.sqrt(k + 0.5),
      at,
    );
  }
  const forceAtlas2Members = cores.reduce((sum, core) => sum + core.k, 0);
  const forceAtlas2Communities = cores.length;
  const positions = new Float32Array(2 * a.community.length);
  for (let u = 0; u < a.community.length; u++) {
    positions[2 * u] = at.x[u]!;
    positions[2 * u + 1] = at.y[u]!;
  }
  return { positions, coreSize, forceAtlas2Members, forceAtlas2Communities };
}

/**
 * The overview of an analysed graph: communities with their size, stage mix, most central members,
 * activity and position; the relationships between communities, counted; and every participant's
 * position in its community's drill-down. Deterministic: the same analysis gives the same overview.
 */
export function buildOverview(
  a: AtlasAnalysis,
  options: OverviewOptions = {},
  layouts: ExactLayouts = layoutsHere,
): AtlasOverview {
  const settings = { ...DEFAULT_OVERVIEW_OPTIONS, ...options };
  const summaries = summarise(a);
  const links = communityLinks(a);
  const drawn = drawnCount(a.communitySizes, settings.drawnCommunities);
  const spots = layOutCommunities(a.communitySizes, links, drawn, settings.overviewIterations);
  const members = layOutMembers(a, settings, layouts);
  return {
    communities: summaries.map((summary, c) => ({ ...summary, x: spots.x[c]!, y: spots.y[c]! })),
    links,
    positions: members.positions,
    drawnCommunities: drawn,
    layout: {
      coreSize: members.forceAtlas2Members > 0 ? members.coreSize : 0,
      forceAtlas2Members: members.forceAtlas2Members,
      forceAtlas2Communities: members.forceAtlas2Communities,
    },
  };
}
