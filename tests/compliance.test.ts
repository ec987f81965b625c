import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { findBannedTerm, isBannedColumnName } from '../src/lib/compliance/banned-terms';
import { queryRows } from '../src/lib/db';
import { describeEachDatabase } from './setup/databases';

const root = path.resolve(import.meta.dirname, '..');

/** Every file git tracks, plus new ones not yet added (so a violation fails before it is committed). */
function trackedFiles(): string[] {
  const output = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: root,
    encoding: 'utf8',
  });
  return output.split('\0').filter((f) => f && fs.existsSync(path.join(root, f)));
}

describe('compliance: banned wording', () => {
  it('finds the banned terms it is meant to find', () => {
    // Built from fragments, so that this file holds none of the words either.
    const samples = [
      ['multi', '-level market', 'ing'],
      ['down', 'line'],
      ['recr', 'uiting'],
      ['ear', 'nings'],
      ['in', 'come'],
      ['hier', 'archy'],
    ];
    for (const parts of samples)
      expect(findBannedTerm(`a ${parts.join('')} b`), parts.join('')).toBeDefined();
    expect(findBannedTerm('Participants, relationships, segments and interventions')).toBeUndefined();
    // Hidden from a plain match but read whole: zero-width characters, a soft hyphen, full-width letters.
    for (const parts of samples) {
      const word = parts.join('');
      for (const hidden of ['\u200b', '\u200d', '\u00ad', '\u2060', '\ufeff'])
        expect(findBannedTerm(`a ${[...word].join(hidden)} b`), `${word} split by ${hidden}`).toBeDefined();
      const fullWidth = word.replace(/[a-z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
      expect(findBannedTerm(`a ${fullWidth} b`), `full-width ${word}`).toBeDefined();
    }
    expect(isBannedColumnName(['par', 'ent_id'].join(''))).toBe(true);
    expect(isBannedColumnName('le' + 'vel')).toBe(true);
    expect(isBannedColumnName('last_activity_at')).toBe(false);
  });

  it('appears in no tracked file', () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(20);
    const hits: string[] = [];
    for (const file of files) {
      const content = fs.readFileSync(path.join(root, file));
      if (content.includes(0)) continue; // binary
      const lines = content.toString('utf8').split('\n');
      lines.forEach((line, i) => {
        // The lockfile is third-party metadata (hashes, funding links); what we choose there is which
        // packages we depend on, so only their names are checked.
        if (file === 'package-lock.json' && !/^\s*"(node_modules\/[^"]+|name)":/.test(line)) return;
        const term = findBannedTerm(line);
        if (term) hits.push(`${file}:${i + 1}: "${term}"`);
      });
      const nameTerm = findBannedTerm(file.replace(/[/_.-]/g, ' '));
      if (nameTerm) hits.push(`${file}: file name contains "${nameTerm}"`);
    }
    expect(hits).toEqual([]);
  });
});

describeEachDatabase(
  'compliance: live schema',
  ({ db }) => {
    it('has no banned wording and no chain-of-people columns', async () => {
      const columns = await queryRows<{ table_name: string; column_name: string }>(
        db().db,
        sql`SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      );
      expect(columns.length).toBeGreaterThan(50);
      const bad = columns
        .filter((c) => isBannedColumnName(c.column_name) || findBannedTerm(c.table_name.replace(/_/g, ' ')))
        .map((c) => `${c.table_name}.${c.column_name}`);
      expect(bad).toEqual([]);
    });
  },
  { keepData: true },
);
