import type { TypedResponse } from 'hono';
import type { JSONParsed } from 'hono/utils/types';

/**
 * A 200 whose body is JSON text written before it reached the handler (by PostgreSQL, or a slice at a
 * time), typed as `c.json(value, 200)` of a T would be, so the route keeps its declared answer.
 */
export const writtenJsonOf = <T>(response: Response) =>
  response as Response & TypedResponse<JSONParsed<T>, 200, 'json'>;
