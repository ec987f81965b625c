import { Worker } from 'node:worker_threads';
import type { CsrGraph } from './csr';
import { exactForceAtlas2, type ExactForceAtlas2Settings } from './force-atlas2-exact';
import { pagerankScores, type CentralityResult } from './pagerank';

// A run's second thread, so that its computation uses both cores. The drill-downs' exact ForceAtlas2
// layouts (decision 054) are independent of one another: a run hands them over together, and they are
// worked out here or — on the helper — half of them there (decision 055). PageRank is worked out there
// while the run's thread finds the communities (decision 059). The same arithmetic in either thread:
// the results do not depend on where they were worked out.

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

/** What the helper is asked to work out PageRank of: the out-edges, and shared memory for the answer. */
export interface PagerankRequest {
  graph: Pick<CsrGraph, 'nodeCount' | 'outOffsets' | 'outTargets' | 'outWeights'>;
  /** One Float64 per node: the scores. */
  scores: SharedArrayBuffer;
  /** Int32s: 0 while the helper works, DONE or FAILED after; the iterations; 1 if it converged. */
  state: SharedArrayBuffer;
}

/** A message to the helper thread. */
export type HelperMessage =
  { kind: 'layouts'; batch: HelperBatch } | { kind: 'pagerank'; request: PagerankRequest };

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

/**
 * How long this thread waits for the helper beyond the time its own share of the work took before
 * doing the helper's share itself.
 */
const PATIENCE = { factor: 3, minimumMs: 2_000 };

/** Waits for the helper's state to leave 0, patiently (PATIENCE); whether it says DONE. */
function awaitHelper(state: Int32Array, ownShareMs: number): boolean {
  const deadline = performance.now() + Math.max(PATIENCE.minimumMs, PATIENCE.factor * ownShareMs);
  while (Atomics.load(state, 0) === 0) {
    const left = deadline - performance.now();
    if (left <= 0) break;
    Atomics.wait(state, 0, 0, left);
  }
  return Atomics.load(state, 0) === DONE;
}

/** The helper thread: layouts in two lanes, and PageRank beside the caller's own work. */
export interface HelperThread extends ExactLayouts {
  /**
   * Starts PageRank of `graph` (pagerankScores' defaults) on the helper and returns what waits for
   * it: the caller does something else meanwhile. Without a helper, the returned function works it out.
   */
  pagerankBeside(graph: CsrGraph): () => CentralityResult;
  /** Whether the helper is still there to take work. */
  readonly working: boolean;
  close(): void;
}

/**
 * A helper thread started now (so that it is ready by the time it is needed), which `close` stops.
 * Work is handed over in shared memory and waited for with Atomics.wait, so the caller stays
 * synchronous. Should the helper fail, or take far longer than the caller's own share (PATIENCE), its
 * share is worked out here instead, and later work stays here.
 */
export function startHelperThread(): HelperThread {
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
  const send = (message: HelperMessage) => worker!.postMessage(message);
  return {
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
      send({ kind: 'layouts', batch });
      const started = performance.now();
      layoutsHere.run(here);
      if (!awaitHelper(new Int32Array(batch.state), performance.now() - started)) {
        stop();
        return layoutsHere.run(there);
      }
      for (const [i, job] of there.entries()) {
        const { at: from, k } = batch.jobs[i]!;
        job.x.set(values.subarray(from, from + k));
        job.y.set(values.subarray(from + k, from + 2 * k));
      }
    },
    pagerankBeside(graph) {
      if (!worker) return () => pagerankScores(graph);
      const { nodeCount, outOffsets, outTargets, outWeights } = graph;
      const request: PagerankRequest = {
        graph: { nodeCount, outOffsets, outTargets, outWeights },
        scores: new SharedArrayBuffer(8 * Math.max(1, nodeCount)),
        state: new SharedArrayBuffer(12),
      };
      send({ kind: 'pagerank', request });
      const started = performance.now();
      return () => {
        const state = new Int32Array(request.state);
        if (!awaitHelper(state, performance.now() - started)) {
          stop();
          return pagerankScores(graph);
        }
        return {
          scores: new Float64Array(request.scores).slice(0, nodeCount),
          iterations: state[1]!,
          converged: state[2] === 1,
        };
      };
    },
    close: stop,
  };
}

/** Marks a piece of the helper's work DONE (or FAILED if `work` throws) and wakes the caller. */
function answer(stateBuffer: SharedArrayBuffer, work: (state: Int32Array) => void): void {
  const state = new Int32Array(stateBuffer);
  try {
    work(state);
    Atomics.store(state, 0, DONE);
  } catch {
    Atomics.store(state, 0, FAILED);
  }
  Atomics.notify(state, 0);
}

/** The helper's side: works out a PageRank into the shared scores and says when it is done. */
export function servePagerank(request: PagerankRequest): void {
  answer(request.state, (state) => {
    const { scores, iterations, converged } = pagerankScores(request.graph);
    new Float64Array(request.scores).set(scores);
    state[1] = iterations;
    state[2] = converged ? 1 : 0;
  });
}

/** The helper's side: works out each batch of layouts in the shared positions and says when it is done. */
export function serveLayouts(batch: HelperBatch): void {
  answer(batch.state, () => {
    const values = new Float64Array(batch.positions);
    for (const job of batch.jobs) {
      const x = values.subarray(job.at, job.at + job.k);
      const y = values.subarray(job.at + job.k, job.at + 2 * job.k);
      exactForceAtlas2(x, y, job.edges, job.iterations, job.settings);
    }
  });
}
