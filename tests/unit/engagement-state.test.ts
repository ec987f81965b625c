import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LIFECYCLE_STAGES, type LifecycleStage } from '../../src/lib/domain';
import {
  decideEngagementStage,
  DEFAULT_STAGE_GRACE_DAYS,
  ENGAGEMENT_ORDER,
  type EngagementFacts,
  type EngagementRules,
} from '../../src/lib/engagement-state';
import {
  formatOrgDay,
  orgDayCounting,
  orgDayOf,
  parseOrgDay,
  startOfOrgDay,
} from '../../src/lib/org-calendar';

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

const thresholds = { newDays: 14, activeDays: 30, dormantDays: 60 };
const chicago: EngagementRules = {
  thresholds,
  timeZone: 'America/Chicago',
  graceDays: DEFAULT_STAGE_GRACE_DAYS,
};
const berlin: EngagementRules = { ...chicago, timeZone: 'Europe/Berlin' };

/** A participant created long ago, so that only its activity decides. */
const facts = (over: Partial<EngagementFacts>): EngagementFacts => ({
  createdAt: at('2025-01-01T12:00:00Z'),
  lastActivityAt: null,
  stage: 'active',
  operatorSetAt: null,
  ...over,
});

describe('org calendar days', () => {
  const dayLength = (day: string, tz: string) =>
    (startOfOrgDay(parseOrgDay(day) + 1, tz).getTime() - startOfOrgDay(parseOrgDay(day), tz).getTime()) /
    HOUR;

  it('counts the spring-forward day in Chicago as 23 hours and the fall-back day in Berlin as 25', () => {
    expect(startOfOrgDay(parseOrgDay('2026-03-08'), 'America/Chicago').toISOString()).toBe(
      '2026-03-08T06:00:00.000Z',
    );
    expect(dayLength('2026-03-08', 'America/Chicago')).toBe(23);
    expect(startOfOrgDay(parseOrgDay('2026-10-25'), 'Europe/Berlin').toISOString()).toBe(
      '2026-10-24T22:00:00.000Z',
    );
    expect(dayLength('2026-10-25', 'Europe/Berlin')).toBe(25);
    expect(dayLength('2026-02-10', 'America/Chicago')).toBe(24);
  });

  // Where DST changes at midnight itself, PostgreSQL takes the later instant for a skipped or repeated
  // local time; the segment queries' bounds follow that, so the engine does too.
  it('resolves a skipped or repeated midnight as PostgreSQL does (Havana)', () => {
    // 2026-03-08: 00:00 CST jumps to 01:00 CDT; the day starts at 01:00 CDT.
    expect(startOfOrgDay(parseOrgDay('2026-03-08'), 'America/Havana').toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    );
    // 2026-11-01: 01:00 CDT falls back to 00:00 CST; midnight happens twice and the day starts at the second.
    expect(startOfOrgDay(parseOrgDay('2026-11-01'), 'America/Havana').toISOString()).toBe(
      '2026-11-01T05:00:00.000Z',
    );
    const firstMidnightHour = at('2026-11-01T04:30:00Z');
    expect(formatOrgDay(orgDayOf(firstMidnightHour, 'America/Havana'))).toBe('2026-11-01');
    expect(formatOrgDay(orgDayCounting(firstMidnightHour, 'America/Havana'))).toBe('2026-10-31');
  });

  it('reads and writes days as YYYY-MM-DD', () => {
    expect(formatOrgDay(parseOrgDay('2024-02-29'))).toBe('2024-02-29');
    expect(parseOrgDay('1970-01-02')).toBe(1);
  });
});

