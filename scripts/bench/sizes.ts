import type { SizeName } from './options';

export interface BenchSize {
  participants: number;
  edges: number;
  /** Audit events about participants, for the detail and events cases. */
  events: number;
}

// The sizes. The synthetic org is deterministic (seed 1, a fixed clock), so every run at a size
// measures the same rows.
export const SIZES: Record<SizeName, BenchSize> = {
  S: { participants: 1_000, edges: 3_000, events: 20_000 },
  M: { participants: 100_000, edges: 500_000, events: 2_000_000 },
  L: { participants: 1_000_000, edges: 5_000_000, events: 10_000_000 },
};

export const FIXTURE_CLOCK = new Date('2026-06-01T12:00:00Z');
