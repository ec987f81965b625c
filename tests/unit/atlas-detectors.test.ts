import { uuidsOf } from '../../src/lib/atlas/uuid-column';
import { describe, expect, it } from 'vitest';
import { centralMembers, fallShare, groupActivity, type AtlasAnalysis } from '../../src/lib/atlas/analysis';
import { neighbours } from '../../src/lib/atlas/csr';
import { detectAll, type RecommendationCandidate } from '../../src/lib/atlas/detectors';
import { detectCheckIn } from '../../src/lib/atlas/detectors/check-in';
import { DEFAULT_DETECTOR_OPTIONS, topPercent } from '../../src/lib/atlas/detectors/common';
import { detectIntroduce } from '../../src/lib/atlas/detectors/introduce';
import { detectReengage } from '../../src/lib/atlas/detectors/reengage';
import { detectReviewSegment } from '../../src/lib/atlas/detectors/review-segment';
import { detectVerifyRelationship } from '../../src/lib/atlas/detectors/verify-relationship';
import { ATLAS_DETECTORS } from '../../src/lib/domain';
import { findBannedTerm } from '../../src/lib/compliance/banned-terms';
import {
  analysed,
  mutual,
  nodesLike,
  participantId as pid,
  relationshipId as rid,
  type EdgeSpec,
  type NodeSpec,
} from './atlas-org-graph';

const options = DEFAULT_DETECTOR_OPTIONS;
const targets = (candidates: RecommendationCandidate[]) => candidates.map((c) => c.targetId);

/** A hub related both ways to each member, and the members in a ring (both ways). */
function hubAndRing(hub: number, members: readonly number[], extra: Omit<EdgeSpec, 'from' | 'to'> = {}) {
  const spokes = mutual(
    members.map((m) => [hub, m] as const),
    extra,
  );
  const ring = mutual(
    members.map((m, i) => [m, members[(i + 1) % members.length]!] as const),
    extra,
  );
  return [...spokes, ...ring];
}

/** Every pair within `members`, both ways. */
function clique(members: readonly number[], extra: Omit<EdgeSpec, 'from' | 'to'> = {}) {
  const pairs: [number, number][] = [];
  for (let i = 0; i < members.length; i++)
    for (let j = i + 1; j < members.length; j++) pairs.push([members[i]!, members[j]!]);
  return mutual(pairs, extra);
}

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

/** Every candidate is well-formed, whatever the detector. */
function expectWellFormed(a: AtlasAnalysis, candidates: RecommendationCandidate[]) {
  const participants = new Set(a.graph.participantIds);
  const relationships = new Set(uuidsOf(a.graph.relationshipIds));
  for (const c of candidates) {
    expect(c.suggestedAction).toBe(c.detector);
    expect(c.confidence).toBeGreaterThanOrEqual(0);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(Math.round(c.confidence * 1000) / 1000).toBe(c.confidence);
    expect(c.reason.length).toBeGreaterThan(20);
    expect(c.reason).toMatch(/\d/); // it cites its numbers
    expect(findBannedTerm(c.reason)).toBeUndefined();
    expect(c.evidence.participantIds.every((id) => participants.has(id))).toBe(true);
    expect(c.evidence.relationshipIds.every((id) => relationships.has(id))).toBe(true);
    expect(() => JSON.stringify(c.evidence)).not.toThrow();
    expect(JSON.parse(JSON.stringify(c.evidence))).toEqual(c.evidence);
    if (c.targetType === 'relationship') expect(relationships.has(c.targetId)).toBe(true);
    else expect(participants.has(c.targetId)).toBe(true);
  }
  // The most confident first.
  for (let i = 1; i < candidates.length; i++) {
    if (candidates[i]!.detector === candidates[i - 1]!.detector)
      expect(candidates[i]!.confidence).toBeLessThanOrEqual(candidates[i - 1]!.confidence);
  }
}

