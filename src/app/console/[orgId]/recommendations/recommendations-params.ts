import {
  createLoader,
  createParser,
  createSerializer,
  parseAsStringLiteral,
  type inferParserType,
} from 'nuqs/server';
import {
  RECOMMENDATION_STATUSES,
  RECOMMENDATION_TARGET_TYPES,
  type RecommendationStatus,
  type RecommendationTargetType,
} from '../../../../lib/domain';

// The inbox's tab and filters as the URL carries them (read by the page on the server and by the tabs
// and filter bar in the browser), and their translation into the list API's query. A value the URL
// cannot carry reads as "no filter" rather than an error page: a shared link with a typo still opens.

/** The API's rule for suggested actions (validation/recommendations.ts), kept here for the browser. */
const SUGGESTED_ACTION = /^[a-z][a-z0-9_]{0,63}$/;

const parseAsSuggestedAction = createParser({
  parse: (value) => (SUGGESTED_ACTION.test(value) ? value : null),
  serialize: (value: string) => value,
});

export const recommendationSearchParams = {
  tab: parseAsStringLiteral(RECOMMENDATION_STATUSES).withDefault('pending'),
  action: parseAsSuggestedAction,
  target: parseAsStringLiteral(RECOMMENDATION_TARGET_TYPES),
};

export type RecommendationUrlState = inferParserType<typeof recommendationSearchParams>;

export const loadRecommendationSearchParams = createLoader(recommendationSearchParams);
export const serializeRecommendationSearchParams = createSerializer(recommendationSearchParams);

/** The query of `GET /api/orgs/{orgId}/recommendations` for the URL's tab and filters. */
export interface RecommendationListFilters {
  status: RecommendationStatus;
  suggestedAction?: string;
  targetType?: RecommendationTargetType;
}

export function toListFilters(url: RecommendationUrlState): RecommendationListFilters {
  const filters: RecommendationListFilters = { status: url.tab };
  if (url.action) filters.suggestedAction = url.action;
  if (url.target) filters.targetType = url.target;
  return filters;
}

/** Whether a filter narrows the tab (the empty state then offers to clear it). */
export function hasFilters(url: RecommendationUrlState): boolean {
  return url.action !== null || url.target !== null;
}

/** How many recommendations of each status, action and target type the org has (the API's facets). */
export interface RecommendationFacet {
  status: RecommendationStatus;
  suggestedAction: string;
  targetType: RecommendationTargetType;
  count: number;
}

const matches = (f: RecommendationFacet, url: Pick<RecommendationUrlState, 'action' | 'target'>) =>
  (!url.action || f.suggestedAction === url.action) && (!url.target || f.targetType === url.target);

/** The count on each tab: the recommendations of that status that the filters keep. */
export function tabCounts(
  facets: readonly RecommendationFacet[],
  url: Pick<RecommendationUrlState, 'action' | 'target'>,
): Record<RecommendationStatus, number> {
  const counts = Object.fromEntries(RECOMMENDATION_STATUSES.map((s) => [s, 0])) as Record<
    RecommendationStatus,
    number
  >;
  for (const facet of facets) if (matches(facet, url)) counts[facet.status] += facet.count;
  return counts;
}

/**
 * The actions the filter offers: those the tab holds for the chosen target type, with their counts,
 * most frequent first — plus the URL's own action when nothing matches it, so the select shows it.
 */
export function actionOptions(
  facets: readonly RecommendationFacet[],
  url: RecommendationUrlState,
): { value: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const f of facets) {
    if (f.status === url.tab && matches(f, { action: null, target: url.target })) {
      counts.set(f.suggestedAction, (counts.get(f.suggestedAction) ?? 0) + f.count);
    }
  }
  if (url.action && !counts.has(url.action)) counts.set(url.action, 0);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}
