"""The routing engine (issue 7) against networkx and GDAL, through the private hooks _core._route
and _core._read_streets.

The reference model is built here independently: every segment of every line is a networkx edge
between its two vertices (no chains, no grid), every point joins the nearest segment found by
brute force with numpy, splitting it there, and the costs come from networkx's
multi_source_dijkstra / single_source_dijkstra on the reversed graph.
"""
import math
import random

import networkx as nx
import numpy as np
import pytest
from osgeo import ogr, osr

from territoire import _core

TOL = 1e-6  # metres


def _random_network(seed, n=9, spacing=100.0):
    """A jittered n × n street grid: some blocks missing (dead ends), some lines running over two
    blocks (cut where another line meets their middle vertex), bent lines, one-way lines, and a
    small island. Coordinates are on the centimetre grid, as the engine rounds them."""
    rng = random.Random(seed)

    def c(v):
        return round(v, 2)

    pos = {(i, k): (c(i * spacing + rng.uniform(-25, 25)), c(k * spacing + rng.uniform(-25, 25)))
           for i in range(n) for k in range(n)}
    lines, one_way = [], []
    used = set()
    for i in range(n):
        for k in range(n):
            for di, dk in ((1, 0), (0, 1)):
                a, b = (i, k), (i + di, k + dk)
                if b not in pos or (a, b) in used or rng.random() < 0.18:
                    continue
                used.add((a, b))
                pts = [pos[a]]
                if rng.random() < 0.3:  # a bend
                    mx, my = (pos[a][0] + pos[b][0]) / 2, (pos[a][1] + pos[b][1]) / 2
                    pts.append((c(mx + rng.uniform(-15, 15)), c(my + rng.uniform(-15, 15))))
                pts.append(pos[b])
                c2 = (b[0] + di, b[1] + dk)
                if c2 in pos and (b, c2) not in used and rng.random() < 0.25:  # over two blocks
                    used.add((b, c2))
                    pts.append(pos[c2])
                if rng.random() < 0.5:
                    pts.reverse()
                lines.append(pts)
                one_way.append(rng.choice((0, 0, 0, 0, 1, -1)))
    x0 = n * spacing + 400
    lines.append([(c(x0), 0.0), (c(x0 + 150), 0.0), (c(x0 + 150), 120.0)])  # the island
    one_way.append(0)
    return lines, one_way


def _random_points(rng, count, n=9, spacing=100.0):
    return [(rng.uniform(-60, n * spacing), rng.uniform(-60, n * spacing)) for _ in range(count)]


def _snap(segments, p):
    """Nearest segment (index), parameter t and distance, by brute force."""
    a, b = segments[:, 0, :], segments[:, 1, :]
    d = b - a
    len2 = (d * d).sum(axis=1)
    t = np.clip(((p - a) * d).sum(axis=1) / np.where(len2 > 0, len2, 1), 0, 1)
    proj = a + t[:, None] * d
    dist = np.hypot(*(p - proj).T)
    s = int(np.argmin(dist))
    return s, float(t[s]), float(dist[s])