describe('reengage: a dormant hub of an active community', () => {
  // Three communities of a hub and 15 members in a ring. A's hub went quiet 75 days ago; B's hub is
  // active; C's hub is as quiet as A's but suppressed. One of A's members is at risk but peripheral, and
  // a system account (never active) links the three hubs.
  const nodes: NodeSpec[] = [
    { activeDaysAgo: 75, stage: 'active' },
    ...nodesLike(15, { activeDaysAgo: 3 }),
    { activeDaysAgo: 1 },
    ...nodesLike(15, { activeDaysAgo: 2 }),
    { activeDaysAgo: 90, suppressed: true },
    ...nodesLike(15, { activeDaysAgo: 4 }),
    { system: true, activeDaysAgo: null },
  ];
  nodes[5] = { activeDaysAgo: 50 };
  const edges = [
    ...hubAndRing(0, range(1, 15)),
    ...hubAndRing(16, range(17, 15)),
    ...hubAndRing(32, range(33, 15)),
    { from: 48, to: 0 },
    { from: 48, to: 16 },
    { from: 48, to: 32 },
  ];
  const a = analysed(nodes, edges);
  const found = detectReengage(a, options);

  it('finds the quiet hub and nobody else: not the active hub, the peripheral member, the suppressed hub or the system account', () => {
    expect(targets(found)).toEqual([pid(0)]);
    expectWellFormed(a, found);
  });

  it('says why in numbers: the days, the PageRank position and the people around', () => {
    const [hub] = found;
    expect(hub!.reason).toBe(
      `No activity for 75 days; ${topPercent(a.pagerankTop[0]!)} by PageRank; related to 15 participants`,
    );
    expect(a.pagerankTop[0]).toBeLessThanOrEqual(0.1);
    expect(hub!.evidence.figures).toMatchObject({ daysSinceActivity: 75, central: true, relatedPeople: 15 });
    // 15 days past dormant (lapse 1 − 0.5 · 15/120) near the top (3 hubs tie: 3/49 into the decile).
    const importance = 1 - a.pagerankTop[0]! / 0.1;
    expect(hub!.confidence).toBeCloseTo(0.4 + 0.3 * (1 - (0.5 * 15) / 120) + 0.3 * importance, 3);
  });

  it('cites the communities a quiet bridge links', () => {
    // Two cliques of 8 and 6 and a participant between them, related to every member, quiet 40 days.
    const bridge: NodeSpec[] = [...nodesLike(14, { activeDaysAgo: 2 }), { activeDaysAgo: 40 }];
    const b = analysed(bridge, [
      ...clique(range(0, 8)),
      ...clique(range(8, 6)),
      ...mutual(range(0, 14).map((m) => [14, m] as const)),
    ]);
    const [only, ...rest] = detectReengage(b, options);
    expect(rest).toEqual([]);
    expect(only!.targetId).toBe(pid(14));
    expect(only!.reason).toMatch(
      /^No activity for 40 days; (top \d+% by PageRank; )?links two communities of (9 and 6|8 and 7) participants$/,
    );
    expect(only!.evidence.figures.bridge).toBe(true);
  });

  it('leaves newcomers to introduce, and someone never active (who has not fallen) out', () => {
    const fresh = [...nodes];
    fresh[0] = { activeDaysAgo: 40, joinedDaysAgo: 5 };
    expect(detectReengage(analysed(fresh, edges), options)).toEqual([]);
    fresh[0] = { activeDaysAgo: null, joinedDaysAgo: 300 };
    expect(detectReengage(analysed(fresh, edges), options)).toEqual([]);
  });

  it('weighs a fall just past dormant above one long past, and at risk below both', () => {
    const confidenceAt = (days: number) => {
      const quiet = [...nodes];
      quiet[0] = { activeDaysAgo: days };
      return detectReengage(analysed(quiet, edges), options)[0]!.confidence;
    };
    expect(confidenceAt(61)).toBeGreaterThan(confidenceAt(400));
    expect(confidenceAt(400)).toBeGreaterThan(confidenceAt(31));
    expect(confidenceAt(180)).toBe(confidenceAt(400)); // eased back to 0.5 by 3 × dormantDays
  });
});

