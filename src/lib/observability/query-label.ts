import { AsyncLocalStorage } from 'node:async_hooks';
import { findSourceMap } from 'node:module';
import path from 'node:path';

// Which function issued a statement. The driver runs a statement in a later microtask (drizzle's
// builders are thenables), where the stack no longer shows the caller, so the label is taken where the
// statement is built — a builder method of the database object, called by the repository function
// itself — and carried to the driver in async context (docs/decisions/036).
const KEY = Symbol.for('operator-console.query-label');
type Holder = { [KEY]?: AsyncLocalStorage<string | undefined> };
const labels = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<string | undefined>());

export const UNLABELLED = 'unlabelled';

/** The function whose statement the driver is about to send. */
export function currentQueryLabel(): string {
  return labels.getStore() ?? UNLABELLED;
}

/** The label in force here, if any (to carry it into a callback, see carry-context.ts). */
export function currentLabelIfAny(): string | undefined {
  return labels.getStore();
}

/** For statements sent past drizzle (COPY, cursors): `fn`'s statements are named `label`. */
export function withQueryLabel<T>(label: string | undefined, fn: () => T): T {
  return labels.run(label, fn);
}

// Frames that build statements for someone else: drizzle, the driver, the database plumbing.
const PLUMBING = /\/node_modules\/|^node:|\/lib\/observability\/|\/lib\/db\.ts$/;

interface FileKind {
  /** The module's name, for a frame of the app's own code; null for plumbing. */
  module: string | null;
  /** A Next.js server chunk: which module a frame is from, its source map says. */
  bundled: boolean;
  /** For a library's frame: its package, when it queries for itself (the auth library). */
  library: string | null;
}

const BUNDLED = /\/\.next[^/]*\/server\//;

const moduleName = (file: string) => path.basename(file).replace(/\.[cm]?[jt]sx?$/, '');

// A label is taken for every statement: what each file is, and where each bundled frame came from, is
// worked out once.
const bundledSites = new Map<string, string | null>();

/** The module a frame of a Next.js server chunk was built from (null: plumbing, or no source map). */
function bundledModule(file: string, site: NodeJS.CallSite): string | null {
  const at = `${file}:${site.getLineNumber()}:${site.getColumnNumber()}`;
  let origin = bundledSites.get(at);
  if (origin === undefined) {
    const entry = findSourceMap(file)?.findEntry(
      (site.getLineNumber() ?? 1) - 1,
      (site.getColumnNumber() ?? 1) - 1,
    );
    const source = entry && 'originalSource' in entry ? entry.originalSource : undefined;
    origin = source && !PLUMBING.test(source) ? moduleName(source) : null;
    bundledSites.set(at, origin);
  }
  return origin;
}

const fileKinds = new Map<string, FileKind>();

function kindOfFile(file: string): FileKind {
  let kind = fileKinds.get(file);
  if (!kind) {
    const library = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];
    kind = {
      module: PLUMBING.test(file) ? null : moduleName(file),
      bundled: BUNDLED.test(file),
      library: library && library !== 'drizzle-orm' && library !== 'pg' ? library : null,
    };
    fileKinds.set(file, kind);
  }
  return kind;
}

/**
 * `<module>.<function>` of the nearest named function outside the plumbing; an anonymous callback
 * (a `withOrg(db, scope, (tx) => …)`) is named by its module.
 */
