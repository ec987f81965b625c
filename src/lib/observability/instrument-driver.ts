import type { PGlite, Transaction } from '@electric-sql/pglite';
import pg from 'pg';
import { observeQuery } from './query-observer';
import { inThisContext } from './carry-context';
import { currentQueryLabel } from './query-label';

type Callback = (error: Error | null, result?: unknown) => void;

/**
 * node-postgres's client, timing each statement: the pools are built with it (`Client` option), so a
 * statement sent by drizzle, by a COPY or by the auth library is measured alike.
 */
export class TimedClient extends pg.Client {
  // pg's overloads (promise, callback, submittable) are passed through as they came.
  override query(...args: unknown[]): never {
    const label = currentQueryLabel();
    const started = performance.now();
    // Bound to this context: pg calls back from its socket's, where the request's id is not.
    const done = inThisContext((failed: boolean) => observeQuery(label, performance.now() - started, failed));
    const query = super.query as (...a: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === 'function') {
      const callback = last as Callback;
      args[args.length - 1] = (error: Error | null, result?: unknown) => {
        done(error !== null && error !== undefined);
        callback(error, result);
      };
      return query.apply(this, args) as never;
    }
    const first = args[0] as
      { submit?: unknown; errored?: unknown; once?: (event: string, fn: () => void) => void } | undefined;
    if (first && typeof first.submit === 'function') {
      // A stream (COPY): done when it closes, which it does after finishing, failing or being cut off.
      // Listening for 'close' alone leaves its errors to whoever listens for them, as before.
      first.once?.('close', () => done(Boolean(first.errored)));
      return query.apply(this, args) as never;
    }
    const result = query.apply(this, args) as Promise<unknown> | undefined;
    // A config object with its own callback gets no promise back; such a statement goes untimed.
    result?.then?.(
      () => done(false),
      () => done(true),
    );
    return result as never;
  }
}

/**
 * A pool whose waiting callers keep their own context: pg-pool hands a freed client to the next
 * waiter from inside the releasing caller's callback, so without binding, a statement sent by
 * `pool.query` after a wait would be logged under another request's id.
 */
export class ContextPool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      error: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(callback?: Parameters<pg.Pool['connect']>[0]): Promise<pg.PoolClient> | void {
    if (!callback) return super.connect();
    return super.connect(inThisContext(callback));
  }
}

type QueryLike = Pick<Transaction, 'query' | 'exec'>;

function timed<F extends (...args: never[]) => Promise<unknown>>(fn: F): F {
  return (async (...args: Parameters<F>) => {
    const label = currentQueryLabel();
    const started = performance.now();
    let failed = true;
    try {
      const result = await fn(...args);
      failed = false;
      return result;
    } finally {
      observeQuery(label, performance.now() - started, failed);
    }
  }) as F;
}

function timedQueries<T extends QueryLike>(target: T): Pick<T, 'query' | 'exec'> {
  return {
    query: timed(target.query.bind(target)) as T['query'],
    exec: timed(target.exec.bind(target)) as T['exec'],
  };
}

/** The embedded database in this process (tests, the command line), timing statements the same way. */
export function timePglite(client: PGlite): PGlite {
  const own = timedQueries(client);
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query' || property === 'exec') return own[property];
      if (property === 'transaction') {
        return <T>(run: (tx: Transaction) => Promise<T>) =>
          target.transaction((tx) => run(Object.assign(Object.create(tx) as Transaction, timedQueries(tx))));
      }
      const value: unknown = Reflect.get(target, property, target);
      // PGlite keeps its state in private fields: its methods must run on the object itself.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
