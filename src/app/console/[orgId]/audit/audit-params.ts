import { createLoader, createParser, createSerializer, type inferParserType } from 'nuqs/server';
import { parseAsCalendarDay, parseAsTrimmed } from '../../../../lib/ui/url-parsers';

// The audit log's filters as the URL carries them (shared by the page on the server and the filter bar
// in the browser), and their translation into the API's query. Dates in the URL are calendar days of the
// org's time zone, as a person reads them; the API takes instants, so the range becomes
// [start of `from`, start of the day after `to`) in that zone.

const EVENT_TYPE = /^[a-z_]+(\.[a-z_]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A string the URL may carry only when it matches; anything else reads as "no filter". */
const parseAsMatching = (pattern: RegExp, max = 200) =>
  createParser({
    parse: (value) => (value.length <= max && pattern.test(value) ? value : null),
    serialize: (value: string) => value,
  });

export const auditSearchParams = {
  type: parseAsMatching(EVENT_TYPE, 100),
  actor: parseAsMatching(UUID, 36),
  targetType: parseAsTrimmed(50),
  targetId: parseAsTrimmed(200),
  from: parseAsCalendarDay,
  to: parseAsCalendarDay,
};

export type AuditUrlFilters = inferParserType<typeof auditSearchParams>;

export const loadAuditSearchParams = createLoader(auditSearchParams);
export const serializeAuditSearchParams = createSerializer(auditSearchParams);

/** The query of `GET /api/orgs/{orgId}/events` (and its export) for the URL's filters. */
export interface AuditApiFilters {
  type?: string;
  actorUserId?: string;
  targetType?: string;
  targetId?: string;
  from?: string;
  to?: string;
}

export type AuditFilterResult =
  { ok: true; filters: AuditApiFilters } | { ok: false; field: 'to'; message: string };

/** The UTC offset of `timeZone` at `instant`, in minutes (positive east of Greenwich). */
function offsetMinutes(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * The first instant of calendar day `day` (YYYY-MM-DD) in `timeZone`, as ISO 8601 UTC. Twice through the
 * offset, so a day that starts next to a daylight-saving change still lands on its local midnight.
 */
export function startOfDayIn(day: string, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  let instant = midnightUtc - offsetMinutes(midnightUtc, timeZone) * 60_000;
  instant = midnightUtc - offsetMinutes(instant, timeZone) * 60_000;
  return new Date(instant).toISOString();
}

/** The calendar day after `day`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The API's filters for the URL's, or why they cannot be asked for (an end day before the start). */
export function toApiFilters(url: AuditUrlFilters, timeZone: string): AuditFilterResult {
  if (url.from && url.to && url.to < url.from) {
    return { ok: false, field: 'to', message: 'The end day is before the start day.' };
  }
  const filters: AuditApiFilters = {};
  if (url.type) filters.type = url.type;
  if (url.actor) filters.actorUserId = url.actor;
  if (url.targetType) filters.targetType = url.targetType;
  if (url.targetId) filters.targetId = url.targetId;
  if (url.from) filters.from = startOfDayIn(url.from, timeZone);
  if (url.to) filters.to = startOfDayIn(nextDay(url.to), timeZone);
  return { ok: true, filters };
}

/** Whether any filter is set (the empty state then says "nothing matches" instead of "nothing yet"). */
export function hasFilters(url: AuditUrlFilters): boolean {
  return Object.values(url).some((value) => value !== null);
}

/** The query string of the export (or a page) for these filters. */
export function apiQueryString(filters: AuditApiFilters, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...extra, ...filters })) {
    if (value) query.set(key, value);
  }
  return query.toString();
}
