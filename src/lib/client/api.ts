import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-types';

// The one way the browser writes (and reads interactively): the org API, typed from its OpenAPI
// document. Every POST carries an Idempotency-Key, so a retried click never applies twice; every error
// becomes an ApiProblem with the server's detail and the failing fields.

export interface ProblemField {
  path: string;
  message: string;
}

/** An error answer of the API (RFC 9457 problem+json), or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly fields: ProblemField[] = [],
    /** The problem's other members (RFC 9457 §3.2), e.g. `jobId` of the job already in progress. */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail ?? title);
    this.name = 'ApiProblem';
  }

  /** The message for the failing field (by its dotted path, e.g. `newState.note`), if any. */
  fieldError(path: string): string | undefined {
    return this.fields.find((f) => f.path === path)?.message;
  }

  /** One sentence for a toast or an alert: the detail, then each field's message. */
  get summary(): string {
    const parts = [this.detail ?? this.title, ...this.fields.map((f) => `${f.path}: ${f.message}`)];
    return parts.filter(Boolean).join(' · ');
  }
}

/** The members every problem has (RFC 9457 §3.1, and our `errors`); any other is an extension. */
const PROBLEM_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'errors']);

export async function toApiProblem(response: Response): Promise<ApiProblem> {
  const body = (await response
    .clone()
    .json()
    .catch(() => null)) as { title?: string; detail?: string; errors?: ProblemField[] } | null;
  const extensions = Object.fromEntries(
    Object.entries(typeof body === 'object' && !Array.isArray(body) ? (body ?? {}) : {}).filter(
      ([member]) => !PROBLEM_MEMBERS.has(member),
    ),
  );
  return new ApiProblem(
    response.status,
    body?.title ?? response.statusText ?? 'Request failed',
    body?.detail ?? (body ? undefined : `The console answered ${response.status}.`),
    Array.isArray(body?.errors) ? body.errors : [],
    extensions,
  );
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

const idempotency: Middleware = {
  onRequest({ request }) {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', newIdempotencyKey());
    }
    return request;
  },
};

const problems: Middleware = {
  async onResponse({ response }) {
    if (!response.ok) throw await toApiProblem(response);
    return response;
  },
  onError({ error }) {
    if (error instanceof ApiProblem) return error;
    return new ApiProblem(
      0,
      'Network error',
      'The console cannot be reached. Check your connection and try again.',
    );
  },
};

function makeClient() {
  const client = createClient<paths>({
    baseUrl: process.env.NEXT_PUBLIC_API_BASE ?? '',
    credentials: 'same-origin',
  });
  client.use(idempotency, problems);
  return client;
}

/**
 * The typed client: `api.GET('/api/orgs/{orgId}/participants', { params: { path: { orgId }, query } })`.
 * Errors are thrown as ApiProblem; `data()` below unwraps a successful answer.
 */
export const api = makeClient();

/**
 * The data of a call, for answers that always carry a body on success (errors were thrown already):
 * `const page = await data(api.GET('/api/orgs/{orgId}/participants', { params }))`.
 */
export async function data<T>(call: Promise<{ data?: T }>): Promise<T> {
  return (await call).data as T;
}
