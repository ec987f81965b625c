import { uuidColumn } from '../../src/lib/atlas/uuid-column';
import { describe, expect, it } from 'vitest';
import { analyseGraph, centralMembers, type AtlasAnalysis } from '../../src/lib/atlas/analysis';
import { communityLabel } from '../../src/lib/atlas/community-label';
import {
  buildOverview,
  communityLinks,
  coreSizeWithin,
  linkAt,
  membersByCentrality,
  strongestLinks,
} from '../../src/lib/atlas/overview';
import { forceAtlas2Cost } from '../../src/lib/atlas/overview-layout';
import { idsByScoreDescending } from '../../src/lib/atlas/score-order';
import { LIFECYCLE_STAGES } from '../../src/lib/domain';
import type { OrgGraph } from '../../src/lib/repositories/atlas-graph';
import { createRandom } from '../../src/lib/seed/random';
import { clique, range } from './atlas-fixtures';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

/** An org graph from relationship pairs, with stages, activity and automated accounts drawn at random. */
function orgGraph(nodeCount: number, pairs: readonly (readonly [number, number])[], seed = 1): OrgGraph {
  const random = createRandom(seed);
  const m = pairs.length;
  const hex = (i: number, width: number) => i.toString(16).padStart(width, '0');
  const participantIds = range(0, nodeCount).map((i) => `00000000-0000-4000-8000-${hex(i, 12)}`);
  return {
    participantIds,
    participantIdColumn: uuidColumn(participantIds),
    csrInput: {
      nodeCount,
      from: Int32Array.from(pairs, (p) => p[0]),
      to: Int32Array.from(pairs, (p) => p[1]),
      weight: Float32Array.from(pairs, () => 0.3 + 0.7 * random()),
    },
    relationshipIds: uuidColumn(range(0, m).map((e) => `00000000-0000-4000-9000-${hex(e, 12)}`)),
    lastActivityAt: Float64Array.from(range(0, nodeCount), () =>
      random() < 0.1 ? NaN : NOW - random() * 90 * DAY,
    ),
    stage: Uint8Array.from(range(0, nodeCount), () => Math.floor(random() * 4)),
    isSystem: Uint8Array.from(range(0, nodeCount), (i) => (i % 97 === 96 ? 1 : 0)),
    createdAt: new Float64Array(nodeCount).fill(NOW - 400 * DAY),
    suppressed: new Uint8Array(nodeCount),
    confidence: new Float32Array(m).fill(0.8),
    inferred: new Uint8Array(m),
    flagged: new Uint8Array(m),
    sourceIndex: new Int32Array(m),
    sourceNames: ['email'],
    skippedRelationships: 0,
  };
}

/** Groups of the given sizes, dense inside (each member linked to `inside` others), a few links across. */
function plantedGroups(sizes: number[], inside: number, across: number, seed = 7): [number, number][] {
  const random = createRandom(seed);
  const pairs: [number, number][] = [];
  let start = 0;
  const starts = sizes.map((size) => {
    const s = start;
    start += size;
    return s;
  });
  sizes.forEach((size, g) => {
    for (let i = 0; i < size; i++)
      for (let k = 0; k < Math.min(inside, size - 1); k++) {
        const j = (i + 1 + Math.floor(random() * (size - 1))) % size;
        pairs.push([starts[g]! + i, starts[g]! + j]);
      }
  });
  for (let k = 0; k < across; k++) {
    const a = Math.floor(random() * start);
    const b = Math.floor(random() * start);
    if (a !== b) pairs.push([a, b]);
  }
  return pairs;
}

function analyse(nodeCount: number, pairs: readonly (readonly [number, number])[]): AtlasAnalysis {
  return analyseGraph(orgGraph(nodeCount, pairs), NOW).analysis;
}

/** Relationships between communities counted the slow, obvious way. */
function naiveLinks(a: AtlasAnalysis): Map<string, number> {
  const counts = new Map<string, number>();
  const { from, to } = a.graph.csrInput;
  for (let e = 0; e < from.length; e++) {
    const [c, d] = [a.community[from[e]!]!, a.community[to[e]!]!].sort((x, y) => x - y);
    if (c !== d) counts.set(`${c}-${d}`, (counts.get(`${c}-${d}`) ?? 0) + 1);
  }
  return counts;
}

