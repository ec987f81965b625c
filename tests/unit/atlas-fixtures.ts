import { buildCsr, type CsrGraph } from '../../src/lib/atlas/csr';

/** A graph from [from, to] pairs. */
export function graphOf(nodeCount: number, pairs: readonly (readonly [number, number])[]): CsrGraph {
  return buildCsr({
    nodeCount,
    from: Int32Array.from(pairs.map((p) => p[0])),
    to: Int32Array.from(pairs.map((p) => p[1])),
  });
}

/** Every pair within `members`, one direction each. */
export function clique(members: readonly number[]): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < members.length; i++)
    for (let j = i + 1; j < members.length; j++) pairs.push([members[i]!, members[j]!]);
  return pairs;
}

export const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);
