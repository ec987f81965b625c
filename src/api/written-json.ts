import type { Context, TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

/**
 * A 200 whose body is JSON text written before it reached the handler (by PostgreSQL, or a slice at a
 * time), typed as `c.json(value, 200)` of a T would be, so the route keeps its declared answer.
 * `headers` add to (or replace) its content type.
 */
export function writtenJson<T>(
  c: Context,
  body: string | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
) {
  const response: Response = c.body(body, 200, { 'content-type': 'application/json', ...headers });
  return response as Response & TypedResponse<JSONParsed<T>, 200, 'json'>;
}
