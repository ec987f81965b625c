import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import drizzle from 'eslint-plugin-drizzle';

// Layers (STYLE.md §1): only the data layer talks to drizzle-orm and the schema; only the membership
// check (src/lib/auth.ts) and the API key check (src/lib/api-keys.ts) make an OrgScope; client components never import server code.
//
// A flat config's later block REPLACES an earlier block's options for the same rule on the same file,
// so the import restrictions are not spread over overlapping blocks: every source file falls in exactly
// one group below (the groups' `ignores` make them disjoint), and each group's block lists every
// restriction that applies to it. tests/unit/lint-rules.test.ts proves each restriction fires.

const SOURCES = ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'];
// Benchmarks act like tests: outside any request, on databases of their own.
const TESTS = [
  'tests/**',
  'e2e/**',
  'scripts/bench*.ts',
  'scripts/bench/**',
  '**/*.test.ts',
  '**/*.test.tsx',
];
const AUTH = ['src/lib/auth.ts', 'src/lib/api-keys.ts'];
// The job runner alone acts as the system and claims work across orgs; the audit command acts as the
// system too, to verify and export an org's chain from outside any request (it writes only anchors), and
// so does the import command (the installation's administrator loading files).
const JOB_RUNNER = [
  'src/lib/jobs/runner.ts',
  'src/lib/jobs/schedule.ts',
  'src/cli/audit.ts',
  'src/cli/import.ts',
];
const SYSTEM_SCOPE = ['src/lib/jobs/system-scope.ts'];
// The few callers that reach the database outside an org's scoped transaction (withOrg): the command
// line and start-up (the operator of the installation), sign-in and /api/me (a user's orgs, across
// orgs), the console's org switcher, and the audit stream's dispatcher (orgs with events to deliver). Everyone else gets no `unsafe…` import (docs/decisions/028).
const UNSCOPED_SERVER = [
  'src/cli/**',
  'src/server.ts',
  'src/api/auth.ts',
  'src/api/me.ts',
  'src/lib/audit-stream/dispatcher.ts',
];
const UNSCOPED_PAGES = ['src/app/console/page-guard.ts', 'src/app/console/page.tsx'];
const DATA_LAYER = [
  'src/lib/db.ts',
  'src/lib/database/**',
  'src/lib/repositories/**',
  'src/lib/audit.ts',
  'src/lib/rate-limit.ts',
  'src/lib/seed/**',
  'drizzle.config.ts',
];
// Code that runs in the browser: client components by the team's naming convention, the error
// boundaries Next.js requires to be client components under fixed names, the shared UI primitives and
// the client module of the org API.
const CLIENT = [
  'src/**/*.client.ts',
  'src/**/*.client.tsx',
  'src/app/**/error.tsx',
  'src/app/**/global-error.tsx',
  'src/components/ui/**',
  'src/lib/client/**',
];
const PAGES = ['src/app/**', 'src/components/**'];

const NO_DATA_ACCESS = [
  {
    group: ['drizzle-orm', 'drizzle-orm/*'],
    message: 'Only the data layer (repositories, db.ts, audit.ts, the seed) uses drizzle-orm.',
  },
  {
    group: ['**/database/schema', '**/database/schema.ts'],
    message: 'Only the data layer reads the schema.',
  },
];

const NO_MEMBER_SCOPE_FORGERY = {
  group: ['**/scope', '**/scope.ts'],
  importNames: ['createOrgScope', 'createApiKeyScope'],
  message:
    'Only resolveOrgContext (src/lib/auth.ts) and resolveApiKeyContext (src/lib/api-keys.ts) make a request scope, after checking the membership or the key.',
};
const NO_SYSTEM_SCOPE_FORGERY = {
  group: ['**/scope', '**/scope.ts'],
  importNames: ['createSystemScope'],
  message: 'Only unsafeSystemScope (src/lib/jobs/system-scope.ts) makes a system scope.',
};
const NO_SYSTEM_ACTOR = [
  {
    group: ['**/system-scope', '**/system-scope.ts'],
    message: 'Only the job runner (src/lib/jobs/runner.ts) acts as the system, for a job it has claimed.',
  },
  {
    group: ['**/job-queue', '**/job-queue.ts'],
    message: 'Only the job runner (src/lib/jobs/runner.ts) claims jobs across orgs.',
  },
];
const NO_SCOPE_FORGERY = [NO_MEMBER_SCOPE_FORGERY, NO_SYSTEM_SCOPE_FORGERY, ...NO_SYSTEM_ACTOR];
const NO_UNSCOPED = {
  regex: '.*',
  importNamePattern: '^unsafe',
  message:
    'Unscoped database access (unsafe…) is for the few callers named in eslint.config.mjs; org work goes through withOrg.',
};

