"""The network measures against networkx 2.8, on graphs of every shape, undirected and directed;
communities against networkx's Louvain; projections, mixing, bridges and exports end to end.

Every expected value is computed here by networkx from the same graph, never copied from our
output. docs/network.md states the networkx call behind each measure.
"""
import math
import random

import networkx as nx
import pytest

import territoire
from territoire import _core
from conftest import SAMPLE, write_graph_project

TOL = 1e-9


def _weighted(g, rng, floats=False):
    for u, v in g.edges():
        g[u][v]["weight"] = round(rng.uniform(0.2, 4.0), 3) if floats else rng.randint(1, 5)
    return g


def _shapes():
    rng = random.Random(7)
    shapes = {
        "sparse": nx.gnp_random_graph(90, 0.03, seed=1),
        "dense": nx.gnp_random_graph(40, 0.45, seed=2),
        "disconnected": nx.disjoint_union_all([nx.gnp_random_graph(15, 0.2, seed=s) for s in (3, 4, 5)]),
        "isolates": nx.disjoint_union(nx.gnp_random_graph(30, 0.1, seed=6), nx.empty_graph(25)),
        "barbell": nx.barbell_graph(6, 3),
        "caveman": nx.connected_caveman_graph(5, 6),
        "tree": nx.random_tree(50, seed=8) if hasattr(nx, "random_tree") else nx.balanced_tree(2, 5),
        "star": nx.star_graph(12),
        "complete": nx.complete_graph(9),
        "two_nodes": nx.path_graph(2),
        "lonely": nx.empty_graph(3),
    }
    out = []
    for name, g in shapes.items():
        g = nx.convert_node_labels_to_integers(g)
        out.append(pytest.param(_weighted(g, rng, floats=name in ("sparse", "caveman")), id=name))
    return out


def _ours(g, directed=False, threads=0):
    edges = list(g.edges())
    weights = [g[u][v]["weight"] for u, v in edges]
    return _core._analyse_network(g.number_of_nodes(), edges, weights, directed, threads), edges


def _undirected_of(g):
    """The undirected graph under a directed one, weights of both directions summed (docs)."""
    u = nx.Graph()
    u.add_nodes_from(g)
    for a, b, w in g.edges(data="weight"):
        if u.has_edge(a, b):
            u[a][b]["weight"] += w
        else:
            u.add_edge(a, b, weight=w)
    return u


def _components(u):
    comps = sorted(nx.connected_components(u), key=lambda c: (-len(c), min(c)))
    return {n: i + 1 for i, c in enumerate(comps) for n in c}


def _expected(g):
    """Every measure as networkx computes it, for a Graph or a DiGraph with `weight`."""
    directed = g.is_directed()
    lengths = g.copy()
    for a, b in lengths.edges():
        lengths[a][b]["length"] = 1.0 / lengths[a][b]["weight"]
    u = _undirected_of(g) if directed else g
    exp = {
        "degree": dict(g.degree()),
        "strength": dict(g.degree(weight="weight")),
        "betweenness": nx.betweenness_centrality(g, normalized=True),
        "betweenness_w": nx.betweenness_centrality(lengths, normalized=True, weight="length"),
        "closeness": nx.closeness_centrality(g),
        "harmonic": nx.harmonic_centrality(g),
        "pagerank": nx.pagerank(g, weight="weight"),
        "clustering": nx.clustering(u),
        "core_number": nx.core_number(u),
        "component": _components(u),
    }
    if directed:
        exp["in_degree"] = dict(g.in_degree())
        exp["out_degree"] = dict(g.out_degree())
    try:
        exp["eigenvector"] = nx.eigenvector_centrality(g, weight="weight")
    except nx.PowerIterationFailedConvergence:
        exp["eigenvector"] = None
    exp["cut"] = set(nx.articulation_points(u))
    exp["bridges"] = {frozenset(e) for e in nx.bridges(u)}
    return exp, u


