import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { APP_ERROR_CODES, type AppErrorCode, type ProblemField } from '../errors';

// RFC 9457 problem details: every error the API answers has this shape (DESIGN.md §5).

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemField[];
  [extension: string]: unknown;
}

export function problemFor(code: AppErrorCode, detail?: string, fields?: ProblemField[]): Problem {
  const { status, title } = APP_ERROR_CODES[code];
  return {
    // Relative URIs (RFC 9457 §3.1.1), resolved against the API's own origin.
    type: `/problems/${code.replace(/_/g, '-')}`,
    title,
    status,
    ...(detail ? { detail } : {}),
    ...(fields?.length ? { errors: fields } : {}),
  };
}

export function problemResponse(
  c: Context,
  problem: Problem,
  headers: Record<string, string> = {},
): Response {
  return c.body(
    JSON.stringify({ ...problem, instance: c.req.path }),
    problem.status as ContentfulStatusCode,
    {
      'content-type': 'application/problem+json',
      ...headers,
    },
  );
}
