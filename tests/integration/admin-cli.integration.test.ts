import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { runAdmin } from '../../src/cli/admin';
import type { CommandIo } from '../../src/cli/command';
import { events, orgMemberships } from '../../src/lib/database/schema';
import { describeEachDatabase, type TestDatabase } from '../setup/databases';

function capture(): CommandIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** The admin command against the test database; `close` is a no-op so the suite keeps its database. */
async function admin(handle: TestDatabase, ...argv: string[]) {
  const io = capture();
  const code = await runAdmin(argv, io, async () => ({ ...handle, close: async () => undefined }));
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describeEachDatabase('admin command line', ({ db }) => {
  it('creates a user, an org and a membership, and audits the membership', async () => {
    const user = await admin(
      db(),
      'create-user',
      '--email',
      'Sam@Example.com',
      '--password',
      'a long enough password',
      '--name',
      'Sam',
    );
    expect(user).toMatchObject({ code: 0, out: expect.stringContaining('created user sam@example.com') });
    const org = await admin(db(), 'create-org', '--name', 'Northwind', '--timezone', 'Europe/Berlin');
    expect(org).toMatchObject({ code: 0, out: expect.stringContaining('created org "Northwind"') });
    const orgId = /\(([0-9a-f-]{36}),/.exec(org.out)![1]!;

    expect(
      await admin(
        db(),
        'add-member',
        '--org',
        'northwind',
        '--email',
        'sam@example.com',
        '--role',
        'operator',
      ),
    ).toMatchObject({ code: 0 });
    const [membership] = await db().db.select().from(orgMemberships).where(eq(orgMemberships.orgId, orgId));
    expect(membership!.role).toBe('operator');
    const [event] = await db().db.select().from(events).where(eq(events.orgId, orgId));
    expect(event).toMatchObject({
      eventType: 'member.added',
      targetType: 'user',
      targetId: membership!.userId,
      actorUserId: null,
    });
    expect(event!.metadata).toEqual({ role: 'operator', via: 'admin-cli' });

    const listed = await admin(db(), 'list-orgs');
    expect(listed.out).toContain(`${orgId}  Northwind  (Europe/Berlin, 1 members)`);
  });

  it('finds an org by id as well as by name', async () => {
    const org = await admin(db(), 'create-org', '--name', 'Contoso');
    const orgId = /\(([0-9a-f-]{36}),/.exec(org.out)![1]!;
    await admin(db(), 'create-user', '--email', 'kim@example.com', '--password', 'a long enough password');
    expect(
      await admin(db(), 'add-member', '--org', orgId, '--email', 'kim@example.com', '--role', 'viewer'),
    ).toMatchObject({ code: 0 });
  });

  it.each([
    [
      ['create-user', '--email', 'not-an-email', '--password', 'a long enough password'],
      /--email: must be an email address/,
    ],
    [
      ['create-user', '--email', 'a@example.com', '--password', 'short'],
      /--password: must be at least 12 characters/,
    ],
    [['create-user', '--email', 'a@example.com'], /exactly one of --password or --password-stdin/],
    [['create-org', '--name', 'X', '--timezone', 'Mars/Olympus'], /--timezone: must be an IANA time zone/],
    [['create-org', '--name', '   '], /--name: must not be empty/],
    [['create-org', '--name', 'X', '--colour', 'red'], /Unknown option '--colour'/],
    [
      ['add-member', '--org', 'X', '--email', 'a@example.com', '--role', 'superuser'],
      /--role: must be one of owner, admin, operator, viewer/,
    ],
    [['frobnicate'], /unknown command "frobnicate"/],
  ])('refuses malformed input %j with exit code 2 and a message', async (argv, message) => {
    const result = await admin(db(), ...argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(result.err).toContain('--help');
  });

  it('refuses requests that cannot be carried out with exit code 1, changing nothing', async () => {
    await admin(db(), 'create-user', '--email', 'dup@example.com', '--password', 'a long enough password');
    expect(
      await admin(db(), 'create-user', '--email', 'DUP@example.com', '--password', 'another long password'),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('already exists'),
    });
    await admin(db(), 'create-org', '--name', 'Acme');
    expect(await admin(db(), 'create-org', '--name', 'ACME')).toMatchObject({
      code: 1,
      err: expect.stringContaining('already exists'),
    });
    expect(
      await admin(db(), 'add-member', '--org', 'Nowhere', '--email', 'dup@example.com', '--role', 'viewer'),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('no org with id or name "Nowhere"'),
    });
    expect(
      await admin(db(), 'add-member', '--org', 'Acme', '--email', 'ghost@example.com', '--role', 'viewer'),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('no user with email ghost@example.com'),
    });
    await admin(db(), 'add-member', '--org', 'Acme', '--email', 'dup@example.com', '--role', 'viewer');
    expect(
      await admin(db(), 'add-member', '--org', 'Acme', '--email', 'dup@example.com', '--role', 'owner'),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('already a member of "Acme" as viewer'),
    });
    expect(await db().db.select().from(orgMemberships)).toHaveLength(1);
  });

  it('prints its help with exit code 0, and to stderr with exit code 2 when called without a command', async () => {
    expect(await admin(db(), '--help')).toMatchObject({
      code: 0,
      out: expect.stringContaining('create-user'),
    });
    expect(await admin(db())).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: npm run admin'),
    });
  });

  it('imports CSV files as the system: a dry run, the apply, and a refused file with its reasons', async () => {
    const org = await admin(db(), 'create-org', '--name', 'Importers');
    expect(org.code).toBe(0);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-import-'));
    const people = path.join(dir, 'people.csv');
    const links = path.join(dir, 'links.csv');
    fs.writeFileSync(
      people,
      'email,display_name,role\numa@example.com,Uma,member\nvic@example.com,Vic,member\n',
    );
    fs.writeFileSync(links, 'from_email,to_email,type\numa@example.com,vic@example.com,knows\n');

    const dry = await admin(db(), 'import', '--org', 'Importers', '--participants', people, '--dry-run');
    expect(dry).toMatchObject({
      code: 0,
      out: expect.stringContaining('checked (dry run, nothing written): 2 rows — 2 created'),
    });
    const applied = await admin(
      db(),
      'import',
      '--org',
      'Importers',
      '--participants',
      people,
      '--relationships',
      links,
    );
    expect(applied.code).toBe(0);
    expect(applied.out).toContain('participants imported: 2 rows — 2 created');
    expect(applied.out).toContain('relationships imported: 1 row — 1 created');
    const orgId = /\(([0-9a-f-]{36}),/.exec(org.out)![1]!;
    const imported = await db().db.select().from(events).where(eq(events.orgId, orgId));
    expect(imported.filter((e) => e.eventType === 'import.completed').map((e) => e.actorRole)).toEqual([
      'system',
      'system',
    ]);

    fs.writeFileSync(links, 'from_email,to_email,type\numa@example.com,nobody@example.com,knows\n');
    const refused = await admin(db(), 'import', '--org', 'Importers', '--relationships', links);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('1 of 1 rows cannot be imported; nothing was imported');
    expect(refused.out).toContain(
      'row 2: rejected uma@example.com → nobody@example.com (knows): to_email no participant of this org has this email ("nobody@example.com")',
    );
    expect(
      await admin(db(), 'import', '--org', 'Importers', '--participants', path.join(dir, 'missing.csv')),
    ).toMatchObject({
      code: 1,
      err: expect.stringContaining('cannot read'),
    });
    expect((await admin(db(), 'import', '--org', 'Importers')).code).toBe(2);
    expect((await admin(db(), 'import', '--org', 'Nowhere', '--participants', people)).code).toBe(1);
  });
});

