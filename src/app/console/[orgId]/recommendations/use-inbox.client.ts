'use client';

import { useCallback, useState } from 'react';
import { toast } from 'sonner';
import { api, data } from '../../../../lib/client/api';
import type { RecommendationStatus } from '../../../../lib/domain';
import {
  appendPage,
  applyDecision,
  confirmDecision,
  decideEach,
  initialInboxState,
  problemDetail,
  rollbackDecision,
  summarizeOutcomes,
  type Decision,
  type InboxState,
  type Outcome,
} from './inbox-state';
import type { DecisionInput } from './decision-dialog.client';
import type { RecommendationListFilters } from './recommendations-params';
import { interventionPhrase, type InboxRecommendation } from './recommendation-text';

export interface InboxPage {
  items: InboxRecommendation[];
  nextCursor: string | null;
}

interface Loaded {
  /** The filters the server read the first page with: new filters, a new list. */
  key: string;
  state: InboxState<InboxRecommendation>;
  nextCursor: string | null;
}

/**
 * The inbox's list: the server's first page, later pages from the API, and decisions applied at once
 * and undone card by card when the API refuses them (inbox-state.ts holds the logic).
 */
export function useInbox({
  orgId,
  filters,
  initialPage,
  counts,
  onIntervention,
}: {
  orgId: string;
  filters: RecommendationListFilters;
  initialPage: InboxPage;
  counts: Record<RecommendationStatus, number>;
  onIntervention: (interventionId: string) => void;
}) {
  const key = JSON.stringify(filters);
  const fresh = (): Loaded => ({
    key,
    state: initialInboxState(initialPage.items, counts),
    nextCursor: initialPage.nextCursor,
  });
  const [loaded, setLoaded] = useState<Loaded>(fresh);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  // A new first page from the server (other filters): start over, during render as React advises.
  if (loaded.key !== key) {
    setLoaded(fresh());
    setSelected(new Set());
    setLoadError(null);
  }
  const update = useCallback(
    (change: (state: InboxState<InboxRecommendation>) => InboxState<InboxRecommendation>) =>
      setLoaded((current) => ({ ...current, state: change(current.state) })),
    [],
  );

  const loadMore = useCallback(async () => {
    const cursor = loaded.nextCursor;
    if (!cursor) return;
    setLoadingMore(true);
    setLoadError(null);
    try {
      const page = await data(
        api.GET('/api/orgs/{orgId}/recommendations', {
          params: { path: { orgId }, query: { ...filters, cursor, limit: 50 } },
        }),
      );
      setLoaded((current) =>
        current.key === key
          ? { ...current, state: appendPage(current.state, page.items), nextCursor: page.nextCursor }
          : current,
      );
    } catch (error) {
      setLoadError(problemDetail(error));
    } finally {
      setLoadingMore(false);
    }
  }, [filters, key, loaded.nextCursor, orgId]);

  const decide = useCallback(
    async (cards: readonly InboxRecommendation[], decision: Decision, input: DecisionInput) => {
      const recs = new Map(cards.map((r) => [r.id, r]));
      const chosen = [...recs.keys()];
      if (chosen.length === 0) return;
      update((state) => applyDecision(state, chosen, decision));
      setSelected((current) => new Set([...current].filter((id) => !chosen.includes(id))));
      const interventions: string[] = [];
      const outcomes = await decideEach(
        chosen,
        async (id) => {
          const rec = recs.get(id)!;
          const intervene = decision === 'accepted' && input.intervene && rec.intervention !== null;
          const params = { path: { orgId, recommendationId: id } };
          const decided = await data(
            decision === 'accepted'
              ? api.POST('/api/orgs/{orgId}/recommendations/{recommendationId}/accept', {
                  params,
                  body: {
                    ...(input.reason ? { reason: input.reason } : {}),
                    ...(intervene ? { intervene } : {}),
                  },
                })
              : api.POST('/api/orgs/{orgId}/recommendations/{recommendationId}/dismiss', {
                  params,
                  body: {
                    reasonCode: requireReasonCode(input),
                    ...(input.reason ? { note: input.reason } : {}),
                    ...(input.snoozeDays ? { snoozeDays: input.snoozeDays } : {}),
                  },
                }),
          );
          if (decided.interventionId) interventions.push(decided.interventionId);
        },
        (outcome) =>
          update((state) =>
            outcome.ok
              ? confirmDecision(state, outcome.id)
              : rollbackDecision(state, outcome.id, outcome.detail),
          ),
      );
      reportOutcomes(
        outcomes,
        decision,
        chosen.length === 1 ? recs.get(chosen[0]!)! : null,
        interventions,
        onIntervention,
      );
    },
    [onIntervention, orgId, update],
  );

  return {
    items: loaded.state.items,
    problems: loaded.state.problems,
    counts: loaded.state.counts,
    nextCursor: loaded.nextCursor,
    loadingMore,
    loadError,
    loadMore,
    decide,
    selected,
    setSelected,
  };
}

/** The dialog asks for a reason code before it lets a dismissal through; this says so if it did not. */
function requireReasonCode(input: DecisionInput) {
  if (!input.reasonCode) throw new Error('Choose why you dismiss it.');
  return input.reasonCode;
}

/** One toast for a decision of one card or many: what worked, what did not and why, and a link. */
function reportOutcomes(
  outcomes: Outcome[],
  decision: Decision,
  only: InboxRecommendation | null,
  interventions: string[],
  onIntervention: (interventionId: string) => void,
) {
  const summary = summarizeOutcomes(outcomes, decision);
  const failure = outcomes.find((o) => !o.ok);
  if (only && failure && !failure.ok) {
    toast.error(`Not ${decision}`, { description: failure.detail });
    return;
  }
  const show = summary.failed > 0 ? toast.warning : toast.success;
  const applied = interventions.length === 1 ? interventions[0]! : null;
  const phrase = only ? interventionPhrase(only) : null;
  show(only ? (decision === 'accepted' ? 'Accepted' : 'Dismissed') : summary.message, {
    description:
      interventions.length === 0
        ? undefined
        : only && phrase
          ? `Applied: ${phrase}.`
          : `${interventions.length} ${interventions.length === 1 ? 'intervention' : 'interventions'} applied.`,
    action: applied ? { label: 'View intervention', onClick: () => onIntervention(applied) } : undefined,
  });
}
