import { describe, expect, it } from 'vitest';
import {
  buildFlowChart,
  flowPeriods,
  stageCountRows,
  summariseFlows,
  weekStartOf,
  type StageMove,
} from '../../src/app/console/[orgId]/(overview)/_overview/stage-flow-series';

const move = (
  day: string,
  from: StageMove['from'],
  to: StageMove['to'],
  count: number,
  cause: StageMove['cause'] = 'engine',
): StageMove => ({
  day,
  from,
  to,
  cause,
  count,
});

describe('stage flow periods', () => {
  it('starts weeks on Monday', () => {
    expect(weekStartOf('2026-03-09')).toBe('2026-03-09'); // a Monday
    expect(weekStartOf('2026-03-15')).toBe('2026-03-09'); // the Sunday after
    expect(weekStartOf('1970-01-01')).toBe('1969-12-29'); // a Thursday
  });

  it('ends with the period that holds today, oldest first', () => {
    const days = flowPeriods('day', '2026-03-11');
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toBe('2026-03-11');
    expect(days[0]).toBe('2026-02-10');
    const weeks = flowPeriods('week', '2026-03-11');
    expect(weeks).toHaveLength(13);
    expect(weeks.at(-1)).toBe('2026-03-09');
    expect(weeks[0]).toBe('2025-12-15');
  });
});

describe('stage flow chart', () => {
  const moves = [
    move('2026-03-10', 'active', 'at_risk', 5),
    move('2026-03-11', 'active', 'at_risk', 2),
    move('2026-03-11', 'at_risk', 'active', 3),
    move('2026-03-11', 'at_risk', 'active', 1, 'operator'),
    move('2026-03-02', 'at_risk', 'dormant', 4),
    // Before the daily view, inside the weekly one.
    move('2026-01-05', 'dormant', 'active', 6),
  ];

  it('draws moves up above the axis and moves down below it: the engine’s per move, operators’ per direction', () => {
    const chart = buildFlowChart(moves, 'day', '2026-03-11');
    expect(chart.series.map((s) => [s.label, s.direction, s.total])).toEqual([
      ['At risk → Active', 'up', 3],
      ['Moved up by operators', 'up', 1],
      ['Active → At risk', 'down', 7],
      ['At risk → Dormant', 'down', 4],
    ]);
    const today = chart.rows.at(-1)!;
    expect(today).toEqual({
      period: '2026-03-11',
      'engine:at_risk:active': 3,
      'operator:up': 1,
      'engine:active:at_risk': -2,
      'engine:at_risk:dormant': 0,
    });
    expect(chart.totals).toEqual({ up: 4, down: 11, engine: 14, operator: 1 });
    expect(chart.series[1]!.color).toBe('var(--chart-4)');
    // At risk → active jumps over new (ENGAGEMENT_ORDER), so a lighter shade of active's colour.
    expect(chart.series[0]!.color).toBe('color-mix(in srgb, var(--stage-active) 70%, var(--card))');
    expect(chart.series[3]!.color).toBe('var(--stage-dormant)');
    expect(chart.table[0]).toEqual({
      period: '2026-03-11',
      from: 'active',
      to: 'at_risk',
      engine: 2,
      operator: 0,
    });
  });

  it('adds the days of a week together, and reaches back 13 weeks', () => {
    const chart = buildFlowChart(moves, 'week', '2026-03-11');
    const week = chart.rows.find((r) => r.period === '2026-03-09')!;
    expect(week['engine:active:at_risk']).toBe(-7);
    expect(chart.rows.find((r) => r.period === '2026-01-05')!['engine:dormant:active']).toBe(6);
    expect(chart.totals.up + chart.totals.down).toBe(21);
    expect(summariseFlows(chart)).toBe(
      'In the last 13 weeks, 21 stage changes: 10 up and 11 down, 1 of them by operators. Largest: active → at risk 7, dormant → active 6, at risk → dormant 4.',
    );
  });

  it('says when nothing moved', () => {
    const chart = buildFlowChart([], 'day', '2026-03-11');
    expect(chart.series).toEqual([]);
    expect(chart.rows).toHaveLength(30);
    expect(summariseFlows(chart)).toBe('No participant changed stage in the last 30 days.');
  });
});

describe('stage counts', () => {
  it('makes one row per recorded day with every stage', () => {
    expect(
      stageCountRows([
        { day: '2026-03-11', stage: 'active', count: 4 },
        { day: '2026-03-10', stage: 'dormant', count: 2 },
        { day: '2026-03-11', stage: 'dormant', count: 1 },
      ]),
    ).toEqual([
      { day: '2026-03-10', new: 0, active: 0, at_risk: 0, dormant: 2 },
      { day: '2026-03-11', new: 0, active: 4, at_risk: 0, dormant: 1 },
    ]);
  });
});
