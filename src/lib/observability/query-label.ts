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

/**
 * The property by which a statement, or a transaction's body, names its own label: the hot paths'
 * statements say who they are, and no stack is read for them (reading one was ~5% of the app's CPU per
 * participant detail, decision 064). Registered, as the Next.js bundle holds a second copy of this module.
 */
export const QUERY_LABEL = Symbol.for('operator-console.query-label.named');

/** A statement, or a transaction's body, that names its own label. */
export type NamedQuery = { readonly [QUERY_LABEL]?: string };

/** `body` named `label`, for `db.transaction(named(label, body))`. */
export function named<T extends object>(label: string, body: T): T & NamedQuery {
  return Object.assign(body, { [QUERY_LABEL]: label });
}

const namedLabel = (value: unknown): string | undefined =>
  (typeof value === 'object' && value !== null) || typeof value === 'function'
    ? (value as NamedQuery)[QUERY_LABEL]
    : undefined;

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

type Method = (this: unknown, ...args: unknown[]) => unknown;

// The methods of each builder class, looked up once: a class's instances are labelled by the thousand.
const methodsByPrototype = new WeakMap<object, [string, Method][]>();

function inheritedMethods(prototype: object): [string, Method][] {
  let methods = methodsByPrototype.get(prototype);
  if (!methods) {
    const found = new Map<string, Method>();
    for (let p: object | null = prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) {
        const descriptor = Object.getOwnPropertyDescriptor(p, name);
        if (name !== 'constructor' && !found.has(name) && typeof descriptor?.value === 'function') {
          found.set(name, descriptor.value as Method);
        }
      }
    }
    methods = [...found];
    methodsByPrototype.set(prototype, methods);
  }
  return methods;
}

const carriers = new WeakSet<object>();

// The methods that send a ready builder's statement.
const SENDERS = ['then', 'execute'] as const;

const own = (target: object, name: string, value: Method) =>
  Object.defineProperty(target, name, { value, configurable: true, writable: true });

/**
 * A builder that sends its statement in the context of `label`: drizzle sends a statement from the
 * builder's `then` (or `execute`), which `await` calls in a job of its own, after the caller's frame
 * is gone — so the label travels with the builder, not with the caller's context. A statement ready to
 * send gets its own `then` and `execute`, run in the label's context; a half-built one (and `with()`'s
 * object of builder methods) gets methods whose builders carry the label on. Own methods on the
 * instance, not a Proxy with a trap on every property read: ~6% of the app's CPU per detail view
 * (decision 056). A builder keeps the label it was first given.
 */
function carrying<T extends object>(builder: T, label: string): T {
  if (carriers.has(builder)) return builder;
  carriers.add(builder);
  if (typeof (builder as { then?: unknown }).then === 'function') {
    // `execute` is an instance field on some of drizzle's builders, a method on others.
    for (const name of SENDERS) {
      const method = (builder as Record<string, unknown>)[name];
      if (typeof method !== 'function') continue;
      own(builder, name, function (this: unknown, ...args: unknown[]) {
        return labels.run(label, () => (method as Method).apply(this, args));
      });
    }
    return builder;
  }
  const prototype = Object.getPrototypeOf(builder) as object | null;
  const methods =
    prototype && prototype !== Object.prototype
      ? inheritedMethods(prototype)
      : Object.entries(builder).filter((entry): entry is [string, Method] => typeof entry[1] === 'function');
  for (const [name, method] of methods) {
    own(builder, name, function (this: unknown, ...args: unknown[]) {
      const result = method.apply(this, args);
      return carries(result) ? carrying(result, label) : result;
    });
  }
  return builder;
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
          return labels.run(namedLabel(run) ?? callerLabel(transaction), () =>
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
        const label = namedLabel(args[0]) ?? callerLabel(build);
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
      // The namespace's builders are shared: each use gets its own, inheriting from the shared one.
      return typeof value === 'object' && value !== null && carries(value)
        ? carrying(Object.create(value) as object, label)
        : value;
    },
  });
}
