"""The baselines of the Atlas run (`npm run bench -- atlas`, and the suite's `atlas` case): PageRank and
Louvain on the same edge list, by igraph or by networkx.

    graph-baseline.py igraph|networkx <prefix> <nodes>

Reads <prefix>.from / .to (int32) and .weight (float32), written by scripts/bench-atlas-run.ts, and prints
one JSON line: seconds per step and this process's peak RSS. Run with Debian's /usr/bin/python3
(python3-igraph; python3-networkx and python3-scipy, which networkx's PageRank needs).
"""
import json
import resource
import sys
import time
from array import array


def read(path, code):
    values = array(code)
    with open(path, "rb") as f:
        values.frombytes(f.read())
    return values


def timed(step):
    started = time.perf_counter()
    value = step()
    return value, round(time.perf_counter() - started, 3)


def with_igraph(sources, targets, weights, nodes):
    import igraph

    def build():
        graph = igraph.Graph(n=nodes, edges=list(zip(sources, targets)), directed=True)
        graph.es["weight"] = list(weights)
        return graph

    graph, build_s = timed(build)
    _, pagerank_s = timed(lambda: graph.pagerank(directed=True, damping=0.85, weights="weight"))
    undirected, undirect_s = timed(lambda: graph.as_undirected(mode="collapse", combine_edges="sum"))
    communities, louvain_s = timed(lambda: undirected.community_multilevel(weights="weight"))
    return igraph.__version__, build_s, pagerank_s, undirect_s, louvain_s, len(communities), communities.modularity


def with_networkx(sources, targets, weights, nodes):
    import networkx

    # Parallel relationships (two types between one pair) become one edge carrying their summed
    # weight: the same PageRank as igraph's multigraph, and what igraph's collapse does for Louvain.
    def build():
        summed = {}
        for edge in zip(sources, targets, weights):
            key = (edge[0], edge[1])
            summed[key] = summed.get(key, 0.0) + edge[2]
        graph = networkx.DiGraph()
        graph.add_nodes_from(range(nodes))
        graph.add_weighted_edges_from((a, b, w) for (a, b), w in summed.items())
        return graph

    def undirect():
        summed = {}
        for a, b, w in graph.edges(data="weight"):
            key = (a, b) if a < b else (b, a)
            summed[key] = summed.get(key, 0.0) + w
        undirected = networkx.Graph()
        undirected.add_nodes_from(range(nodes))
        undirected.add_weighted_edges_from((a, b, w) for (a, b), w in summed.items())
        return undirected

    graph, build_s = timed(build)
    _, pagerank_s = timed(lambda: networkx.pagerank(graph, alpha=0.85, weight="weight"))
    undirected, undirect_s = timed(undirect)
    communities, louvain_s = timed(
        lambda: networkx.community.louvain_communities(undirected, weight="weight", seed=1)
    )
    modularity = networkx.community.modularity(undirected, communities, weight="weight")
    return networkx.__version__, build_s, pagerank_s, undirect_s, louvain_s, len(communities), modularity


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("igraph", "networkx"):
        sys.exit("usage: graph-baseline.py igraph|networkx <prefix> <nodes>")
    tool, prefix, nodes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sources, targets, weights = read(prefix + ".from", "i"), read(prefix + ".to", "i"), read(prefix + ".weight", "f")
    run = with_igraph if tool == "igraph" else with_networkx
    version, build_s, pagerank_s, undirect_s, louvain_s, communities, modularity = run(sources, targets, weights, nodes)
    print(json.dumps({
        "tool": tool,
        "version": version,
        "buildSeconds": build_s,
        "pagerankSeconds": pagerank_s,
        "undirectSeconds": undirect_s,
        "louvainSeconds": louvain_s,
        "communities": communities,
        "modularity": round(modularity, 4),
        "peakRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
