// The one error type of the app: services and repositories throw it with a code from a closed list;
// the API turns it into problem+json with the code's status (src/lib/http/problem.ts).

export interface ProblemField {
  path: string;
  message: string;
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
} as const satisfies Record<string, { status: number; title: string }>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

/** The one error type handlers throw; the API's error handler turns it into problem+json. */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    detail?: string,
    readonly fields?: ProblemField[],
    /** Extra response headers, e.g. Retry-After on 429. */
    readonly headers?: Record<string, string>,
    /** Extra members of the problem (RFC 9457 §3.2), e.g. the id of the job already in progress. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(detail ?? APP_ERROR_CODES[code].title);
  }
}