def _reference(lines, one_way, origins, destinations):
    """Reversed directed graph of segments with origins and destinations inserted."""
    segs, seg_dir = [], []
    for line, w in zip(lines, one_way):
        for p, q in zip(line, line[1:]):
            if p != q:
                segs.append((p, q))
                seg_dir.append(w)
    segments = np.array(segs, dtype=float)
    on_seg = {}
    snaps = {}
    where = {}  # coordinates of the points and of their projections
    for kind, pts in (("o", origins), ("d", destinations)):
        for idx, p in enumerate(pts):
            s, t, dist = _snap(segments, np.array(p))
            on_seg.setdefault(s, []).append((t, (kind, idx)))
            snaps[(kind, idx)] = dist
            where[(kind, idx)] = tuple(p)
            where[("v", kind, idx)] = tuple(segments[s, 0] + t * (segments[s, 1] - segments[s, 0]))
    g = nx.DiGraph()  # reversed: an edge v → u for every walkable u → v

    def walk(u, v, length):  # u → v walkable
        if g.has_edge(v, u):
            g[v][u]["weight"] = min(g[v][u]["weight"], length)
        else:
            g.add_edge(v, u, weight=length)

    for s, ((p, q), w) in enumerate(zip(segs, seg_dir)):
        stops = [(0.0, p)] + [(t, ("v",) + key) for t, key in sorted(on_seg.get(s, []))] + [(1.0, q)]
        total = math.hypot(q[0] - p[0], q[1] - p[1])
        for (t1, n1), (t2, n2) in zip(stops, stops[1:]):
            length = (t2 - t1) * total
            if w >= 0 or length == 0:  # a point right on a vertex reaches it whatever the direction
                walk(n1, n2, length)
            if w <= 0 or length == 0:
                walk(n2, n1, length)
    for key, dist in snaps.items():
        walk(key, ("v",) + key, dist)
        walk(("v",) + key, key, dist)
    undirected = nx.Graph()
    for p, q in segs:
        undirected.add_edge(p, q)
    return g, snaps, undirected, where


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_route_matches_networkx(seed):
    rng = random.Random(100 + seed)
    lines, one_way = _random_network(seed)
    if seed >= 4:  # a stray line very far away (a bad vertex in a hand-made layer)
        lines.append([(-500000.0, -400000.0), (-499990.0, -400000.0)])
        one_way.append(0)
    origins = _random_points(rng, 120)
    destinations = _random_points(rng, 12)
    destinations.append((1400.0, 60.0))  # near the island
    max_m = 700.0
    subsets = [list(range(len(destinations))), [0, 3, 5], [len(destinations) - 1], [2]]
    ours = _core._route(lines, origins, destinations, max_m, one_way=one_way, subsets=subsets)
    g, snaps, undirected, _where = _reference(lines, one_way, origins, destinations)

    assert ours["stats"]["components"] == nx.number_connected_components(undirected)
    total = sum(math.hypot(q[0] - p[0], q[1] - p[1]) for line in lines for p, q in zip(line, line[1:]))
    assert ours["stats"]["length_m"] == pytest.approx(total, abs=1e-6)
    for i, (dist, _component) in enumerate(ours["origin_snaps"]):
        assert dist == pytest.approx(snaps[("o", i)], abs=TOL)
    for j, (dist, _component) in enumerate(ours["destination_snaps"]):
        assert dist == pytest.approx(snaps[("d", j)], abs=TOL)

    reached_any = 0
    for subset, nearest in zip(subsets, ours["nearest"]):
        dist, paths = nx.multi_source_dijkstra(g, {("d", j) for j in subset}, cutoff=max_m)
        for i, (cost, dest) in enumerate(nearest):
            expected = dist.get(("o", i))
            if expected is None or expected > max_m - TOL:
                # Unreachable (or on the cut-off, where rounding may go either way).
                if expected is None:
                    assert cost is None and dest is None, (subset, i)
                continue
            reached_any += 1
            assert cost == pytest.approx(expected, abs=TOL), (subset, i)
            # The destination networkx found, unless another one is as near.
            reference_dest = paths[("o", i)][0][1]
            if dest != reference_dest:
                alt, _ = nx.single_source_dijkstra(g, ("d", dest), cutoff=max_m)
                assert alt[("o", i)] == pytest.approx(expected, abs=TOL)
    assert reached_any > 50

    for j, reach in enumerate(ours["catchments"]):
        dist = nx.single_source_dijkstra_path_length(g, ("d", j), cutoff=max_m)
        expected = {i: dist[("o", i)] for i in range(len(origins)) if ("o", i) in dist}
        got = dict(reach)
        assert [r[0] for r in reach] == sorted(got), "sorted by origin"
        for i, cost in got.items():
            assert cost == pytest.approx(expected[i], abs=TOL)
        missing = {i for i, c in expected.items() if c < max_m - TOL} - set(got)
        assert not missing, (j, missing)


