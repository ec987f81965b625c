import type { AtlasAnalysis } from '../analysis';
import {
  clamp01,
  daysAgo,
  daysSinceActivity,
  daysSinceJoined,
  isActive,
  isEligible,
  listWords,
  num,
  peopleDegree,
  plural,
  roundConfidence,
  TopK,
} from './common';
import type { DetectorOptions, RecommendationCandidate } from './types';

// introduce — a new or isolated participant, with up to three active participants to connect them to.
//
// Rule: eligible (no system account, no suppression) and either isolated (no relationship with a
// person) or new (joined within newDays) with fewer than INTRODUCE_BELOW_DEGREE people around them.
// Suggestions are active (within activeDays), eligible participants not yet related to them, found
//   1. by shared neighbours: people their contacts are related to, most shared contacts first;
//   2. then among the most central active members of their own community;
//   3. for the isolated only (they have no community to speak of): among the most central active
//      members of the largest community that has some, three of its top nine chosen by the
//      participant's id, so not every newcomer is sent to the same three people.
// A candidate without any suggestion is left out.
//
// confidence = 0.3 + 0.25 · newness + 0.2 · isolation + 0.15 · recency + 0.1 · fit
//   newness   = 1 − days since joining / newDays (0 after newDays)
//   isolation = 1 − people related / 3 (1 isolated, 0 at three)
//   recency   = 1 − days since activity / dormantDays (clamped; never active: 0.5 if new, else 0)
//   fit       = mean over the suggestions of 1 (shared contacts), 0.6 (own community), 0.3 (largest)
// The first four terms (who needs an introduction) choose whom to look at, the 2 × cap best; fit (how
// sure the suggestions are) then orders the final list, with less weight: an isolated newcomer, whose
// suggestions can only be the community's central members, still comes before a newcomer with one
// contact whose contacts' contacts are a better fit.

/** New participants with at least this many people around them are connected enough. */
export const INTRODUCE_BELOW_DEGREE = 3;
export const INTRODUCE_SUGGESTIONS = 3;
/** Second-hop entries read per candidate at most, so a newcomer beside a hub of 50k stays cheap. */
export const INTRODUCE_SCAN_BUDGET = 20_000;
/** Central active members kept per community for suggestions (the isolated draw three of the top nine). */
const POOL_SIZE = 9;

type Via = 'shared' | 'community' | 'largest';
const FIT: Record<Via, number> = { shared: 1, community: 0.6, largest: 0.3 };

interface Suggestion {
  node: number;
  via: Via;
  sharedContacts: number;
}

/** Whether a participant may be suggested: active and eligible. */
const suggestible = (a: AtlasAnalysis, v: number, options: DetectorOptions) =>
  isEligible(a, v) && isActive(a, v, options);

/** Per community, its most central suggestible members (PageRank, then dense id), in one O(n·k) pass. */
function centralActivePools(a: AtlasAnalysis, options: DetectorOptions): number[][] {
  const pools: number[][] = Array.from({ length: a.communitySizes.length }, () => []);
  const better = (u: number, v: number) =>
    a.pagerank[u]! > a.pagerank[v]! || (a.pagerank[u] === a.pagerank[v] && u < v);
  for (let u = 0; u < a.community.length; u++) {
    if (!suggestible(a, u, options)) continue;
    const pool = pools[a.community[u]!]!;
    if (pool.length === POOL_SIZE && !better(u, pool[POOL_SIZE - 1]!)) continue;
    if (pool.length === POOL_SIZE) pool.pop();
    let i = pool.length;
    pool.push(u);
    while (i > 0 && better(u, pool[i - 1]!)) {
      pool[i] = pool[i - 1]!;
      i--;
    }
    pool[i] = u;
  }
  return pools;
}

