// zod from @hono/zod-openapi: the same zod, with .openapi() for the API's documentation.
import { z } from '@hono/zod-openapi';
import { MEMBERSHIP_ROLES } from '../domain';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../password';

const timeZones = new Set(Intl.supportedValuesOf('timeZone'));

export const timezoneSchema = z.string().refine((tz) => tz === 'UTC' || timeZones.has(tz), {
  message: 'must be an IANA time zone such as Europe/Berlin or America/New_York',
});

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address' }))
  .transform((e) => e.toLowerCase());

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const orgNameSchema = z.string().trim().min(1, 'must not be empty').max(200);

export const membershipRoleSchema = z.enum(MEMBERSHIP_ROLES, {
  message: `must be one of ${MEMBERSHIP_ROLES.join(', ')}`,
});

export const uuidSchema = z.uuid({ message: 'must be a UUID' });
