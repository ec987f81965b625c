import type { components } from '../../../../lib/client/api-types';
import type { SegmentSettings } from '../../../../lib/domain';

type ChangeOrgSettingsRequest = components['schemas']['ChangeOrgSettingsRequest'];

// The settings form's text fields ↔ the API's settings: the percentile is edited as a whole number
// (90) and sent as a fraction (0.9); a PATCH carries only what changed. An empty or non-numeric field is
// sent as null so that the API names it (one set of rules, the server's).

export interface SettingsValues {
  timezone: string;
  newDays: string;
  activeDays: string;
  dormantDays: string;
  percentile: string;
  minDegree: string;
  graceDays: string;
}

export interface SavedSettings extends SegmentSettings {
  timezone: string;
  stageGraceDays: number;
}

export function valuesFromSettings(s: SavedSettings): SettingsValues {
  return {
    timezone: s.timezone,
    newDays: String(s.newDays),
    activeDays: String(s.activeDays),
    dormantDays: String(s.dormantDays),
    percentile: String(Math.round(s.highlyConnectedPercentile * 100)),
    minDegree: String(s.highlyConnectedMinDegree),
    graceDays: String(s.stageGraceDays),
  };
}

const number = (text: string): number | null => {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
};

/** The values as the API would take them (null where a field is not a number). */
export function requestFromValues(v: SettingsValues) {
  const percentile = number(v.percentile);
  return {
    timezone: v.timezone,
    newDays: number(v.newDays),
    activeDays: number(v.activeDays),
    dormantDays: number(v.dormantDays),
    highlyConnectedPercentile: percentile === null ? null : percentile / 100,
    highlyConnectedMinDegree: number(v.minDegree),
    stageGraceDays: number(v.graceDays),
  };
}

/** The settings the values describe, for the preview; undefined while a field is not a number. */
export function settingsFromValues(v: SettingsValues): SavedSettings | undefined {
  const r = requestFromValues(v);
  if (Object.values(r).some((value) => value === null)) return undefined;
  return r as SavedSettings;
}

/**
 * Only the fields whose value differs from the saved settings: the PATCH body. A field that is not a
 * number goes as null on purpose, for the API to refuse with that field named.
 */
export function changedSettings(saved: SavedSettings, v: SettingsValues): ChangeOrgSettingsRequest {
  const request = requestFromValues(v);
  return Object.fromEntries(
    Object.entries(request).filter(([field, value]) => saved[field as keyof SavedSettings] !== value),
  ) as ChangeOrgSettingsRequest;
}
