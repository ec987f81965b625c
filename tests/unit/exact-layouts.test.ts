import { describe, expect, it } from 'vitest';
import { buildCsr, type CsrGraph } from '../../src/lib/atlas/csr';
import { pagerankScores } from '../../src/lib/atlas/pagerank';
import {
  DONE,
  FAILED,
  layoutsHere,
  serveLayouts,
  servePagerank,
  startHelperThread,
  twoLanes,
  type ExactLayoutJob,
  type HelperBatch,
  type PagerankRequest,
} from '../../src/lib/atlas/exact-layouts';

/** A ring of k nodes with chords, started on a spiral: a layout with something to do. */
function job(k: number, iterations = 30): ExactLayoutJob {
  const edges = { from: [] as number[], to: [] as number[], weight: [] as number[] };
  for (let i = 0; i < k; i++) {
    edges.from.push(i, i);
    edges.to.push((i + 1) % k, (i + 7) % k);
    edges.weight.push(1, 0.5);
  }
  const x = Float64Array.from({ length: k }, (_, i) => 10 * Math.sqrt(i + 0.5) * Math.cos(2.4 * i));
  const y = Float64Array.from({ length: k }, (_, i) => 10 * Math.sqrt(i + 0.5) * Math.sin(2.4 * i));
  return { x, y, edges, iterations, settings: { gravity: 1, scalingRatio: 2, slowDown: 1 } };
}

const copy = (j: ExactLayoutJob): ExactLayoutJob => ({ ...j, x: j.x.slice(), y: j.y.slice() });

describe('exact layouts on two threads', () => {
  it('splits the work into two lanes of about equal cost, every job once', () => {
    const jobs = [job(300), job(200), job(200), job(100), job(50), job(40)];
    const [a, b] = twoLanes(jobs);
    expect(new Set([...a, ...b])).toEqual(new Set(jobs));
    const cost = (lane: ExactLayoutJob[]) => lane.reduce((sum, j) => sum + j.x.length ** 2, 0);
    expect(Math.abs(cost(a) - cost(b))).toBeLessThanOrEqual(300 ** 2 / 2);
  });

  it('moves every node where the calling thread alone would, whichever thread laid it out', () => {
    const jobs = [job(120), job(90), job(60), job(45), job(30), job(12)];
    const alone = jobs.map(copy);
    layoutsHere.run(alone);
    const helper = startHelperThread();
    try {
      const shared = jobs.map(copy);
      helper.run(shared);
      for (const [i, j] of shared.entries()) {
        expect(j.x).toEqual(alone[i]!.x);
        expect(j.y).toEqual(alone[i]!.y);
      }
      // A second batch goes to the same helper.
      const again = jobs.map(copy);
      helper.run(again);
      expect(again.map((j) => [...j.x])).toEqual(alone.map((j) => [...j.x]));
      expect(helper.working).toBe(true);
    } finally {
      helper.close();
    }
    // Closed, it works alone.
    const after = jobs.map(copy);
    helper.run(after);
    expect(after.map((j) => [...j.y])).toEqual(alone.map((j) => [...j.y]));
  });

  it('works the helper’s lane out itself when the helper fails, and keeps to itself after', () => {
    const helper = startHelperThread();
    try {
      // The larger job stays here, the broken one goes to the helper, fails there, then here.
      const broken = { ...job(8), edges: null } as unknown as ExactLayoutJob;
      expect(() => helper.run([job(60), broken])).toThrow(TypeError);
      expect(helper.working).toBe(false);
      const jobs = [job(40), job(30)];
      const alone = jobs.map(copy);
      layoutsHere.run(alone);
      helper.run(jobs);
      expect(jobs.map((j) => [...j.x])).toEqual(alone.map((j) => [...j.x]));
    } finally {
      helper.close();
    }
  });

  it('says when a batch failed, so that the caller works it out itself', () => {
    const state = new SharedArrayBuffer(4);
    const broken = {
      jobs: [{ edges: null, iterations: 5, settings: {}, at: 0, k: 4 }],
      positions: new SharedArrayBuffer(64),
      state,
    } as unknown as HelperBatch;
    serveLayouts(broken);
    expect(Atomics.load(new Int32Array(state), 0)).toBe(FAILED);
    const fine = job(10);
    const positions = new SharedArrayBuffer(8 * 20);
    new Float64Array(positions).set([...fine.x, ...fine.y]);
    const done = new SharedArrayBuffer(4);
    serveLayouts({ jobs: [{ ...fine, at: 0, k: 10 }], positions, state: done });
    expect(Atomics.load(new Int32Array(done), 0)).toBe(DONE);
    layoutsHere.run([fine]);
    expect(new Float64Array(positions).subarray(0, 10)).toEqual(fine.x);
  });
});

