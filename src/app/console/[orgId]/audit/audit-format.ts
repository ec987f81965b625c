// How one audit event reads in the table: a one-line summary of its metadata, the tone of its type
// badge, where its target lives in the console, and its time in the org's time zone. Pure functions, so
// the browser and the tests share them.

const MAX_SUMMARY = 140;

type Metadata = Record<string, unknown>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isPlainObject(value)) return Object.values(value).every(isEmpty);
  return false;
}

/** A value in a few characters: long strings cut, lists counted, objects as their set keys. */
function brief(value: unknown): string {
  if (typeof value === 'string') return value.length > 60 ? `${value.slice(0, 59)}…` : value;
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 1 ? '1 item' : `${value.length} items`;
  if (isPlainObject(value)) {
    return Object.entries(value)
      .filter(([, v]) => !isEmpty(v))
      .map(([k, v]) => `${k}=${brief(v)}`)
      .join(', ');
  }
  return String(value);
}

const quoted = (text: unknown) => (typeof text === 'string' && text ? `“${brief(text)}”` : null);
const join = (parts: (string | null | undefined | false)[]) => parts.filter(Boolean).join(' · ');

/** The generic summary: every set entry as `key: value`, in the order they were written. */
function entries(metadata: Metadata, skip: readonly string[] = []): string {
  return join(
    Object.entries(metadata)
      .filter(([key, value]) => !skip.includes(key) && !isEmpty(value))
      .map(([key, value]) => `${key}: ${brief(value)}`),
  );
}

// Events whose metadata has a natural sentence; the rest use the generic summary.
const SPECIFIC: Record<string, (m: Metadata) => string> = {
  'access.denied': (m) =>
    join([
      m.reason === 'insufficient_role' ? `needs ${brief(m.permission)}` : brief(m.reason ?? ''),
      m.method && m.path ? `${brief(m.method)} ${brief(m.path)}` : null,
    ]),
  'participant.stage_changed': (m) =>
    join([
      `${brief(m.from ?? '?')} → ${brief(m.to ?? '?')}`,
      m.reversal ? 'reversal' : null,
      // The stage update's own moves say why (promoted, demoted); an operator's name their intervention.
      m.cause === 'engine' ? `stage update${m.reason ? `, ${brief(m.reason)}` : ''}` : null,
    ]),
  'intervention.created': (m) =>
    join([
      brief(m.type ?? 'intervention'),
      typeof m.targets === 'number'
        ? `${brief(m.targets)} ${m.targets === 1 ? 'target' : 'targets'}${m.segment ? ` in ${brief(m.segment)}` : ''}`
        : null,
      typeof m.applied === 'number' ? `${brief(m.applied)} changed` : null,
      quoted(m.reason),
    ]),
  'intervention.reversed': (m) =>
    join([
      typeof m.reversed === 'number' ? `${brief(m.reversed)} reversed` : null,
      Array.isArray(m.notReversed) && m.notReversed.length > 0
        ? `${m.notReversed.length} not reversed`
        : null,
      quoted(m.reason),
    ]),
  'recommendation.accepted': (m) =>
    join([brief(m.suggestedAction ?? ''), m.interventionId ? 'applied' : null, quoted(m.reason)]),
  'recommendation.dismissed': (m) => join([brief(m.suggestedAction ?? ''), quoted(m.reason)]),
  'member.added': (m) => join([brief(m.email ?? ''), m.role ? `as ${brief(m.role)}` : null]),
  'member.role_changed': (m) =>
    join([brief(m.email ?? ''), `${brief(m.from ?? '?')} → ${brief(m.to ?? '?')}`]),
  'member.removed': (m) => join([brief(m.email ?? ''), m.role ? `was ${brief(m.role)}` : null]),
  'auth.signed_in': (m) => join([brief(m.method ?? ''), m.ip ? `from ${brief(m.ip)}` : null]),
  'auth.sign_in_failed': (m) => join([brief(m.reason ?? ''), m.ip ? `from ${brief(m.ip)}` : null]),
  'audit.exported': (m) => join([brief(m.format ?? '').toUpperCase(), filtersText(m.filters)]),
  'api_key.used': (m) =>
    join([`${brief(m.method ?? '')} ${brief(m.path ?? '')}`, `→ ${brief(m.status ?? '?')}`]),
  'api_key.created': (m) =>
    join([quoted(m.name), `${brief(m.prefix ?? '')}…`, m.role ? `as ${brief(m.role)}` : null]),
  'api_key.revoked': (m) => join([quoted(m.name), `${brief(m.prefix ?? '')}…`]),
};