describe('boundary days in the org time zone', () => {
  // Tuesday 2026-02-10, noon in Chicago (UTC−6).
  const now = at('2026-02-10T18:00:00Z');
  const due = (over: Partial<EngagementFacts>, rules = chicago) =>
    decideEngagementStage(facts(over), rules, now).dueStage;

  it.each([
    ['29 days ago', '2026-01-12T18:00:00Z', 'active'],
    ['exactly 30 days ago', '2026-01-11T18:00:00Z', 'active'],
    ['31 days ago', '2026-01-10T18:00:00Z', 'at_risk'],
    ['59 days ago', '2025-12-13T18:00:00Z', 'at_risk'],
    ['exactly 60 days ago', '2025-12-12T18:00:00Z', 'at_risk'],
    ['61 days ago', '2025-12-11T18:00:00Z', 'dormant'],
  ] as const)('last active %s: %s', (_, last, stage) => {
    expect(due({ lastActivityAt: at(last) })).toBe(stage);
  });

  it.each([
    ['13 days ago', '2026-01-28T18:00:00Z', 'new'],
    ['exactly 14 days ago', '2026-01-27T18:00:00Z', 'new'],
    ['15 days ago', '2026-01-26T18:00:00Z', 'active'],
  ] as const)('created %s: %s', (_, created, stage) => {
    expect(due({ createdAt: at(created), lastActivityAt: now })).toBe(stage);
  });

  it('starts each day at local midnight, not at UTC midnight', () => {
    // 2026-01-11 00:00 in Chicago is 06:00 UTC: an instant before it is still 2026-01-10 there.
    expect(due({ lastActivityAt: at('2026-01-11T06:00:00Z') })).toBe('active');
    expect(due({ lastActivityAt: at('2026-01-11T05:59:59Z') })).toBe('at_risk');
    // The same instants in UTC fall on the other side of the boundary for an org on UTC.
    const utc = { ...chicago, timeZone: 'UTC' };
    expect(due({ lastActivityAt: at('2026-01-11T05:59:59Z') }, utc)).toBe('active');
    expect(due({ lastActivityAt: at('2026-01-10T23:59:59Z') }, utc)).toBe('at_risk');
  });
});

describe('a DST change in the org time zone', () => {
  it('Chicago spring-forward: the 23-hour day is a whole day', () => {
    // Last active Saturday 2026-03-07 23:30 CST; 30 calendar days later is Monday 2026-04-06.
    const lastActivityAt = at('2026-03-08T05:30:00Z');
    const decide = (now: string) => decideEngagementStage(facts({ lastActivityAt }), chicago, at(now));
    expect(decide('2026-04-07T04:45:00Z').dueStage).toBe('active'); // Apr 6, 23:45 CDT
    // Apr 7, 00:15 CDT: at risk, though less than 30 × 24 hours have passed (the 23-hour day counts whole).
    expect(at('2026-04-07T05:15:00Z').getTime() - lastActivityAt.getTime()).toBeLessThan(30 * 24 * HOUR);
    expect(decide('2026-04-07T05:15:00Z').dueStage).toBe('at_risk');
  });

  it('Berlin fall-back: the 25-hour day is a whole day', () => {
    // Last active Saturday 2026-10-24 23:30 CEST; 30 calendar days later is Monday 2026-11-23.
    const lastActivityAt = at('2026-10-24T21:30:00Z');
    const decide = (now: string) => decideEngagementStage(facts({ lastActivityAt }), berlin, at(now));
    // Nov 23, 23:00 CET: still active, though more than 30 × 24 hours have passed.
    expect(at('2026-11-23T22:00:00Z').getTime() - lastActivityAt.getTime()).toBeGreaterThan(30 * 24 * HOUR);
    expect(decide('2026-11-23T22:00:00Z').dueStage).toBe('active');
    expect(decide('2026-11-23T23:10:00Z').dueStage).toBe('at_risk'); // Nov 24, 00:10 CET
  });

  it('Berlin fall-back: a grace of one day lasts the whole 25-hour day', () => {
    // Active with a 1-day threshold: last active 2026-10-23, so at risk is due from Sunday 2026-10-25.
    const rules = { ...berlin, thresholds: { newDays: 1, activeDays: 1, dormantDays: 60 }, graceDays: 1 };
    const input = facts({ lastActivityAt: at('2026-10-23T10:00:00Z') });
    // Oct 25, 23:30 CET: 24.5 hours into the day, still day 0 of the grace.
    const late = decideEngagementStage(input, rules, at('2026-10-25T22:30:00Z'));
    expect(late).toMatchObject({
      reason: 'held_by_grace',
      lowerDueSince: '2026-10-25',
      heldUntil: '2026-10-26',
    });
    expect(decideEngagementStage(input, rules, at('2026-10-25T23:00:00Z'))).toMatchObject({
      stage: 'at_risk',
      reason: 'demoted',
    });
  });
});