describe('introduce: an isolated newcomer beside an active community', () => {
  // An active community (hub 0, members 1..11); 12 joined 3 days ago and knows nobody; 13 joined 5 days
  // ago and knows member 3; 14 is an isolated newcomer under suppression; 15 an isolated system account;
  // 16 an isolated participant who joined long ago and was never active.
  const nodes: NodeSpec[] = [
    ...nodesLike(12, { activeDaysAgo: 2 }),
    { joinedDaysAgo: 3, activeDaysAgo: 1, stage: 'new' },
    { joinedDaysAgo: 5, activeDaysAgo: 0, stage: 'new' },
    { joinedDaysAgo: 2, activeDaysAgo: 1, suppressed: true },
    { joinedDaysAgo: 1, system: true },
    { joinedDaysAgo: 500, activeDaysAgo: null, stage: 'dormant' },
  ];
  nodes[7] = { activeDaysAgo: 45 }; // at risk: never suggested
  const edges = [...hubAndRing(0, range(1, 11)), ...mutual([[13, 3]])];
  const a = analysed(nodes, edges);
  const found = detectIntroduce(a, options);
  const byTarget = new Map(found.map((c) => [c.targetId, c]));

  it('finds the two newcomers and the long-isolated participant, newest and loneliest first', () => {
    expect(targets(found)).toEqual([pid(12), pid(13), pid(16)]);
    expectWellFormed(a, found);
  });

  it('suggests three active members of the largest community to the isolated newcomer, and says so', () => {
    const isolated = byTarget.get(pid(12))!;
    const suggested = isolated.evidence.participantIds.slice(1);
    expect(isolated.evidence.participantIds[0]).toBe(pid(12));
    expect(suggested).toHaveLength(3);
    expect(new Set(suggested).size).toBe(3);
    // Active members of the largest community (Louvain splits the ring), never the quiet member 7.
    const pool = new Set(
      range(0, 12)
        .filter((i) => i !== 7 && a.community[i] === 0)
        .map(pid),
    );
    expect(suggested.every((id) => pool.has(id))).toBe(true);
    expect(isolated.reason).toBe(
      'No relationships yet; joined 3 days ago, last active 1 day ago. Suggested: 3 active participants to connect with — ' +
        `3 among the most central of the largest community (${a.communitySizes[0]} participants), as they have no contacts to go by`,
    );
  });

  it('suggests people who share a contact with a newcomer who has one', () => {
    const newcomer = byTarget.get(pid(13))!;
    const suggested = newcomer.evidence.participantIds.slice(1);
    // Member 3's neighbours: the hub 0 and the ring members 2 and 4.
    expect(new Set(suggested)).toEqual(new Set([pid(0), pid(2), pid(4)]));
    expect(suggested[0]).toBe(pid(0)); // one shared contact each: the most central first
    expect(newcomer.reason).toBe(
      'Joined 5 days ago with 1 relationship; last active today. Suggested: 3 active participants to connect with — ' +
        '3 who share 1, 1 and 1 contacts with them',
    );
  });

  it('spreads isolated newcomers over the community’s central members instead of sending all to the same three', () => {
    const many: NodeSpec[] = [...nodesLike(30, { activeDaysAgo: 1 }), ...nodesLike(20, { joinedDaysAgo: 2 })];
    const b = analysed(many, hubAndRing(0, range(1, 29)));
    const suggested = detectIntroduce(b, options).flatMap((c) => c.evidence.participantIds.slice(1));
    expect(suggested).toHaveLength(60);
    expect(new Set(suggested).size).toBeGreaterThan(3);
  });
});

