import { z } from '@hono/zod-openapi';
import { MEMBERSHIP_ROLES } from '../domain';
import { emailSchema, membershipRoleSchema } from './common';

export const memberSchema = z
  .object({
    id: z.uuid(),
    userId: z.uuid(),
    email: z.string(),
    name: z.string(),
    role: z.enum(MEMBERSHIP_ROLES),
    createdAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Member');

export const memberPageSchema = z
  .object({ items: z.array(memberSchema), nextCursor: z.string().nullable() })
  .openapi('MemberPage');

export const addMemberBodySchema = z
  .object({ email: emailSchema, role: membershipRoleSchema })
  .strict()
  .openapi('AddMemberRequest');

export const changeMemberRoleBodySchema = z
  .object({ role: membershipRoleSchema })
  .strict()
  .openapi('ChangeMemberRoleRequest');
