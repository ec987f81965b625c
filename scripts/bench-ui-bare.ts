// The reference of `npm run bench -- ui` and of the suite's first-frame cases: a bare page that fetches
// the same data as the explorer and draws it with sigma alone (the same positions, sizes and colours,
// no React, no console): a compact graph, or the community overview of an Atlas run. Bundled for the
// browser with esbuild by scripts/bench-ui.ts; never part of the app.
import Graph from 'graphology';
import Sigma from 'sigma';
import {
  communityNodeSize,
  dominantStage,
  linkWidth,
  type CommunityOverview,
} from '../src/components/graph/community-model';
import { markFirstFrame } from '../src/components/graph/first-frame';
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

function drawGraph(data: CompactGraph, container: HTMLElement): Sigma {
  const { nodes, edges } = data;
  const n = nodes.id.length;
  const maxDegree = nodes.degree.reduce((max, d) => Math.max(max, d), 0);
  const { x, y } = spiralPositions(nodes.degree, nodes.id);
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
  return new Sigma(graph, container, {
    settings: { itemSizesReference: 'screen', autoRescaleContent: 'nodes', hideEdgesOnMove: true },
  });
}

function drawCommunities(data: CommunityOverview, container: HTMLElement): Sigma {
  const { communities, links } = data;
  const largest = communities[0]?.size ?? 1;
  const side = Math.min(container.clientWidth, container.clientHeight) || 600;
  const graph = new Graph({ type: 'undirected' });
  communities.forEach((c, i) => {
    const stage = dominantStage(c.stageCounts);
    graph.addNode(String(i), {
      x: c.x,
      y: c.y,
      size: communityNodeSize(c.size, largest, communities.length, side),
      color: stage ? STAGE[stage] : '#7a8391',
      label: c.label,
    });
  });
  const index = new Map(communities.map((c, i) => [c.community, i]));
  const strongest = links[0]?.count ?? 1;
  for (const link of links) {
    const from = index.get(link.from);
    const to = index.get(link.to);
    if (from === undefined || to === undefined) continue;
    graph.addUndirectedEdge(String(from), String(to), {
      size: linkWidth(link.count, strongest),
      color: edgeColour('#b9bec6', 0.2 + (0.8 * Math.log(link.count + 1)) / Math.log(strongest + 1), 0),
    });
  }
  return new Sigma(graph, container, {
    settings: { itemSizesReference: 'screen', autoRescaleContent: 'nodes', labelDensity: 0.25 },
  });
}

async function main(): Promise<void> {
  const data = (await (await fetch('graph.json')).json()) as CompactGraph | CommunityOverview;
  performance.mark('bare:data');
  const container = document.getElementById('graph')!;
  const sigma =
    'view' in data && data.view === 'communities'
      ? drawCommunities(data, container)
      : drawGraph(data as CompactGraph, container);
  markFirstFrame();
  Object.assign(window, { sigma });
}

main().catch((error: unknown) => {
  document.body.dataset.error = String(error);
});