def _check(g, ours, edges):
    exp, u = _expected(g)
    m = ours["measures"]
    for key in ("degree", "core_number", "component") + (("in_degree", "out_degree") if g.is_directed() else ()):
        bad = [n for n in g if m[n][key] != exp[key][n]]
        assert not bad, f"{key} differs at nodes {bad[:5]}"
    for key in ("strength", "betweenness", "betweenness_w", "closeness", "harmonic", "pagerank", "clustering"):
        worst = max((abs(m[n][key] - exp[key][n]) for n in g), default=0.0)
        assert worst <= TOL, f"{key}: largest difference {worst}"
    if exp["eigenvector"] is None:
        assert all(m[n]["eigenvector"] is None for n in g), "networkx did not converge: ours must be empty"
    else:
        worst = max(abs(m[n]["eigenvector"] - exp["eigenvector"][n]) for n in g)
        assert worst <= TOL, f"eigenvector: largest difference {worst}"
    assert {n for n in g if m[n]["is_cut_vertex"]} == exp["cut"]
    assert {frozenset(e) for e, b in zip(edges, ours["bridges"]) if b} == exp["bridges"]
    return u


def _check_communities(u, ours):
    m = ours["measures"]
    groups = {}
    for n in u:
        c = m[n]["community"]
        if u.degree(n) == 0:
            assert c == 0, "an actor without link belongs to no community"
        else:
            assert c > 0
            groups.setdefault(c, set()).add(n)
    assert ours["communities"] == len(groups)
    sizes = [len(groups[c]) for c in sorted(groups)]
    assert sizes == sorted(sizes, reverse=True), "communities are numbered by size"
    partition = list(groups.values()) + [{n} for n in u if u.degree(n) == 0]
    if u.number_of_edges() == 0:
        return
    q = nx.community.modularity(u, partition, weight="weight")
    assert ours["modularity"] == pytest.approx(q, abs=1e-9), "reported modularity is the partition's"
    best_nx = max(nx.community.modularity(u, nx.community.louvain_communities(u, weight="weight", seed=s), weight="weight")
                  for s in range(5))
    assert q >= best_nx - 0.01, f"modularity {q} more than 0.01 below networkx's best Louvain {best_nx}"


@pytest.mark.parametrize("g", _shapes())
def test_undirected_measures_equal_networkx(g):
    ours, edges = _ours(g)
    u = _check(g, ours, edges)
    _check_communities(u, ours)


@pytest.mark.parametrize("seed,n,p", [(11, 40, 0.06), (12, 60, 0.05), (13, 25, 0.25), (14, 50, 0.02)])
def test_directed_measures_equal_networkx(seed, n, p):
    rng = random.Random(seed)
    g = nx.gnp_random_graph(n, p, seed=seed, directed=True)
    _weighted(g, rng)
    ours, edges = _ours(g, directed=True)
    u = _check(g, ours, edges)
    _check_communities(u, ours)


@pytest.mark.parametrize("directed", [False, True])
def test_results_do_not_depend_on_the_number_of_threads(directed):
    g = _weighted(nx.gnp_random_graph(120, 0.05, seed=21, directed=directed), random.Random(21), floats=True)
    one, _ = _ours(g, directed, threads=1)
    two, _ = _ours(g, directed, threads=2)
    eight, _ = _ours(g, directed, threads=8)
    assert one == two == eight  # bit for bit: fixed work split, partial sums in a fixed order


def test_louvain_is_deterministic_and_finds_planted_communities():
    g = _weighted(nx.connected_caveman_graph(6, 5), random.Random(3))
    first, _ = _ours(g)
    again, _ = _ours(g)
    assert first == again
    # Six cliques of five joined in a ring: Louvain recovers them.
    groups = {}
    for n, m in enumerate(first["measures"]):
        groups.setdefault(m["community"], set()).add(n)
    assert sorted(len(c) for c in groups.values()) == [5] * 6


# ---- through a project: merging, projection, mixing, layers, exports ------------------------------

