import { describe, expect, it } from 'vitest';
import { loadParticipantsSearchParams } from '../../src/app/console/[orgId]/participants/participants-params';
import { AppError } from '../../src/lib/errors';
import { decodeCursor, encodeCursor } from '../../src/lib/pagination';
import { isInvisibleText, isStorableText } from '../../src/lib/unicode-text';
import {
  memberCursorSchema,
  participantCursorSchema,
  timeKeyCursorSchema,
} from '../../src/lib/validation/cursors';
import { createInterventionBodySchema } from '../../src/lib/validation/interventions';
import { dismissRecommendationBodySchema } from '../../src/lib/validation/recommendations';
import { optionalWordsSchema, requiredWordsSchema, textSchema } from '../../src/lib/validation/text';

const ID = '00000000-0000-4000-8000-000000000001';
const INVISIBLE = [
  '',
  ' ',
  '\u200B',
  '\u200C\u200D',
  '\u2060',
  '\uFEFF',
  '\u200B \u00AD\u202E\t\n',
  '\u3164',
];

describe('text from a request', () => {
  it('refuses NUL and unpaired surrogates, keeps paired ones and zero-width characters inside words', () => {
    for (const bad of ['\u0000', 'a\u0000b', '\uD800', 'a\uDC00', '\uDBFFx', 'x\uDFFF\uD800'])
      expect(isStorableText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of ['', 'plain', '😀', '\uD83D\uDE00', 'a\u200Bb', 'e\u0301', '%00'])
      expect(isStorableText(good), JSON.stringify(good)).toBe(true);
    const refused = textSchema.safeParse('a\u0000b');
    expect(refused.error?.issues[0]?.message).toBe('must not contain NUL characters or unpaired surrogates');
  });

  it('counts text made only of whitespace, format characters and other invisible ones as empty', () => {
    for (const blank of INVISIBLE) expect(isInvisibleText(blank), JSON.stringify(blank)).toBe(true);
    for (const seen of ['a', '\u200Ba', '.', '😀', '\u0301x']) expect(isInvisibleText(seen)).toBe(false);
  });

  it('refuses invisible-only text where words are required, and drops it where they are optional', () => {
    for (const blank of INVISIBLE) {
      expect(requiredWordsSchema(100).safeParse(blank).error?.issues[0]?.message).toBe('is required');
      expect(optionalWordsSchema(100).parse(blank)).toBeUndefined();
    }
    expect(requiredWordsSchema(100).parse('  because  ')).toBe('because');
    expect(optionalWordsSchema(100).parse(' a\u200Bb ')).toBe('a\u200Bb');
    expect(requiredWordsSchema(3).safeParse('four').success).toBe(false);
  });

  it('an intervention needs a visible reason, and add_note a visible note', () => {
    const body = {
      type: 'add_note',
      scope: 'participant',
      targetIds: [ID],
      reason: '\u200B\u200B',
      newState: { note: '\uFEFF' },
    };
    const issues = createInterventionBodySchema.safeParse(body).error?.issues.map((i) => i.path.join('.'));
    expect(issues).toEqual(expect.arrayContaining(['reason', 'newState.note']));
  });

  it('a dismissal note made of zero-width spaces is kept as absent', () => {
    expect(dismissRecommendationBodySchema.parse({ reasonCode: 'not_relevant', note: '\u200B' })).toEqual({
      reasonCode: 'not_relevant',
      note: undefined,
    });
  });

  // (A URL cannot carry an unpaired surrogate: its UTF-8 decodes to U+FFFD.)
  it("the console's URL filters read NUL and invisible-only text as no filter", () => {
    const url = (q: string) => loadParticipantsSearchParams(new URLSearchParams({ q, role: q }));
    for (const value of ['\u0000', '%00x\u0000', '\u200B\u2060'])
      expect(url(value)).toMatchObject({ q: null, role: null });
    expect(url(' ava ')).toMatchObject({ q: 'ava', role: 'ava' });
  });
});

describe('cursors', () => {
  const decodeTimeKey = (key: unknown) =>
    decodeCursor(Buffer.from(JSON.stringify(key)).toString('base64url'), timeKeyCursorSchema);

  it('decodes what the lists write', () => {
    const key = { at: '2026-01-31T12:00:00.123456Z', id: ID };
    expect(decodeCursor(encodeCursor(key), timeKeyCursorSchema)).toEqual(key);
    expect(decodeCursor(encodeCursor({ email: 'a@b.example', id: ID }), memberCursorSchema).email).toBe(
      'a@b.example',
    );
    expect(
      decodeCursor(encodeCursor({ sort: '-lastActivity', key: '', id: ID }), participantCursorSchema).sort,
    ).toBe('-lastActivity');
  });

  it.each([
    ['year 0000', { at: '0000-01-01T00:00:00.000000Z', id: ID }],
    ['a day that does not exist', { at: '2026-02-30T00:00:00.000000Z', id: ID }],
    ['a time that does not exist', { at: '2026-01-01T24:00:00.000000Z', id: ID }],
    ['a five-digit year', { at: '10000-01-01T00:00:00.000000Z', id: ID }],
    ['not a timestamp', { at: 'yesterday', id: ID }],
    ['an offset the lists never write', { at: '2026-01-01T00:00:00.000000+01:00', id: ID }],
    ['a non-uuid id', { at: '2026-01-01T00:00:00.000000Z', id: 'x' }],
    ['a NUL byte', { at: '2026-01-01T00:00:00.000000Z\u0000', id: ID }],
    ['a number', { at: 1e308, id: ID }],
    ['an extra key', { at: '2026-01-01T00:00:00.000000Z', id: ID, sql: 'x' }],
    ['an array', [ID]],
    ['null', null],
  ])('refuses %s as a 400 naming the cursor', (_, key) => {
    expect(() => decodeTimeKey(key)).toThrow(
      expect.objectContaining({
        code: 'bad_request',
        fields: [{ path: 'cursor', message: 'is not a cursor from this list' }],
      }) as AppError,
    );
  });

  it('refuses base64 of something that is not JSON, and a member cursor with NUL in its email', () => {
    expect(() => decodeCursor('!!!!', timeKeyCursorSchema)).toThrow(AppError);
    expect(() =>
      decodeCursor(Buffer.from([0xff, 0xfe, 0x00]).toString('base64url'), memberCursorSchema),
    ).toThrow(AppError);
    expect(() => decodeCursor(encodeCursor({ email: 'a\u0000@b', id: ID }), memberCursorSchema)).toThrow(
      AppError,
    );
  });
});
