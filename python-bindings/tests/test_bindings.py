"""The Python API: layers, GeoPandas and networkx bridges, exceptions, writing."""
import json
import os
import math
import random

import networkx as nx
import pytest

import territoire
from conftest import SAMPLE, write_graph_project, write_square_territory

EXPECTED_LAYERS = ["territory", "areas", "actors", "places", "cooperation_links", "area_links", "communities",
                   "network_summary", "network_components", "network_family_mixing", "network_area_matrix",
                   "network_link_lengths", "network_isolated_actors",
                   "sheets_families", "sheets_areas", "sheets_communities", "sheets_objects",
                   "match_candidates", "actor_sources", "place_sources",
                   # the sample's [survey] (issue 8, docs/survey.md)
                   "survey_respondents", "survey_indicators", "survey_representativeness", "survey_raking", "survey_texts",
                   "data_quality"]
SPATIAL_LAYERS = ["territory", "areas", "actors", "places", "cooperation_links", "area_links", "communities"]


def test_version_is_the_library_version():
    assert territoire.__version__ == "0.1.0"


def test_sample_has_every_contract_layer_in_order(sample_diag):
    assert sample_diag.layer_names == EXPECTED_LAYERS
    assert sample_diag.crs == "EPSG:2154"


def test_survey_respondents_stay_in_the_diagnostic(sample_diag):
    # A working table: not delivered (deliver() writes it to travail/enquete-repondants.csv), but
    # still readable from Python for checks (docs/survey.md).
    rows = sample_diag.layer("survey_respondents").records()
    assert rows and set(rows[0]) >= {"respondent_id", "area_id", "weight"}


def test_sample_counts_match_the_independent_spatial_join(sample_diag):
    # 140 libraries located in département 79 and 6 in Niort: geopandas sjoin and GDAL SQL
    # ST_Within agree on these (shared/realdata/SOURCES.md, tests/python/test_sample_counts.py).
    places = sample_diag.layer("places").records()
    libraries = [p for p in places if p["kind"] == "bibliothèque"]
    assert len(libraries) == 140
    assert sum(1 for p in libraries if p["area_id"] == "79191") == 6


def test_geo_interface_is_a_feature_collection_in_the_working_crs(sample_diag):
    layer = sample_diag.layer("places")
    gi = layer.__geo_interface__
    assert gi["type"] == "FeatureCollection" and len(gi["features"]) == len(layer)
    x, y = gi["features"][0]["geometry"]["coordinates"]
    # Lambert-93 metres over Deux-Sèvres, not degrees.
    assert 300_000 < x < 550_000 and 6_500_000 < y < 6_700_000


def test_to_geopandas_keeps_fields_and_crs(sample_diag):
    gdf = sample_diag.layer("actors").to_geopandas()
    assert gdf.crs.to_epsg() == 2154
    assert list(gdf.columns) == sample_diag.layer("actors").fields + ["geometry"]
    # Unlocated actors are kept with a null geometry, never an invented position.
    assert gdf.geometry.isna().sum() == 3
    table = sample_diag.layer("data_quality").to_geopandas()
    assert len(table) == len(sample_diag.problems)


def test_codes_stay_text(sample_diag):
    ids = [r["area_id"] for r in sample_diag.layer("areas").records()]
    assert all(isinstance(i, str) and len(i) == 5 for i in ids)


def test_to_networkx_rebuilds_the_graph_of_the_layers(sample_diag):
    g = sample_diag.to_networkx()
    assert g.number_of_nodes() == len(sample_diag.layer("actors"))
    assert g.number_of_edges() == len(sample_diag.layer("cooperation_links"))
    ref = nx.betweenness_centrality(g, normalized=True)
    for actor_id, m in sample_diag.actor_measures.items():
        assert m["betweenness"] == pytest.approx(ref[actor_id], abs=1e-9)


