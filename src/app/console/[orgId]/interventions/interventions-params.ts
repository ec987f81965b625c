import {
  createLoader,
  createParser,
  createSerializer,
  parseAsStringLiteral,
  type inferParserType,
} from 'nuqs/server';
import { INTERVENTION_TYPES } from '../../../../lib/domain';
import { parseAsCalendarDay } from '../../../../lib/ui/url-parsers';
import { nextDay, startOfDayIn } from '../audit/audit-params';

// The interventions log's filters as they stand in the URL (?type=&operator=&from=&to=&reversed=),
// and the list query they mean. The page reads them on the server, the filter bar writes them.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const parseAsUuid = createParser({
  parse: (value: string) => (UUID.test(value) ? value.toLowerCase() : null),
  serialize: (value: string) => value,
});

export const REVERSED_FILTERS = ['yes', 'no'] as const;

export const interventionFilterParsers = {
  type: parseAsStringLiteral(INTERVENTION_TYPES),
  operator: parseAsUuid,
  from: parseAsCalendarDay,
  to: parseAsCalendarDay,
  reversed: parseAsStringLiteral(REVERSED_FILTERS),
};

export type InterventionFilters = inferParserType<typeof interventionFilterParsers>;

/** The filters in a URL's query (unknown or malformed values read as "no filter"). */
export const loadInterventionFilters = createLoader(interventionFilterParsers);

/** The query string for these filters (`?type=…`), empty filters left out. */
export const serializeInterventionFilters = createSerializer(interventionFilterParsers);

export interface InterventionListFilters {
  type?: (typeof INTERVENTION_TYPES)[number];
  operatorUserId?: string;
  from?: string;
  to?: string;
  reversed?: 'true' | 'false';
}

/**
 * The API's list filters. Days are calendar days of the org's time zone, as the audit log reads them:
 * the range is [start of `from`, start of the day after `to`), and a range given backwards is read
 * the right way round.
 */
export function toListFilters(filters: InterventionFilters, timeZone: string): InterventionListFilters {
  let [from, to] = [filters.from, filters.to];
  if (from && to && from > to) [from, to] = [to, from];
  const query: InterventionListFilters = {};
  if (filters.type) query.type = filters.type;
  if (filters.operator) query.operatorUserId = filters.operator;
  if (from) query.from = startOfDayIn(from, timeZone);
  if (to) query.to = startOfDayIn(nextDay(to), timeZone);
  if (filters.reversed) query.reversed = filters.reversed === 'yes' ? 'true' : 'false';
  return query;
}

export function hasFilters(filters: InterventionFilters): boolean {
  return Object.values(filters).some((value) => value !== null);
}
