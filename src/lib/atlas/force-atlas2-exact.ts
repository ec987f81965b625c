// ForceAtlas2 for a group small enough to repel exactly (decision 054): graphology-layout-forceatlas2's
// iteration (iterate.js) specialised to the settings the drill-downs use — linear attraction weighted by
// the edges, strong gravity, no size adjustment, no outbound distribution, no fixed nodes — with the same
// forces and the same adaptive speeds. The library keeps every value in a Float32Array and works out each
// pair's repulsion as c·m₁·m₂ / d / d after a square root; here the values are doubles and the factor is
// c·m₁·m₂ / d², which is the same force without the root and a division: the pairs, nearly all of a
// drill-down's time, cost a third as much. Positions agree with the library's to float32 precision
// (tests/unit/force-atlas2-exact.test.ts).

/** The settings of the library's that this iteration reads (graphology's inferSettings has them all). */
export interface ExactForceAtlas2Settings {
  gravity?: number;
  scalingRatio?: number;
  slowDown?: number;
}

/**
 * `iterations` steps over nodes 0..k-1 at (x[i], y[i]), moved in place; `edges` each pair once, their
 * weights both the attraction and, summed per node (plus one), the node's mass.
 */
export function exactForceAtlas2(
  x: Float64Array,
  y: Float64Array,
  edges: { from: number[]; to: number[]; weight: number[] },
  iterations: number,
  // The library's defaults.
  { gravity = 1, scalingRatio = 1, slowDown = 1 }: ExactForceAtlas2Settings,
): void {
  const k = x.length;
  const mass = new Float64Array(k).fill(1);
  for (let e = 0; e < edges.from.length; e++) {
    mass[edges.from[e]!]! += edges.weight[e]!;
    mass[edges.to[e]!]! += edges.weight[e]!;
  }
  const dx = new Float64Array(k);
  const dy = new Float64Array(k);
  const oldDx = new Float64Array(k);
  const oldDy = new Float64Array(k);
  const convergence = new Float64Array(k).fill(1);
  for (let step = 0; step < iterations; step++) {
    oldDx.set(dx);
    oldDy.set(dy);
    dx.fill(0);
    dy.fill(0);
    // Repulsion between every pair.
    for (let i = 0; i < k; i++) {
      const xi = x[i]!;
      const yi = y[i]!;
      const mi = scalingRatio * mass[i]!;
      let ax = 0;
      let ay = 0;
      for (let j = 0; j < i; j++) {
        const xd = xi - x[j]!;
        const yd = yi - y[j]!;
        const squared = xd * xd + yd * yd;
        if (squared > 0) {
          const factor = (mi * mass[j]!) / squared;
          ax += xd * factor;
          ay += yd * factor;
          dx[j]! -= xd * factor;
          dy[j]! -= yd * factor;
        }
      }
      dx[i]! += ax;
      dy[i]! += ay;
    }
    // Strong gravity towards the origin (the library's scalingRatio · mass · gravity / scalingRatio).
    for (let i = 0; i < k; i++) {
      const factor = mass[i]! * gravity;
      dx[i]! -= x[i]! * factor;
      dy[i]! -= y[i]! * factor;
    }
    // Linear attraction along the edges.
    for (let e = 0; e < edges.from.length; e++) {
      const a = edges.from[e]!;
      const b = edges.to[e]!;
      const w = edges.weight[e]!;
      const xd = x[a]! - x[b]!;
      const yd = y[a]! - y[b]!;
      dx[a]! -= xd * w;
      dy[a]! -= yd * w;
      dx[b]! += xd * w;
      dy[b]! += yd * w;
    }
    // Each node's own speed, from how much its force swings and how much it pulls one way.
    for (let i = 0; i < k; i++) {
      const swingX = oldDx[i]! - dx[i]!;
      const swingY = oldDy[i]! - dy[i]!;
      const pullX = oldDx[i]! + dx[i]!;
      const pullY = oldDy[i]! + dy[i]!;
      const swinging = mass[i]! * Math.sqrt(swingX * swingX + swingY * swingY);
      const traction = Math.sqrt(pullX * pullX + pullY * pullY) / 2;
      const damping = 1 + Math.sqrt(swinging);
      const speed = (convergence[i]! * Math.log(1 + traction)) / damping;
      convergence[i] = Math.min(1, Math.sqrt((speed * (dx[i]! * dx[i]! + dy[i]! * dy[i]!)) / damping));
      x[i]! += dx[i]! * (speed / slowDown);
      y[i]! += dy[i]! * (speed / slowDown);
    }
  }
}