def test_isochrones_cover_what_networkx_reaches():
    lines, one_way = _random_network(11)
    rng = random.Random(5)
    destinations = _random_points(rng, 4)
    origins = _random_points(rng, 5)
    thresholds, buffer_m = [150.0, 400.0], 20.0
    ours = _core._route(lines, origins, destinations, 400.0, one_way=one_way, isochrones=thresholds, buffer_m=buffer_m)
    g, _snaps, _, where = _reference(lines, one_way, origins, destinations)
    for j in range(len(destinations)):
        dist = nx.single_source_dijkstra_path_length(g, ("d", j), cutoff=max(thresholds))
        for t, wkb in zip(thresholds, ours["isochrones"][j]):
            assert wkb, "a place on the network always has an isochrone"
            poly = ogr.CreateGeometryFromWkb(wkb)
            assert poly.GetGeometryName() == "MULTIPOLYGON" and poly.IsValid()
            reachable = [(n, d) for n, d in dist.items() if d <= t and isinstance(n[0], float)]
            for (x, y), _d in reachable:  # street vertices within t
                pt = ogr.CreateGeometryFromWkt(f"POINT ({x} {y})")
                assert poly.Distance(pt) < 1e-6, (j, t, x, y)
            # Street vertices beyond reach: farther than buffer + what is left of t from every
            # reached node, so no reachable piece of street can bring them within the buffer.
            # Every reachable piece of street starts at a reached node n and is no longer than
            # t - dist(n): a street vertex farther than buffer + t - dist(n) from every reached n
            # must lie outside.
            reached = [(where.get(n, n), d) for n, d in dist.items() if d <= t]
            outside = 0
            for n in g.nodes:
                if not isinstance(n[0], float) or dist.get(n, math.inf) <= t:
                    continue
                if all(math.dist(n, xy) > buffer_m + (t - d) + 1e-6 for xy, d in reached):
                    outside += 1
                    pt = ogr.CreateGeometryFromWkt(f"POINT ({n[0]} {n[1]})")
                    assert not poly.Intersects(pt), (j, t, n)
            assert outside > 0


def test_straight_line_mode_matches_numpy():
    rng = random.Random(9)
    origins = _random_points(rng, 500)
    destinations = _random_points(rng, 40)
    ours = _core._route(None, origins, destinations, 250.0, subsets=[list(range(40)), [4, 9]])
    o, d = np.array(origins), np.array(destinations)
    dist = np.hypot(o[:, None, 0] - d[None, :, 0], o[:, None, 1] - d[None, :, 1])
    for subset, nearest in zip([list(range(40)), [4, 9]], ours["nearest"]):
        sub = dist[:, subset]
        for i, (cost, dest) in enumerate(nearest):
            k = int(np.argmin(sub[i]))
            if sub[i, k] <= 250.0:
                assert dest == subset[k] and cost == pytest.approx(sub[i, k], abs=1e-9)
            else:
                assert cost is None and dest is None
    for j, reach in enumerate(ours["catchments"]):
        assert [i for i, _ in reach] == [i for i in range(len(origins)) if dist[i, j] <= 250.0]
    assert ours["stats"]["nodes"] == 0


FIXTURE = __import__("pathlib").Path(__file__).resolve().parents[2] / "tests/data/osm/melun.osm.pbf"


