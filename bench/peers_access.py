#!/usr/bin/python3
"""peers_access.py — the routing benchmark's data and its peer (issue 7; bench/run section `access`).

  peers_access.py gen   OUT_DIR --side N --origins N --places N --kinds N --seed N
  peers_access.py scipy LINES.bin ORIGINS.bin PLACES.bin MAX_M CATCHMENT_M OUT_PREFIX

gen writes a jittered square street grid of side × side junctions 80 m apart (5 % of the blocks
missing, 30 % of the streets bent by a middle vertex, coordinates on the centimetre), the origins
(population cells) and places (with a kind 0 … kinds-1), both on random junctions so that a peer
snapping to the nearest junction finds the same costs as our snapping to the nearest street point.
Layouts: see bench_access.cpp.

scipy is what an analyst would write without us: junctions from the lines' ends (numpy unique),
a CSR matrix, a cKDTree to snap points to junctions, scipy.sparse.csgraph.dijkstra with
`indices=<places of a kind>, min_only=True, limit=MAX_M` per kind and with `indices=<place>,
limit=CATCHMENT_M` per place. It prints one JSON object with the timed seconds (reading the files
is not timed) and writes the same outputs as bench_access for the check.
"""
import json
import sys
import time
from pathlib import Path

import numpy as np


def gen(out, side, origins, places, kinds, seed):
    rng = np.random.default_rng(seed)
    spacing = 80.0
    ii, kk = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.stack([ii * spacing + rng.uniform(-20, 20, ii.shape), kk * spacing + rng.uniform(-20, 20, kk.shape)], axis=-1)
    xy = np.round(xy, 2)
    records = []
    used = np.zeros((side, side), dtype=bool)
    for di, dk in ((1, 0), (0, 1)):
        a_i, a_k = np.meshgrid(np.arange(side - di), np.arange(side - dk), indexing="ij")
        a_i, a_k = a_i.ravel(), a_k.ravel()
        keep = rng.random(len(a_i)) >= 0.05
        bend = rng.random(len(a_i)) < 0.3
        offset = rng.uniform(-10, 10, (len(a_i), 2))
        for n in np.nonzero(keep)[0]:
            p, q = xy[a_i[n], a_k[n]], xy[a_i[n] + di, a_k[n] + dk]
            used[a_i[n], a_k[n]] = used[a_i[n] + di, a_k[n] + dk] = True
            if bend[n]:
                m = np.round((p + q) / 2 + offset[n], 2)
                records.append([3.0, p[0], p[1], m[0], m[1], q[0], q[1]])
            else:
                records.append([2.0, p[0], p[1], q[0], q[1]])
    np.concatenate([np.asarray(r) for r in records]).astype(np.float64).tofile(out / "access_lines.bin")
    nodes = xy[used]
    nodes[rng.integers(0, len(nodes), origins)].astype(np.float64).tofile(out / "access_origins.bin")
    pl = nodes[rng.choice(len(nodes), places, replace=False)]
    np.column_stack([pl, np.arange(places) % kinds]).astype(np.float64).tofile(out / "access_places.bin")
    return {"access_side": side, "access_lines": len(records), "access_origins": origins, "access_places": places,
            "access_kinds": kinds}


def read_lines(path):
    raw = np.fromfile(path, dtype=np.float64)
    lines, k = [], 0
    while k < len(raw):
        n = int(raw[k])
        lines.append(raw[k + 1:k + 1 + 2 * n].reshape(n, 2))
        k += 1 + 2 * n
    return lines


def scipy_peer(lines_path, origins_path, places_path, max_m, catchment_m, out):
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    lines = read_lines(lines_path)
    origins = np.fromfile(origins_path, dtype=np.float64).reshape(-1, 2)
    places = np.fromfile(places_path, dtype=np.float64).reshape(-1, 3)
    t0, c0 = time.perf_counter(), time.process_time()
    ends = np.array([[l[0], l[-1]] for l in lines])  # (m, 2, 2)
    length = np.array([np.hypot(*np.diff(l, axis=0).T).sum() for l in lines])
    keys = np.round(ends.reshape(-1, 2) * 100).astype(np.int64)
    nodes_key, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    u, v = inverse[0::2], inverse[1::2]
    n = len(nodes_key)
    graph = csr_matrix((np.concatenate([length, length]), (np.concatenate([u, v]), np.concatenate([v, u]))), shape=(n, n))
    tree = cKDTree(nodes_key / 100.0)
    snap_o, origin_node = tree.query(origins)
    snap_p, place_node = tree.query(places[:, :2])
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    nearest = []
    for kind in np.unique(places[:, 2]):
        idx = np.nonzero(places[:, 2] == kind)[0]
        # Places snapped with a distance would need a virtual source; on junctions it is 0.
        d = dijkstra(graph, directed=True, indices=place_node[idx], min_only=True, limit=max_m)
        cost = d[origin_node] + snap_o + 0.0
        cost[cost > max_m] = np.inf
        nearest.append(cost)
    nearest_s = time.perf_counter() - t1

    t2 = time.perf_counter()
    catchments = np.zeros(2 * len(places))
    for j in range(len(places)):
        d = dijkstra(graph, directed=True, indices=place_node[j], limit=catchment_m) + snap_p[j]
        c = d[origin_node] + snap_o
        ok = c <= catchment_m
        catchments[2 * j] = np.count_nonzero(ok)
        catchments[2 * j + 1] = c[ok].sum()
    catchment_s = time.perf_counter() - t2
    seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    np.concatenate(nearest).astype(np.float64).tofile(out + ".nearest.bin")
    catchments.tofile(out + ".catchment.bin")
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "build_seconds": build_s, "nearest_seconds": nearest_s,
                      "catchment_seconds": catchment_s, "nodes": n, "edges": 2 * len(lines)}))


def main():
    cmd = sys.argv[1]
    if cmd == "gen":
        import argparse

        ap = argparse.ArgumentParser()
        ap.add_argument("out")
        for k in ("side", "origins", "places", "kinds", "seed"):
            ap.add_argument("--" + k, type=int, required=True)
        a = ap.parse_args(sys.argv[2:])
        info = gen(Path(a.out), a.side, a.origins, a.places, a.kinds, a.seed)
        print(json.dumps(info))
    elif cmd == "scipy":
        a = sys.argv[2:]
        scipy_peer(a[0], a[1], a[2], float(a[3]), float(a[4]), a[5])
    else:
        sys.exit(f"peers_access.py: unknown command {cmd}")


if __name__ == "__main__":
    main()