describe('verify_relationship: doubtful links touching a central participant', () => {
  // A hub (0) with members 1..10 in a ring; 11 is a system account. Hub links, by confidence and source:
  const nodes: NodeSpec[] = [...nodesLike(11), { system: true }];
  nodes[7] = { suppressed: true };
  const special: EdgeSpec[] = [
    { from: 0, to: 1, confidence: 0.3, source: 'manual' }, // e0: low → found
    { from: 0, to: 2, confidence: 0.6, source: 'email' }, // e1: inferred, under 0.75 → found
    { from: 0, to: 3, confidence: 0.9, source: 'email' }, // e2: inferred but confident → no
    { from: 0, to: 4, confidence: 0.2, source: 'manual', flagged: true }, // e3: flagged already → no
    { from: 5, to: 6, confidence: 0.1, source: 'calendar' }, // e4: no central end → no
    { from: 0, to: 7, confidence: 0.2, source: 'manual' }, // e5: a suppressed end → no
    { from: 11, to: 0, confidence: 0.1, source: 'manual' }, // e6: a system end → no
    { from: 0, to: 8, confidence: 0.7, source: 'crm_import' }, // e7: entered, above 0.5 → no
  ];
  const edges = [
    ...special,
    ...range(1, 10).map((m) => ({ from: m, to: 0 })),
    ...mutual(range(1, 10).map((m) => [m, (m % 10) + 1] as const)),
  ];
  const a = analysed(nodes, edges);
  const found = detectVerifyRelationship(a, options);

  it('finds the low-confidence link and the weak inferred one, the lower confidence first', () => {
    expect(targets(found)).toEqual([rid(0), rid(1)]);
    expectWellFormed(a, found);
    expect(found.every((c) => c.targetType === 'relationship')).toBe(true);
    expect(found[0]!.evidence).toMatchObject({ participantIds: [pid(0), pid(1)], relationshipIds: [rid(0)] });
  });

  it('cites the confidence, the source and the central end', () => {
    expect(found[0]!.reason).toBe(
      `Link confidence 30% (source: manual); it touches a participant in the ${topPercent(a.pagerankTop[0]!)} by PageRank, related to 10 participants`,
    );
    expect(found[1]!.reason).toMatch(
      /^Link confidence 60%, inferred from email data; it touches a participant in the top/,
    );
    const centrality = 1 - a.pagerankTop[0]! / 0.1;
    expect(found[0]!.confidence).toBeCloseTo(0.25 + 0.45 * 0.7 + 0.2 * centrality, 3);
    expect(found[1]!.confidence).toBeCloseTo(0.25 + 0.45 * 0.4 + 0.2 * centrality + 0.1, 3);
  });
});

describe('check_in: a bridge between two cliques whose neighbours went quiet', () => {
  // Two cliques of 8 (0..7, 8..15) and an active bridge (16) related to all of them; 10 of its 16
  // neighbours were active 30–60 days ago and not since. Beside it, the same shape (17..33) with every
  // neighbour active, and a third (34..50) whose quiet bridge is suppressed.
  const quiet = (start: number) => range(start, 16).map((i) => ({ activeDaysAgo: i - start < 10 ? 40 : 5 }));
  const nodes: NodeSpec[] = [
    ...quiet(0),
    { activeDaysAgo: 3 },
    ...nodesLike(16, { activeDaysAgo: 4 }),
    { activeDaysAgo: 3 },
    ...quiet(34),
    { activeDaysAgo: 3, suppressed: true },
  ];
  const shape = (start: number) => [
    ...clique(range(start, 8)),
    ...clique(range(start + 8, 8)),
    ...mutual(range(start, 16).map((m) => [start + 16, m] as const)),
  ];
  const a = analysed(nodes, [...shape(0), ...shape(17), ...shape(34)]);
  const found = detectCheckIn(a, options);

  it('finds the bridge whose neighbours went quiet, not the one whose neighbours are active or the suppressed one', () => {
    expect(targets(found)).toEqual([pid(16)]);
    expectWellFormed(a, found);
  });

  it('cites the two communities, the neighbours seen and how many went quiet, with them in the evidence', () => {
    const [bridge] = found;
    expect(bridge!.reason).toMatch(
      /^Links two communities of (9 and 8|8 and 9) participants; of the 16 people they are related to who were active in the last 60 days, 10 have not been active in the last 30 \(63%\)$/,
    );
    expect(bridge!.evidence.participantIds).toEqual([pid(16), ...range(0, 10).map(pid)]);
    expect(bridge!.evidence.figures).toMatchObject({ quietSince: 10, activeRecently: 6, fallShare: 0.625 });
    const participation = a.bridging.participation[16]!;
    expect(bridge!.confidence).toBeCloseTo(0.3 + 0.5 * 0.625 + 0.2 * Math.min(1, 2 * participation), 3);
  });

  it('leaves a quiet bridge to reengage', () => {
    const asleep = [...nodes];
    asleep[16] = { activeDaysAgo: 45 };
    const b = analysed(asleep, [...shape(0), ...shape(17), ...shape(34)]);
    expect(detectCheckIn(b, options)).toEqual([]);
    expect(targets(detectReengage(b, options))).toContain(pid(16));
  });
});

