import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../setup/server';

// The layering rules of eslint.config.mjs, run on small snippets at virtual paths: each restriction
// must fire where it applies and stay quiet where the import is allowed, so a later config block that
// silently replaces an earlier one's options fails here.

const RULE = '@typescript-eslint/no-restricted-imports';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  const fatal = result!.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`could not parse the snippet: ${fatal[0]!.message}`);
  return result!.messages.filter((m) => m.ruleId === RULE).map((m) => m.message);
}

const exported = (names: string) => `\nexport const used = [${names}];\n`;

describe('the schema and drizzle-orm stay in the data layer', () => {
  const schemaImport = `import { participants } from '@/lib/database/schema';${exported('participants')}`;
  const relativeSchemaImport = `import { participants } from '../../lib/database/schema';${exported('participants')}`;
  const drizzleImport = `import { eq } from 'drizzle-orm';${exported('eq')}`;

  it.each([
    'src/app/console/[orgId]/page.tsx',
    'src/app/console/[orgId]/graph/graph-view.tsx',
    'src/components/org-switcher.tsx',
    'src/components/ui/button.tsx',
    'src/app/console/[orgId]/graph/graph.client.tsx',
    'src/api/orgs/participants.ts',
    'src/lib/services/views/participants.ts',
    'src/cli/admin.ts',
  ])('refuses them in %s', async (filePath) => {
    // In a client file the schema is server code as well, so a second message may join this one.
    expect(await restrictedImports(filePath, schemaImport)).toContainEqual(
      expect.stringContaining('Only the data layer reads the schema'),
    );
    expect(await restrictedImports(filePath, relativeSchemaImport)).toContainEqual(
      expect.stringContaining('Only the data layer reads the schema'),
    );
    expect(await restrictedImports(filePath, drizzleImport)).toEqual([
      expect.stringContaining('Only the data layer (repositories'),
    ]);
  });

  it('refuses a type-only import of the schema in a page too', async () => {
    const code = `import type { participants } from '@/lib/database/schema';\nexport type T = typeof participants;\n`;
    expect(await restrictedImports('src/app/console/page.tsx', code)).toHaveLength(1);
  });

  it.each([
    'src/lib/repositories/participants.ts',
    'src/lib/db.ts',
    'src/lib/audit.ts',
    'src/lib/auth.ts',
    'src/lib/seed/demo.ts',
    'tests/integration/x.integration.test.ts',
    'e2e/fixtures.ts',
  ])('allows them in %s', async (filePath) => {
    expect(
      await restrictedImports(filePath, `${schemaImport}${drizzleImport.replace('used', 'more')}`),
    ).toEqual([]);
  });
});

describe('client components import no server code', () => {
  const client = 'src/app/console/[orgId]/members/members-manager.client.tsx';

  it.each([
    `import { appDatabase } from '@/lib/db';${exported('appDatabase')}`,
    `import { appDatabase } from '../../../../lib/db';${exported('appDatabase')}`,
    `import { runMigrations } from '@/lib/database/migrate';${exported('runMigrations')}`,
    `import { listParticipants } from '@/lib/repositories/participants';${exported('listParticipants')}`,
    `import { viewParticipants } from '@/lib/services/views/participants';${exported('viewParticipants')}`,
    `import { appAuth } from '@/lib/auth';${exported('appAuth')}`,
    `import { writeAuditEvent } from '@/lib/audit';${exported('writeAuditEvent')}`,
    `import { membersRouter } from '@/api/orgs/members';${exported('membersRouter')}`,
    `import pg from 'pg';${exported('pg')}`,
    `import { PGlite } from '@electric-sql/pglite';${exported('PGlite')}`,
    `import { sql } from 'drizzle-orm';${exported('sql')}`,
  ])('refuses %s', async (code) => {
    expect(await restrictedImports(client, code)).toHaveLength(1);
  });

  it("applies to Next.js's error boundaries, which must be client components under a fixed name", async () => {
    const code = `import { appAuth } from '@/lib/auth';${exported('appAuth')}`;
    expect(await restrictedImports('src/app/console/[orgId]/audit/error.tsx', code)).toHaveLength(1);
    expect(await restrictedImports('src/app/global-error.tsx', code)).toHaveLength(1);
  });

  it('applies to the client module of the org API, however it spells the path', async () => {
    expect(
      await restrictedImports(
        'src/lib/client/api.ts',
        `import { appDatabase } from '../db';${exported('appDatabase')}`,
      ),
    ).toHaveLength(1);
    expect(
      await restrictedImports(
        'src/lib/client/api.ts',
        `import { appAuth } from '../auth';${exported('appAuth')}`,
      ),
    ).toHaveLength(1);
  });

  it('allows what the browser may use: the API client, validation schemas, permissions, UI, and types', async () => {
    const code = [
      `import { apiClient } from '@/lib/client/api';`,
      `import { reasonSchema } from '@/lib/validation/interventions';`,
      `import { can } from '@/lib/permissions';`,
      `import { Button } from '@/components/ui/button';`,
      // Erased at build time, so no server code reaches the bundle.
      `import type { ParticipantsView } from '@/lib/services/views/participants';`,
      `import type { OrgScope } from '@/lib/scope';`,
      `export type T = ParticipantsView | OrgScope;`,
      exported('apiClient, reasonSchema, can, Button'),
    ].join('\n');
    expect(await restrictedImports(client, code)).toEqual([]);
  });

  it('lets a server page import the services and auth that a client component may not', async () => {
    const code = `import { viewParticipants } from '@/lib/services/views/participants';\nimport { appAuth } from '@/lib/auth';${exported('viewParticipants, appAuth')}`;
    expect(await restrictedImports('src/app/console/[orgId]/participants/page.tsx', code)).toEqual([]);
  });

  it('keeps drivers and the API routers out of server pages too', async () => {
    const page = 'src/app/console/[orgId]/page.tsx';
    expect(await restrictedImports(page, `import pg from 'pg';${exported('pg')}`)).toHaveLength(1);
    expect(
      await restrictedImports(page, `import { x } from '@/api/orgs/graph';${exported('x')}`),
    ).toHaveLength(1);
  });
});

