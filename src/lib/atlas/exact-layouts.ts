import { Worker } from 'node:worker_threads';
import { exactForceAtlas2, type ExactForceAtlas2Settings } from './force-atlas2-exact';

// The drill-downs' exact ForceAtlas2 layouts (decision 054) are independent of one another: a run
// hands them over together, and they are worked out here or — on a second thread — half of them
// there, so that the layout phase of a run uses both cores (decision 055). The same arithmetic in
// either thread: the positions do not depend on where a layout ran.

/** One group's layout: nodes 0..k-1 start at (x[i], y[i]) and are moved in place. */
export interface ExactLayoutJob {
  x: Float64Array;
  y: Float64Array;
  edges: { from: number[]; to: number[]; weight: number[] };
  iterations: number;
  settings: ExactForceAtlas2Settings;
}

/** Works out a batch of layouts, each job's positions moved in place before it returns. */
export interface ExactLayouts {
  run(jobs: ExactLayoutJob[]): void;
}

/** Every layout on the calling thread. */
export const layoutsHere: ExactLayouts = {
  run(jobs) {
    for (const job of jobs) exactForceAtlas2(job.x, job.y, job.edges, job.iterations, job.settings);
  },
};

/** What the helper thread is sent: its jobs' positions lie in `positions` from each `at` (x then y). */
export interface HelperBatch {
  jobs: (Omit<ExactLayoutJob, 'x' | 'y'> & { at: number; k: number })[];
  positions: SharedArrayBuffer;
  /** Int32 0 while the helper works; DONE or FAILED after. */
  state: SharedArrayBuffer;
}

export const DONE = 1;
export const FAILED = 2;

/** The work of a layout: k² / 2 pairs an iteration (what forceAtlas2Cost counts for these sizes). */
const costOf = (job: ExactLayoutJob) => (job.x.length * job.x.length * job.iterations) / 2;

/**
 * The jobs in two lanes of about equal work, the largest first, each to the lighter lane. Only the
 * split depends on the order; every job's result is its own.
 */
export function twoLanes(jobs: ExactLayoutJob[]): [ExactLayoutJob[], ExactLayoutJob[]] {
  const lanes: [ExactLayoutJob[], ExactLayoutJob[]] = [[], []];
  const work = [0, 0];
  const largestFirst = [...jobs.keys()].sort((a, b) => costOf(jobs[b]!) - costOf(jobs[a]!) || a - b);
  for (const i of largestFirst) {
    const lane = work[0]! <= work[1]! ? 0 : 1;
    lanes[lane].push(jobs[i]!);
    work[lane]! += costOf(jobs[i]!);
  }
  return lanes;
}

/** How long this thread waits for the helper's lane beyond its own lane's time before doing it itself. */
const PATIENCE = { factor: 3, minimumMs: 2_000 };

/**
 * Layouts on this thread and a helper thread started now (so it is ready by the time the layouts
 * are), which `close` stops. The helper's lane is handed over in shared memory and waited for with
 * Atomics.wait, so the caller stays synchronous. Should the helper fail, or take far longer than this
 * thread's own lane (PATIENCE), its lane is worked out here instead, and later batches stay here.
 */
export function startLayoutHelper(): ExactLayouts & { close(): void; readonly working: boolean } {
  // A thread starts at its creator's niceness: started from the computing thread, it yields as that
  // thread does (decision 050).
  let worker: Worker | undefined = new Worker(new URL('./exact-layouts-worker.mjs', import.meta.url));
  // The caller's thread is busy computing: its loop does not turn to hear of a failure. Failures are
  // seen through the shared state (or its silence) instead.
  worker.on('error', () => undefined);
  worker.unref();
  const stop = () => {
    void worker?.terminate();
    worker = undefined;
  };
  return {
    /** Whether the helper is still there to take a lane. */
    get working() {
      return worker !== undefined;
    },
    run(jobs) {
      if (!worker || jobs.length < 2) return layoutsHere.run(jobs);
      const [here, there] = twoLanes(jobs);
      // Each job's x then y, one after the other.
      const length = there.reduce((sum, job) => sum + 2 * job.x.length, 0);
      const positions = new SharedArrayBuffer(8 * Math.max(1, length));
      const values = new Float64Array(positions);
      const batch: HelperBatch = { jobs: [], positions, state: new SharedArrayBuffer(4) };
      let at = 0;
      for (const job of there) {
        const k = job.x.length;
        values.set(job.x, at);
        values.set(job.y, at + k);
        batch.jobs.push({ edges: job.edges, iterations: job.iterations, settings: job.settings, at, k });
        at += 2 * k;
      }
      worker.postMessage(batch);
      const started = performance.now();
      layoutsHere.run(here);
      const patience = Math.max(PATIENCE.minimumMs, PATIENCE.factor * (performance.now() - started));
      const state = new Int32Array(batch.state);
      const deadline = performance.now() + patience;
      while (Atomics.load(state, 0) === 0) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        Atomics.wait(state, 0, 0, left);
      }
      if (Atomics.load(state, 0) !== DONE) {
        stop();
        return layoutsHere.run(there);
      }
      for (const [i, job] of there.entries()) {
        const { at: from, k } = batch.jobs[i]!;
        job.x.set(values.subarray(from, from + k));
        job.y.set(values.subarray(from + k, from + 2 * k));
      }
    },
    close: stop,
  };
}

/** The helper's side: works out each batch in the shared positions and says when it is done. */
export function serveLayouts(batch: HelperBatch): void {
  const state = new Int32Array(batch.state);
  try {
    const values = new Float64Array(batch.positions);
    for (const job of batch.jobs) {
      const x = values.subarray(job.at, job.at + job.k);
      const y = values.subarray(job.at + job.k, job.at + 2 * job.k);
      exactForceAtlas2(x, y, job.edges, job.iterations, job.settings);
    }
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
}