/** A stable small hash of an id (FNV-1a), to spread the isolated over a community's central members. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function related(a: AtlasAnalysis, u: number): Set<number> {
  const { undirectedOffsets, undirectedNeighbours } = a.csr;
  return new Set(undirectedNeighbours.subarray(undirectedOffsets[u], undirectedOffsets[u + 1]));
}

function bySharedContacts(a: AtlasAnalysis, u: number, near: Set<number>, options: DetectorOptions) {
  const { undirectedOffsets: offsets, undirectedNeighbours: neighbours } = a.csr;
  const shared = new Map<number, number>();
  let budget = INTRODUCE_SCAN_BUDGET;
  for (const v of near) {
    if (a.graph.isSystem[v]) continue;
    for (let k = offsets[v]!; k < offsets[v + 1]! && budget > 0; k++, budget--) {
      const w = neighbours[k]!;
      if (w !== u && !near.has(w) && suggestible(a, w, options)) shared.set(w, (shared.get(w) ?? 0) + 1);
    }
  }
  return [...shared]
    .sort(([x, cx], [y, cy]) => cy - cx || a.pagerank[y]! - a.pagerank[x]! || x - y)
    .slice(0, INTRODUCE_SUGGESTIONS)
    .map(([node, sharedContacts]): Suggestion => ({ node, via: 'shared', sharedContacts }));
}

function suggestionsFor(
  a: AtlasAnalysis,
  u: number,
  isolated: boolean,
  pools: number[][],
  options: DetectorOptions,
): { suggestions: Suggestion[]; community: number } {
  const near = related(a, u);
  const chosen = isolated ? [] : bySharedContacts(a, u, near, options);
  const taken = (v: number) => v === u || near.has(v) || chosen.some((s) => s.node === v);
  let community = a.community[u]!;
  for (const v of pools[community]!) {
    if (chosen.length === INTRODUCE_SUGGESTIONS) break;
    if (!taken(v)) chosen.push({ node: v, via: 'community', sharedContacts: 0 });
  }
  if (isolated && chosen.length === 0) {
    community = pools.findIndex((pool) => pool.some((v) => !taken(v)));
    const pool = community < 0 ? [] : pools[community]!.filter((v) => !taken(v));
    const start = idHash(a.graph.participantIds[u]!) % Math.max(1, pool.length);
    for (let i = 0; i < Math.min(INTRODUCE_SUGGESTIONS, pool.length); i++) {
      chosen.push({ node: pool[(start + i) % pool.length]!, via: 'largest', sharedContacts: 0 });
    }
  }
  return { suggestions: chosen, community };
}

function reasonFor(
  a: AtlasAnalysis,
  u: number,
  degree: number,
  suggestions: Suggestion[],
  community: number,
): string {
  const joined = daysSinceJoined(a, u);
  const days = daysSinceActivity(a, u);
  const activity = days === null ? 'no activity yet' : `last active ${daysAgo(days)}`;
  const opening =
    degree === 0
      ? `No relationships yet; joined ${daysAgo(joined)}, ${activity}`
      : `Joined ${daysAgo(joined)} with ${plural(degree, 'relationship')}; ${activity}`;
  const size = num(community < 0 ? 0 : a.communitySizes[community]!);
  const groups: string[] = [];
  const shared = suggestions.filter((s) => s.via === 'shared');
  if (shared.length > 0) {
    groups.push(
      `${num(shared.length)} who share ${listWords(shared.map((s) => num(s.sharedContacts)))} ` +
        `${shared.length === 1 && shared[0]!.sharedContacts === 1 ? 'contact' : 'contacts'} with them`,
    );
  }
  const own = suggestions.filter((s) => s.via === 'community').length;
  if (own > 0) groups.push(`${num(own)} among the most central of their community (${size} participants)`);
  const largest = suggestions.filter((s) => s.via === 'largest').length;
  if (largest > 0) {
    const which = community === 0 ? 'the largest community' : 'the largest community with active members';
    groups.push(
      `${num(largest)} among the most central of ${which} (${size} participants), as they have no contacts to go by`,
    );
  }
  return `${opening}. Suggested: ${plural(suggestions.length, 'active participant')} to connect with — ${listWords(groups)}`;
}

function preScore(a: AtlasAnalysis, u: number, degree: number, options: DetectorOptions): number {
  const joined = daysSinceJoined(a, u);
  const isNew = joined < options.newDays;
  const newness = isNew ? 1 - joined / options.newDays : 0;
  const isolation = 1 - Math.min(degree, INTRODUCE_BELOW_DEGREE) / INTRODUCE_BELOW_DEGREE;
  const days = daysSinceActivity(a, u);
  const recency = days === null ? (isNew ? 0.5 : 0) : clamp01(1 - days / options.dormantDays);
  return 0.3 + 0.25 * newness + 0.2 * isolation + 0.15 * recency;
}

/** The most confident introduce candidates, at most options.maxPerDetector, best first. */
export function detectIntroduce(a: AtlasAnalysis, options: DetectorOptions): RecommendationCandidate[] {
  const shortlist = new TopK(2 * options.maxPerDetector);
  const degrees = new Map<number, number>();
  for (let u = 0; u < a.graph.participantIds.length; u++) {
    if (!isEligible(a, u)) continue;
    const degree = peopleDegree(a, u);
    const isNew = daysSinceJoined(a, u) < options.newDays;
    if (degree > 0 && !(isNew && degree < INTRODUCE_BELOW_DEGREE)) continue;
    shortlist.offer(preScore(a, u, degree, options), u);
    degrees.set(u, degree);
  }
  const pools = centralActivePools(a, options);
  const best = new TopK(options.maxPerDetector);
  const found = new Map<number, ReturnType<typeof suggestionsFor>>();
  for (const { score, key: u } of shortlist.items()) {
    const result = suggestionsFor(a, u, degrees.get(u) === 0, pools, options);
    if (result.suggestions.length === 0) continue;
    const fit = result.suggestions.reduce((sum, s) => sum + FIT[s.via], 0) / result.suggestions.length;
    best.offer(roundConfidence(score + 0.1 * fit), u);
    found.set(u, result);
  }
  return best.items().map(({ score, key: u }) => {
    const { suggestions, community } = found.get(u)!;
    const degree = degrees.get(u)!;
    const ids = a.graph.participantIds;
    return {
      detector: 'introduce',
      targetType: 'participant',
      targetId: ids[u]!,
      suggestedAction: 'introduce',
      reason: reasonFor(a, u, degree, suggestions, community),
      confidence: score,
      evidence: {
        participantIds: [ids[u]!, ...suggestions.map((s) => ids[s.node]!)],
        relationshipIds: [],
        figures: {
          daysSinceJoined: daysSinceJoined(a, u),
          daysSinceActivity: daysSinceActivity(a, u),
          relatedPeople: degree,
          communitySize: community < 0 ? 0 : a.communitySizes[community]!,
          suggestions: suggestions.map((s) => ({
            participantId: ids[s.node]!,
            via: s.via,
            sharedContacts: s.sharedContacts,
          })),
        },
      },
    } satisfies RecommendationCandidate;
  });
}
