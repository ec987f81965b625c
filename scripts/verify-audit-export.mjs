#!/usr/bin/env node
// Verifies an exported audit log offline: plain Node (20+), nothing of the console's code, so an
// auditor can read all of it. The canonical forms and the checks are those of
// src/lib/audit-chain/canonical.ts and verifier.ts (docs/decisions/030); a test holds this script's
// answer equal to the console's own verification.
//
//   node scripts/verify-audit-export.mjs [--public-key key.pem] [--anchors anchors.jsonl] export.ndjson|export.csv
//
// The export must be in chain order: GET /api/orgs/:orgId/events/export?format=ndjson&order=chain
// (NDJSON is exact; CSV works too). The anchors come from `npm run audit -- anchors --org X`, kept
// outside the database; the public key from `npm run audit -- public-key`. Prints a JSON report; exit
// code 0 when the chain verifies, 1 when it is broken, 2 for a usage error.

import crypto from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';

const GENESIS_HASH = '0'.repeat(64);

/** RFC 8785: keys in UTF-16 code unit order, no whitespace, JSON.stringify's numbers and strings. */
function canonicalJson(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object') {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
  return JSON.stringify(value);
}

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

const contentHash = (e) =>
  sha256(
    canonicalJson({
      actorRole: e.actorRole,
      actorUserId: e.actorUserId,
      createdAt: e.createdAt,
      eventType: e.eventType,
      id: e.id,
      metadata: e.metadata,
      orgId: e.orgId,
      // Only events with a personal part have a digest; it is absent from the others' content.
      personalDigest: e.personalDigest ?? undefined,
      targetId: e.targetId,
      targetType: e.targetType,
    }),
  );

// The personal part (reasons, notes, search terms) against the digest the chain holds: absent, erased
// (the part and its salt gone, the digest kept), or hashing with its salt to the digest.
const personalHolds = (e) => {
  const personal = e.personal ?? null;
  const salt = e.personalSalt ?? null;
  if ((e.personalDigest ?? null) === null) return personal === null && salt === null;
  if (personal === null) return salt === null;
  return salt !== null && sha256(salt + canonicalJson(personal)) === e.personalDigest;
};

const linkHash = (content, prev, seq) => sha256(canonicalJson({ contentHash: content, prevHash: prev, seq }));

function anchorValid(publicKey, a) {
  if (!publicKey) return false;
  const statement = canonicalJson({ anchoredAt: a.anchoredAt, hash: a.hash, orgId: a.orgId, seq: a.seq });
  try {
    return crypto.verify(null, Buffer.from(statement, 'utf8'), publicKey, Buffer.from(a.signature, 'base64'));
  } catch {
    return false;
  }
}

/** RFC 4180 records from lines (quoted fields may hold line breaks). */
async function* csvRecords(lines) {
  let fields = [];
  let field = '';
  let quoted = false;
  for await (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = !quoted;
      } else if (c === ',' && !quoted) {
        fields.push(field);
        field = '';
      } else {
        field += c;
      }
    }
    if (quoted) {
      field += '\n';
      continue;
    }
    fields.push(field.replace(/\r$/, ''));
    yield fields;
    fields = [];
    field = '';
  }
}

