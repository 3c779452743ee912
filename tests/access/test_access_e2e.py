"""Access measures end to end (docs/access.md): a small generated project in Lambert-93 (three
areas side by side, a population point every 200 m, five places of two kinds), run through the
command line in straight-line mode; every value of access_grid, of the areas' access fields, of
access_summary and of sheets_contrast is recomputed here with numpy from the inputs, independently
of the library (plain Euclidean distances, the 2SFCA formulas written out, Gini and Theil by their
double-sum definitions). Then the Filosofi preset (cell codes made with pyproj, the cells' corners
checked back with pyproj), bad inputs, and the street-network mode on the OSM fixture shipped in
tests/data/osm (never skipped).

Environment: TERRITOIRE_BIN (the territoire executable).
"""
import math
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from osgeo import ogr, osr
from pyproj import Transformer

ogr.UseExceptions()
osr.UseExceptions()

BIN = os.environ.get("TERRITOIRE_BIN", "territoire")
X0, Y0 = 430000.0, 6590000.0  # Lambert-93, near Niort
SPEED = 4.5 * 1000 / 60        # metres per minute
# The Melun OSM fixture: the copy the project ships with the routing engine (tests/data/osm), else
# the reference data's.
OSM_FIXTURE = next((p for p in (Path(__file__).resolve().parents[1] / "data/osm/melun.osm.pbf",
                                Path("/work/shared/realdata/osm-pbf-fixture-melun/osm_fixture.osm.pbf")) if p.exists()),
                   Path("tests/data/osm/melun.osm.pbf"))

AREAS = {"A1": (0, 1000), "A2": (1000, 2000), "A3": (2000, 3000)}  # x ranges (m from X0), y 0..2000
PLACES = [  # id, kind, x, y (m from X0, Y0), capacity (None = missing)
    ("B1", "bibliothèque", 300, 400, 2.0),
    ("B2", "bibliothèque", 1500, 1500, 1.0),
    ("B3", "bibliothèque", 2900, 100, None),
    ("C1", "cinéma", 500, 1000, 3.0),
    ("C2", "cinéma", 1100, 1900, 1.0),
]


def srs2154():
    s = osr.SpatialReference()
    s.ImportFromEPSG(2154)
    return s


def square(x0, y0, x1, y1):
    return ogr.CreateGeometryFromWkt(
        f"POLYGON(({X0+x0} {Y0+y0},{X0+x1} {Y0+y0},{X0+x1} {Y0+y1},{X0+x0} {Y0+y1},{X0+x0} {Y0+y0}))")


def population_points():
    rng = np.random.default_rng(7)
    pts = []
    n = 0
    for i in range(15):
        for j in range(10):
            n += 1
            pts.append((f"P{n:03d}", 100 + 200 * i, 100 + 200 * j, float(rng.integers(0, 60))))
    return pts