describe('review_segment: a decaying community', () => {
  // Four communities of 10 (hub + ring): D, where 7 of 10 went quiet 30–60 days ago; E, all active; G,
  // all quiet for over 60 days (it fell long ago, not in the last 30 days); and a group of 4, all quiet,
  // too small to speak of.
  const group = (days: (i: number) => number | null, count = 10) =>
    range(0, count).map((i): NodeSpec => ({ activeDaysAgo: days(i) }));
  const nodes: NodeSpec[] = [
    ...group((i) => (i < 7 ? 35 + i : 2)),
    ...group(() => 3),
    ...group(() => 90),
    ...group(() => 40, 4),
  ];
  const edges = [
    ...hubAndRing(0, range(1, 9)),
    ...hubAndRing(10, range(11, 9)),
    ...hubAndRing(20, range(21, 9)),
    ...clique(range(30, 4)),
  ];
  const a = analysed(nodes, edges);
  const found = detectReviewSegment(a, options);

  it('finds the community that fell, named by its anchor, and no other', () => {
    expect(found).toHaveLength(1);
    const [community] = found;
    expect(community!.targetType).toBe('community');
    const c = a.community[0]!;
    expect(community!.targetId).toBe(pid(centralMembers(a, 1)[c]![0]!));
    expect(community!.targetId).toBe(pid(0)); // the hub
    expectWellFormed(a, found);
  });

  it('cites its size, the fall and the counts behind it, beside the org-wide fall', () => {
    const [community] = found;
    // Org-wide: seen in 60 days = 10 (D) + 10 (E) + 4 (small) = 24, quiet = 7 + 4 = 11.
    expect(community!.reason).toBe(
      'A community of 10 participants: of the 10 members active in the last 60 days, 7 have not been active in the last 30 ' +
        '(70%; org-wide 46%); 3 active in the last 30 days',
    );
    expect(community!.evidence.figures).toMatchObject({
      size: 10,
      quietSince: 7,
      activeRecently: 3,
      fallShare: 0.7,
    });
    expect(community!.confidence).toBeCloseTo(0.3 + 0.5 * 0.7 + 0.2 * (10 / 50), 3);
  });
});

describe('a suppressed participant', () => {
  // Each plant above, with its subject suppressed: a quiet hub, an isolated newcomer, an active bridge
  // with quiet neighbours, a weak link to a hub.
  const nodes: NodeSpec[] = [
    { activeDaysAgo: 80, suppressed: true },
    ...nodesLike(10, { activeDaysAgo: 2 }),
    { joinedDaysAgo: 2, suppressed: true },
  ];
  const edges = [...hubAndRing(0, range(1, 10)), { from: 3, to: 0, confidence: 0.1, source: 'calendar' }];
  const a = analysed(nodes, edges);

  it('is the subject of no recommendation, nor a suggestion in one', () => {
    const all = detectAll(a);
    const suppressed = new Set([pid(0), pid(11)]);
    expect(all.filter((c) => suppressed.has(c.targetId))).toEqual([]);
    expect(all.filter((c) => c.detector === 'verify_relationship')).toEqual([]);
    const withoutSuppression = analysed(
      nodes.map((n) => ({ ...n, suppressed: false })),
      edges,
    );
    const found = detectAll(withoutSuppression);
    expect(new Set(found.map((c) => c.detector))).toEqual(
      new Set(['reengage', 'introduce', 'verify_relationship']),
    );
    expect(
      found.filter((c) => c.detector === 'introduce').flatMap((c) => c.evidence.participantIds.slice(1)),
    ).not.toContain(pid(0)); // quiet people are never suggested
  });
});

