import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

// RFC 9457 problem details: every error the API answers has this shape (DESIGN.md §5).

export interface ProblemField {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemField[];
}

export const APP_ERROR_CODES = {
  bad_request: { status: 400, title: 'Bad request' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  unprocessable: { status: 422, title: 'Unprocessable content' },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

/** The one error type handlers throw; the API's error handler turns it into problem+json. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    detail?: string,
    readonly fields?: ProblemField[],
  ) {
    super(detail ?? APP_ERROR_CODES[code].title);
  }
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