/** What an API key's events say of their actor (the Actor column shows it): not repeated in the summary. */
const ACTOR_ENTRIES = ['actorType', 'apiKeyId', 'apiKeyPrefix'];

function filtersText(filters: unknown): string {
  return isPlainObject(filters) && !isEmpty(filters) ? `filters: ${brief(filters)}` : 'no filters';
}

/** One line for the table: what happened, from the event's metadata; '' when there is nothing to say. */
export function summariseMetadata(eventType: string, metadata: Metadata): string {
  const specific = SPECIFIC[eventType];
  let text = specific ? specific(metadata) : '';
  if (!text) {
    // Views and lists: the filters first (what was looked at), then the rest.
    text =
      'filters' in metadata
        ? join([filtersText(metadata.filters), entries(metadata, ['filters', ...ACTOR_ENTRIES])])
        : entries(metadata, ACTOR_ENTRIES);
  }
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}

export type EventTone = 'destructive' | 'warning' | 'success' | 'default' | 'secondary';

/** The badge colour of an event type: refusals stand out, reads stay quiet. */
export function eventTone(eventType: string): EventTone {
  const verb = eventType.slice(eventType.lastIndexOf('.') + 1);
  if (eventType === 'access.denied' || verb.endsWith('failed')) return 'destructive';
  if (['reversed', 'removed', 'dismissed'].includes(verb)) return 'warning';
  if (['created', 'accepted', 'added', 'signed_in', 'completed'].includes(verb)) return 'success';
  if (['viewed', 'listed', 'exported'].includes(verb)) return 'secondary';
  return 'default';
}

/** Where the console shows an event's target, or null for targets without a page. */
export function targetHref(orgId: string, targetType: string | null, targetId: string | null): string | null {
  const base = `/console/${orgId}`;
  const id = targetId ? encodeURIComponent(targetId) : null;
  switch (targetType) {
    case 'participant':
      return id ? `${base}/participants/${id}` : null;
    case 'intervention':
      return id ? `${base}/interventions/${id}` : null;
    case 'recommendation':
      return `${base}/recommendations`;
    case 'org':
      return base;
    case 'user':
      return `${base}/members`;
    default:
      return null;
  }
}

/** An id short enough for a table cell (UUIDs by their first block). */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
}

/** The microseconds of an ISO time the API sends (…SS.ffffffZ), which Date cannot hold. */
function fraction(iso: string): string {
  return /\.(\d+)Z$/.exec(iso)?.[1] ?? '000000';
}

const shortFormats = new Map<string, Intl.DateTimeFormat>();
const longFormats = new Map<string, Intl.DateTimeFormat>();
const datedFormats = new Map<string, Intl.DateTimeFormat>();

function format(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
) {
  let formatter = cache.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hourCycle: 'h23', ...options });
    cache.set(timeZone, formatter);
  }
  return formatter;
}

const yearFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * "3 Apr, 14:05:09": the table's time, in the org's zone; an event of another year than `now`'s says so
 * ("3 Apr 2025, 14:05:09").
 */
export function formatEventTime(iso: string, timeZone: string, now = new Date()): string {
  const date = new Date(iso);
  const year = format(yearFormats, timeZone, { year: 'numeric' });
  const thisYear = year.format(date) === year.format(now);
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  };
  return thisYear
    ? format(shortFormats, timeZone, options).format(date)
    : format(datedFormats, timeZone, { ...options, year: 'numeric' }).format(date);
}

/** "Fri 3 Apr 2026, 14:05:09.123456 Europe/Berlin": the exact time, on hover and in the details. */
export function formatExactTime(iso: string, timeZone: string): string {
  const text = format(longFormats, timeZone, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(new Date(iso));
  return `${text}.${fraction(iso)} ${timeZone}`;
}
