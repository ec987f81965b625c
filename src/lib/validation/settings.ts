import { z } from '@hono/zod-openapi';
import { timezoneSchema } from './common';

// The org's settings: its time zone (on `orgs`), the segment thresholds and the stage engine's grace
// period (`org_settings`). Bounds are per field (400 naming the field); rules between fields are checked
// on the merged result (422).

export const SETTINGS_LIMITS = {
  days: { min: 1, max: 3650 },
  /** As a fraction; the form shows it as a whole percentile (50–99). */
  percentile: { min: 0.5, max: 0.99 },
  minDegree: { min: 1, max: 10_000 },
  /** The stage engine's grace period (docs/decisions/017); the database checks the same bounds. */
  graceDays: { min: 0, max: 90 },
} as const;

const days = z
  .number({ message: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(SETTINGS_LIMITS.days.min, `must be at least ${SETTINGS_LIMITS.days.min} day`)
  .max(SETTINGS_LIMITS.days.max, `must be at most ${SETTINGS_LIMITS.days.max} days`);

const percentile = z
  .number({ message: 'must be a number between 0.5 and 0.99' })
  .min(SETTINGS_LIMITS.percentile.min, 'must be at least 0.5 (the median)')
  .max(SETTINGS_LIMITS.percentile.max, 'must be at most 0.99');

const minDegree = z
  .number({ message: 'must be a whole number of relationships' })
  .int('must be a whole number of relationships')
  .min(SETTINGS_LIMITS.minDegree.min, 'must be at least 1')
  .max(SETTINGS_LIMITS.minDegree.max, `must be at most ${SETTINGS_LIMITS.minDegree.max}`);

const graceDays = z
  .number({ message: 'must be a whole number of days' })
  .int('must be a whole number of days')
  .min(SETTINGS_LIMITS.graceDays.min, 'must be 0 (move down at once) or more')
  .max(SETTINGS_LIMITS.graceDays.max, `must be at most ${SETTINGS_LIMITS.graceDays.max} days`);

export const orgSettingsSchema = z
  .object({
    timezone: z.string().openapi({ example: 'America/Chicago' }),
    newDays: z.number().int().openapi({ description: 'New: created in the last N days' }),
    activeDays: z.number().int().openapi({ description: 'Active: activity in the last N days' }),
    dormantDays: z
      .number()
      .int()
      .openapi({ description: 'Dormant: no activity for N days (at risk in between)' }),
    highlyConnectedPercentile: z.number().openapi({ example: 0.9 }),
    highlyConnectedMinDegree: z.number().int(),
    stageGraceDays: z.number().int().openapi({
      description:
        'Days a lower lifecycle stage must have been due before the stage update moves a participant down (0: at once)',
      example: 7,
    }),
    updatedAt: z.string().nullable().openapi({ format: 'date-time' }),
  })
  .openapi('OrgSettings');

export type OrgSettings = z.infer<typeof orgSettingsSchema>;

export const changeOrgSettingsBodySchema = z
  .object({
    timezone: timezoneSchema.optional(),
    newDays: days.optional(),
    activeDays: days.optional(),
    dormantDays: days.optional(),
    highlyConnectedPercentile: percentile.optional(),
    highlyConnectedMinDegree: minDegree.optional(),
    stageGraceDays: graceDays.optional(),
  })
  .strict()
  .openapi('ChangeOrgSettingsRequest');

export type ChangeOrgSettings = z.infer<typeof changeOrgSettingsBodySchema>;

/** The fields a PATCH may change, in the order the form and the audit event list them. */
export const SETTINGS_FIELDS = [
  'timezone',
  'newDays',
  'activeDays',
  'dormantDays',
  'highlyConnectedPercentile',
  'highlyConnectedMinDegree',
  'stageGraceDays',
] as const satisfies readonly (keyof ChangeOrgSettings)[];

export type SettingsField = (typeof SETTINGS_FIELDS)[number];