describe('never active', () => {
  // Created Thursday 2026-01-01 at noon in Chicago; new through 2026-01-15, dormant due from 2026-01-16.
  const input = facts({ createdAt: at('2026-01-01T18:00:00Z'), lastActivityAt: null, stage: 'new' });
  const decide = (now: string) => decideEngagementStage(input, chicago, at(now));

  it('is new while young', () => {
    expect(decide('2026-01-01T18:00:00Z')).toMatchObject({
      stage: 'new',
      reason: 'unchanged',
      changed: false,
    });
    expect(decide('2026-01-16T05:59:59Z')).toMatchObject({ stage: 'new', dueStage: 'new' }); // Jan 15, 23:59:59
  });

  it('is due dormant once no longer new, and becomes dormant after the grace', () => {
    expect(decide('2026-01-16T06:00:00Z')).toMatchObject({
      stage: 'new',
      dueStage: 'dormant',
      reason: 'held_by_grace',
      lowerDueSince: '2026-01-16',
      heldUntil: '2026-01-23',
    });
    expect(decide('2026-01-23T05:59:59Z').reason).toBe('held_by_grace'); // Jan 22: day 6 of 7
    expect(decide('2026-01-23T06:00:00Z')).toMatchObject({
      stage: 'dormant',
      changed: true,
      reason: 'demoted',
    });
  });

  it('is unchanged once dormant', () => {
    const dormant = { ...input, stage: 'dormant' as const };
    expect(decideEngagementStage(dormant, chicago, at('2026-06-01T12:00:00Z'))).toMatchObject({
      stage: 'dormant',
      reason: 'unchanged',
      lowerDueSince: null,
    });
  });
});

describe('promote at once', () => {
  const now = at('2026-02-10T18:00:00Z');

  it.each(['dormant', 'at_risk'] as const)('from %s to active the moment activity returns', (stage) => {
    expect(decideEngagementStage(facts({ stage, lastActivityAt: now }), chicago, now)).toMatchObject({
      stage: 'active',
      changed: true,
      reason: 'promoted',
      lowerDueSince: null,
      heldUntil: null,
    });
  });

  it('from dormant to new for a young participant', () => {
    const young = facts({ stage: 'dormant', createdAt: at('2026-02-09T18:00:00Z') });
    expect(decideEngagementStage(young, chicago, now)).toMatchObject({ stage: 'new', reason: 'promoted' });
  });

  it('from new to active when a newcomer who has been active ages out', () => {
    const grown = facts({
      stage: 'new',
      createdAt: at('2026-01-20T18:00:00Z'),
      lastActivityAt: at('2026-02-01T18:00:00Z'),
    });
    expect(decideEngagementStage(grown, chicago, now)).toMatchObject({ stage: 'active', reason: 'promoted' });
  });
});

describe('demote after the grace period', () => {
  // Last active 2026-01-01 at noon in Chicago: at risk is due from 2026-02-01 (day 0 of the grace).
  const input = facts({ stage: 'active', lastActivityAt: at('2026-01-01T18:00:00Z') });
  const decide = (now: string, over: Partial<EngagementFacts> = {}) =>
    decideEngagementStage({ ...input, ...over }, chicago, at(now));

  it('holds on day grace − 1 and demotes on day grace', () => {
    expect(decide('2026-01-31T18:00:00Z')).toMatchObject({ reason: 'unchanged', dueStage: 'active' });
    expect(decide('2026-02-01T06:00:00Z')).toMatchObject({
      stage: 'active',
      dueStage: 'at_risk',
      reason: 'held_by_grace',
      lowerDueSince: '2026-02-01',
      heldUntil: '2026-02-08',
    });
    expect(decide('2026-02-08T05:59:59Z')).toMatchObject({ stage: 'active', reason: 'held_by_grace' }); // day 6
    expect(decide('2026-02-08T06:00:00Z')).toMatchObject({
      stage: 'at_risk',
      changed: true,
      reason: 'demoted',
    }); // day 7
  });

  it('demotes at once with a grace of 0 days', () => {
    expect(
      decideEngagementStage(input, { ...chicago, graceDays: 0 }, at('2026-02-01T06:00:00Z')),
    ).toMatchObject({
      stage: 'at_risk',
      reason: 'demoted',
    });
  });

  it('counts the grace from the first day a lower stage was due, so a late run goes straight to dormant', () => {
    // Dormant is due from 2026-03-03, only a day ago; below active has been due since 2026-02-01.
    expect(decide('2026-03-04T18:00:00Z')).toMatchObject({
      stage: 'dormant',
      dueStage: 'dormant',
      reason: 'demoted',
      lowerDueSince: '2026-02-01',
    });
  });

  it('holds at risk until dormant itself has been due for the grace', () => {
    expect(decide('2026-03-04T18:00:00Z', { stage: 'at_risk' })).toMatchObject({
      stage: 'at_risk',
      reason: 'held_by_grace',
      lowerDueSince: '2026-03-03',
      heldUntil: '2026-03-10',
    });
  });

  it('starts the grace again after activity returns', () => {
    const back = { lastActivityAt: at('2026-02-05T18:00:00Z') };
    expect(decide('2026-02-05T19:00:00Z', back).reason).toBe('unchanged');
    // At risk is due again from 2026-03-08, so 2026-03-10 is only day 2.
    expect(decide('2026-03-10T18:00:00Z', back)).toMatchObject({
      reason: 'held_by_grace',
      lowerDueSince: '2026-03-08',
    });
  });
});

