"""igraph's PageRank and Louvain (multilevel) on an edge list, the baseline of `npm run bench -- atlas`.

Reads <prefix>.from / .to (int32) and .weight (float32) written by the bench, and prints one JSON line:
seconds per step and this process's peak RSS. Run with Debian's /usr/bin/python3 (python3-igraph).
"""
import json
import resource
import sys
import time
from array import array

import igraph


def read(path, code):
    values = array(code)
    with open(path, "rb") as f:
        values.frombytes(f.read())
    return values


def main():
    prefix, nodes = sys.argv[1], int(sys.argv[2])
    sources, targets, weights = read(prefix + ".from", "i"), read(prefix + ".to", "i"), read(prefix + ".weight", "f")
    started = time.perf_counter()
    graph = igraph.Graph(n=nodes, edges=list(zip(sources, targets)), directed=True)
    graph.es["weight"] = list(weights)
    build = time.perf_counter() - started

    started = time.perf_counter()
    graph.pagerank(directed=True, damping=0.85, weights="weight")
    pagerank = time.perf_counter() - started

    started = time.perf_counter()
    undirected = graph.as_undirected(mode="collapse", combine_edges="sum")
    undirect = time.perf_counter() - started

    started = time.perf_counter()
    communities = undirected.community_multilevel(weights="weight")
    louvain = time.perf_counter() - started

    print(json.dumps({
        "igraphVersion": igraph.__version__,
        "buildSeconds": round(build, 3),
        "pagerankSeconds": round(pagerank, 3),
        "undirectSeconds": round(undirect, 3),
        "louvainSeconds": round(louvain, 3),
        "communities": len(communities),
        "modularity": round(communities.modularity, 4),
        "peakRssMiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }))


if __name__ == "__main__":
    main()
