import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { canonicalJson, eventContentHash, linkHash } from '../../src/lib/audit-chain/canonical';
import { queryRows } from '../../src/lib/db';
import { describeEachDatabase } from '../setup/databases';

// The database links events with its plpgsql canonical JSON; verifiers recompute it in TypeScript (and
// in scripts/verify-audit-export.mjs). If the two ever wrote one value differently, an untouched chain
// would fail to verify: these properties hold them equal.

// Text PostgreSQL can hold: no NUL, no unpaired surrogate.
const storable = (s: string) => !/\u0000|[\uD800-\uDFFF]/u.test(s);
const text = fc.string({ unit: 'binary', maxLength: 12 }).filter(storable);
const key = fc.oneof(
  text,
  fc.constantFrom('a', 'b', 'A', '\uE000', '\u{1F600}', '\uFF61', 'é', 'e\u0301', ''),
);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, 1e-6, 123e20, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2, 0.1 + 0.2),
);
const { value: metadata } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    text,
    number,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
}));

describeEachDatabase(
  'audit chain canonical JSON',
  ({ db }) => {
    it('is the same in SQL and TypeScript for arbitrary values (Unicode, nesting, numbers)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(metadata, { minLength: 1, maxLength: 20 }), async (values) => {
          // Through jsonb and back, as an event's metadata travels.
          const rows = await queryRows<{ canonical: string; stored: unknown }>(
            db().db,
            sql`SELECT audit_canonical_json(v) AS canonical, v AS stored
                FROM jsonb_array_elements(${JSON.stringify(values)}::jsonb) WITH ORDINALITY AS a(v, n) ORDER BY n`,
          );
          expect(rows.map((r) => r.canonical)).toEqual(rows.map((r) => canonicalJson(r.stored)));
          expect(rows.map((r) => r.canonical)).toEqual(values.map((v) => canonicalJson(v)));
        }),
        { numRuns: 150 },
      );
    });

    it('hashes event content and links the same in SQL and TypeScript', async () => {
      const event = fc.record({
        orgId: fc.uuid(),
        id: fc.uuid(),
        actorUserId: fc.option(fc.uuid()),
        actorRole: fc.option(text),
        eventType: fc.constantFrom('graph.viewed', 'member.added'),
        targetType: fc.option(text),
        targetId: fc.option(text),
        metadata: fc.dictionary(key, metadata, { maxKeys: 6 }),
        personalDigest: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/)),
        createdAt: fc
          .date({ min: new Date('1970-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
          .chain((d) =>
            fc
              .integer({ min: 0, max: 999 })
              .map((us) => d.toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`)),
          ),
      });
      await fc.assert(
        fc.asyncProperty(event, fc.integer({ min: 1, max: 2 ** 40 }), async (e, seq) => {
          const [row] = await queryRows<{ content: string; link: string }>(
            db().db,
            sql`SELECT audit_sha256(audit_event_content(${e.orgId}::uuid, ${e.id}::uuid, ${e.actorUserId}::uuid,
                  ${e.actorRole}, ${e.eventType}, ${e.targetType}, ${e.targetId}, ${JSON.stringify(e.metadata)}::jsonb,
                  ${e.createdAt}::timestamptz, ${e.personalDigest}::text)) AS content,
                audit_link_hash(${'ab'.repeat(32)}, ${'0'.repeat(64)}, ${seq}::bigint) AS link`,
          );
          expect(row!.content).toBe(eventContentHash(e));
          expect(row!.link).toBe(linkHash('ab'.repeat(32), '0'.repeat(64), seq));
        }),
        { numRuns: 100 },
      );
    });
  },
  { keepData: true },
);
