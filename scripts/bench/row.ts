// One line of the suite's table: what was measured, the app's figure beside its baseline's, and whether
// the target holds.
export interface Row {
  case: string;
  metric: string;
  app: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean;
}

/** A row as a case reports it: the suite adds the case's name. */
export type CaseRow = Omit<Row, 'case'>;

/** "median (min–max)" of a summary, to `digits` decimals. */
export const spread = (s: { median: number; min: number; max: number }, digits: number) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