def write_inputs(folder: Path, places=None):
    places = PLACES if places is None else places
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(str(folder / "inputs.gpkg"))
    srs = srs2154()
    lyr = ds.CreateLayer("territory", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("nom", ogr.OFTString))
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetField("nom", "T")
    f.SetGeometry(square(0, 0, 3000, 2000))
    lyr.CreateFeature(f)
    lyr = ds.CreateLayer("areas", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
    for code, (a, b) in AREAS.items():
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("code", code)
        f.SetGeometry(square(a, 0, b, 2000))
        lyr.CreateFeature(f)
    lyr = ds.CreateLayer("pop", srs, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("cid", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("hab", ogr.OFTReal))
    for cid, x, y, p in population_points():
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("cid", cid)
        f.SetField("hab", p)
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({X0+x} {Y0+y})"))
        lyr.CreateFeature(f)
    lyr = ds.CreateLayer("places", srs, ogr.wkbPoint)
    for name in ("pid", "kind"):
        lyr.CreateField(ogr.FieldDefn(name, ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("cap", ogr.OFTReal))
    for pid, kind, x, y, cap in places:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("pid", pid)
        f.SetField("kind", kind)
        if cap is not None:
            f.SetField("cap", cap)
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({X0+x} {Y0+y})"))
        lyr.CreateFeature(f)
    ds = None


BASE = """
[project]
name = "acces"
[territory]
path = "inputs.gpkg"
layer = "territory"
[areas]
path = "inputs.gpkg"
layer = "areas"
id_field = "code"
[[places]]
path = "inputs.gpkg"
layer = "places"
id_field = "pid"
kind_field = "kind"
capacity_field = "cap"
"""

POPULATION = """
[population]
path = "inputs.gpkg"
layer = "pop"
id_field = "cid"
population_field = "hab"
"""


def run(folder: Path, toml: str, check=True):
    (folder / "project.toml").write_text(toml, encoding="utf-8")
    out = folder / "out"
    r = subprocess.run([BIN, "run", str(folder / "project.toml"), "-o", str(out), "--no-maps", "--no-sheets",
                        "--no-xlsx", "--no-geojson"], capture_output=True, text=True)
    if check:
        assert r.returncode == 0, r.stdout + r.stderr
    return r, out / "diagnostic.gpkg"


def read_layer(gpkg, name):
    ds = ogr.Open(str(gpkg))
    lyr = ds.GetLayerByName(name)
    assert lyr is not None, f"layer {name} missing"
    rows = []
    for f in lyr:
        row = {lyr.GetLayerDefn().GetFieldDefn(i).GetName(): f.GetField(i) for i in range(f.GetFieldCount())}
        g = f.GetGeometryRef()
        row["_wkt"] = g.ExportToWkt() if g else None
        rows.append(row)
    return rows


def expected(decay, max_min, t0_min, all_places=None):
    """Independent computation: per kind, nearest distance, count within t0, 2SFCA per 10 000
    (supply: the capacity, 0 when it is 0, 1 when it is missing)."""
    all_places = PLACES if all_places is None else all_places
    pts = population_points()
    P = np.array([p for *_, p in pts])
    XY = np.array([(x, y) for _, x, y, _ in pts], float)
    out = {}
    for kind in ("bibliothèque", "cinéma"):
        places = [p for p in all_places if p[1] == kind]
        S = np.array([1.0 if p[4] is None else p[4] for p in places])
        D = np.array([[math.hypot(x - px, y - py) for (_, _, px, py, _) in places] for x, y in XY])  # cells × places
        T = D / SPEED
        near = D.min(axis=1)
        near_id = [places[k][0] for k in D.argmin(axis=1)]
        reach = near <= max_min * SPEED
        if decay == "step":
            W = (T <= t0_min).astype(float)
        else:
            W = np.where(T <= t0_min, (np.exp(-0.5 * (T / t0_min) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5)), 0.0)
        demand = (W * P[:, None]).sum(axis=0)
        R = np.where(demand > 0, S / np.where(demand > 0, demand, 1), 0.0)
        A = (W * R[None, :]).sum(axis=1) * 10000
        out[kind] = dict(dist=np.where(reach, near, np.nan), near_id=near_id, n=(T <= t0_min).sum(axis=1), fca=A,
                         places=places)
    return P, XY, out


def area_of(x):
    for code, (a, b) in AREAS.items():
        if a < x < b:
            return code


def gini(x, w):
    w = np.asarray(w, float)
    x = np.asarray(x, float)
    mu = (w * x).sum() / w.sum()
    return (w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (2 * w.sum() ** 2 * mu)


def theil(x, w):
    w = np.asarray(w, float)
    x = np.asarray(x, float)
    mu = (w * x).sum() / w.sum()
    r = x / mu
    terms = np.where(r > 0, r * np.log(np.where(r > 0, r, 1)), 0.0)
    return (w * terms).sum() / w.sum()


@pytest.mark.parametrize("decay", ["step", "gaussian"])
def test_straight_line_values(tmp_path, decay):
    write_inputs(tmp_path)
    toml = BASE + POPULATION + f"""
[access]
max_minutes = 10
catchment_minutes = 8
decay = "{decay}"
[contrast]
a = ["A1"]
b = ["A3", "A2"]
a_name = "Ouest"
b_name = "Est"
"""
    r, gpkg = run(tmp_path, toml)
    assert "accessibilité à pied : distances ligne droite" in r.stdout
    P, XY, exp = expected(decay, 10, 8)
    grid = {row["cell_id"]: row for row in read_layer(gpkg, "access_grid")}
    pts = population_points()
    assert len(grid) == len(pts)
    slugs = {"bibliothèque": "bibliotheque", "cinéma": "cinema"}
    for i, (cid, x, y, p) in enumerate(pts):
        row = grid[cid]
        assert row["population"] == p
        assert row["area_id"] == area_of(x)
        assert row["distance_mode"] == "ligne_droite"
        assert row["_wkt"].startswith("POINT")
        for kind, s in slugs.items():
            e = exp[kind]
            if np.isnan(e["dist"][i]):
                assert row[f"dist_m_{s}"] is None and row[f"time_min_{s}"] is None and row[f"nearest_{s}"] is None
            else:
                assert row[f"dist_m_{s}"] == pytest.approx(e["dist"][i], abs=1e-6)
                assert row[f"time_min_{s}"] == pytest.approx(e["dist"][i] / SPEED, abs=1e-9)
                assert row[f"nearest_{s}"] == e["near_id"][i]
            assert row[f"n8_{s}"] == e["n"][i]
            assert row[f"fca_{s}"] == pytest.approx(e["fca"][i], rel=1e-9, abs=1e-12)

    # Areas: population from the grid (the areas have none), population-weighted times.
    areas = {row["area_id"]: row for row in read_layer(gpkg, "areas")}
    codes = np.array([area_of(x) for _, x, _, _ in pts])
    for code in AREAS:
        m = codes == code
        assert areas[code]["population"] == pytest.approx(P[m].sum())
        assert areas[code]["grid_population"] == pytest.approx(P[m].sum())
        for kind, s in slugs.items():
            t = exp[kind]["dist"][m] / SPEED
            w = P[m]
            ok = ~np.isnan(t)
            mean = (w[ok] * t[ok]).sum() / w[ok].sum() if w[ok].sum() > 0 else None
            assert areas[code][f"time_mean_min_{s}"] == pytest.approx(mean)
            assert areas[code][f"unreached_pct_{s}"] == pytest.approx(100 * w[~ok].sum() / w.sum())
            tt = np.where(np.isnan(t), np.inf, t)
            assert areas[code][f"beyond10_pct_{s}"] == pytest.approx(100 * w[~(tt <= 10)].sum() / w.sum())
            assert areas[code][f"beyond20_pct_{s}"] is None  # 20 min > max_minutes: unknown
            assert areas[code][f"fca_mean_{s}"] == pytest.approx((w * exp[kind]["fca"][m]).sum() / w.sum())
            # weighted median: smallest t with cumulative weight ≥ half
            order = np.argsort(tt, kind="stable")
            cum = np.cumsum(w[order])
            k = np.searchsorted(cum, w.sum() / 2 - 1e-9)
            med = tt[order][k]
            got = areas[code][f"time_median_min_{s}"]
            assert (got is None) if np.isinf(med) else got == pytest.approx(med)

    # Territory: Gini and Theil of the score over inhabitants.
    summary = {(row["indicator"], row["kind"]): row for row in read_layer(gpkg, "access_summary")}
    assert summary[("distance_mode", None)]["text"].startswith("ligne droite")
    assert summary[("uses_network", None)]["value"] == 0
    assert summary[("population", None)]["value"] == pytest.approx(P.sum())
    for kind in slugs:
        keep = P > 0
        assert summary[("gini_fca", kind)]["value"] == pytest.approx(gini(exp[kind]["fca"][keep], P[keep]))
        assert summary[("theil_fca", kind)]["value"] == pytest.approx(theil(exp[kind]["fca"][keep], P[keep]))
        # Between / within areas, from the per-area means and the per-area Theil written here.
        x, w, g = exp[kind]["fca"][keep], P[keep], codes[keep]
        mu = (w * x).sum() / w.sum()
        between = within = 0.0
        for code in AREAS:
            m = g == code
            mug = (w[m] * x[m]).sum() / w[m].sum()
            share = w[m].sum() * mug / (w.sum() * mu)
            if mug > 0:
                between += share * math.log(mug / mu)
                within += share * theil(x[m], w[m])
        assert summary[("theil_between_fca", kind)]["value"] == pytest.approx(between, abs=1e-12)
        assert summary[("theil_within_fca", kind)]["value"] == pytest.approx(within, abs=1e-12)
        t = exp[kind]["dist"] / SPEED
        assert summary[("unreached_pct", kind)]["value"] == pytest.approx(100 * P[np.isnan(t)].sum() / P.sum())
        assert "parmi les habitants atteignant un lieu en ≤ 10 min" in summary[("time_mean_min", kind)]["label"]
        assert summary[("n_places", kind)]["value"] == len(exp[kind]["places"])

    # Contrast: Ouest (A1) against Est (A2 + A3).
    contrast = {(row["kind"], row["indicator"]): row for row in read_layer(gpkg, "sheets_contrast")}
    ma, mb = codes == "A1", np.isin(codes, ["A2", "A3"])
    assert contrast[(None, "population")]["value_a"] == pytest.approx(P[ma].sum())
    for kind in slugs:
        t = exp[kind]["dist"] / SPEED
        def mean_t(m):
            ok = m & ~np.isnan(t)
            return (P[ok] * t[ok]).sum() / P[ok].sum()
        def mean_fca(m):
            return (P[m] * exp[kind]["fca"][m]).sum() / P[m].sum()
        row = contrast[(kind, "time_mean_min")]
        assert row["value_a"] == pytest.approx(mean_t(ma))
        assert row["value_b"] == pytest.approx(mean_t(mb))
        # The time ratio only when at least half of each set reaches a place within max_minutes.
        reached = lambda m: P[m & ~np.isnan(t)].sum() / P[m].sum()
        if min(reached(ma), reached(mb)) >= 0.5:
            assert row["ratio_a_b"] == pytest.approx(mean_t(ma) / mean_t(mb)) and row["note"] is None
        else:
            assert row["ratio_a_b"] is None and "moins de la moitié" in row["note"]
        assert contrast[(kind, "unreached_pct")]["value_b"] == pytest.approx(100 * (1 - reached(mb)))
        row = contrast[(kind, "fca_mean")]
        assert row["ratio_a_b"] == pytest.approx(mean_fca(ma) / mean_fca(mb))
        n_a = sum(1 for p in exp[kind]["places"] if area_of(p[2]) == "A1")
        n_b = sum(1 for p in exp[kind]["places"] if area_of(p[2]) in ("A2", "A3"))
        row = contrast[(kind, "places_per_10k")]
        assert row["value_a"] == pytest.approx(n_a * 10000 / P[ma].sum())
        assert row["value_b"] == pytest.approx(n_b * 10000 / P[mb].sum())
        assert row["areas_b"] == "A2 ; A3"

    # Capacity missing for B3: reported once for its kind; the grid fill reported; manifest entry.
    dq = read_layer(gpkg, "data_quality")
    assert [r["field"] for r in dq if r["kind"] == "capacity_missing"] == ["capacity"]
    assert any(r["kind"] == "population_from_grid" for r in dq)
    import json
    manifest = json.loads((gpkg.parent / "manifest.json").read_text())
    assert manifest["access"]["uses_network"] == 0
    assert manifest["access"]["kinds"]["cinéma"]["n_places"] == 2
    assert manifest["layers"]["access_grid"] == len(pts)
    # Isochrones: in straight-line mode, discs around each place for 5, 10 and 15 minutes, in the
    # order of the kinds and places whatever the threads that built them.
    iso = read_layer(gpkg, "isochrones")
    assert len(iso) == len(PLACES) * 3
    assert [(row["place_id"], row["minutes"]) for row in iso] == \
        [(p[0], m) for kind in ("bibliothèque", "cinéma") for p in PLACES if p[1] == kind for m in (5, 10, 15)]
    for row in iso:
        assert row["minutes"] in (5, 10, 15)
        area = ogr.CreateGeometryFromWkt(row["_wkt"]).GetArea()
        r = row["minutes"] * SPEED
        assert math.pi * r * r * 0.95 <= area <= math.pi * (r + 40) ** 2 * 1.05


def test_polygon_population(tmp_path):
    """Population given as polygons: each is represented by a point on its surface (the centre of a
    rectangle), and access_grid keeps the polygons."""
    write_inputs(tmp_path)
    ds = ogr.Open(str(tmp_path / "inputs.gpkg"), 1)
    lyr = ds.CreateLayer("blocks", srs2154(), ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("hab", ogr.OFTInteger))
    blocks = [(0, 0, 1000, 1000, 120), (1000, 0, 2000, 1000, 80), (2000, 1000, 3000, 2000, 50), (0, 1000, 1500, 2000, 0)]
    for x0, y0, x1, y1, p in blocks:
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("hab", p)
        f.SetGeometry(square(x0, y0, x1, y1))
        lyr.CreateFeature(f)
    ds = None
    toml = BASE + """
[population]
path = "inputs.gpkg"
layer = "blocks"
population_field = "hab"
[access]
kinds = ["cinéma"]
decay = "step"
"""
    r, gpkg = run(tmp_path, toml)
    grid = read_layer(gpkg, "access_grid")
    assert len(grid) == len(blocks)
    cinemas = [(x, y) for _, k, x, y, _ in PLACES if k == "cinéma"]
    for row, (x0, y0, x1, y1, p) in zip(grid, blocks):
        assert row["_wkt"].startswith("MULTIPOLYGON")
        assert row["population"] == p
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        assert row["dist_m_cinema"] == pytest.approx(min(math.hypot(cx - x, cy - y) for x, y in cinemas), abs=1e-6)


def test_filosofi_preset_cells(tmp_path):
    """Filosofi cells: codes made here with pyproj from points in the territory; each cell in the
    output, reprojected back to EPSG:3035, is the 200 m square whose south-west corner the code gives."""
    write_inputs(tmp_path)
    to3035 = Transformer.from_crs("EPSG:2154", "EPSG:3035", always_xy=True)
    to2154 = Transformer.from_crs("EPSG:3035", "EPSG:2154", always_xy=True)
    rows, codes = [], {}
    for k, (x, y) in enumerate([(500, 500), (1500, 700), (2600, 1600), (1200, 1300)]):
        e, n = to3035.transform(X0 + x, Y0 + y)
        e0, n0 = math.floor(e / 200) * 200, math.floor(n / 200) * 200
        code = f"CRS3035RES200mN{n0}E{e0}"
        codes[code] = (e0, n0)
        rows.append(f"{code};CRS3035RES1000mN0E0;{10 * (k + 1)};{k}")
    rows.append("CRS3035RES200mNxxE1;x;5;9")  # unreadable code: reported, dropped
    (tmp_path / "filosofi.csv").write_text("Idcar_200m;Idcar_1km;Ind;Men\n" + "\n".join(rows) + "\n", encoding="utf-8")
    toml = BASE + """
[population]
path = "filosofi.csv"
preset = "filosofi"
[access]
kinds = ["bibliothèque"]
"""
    r, gpkg = run(tmp_path, toml)
    grid = {row["cell_id"]: row for row in read_layer(gpkg, "access_grid")}
    assert set(grid) == set(codes)
    for code, (e0, n0) in codes.items():
        row = grid[code]
        assert row["population"] in (10, 20, 30, 40)
        geom = ogr.CreateGeometryFromWkt(row["_wkt"])
        assert geom.GetGeometryName() == "MULTIPOLYGON"
        ring = geom.GetGeometryRef(0).GetGeometryRef(0)
        corners = [to3035.transform(ring.GetX(i), ring.GetY(i)) for i in range(ring.GetPointCount() - 1)]
        expected_corners = [(e0, n0), (e0 + 200, n0), (e0 + 200, n0 + 200), (e0, n0 + 200)]
        for (ce, cn), (xe, xn) in zip(corners, expected_corners):
            assert ce == pytest.approx(xe, abs=1e-3) and cn == pytest.approx(xn, abs=1e-3)
        # The nearest-library distance is measured from the cell's centre.
        cx, cy = to2154.transform(e0 + 100, n0 + 100)
        near = min(math.hypot(cx - (X0 + px), cy - (Y0 + py)) for _, k, px, py, _ in PLACES if k == "bibliothèque")
        if near <= 30 * SPEED:
            assert row["dist_m_bibliotheque"] == pytest.approx(near, abs=1e-6)
    assert "cinema" not in " ".join(grid[next(iter(grid))].keys())
    dq = read_layer(gpkg, "data_quality")
    assert any(r["kind"] == "invalid_grid_code" for r in dq)


@pytest.mark.parametrize("extra, message", [
    ("[access]\nkinds = [\"théâtre\"]\n", "type de lieu « théâtre » absent"),
    ("[contrast]\na = [\"A1\"]\nb = [\"A9\"]\n", "zone « A9 » inconnue"),
])
def test_bad_inputs_named(tmp_path, extra, message):
    write_inputs(tmp_path)
    r, _ = run(tmp_path, BASE + POPULATION + extra, check=False)
    assert r.returncode == 1
    assert message in r.stderr + r.stdout
    assert "project.toml" in r.stderr + r.stdout


def test_missing_population_field_named(tmp_path):
    write_inputs(tmp_path)
    r, _ = run(tmp_path, BASE + POPULATION.replace('"hab"', '"habitants"'), check=False)
    assert r.returncode == 1
    out = r.stderr + r.stdout
    assert "habitants" in out and "population_field" in out and "champ introuvable" in out


def test_network_mode_on_osm_fixture(tmp_path):
    """Street-network mode on the real OSM fixture (mimirsbrunn's Melun subset, realdata/SOURCES.md
    §7): its streets near Vaux-le-Pénil are a few short, mostly disconnected pieces. Network distances
    are never shorter than straight lines, every cell gets a snap distance, disconnected pieces are
    reported, every library gets its isochrones. Never skipped: the fixture ships in tests/data/osm."""
    assert OSM_FIXTURE.exists(), OSM_FIXTURE  # shipped with the project: the test must run
    to2154 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    x0, y0 = to2154.transform(2.670, 48.503)
    x1, y1 = to2154.transform(2.695, 48.528)
    # Two libraries next to fixture streets (Vaux-le-Pénil), a population point every 200 m.
    places = {"L1": to2154.transform(2.6836, 48.5080), "L2": to2154.transform(2.6880, 48.5248)}
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(str(tmp_path / "melun.gpkg"))
    srs = srs2154()

    def poly(a, b, c, d):
        return ogr.CreateGeometryFromWkt(f"POLYGON(({a} {b},{c} {b},{c} {d},{a} {d},{a} {b}))")
    lyr = ds.CreateLayer("territory", srs, ogr.wkbPolygon)
    f = ogr.Feature(lyr.GetLayerDefn())
    f.SetGeometry(poly(x0, y0, x1, y1))
    lyr.CreateFeature(f)
    lyr = ds.CreateLayer("areas", srs, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
    xm = (x0 + x1) / 2
    for code, (a, b) in {"W": (x0, xm), "E": (xm, x1)}.items():
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("code", code)
        f.SetGeometry(poly(a, y0, b, y1))
        lyr.CreateFeature(f)
    lyr = ds.CreateLayer("pop", srs, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("hab", ogr.OFTReal))
    n_cells = 0
    x = x0 + 100
    while x < x1:
        y = y0 + 100
        while y < y1:
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetField("hab", 10.0)
            f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({x} {y})"))
            lyr.CreateFeature(f)
            n_cells += 1
            y += 200
        x += 200
    lyr = ds.CreateLayer("places", srs, ogr.wkbPoint)
    lyr.CreateField(ogr.FieldDefn("pid", ogr.OFTString))
    for pid, (px, py) in places.items():
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetField("pid", pid)
        f.SetGeometry(ogr.CreateGeometryFromWkt(f"POINT({px} {py})"))
        lyr.CreateFeature(f)
    ds = None
    toml = f"""
[territory]
path = "melun.gpkg"
layer = "territory"
[areas]
path = "melun.gpkg"
layer = "areas"
id_field = "code"
[[places]]
path = "melun.gpkg"
layer = "places"
id_field = "pid"
kind = "bibliothèque"
[population]
path = "melun.gpkg"
layer = "pop"
population_field = "hab"
[network]
path = "{OSM_FIXTURE}"
[access]
max_minutes = 60
"""
    r, gpkg = run(tmp_path, toml, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "accessibilité à pied : distances réseau de rues" in r.stdout
    grid = read_layer(gpkg, "access_grid")
    assert len(grid) == n_cells
    assert all(row["distance_mode"] == "reseau" for row in grid)
    assert all(row["snap_m"] is not None and row["snap_m"] >= 0 for row in grid)
    reached = 0
    for row in grid:
        if row["dist_m_bibliotheque"] is None:
            continue
        reached += 1
        x, y = ogr.CreateGeometryFromWkt(row["_wkt"]).GetPoint_2D(0)
        px, py = places[row["nearest_bibliotheque"]]
        # The network path is never shorter than the straight line, and includes the snap.
        assert row["dist_m_bibliotheque"] >= math.hypot(x - px, y - py) - 1e-6
        assert row["dist_m_bibliotheque"] >= row["snap_m"] - 1e-6
    assert reached > 0
    summary = {(row["indicator"], row["kind"]): row for row in read_layer(gpkg, "access_summary")}
    assert summary[("uses_network", None)]["value"] == 1
    assert summary[("network_edges", None)]["value"] > 0
    assert summary[("network_components", None)]["value"] > 1  # the fixture's streets are in pieces
    assert any(row["kind"] == "network_components" for row in read_layer(gpkg, "data_quality"))
    isochrones = read_layer(gpkg, "isochrones")
    # Both libraries stand by a street: each has its 5, 10 and 15 minute areas, nested.
    assert sorted((row["place_id"], row["minutes"]) for row in isochrones) == \
        sorted((pid, m) for pid in places for m in (5, 10, 15))
    for pid in places:
        areas = {row["minutes"]: ogr.CreateGeometryFromWkt(row["_wkt"]) for row in isochrones if row["place_id"] == pid}
        assert 0 < areas[5].GetArea() <= areas[10].GetArea() <= areas[15].GetArea()
        assert areas[15].Buffer(1e-3).Contains(areas[5])


def test_contrast_mostly_unreachable_capacity_zero(tmp_path):
    """One contrast set (A3, the east) has no cinema within max_minutes for most of its inhabitants:
    the time ratio is left empty with a note saying why, the unreached shares and the beyond rows are
    given; a cinema of capacity 0 offers nothing in the 2SFCA; no cinema in b gives a note, not a
    silent empty ratio."""
    places = [p if p[0] != "C2" else ("C2", "cinéma", 1100, 1900, 0.0) for p in PLACES]
    write_inputs(tmp_path, places)
    toml = BASE + POPULATION + """
[access]
max_minutes = 20
catchment_minutes = 8
decay = "step"
[contrast]
a = ["A1"]
b = ["A3"]
a_name = "Ouest"
b_name = "Est"
"""
    r, gpkg = run(tmp_path, toml)
    P, XY, exp = expected("step", 20, 8, places)
    pts = population_points()
    codes = np.array([area_of(x) for _, x, _, _ in pts])
    ma, mb = codes == "A1", codes == "A3"
    t = exp["cinéma"]["dist"] / SPEED  # NaN beyond 20 min
    unreached = lambda m: 100 * P[m & np.isnan(t)].sum() / P[m].sum()
    assert unreached(ma) == 0 and unreached(mb) > 50  # the case this test is about
    contrast = {(row["kind"], row["indicator"]): row for row in read_layer(gpkg, "sheets_contrast")}
    row = contrast[("cinéma", "time_mean_min")]
    ok_b = mb & ~np.isnan(t)
    assert row["value_b"] == pytest.approx((P[ok_b] * t[ok_b]).sum() / P[ok_b].sum())
    assert row["ratio_a_b"] is None
    assert "moins de la moitié" in row["note"] and "Est" in row["note"]
    assert "parmi les habitants atteignant un lieu en ≤ 20 min" in row["label"]
    row = contrast[("cinéma", "unreached_pct")]
    assert row["value_a"] == pytest.approx(0) and row["value_b"] == pytest.approx(unreached(mb))
    assert row["ratio_a_b"] == pytest.approx(0) and row["note"] is None
    tt = np.where(np.isnan(t), np.inf, t)
    for limit in (10, 20):
        row = contrast[("cinéma", f"beyond{limit}_pct")]
        assert row["value_a"] == pytest.approx(100 * P[ma & ~(tt <= limit)].sum() / P[ma].sum())
        assert row["value_b"] == pytest.approx(100 * P[mb & ~(tt <= limit)].sum() / P[mb].sum())
    # The libraries are reached by everyone: their time ratio is given, without a note.
    row = contrast[("bibliothèque", "time_mean_min")]
    assert row["ratio_a_b"] is not None and row["note"] is None
    # No cinema in the east: places per 10 000 of b is 0, the note gives a's value.
    row = contrast[("cinéma", "places_per_10k")]
    assert row["value_b"] == 0 and row["ratio_a_b"] is None
    assert row["note"].startswith("rapport non calculé : Est nul (Ouest = ")
    # Capacity 0: supply 0 (the expected scores use S = 0), reported as such, not as missing.
    grid = {row["cell_id"]: row for row in read_layer(gpkg, "access_grid")}
    for i, (cid, *_rest) in enumerate(pts):
        assert grid[cid]["fca_cinema"] == pytest.approx(exp["cinéma"]["fca"][i], rel=1e-9, abs=1e-12)
    dq = read_layer(gpkg, "data_quality")
    assert [r["feature"] for r in dq if r["kind"] == "capacity_zero"] == ["cinéma"]
    assert [r["feature"] for r in dq if r["kind"] == "capacity_missing"] == ["bibliothèque"]
    # The command line says it: the share without a place first, the reason for the missing ratio.
    assert "cinéma : sans lieu à 20 min ou moins" in r.stdout
    assert "temps moyen — (rapport non calculé : moins de la moitié" in r.stdout
    assert "Est nul (Ouest = " in r.stdout


def test_contrast_sets_must_not_overlap(tmp_path):
    write_inputs(tmp_path)
    r, _ = run(tmp_path, BASE + POPULATION + "[contrast]\na = [\"A1\", \"A2\"]\nb = [\"A2\"]\n", check=False)
    assert r.returncode != 0
    assert "A2" in r.stderr and "disjoints" in r.stderr