def _graph_of_layers(diag):
    return diag.to_networkx()


def test_multi_links_and_self_loops_in_the_input_are_merged_then_measured(tmp_path):
    rng = random.Random(5)
    base = nx.gnp_random_graph(30, 0.12, seed=5)
    rows = []
    for u, v in base.edges():
        rows.append((u, v, rng.randint(1, 3)))
        if rng.random() < 0.3:
            rows.append((v, u, rng.randint(1, 3)))  # the same pair again, reversed
    rows += [(4, 4, 1), (9, 9, 2)]  # self-loops: reported, left out
    project = write_graph_project(tmp_path, 30, [(u, v) for u, v, _ in rows], [w for *_, w in rows])
    diag = territoire.analyse(project)
    ref = nx.Graph()
    ref.add_nodes_from(f"n{i:03d}" for i in range(30))
    for u, v, w in rows:
        if u == v:
            continue
        a, b = f"n{u:03d}", f"n{v:03d}"
        ref.add_edge(a, b, weight=ref[a][b]["weight"] + w if ref.has_edge(a, b) else w)
    assert sum(p["kind"] == "self_loop" for p in diag.problems) == 2
    g = diag.to_networkx()
    assert nx.utils.edges_equal(g.edges(), ref.edges())
    assert all(g[a][b]["weight"] == ref[a][b]["weight"] for a, b in ref.edges())
    exp, _ = _expected(ref)
    for node, m in diag.actor_measures.items():
        for key in ("betweenness", "betweenness_w", "closeness", "harmonic", "pagerank", "clustering"):
            assert m[key] == pytest.approx(exp[key][node], abs=TOL), key


def test_directed_project_keeps_direction(tmp_path):
    edges = [(0, 1), (1, 2), (2, 0), (2, 3), (3, 2), (4, 3)]
    project = write_graph_project(tmp_path, 6, edges, [1, 2, 1, 3, 1, 2], directed=True)
    diag = territoire.analyse(project)
    assert diag.directed
    g = diag.to_networkx()
    assert isinstance(g, nx.DiGraph) and g.number_of_edges() == 6
    assert g.has_edge("n003", "n002") and g.has_edge("n002", "n003")
    records = {r["link_id"]: r for r in diag.layer("cooperation_links").records()}
    assert "n004->n003" in records and records["n004->n003"]["source_id"] == "n004"
    exp, _ = _expected(g)
    for node, m in diag.actor_measures.items():
        assert m["in_degree"] == exp["in_degree"][node] and m["out_degree"] == exp["out_degree"][node]
        for key in ("betweenness", "closeness", "harmonic", "pagerank"):
            assert m[key] == pytest.approx(exp[key][node], abs=TOL), key


@pytest.mark.parametrize("projection", ["count", "newman"])
def test_participations_projection_equals_networkx_bipartite(tmp_path, projection):
    rng = random.Random(17)
    rows = []
    for k in range(12):
        for node in rng.sample(range(25), rng.randint(1, 6)):
            rows.append((node, f"P{k:02d}", 2020 + k % 4))
    rows.append(rows[0])  # a repeated participation counts once
    project = write_graph_project(tmp_path, 25, [], participations=rows, projection=projection)
    diag = territoire.analyse(project)
    b = nx.Graph()
    actors = [f"n{i:03d}" for i in range(25)]
    b.add_nodes_from(actors, bipartite=0)
    b.add_edges_from((f"n{node:03d}", obj) for node, obj, _ in rows)
    project_fn = (nx.bipartite.weighted_projected_graph if projection == "count"
                  else nx.bipartite.collaboration_weighted_projected_graph)
    ref = project_fn(b, actors)
    g = diag.to_networkx()
    assert nx.utils.edges_equal(g.edges(), ref.edges())
    for a, c in ref.edges():
        assert g[a][c]["weight"] == pytest.approx(ref[a][c]["weight"], abs=1e-12)
    sheets = {r["object_id"]: r for r in diag.layer("sheets_objects").records()}
    assert set(sheets) == {obj for _, obj, _ in rows}
    for obj, sheet in sheets.items():
        assert sheet["n_actors"] == len({node for node, o, _ in rows if o == obj})
    assert [p["kind"] for p in diag.problems].count("duplicate_participation") == 1


