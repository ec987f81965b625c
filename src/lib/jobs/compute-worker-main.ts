import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { COMPUTE_NICENESS, COMPUTE_TASKS, type ComputeTaskName } from './compute-tasks';

// Runs one task in this worker thread and posts its progress, then its result (or its error). Typed
// arrays in the result are transferred, not copied.

export type WorkerMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string };

function transferables(value: unknown, found: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) {
    // Arrays of plain values hold no buffers; only look into arrays of objects.
    if (value.length > 0 && typeof value[0] === 'object')
      for (const item of value) transferables(item, found);
  } else if (value && typeof value === 'object') {
    for (const item of Object.values(value)) transferables(item, found);
  }
  return [...found];
}

// On Linux a thread has a niceness of its own, and setpriority(0) names the calling thread: only this
// one yields, never the thread that answers requests. Elsewhere it would name the whole process.
if (process.platform === 'linux') os.setPriority(COMPUTE_NICENESS);

const { task, input } = workerData as { task: ComputeTaskName; input: never };
const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  parentPort!.postMessage(message, transfer);
try {
  const value = COMPUTE_TASKS[task](input, (phase, fraction) => post({ type: 'progress', phase, fraction }));
  post({ type: 'result', value }, transferables(value));
} catch (error) {
  post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