describe('a stage an operator set', () => {
  // Active by its activity; an operator set it to dormant on 2026-02-10 at noon, Chicago.
  const operatorSetAt = at('2026-02-10T18:00:00Z');
  const input = facts({ stage: 'dormant', lastActivityAt: at('2026-02-09T18:00:00Z'), operatorSetAt });
  const decide = (now: string, over: Partial<EngagementFacts> = {}) =>
    decideEngagementStage({ ...input, ...over }, chicago, at(now));

  it('is respected within the grace period, up as well as down', () => {
    expect(decide('2026-02-10T18:00:00Z')).toMatchObject({
      stage: 'dormant',
      changed: false,
      dueStage: 'active',
      reason: 'held_operator_set',
      heldUntil: '2026-02-17',
    });
    expect(decide('2026-02-17T05:59:59Z').reason).toBe('held_operator_set'); // Feb 16, day 6
  });

  it('is not respected after it', () => {
    expect(decide('2026-02-17T06:00:00Z')).toMatchObject({ stage: 'active', reason: 'promoted' });
  });

  it('yields at once to a lower stage that has been due for longer than the grace', () => {
    // Set to active on 2026-02-10 though activity stopped on 2025-11-01 (dormant due since 2026-01-01).
    const over = { stage: 'active' as const, lastActivityAt: at('2025-11-01T17:00:00Z') };
    expect(decide('2026-02-16T18:00:00Z', over).reason).toBe('held_operator_set');
    expect(decide('2026-02-17T06:00:00Z', over)).toMatchObject({ stage: 'dormant', reason: 'demoted' });
  });

  it('hands over to the grace of a lower stage that became due after the operator set it', () => {
    // Set to active on 2026-02-10, last active 2026-01-14: at risk is due from 2026-02-14.
    const over = { stage: 'active' as const, lastActivityAt: at('2026-01-14T18:00:00Z') };
    expect(decide('2026-02-15T18:00:00Z', over)).toMatchObject({
      reason: 'held_operator_set',
      heldUntil: '2026-02-21',
    });
    expect(decide('2026-02-18T18:00:00Z', over)).toMatchObject({
      reason: 'held_by_grace',
      heldUntil: '2026-02-21',
    });
    expect(decide('2026-02-21T18:00:00Z', over)).toMatchObject({ stage: 'at_risk', reason: 'demoted' });
  });

  it('changes nothing when activity agrees with it', () => {
    expect(decide('2026-02-10T18:00:00Z', { stage: 'active' })).toMatchObject({ reason: 'unchanged' });
  });
});

describe('input checks', () => {
  it.each([
    ['graceDays', { ...chicago, graceDays: -1 }],
    ['graceDays', { ...chicago, graceDays: 1.5 }],
    ['activeDays', { ...chicago, thresholds: { ...thresholds, activeDays: Number.NaN } }],
  ])('refuses a bad %s', (name, rules) => {
    expect(() => decideEngagementStage(facts({}), rules, at('2026-02-10T18:00:00Z'))).toThrow(name);
  });
});

