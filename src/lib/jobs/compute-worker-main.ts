import { parentPort } from 'node:worker_threads';
import { COMPUTE_TASKS, type ComputeTaskName } from './compute-tasks';
import { transferables } from './transferables';

// Runs one task in this worker thread — the first message names it and brings its input — and posts
// its progress, then its result (or its error). Typed arrays in the result are transferred, not copied.

export interface ComputeRequest {
  task: ComputeTaskName;
  input: unknown;
}

export type WorkerMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);
parentPort!.once('message', ({ task, input }: ComputeRequest) => {
  try {
    const value = COMPUTE_TASKS[task](input as never, (phase, fraction) =>
      post({ type: 'progress', phase, fraction }),
    );
    post({ type: 'result', value }, transferables(value));
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
