// Node ids ordered by a score, for a million nodes at a time. Sorting an index array with a comparator
// calls back into JavaScript n log n times (seconds at 1M); a radix sort on the scores' bits is eight
// linear passes. Each pass moves the keys with the ids, so it reads memory in order instead of jumping
// to each id's score (cache misses made an indirect version four times slower).

const DIGIT_BITS = 8;
const BUCKETS = 1 << DIGIT_BITS;
const DIGIT_MASK = BUCKETS - 1;

/**
 * Node ids by score, highest first; equal scores keep ascending id order. Any finite scores (negative
 * too); O(n) in eight stable passes over a byte of each score's sortable bit pattern.
 */
export function idsByScoreDescending(scores: Float64Array): Int32Array {
  const n = scores.length;
  const bits = new Uint32Array(new Float64Array(scores).buffer);
  // IEEE 754 bit patterns sort like the numbers once negative ones are inverted and positive ones have
  // their sign bit set; little-endian, so word 2i is the low half and 2i + 1 the high half.
  let high = new Uint32Array(n);
  let low = new Uint32Array(n);
  let ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1]!;
    const l = bits[2 * i]!;
    const negative = h >>> 31 === 1;
    high[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    low[i] = negative ? ~l >>> 0 : l;
    ids[i] = i;
  }
  let nextHigh = new Uint32Array(n);
  let nextLow = new Uint32Array(n);
  let nextIds = new Int32Array(n);
  const counts = new Int32Array(BUCKETS + 1);
  for (let shift = 0; shift < 64; shift += DIGIT_BITS) {
    const words = shift < 32 ? low : high;
    const within = shift % 32;
    // Descending: digit d goes to bucket 255 − d, so the highest digits come first.
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[DIGIT_MASK - ((words[i]! >>> within) & DIGIT_MASK) + 1]!++;
    for (let b = 0; b < BUCKETS; b++) counts[b + 1]! += counts[b]!;
    for (let i = 0; i < n; i++) {
      const slot = counts[DIGIT_MASK - ((words[i]! >>> within) & DIGIT_MASK)]!++;
      nextIds[slot] = ids[i]!;
      nextHigh[slot] = high[i]!;
      nextLow[slot] = low[i]!;
    }
    [ids, nextIds] = [nextIds, ids];
    [high, nextHigh] = [nextHigh, high];
    [low, nextLow] = [nextLow, low];
  }
  return ids;
}