export function callerLabel(skip: (...args: never[]) => unknown): string {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  Error.prepareStackTrace = (_error, sites) => sites;
  Error.stackTraceLimit = 6;
  const holder: { stack?: unknown } = {};
  let sites: NodeJS.CallSite[];
  try {
    Error.captureStackTrace(holder, skip);
    sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  let fallback: string | null = null;
  for (const site of sites) {
    const file = site.getFileName();
    if (!file) continue;
    const kind = kindOfFile(file);
    fallback ??= kind.library;
    const origin = kind.bundled ? bundledModule(file, site) : kind.module;
    if (!origin) continue;
    const name = site.getFunctionName();
    if (name && name !== '<anonymous>') return `${origin}.${name}`;
    fallback ??= origin;
  }
  return fallback ?? UNLABELLED;
}

// The database object's methods that start a statement. `query` is the relational API's namespace.
const BUILDERS = new Set([
  'select',
  'selectDistinct',
  'selectDistinctOn',
  'insert',
  'update',
  'delete',
  'execute',
  'with',
  '$count',
  'refreshMaterializedView',
]);

// The drizzle objects between the database object and a statement sent: the half-built ones that have
// no `then` yet. Everything with a `then` (a statement ready to send) carries its label too.
const HALF_BUILT = new Set([
  'PgSelectBuilder',
  'PgInsertBuilder',
  'PgUpdateBuilder',
  'PgRelationalQueryBuilder',
]);

// drizzle's `entityKind` (a registered symbol): the data layer alone imports drizzle-orm.
const entityKind = Symbol.for('drizzle:entityKind');

function kindOf(value: object): unknown {
  const constructor = (value as { constructor?: Record<symbol, unknown> }).constructor;
  return constructor?.[entityKind];
}

function carries(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || value instanceof Promise) return false;
  return typeof (value as { then?: unknown }).then === 'function' || HALF_BUILT.has(kindOf(value) as string);
}

const carriers = new WeakMap<object, { label: string; proxy: object }>();

/**
 * A builder that sends its statement (and builds its successors) in the context of `label`: drizzle
 * sends a statement from the builder's `then`, which `await` calls in a job of its own, after the
 * caller's frame is gone — so the label travels with the builder, not with the caller's context.
 */
function carrying<T extends object>(builder: T, label: string): T {
  const known = carriers.get(builder);
  if (known?.label === label) return known.proxy as T;
  const proxy = new Proxy(builder, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value === 'object' && value !== null && carries(value)) return carrying(value, label);
      if (typeof value !== 'function' || property === 'constructor') return value;
      return (...args: unknown[]) => {
        const result = labels.run(label, () => (value as (...a: unknown[]) => unknown).apply(target, args));
        return carries(result) ? carrying(result, label) : result;
      };
    },
  });
  carriers.set(builder, { label, proxy });
  return proxy;
}

const labelled = new WeakSet<object>();

/**
 * The database object as the app uses it: each statement is named by the function that builds it, and
 * transactions it opens hand out such objects too.
 */
export function labelStatements<T extends object>(db: T): T {
  if (labelled.has(db)) return db;
  const proxy = new Proxy(db, {
    get: function get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string') return value;
      if (property === 'query' && typeof value === 'object' && value !== null) {
        return carryingNamespace(value, callerLabel(get));
      }
      if (typeof value !== 'function') return value;
      if (property === 'transaction') {
        return function transaction(run: (tx: object) => unknown, config?: unknown) {
          return labels.run(callerLabel(transaction), () =>
            (value as (...args: unknown[]) => unknown).call(
              target,
              (tx: object) => run(labelStatements(tx)),
              config,
            ),
          );
        };
      }
      if (!BUILDERS.has(property)) return value;
      return function build(...args: unknown[]) {
        const label = callerLabel(build);
        const result = labels.run(label, () => (value as (...a: unknown[]) => unknown).apply(target, args));
        // `with(...)` answers a plain object of builder methods.
        return typeof result === 'object' && result !== null && (property === 'with' || carries(result))
          ? carrying(result, label)
          : result;
      };
    },
  });
  labelled.add(proxy);
  return proxy;
}

// `db.query.<table>.findMany()`: the tables' query builders are properties of the namespace.
function carryingNamespace(namespace: object, label: string): object {
  return new Proxy(namespace, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'object' && value !== null && carries(value) ? carrying(value, label) : value;
    },
  });
}