const NO_DRIVERS_OR_ROUTERS = [
  {
    group: ['pg', 'pg/*', '@electric-sql/*'],
    message: 'Pages reach data through the view services, not drivers.',
  },
  { group: ['**/api/*', '@/api', '**/src/api'], message: 'Pages do not import the API routers.' },
];

// Server modules, as a client file may spell them: `@/lib/db`, `../../lib/db`, or `../db` from inside
// src/lib. Type-only imports are allowed: they are erased and bring no server code into the bundle.
const serverModule = (name) => [`**/lib/${name}`, `**/lib/${name}.ts`, `../${name}`, `../${name}.ts`];
const serverTree = (name) => [`**/lib/${name}`, `**/lib/${name}/**`, `../${name}`, `../${name}/**`];
const NO_SERVER_CODE = [
  {
    group: [
      ...serverModule('db'),
      ...serverTree('database'),
      ...serverTree('repositories'),
      ...serverTree('services'),
      ...serverModule('auth'),
      ...serverModule('audit'),
    ],
    allowTypeImports: true,
    message:
      'Client components run in the browser: read through the page (props) and write through src/lib/client/api.ts.',
  },
  {
    group: ['**/api/*', '@/api', 'pg', 'pg/*', '@electric-sql/*'],
    allowTypeImports: true,
    message: 'Client components run in the browser: no API routers or database drivers.',
  },
];

const restrict = (...lists) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': ['error', { patterns: lists.flat() }],
});

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      '.next-*/**',
      'node_modules/**',
      '.data/**',
      'drizzle/**',
      'next-env.d.ts',
      'scratch/**',
      '.drift-check.*/**',
    ],
  },
  {
    plugins: { drizzle },
    rules: {
      'drizzle/enforce-delete-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      'drizzle/enforce-update-with-where': ['error', { drizzleObjectName: ['db', 'tx'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    // Hono's `c.var` copies every variable of the request into a new object on each read (decision 064).
    files: ['src/api/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='c'][property.name='var']",
          message: "Read a request variable with c.get('name'): c.var copies them all on every read.",
        },
      ],
    },
  },
  // The groups, disjoint. Tests and the two checks (AUTH) import what they need.
  {
    files: SOURCES,
    ignores: [
      ...TESTS,
      ...AUTH,
      ...JOB_RUNNER,
      ...SYSTEM_SCOPE,
      ...DATA_LAYER,
      ...CLIENT,
      ...PAGES,
      ...UNSCOPED_SERVER,
    ],
    rules: restrict(NO_DATA_ACCESS, NO_SCOPE_FORGERY, NO_UNSCOPED),
  },
  { files: UNSCOPED_SERVER, ignores: TESTS, rules: restrict(NO_DATA_ACCESS, NO_SCOPE_FORGERY) },
  { files: AUTH, ignores: TESTS, rules: restrict(NO_SYSTEM_SCOPE_FORGERY, NO_SYSTEM_ACTOR) },
  {
    files: JOB_RUNNER,
    ignores: TESTS,
    rules: restrict(NO_DATA_ACCESS, NO_MEMBER_SCOPE_FORGERY, NO_SYSTEM_SCOPE_FORGERY),
  },
  {
    files: SYSTEM_SCOPE,
    ignores: TESTS,
    rules: restrict(NO_DATA_ACCESS, NO_MEMBER_SCOPE_FORGERY, NO_SYSTEM_ACTOR),
  },
  { files: DATA_LAYER, ignores: TESTS, rules: restrict(NO_SCOPE_FORGERY) },
  {
    files: PAGES,
    ignores: [...TESTS, ...CLIENT, ...UNSCOPED_PAGES],
    rules: restrict(NO_DATA_ACCESS, NO_SCOPE_FORGERY, NO_DRIVERS_OR_ROUTERS, NO_UNSCOPED),
  },
  {
    files: UNSCOPED_PAGES,
    ignores: TESTS,
    rules: restrict(NO_DATA_ACCESS, NO_SCOPE_FORGERY, NO_DRIVERS_OR_ROUTERS),
  },
  { files: CLIENT, ignores: TESTS, rules: restrict(NO_DATA_ACCESS, NO_SCOPE_FORGERY, NO_SERVER_CODE) },
];
export default config;
