import { LIFECYCLE_STAGES, type LifecycleStage } from '../../../../../lib/domain';
import { ENGAGEMENT_ORDER } from '../../../../../lib/engagement-state';
import { formatOrgDay, parseOrgDay } from '../../../../../lib/org-calendar';
import { STAGE_LABELS } from '../../../../../lib/ui/stages';

// The Overview's stage flows as chart data: the moves between stages per day or per week, moves up drawn
// above the axis and moves down below it. The stage update's moves have a series per move (from → to)
// in the colour of the stage they lead to, a lighter shade the further they jump; operators' moves are
// two series of their own (up, down) in one colour, so that what the engine did and what people did
// read apart at a glance, with every move by cause in the table. Pure: the page builds both views on
// the server and the toggle switches between them.

export type FlowGranularity = 'day' | 'week';
export const FLOW_GRANULARITIES = ['day', 'week'] as const satisfies readonly FlowGranularity[];

/** Days in the daily view, weeks in the weekly one (Monday first, as the interventions chart). */
export const FLOW_DAYS = 30;
export const FLOW_WEEKS = 13;

export interface StageMove {
  day: string;
  from: LifecycleStage;
  to: LifecycleStage;
  cause: 'engine' | 'operator';
  count: number;
}

export interface FlowSeries {
  key: string;
  label: string;
  color: string;
  direction: 'up' | 'down';
  cause: StageMove['cause'];
  total: number;
}

export interface FlowChart {
  granularity: FlowGranularity;
  /** One row per period, oldest first: `period` and each series' count (negative for moves down). */
  rows: Record<string, string | number>[];
  series: FlowSeries[];
  totals: { up: number; down: number; engine: number; operator: number };
  /** The moves per period and pair, newest first, for the table behind the chart. */
  table: { period: string; from: LifecycleStage; to: LifecycleStage; engine: number; operator: number }[];
}

/** The Monday that starts the week of a YYYY-MM-DD day (1970-01-01 was a Thursday). */
export function weekStartOf(day: string): string {
  const n = parseOrgDay(day);
  return formatOrgDay(n - ((((n + 3) % 7) + 7) % 7));
}

/** The periods of a view ending with the one that holds `today`, oldest first. */
export function flowPeriods(granularity: FlowGranularity, today: string): string[] {
  const end = granularity === 'day' ? parseOrgDay(today) : parseOrgDay(weekStartOf(today));
  const [count, step] = granularity === 'day' ? [FLOW_DAYS, 1] : [FLOW_WEEKS, 7];
  return Array.from({ length: count }, (_, i) => formatOrgDay(end - (count - 1 - i) * step));
}

const periodOf = (granularity: FlowGranularity, day: string) =>
  granularity === 'day' ? day : weekStartOf(day);

export function moveLabel(from: LifecycleStage, to: LifecycleStage): string {
  return `${STAGE_LABELS[from]} → ${STAGE_LABELS[to]}`;
}

/** Moves into one stage from several: the nearest source in full colour, farther ones lighter. */
const SHADE_BY_DISTANCE = [100, 100, 70, 45];

function seriesOf(move: StageMove): Omit<FlowSeries, 'total'> {
  const direction = ENGAGEMENT_ORDER[move.to] > ENGAGEMENT_ORDER[move.from] ? 'up' : 'down';
  if (move.cause === 'operator') {
    return {
      key: `operator:${direction}`,
      label: direction === 'up' ? 'Moved up by operators' : 'Moved down by operators',
      color: direction === 'up' ? 'var(--chart-4)' : 'color-mix(in srgb, var(--chart-4) 60%, var(--card))',
      direction,
      cause: 'operator',
    };
  }
  const distance = Math.abs(ENGAGEMENT_ORDER[move.to] - ENGAGEMENT_ORDER[move.from]);
  const shade = SHADE_BY_DISTANCE[distance]!;
  const stageColor = `var(--stage-${move.to})`;
  return {
    key: `engine:${move.from}:${move.to}`,
    label: moveLabel(move.from, move.to),
    color: shade === 100 ? stageColor : `color-mix(in srgb, ${stageColor} ${shade}%, var(--card))`,
    direction,
    cause: 'engine',
  };
}