/** A graph of n nodes and 4n weighted relationships, the same for a seed, with a few dangling nodes. */
function randomGraph(n: number, seed: number): CsrGraph {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const from: number[] = [];
  const to: number[] = [];
  const weight: number[] = [];
  for (let e = 0; e < 4 * n; e++) {
    const u = Math.floor(next() * n);
    const v = Math.floor(next() * n);
    if (u % 10 === 0 || u === v) continue;
    from.push(u);
    to.push(v);
    weight.push(0.1 + next());
  }
  return buildCsr({
    nodeCount: n,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    weight: Float32Array.from(weight),
  });
}

describe('PageRank on the helper thread', () => {
  it('gives the scores the calling thread would, while the caller works on', () => {
    const graph = randomGraph(5000, 7);
    const alone = pagerankScores(graph);
    const helper = startHelperThread();
    try {
      const wait = helper.pagerankBeside(graph);
      // The caller's own work meanwhile (the communities, in a run).
      layoutsHere.run([job(60)]);
      const beside = wait();
      expect(beside.scores).toEqual(alone.scores);
      expect(beside.iterations).toBe(alone.iterations);
      expect(beside.converged).toBe(alone.converged);
      // The same helper then takes layouts.
      const jobs = [job(40), job(30)];
      const here = jobs.map(copy);
      layoutsHere.run(here);
      helper.run(jobs);
      expect(jobs.map((j) => [...j.x])).toEqual(here.map((j) => [...j.x]));
      expect(helper.working).toBe(true);
    } finally {
      helper.close();
    }
    // Closed, it works PageRank out itself.
    expect(helper.pagerankBeside(graph)().scores).toEqual(alone.scores);
  });

  it('works PageRank out itself when the helper fails, and keeps to itself after', () => {
    const helper = startHelperThread();
    try {
      const broken = { nodeCount: 3, outOffsets: null } as unknown as CsrGraph;
      expect(() => helper.pagerankBeside(broken)()).toThrow(TypeError);
      expect(helper.working).toBe(false);
      const graph = randomGraph(200, 3);
      expect(helper.pagerankBeside(graph)().scores).toEqual(pagerankScores(graph).scores);
    } finally {
      helper.close();
    }
  });

  it('says when a PageRank failed, and what it found when it did not', () => {
    const failed: PagerankRequest = {
      graph: { nodeCount: 2, outOffsets: null } as unknown as PagerankRequest['graph'],
      scores: new SharedArrayBuffer(16),
      state: new SharedArrayBuffer(12),
    };
    servePagerank(failed);
    expect(Atomics.load(new Int32Array(failed.state), 0)).toBe(FAILED);
    const graph = randomGraph(100, 5);
    const request: PagerankRequest = {
      graph,
      scores: new SharedArrayBuffer(8 * 100),
      state: new SharedArrayBuffer(12),
    };
    servePagerank(request);
    const state = new Int32Array(request.state);
    const alone = pagerankScores(graph);
    expect([...state]).toEqual([DONE, alone.iterations, alone.converged ? 1 : 0]);
    expect(new Float64Array(request.scores)).toEqual(alone.scores);
  });
});