def test_family_mixing_and_assortativity_equal_networkx(sample_diag):
    g = sample_diag.to_networkx()
    net = sample_diag.network
    assert net["family_assortativity"] == pytest.approx(nx.attribute_assortativity_coefficient(g, "family"), abs=TOL)
    mixing = nx.attribute_mixing_dict(g, "family")
    for r in sample_diag.layer("network_family_mixing").records():
        a, b = r["family_a"], r["family_b"]
        observed = mixing.get(a, {}).get(b, 0)
        assert r["n_links"] == (observed // 2 if a == b else observed)
    assert net["density"] == pytest.approx(nx.density(g), abs=TOL)
    assert net["n_components"] == nx.number_connected_components(g)
    assert net["n_bridges"] == sum(1 for _ in nx.bridges(g))
    assert net["n_isolated"] == nx.number_of_isolates(g)


def test_area_matrix_and_area_links_count_the_links(sample_diag):
    counts = {}
    for _, _, d in sample_diag.to_networkx().edges(data=True):
        a, b = d["source_area_id"], d["target_area_id"]
        if a and b:
            key = tuple(sorted((a, b)))
            counts[key] = counts.get(key, 0) + 1
    matrix = {(r["area_id_a"], r["area_id_b"]): r["n_links"] for r in sample_diag.layer("network_area_matrix").records()}
    assert matrix == counts
    lines = {(r["area_id_a"], r["area_id_b"]): r["n_links"] for r in sample_diag.layer("area_links").records()}
    assert lines == {k: v for k, v in counts.items() if k[0] != k[1]}


def test_communities_layer_matches_the_actors(sample_diag):
    members = {}
    for r in sample_diag.layer("actors").records():
        if r["community"] is not None:
            members.setdefault(r["community"], []).append(r)
    layer = sample_diag.layer("communities")
    assert [r["community"] for r in layer.records()] == sorted(members)
    for r, feature in zip(layer.records(), layer.__geo_interface__["features"]):
        assert r["n_actors"] == len(members[r["community"]])
        located = sum(1 for a in members[r["community"]] if a["location_method"] != "none")
        assert r["n_located"] == located
        if located:
            assert feature["geometry"]["type"] == "MultiPoint"
            assert len(feature["geometry"]["coordinates"]) == located


def test_graphml_and_gexf_reopen_in_networkx_with_the_same_measures(tmp_path):
    diag = territoire.run(SAMPLE, tmp_path / "out")
    for reader, name in ((nx.read_graphml, "network.graphml"), (nx.read_gexf, "network.gexf")):
        g = reader(tmp_path / "out" / name)
        assert g.number_of_nodes() == len(diag.layer("actors"))
        assert g.number_of_edges() == len(diag.layer("cooperation_links"))
        bet = nx.betweenness_centrality(g)
        pr = nx.pagerank(g, weight="weight")
        for n, data in g.nodes(data=True):
            assert data["betweenness"] == pytest.approx(bet[n], abs=TOL)
            assert data["pagerank"] == pytest.approx(pr[n], abs=TOL)
            assert "community" not in data or isinstance(data["community"], int)
    gexf = nx.read_gexf(tmp_path / "out" / "network.gexf")
    located = [n for n, d in gexf.nodes(data=True) if "viz" in d]
    actors = {r["actor_id"]: r for r in diag.layer("actors").records()}
    assert len(located) == sum(1 for r in actors.values() if r["location_method"] != "none")
    # Positions keep the map's geometry: hectometres from the centre, y to the north.
    a, b = located[0], located[1]
    pa, pb = gexf.nodes[a]["viz"]["position"], gexf.nodes[b]["viz"]["position"]
    ea, eb = gexf.nodes[a], gexf.nodes[b]
    assert (pa["x"] - pb["x"]) * 100 == pytest.approx(ea["easting"] - eb["easting"], abs=1e-6)
    assert (pa["y"] - pb["y"]) * 100 == pytest.approx(ea["northing"] - eb["northing"], abs=1e-6)


def test_to_networkx_recomputes_every_measure(sample_diag):
    g = sample_diag.to_networkx()
    exp, _ = _expected(g)
    for node, m in sample_diag.actor_measures.items():
        for key in ("betweenness", "betweenness_w", "closeness", "harmonic", "pagerank", "clustering"):
            assert m[key] == pytest.approx(exp[key][node], abs=TOL), key
        assert m["core_number"] == exp["core_number"][node]
        if exp["eigenvector"] is not None:
            assert m["eigenvector"] == pytest.approx(exp["eigenvector"][node], abs=TOL)
    assert not math.isnan(sample_diag.network["modularity"])


# ---- review findings pinned -----------------------------------------------------------------------

def test_directed_two_way_bridge_counts_once(tmp_path):
    project = write_graph_project(tmp_path, 3, [(0, 1), (1, 0), (1, 2)], directed=True)
    diag = territoire.analyse(project)
    u = _undirected_of(diag.to_networkx())
    assert diag.network["n_bridges"] == len(list(nx.bridges(u))) == 2


def test_weights_outside_the_accepted_range_are_reported_not_used(tmp_path):
    project = write_graph_project(tmp_path, 4, [(0, 1), (1, 0), (1, 2), (2, 3)], ["1e308", "1e308", "1e-9", 2])
    diag = territoire.analyse(project)
    assert [p["kind"] for p in diag.problems].count("invalid_weight") == 3
    assert [(r["source_id"], r["target_id"]) for r in diag.layer("cooperation_links").records()] == [("n002", "n003")]


def test_an_object_whose_participants_were_all_rejected_is_not_listed(tmp_path):
    rows = [(0, "P1", 2023), (1, "P1", 2023), (99, "FANTOME", 2020)]  # n099 is no actor
    project = write_graph_project(tmp_path, 3, [], participations=rows)
    diag = territoire.analyse(project)
    assert [r["object_id"] for r in diag.layer("sheets_objects").records()] == ["P1"]
    assert diag.network["n_objects"] == 1


@pytest.mark.parametrize("edges,weights,directed", [
    ([(0, 1), (0, 1)], [1, 1], True),      # the same directed pair twice
    ([(0, 1), (1, 0)], [1, 1], False),     # the same undirected pair twice
    ([(0, 1)], [-1.0], False),             # weight not positive
    ([(0, 1)], [float("nan")], False),
])
def test_the_network_contract_is_checked(edges, weights, directed):
    with pytest.raises(territoire.Error):
        _core._analyse_network(3, edges, weights, directed)


def test_directed_network_map_draws_one_arrowhead_per_link(tmp_path):
    import xml.etree.ElementTree as ET
    edges = [(0, 10), (10, 0), (5, 27), (33, 8), (14, 2)]  # two-way pair 0 <-> 10 included
    project = write_graph_project(tmp_path, 40, edges, directed=True)
    territoire.run(project, tmp_path / "out", sheets=False, workbook=False)
    svg = ET.parse(tmp_path / "out" / "maps" / "reseau.svg").getroot()
    ns = "{http://www.w3.org/2000/svg}"
    links = next(g for g in svg.iter(ns + "g") if g.get("id") == "liens")
    lines = [p for p in links.iter(ns + "path") if p.get("fill") == "none"]
    heads = [p for p in links.iter(ns + "path") if p.get("fill") != "none" and p.get("d", "").endswith("Z")]
    assert len(lines) == len(edges) and len(heads) == len(edges)
    text = "".join(t.text or "" for t in svg.iter(ns + "text"))
    assert "la flèche pointe vers l'acteur de destination" in text and "liens orientés" in text