// The console's CSV guards formula-like cells with a leading apostrophe; an empty cell is null.
const csvValue = (cell) => (cell === '' ? null : /^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

async function* exportRows(file) {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const iterator = lines[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const rest = { [Symbol.asyncIterator]: () => iterator };
  if (first.value.trimStart().startsWith('{')) {
    yield JSON.parse(first.value);
    for await (const line of rest) if (line.trim()) yield JSON.parse(line);
    return;
  }
  const header = first.value.replace(/^\uFEFF/, '').split(',');
  for await (const record of csvRecords(rest)) {
    const row = Object.fromEntries(header.map((name, i) => [name, csvValue(record[i] ?? '')]));
    row.metadata = row.metadata === null ? {} : JSON.parse(row.metadata);
    row.personal = row.personal == null ? null : JSON.parse(row.personal);
    row.seq = row.seq === null ? null : Number(row.seq);
    yield row;
  }
}

async function verify(file, anchorsAll, publicKey) {
  let anchors = [];
  let rejected = 0;
  let nextAnchor = 0;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let through = null;
  let broken = null;
  let lastAnchor = null;
  let orgId = null;
  let pending = null;
  let unchained = null;
  const fail = (seq, eventId, problem, detail) => (broken = { seq, eventId, problem, detail });

  const check = (e, next) => {
    const seq = expectedSeq;
    if (e.seq !== seq) {
      if (e.seq > seq) {
        const last = e.seq - 1;
        return fail(
          seq,
          e.id,
          'missing_seq',
          `seq ${seq}${last > seq ? `–${last}` : ''} missing: the next event present is seq ${e.seq}`,
        );
      }
      return fail(e.seq, e.id, 'forged', `seq ${e.seq} appears twice`);
    }
    if (contentHash(e) !== e.contentHash) {
      return fail(
        seq,
        e.id,
        'content_hash_mismatch',
        'its fields do not hash to its content hash: edited after it was written',
      );
    }
    if (!personalHolds(e)) {
      return fail(
        seq,
        e.id,
        'personal_digest_mismatch',
        'its personal part does not hash to the digest the chain holds: edited after it was written',
      );
    }
    if (e.prevHash !== prevHash) {
      if (next && next.seq === seq + 1 && next.prevHash === prevHash) {
        return fail(
          seq,
          e.id,
          'reordered',
          `seq ${seq} and ${seq + 1} were swapped: ${seq + 1} links to seq ${seq - 1}`,
        );
      }
      return fail(
        seq,
        e.id,
        'forged',
        `its prev hash is not the hash of seq ${seq - 1}: the chain did not link it`,
      );
    }
    if (linkHash(e.contentHash, e.prevHash, e.seq) !== e.hash) {
      return fail(
        seq,
        e.id,
        'hash_mismatch',
        'its hash is not the hash of its content hash, prev hash and seq',
      );
    }
    for (; nextAnchor < anchors.length && anchors[nextAnchor].seq <= seq; nextAnchor++) {
      const a = anchors[nextAnchor];
      if (a.seq < seq) continue;
      if (a.hash !== e.hash) {
        return fail(
          seq,
          e.id,
          'anchor_mismatch',
          `the anchor of ${a.anchoredAt} signed another hash for seq ${seq}: the chain was rewritten up to here`,
        );
      }
      lastAnchor = a;
    }
    checked += 1;
    expectedSeq = seq + 1;
    prevHash = e.hash;
    through = { seq, hash: e.hash, createdAt: e.createdAt };
  };

  for await (const row of exportRows(file)) {
    if (orgId === null) {
      orgId = row.orgId;
      const own = anchorsAll.filter((a) => a.orgId === orgId);
      anchors = own.filter((a) => anchorValid(publicKey, a)).sort((a, b) => a.seq - b.seq);
      rejected = own.length - anchors.length;
    }
    if (row.orgId !== orgId) throw new Error(`the export mixes orgs (${orgId} and ${row.orgId})`);
    if (row.seq === null || row.seq === undefined) {
      unchained ??= row;
      continue;
    }
    if (pending && row.seq <= pending.seq) {
      throw new Error('the export is not in chain order: export it with order=chain');
    }
    if (broken) break;
    if (pending) check(pending, row);
    pending = row;
  }
  if (pending && !broken) check(pending, undefined);
  if (!broken) {
    const beyond = anchors.at(-1);
    if (beyond && beyond.seq >= expectedSeq) {
      fail(
        expectedSeq,
        null,
        'truncated',
        `the chain ends at seq ${expectedSeq - 1}, but the anchor of ${beyond.anchoredAt} signed seq ${beyond.seq}: events after the end were removed`,
      );
    } else if (unchained) {
      fail(null, unchained.id, 'unchained', 'an event with no seq: written with the chain switched off');
    }
  }
  return {
    status: broken ? 'broken' : 'verified',
    eventsChecked: checked,
    verifiedThrough: through,
    firstBroken: broken,
    lastAnchor,
    anchorsChecked: anchors.length + rejected,
    anchorsRejected: rejected,
  };
}

async function main() {
  let args;
  try {
    args = parseArgs({
      allowPositionals: true,
      options: {
        'public-key': { type: 'string' },
        anchors: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    console.error(`error: ${error.message}`);
    return 2;
  }
  if (args.values.help || args.positionals.length !== 1) {
    console.error(
      'usage: node scripts/verify-audit-export.mjs [--public-key key.pem] [--anchors anchors.jsonl] export.ndjson|export.csv',
    );
    return args.values.help ? 0 : 2;
  }
  const publicKey = args.values['public-key']
    ? crypto.createPublicKey(fs.readFileSync(args.values['public-key']))
    : null;
  const anchors = args.values.anchors
    ? fs
        .readFileSync(args.values.anchors, 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l))
    : [];
  const report = await verify(args.positionals[0], anchors, publicKey);
  console.log(JSON.stringify(report, null, 2));
  return report.status === 'verified' ? 0 : 1;
}

process.exitCode = await main();
