// The ego-graph's geometry: the participant in the middle, direct neighbours on a circle around it (on
// two rings past a dozen, so labels do not collide). Pure, so the server renders it as plain SVG.

export interface EgoNode {
  x: number;
  y: number;
}

export const EGO_SIZE = 320;
const CENTER = EGO_SIZE / 2;
const RING_CAPACITY = 12;

/** Positions for `count` neighbours, starting at the top and going clockwise. */
export function egoLayout(count: number): EgoNode[] {
  const inner = Math.min(count, RING_CAPACITY);
  return Array.from({ length: count }, (_, i) => {
    const onInner = i < inner;
    const ringSize = onInner ? inner : count - inner;
    const index = onInner ? i : i - inner;
    const radius = onInner ? (count > RING_CAPACITY ? 85 : 115) : 138;
    // The outer ring is turned half a step so its nodes sit between the inner ones.
    const angle = -Math.PI / 2 + ((index + (onInner ? 0 : 0.5)) * 2 * Math.PI) / Math.max(ringSize, 1);
    return { x: round(CENTER + radius * Math.cos(angle)), y: round(CENTER + radius * Math.sin(angle)) };
  });
}

export const EGO_CENTER: EgoNode = { x: CENTER, y: CENTER };

const round = (n: number) => Math.round(n * 10) / 10;
