import { describe, expect, it } from 'vitest';
import {
  hasFilters,
  loadInterventionFilters,
  serializeInterventionFilters,
  toListFilters,
} from '../../src/app/console/[orgId]/interventions/interventions-params';

const operator = '5e0c8f0e-8c1a-4c57-a1d4-2f6f0f9c0a11';

describe('the interventions log filters in the URL', () => {
  it('reads every filter from the query string', () => {
    const filters = loadInterventionFilters(
      new URLSearchParams(`type=add_note&operator=${operator}&from=2031-03-01&to=2031-03-31&reversed=no`),
    );
    expect(filters).toEqual({
      type: 'add_note',
      operator,
      from: '2031-03-01',
      to: '2031-03-31',
      reversed: 'no',
    });
    expect(hasFilters(filters)).toBe(true);
  });

  it('drops values that are not filters instead of failing the page', () => {
    const filters = loadInterventionFilters(
      new URLSearchParams('type=promote&operator=me&from=2031-02-30&to=yesterday&reversed=maybe'),
    );
    expect(filters).toEqual({ type: null, operator: null, from: null, to: null, reversed: null });
    expect(hasFilters(filters)).toBe(false);
  });

  it('writes the same URL it reads, leaving empty filters out', () => {
    const url = serializeInterventionFilters({ type: 'pause_outreach', reversed: 'yes', operator: null });
    expect(url).toBe('?type=pause_outreach&reversed=yes');
    expect(loadInterventionFilters(new URLSearchParams(url.slice(1)))).toMatchObject({
      type: 'pause_outreach',
      reversed: 'yes',
    });
  });
});

describe('the list query the filters mean', () => {
  it("turns days of the org's time zone into a range whose end is exclusive, and yes/no into the API flag", () => {
    const query = toListFilters(
      { type: 'clear_flag', operator, from: '2031-03-01', to: '2031-03-31', reversed: 'yes' },
      'UTC',
    );
    expect(query).toEqual({
      type: 'clear_flag',
      operatorUserId: operator,
      from: '2031-03-01T00:00:00.000Z',
      to: '2031-04-01T00:00:00.000Z',
      reversed: 'true',
    });
  });

  it('reads a range given backwards the right way round, and no filter as no condition', () => {
    const none = { type: null, operator: null, from: null, to: null, reversed: null };
    expect(toListFilters({ ...none, from: '2031-12-31', to: '2031-12-01', reversed: 'no' }, 'UTC')).toEqual({
      from: '2031-12-01T00:00:00.000Z',
      to: '2032-01-01T00:00:00.000Z',
      reversed: 'false',
    });
    expect(toListFilters(none, 'UTC')).toEqual({});
  });

  it("starts and ends the days at midnight in the org's time zone", () => {
    const none = { type: null, operator: null, from: null, to: null, reversed: null };
    expect(toListFilters({ ...none, from: '2031-07-01', to: '2031-07-01' }, 'Europe/Berlin')).toEqual({
      from: '2031-06-30T22:00:00.000Z',
      to: '2031-07-01T22:00:00.000Z',
    });
  });
});