describe('admin command line as a process', () => {
  it('exits non-zero with a message, and works against the embedded database of DATA_DIR', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'oc-admin-'));
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/admin-main.ts', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
        encoding: 'utf8',
      });
    try {
      const bad = run('create-org', '--name', 'Y', '--timezone', 'Nowhere/Land');
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--timezone: must be an IANA time zone');
      const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/seed-main.ts'], {
        env: {
          ...process.env,
          DATA_DIR: dataDir,
          DATABASE_URL: '',
          SEED_OPERATOR_PASSWORD: 'a long enough password',
        },
        encoding: 'utf8',
      });
      expect(seeded.status).toBe(0);
      expect(seeded.stdout).toContain('Seeded "Iron Front Digital"');
      const added = run('create-user', '--email', 'lee@example.com', '--password-stdin');
      expect(added.status).toBe(2); // an empty stdin is no password
      expect(added.stderr).toContain('--password-stdin: must be at least 12 characters');
      const listed = run('list-orgs');
      expect(listed.status).toBe(0);
      expect(listed.stdout).toMatch(/Iron Front Digital {2}\(America\/Chicago, 1 members\)/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    // Five processes, each starting tsx and the embedded database: about 15 s on a quiet machine, and
    // several times that on a busy 2-core one.
  }, 120_000);
});
