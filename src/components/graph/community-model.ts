import { LIFECYCLE_STAGES, type LifecycleStage } from '../../lib/domain';
import type { components } from '../../lib/client/api-types';

// What the overview of communities draws, from the graph API's CommunityOverview, without the DOM or
// WebGL: each community's colour (its most common stage), its size on screen, the width of the links
// between communities, and words for a community's stage mix. Pure, so it is unit-tested.

export type CommunityOverview = components['schemas']['CommunityOverview'];
export type OverviewCommunity = CommunityOverview['communities'][number];
export type StageCounts = OverviewCommunity['stageCounts'];

/** The stage most members are in (ties go to the earlier stage); null when none is counted. */
export function dominantStage(counts: StageCounts): LifecycleStage | null {
  let best: LifecycleStage | null = null;
  for (const stage of LIFECYCLE_STAGES) if (counts[stage] > (best ? counts[best] : 0)) best = stage;
  return best;
}

/**
 * Radius in screen pixels: by the square root of the members, so that area follows size; the largest
 * is smaller when more communities share the canvas (`side`: its shorter side in pixels), so that
 * they do not cover each other.
 */
export function communityNodeSize(size: number, largest: number, drawn: number, side: number): number {
  const top = Math.min(22, Math.max(4, (0.3 * side) / Math.sqrt(Math.max(1, drawn))));
  if (largest <= 1) return Math.min(6, top);
  return 2.5 + (top - 2.5) * Math.sqrt(Math.max(0, size - 1) / (largest - 1));
}

/** Line width in pixels: by the logarithm of the relationships, so a thousand do not drown ten. */
export function linkWidth(count: number, strongest: number): number {
  if (strongest <= 1) return 0.6;
  return 0.4 + 3.6 * (Math.log(count) / Math.log(strongest));
}

const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 0 });

/** "62% active, 20% at risk, …": the stages with members, most common first. */
export function describeStageMix(counts: StageCounts, labels: Record<LifecycleStage, string>): string {
  const total = LIFECYCLE_STAGES.reduce((sum, stage) => sum + counts[stage], 0);
  if (total === 0) return 'automated accounts only';
  return LIFECYCLE_STAGES.filter((stage) => counts[stage] > 0)
    .sort((a, b) => counts[b] - counts[a] || LIFECYCLE_STAGES.indexOf(a) - LIFECYCLE_STAGES.indexOf(b))
    .map((stage) => `${percent.format(counts[stage] / total)} ${labels[stage].toLowerCase()}`)
    .join(', ');
}

/** How many communities have each dominant stage, for the legend. */
export function countByDominantStage(
  communities: readonly OverviewCommunity[],
): Record<LifecycleStage, number> {
  const counts = Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, 0])) as Record<
    LifecycleStage,
    number
  >;
  for (const community of communities) {
    const stage = dominantStage(community.stageCounts);
    if (stage) counts[stage]++;
  }
  return counts;
}