describe('only the membership and API key checks make a request scope', () => {
  const forge = (from: string, name = 'createOrgScope') =>
    `import { ${name}, type OrgScope } from '${from}';\nexport type S = OrgScope;${exported(name)}`;

  it.each([
    ['src/api/orgs/participants.ts', '../../lib/scope'],
    ['src/api/orgs/middleware.ts', '@/lib/scope'],
    ['src/lib/services/views/graph.ts', '../../scope'],
    ['src/lib/repositories/participants.ts', '../scope'],
    ['src/app/console/[orgId]/page.tsx', '@/lib/scope'],
    ['src/app/console/page-guard.ts', '../../lib/scope'],
    ['src/lib/other.ts', './scope'],
  ])('refuses createOrgScope in %s', async (filePath, from) => {
    expect(await restrictedImports(filePath, forge(from))).toEqual([
      expect.stringContaining('Only resolveOrgContext (src/lib/auth.ts) and resolveApiKeyContext'),
    ]);
  });

  it('refuses createApiKeyScope outside src/lib/api-keys.ts', async () => {
    expect(
      await restrictedImports('src/api/orgs/middleware.ts', forge('../../lib/scope', 'createApiKeyScope')),
    ).toEqual([expect.stringContaining('resolveApiKeyContext (src/lib/api-keys.ts)')]);
  });

  it('allows them in src/lib/auth.ts, src/lib/api-keys.ts and in tests', async () => {
    expect(await restrictedImports('src/lib/auth.ts', forge('./scope'))).toEqual([]);
    expect(await restrictedImports('src/lib/api-keys.ts', forge('./scope', 'createApiKeyScope'))).toEqual([]);
    expect(
      await restrictedImports('tests/integration/graph.integration.test.ts', forge('../../src/lib/scope')),
    ).toEqual([]);
  });

  it('allows the OrgScope type everywhere', async () => {
    const code = `import type { OrgScope } from '@/lib/scope';\nexport type S = OrgScope;\n`;
    expect(await restrictedImports('src/api/orgs/participants.ts', code)).toEqual([]);
    expect(await restrictedImports('src/app/console/[orgId]/page.tsx', code)).toEqual([]);
  });
});

