"""Shared fixtures: the shipped sample and small generated projects."""
import json
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SAMPLE = pathlib.Path(os.environ.get("TERRITOIRE_SAMPLE", ROOT / "data/sample/deux-sevres/project.toml"))


@pytest.fixture(scope="session")
def sample_diag():
    import territoire

    return territoire.analyse(SAMPLE)


def write_square_territory(folder: pathlib.Path) -> pathlib.Path:
    """Two adjacent squares (areas A and B, 2 500 and 4 000 inhabitants in field `pop`) near Niort, in WGS 84."""
    features = []
    for code, x0, population in (("A", -0.50, 2500), ("B", -0.45, 4000)):
        ring = [[x0, 46.30], [x0 + 0.05, 46.30], [x0 + 0.05, 46.35], [x0, 46.35], [x0, 46.30]]
        features.append({"type": "Feature", "properties": {"code": code, "nom": "Zone " + code, "pop": population},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    path = folder / "zones.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def write_graph_project(folder: pathlib.Path, n_nodes: int, edges, weights=None, *, directed=False,
                        participations=None, projection=None) -> pathlib.Path:
    """A project whose actors are the graph's nodes (ids n000…, spread over the two squares) and
    whose links are its edges (`directed` sets `directed = true`). `participations`: rows
    (node, object id, year) written to participations.csv and declared in [participations]."""
    write_square_territory(folder)
    with open(folder / "acteurs.csv", "w", encoding="utf-8") as f:
        f.write("id;nom;famille;lon;lat\n")
        for i in range(n_nodes):
            lon = -0.499 + 0.098 * (i % 10) / 10.0
            lat = 46.301 + 0.048 * (i // 10 % 10) / 10.0
            f.write(f"n{i:03d};Acteur {i};{'association' if i % 3 else 'institution'};{lon:.6f};{lat:.6f}\n")
    with open(folder / "liens.csv", "w", encoding="utf-8") as f:
        f.write("a;b;w\n")
        for k, (u, v) in enumerate(edges):
            w = 1 if weights is None else weights[k]
            f.write(f"n{u:03d};n{v:03d};{w}\n")
    project = folder / "project.toml"
    project.write_text(
        '[project]\nname = "graphe"\n'
        '[territory]\npath = "zones.geojson"\n'
        '[areas]\npath = "zones.geojson"\nid_field = "code"\nname_field = "nom"\n'
        '[[actors]]\npath = "acteurs.csv"\nid_field = "id"\nname_field = "nom"\nfamily_field = "famille"\n'
        'x_field = "lon"\ny_field = "lat"\n'
        '[links]\npath = "liens.csv"\nsource_field = "a"\ntarget_field = "b"\nweight_field = "w"\n'
        + ('directed = true\n' if directed else ''),
        encoding="utf-8")
    if participations is not None:
        with open(folder / "participations.csv", "w", encoding="utf-8") as f:
            f.write("acteur;projet;annee\n")
            for node, obj, year in participations:
                f.write(f"n{node:03d};{obj};{year}\n")
        with open(project, "a", encoding="utf-8") as f:
            f.write('[participations]\npath = "participations.csv"\nactor_field = "acteur"\nobject_field = "projet"\n'
                    'year_field = "annee"\n' + (f'projection = "{projection}"\n' if projection else ''))
    return project