describe('atlas overview', () => {
  // 1,200 participants: eight groups, a few links across, 40 without any relationship.
  const sizes = [300, 250, 200, 150, 120, 80, 40, 20];
  const groupedCount = sizes.reduce((s, x) => s + x, 0);
  const pairs = plantedGroups(sizes, 6, 60);
  const n = groupedCount + 40;
  const a = analyse(n, pairs);
  const overview = buildOverview(a);

  it('has every participant in exactly one community: the sizes add up to the org', () => {
    expect(overview.communities).toHaveLength(a.communitySizes.length);
    expect(overview.communities.reduce((sum, c) => sum + c.size, 0)).toBe(n);
    overview.communities.forEach((c, i) => expect(c.community).toBe(i));
    const automated = a.graph.isSystem.reduce((s, v) => s + v, 0);
    const staged = overview.communities.reduce(
      (sum, c) => sum + LIFECYCLE_STAGES.reduce((s, stage) => s + c.stageCounts[stage], 0),
      0,
    );
    expect(staged).toBe(n - automated);
  });

  it('names each community by its most central members, the anchor first', () => {
    const central = centralMembers(a, 3);
    for (const c of overview.communities) {
      expect(c.centralParticipantIds).toEqual(central[c.community]!.map((u) => a.graph.participantIds[u]));
      const members = c.centralParticipantIds.map((id) => a.graph.participantIds.indexOf(id));
      expect(members.every((u) => a.community[u] === c.community)).toBe(true);
    }
    expect(overview.communities[0]!.centralParticipantIds).toHaveLength(3);
  });

  it('counts the relationships between communities, each pair once with from < to', () => {
    const expected = naiveLinks(a);
    expect(overview.links.count).toHaveLength(expected.size);
    for (let i = 0; i < expected.size; i++) {
      const link = linkAt(overview.links, i);
      expect(link.from).toBeLessThan(link.to);
      expect(link.count).toBe(expected.get(`${link.from}-${link.to}`));
    }
    const crossing = [...expected.values()].reduce((s, x) => s + x, 0);
    expect(overview.links.count.reduce((s, x) => s + x, 0)).toBe(crossing);
  });

  it('counts two relationships between the same people twice, in either direction', () => {
    const twice = analyse(8, [...clique(range(0, 4)), ...clique(range(4, 4)), [0, 4], [4, 0], [0, 4]]);
    expect(communityLinks(twice)).toEqual({
      from: Int32Array.of(0),
      to: Int32Array.of(1),
      count: Int32Array.of(3),
    });
  });

  it('gives every participant a finite drill-down position and every community an overview position', () => {
    expect(overview.positions).toHaveLength(2 * n);
    expect(overview.positions.every(Number.isFinite)).toBe(true);
    for (const c of overview.communities) expect([c.x, c.y].every(Number.isFinite)).toBe(true);
    // No two members of a community share a spot: the drill-down would hide one behind the other.
    const { order, start } = membersByCentrality(a);
    for (let c = 0; c < a.communitySizes.length; c++) {
      const spots = new Set<string>();
      for (let i = start[c]!; i < start[c + 1]!; i++) {
        const u = order[i]!;
        spots.add(`${overview.positions[2 * u]},${overview.positions[2 * u + 1]}`);
      }
      expect(spots.size).toBe(a.communitySizes[c]);
    }
  });

  it('draws the largest communities, not communities of one (people with no relationship)', () => {
    expect(overview.drawnCommunities).toBe(a.communitySizes.filter((s) => s > 1).length);
    expect(a.communitySizes.filter((s) => s === 1).length).toBeGreaterThanOrEqual(40);
    expect(buildOverview(a, { drawnCommunities: 3 }).drawnCommunities).toBe(3);
  });

  it('lays out every member of these communities with ForceAtlas2 within the default budget', () => {
    expect(overview.layout.forceAtlas2Members).toBe(
      a.communitySizes.reduce((s, x) => s + (x >= 3 ? x : 0), 0),
    );
  });

  it('is deterministic: the same analysis gives the same overview', () => {
    const again = buildOverview(analyse(n, pairs));
    expect(again.communities).toEqual(overview.communities);
    expect(again.links).toEqual(overview.links);
    expect(Buffer.from(again.positions.buffer).equals(Buffer.from(overview.positions.buffer))).toBe(true);
  });

  it('within a small budget lays out only each community’s most central members, and places everyone', () => {
    const small = buildOverview(a, { drillDownBudget: 2 * forceAtlas2Cost(40, 60) });
    expect(small.layout.coreSize).toBeGreaterThanOrEqual(3);
    expect(small.layout.coreSize).toBeLessThan(40);
    expect(small.positions.every(Number.isFinite)).toBe(true);
    const none = buildOverview(a, { drillDownBudget: 0 });
    expect(none.layout).toEqual({ coreSize: 0, forceAtlas2Members: 0, forceAtlas2Communities: 0 });
    expect(none.positions.every(Number.isFinite)).toBe(true);
  });

  it('places the most central members nearer the centre of a drill-down than the rest', () => {
    const none = buildOverview(a, { drillDownBudget: 0 });
    const { order, start } = membersByCentrality(a);
    const radius = (u: number) => Math.hypot(none.positions[2 * u]!, none.positions[2 * u + 1]!);
    const members = order.subarray(start[0]!, start[1]!);
    expect(radius(members[0]!)).toBe(0);
    expect(radius(members[1]!)).toBeLessThan(radius(members[members.length - 1]!));
  });

  it('handles an org with nobody, and one with nobody related', () => {
    const empty = buildOverview(analyse(0, []));
    expect(empty).toMatchObject({ communities: [], drawnCommunities: 0 });
    expect(empty.links.count).toHaveLength(0);
    expect(empty.positions).toHaveLength(0);
    const loners = buildOverview(analyse(5, []));
    expect(loners.communities.map((c) => c.size)).toEqual([1, 1, 1, 1, 1]);
    expect(loners.drawnCommunities).toBe(0);
    expect(loners.positions.every(Number.isFinite)).toBe(true);
  });
});