describe('only the job runner acts as the system', () => {
  const systemScope = (from: string) =>
    `import { unsafeSystemScope } from '${from}';${exported('unsafeSystemScope')}`;
  const claim = (from: string) =>
    `import { unsafeClaimNextJob } from '${from}';${exported('unsafeClaimNextJob')}`;
  const forge = `import { createSystemScope } from '../scope';${exported('createSystemScope')}`;

  it.each([
    ['src/api/orgs/jobs.ts', '../../lib/jobs/system-scope'],
    ['src/lib/services/jobs.ts', '../jobs/system-scope'],
    ['src/lib/repositories/jobs.ts', '../jobs/system-scope'],
    ['src/lib/atlas/run-atlas.ts', '../jobs/system-scope'],
    ['src/cli/atlas.ts', '@/lib/jobs/system-scope'],
    ['src/app/console/[orgId]/page.tsx', '@/lib/jobs/system-scope'],
    ['src/lib/auth.ts', './jobs/system-scope'],
  ])('refuses unsafeSystemScope in %s', async (filePath, from) => {
    expect(await restrictedImports(filePath, systemScope(from))).toContainEqual(
      expect.stringContaining('Only the job runner (src/lib/jobs/runner.ts) acts as the system'),
    );
  });

  it.each(['src/lib/services/jobs.ts', 'src/cli/atlas.ts', 'src/api/orgs/jobs.ts'])(
    'refuses claiming jobs across orgs in %s',
    async (filePath) => {
      expect(await restrictedImports(filePath, claim('@/lib/repositories/job-queue'))).toContainEqual(
        expect.stringContaining('claims jobs across orgs'),
      );
    },
  );

  it.each(['src/lib/jobs/runner.ts', 'src/lib/repositories/jobs.ts', 'src/lib/auth.ts'])(
    'refuses createSystemScope in %s',
    async (filePath) => {
      expect(await restrictedImports(filePath, forge)).toContainEqual(
        expect.stringContaining('Only unsafeSystemScope (src/lib/jobs/system-scope.ts) makes a system scope'),
      );
    },
  );

  it('allows the runner its system scope and queue, and system-scope.ts its constructor', async () => {
    expect(await restrictedImports('src/lib/jobs/runner.ts', systemScope('./system-scope'))).toEqual([]);
    expect(await restrictedImports('src/lib/jobs/runner.ts', claim('../repositories/job-queue'))).toEqual([]);
    expect(await restrictedImports('src/lib/jobs/system-scope.ts', forge)).toEqual([]);
  });
});

describe('unscoped database access stays with the few callers named for it', () => {
  const UNSCOPED = 'Unscoped database access (unsafe…)';
  const use = (name: string, from: string) => `import { ${name} } from '${from}';${exported(name)}`;

  it.each([
    ['src/api/orgs/participants.ts', 'unsafeListOrgs', '../../lib/repositories/unsafe'],
    ['src/api/orgs/middleware.ts', 'unsafeWithOrgId', '../../lib/database/with-org'],
    ['src/lib/services/views/graph.ts', 'unsafeWithOrgId', '../../database/with-org'],
    ['src/lib/services/members.ts', 'unsafeListOrgsOfUser', '../repositories/memberships'],
    ['src/app/console/[orgId]/page.tsx', 'unsafeListOrgsOfUser', '@/lib/repositories/memberships'],
  ])('refuses it in %s', async (filePath, name, from) => {
    expect(await restrictedImports(filePath, use(name, from))).toContainEqual(
      expect.stringContaining(UNSCOPED),
    );
  });

  it.each([
    ['src/cli/admin.ts', 'unsafeListOrgs', '../lib/repositories/unsafe'],
    ['src/server.ts', 'unsafeListOrgs', './lib/repositories/unsafe'],
    ['src/api/auth.ts', 'unsafeWithOrgId', '../lib/database/with-org'],
    ['src/api/me.ts', 'unsafeListOrgsOfUser', '../lib/repositories/memberships'],
    ['src/app/console/page-guard.ts', 'unsafeListOrgsOfUser', '../../lib/repositories/memberships'],
    ['src/lib/auth.ts', 'unsafeWithOrgId', './database/with-org'],
    ['src/lib/repositories/unsafe.ts', 'unsafeWithOrgId', '../database/with-org'],
  ])('allows it in %s', async (filePath, name, from) => {
    expect(await restrictedImports(filePath, use(name, from))).toEqual([]);
  });

  it('leaves withOrg to everyone', async () => {
    const code = use('withOrg', '../../lib/database/with-org');
    expect(await restrictedImports('src/api/orgs/participants.ts', code)).toEqual([]);
  });
});

describe('the config itself', () => {
  it('gives every source file one set of import restrictions, not several that replace each other', async () => {
    // A page that is also matched by a later block must still carry the earlier block's restrictions.
    const config = await eslint.calculateConfigForFile('src/app/console/[orgId]/page.tsx');
    const [, options] = config.rules[RULE] as [unknown, { patterns: { message: string }[] }];
    const messages = options.patterns.map((p) => p.message).join('\n');
    expect(messages).toContain('Only the data layer reads the schema');
    expect(messages).toContain('Only resolveOrgContext');
    expect(messages).toContain('Pages do not import the API routers');
    expect(config.rules['no-restricted-imports']).toEqual([0]);
  });
});