const stageIndex = (stage: LifecycleStage) => LIFECYCLE_STAGES.indexOf(stage);

export function buildFlowChart(
  moves: readonly StageMove[],
  granularity: FlowGranularity,
  today: string,
): FlowChart {
  const periods = flowPeriods(granularity, today);
  const inView = new Set(periods);
  const rows = new Map(periods.map((period) => [period, { period } as Record<string, string | number>]));
  const series = new Map<string, FlowSeries>();
  const cells = new Map<string, FlowChart['table'][number]>();
  const totals = { up: 0, down: 0, engine: 0, operator: 0 };
  for (const move of moves) {
    const period = periodOf(granularity, move.day);
    if (!inView.has(period) || move.count <= 0) continue;
    const meta = seriesOf(move);
    const entry = series.get(meta.key) ?? { ...meta, total: 0 };
    entry.total += move.count;
    series.set(meta.key, entry);
    const row = rows.get(period)!;
    const signed = meta.direction === 'up' ? move.count : -move.count;
    row[meta.key] = ((row[meta.key] as number | undefined) ?? 0) + signed;
    totals[meta.direction] += move.count;
    totals[move.cause] += move.count;
    const cellKey = `${period}:${move.from}:${move.to}`;
    const cell = cells.get(cellKey) ?? { period, from: move.from, to: move.to, engine: 0, operator: 0 };
    cell[move.cause] += move.count;
    cells.set(cellKey, cell);
  }
  const ordered = [...series.values()].sort(
    (a, b) =>
      (a.direction === b.direction ? 0 : a.direction === 'up' ? -1 : 1) ||
      (a.cause === b.cause ? 0 : a.cause === 'engine' ? -1 : 1) ||
      b.total - a.total ||
      a.key.localeCompare(b.key),
  );
  // Every row names every series (0 where nothing moved), so tooltips and stacks line up.
  for (const row of rows.values()) for (const s of ordered) row[s.key] ??= 0;
  const table = [...cells.values()].sort(
    (a, b) =>
      b.period.localeCompare(a.period) ||
      stageIndex(a.from) - stageIndex(b.from) ||
      stageIndex(a.to) - stageIndex(b.to),
  );
  return { granularity, rows: [...rows.values()], series: ordered, totals, table };
}

/** One sentence for screen readers: how many moved up and down, and the largest moves. */
export function summariseFlows(chart: FlowChart): string {
  const span = chart.granularity === 'day' ? `the last ${FLOW_DAYS} days` : `the last ${FLOW_WEEKS} weeks`;
  const moved = chart.totals.up + chart.totals.down;
  if (moved === 0) return `No participant changed stage in ${span}.`;
  const largest = [...chart.series]
    .sort((a, b) => b.total - a.total)
    .slice(0, 3)
    .map((s) => `${s.label.toLowerCase()} ${s.total}`);
  return `In ${span}, ${moved} stage changes: ${chart.totals.up} up and ${chart.totals.down} down, ${chart.totals.operator} of them by operators. Largest: ${largest.join(', ')}.`;
}

export interface StageCountRow {
  day: string;
  new: number;
  active: number;
  at_risk: number;
  dormant: number;
}

/** The recorded daily counts as chart rows, one per day a stage update ran, oldest first. */
export function stageCountRows(
  counts: readonly { day: string; stage: LifecycleStage; count: number }[],
): StageCountRow[] {
  const rows = new Map<string, StageCountRow>();
  for (const c of counts) {
    const row = rows.get(c.day) ?? { day: c.day, new: 0, active: 0, at_risk: 0, dormant: 0 };
    row[c.stage] = c.count;
    rows.set(c.day, row);
  }
  return [...rows.values()].sort((a, b) => a.day.localeCompare(b.day));
}
