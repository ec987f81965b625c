import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { writeAuditEvent } from '../../src/lib/audit';
import { withOrg } from '../../src/lib/database/with-org';
import { parseSigningKey, publicKeyPem } from '../../src/lib/audit-chain/signing';
import { listAnchors } from '../../src/lib/repositories/audit-chain';
import { createSystemScope } from '../../src/lib/scope';
import { anchorAuditChain } from '../../src/lib/services/audit-chain';
import { createOrgWithMembers, createTestApi, signIn } from '../setup/api';
import { describeEachDatabase } from '../setup/databases';

const run = promisify(execFile);
const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/verify-audit-export.mjs');
const PEM = crypto
  .generateKeyPairSync('ed25519')
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const KEYS = parseSigningKey(PEM);

/** The offline script's report and exit code for an export file. */
async function verifyOffline(
  dir: string,
  file: string,
): Promise<{ code: number; report: Record<string, unknown> }> {
  try {
    const { stdout } = await run(process.execPath, [
      SCRIPT,
      '--public-key',
      path.join(dir, 'key.pem'),
      '--anchors',
      path.join(dir, 'anchors.jsonl'),
      path.join(dir, file),
    ]);
    return { code: 0, report: JSON.parse(stdout) };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, report: JSON.parse(failed.stdout) };
  }
}

describeEachDatabase('audit chain: verify API and the offline script on exports', ({ db }) => {
  it('agree on an untouched export and on a tampered one, in NDJSON and CSV', async () => {
    const api = createTestApi(db(), { AUDIT_SIGNING_KEY: PEM });
    const { org } = await createOrgWithMembers(db(), 'Export org', {
      admin: 'admin@x.example',
      operator: 'op@x.example',
    });
    const scope = createSystemScope(org);
    for (let i = 0; i < 5; i++) {
      await withOrg(db().db, scope, (tx) =>
        writeAuditEvent(tx, scope, {
          type: 'participant.viewed',
          targetId: i === 2 ? '=formula' : `p-${i}`,
          metadata: { i, text: 'a "quoted", multi\nline value: ünïcødé \u{1F600}', n: [0.1, 1e21, -5] },
        }),
      );
    }
    await anchorAuditChain(db().db, scope, KEYS);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-export-'));
    fs.writeFileSync(path.join(dir, 'key.pem'), publicKeyPem(KEYS));
    fs.writeFileSync(
      path.join(dir, 'anchors.jsonl'),
      (await withOrg(db().db, scope, (tx) => listAnchors(tx, scope)))
        .map((a) => JSON.stringify(a))
        .join('\n'),
    );
    const cookie = await signIn(api, 'admin@x.example');
    const get = (p: string) => api.request(`/api/orgs/${org.id}${p}`, { cookie });
    const exportTo = async (file: string, format: 'ndjson' | 'csv') => {
      const response = await get(`/events/export?format=${format}&order=chain`);
      expect(response.status).toBe(200);
      fs.writeFileSync(path.join(dir, file), await response.text());
    };

    await exportTo('log.ndjson', 'ndjson');
    const verified = await (await get('/events/verify')).json();
    expect(verified).toMatchObject({
      status: 'verified',
      firstBroken: null,
      lastAnchor: { seq: 7 },
      keyId: KEYS.keyId,
    });
    const { keyId: _keyId, ...report } = verified;
    const offline = await verifyOffline(dir, 'log.ndjson');
    expect(offline).toEqual({ code: 0, report });

    await exportTo('log.csv', 'csv');
    const fromCsv = await verifyOffline(dir, 'log.csv');
    expect(fromCsv.code).toBe(0);
    // Two events later: the verification's own and the CSV export's.
    expect(fromCsv.report).toMatchObject({
      status: 'verified',
      eventsChecked: verified.eventsChecked + 2,
      lastAnchor: verified.lastAnchor,
    });

    await db().db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL session_replication_role = replica`);
      await tx.execute(sql`UPDATE events SET target_id = 'p-edited' WHERE org_id = ${org.id} AND seq = 6`);
    });
    await exportTo('tampered.ndjson', 'ndjson');
    const broken = await (await get('/events/verify')).json();
    expect(broken).toMatchObject({
      status: 'broken',
      firstBroken: { seq: 6, problem: 'content_hash_mismatch' },
    });
    const tampered = await verifyOffline(dir, 'tampered.ndjson');
    expect(tampered.code).toBe(1);
    expect(tampered.report.firstBroken).toEqual(broken.firstBroken);
    expect(tampered.report.lastAnchor).toEqual(broken.lastAnchor);

    expect(
      (await api.request(`/api/orgs/${org.id}/events/verify`, { cookie: await signIn(api, 'op@x.example') }))
        .status,
    ).toBe(403);
  });
});
