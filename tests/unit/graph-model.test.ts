import { describe, expect, it } from 'vitest';
import {
  colourNodes,
  describeLastActivity,
  edgeColour,
  hopsFrom,
  nodeSize,
  ringPositions,
  searchNodes,
  spiralPositions,
  type CompactGraph,
  type GraphPalette,
} from '../../src/components/graph/graph-model';

const palette: GraphPalette = {
  stage: { new: '#000001', active: '#000002', at_risk: '#000003', dormant: '#000004' },
  chart: ['#100000', '#200000', '#300000', '#400000', '#500000'],
  muted: '#999999',
  edge: '#cccccc',
  background: '#ffffff',
  foreground: '#000000',
};

// a → b → c, and d alone
const graph: CompactGraph = {
  nodes: {
    id: ['a', 'b', 'c', 'd'],
    label: ['Ana Lopez', 'Björn Ek', 'Cleo Ward', 'Dana Ana'],
    role: ['member', 'member', 'vendor', 'system_participant'],
    lifecycleStage: ['active', 'at_risk', 'new', 'dormant'],
    lastActivityAt: [null, null, null, null],
    degree: [1, 2, 1, 0],
    segment: ['active', 'highly_connected', 'new', 'system'],
  },
  edges: { source: [0, 1], target: [1, 2], type: ['knows', 'knows'], confidence: [0.9, 0.2] },
  truncated: [],
};

describe('graph model', () => {
  it('colours by stage, segment or role, with a legend that counts each colour', () => {
    const stage = colourNodes(graph, 'stage', palette);
    expect(stage.colours).toEqual(['#000002', '#000003', '#000001', '#000004']);
    expect(stage.legend.find((e) => e.key === 'at_risk')).toMatchObject({ count: 1, colour: '#000003' });
    const segment = colourNodes(graph, 'segment', palette);
    expect(segment.colours[3]).toBe('#999999');
    expect(segment.colours[1]).toBe('#500000');
    const role = colourNodes(graph, 'role', palette);
    expect(role.legend[0]).toMatchObject({ key: 'member', count: 2, colour: '#100000' });
    expect(role.colours[0]).toBe(role.colours[1]);
  });

  it('sizes by degree and fades edges by confidence', () => {
    expect(nodeSize(4, 4, 10)).toBeGreaterThan(nodeSize(1, 4, 10));
    expect(nodeSize(0, 0, 10)).toBe(5);
    expect(edgeColour('#cccccc', 1, 10)).toBe('#cccccccc');
    expect(edgeColour('#cccccc', 0, 10)).toBe('#cccccc33');
  });

  it('starts the most connected at the centre, and a neighbourhood in rings around its focus', () => {
    const spiral = spiralPositions(graph.nodes.degree, graph.nodes.id);
    expect(Math.hypot(spiral.x[1]!, spiral.y[1]!)).toBeLessThan(Math.hypot(spiral.x[3]!, spiral.y[3]!));
    // The same picture whatever order the nodes come in: equal degrees go by id.
    const reversed = spiralPositions([...graph.nodes.degree].reverse(), [...graph.nodes.id].reverse());
    const n = graph.nodes.id.length;
    for (let i = 0; i < n; i++) {
      expect([reversed.x[n - 1 - i], reversed.y[n - 1 - i]]).toEqual([spiral.x[i], spiral.y[i]]);
    }
    expect([...hopsFrom(graph, 2)]).toEqual([2, 1, 0, -1]);
    const rings = ringPositions(graph, 'c');
    expect(Math.hypot(rings.x[2]!, rings.y[2]!)).toBe(0);
    expect(Math.round(Math.hypot(rings.x[0]!, rings.y[0]!))).toBe(200);
    expect(Math.round(Math.hypot(rings.x[3]!, rings.y[3]!))).toBe(300);
  });

  it('finds names by their start first, ignoring case and accents', () => {
    expect(searchNodes(graph.nodes.label, 'ana')).toEqual([0, 3]);
    expect(searchNodes(graph.nodes.label, 'bjorn')).toEqual([1]);
    expect(searchNodes(graph.nodes.label, '  ')).toEqual([]);
  });

  it('says how long ago a participant was active', () => {
    const now = new Date('2026-01-31T12:00:00Z');
    expect(describeLastActivity(null, now)).toBe('never');
    expect(describeLastActivity('2026-01-31T01:00:00Z', now)).toBe('today');
    expect(describeLastActivity('2026-01-21T12:00:00Z', now)).toBe('10 days ago');
    expect(describeLastActivity('2025-07-31T12:00:00Z', now)).toBe('6 months ago');
  });
});
