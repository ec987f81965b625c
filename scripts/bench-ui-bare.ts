// The reference of `npm run bench -- ui`: a bare page that fetches the same compact graph as the
// explorer and draws it with sigma alone (the same positions, sizes and colours, no React, no
// console). Bundled for the browser with esbuild by scripts/bench-ui.ts; never part of the app.
import Graph from 'graphology';
import Sigma from 'sigma';
import {
  edgeColour,
  nodeSize,
  spiralPositions,
  type CompactGraph,
} from '../src/components/graph/graph-model';

const STAGE: Record<string, string> = {
  new: '#2f6fe0',
  active: '#15915a',
  at_risk: '#d97706',
  dormant: '#7a8391',
};

async function main(): Promise<void> {
  const data = (await (await fetch('graph.json')).json()) as CompactGraph;
  performance.mark('bare:data');
  const { nodes, edges } = data;
  const n = nodes.id.length;
  const maxDegree = nodes.degree.reduce((max, d) => Math.max(max, d), 0);
  const { x, y } = spiralPositions(nodes.degree);
  const graph = new Graph({ type: 'directed', multi: true, allowSelfLoops: true });
  for (let i = 0; i < n; i++) {
    graph.addNode(nodes.id[i]!, {
      x: x[i],
      y: y[i],
      size: nodeSize(nodes.degree[i]!, maxDegree, n),
      color: STAGE[nodes.lifecycleStage[i]!],
      label: nodes.label[i],
    });
  }
  for (let j = 0; j < edges.source.length; j++) {
    graph.addDirectedEdge(nodes.id[edges.source[j]!]!, nodes.id[edges.target[j]!]!, {
      color: edgeColour('#b9bec6', edges.confidence[j]!, n),
      size: 0.5 + edges.confidence[j]! * 0.5,
    });
  }
  const sigma = new Sigma(graph, document.getElementById('graph')!, {
    settings: { itemSizesReference: 'screen', autoRescaleContent: 'nodes', hideEdgesOnMove: true },
  });
  // Sigma draws inside its constructor; the frame is on screen once the browser has presented it,
  // i.e. when the next animation frame after it begins.
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('graph:first-frame')));
  Object.assign(window, { sigma });
}

main().catch((error: unknown) => {
  document.body.dataset.error = String(error);
});
