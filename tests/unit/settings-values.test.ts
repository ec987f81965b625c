import { describe, expect, it } from 'vitest';
import {
  changedSettings,
  settingsFromValues,
  valuesFromSettings,
} from '../../src/app/console/[orgId]/settings/settings-values';

const saved = {
  timezone: 'UTC',
  newDays: 14,
  activeDays: 30,
  dormantDays: 60,
  highlyConnectedPercentile: 0.9,
  highlyConnectedMinDegree: 3,
  stageGraceDays: 7,
};

describe('settings form values', () => {
  it('round-trips the saved settings, the percentile as a whole number', () => {
    const values = valuesFromSettings(saved);
    expect(values.percentile).toBe('90');
    expect(settingsFromValues(values)).toEqual(saved);
    expect(changedSettings(saved, values)).toEqual({});
  });

  it('sends only what changed, percentiles as exact fractions', () => {
    const values = {
      ...valuesFromSettings(saved),
      activeDays: '21',
      percentile: '29',
      timezone: 'Europe/Berlin',
      graceDays: '0',
    };
    expect(changedSettings(saved, values)).toEqual({
      timezone: 'Europe/Berlin',
      activeDays: 21,
      highlyConnectedPercentile: 0.29,
      stageGraceDays: 0,
    });
  });

  it('sends a field that is not a number as null, for the API to name it, and has no preview then', () => {
    const values = { ...valuesFromSettings(saved), dormantDays: '', newDays: 'abc' };
    expect(changedSettings(saved, values)).toEqual({ dormantDays: null, newDays: null });
    expect(settingsFromValues(values)).toBeUndefined();
  });
});
