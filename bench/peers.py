#!/usr/bin/python3
"""peers.py — the Python peers of the benchmark harness, one per process (bench/run measures each
process's peak memory). Each prints one JSON object with the timed seconds; reading the inputs is
not timed.

  peers.py sjoin    AREAS.gpkg POINTS.bin OUT.npy   GeoPandas sjoin(points, areas, predicate="intersects")
  peers.py igraph   GRAPH.txt OUT.bin               python-igraph Graph.betweenness(directed=False)
  peers.py networkx GRAPH.txt OUT.bin               networkx betweenness_centrality(normalized=True)

sjoin writes every (point, area) match as an int64 array of shape (k, 2), so that the harness can
check the shared-boundary rule; igraph's raw values are normalised as networkx does
(2·raw / ((n-1)(n-2)) on an undirected graph) before they are written as float64.
"""
import json
import sys
import time
import warnings

import numpy as np


def read_graph(path):
    with open(path) as f:
        n, m = (int(v) for v in f.readline().split())
        edges = [tuple(int(v) for v in line.split()) for line in f]
    assert len(edges) == m, f"{path}: {len(edges)} edges, header says {m}"
    return n, edges


def sjoin(areas_path, points_path, out_path):
    import geopandas as gpd

    warnings.filterwarnings("ignore")  # shapely 1.8 / geopandas 0.12 deprecation chatter
    areas = gpd.read_file(areas_path)
    xy = np.fromfile(points_path, dtype=np.float64).reshape(-1, 2)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=areas.crs)
    t0, c0 = time.perf_counter(), time.process_time()
    joined = gpd.sjoin(points, areas, how="inner", predicate="intersects")
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    # Row positions of the areas (areas.gpkg is in id order, so position = area index).
    pairs = np.column_stack([joined.index.to_numpy(), joined["index_right"].to_numpy()]).astype(np.int64)
    np.save(out_path, pairs)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "points": len(points), "areas": len(areas), "matches": len(pairs)}))


def igraph_betweenness(graph_path, out_path):
    import igraph

    n, edges = read_graph(graph_path)
    g = igraph.Graph(n=n, edges=edges, directed=False)
    t0, c0 = time.perf_counter(), time.process_time()
    raw = g.betweenness(directed=False)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    np.asarray(raw, dtype=np.float64).__mul__(scale).tofile(out_path)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "nodes": n, "edges": len(edges)}))


def igraph_measures(graph_path, out_path):
    """The measures of the actors layer, as igraph computes them (no weights: the bench graph has none)."""
    import igraph

    n, edges = read_graph(graph_path)
    g = igraph.Graph(n=n, edges=edges, directed=False)
    t0, c0 = time.perf_counter(), time.process_time()
    raw = g.betweenness(directed=False)
    g.closeness()
    g.harmonic_centrality()
    g.pagerank()
    g.eigenvector_centrality(scale=False)
    g.transitivity_local_undirected(mode="zero")
    g.coreness()
    g.articulation_points()
    g.bridges()
    g.connected_components()
    g.community_multilevel()
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    scale = 2.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    np.asarray(raw, dtype=np.float64).__mul__(scale).tofile(out_path)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "nodes": n, "edges": len(edges)}))


def networkx_measures(graph_path, out_path):
    """The same measures with networkx 2.8 (the definitions ours follow)."""
    import networkx as nx

    n, edges = read_graph(graph_path)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    t0, c0 = time.perf_counter(), time.process_time()
    values = nx.betweenness_centrality(g, normalized=True)
    nx.closeness_centrality(g)
    nx.harmonic_centrality(g)
    nx.pagerank(g)
    try:
        nx.eigenvector_centrality(g)
    except nx.PowerIterationFailedConvergence:
        pass
    nx.clustering(g)
    nx.core_number(g)
    list(nx.articulation_points(g))
    list(nx.bridges(g))
    list(nx.connected_components(g))
    nx.community.louvain_communities(g, seed=1)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    np.asarray([values[v] for v in range(n)], dtype=np.float64).tofile(out_path)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "nodes": n, "edges": len(edges)}))


def networkx_betweenness(graph_path, out_path):
    import networkx as nx

    n, edges = read_graph(graph_path)
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    t0, c0 = time.perf_counter(), time.process_time()
    values = nx.betweenness_centrality(g, normalized=True)
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    np.asarray([values[v] for v in range(n)], dtype=np.float64).tofile(out_path)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "nodes": n, "edges": len(edges)}))


if __name__ == "__main__":
    commands = {"sjoin": sjoin, "igraph": igraph_betweenness, "networkx": networkx_betweenness,
                "igraph-measures": igraph_measures, "networkx-measures": networkx_measures}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
