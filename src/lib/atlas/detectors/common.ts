import { DAY_MS, type AtlasAnalysis } from '../analysis';
import type { DetectorOptions } from './types';

// What several detectors share: who may be the subject of a recommendation, where activity and
// centrality stand, a bounded top-k, and the wording of numbers in reasons.

/** "Central" means the top decile by PageRank (issue 8): a pagerankTop share of at most this. */
export const CENTRAL_TOP_SHARE = 0.1;

/**
 * A bridge: neighbours in at least two communities, at least this participation coefficient (0.3 needs
 * about a fifth of the neighbours outside the largest group of them; an even split of two is 0.5) …
 */
export const BRIDGE_MIN_PARTICIPATION = 0.3;
/** … and at least this many neighbours outside its own community, so one stray link is not a bridge. */
export const BRIDGE_MIN_BOUNDARY = 2;

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  newDays: 14,
  activeDays: 30,
  dormantDays: 60,
  maxPerDetector: 200,
};

/** Neither a system account nor under suppress_recommendations: Atlas may recommend about it. */
export function isEligible(a: AtlasAnalysis, u: number): boolean {
  return a.graph.isSystem[u] === 0 && a.graph.suppressed[u] === 0;
}

/** Whole days since the node's last activity; null when it has none. */
export function daysSinceActivity(a: AtlasAnalysis, u: number): number | null {
  const last = a.graph.lastActivityAt[u]!;
  return Number.isNaN(last) ? null : Math.max(0, Math.floor((a.now - last) / DAY_MS));
}

/** Whole days since the node joined. */
export function daysSinceJoined(a: AtlasAnalysis, u: number): number {
  return Math.max(0, Math.floor((a.now - a.graph.createdAt[u]!) / DAY_MS));
}

/** Active within the org's activeDays (elapsed days from the analysis's now). */
export function isActive(a: AtlasAnalysis, u: number, options: DetectorOptions): boolean {
  const days = daysSinceActivity(a, u);
  return days !== null && days < options.activeDays;
}

export function isCentral(a: AtlasAnalysis, u: number): boolean {
  return a.pagerankTop[u]! <= CENTRAL_TOP_SHARE;
}

export function isBridge(a: AtlasAnalysis, u: number): boolean {
  const b = a.bridging;
  return (
    b.neighbourCommunities[u]! >= 2 &&
    b.participation[u]! >= BRIDGE_MIN_PARTICIPATION &&
    b.boundaryDegree[u]! >= BRIDGE_MIN_BOUNDARY
  );
}

/** 1 at the very top by PageRank, falling to 0 at the edge of the top decile (and 0 beyond). */
export function centralityScore(top: number): number {
  return clamp01(1 - top / CENTRAL_TOP_SHARE);
}

export const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** Confidences are stored to three decimals, so reruns on unchanged data compare equal. */
export const roundConfidence = (x: number) => Math.round(clamp01(x) * 1000) / 1000;

/** Distinct people (system accounts left out) the node is related to, either direction. */
export function peopleDegree(a: AtlasAnalysis, u: number): number {
  const { undirectedOffsets, undirectedNeighbours } = a.csr;
  let count = 0;
  for (let k = undirectedOffsets[u]!; k < undirectedOffsets[u + 1]!; k++) {
    if (a.graph.isSystem[undirectedNeighbours[k]!] === 0) count++;
  }
  return count;
}

export interface NeighbourCommunity {
  community: number;
  /** Its size (members). */
  size: number;
  /** How many of the node's neighbours are in it. */
  neighbours: number;
}

/** The communities of a node's neighbours, those holding most of them first (then larger, then id). */
export function neighbourCommunities(a: AtlasAnalysis, u: number): NeighbourCommunity[] {
  const counts = new Map<number, number>();
  const { undirectedOffsets, undirectedNeighbours } = a.csr;
  for (let k = undirectedOffsets[u]!; k < undirectedOffsets[u + 1]!; k++) {
    const c = a.community[undirectedNeighbours[k]!]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts]
    .map(([community, neighbours]) => ({ community, neighbours, size: a.communitySizes[community]! }))
    .sort((x, y) => y.neighbours - x.neighbours || y.size - x.size || x.community - y.community);
}

/**
 * The best `k` of a stream of scored items, by score (higher first) then key (lower first), in
 * O(N log k) time and O(k) memory, so a detector that qualifies a million edges never sorts them all.
 */
export class TopK {
  private readonly scores: number[] = [];
  private readonly keys: number[] = [];
  constructor(private readonly k: number) {}

  /** Whether item i comes after item j: a lower score, or the same score and a higher key. */
  private worse(i: number, j: number): boolean {
    const s = this.scores;
    return s[i]! < s[j]! || (s[i] === s[j] && this.keys[i]! > this.keys[j]!);
  }

  private swap(i: number, j: number) {
    [this.scores[i], this.scores[j]] = [this.scores[j]!, this.scores[i]!];
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
  }

  /** Offers an item; the heap's root is the worst kept item. */
  offer(score: number, key: number): void {
    if (this.k <= 0) return;
    const n = this.scores.length;
    if (n < this.k) {
      this.scores.push(score);
      this.keys.push(key);
      for (let i = n; i > 0;) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const root = this.scores[0]!;
    if (score < root || (score === root && key > this.keys[0]!)) return;
    this.scores[0] = score;
    this.keys[0] = key;
    for (let i = 0; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(l, m)) m = l;
      if (r < n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  /** The kept items, best first. */
  items(): { score: number; key: number }[] {
    return this.scores
      .map((score, i) => ({ score, key: this.keys[i]! }))
      .sort((x, y) => y.score - x.score || x.key - y.key);
  }
}

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** "two", "three" … "ten", then digits: how a reason counts small groups. */
export function countWord(n: number): string {
  return WORDS[n] ?? n.toLocaleString('en');
}

/** 1234 → "1,234". */
export const num = (n: number) => n.toLocaleString('en');

/** "1 participant", "85 participants". */
export const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${n === 1 ? one : many}`;

/** "120 and 85", "120, 85 and 40". */
export function listWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * A top share as a reason words it, never claiming more than it is: rounded up, to a whole percent,
 * or to a tenth below 1% ("top 0.4%").
 */
export function topPercent(share: number): string {
  // The small epsilon keeps 0.03 (3.0000000000000004 × 1/100 in floating point) at "3%".
  if (share < 0.01) return `top ${Math.max(0.1, Math.ceil(share * 1000 - 1e-9) / 10)}%`;
  return `top ${Math.ceil(share * 100 - 1e-9)}%`;
}

/**
 * The communities a bridge links, as a reason cites them (largest share of its neighbours first):
 * "two communities of 120 and 85 participants", "five communities (the main three of 155, 157 and 152
 * participants)".
 */
export function communitiesPhrase(communities: readonly NeighbourCommunity[]): string {
  const sizes = communities.slice(0, 3).map((c) => num(c.size));
  const count = countWord(communities.length);
  return communities.length <= 3
    ? `${count} communities of ${listWords(sizes)} participants`
    : `${count} communities (the main three of ${listWords(sizes)} participants)`;
}

/** "today", "1 day ago", "41 days ago". */
export const daysAgo = (days: number) => (days === 0 ? 'today' : `${plural(days, 'day')} ago`);

/** 0.62 → "62%". */
export const percent = (share: number) => `${Math.round(share * 100)}%`;

/** A figure rounded for metadata, so evidence stays readable and stable between runs. */
export const figure = (x: number, digits = 4) => Number(x.toFixed(digits));
