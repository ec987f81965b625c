import { describe, expect, it } from 'vitest';
import {
  actionOptions,
  hasFilters,
  loadRecommendationSearchParams,
  serializeRecommendationSearchParams,
  tabCounts,
  toListFilters,
  type RecommendationFacet,
} from '../../src/app/console/[orgId]/recommendations/recommendations-params';

describe('the recommendations inbox in the URL', () => {
  it('opens on the pending tab with no filter', () => {
    const url = loadRecommendationSearchParams('');
    expect(url).toEqual({ tab: 'pending', action: null, target: null });
    expect(toListFilters(url)).toEqual({ status: 'pending' });
    expect(hasFilters(url)).toBe(false);
  });

  it('reads the tab, the action and the target type, and asks the API for exactly those', () => {
    const url = loadRecommendationSearchParams('?tab=dismissed&action=flag_for_review&target=participant');
    expect(url).toEqual({ tab: 'dismissed', action: 'flag_for_review', target: 'participant' });
    expect(toListFilters(url)).toEqual({
      status: 'dismissed',
      suggestedAction: 'flag_for_review',
      targetType: 'participant',
    });
    expect(hasFilters(url)).toBe(true);
  });

  it('reads a value the URL cannot carry as no filter, so a mistyped link still opens', () => {
    const url = loadRecommendationSearchParams(
      `?tab=archived&action=${encodeURIComponent("x' OR 1=1")}&target=org`,
    );
    expect(url).toEqual({ tab: 'pending', action: null, target: null });
    expect(loadRecommendationSearchParams(`?action=${'a'.repeat(65)}`).action).toBeNull();
    expect(loadRecommendationSearchParams('?action=Flag').action).toBeNull();
  });

  it('writes the same URL it reads, leaving the defaults out', () => {
    const state = { tab: 'accepted', action: 'verify_relationship', target: 'relationship' } as const;
    const query = serializeRecommendationSearchParams(state);
    expect(query).toBe('?tab=accepted&action=verify_relationship&target=relationship');
    expect(loadRecommendationSearchParams(query)).toEqual(state);
    expect(serializeRecommendationSearchParams({ tab: 'pending', action: null, target: null })).toBe('');
  });
});

describe('tab counts and the action filter from the facets', () => {
  const facets: RecommendationFacet[] = [
    { status: 'pending', suggestedAction: 'flag_for_review', targetType: 'participant', count: 4 },
    { status: 'pending', suggestedAction: 'flag_for_review', targetType: 'relationship', count: 1 },
    { status: 'pending', suggestedAction: 'verify_relationship', targetType: 'relationship', count: 2 },
    { status: 'accepted', suggestedAction: 'flag_for_review', targetType: 'participant', count: 3 },
    { status: 'dismissed', suggestedAction: 'send_digest', targetType: 'segment', count: 5 },
  ];

  it('counts each tab under the filters of the URL', () => {
    expect(tabCounts(facets, { action: null, target: null })).toEqual({
      pending: 7,
      accepted: 3,
      dismissed: 5,
      superseded: 0,
    });
    expect(tabCounts(facets, { action: 'flag_for_review', target: null })).toEqual({
      pending: 5,
      accepted: 3,
      dismissed: 0,
      superseded: 0,
    });
    expect(tabCounts(facets, { action: null, target: 'relationship' })).toEqual({
      pending: 3,
      accepted: 0,
      dismissed: 0,
      superseded: 0,
    });
  });

  it("offers the tab's actions for the chosen target type, most frequent first", () => {
    expect(actionOptions(facets, { tab: 'pending', action: null, target: null })).toEqual([
      { value: 'flag_for_review', count: 5 },
      { value: 'verify_relationship', count: 2 },
    ]);
    expect(actionOptions(facets, { tab: 'pending', action: null, target: 'relationship' })).toEqual([
      { value: 'verify_relationship', count: 2 },
      { value: 'flag_for_review', count: 1 },
    ]);
  });

  it('keeps the chosen action in the options even when the tab has none of it', () => {
    expect(actionOptions(facets, { tab: 'accepted', action: 'send_digest', target: null })).toEqual([
      { value: 'flag_for_review', count: 3 },
      { value: 'send_digest', count: 0 },
    ]);
  });
});
