import { describe, expect, it } from 'vitest';
import {
  apiQueryString,
  hasFilters,
  loadAuditSearchParams,
  nextDay,
  serializeAuditSearchParams,
  startOfDayIn,
  toApiFilters,
} from '../../src/app/console/[orgId]/audit/audit-params';
import { isCalendarDay } from '../../src/lib/ui/url-parsers';

const none = { type: null, actor: null, targetType: null, targetId: null, from: null, to: null };
const ACTOR = '0b7c6d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';

describe('audit log filters in the URL', () => {
  it('reads every filter from the query string', () => {
    const url = loadAuditSearchParams(
      `?type=participant.viewed&actor=${ACTOR}&targetType=participant&targetId=p-1&from=2026-01-01&to=2026-01-31`,
    );
    expect(url).toEqual({
      type: 'participant.viewed',
      actor: ACTOR,
      targetType: 'participant',
      targetId: 'p-1',
      from: '2026-01-01',
      to: '2026-01-31',
    });
  });

  it('drops values that are not filters rather than sending the API a 400', () => {
    const url = loadAuditSearchParams(
      '?type=Not%20A%20Type&actor=42&targetType=%20%20&targetId=&from=yesterday&to=2026-02-30',
    );
    expect(url).toEqual(none);
    expect(hasFilters(url)).toBe(false);
  });

  it('trims the target and refuses one longer than the API takes', () => {
    expect(loadAuditSearchParams('?targetId=%20p-1%20').targetId).toBe('p-1');
    expect(loadAuditSearchParams(`?targetId=${'x'.repeat(201)}`).targetId).toBeNull();
  });

  it('writes the filters back to the same query string (a shared link reloads the same view)', () => {
    const url = { ...none, type: 'member.added', targetId: 'a b', from: '2026-03-01' };
    const query = serializeAuditSearchParams(url);
    expect(loadAuditSearchParams(query)).toEqual(url);
    expect(serializeAuditSearchParams(none)).toBe('');
  });

  it('knows real calendar days', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('2026-1-1')).toBe(false);
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2024-02-28')).toBe('2024-02-29');
  });
});

describe('URL filters to API filters', () => {
  it('maps the actor and passes the rest through; no filter, no key', () => {
    const result = toApiFilters({ ...none, type: 'graph.viewed', actor: ACTOR, targetType: 'org' }, 'UTC');
    expect(result).toEqual({
      ok: true,
      filters: { type: 'graph.viewed', actorUserId: ACTOR, targetType: 'org' },
    });
    expect(toApiFilters(none, 'UTC')).toEqual({ ok: true, filters: {} });
  });

  it('turns days of the org time zone into an inclusive range of instants', () => {
    const result = toApiFilters({ ...none, from: '2026-01-10', to: '2026-01-10' }, 'Europe/Berlin');
    expect(result).toEqual({
      ok: true,
      filters: { from: '2026-01-09T23:00:00.000Z', to: '2026-01-10T23:00:00.000Z' },
    });
  });

  it('refuses a range that ends before it starts, naming the end', () => {
    expect(toApiFilters({ ...none, from: '2026-02-01', to: '2026-01-31' }, 'UTC')).toEqual({
      ok: false,
      field: 'to',
      message: 'The end day is before the start day.',
    });
  });

  it.each([
    ['UTC', '2026-06-15', '2026-06-15T00:00:00.000Z'],
    ['America/New_York', '2026-01-15', '2026-01-15T05:00:00.000Z'],
    ['America/New_York', '2026-07-15', '2026-07-15T04:00:00.000Z'],
    // The days of daylight-saving changes start at their local midnight, before the change.
    ['America/New_York', '2026-03-08', '2026-03-08T05:00:00.000Z'],
    ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z'],
    ['Asia/Kolkata', '2026-01-01', '2025-12-31T18:30:00.000Z'],
    ['Pacific/Auckland', '2026-01-01', '2025-12-31T11:00:00.000Z'],
  ])('starts a day in %s at local midnight: %s → %s', (zone, day, instant) => {
    expect(startOfDayIn(day, zone)).toBe(instant);
  });

  it('builds the API query string, format first, without empty values', () => {
    expect(apiQueryString({ type: 'member.added', targetId: 'a&b' }, { format: 'csv' })).toBe(
      'format=csv&type=member.added&targetId=a%26b',
    );
    expect(apiQueryString({})).toBe('');
  });
});