describe('atlas overview helpers', () => {
  it('orders members by community, most central first', () => {
    const a = analyse(12, [...clique(range(0, 6)), ...clique(range(6, 6)), [0, 6], [1, 2], [2, 1]]);
    const { order, start, indexInGroup } = membersByCentrality(a);
    for (let c = 0; c < a.communitySizes.length; c++) {
      const members = [...order.subarray(start[c]!, start[c + 1]!)];
      expect(members.every((u) => a.community[u] === c)).toBe(true);
      members.forEach((u, i) => expect(indexInGroup[u]).toBe(i));
      for (let i = 1; i < members.length; i++)
        expect(a.pagerank[members[i - 1]!]!).toBeGreaterThanOrEqual(a.pagerank[members[i]!]!);
    }
  });

  it('keeps each community’s strongest links for the overview’s layout', () => {
    const links = {
      from: Int32Array.of(0, 0, 1, 2, 0),
      to: Int32Array.of(1, 2, 2, 3, 5),
      count: Int32Array.of(9, 1, 5, 1, 50),
    };
    expect(strongestLinks(links, 4, 1)).toEqual([
      { from: 0, to: 1, count: 9 },
      { from: 1, to: 2, count: 5 },
      { from: 2, to: 3, count: 1 },
    ]);
  });

  it('finds the largest core size the budget allows', () => {
    const sizes = Int32Array.from([1000, 400, 50, 2]);
    const budget = forceAtlas2Cost(100, 10) * 2 + forceAtlas2Cost(50, 10);
    expect(coreSizeWithin(sizes, 10_000, 10, budget)).toBe(100);
    expect(coreSizeWithin(sizes, 10_000, 10, Number.MAX_SAFE_INTEGER)).toBe(1000);
    expect(coreSizeWithin(sizes, 300, 10, Number.MAX_SAFE_INTEGER)).toBe(300);
  });

  it('orders ids by score, highest first, ties by id, like a comparison sort', () => {
    const random = createRandom(3);
    const scores = Float64Array.from({ length: 5000 }, () =>
      random() < 0.2 ? Math.floor(random() * 5) : (random() - 0.3) * 10 ** Math.floor(random() * 12 - 6),
    );
    const expected = [...scores.keys()].sort((u, v) => scores[v]! - scores[u]! || u - v);
    const got = [...idsByScoreDescending(scores)];
    expect(got.map((u) => scores[u])).toEqual(expected.map((u) => scores[u]));
    const ties = got.filter((u) => scores[u] === 3);
    expect(ties).toEqual([...ties].sort((x, y) => x - y));
  });

  it('labels a community by its central members and how many others it has', () => {
    expect(communityLabel(['Ava Moreno', 'Hiro Sato', 'Dev Raman'], 120)).toBe(
      'Ava Moreno, Hiro Sato and 118 others',
    );
    expect(communityLabel(['Ava Moreno', 'Hiro Sato', 'Dev Raman'], 3)).toBe(
      'Ava Moreno, Hiro Sato and Dev Raman',
    );
    expect(communityLabel(['Ava Moreno', 'Hiro Sato'], 2)).toBe('Ava Moreno and Hiro Sato');
    expect(communityLabel(['Ava Moreno', 'Hiro Sato', 'Dev Raman'], 4)).toBe(
      'Ava Moreno, Hiro Sato and 2 others',
    );
    expect(communityLabel(['Ava Moreno'], 1)).toBe('Ava Moreno');
    expect(communityLabel(['Ava Moreno', ''], 2)).toBe('Ava Moreno and 1 other');
    expect(communityLabel([], 4)).toBe('4 participants');
    expect(communityLabel(['Ava Moreno', 'Hiro Sato', 'Dev Raman'], 12_500)).toBe(
      'Ava Moreno, Hiro Sato and 12,498 others',
    );
  });
});
