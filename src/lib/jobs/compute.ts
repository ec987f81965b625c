import { Worker } from 'node:worker_threads';
import {
  COMPUTE_NICENESS,
  type ComputeInput,
  type ComputeOutput,
  type ComputeProgress,
  type ComputeTaskName,
} from './compute-tasks';
import type { ComputeRequest, WorkerMessage } from './compute-worker-main';
import { transferables } from './transferables';

/** A computation stopped because its job was cancelled or ran out of time. */
export class ComputeAbortedError extends Error {
  override name = 'ComputeAbortedError';
}

/**
 * Runs a named pure computation in a worker thread of its own, so that no request waits while it
 * thinks. The thread starts at once and loads its code (a quarter of a second) while `input` is still
 * on its way — a promise, say, of the graph being read — and is sent the input when it comes. Aborting
 * `signal`, or `input` failing, terminates the thread at once (a pure computation leaves nothing
 * behind). The typed arrays of `input` that own their buffers are handed to the thread, not copied
 * (an Atlas run's graph at L: ~200 MB, copied on the event loop before; decision 068): the caller's
 * views of them are empty once it has been sent.
 */
export function runCompute<K extends ComputeTaskName>(
  task: K,
  input: ComputeInput<K> | PromiseLike<ComputeInput<K>>,
  options: { signal?: AbortSignal; onProgress?: ComputeProgress; maxOldGenerationSizeMb?: number } = {},
): Promise<ComputeOutput<K>> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new ComputeAbortedError(String(options.signal.reason)));
    const worker = new Worker(new URL('./compute-worker.mjs', import.meta.url), {
      workerData: { niceness: COMPUTE_NICENESS },
      resourceLimits: { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 4096 },
    });
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      finish();
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(new ComputeAbortedError(String(options.signal?.reason))));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') options.onProgress?.(message.phase, message.fraction);
      else if (message.type === 'result') settle(() => resolve(message.value as ComputeOutput<K>));
      else settle(() => reject(new Error(message.message)));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) =>
      settle(() => reject(new Error(`The computation stopped unexpectedly (worker exit code ${code}).`))),
    );
    Promise.resolve(input).then(
      (value) => {
        if (!settled)
          worker.postMessage({ task, input: value } satisfies ComputeRequest, transferables(value));
      },
      (error: unknown) => settle(() => reject(error)),
    );
  });
}
