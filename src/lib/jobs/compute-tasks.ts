import { computeAtlasRun } from '../atlas/compute-run';

/**
 * The computations a job may run in a worker thread: pure functions from structured-cloneable input to
 * output, reporting progress through the callback. A task is named so that the worker loads it by name.
 */
export const COMPUTE_TASKS = {
  'atlas.run': computeAtlasRun,
} as const;

/** The niceness of a computing thread: it yields the cores to requests and to the database. */
export const COMPUTE_NICENESS = 19;

export type ComputeTaskName = keyof typeof COMPUTE_TASKS;
export type ComputeInput<K extends ComputeTaskName> = Parameters<(typeof COMPUTE_TASKS)[K]>[0];
export type ComputeOutput<K extends ComputeTaskName> = ReturnType<(typeof COMPUTE_TASKS)[K]>;
export type ComputeProgress = (phase: string, fraction: number) => void;