describe('properties', () => {
  const zones = [
    'America/Chicago',
    'Europe/Berlin',
    'America/Havana',
    'Australia/Lord_Howe',
    'Asia/Kolkata',
    'UTC',
  ];
  const instant = fc.date({
    min: at('2024-01-01T00:00:00Z'),
    max: at('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  });
  const scenario = fc.record({
    createdAt: instant,
    lastActivityAt: fc.option(instant, { nil: null }),
    stage: fc.constantFrom<LifecycleStage>(...LIFECYCLE_STAGES),
    operatorSetAt: fc.option(instant, { nil: null }),
    now: instant,
    timeZone: fc.constantFrom(...zones),
    newDays: fc.integer({ min: 1, max: 60 }),
    activeDays: fc.integer({ min: 1, max: 120 }),
    extraDormantDays: fc.integer({ min: 1, max: 240 }),
    graceDays: fc.integer({ min: 0, max: 21 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  const split = (s: Scenario) => {
    const input: EngagementFacts = {
      createdAt: s.createdAt,
      lastActivityAt: s.lastActivityAt,
      stage: s.stage,
      operatorSetAt: s.operatorSetAt,
    };
    const rules: EngagementRules = {
      timeZone: s.timeZone,
      graceDays: s.graceDays,
      thresholds: {
        newDays: s.newDays,
        activeDays: s.activeDays,
        dormantDays: s.activeDays + s.extraDormantDays,
      },
    };
    return { input, rules, now: s.now };
  };

  it('never moves down past the due stage, and moves only to it', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { input, rules, now } = split(s);
        const d = decideEngagementStage(input, rules, now);
        expect([input.stage, d.dueStage]).toContain(d.stage);
        expect(ENGAGEMENT_ORDER[d.stage]).toBeGreaterThanOrEqual(
          Math.min(ENGAGEMENT_ORDER[input.stage], ENGAGEMENT_ORDER[d.dueStage]),
        );
        if (ENGAGEMENT_ORDER[d.stage] < ENGAGEMENT_ORDER[input.stage]) expect(d.reason).toBe('demoted');
        expect(d.changed).toBe(d.reason === 'promoted' || d.reason === 'demoted');
        expect(d.changed).toBe(d.stage !== input.stage);
      }),
      { numRuns: 2000 },
    );
  });

  it('is a fixed point: applying it again at the same now changes nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { input, rules, now } = split(s);
        const once = decideEngagementStage(input, rules, now);
        const twice = decideEngagementStage({ ...input, stage: once.stage }, rules, now);
        expect(twice.stage).toBe(once.stage);
        expect(twice.changed).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('computes the due stage as the segment queries do, from local-midnight bounds', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { input, rules, now } = split(s);
        const { newDays, activeDays, dormantDays } = rules.thresholds;
        // segments.ts: x >= (date_trunc('day', now() AT TIME ZONE tz) - N days) AT TIME ZONE tz
        const bound = (n: number) =>
          startOfOrgDay(orgDayOf(now, rules.timeZone) - n, rules.timeZone).getTime();
        const last = input.lastActivityAt?.getTime() ?? null;
        const expected =
          input.createdAt.getTime() >= bound(newDays)
            ? 'new'
            : last !== null && last >= bound(activeDays)
              ? 'active'
              : last !== null && last >= bound(dormantDays)
                ? 'at_risk'
                : 'dormant';
        expect(decideEngagementStage(input, rules, now).dueStage).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('applies a held demotion on the day it names', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { input, rules, now } = split(s);
        const unset = { ...input, operatorSetAt: null };
        const held = decideEngagementStage(unset, rules, now);
        if (held.reason !== 'held_by_grace') return;
        const heldUntil = parseOrgDay(held.heldUntil!);
        const lastHeld = Math.max(startOfOrgDay(heldUntil - 1, rules.timeZone).getTime(), now.getTime());
        const before = decideEngagementStage(unset, rules, new Date(lastHeld)).reason;
        const on = decideEngagementStage(unset, rules, startOfOrgDay(heldUntil, rules.timeZone));
        if (held.dueStage !== 'new') {
          expect(before).toBe('held_by_grace');
          expect(on.reason).toBe('demoted');
          return;
        }
        // A newcomer stored as active: the newcomer window may end within the grace, activity then
        // points back to active, and any later slide is a new run with a grace of its own.
        expect(['held_by_grace', 'unchanged']).toContain(before);
        if (on.reason === 'held_by_grace') expect(on.lowerDueSince! > held.lowerDueSince!).toBe(true);
        else expect(['demoted', 'unchanged']).toContain(on.reason);
      }),
      { numRuns: 2000 },
    );
  });
});
