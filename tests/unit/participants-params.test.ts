import { describe, expect, it } from 'vitest';
import {
  ariaSort,
  hasFilters,
  loadParticipantsSearchParams,
  nextSort,
  participantsHref,
  serializeParticipantsSearchParams,
  toApiQuery,
} from '../../src/app/console/[orgId]/participants/participants-params';
import { listParticipantsQuerySchema } from '../../src/lib/validation/participants';

const ORG = '00000000-0000-4000-8000-000000000001';
const load = (query: string) => loadParticipantsSearchParams(new URLSearchParams(query));

describe('participants filters ↔ URL', () => {
  it('reads every filter and the order from the URL', () => {
    const url = load('q=%20ava%20&stage=at_risk&role=partner&segment=highly_connected&sort=-degree');
    expect(url).toEqual({
      q: 'ava',
      stage: 'at_risk',
      role: 'partner',
      segment: 'highly_connected',
      sort: '-degree',
    });
    expect(toApiQuery(url)).toEqual({
      q: 'ava',
      stage: 'at_risk',
      role: 'partner',
      segment: 'highly_connected',
      sort: '-degree',
    });
    expect(hasFilters(url)).toBe(true);
  });

  it('reads values the API would refuse as no filter, and a missing order as by name', () => {
    const url = load(`q=${'x'.repeat(201)}&stage=retired&segment=vip&sort=rank&role=%20%20`);
    expect(url).toEqual({ q: null, stage: null, role: null, segment: null, sort: 'name' });
    expect(toApiQuery(url)).toEqual({ sort: 'name' });
    expect(hasFilters(url)).toBe(false);
    expect(hasFilters(load('sort=-created'))).toBe(false); // an order is not a filter
  });

  it('gives the API a query it accepts for any URL', () => {
    for (const query of [
      '',
      'segment=at_risk',
      'q=%25&sort=lastActivity',
      'stage=new&role=member&sort=-name',
    ]) {
      const api = toApiQuery(load(query));
      expect(listParticipantsQuerySchema.safeParse(api).success, query).toBe(true);
    }
  });

  it('writes the URL back without the default order, so links stay short and round-trip', () => {
    expect(participantsHref(ORG, { segment: 'at_risk' })).toBe(
      `/console/${ORG}/participants?segment=at_risk`,
    );
    expect(participantsHref(ORG, { sort: 'name' })).toBe(`/console/${ORG}/participants`);
    const state = { q: 'okafor', stage: 'active', role: null, segment: null, sort: '-lastActivity' } as const;
    const href = serializeParticipantsSearchParams(state);
    expect(load(href.slice(1))).toEqual(state);
  });

  it('sorts by a header: the same column flips, another starts the way people want first', () => {
    expect(nextSort('name', 'name')).toBe('-name');
    expect(nextSort('-name', 'name')).toBe('name');
    expect(nextSort('name', 'lastActivity')).toBe('-lastActivity');
    expect(nextSort('-lastActivity', 'lastActivity')).toBe('lastActivity');
    expect(nextSort('-degree', 'name')).toBe('name');
    expect(nextSort('name', 'created')).toBe('-created');
    expect(ariaSort('-degree', 'degree')).toBe('descending');
    expect(ariaSort('created', 'created')).toBe('ascending');
    expect(ariaSort('created', 'name')).toBe('none');
  });
});