def test_osm_fixture_against_gdal():
    ours = _core._read_streets(str(FIXTURE), "EPSG:2154")
    # Independent: GDAL's OSM driver through the Python bindings, its SQL for the filter, and
    # osr for the reprojection; lengths compared line by line (no pedestrian rule excludes any
    # highway of this fixture, see test_access_routing.cpp for the rules themselves).
    ds = ogr.Open(str(FIXTURE))
    sql = ds.ExecuteSQL("SELECT highway FROM lines WHERE highway IS NOT NULL")
    wgs84, l93 = osr.SpatialReference(), osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    l93.ImportFromEPSG(2154)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    l93.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(wgs84, l93)
    expected = []
    for f in sql:
        geom = f.GetGeometryRef().Clone()
        geom.Transform(transform)
        expected.append((geom.Length(), geom.GetPoint_2D(0)))
    ds.ReleaseResultSet(sql)
    assert len(ours["lines"]) == len(expected) == 45
    for (pts, forward, backward), (length, first) in zip(ours["lines"], expected):
        assert forward and backward
        ours_length = sum(math.dist(p, q) for p, q in zip(pts, pts[1:]))
        assert ours_length == pytest.approx(length, rel=1e-9)
        assert pts[0] == pytest.approx(first, abs=1e-6)
    kinds = [(k, m) for k, _f, m in ours["problems"] if k == "street_excluded"]
    assert kinds == [("street_excluded", "52 lignes écartées du réseau piéton : pas une voie (ni rue ni chemin : pas de clé highway)")]

    # The network built from them: its total length is the sum of the lines' lengths.
    lines = [pts for pts, _f, _b in ours["lines"]]
    route = _core._route(lines, [lines[0][0]], [lines[5][-1]], 1e9)
    assert route["stats"]["length_m"] == pytest.approx(sum(l for l, _ in expected), abs=0.05 * len(expected))
    assert route["stats"]["lines"] == 45


def test_osm_converted_to_geopackage_keeps_the_rules(tmp_path):
    gpkg = tmp_path / "reseau.gpkg"
    gdal = __import__("osgeo.gdal", fromlist=["gdal"])
    gdal.VectorTranslate(str(gpkg), str(FIXTURE), layers=["lines"])
    ours = _core._read_streets(str(gpkg), "EPSG:2154")
    assert len(ours["lines"]) == 45
    assert [k for k, _f, _m in ours["problems"] if k == "street_excluded"] == ["street_excluded"]


def test_any_line_layer_is_taken_as_it_is(tmp_path):
    import json

    features = [
        {"type": "Feature", "properties": {"nom": "a"}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [3, 4]]}},
        {"type": "Feature", "properties": {"nom": "b"},
         "geometry": {"type": "MultiLineString", "coordinates": [[[3, 4], [3, 10]], [[10, 10], [20, 10]]]}},
        {"type": "Feature", "properties": {"nom": "c"}, "geometry": {"type": "Point", "coordinates": [1, 1]}},
        {"type": "Feature", "properties": {"nom": "d"}, "geometry": None},
    ]
    path = tmp_path / "rues.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features,
                                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}}))
    ours = _core._read_streets(str(path), "EPSG:2154")
    assert [pts for pts, _f, _b in ours["lines"]] == [[(0, 0), (3, 4)], [(3, 4), (3, 10)], [(10, 10), (20, 10)]]
    kinds = sorted(k for k, _f, _m in ours["problems"])
    assert kinds == ["invalid_geometry", "missing_geometry"]
    route = _core._route([pts for pts, _f, _b in ours["lines"]], [(0, 0)], [(3, 10), (15, 10)], 1e9, subsets=[[0], [1]])
    assert route["nearest"][0][0] == (pytest.approx(11.0), 0)
    assert route["nearest"][1][0] == (None, None)  # another piece of the network
    assert route["stats"]["components"] == 2


def test_read_streets_errors(tmp_path):
    with pytest.raises(_core.InputError, match="introuvable"):
        _core._read_streets(str(tmp_path / "absent.osm.pbf"))
    # The OSM 'points' layer: nothing walkable in it.
    with pytest.raises(_core.InputError, match="aucune voie praticable"):
        _core._read_streets(str(FIXTURE), "EPSG:2154", "points")
    # A layer of polygons only.
    path = tmp_path / "zones.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                    '"geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}')
    with pytest.raises(_core.InputError, match="aucune ligne utilisable"):
        _core._read_streets(str(path))
