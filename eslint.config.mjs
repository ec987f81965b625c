import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import drizzle from 'eslint-plugin-drizzle';

// Layers (STYLE.md §1): only the data layer talks to drizzle-orm and the schema; pages and client
// components never import server code.
const DATA_LAYER = [
  'src/lib/db.ts',
  'src/lib/database/**',
  'src/lib/repositories/**',
  'src/lib/audit.ts',
  'src/lib/auth.ts',
  'src/lib/rate-limit.ts',
  'src/lib/seed/**',
  'tests/**',
  'drizzle.config.ts',
];

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
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
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: DATA_LAYER,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['drizzle-orm', 'drizzle-orm/*'],
              message: 'Only repositories, db.ts, audit.ts and the seed use drizzle-orm.',
            },
            {
              group: ['**/database/schema', '**/database/schema.ts'],
              message: 'Only the data layer reads the schema.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.tsx', 'src/components/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['drizzle-orm', 'drizzle-orm/*', 'pg', '@electric-sql/*'],
              message: 'Pages reach data through services, not drivers.',
            },
            { group: ['**/api/*', '@/api/*'], message: 'Pages do not import the API routers.' },
          ],
        },
      ],
    },
  },
];
export default config;
