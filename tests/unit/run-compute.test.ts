import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCompute } from '../../src/lib/jobs/compute';
import { COMPUTE_NICENESS, type ComputeInput } from '../../src/lib/jobs/compute-tasks';
import { NOW, orgGraph, participantId } from './atlas-org-graph';

// runCompute starts its thread before the input has come (an Atlas run's thread loads its code while
// the job reads the graph), and the thread yields the cores before it loads anything.

/** The threads of this process at the computing niceness (Linux: /proc/self/task/<tid>/stat, field 19). */
function yieldingThreads(): number {
  let count = 0;
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const fields = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[16]) === COMPUTE_NICENESS) count++;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return count;
}

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Two triangles joined by one relationship. */
const input = (): ComputeInput<'atlas.run'> => ({
  now: NOW,
  detectorOptions: {},
  graph: orgGraph(
    Array.from({ length: 6 }, () => ({})),
    [
      { from: 0, to: 1 },
      { from: 1, to: 2 },
      { from: 2, to: 0 },
      { from: 3, to: 4 },
      { from: 4, to: 5 },
      { from: 5, to: 3 },
      { from: 2, to: 3 },
    ],
  ),
});

describe.runIf(process.platform === 'linux')('runCompute, given its input later', () => {
  it('starts the thread at once, yielding before the input comes, and computes once it does', async () => {
    expect(yieldingThreads()).toBe(0);
    let give!: (value: ComputeInput<'atlas.run'>) => void;
    const phases: string[] = [];
    const output = runCompute(
      'atlas.run',
      new Promise<ComputeInput<'atlas.run'>>((resolve) => (give = resolve)),
      { onProgress: (phase) => phases.push(phase) },
    );
    await until(() => yieldingThreads() >= 1, 'the computing thread to start and yield');
    expect(phases).toEqual([]);
    give(input());
    const result = await output;
    expect(result.communityCount).toBe(2);
    expect(result.scores.pagerank).toHaveLength(6);
    expect(phases[0]).toBe('building the graph');
    await until(() => yieldingThreads() === 0, 'the threads to end');
  });

  it('stops the thread and fails with the input’s error when the input fails', async () => {
    let fail!: (error: Error) => void;
    const output = runCompute(
      'atlas.run',
      new Promise<ComputeInput<'atlas.run'>>((_, reject) => (fail = reject)),
    );
    await until(() => yieldingThreads() >= 1, 'the computing thread to start');
    fail(new Error('the graph could not be read'));
    await expect(output).rejects.toThrow('the graph could not be read');
    await until(() => yieldingThreads() === 0, 'the thread to end');
  });

  it('stops the thread when aborted before the input comes', async () => {
    const abort = new AbortController();
    const output = runCompute('atlas.run', new Promise<ComputeInput<'atlas.run'>>(() => undefined), {
      signal: abort.signal,
    });
    await until(() => yieldingThreads() >= 1, 'the computing thread to start');
    abort.abort('cancelled');
    await expect(output).rejects.toThrow('cancelled');
    await until(() => yieldingThreads() === 0, 'the thread to end');
  });

  it('hands the input’s typed arrays to the thread, copies a view of part of a buffer, and names participants from the id bytes', async () => {
    const given = input();
    const weights = new Float32Array(2 * given.graph.csrInput.weight.length).fill(1);
    // A view of half a buffer: handing its buffer over would empty the other half's views too.
    const weight = weights.subarray(0, given.graph.csrInput.weight.length);
    given.graph.csrInput.weight = weight;
    const result = await runCompute('atlas.run', given);
    expect(given.graph.csrInput.from.byteLength).toBe(0);
    expect(given.graph.relationshipIds.bytes.byteLength).toBe(0);
    expect(weight).toHaveLength(7);
    expect(weights.subarray(7)).toEqual(new Float32Array(7).fill(1));
    // Two triangles, three central members each: every participant, named from the ids' bytes.
    const named = result.overview.communities.flatMap((c) => c.centralParticipantIds);
    expect(named.sort()).toEqual(Array.from({ length: 6 }, (_, i) => participantId(i)));
    await until(() => yieldingThreads() === 0, 'the threads to end');
  });
});
