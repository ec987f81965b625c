import { AsyncLocalStorage } from 'node:async_hooks';
import crypto from 'node:crypto';

/** What every log line and query of one request can name. */
export interface RequestContext {
  requestId: string;
}

// On globalThis for the same reason as the database (src/lib/db.ts): Next.js bundles page code into a
// module graph of its own, and a page's queries must see the request its server.ts wrapper opened.
const KEY = Symbol.for('operator-console.request-context');
type Holder = { [KEY]?: AsyncLocalStorage<RequestContext | undefined> };
const storage = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<RequestContext | undefined>());

// Behind a trusted proxy (TRUST_PROXY) its X-Request-Id is kept when it is short and plain, so that its
// logs and ours join; anything else, and any id from a client reaching us directly (which could pose as
// another request's or a job's), is replaced. Never echoed into logs as given.
const ACCEPTABLE_ID = /^[\w-]{8,128}$/;

export function requestIdFrom(header: string | null | undefined, trustProxy: boolean): string {
  return trustProxy && header && ACCEPTABLE_ID.test(header) ? header : crypto.randomUUID();
}

export function runInRequest<T>(context: RequestContext | undefined, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