def _check_measures_against_networkx(diag, graph):
    measures = diag.actor_measures
    bet = nx.betweenness_centrality(graph, normalized=True)
    clo = nx.closeness_centrality(graph)
    cut = set(nx.articulation_points(graph))
    strength = dict(graph.degree(weight="weight"))
    comps = sorted(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
    comp_of = {n: i + 1 for i, c in enumerate(comps) for n in c}
    for node in graph.nodes:
        m = measures[node]
        assert m["degree"] == graph.degree(node)
        assert m["strength"] == pytest.approx(strength[node], abs=1e-9)
        assert m["betweenness"] == pytest.approx(bet[node], abs=1e-9)
        assert m["closeness"] == pytest.approx(clo[node], abs=1e-9)
        assert bool(m["is_cut_vertex"]) == (node in cut)
        assert m["component"] == comp_of[node]


@pytest.mark.parametrize("seed,n,p", [(1, 40, 0.05), (2, 60, 0.08), (3, 80, 0.03), (4, 25, 0.3)])
def test_measures_equal_networkx_on_random_graphs(tmp_path, seed, n, p):
    rng = random.Random(seed)
    g = nx.gnp_random_graph(n, p, seed=seed)
    edges = list(g.edges())
    weights = [rng.randint(1, 5) for _ in edges]
    project = write_graph_project(tmp_path, n, edges, weights)
    diag = territoire.analyse(project)
    ref = nx.Graph()
    ref.add_nodes_from(f"n{i:03d}" for i in range(n))
    for (u, v), w in zip(edges, weights):
        ref.add_edge(f"n{u:03d}", f"n{v:03d}", weight=w)
    _check_measures_against_networkx(diag, ref)


def test_duplicate_links_are_merged_with_summed_weight(tmp_path):
    project = write_graph_project(tmp_path, 4, [(0, 1), (1, 0), (1, 2)], [2, 3, 1])
    diag = territoire.analyse(project)
    links = {(r["source_id"], r["target_id"]): r["weight"] for r in diag.layer("cooperation_links").records()}
    assert links == {("n000", "n001"): 5.0, ("n001", "n002"): 1.0}
    assert [p["kind"] for p in diag.problems] == ["duplicate_link"]


def test_write_produces_the_deliverables(tmp_path):
    (tmp_path / "p").mkdir()
    project = write_graph_project(tmp_path / "p", 5, [(0, 1), (1, 2)])
    diag = territoire.run(project, tmp_path / "out")
    assert (tmp_path / "out" / "diagnostic.gpkg").is_file()
    assert sorted(p.name for p in (tmp_path / "out" / "geojson").iterdir()) == sorted(
        f"{n}.geojson" for n in SPATIAL_LAYERS)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["layers"]["actors"] == 5
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_project_errors_are_project_error_naming_the_line(tmp_path):
    write_square_territory(tmp_path)
    bad = tmp_path / "project.toml"
    bad.write_text('[territory]\npath = "zones.geojson"\n[areas]\npath = "zones.geojson"\nid_fied = "code"\n',
                   encoding="utf-8")
    with pytest.raises(territoire.ProjectError) as err:
        territoire.analyse(bad)
    assert "id_fied" in str(err.value) and "ligne 5" in str(err.value)
    assert isinstance(err.value, territoire.Error)
    assert err.value.field == "id_fied" and err.value.feature == "ligne 5" and err.value.file.endswith("project.toml")


def test_input_errors_are_input_error_naming_the_field(tmp_path):
    project = write_graph_project(tmp_path, 3, [(0, 1)])
    text = project.read_text(encoding="utf-8").replace('family_field = "famille"', 'family_field = "familles"')
    project.write_text(text, encoding="utf-8")
    with pytest.raises(territoire.InputError) as err:
        territoire.analyse(project)
    assert "familles" in str(err.value) and "acteurs.csv" in str(err.value)
    assert err.value.field == "familles" and err.value.file == "acteurs.csv"


def test_output_errors_are_output_error(tmp_path):
    project = write_graph_project(tmp_path, 3, [(0, 1)])
    diag = territoire.analyse(project)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(territoire.OutputError):
        diag.write(blocker / "out")


def test_same_inputs_give_the_same_outputs(tmp_path):
    # Deterministic ordering (everything sorted by id) and no timestamps in GeoJSON or manifest.
    first = territoire.run(SAMPLE, tmp_path / "one")
    territoire.run(SAMPLE, tmp_path / "two")
    for name in SPATIAL_LAYERS:
        a = (tmp_path / "one" / "geojson" / f"{name}.geojson").read_bytes()
        b = (tmp_path / "two" / "geojson" / f"{name}.geojson").read_bytes()
        assert a == b, name
    for name in ("manifest.json", "network.graphml", "network.gexf"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    assert [r["actor_id"] for r in first.layer("actors").records()] == sorted(
        r["actor_id"] for r in first.layer("actors").records())


def test_per_10k_indicators_and_territory_population(tmp_path):
    project = write_graph_project(tmp_path, 30, [(0, 1), (1, 2)])
    text = project.read_text(encoding="utf-8").replace('name_field = "nom"\n[[actors]]',
                                                        'name_field = "nom"\npopulation_field = "pop"\n[[actors]]')
    project.write_text(text, encoding="utf-8")
    diag = territoire.analyse(project)
    population = {"A": 2500.0, "B": 4000.0}
    actors = diag.layer("actors").records()
    for area in diag.layer("areas").records():
        mine = [a for a in actors if a["area_id"] == area["area_id"]]
        assert area["population"] == population[area["area_id"]]
        assert area["n_actors"] == len(mine) > 0
        assert area["actors_per_10k"] == pytest.approx(len(mine) * 10000 / population[area["area_id"]], rel=1e-12)
        for family in ("association", "institution"):
            n = sum(1 for a in mine if a["family"] == family)
            assert area[f"n_actors_{family}"] == n
            assert area[f"n_actors_{family}_per_10k"] == pytest.approx(n * 10000 / population[area["area_id"]], rel=1e-12)
        assert area["places_per_10k"] == 0
    assert diag.layer("territory").records()[0]["population"] == 6500.0


def test_a_french_host_locale_changes_no_number(tmp_path):
    # Qt (QGIS's Python console) sets the user's locale, e.g. fr_FR with a decimal comma, for
    # strtod and printf. The library must read "-0.47" and write "0.5" all the same.
    import subprocess
    import sys
    loc = tmp_path / "loc"
    loc.mkdir()
    made = subprocess.run(["localedef", "-i", "fr_FR", "-f", "UTF-8", str(loc / "fr_FR.UTF-8")],
                          capture_output=True, text=True)
    assert made.returncode in (0, 1), made.stderr  # 1 = warnings only
    script = (
        "import locale, json, territoire\n"
        "locale.setlocale(locale.LC_ALL, 'fr_FR.UTF-8')\n"
        "assert locale.localeconv()['decimal_point'] == ','\n"
        f"d = territoire.run({str(SAMPLE)!r}, {str(tmp_path / 'out')!r})\n"
        "print(json.dumps([len(d.layer('places')), len(d.layer('cooperation_links'))]))\n")
    env = dict(os.environ, LOCPATH=str(loc))
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    french = json.loads(run.stdout)
    assert french == [len(territoire.analyse(SAMPLE).layer("places")), len(territoire.analyse(SAMPLE).layer("cooperation_links"))]
    # Written numbers keep their decimal point.
    gexf = (tmp_path / "out" / "network.gexf").read_text(encoding="utf-8")
    assert 'weight="1,' not in gexf and "viz:position x=\"-" in gexf
    assert "0,5" not in (tmp_path / "out" / "maps" / "zones.svg").read_text(encoding="utf-8").split("<text")[0]