// ---------------------------------------------------------------------------------------------------
// The rules, checked independently on random graphs: every candidate meets its detector's rule, and
// every participant, link or community that meets it is a candidate (with no cap in the way).

/** A small seeded generator (mulberry32), so failures reproduce. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomOrg(seed: number, n = 1500, groups = 15) {
  const rand = random(seed);
  const group = (i: number) => i % groups;
  // Every fifth group decays: most of its members were last active 30–60 days ago.
  const nodes: NodeSpec[] = range(0, n).map((i) => {
    const r = rand();
    const decaying = group(i) % 5 === 0 && rand() < 0.7;
    return {
      activeDaysAgo:
        r < 0.08 ? null : decaying ? 30 + Math.floor(rand() * 30) : Math.floor(rand() ** 2 * 150),
      joinedDaysAgo: rand() < 0.1 ? Math.floor(rand() * 14) : 14 + Math.floor(rand() * 700),
      system: rand() < 0.01,
      suppressed: rand() < 0.03,
    };
  });
  const edges: EdgeSpec[] = [];
  const sources = ['email', 'calendar', 'manual', 'crm_import'];
  for (let k = 0; k < n * 4; k++) {
    const u = Math.floor(rand() * n);
    if (u % 50 === 7) continue; // some isolated
    let v = Math.floor(rand() * n);
    // Mostly within the group, and towards a few hubs.
    if (rand() < 0.85) v = group(u) + groups * Math.floor(rand() ** 3 * (n / groups));
    if (v === u || v % 50 === 7 || v >= n) continue;
    edges.push({
      from: u,
      to: v,
      confidence: Math.round(rand() * 100) / 100,
      source: sources[Math.floor(rand() * sources.length)]!,
      flagged: rand() < 0.05,
    });
  }
  return analysed(nodes, edges);
}

function expectedTargets(a: AtlasAnalysis) {
  const o = options;
  const days = (u: number) =>
    Number.isNaN(a.graph.lastActivityAt[u]!)
      ? null
      : Math.floor((a.now - a.graph.lastActivityAt[u]!) / 86_400_000);
  const joined = (u: number) => Math.floor((a.now - a.graph.createdAt[u]!) / 86_400_000);
  const eligible = (u: number) => !a.graph.isSystem[u] && !a.graph.suppressed[u];
  const people = (u: number) => [...neighbours(a.csr, u)].filter((v) => !a.graph.isSystem[v]).length;
  const bridge = (u: number) =>
    a.bridging.neighbourCommunities[u]! >= 2 &&
    a.bridging.participation[u]! >= 0.3 &&
    a.bridging.boundaryDegree[u]! >= 2;
  const central = (u: number) => a.pagerankTop[u]! <= 0.1;
  const nodes = range(0, a.graph.participantIds.length);
  const quiet = (u: number) => {
    const d = days(u);
    return d === null || d >= o.activeDays;
  };
  const active = (u: number) => !quiet(u);
  const around = (u: number) => groupActivity(a.graph, neighbours(a.csr, u), a.now);
  const byId = (us: number[]) => us.map((u) => a.graph.participantIds[u]!).sort();
  const edgesAll = range(0, a.graph.relationshipIds.length);
  return {
    reengage: byId(
      nodes.filter(
        (u) =>
          eligible(u) &&
          joined(u) >= o.newDays &&
          people(u) > 0 &&
          days(u) !== null &&
          days(u)! >= o.activeDays &&
          (central(u) || bridge(u)),
      ),
    ),
    introduceAtMost: byId(
      nodes.filter((u) => eligible(u) && (people(u) === 0 || (joined(u) < o.newDays && people(u) < 3))),
    ),
    verify_relationship: edgesAll
      .filter((e) => {
        const [u, v] = [a.graph.csrInput.from[e]!, a.graph.csrInput.to[e]!];
        const c = a.graph.confidence[e]!;
        const doubtful = c < 0.5 || (a.graph.inferred[e] === 1 && c < 0.75);
        return !a.graph.flagged[e] && doubtful && eligible(u) && eligible(v) && (central(u) || central(v));
      })
      .map((e) => uuidsOf(a.graph.relationshipIds)[e]!)
      .sort(),
    check_in: byId(
      nodes.filter((u) => {
        if (!eligible(u) || !bridge(u) || !active(u)) return false;
        const g = around(u);
        return g.activeRecently + g.quietSince >= 3 && g.quietSince >= 2 && fallShare(g) >= 0.3;
      }),
    ),
    review_segment: a.communityActivity
      .map((g, c) => ({ g, c }))
      .filter(({ g }) => g.members >= 5 && g.activeRecently + g.quietSince >= 5 && fallShare(g) > 0.5)
      .map(({ c }) => a.graph.participantIds[centralMembers(a, 1)[c]![0]!]!)
      .sort(),
  };
}

describe('the rules, on random orgs', () => {
  for (const seed of [1, 2, 3]) {
    it(`every candidate meets its rule and every match is a candidate (seed ${seed})`, () => {
      const a = randomOrg(seed);
      const all = detectAll(a, { maxPerDetector: 100_000 });
      expectWellFormed(a, all);
      const of = (d: string) => targets(all.filter((c) => c.detector === d)).sort();
      const expected = expectedTargets(a);
      expect(of('reengage')).toEqual(expected.reengage);
      expect(of('verify_relationship')).toEqual(expected.verify_relationship);
      expect(of('check_in')).toEqual(expected.check_in);
      expect(of('review_segment')).toEqual(expected.review_segment);
      const introduced = of('introduce');
      expect(introduced.every((id) => expected.introduceAtMost.includes(id))).toBe(true);
      // Only those with nobody to suggest are left out: here, nearly all qualify.
      expect(introduced.length).toBeGreaterThan(expected.introduceAtMost.length * 0.9);
      for (const d of ATLAS_DETECTORS) expect(of(d).length, d).toBeGreaterThan(0);
      // Suggestions are active, eligible and not yet related to the newcomer.
      for (const c of all.filter((x) => x.detector === 'introduce')) {
        const u = a.graph.participantIds.indexOf(c.targetId);
        const near = new Set(neighbours(a.csr, u));
        for (const id of c.evidence.participantIds.slice(1)) {
          const v = a.graph.participantIds.indexOf(id);
          expect(near.has(v) || v === u).toBe(false);
          expect(a.graph.isSystem[v] || a.graph.suppressed[v]).toBe(0);
          expect((a.now - a.graph.lastActivityAt[v]!) / 86_400_000).toBeLessThan(30);
        }
      }
    });
  }

  it('caps each detector at its most confident candidates, and gives the same list every time', () => {
    const a = randomOrg(4);
    const uncapped = detectAll(a, { maxPerDetector: 100_000 });
    const capped = detectAll(a, { maxPerDetector: 5 });
    expect(detectAll(a, { maxPerDetector: 5 })).toEqual(capped);
    for (const d of ATLAS_DETECTORS) {
      const mine = capped.filter((c) => c.detector === d);
      expect(mine.length).toBeLessThanOrEqual(5);
      if (d !== 'introduce') expect(mine).toEqual(uncapped.filter((c) => c.detector === d).slice(0, 5));
    }
    // Detector by detector, in one fixed order.
    const order = capped.map((c) => ATLAS_DETECTORS.indexOf(c.detector));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(detectAll(a, { maxPerDetector: 0 })).toEqual([]);
  });

  it('refuses thresholds that cannot hold', () => {
    const a = randomOrg(5, 50, 5);
    expect(() => detectAll(a, { activeDays: 60, dormantDays: 60 })).toThrow(RangeError);
    expect(() => detectAll(a, { newDays: 0 })).toThrow(RangeError);
    expect(() => detectAll(a, { maxPerDetector: -1 })).toThrow(RangeError);
  });
});
