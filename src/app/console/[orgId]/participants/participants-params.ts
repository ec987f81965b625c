import { createLoader, createSerializer, parseAsStringLiteral, type inferParserType } from 'nuqs/server';
import {
  LIFECYCLE_STAGES,
  PARTICIPANT_SORTS,
  SEGMENT_KEYS,
  type LifecycleStage,
  type ParticipantSort,
  type SegmentKey,
} from '../../../../lib/domain';
import { parseAsTrimmed } from '../../../../lib/ui/url-parsers';

// The participants list's filters and order as the URL carries them (`?q=&stage=&role=&segment=&sort=`,
// shared by the page on the server and the table in the browser), and their translation into the API's
// query. A value the API would refuse reads as "no filter", so a hand-edited URL still opens a list.

export const DEFAULT_SORT: ParticipantSort = 'name';

export const participantsSearchParams = {
  q: parseAsTrimmed(200),
  stage: parseAsStringLiteral(LIFECYCLE_STAGES),
  role: parseAsTrimmed(100),
  segment: parseAsStringLiteral(SEGMENT_KEYS),
  // The default stays out of the URL: `/participants` and `/participants?sort=name` are one view.
  sort: parseAsStringLiteral(PARTICIPANT_SORTS).withDefault(DEFAULT_SORT),
};

export type ParticipantsUrlState = inferParserType<typeof participantsSearchParams>;

export const loadParticipantsSearchParams = createLoader(participantsSearchParams);
export const serializeParticipantsSearchParams = createSerializer(participantsSearchParams, {
  clearOnDefault: true,
});

/** The query of `GET /api/orgs/{orgId}/participants` (and its export) for the URL's state. */
export interface ParticipantsApiQuery {
  q?: string;
  stage?: LifecycleStage;
  role?: string;
  segment?: SegmentKey;
  sort: ParticipantSort;
}

export function toApiQuery(url: ParticipantsUrlState): ParticipantsApiQuery {
  const query: ParticipantsApiQuery = { sort: url.sort };
  if (url.q) query.q = url.q;
  if (url.stage) query.stage = url.stage;
  if (url.role) query.role = url.role;
  if (url.segment) query.segment = url.segment;
  return query;
}

/** Whether a filter narrows the list (the order does not): the empty state then offers to clear them. */
export function hasFilters(url: ParticipantsUrlState): boolean {
  return Boolean(url.q || url.stage || url.role || url.segment);
}

export type SortField = 'name' | 'lastActivity' | 'degree' | 'created';

export function sortState(sort: ParticipantSort): { field: SortField; descending: boolean } {
  const descending = sort.startsWith('-');
  return { field: (descending ? sort.slice(1) : sort) as SortField, descending };
}

/**
 * The order after a click on a column's header: the same column flips direction; another column starts
 * in the direction people want first — names A to Z, and the most recent, most connected or newest
 * first for the others.
 */
export function nextSort(current: ParticipantSort, field: SortField): ParticipantSort {
  const now = sortState(current);
  if (now.field === field) return (now.descending ? field : `-${field}`) as ParticipantSort;
  return (field === 'name' ? 'name' : `-${field}`) as ParticipantSort;
}

/** `aria-sort` of a column's header. */
export function ariaSort(current: ParticipantSort, field: SortField): 'ascending' | 'descending' | 'none' {
  const now = sortState(current);
  if (now.field !== field) return 'none';
  return now.descending ? 'descending' : 'ascending';
}

/** The console link of the list with these filters (segments, the overview and the graph link here). */
export function participantsHref(orgId: string, state: Partial<ParticipantsUrlState> = {}): string {
  return serializeParticipantsSearchParams(`/console/${orgId}/participants`, state);
}
