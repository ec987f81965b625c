import { z } from '@hono/zod-openapi';

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

export const problemContent = { 'application/problem+json': { schema: problemSchema } } as const;

export const json = <T>(schema: T) => ({ 'application/json': { schema } });

/** The answers every org route can give before its handler runs. */
export const orgRouteErrors = {
  400: { description: 'Malformed input (the failing fields are named)', content: problemContent },
  401: {
    description: 'Not signed in, or an API key that is unknown, revoked or expired',
    content: problemContent,
  },
  403: { description: 'Not a member, no such org, or a role that may not do this', content: problemContent },
  429: { description: 'Rate limit reached', content: problemContent },
} as const;
