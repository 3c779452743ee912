"""Offline BAN geocoding end to end (docs/geocoding.md): the RNA-like extract of tests/data/ban is
run through the CLI and every actor of the GeoPackage is checked, through OGR, against the BAN row
it must come from, reprojected independently with pyproj."""
import csv
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from osgeo import ogr, osr
from pyproj import Transformer

DATA = Path(__file__).resolve().parents[1] / "data" / "ban"
BIN = os.environ.get("TERRITOIRE_BIN", "territoire")
TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    out = tmp_path_factory.mktemp("geocoding") / "out"
    subprocess.run([BIN, "run", str(DATA / "project.toml"), "-o", str(out), "--no-maps", "--no-sheets", "--no-xlsx",
                    "--no-geojson"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def ban():
    with open(DATA / "adresses-79-extrait.csv", encoding="utf-8") as f:
        return {r["id"]: r for r in csv.DictReader(f, delimiter=";")}


@pytest.fixture(scope="module")
def actors(out):
    ds = ogr.Open(str(out / "diagnostic.gpkg"))
    layer = ds.GetLayerByName("actors")
    defn = layer.GetLayerDefn()
    types = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())}
    assert types["geocode_score"] == "Real"
    assert types["geocode_precision"] == "String"
    assert types["ban_id"] == "String"
    rows = {}
    for f in layer:
        g = f.GetGeometryRef()
        rows[f.GetField("actor_id")] = dict(
            precision=f.GetField("geocode_precision"), score=f.GetField("geocode_score"), ban_id=f.GetField("ban_id"),
            method=f.GetField("location_method"), area=f.GetField("area_id"),
            xy=None if g is None or g.IsEmpty() else (g.GetX(), g.GetY()))
    return rows


def ban_point(ban, ban_id):
    r = ban[ban_id]
    return TO_L93.transform(float(r["lon"]), float(r["lat"]))


def dice(a, b):
    """Trigram Dice coefficient of two keys padded with one space, written independently."""
    def grams(s):
        s = f" {s} "
        return {s[i:i + 3] for i in range(len(s) - 2)}
    ga, gb = grams(a), grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb))


# actor → (precision, BAN id, BAN address whose point it must have)
EXPECTED = {
    "W791000001": ("housenumber", "79191_0420_00012", "79191_0420_00012"),
    "W791000002": ("housenumber", "79191_0420_00012_bis", "79191_0420_00012_bis"),  # 12 B = 12 bis
    "W791000003": ("street", "79191_0420", "79191_0420_00012"),  # 14 missing: nearest is 12 (tie 12/16 → lower)
    "W791000005": ("housenumber", "79191_1200_00003", "79191_1200_00003"),  # "DE LA GARD" misspelt
    "W791000008": ("housenumber", "79034_0100_00002", "79034_0100_00002"),  # postcode 79000 + city Bessines
    "W791000009": ("housenumber", "79191_1100_00008", "79191_1100_00008"),  # AV → avenue
    "W791000010": ("housenumber", "79191_1010_00175_a", "79191_1010_00175_a"),  # R DU MAL LECLERC, 175 A
    "W791000011": ("housenumber", "79191_1500_00016", "79191_1500_00016"),  # BD → boulevard
    "W791000012": ("housenumber", "79101_0070_00027", "79101_0070_00027"),
    "W791000013": ("housenumber", "79307_0050_00006", "79307_0050_00006"),  # postcode only
    "W791000014": ("housenumber", "79078_0080_00002", "79078_0080_00002"),  # former commune's INSEE code
    "W791000015": ("street", "79034_0200", "79034_0200_00010"),  # 1 missing: nearest is 10
}


@pytest.mark.parametrize("actor", sorted(EXPECTED))
def test_point_is_the_ban_point(actors, ban, actor):
    precision, ban_id, point_of = EXPECTED[actor]
    a = actors[actor]
    assert (a["precision"], a["ban_id"], a["method"]) == (precision, ban_id, "ban")
    x, y = ban_point(ban, point_of)
    assert a["xy"] == pytest.approx((x, y), abs=1e-6)
    assert a["area"] == ban[point_of]["code_insee"]


def test_scores(actors):
    for actor in EXPECTED:
        if actor != "W791000005":
            assert actors[actor]["score"] == 1.0, actor
    # "rue gard" / "rue gare": Dice 0.75, one substitution in 8 characters → 7/8: the larger.
    assert actors["W791000005"]["score"] == pytest.approx(max(dice("rue gard", "rue gare"), 1 - 1 / 8))


def test_street_without_number_is_the_median_numbered_address(actors, ban):
    a = actors["W791000004"]  # PL DENFERT ROCHEREAU, no number
    numbered = sorted((int(r["numero"]), i) for i, r in ban.items() if r["id_fantoir"] == "79191_0700")
    median = numbered[(len(numbered) - 1) // 2][1]
    assert (a["precision"], a["ban_id"], a["score"]) == ("street", "79191_0700", 1.0)
    assert a["xy"] == pytest.approx(ban_point(ban, median), abs=1e-6)


def test_unknown_street_is_placed_on_the_commune(actors):
    a = actors["W791000006"]  # IMP DES LILAS: no such street in Niort
    assert (a["precision"], a["ban_id"], a["area"], a["method"]) == ("commune", "79191", "79191", "ban")
    ds = ogr.Open(str(DATA.parents[2] / "data/sample/deux-sevres/communes-79-deux-sevres.geojson"))
    layer = ds.GetLayer(0)
    layer.SetAttributeFilter("code = '79191'")
    feature = layer.GetNextFeature()  # kept alive: its geometry is a reference into it
    niort = feature.GetGeometryRef().Clone()
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(4326)
    dst.ImportFromEPSG(2154)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    niort.Transform(osr.CoordinateTransformation(src, dst))
    surface = niort.PointOnSurface()
    assert a["xy"] == pytest.approx((surface.GetX(), surface.GetY()), abs=1e-3)
    point = ogr.Geometry(ogr.wkbPoint)
    point.AddPoint_2D(*a["xy"])
    assert niort.Contains(point)


def test_unknown_commune_fails_and_is_reported(out, actors):
    a = actors["W861000007"]
    assert (a["precision"], a["score"], a["ban_id"], a["method"], a["xy"]) == ("failed", 0.0, None, "none", None)
    ds = ogr.Open(str(out / "diagnostic.gpkg"))
    rows = [(f.GetField("kind"), f.GetField("source"), f.GetField("feature"), f.GetField("message"))
            for f in ds.GetLayerByName("data_quality")]
    failed = [r for r in rows if r[0] == "geocode_failed" and r[1] == "rna"]
    assert len(failed) == 1
    kind, source, feature, message = failed[0]
    assert (source, feature) == ("rna", "ligne 8")  # the 7th record, after the header line
    assert "12 RUE BRISSON" in message and "86000" in message and "POITIERS" in message
    kinds = [r[0] for r in rows if r[1] == "rna"]
    assert kinds.count("geocode_commune") == 1
    assert kinds.count("geocode_street") == 3  # two nearest numbers, one street without number


def test_places_from_a_single_address_column_and_postcode(out, ban):
    """Places: one address column, postcode + city name only; a failed place is dropped, reported."""
    ds = ogr.Open(str(out / "diagnostic.gpkg"))
    places = {}
    for f in ds.GetLayerByName("places"):
        g = f.GetGeometryRef()
        places[f.GetField("place_id")] = (f.GetField("geocode_precision"), f.GetField("ban_id"),
                                          f.GetField("location_method"), f.GetField("area_id"), (g.GetX(), g.GetY()))
    assert sorted(places) == ["L1", "L2", "L4"]  # L3 (La Rochelle, not in the BAN extract) dropped
    assert places["L1"][:4] == ("housenumber", "79191_1200_00005", "ban", "79191")  # "r." → rue; 79000 + Niort
    assert places["L1"][4] == pytest.approx(ban_point(ban, "79191_1200_00005"), abs=1e-6)
    assert places["L4"][:4] == ("housenumber", "79034_0100_00004", "ban", "79034")  # 79000 shared: Bessines chosen
    assert places["L2"][:4] == ("commune", "79191", "ban", "79191")
    assert places["L2"][4] == pytest.approx(actors_commune_point(out), abs=1e-9)
    rows = [(f.GetField("kind"), f.GetField("feature")) for f in ds.GetLayerByName("data_quality")
            if f.GetField("source") == "lieux"]
    assert ("geocode_failed", "ligne 4") in rows
    assert ("geocode_commune", "ligne 3") in rows


def actors_commune_point(out):
    """The point of the actor placed at Niort's commune precision (the same point for every record)."""
    ds = ogr.Open(str(out / "diagnostic.gpkg"))
    layer = ds.GetLayerByName("actors")
    layer.SetAttributeFilter("actor_id = 'W791000006'")
    f = layer.GetNextFeature()
    g = f.GetGeometryRef()
    return g.GetX(), g.GetY()


def test_without_geocoding_block_is_an_error_naming_it(tmp_path):
    for name in ("rna-waldec-extrait.csv",):
        shutil.copy(DATA / name, tmp_path / name)
    text = (DATA / "project.toml").read_text(encoding="utf-8")
    text = text.replace("../../../data/sample", str(DATA.parents[2] / "data/sample"))
    text = text[:text.index("[geocoding]")]
    (tmp_path / "project.toml").write_text(text, encoding="utf-8")
    p = subprocess.run([BIN, "run", str(tmp_path / "project.toml"), "-o", str(tmp_path / "out"), "--no-maps",
                        "--no-sheets", "--no-xlsx"], capture_output=True, text=True)
    assert p.returncode != 0
    assert "[geocoding]" in p.stderr and "address_fields" in p.stderr


def test_manifest_lists_the_ban_file(out):
    import hashlib
    import json
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ban = [i for i in manifest["inputs"] if i["block"] == "geocoding"]
    assert [i["path"] for i in ban] == ["adresses-79-extrait.csv"]
    assert ban[0]["sha256"] == hashlib.sha256((DATA / "adresses-79-extrait.csv").read_bytes()).hexdigest()
    assert manifest["problems"]["geocode_failed"] == 2  # one actor, one place


def to_l93(g):
    src_srs, dst_srs = osr.SpatialReference(), osr.SpatialReference()
    src_srs.ImportFromEPSG(4326)
    dst_srs.ImportFromEPSG(2154)
    for s in (src_srs, dst_srs):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    g = g.Clone()
    g.Transform(osr.CoordinateTransformation(src_srs, dst_srs))
    return g


def run_iris_project(tmp_path, communes):
    """Territory = the union of `communes`, areas = their two IRIS-like halves (ids INSEE + 4 digits);
    three actors: an unknown street in Niort, an exact Niort address, an unknown street in Bessines.
    Returns ({actor: (precision, point or None)}, the communes' geometries, the manifest)."""
    import json
    src = ogr.Open(str(DATA.parents[2] / "data/sample/deux-sevres/communes-79-deux-sevres.geojson"))
    layer = src.GetLayer(0)
    geoms = {}
    for code in communes:
        layer.SetAttributeFilter(f"code = '{code}'")
        feature = layer.GetNextFeature()
        geoms[code] = feature.GetGeometryRef().Clone()
    def halves(code, g):
        minx, maxx, miny, maxy = g.GetEnvelope()
        midx = (minx + maxx) / 2
        def box(x0, x1):
            return ogr.CreateGeometryFromWkt(f"POLYGON (({x0} {miny - 1}, {x1} {miny - 1}, {x1} {maxy + 1}, "
                                             f"{x0} {maxy + 1}, {x0} {miny - 1}))")
        return [(code + "0101", g.Intersection(box(minx - 1, midx))), (code + "0102", g.Intersection(box(midx, maxx + 1)))]
    driver = ogr.GetDriverByName("GeoJSON")
    for name, parts in (("territoire.geojson", list(geoms.items())),
                        ("iris.geojson", [p for code, g in geoms.items() for p in halves(code, g)])):
        ds = driver.CreateDataSource(str(tmp_path / name))
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(4326)
        lyr = ds.CreateLayer("z", srs, ogr.wkbMultiPolygon)
        lyr.CreateField(ogr.FieldDefn("code", ogr.OFTString))
        for code, g in parts:
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetField("code", code)
            f.SetGeometry(ogr.ForceToMultiPolygon(g))
            lyr.CreateFeature(f)
        ds = None
    (tmp_path / "actors.csv").write_text("id;nom;adr;insee\nA1;Un;5 IMP DES LILAS;79191\nA2;Deux;12 RUE BRISSON;79191\n"
                                         "A3;Trois;5 IMP DES LILAS;79034\n", encoding="utf-8")
    (tmp_path / "project.toml").write_text(f"""
[project]
name = "Quartiers"
[territory]
path = "territoire.geojson"
[areas]
path = "iris.geojson"
id_field = "code"
[[actors]]
path = "actors.csv"
id_field = "id"
family = "association"
address_fields = ["adr"]
citycode_field = "insee"
[geocoding]
path = "{DATA / 'adresses-79-extrait.csv'}"
""", encoding="utf-8")
    subprocess.run([BIN, "run", str(tmp_path / "project.toml"), "-o", str(tmp_path / "out"), "--no-maps",
                    "--no-sheets", "--no-xlsx", "--no-geojson"], check=True, capture_output=True)
    ds = ogr.Open(str(tmp_path / "out" / "diagnostic.gpkg"))
    got = {}
    for f in ds.GetLayerByName("actors"):
        g = f.GetGeometryRef()
        got[f.GetField("actor_id")] = (f.GetField("geocode_precision"), None if g is None else (g.GetX(), g.GetY()))
    quality = [(f.GetField("kind"), f.GetField("feature")) for f in ds.GetLayerByName("data_quality")]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    stats = [s for s in manifest["sources"] if s["block"] == "actors[1]"][0]
    return got, {c: to_l93(g) for c, g in geoms.items()}, stats, quality


def test_commune_precision_on_a_territory_of_iris(tmp_path, ban):
    """Territory = Niort, areas = its IRIS: an address that only reaches Niort is placed on the
    territory's point on surface; an exact address keeps its BAN point; an address that only reaches
    Bessines (outside) is dropped as outside the territory."""
    got, geoms, stats, _ = run_iris_project(tmp_path, ["79191"])
    surface = geoms["79191"].PointOnSurface()
    assert got["A1"][0] == "commune"
    assert got["A1"][1] == pytest.approx((surface.GetX(), surface.GetY()), abs=1e-3)
    assert got["A2"] == ("housenumber", pytest.approx(ban_point(ban, "79191_0420_00012"), abs=1e-6))
    assert "A3" not in got
    assert (stats["read"], stats["kept"], stats["outside_territory"], stats["unlocated"]) == (3, 2, 1, 0)


def test_commune_precision_without_commune_geometry_inside_the_territory(tmp_path):
    """Territory = Niort + Bessines, areas = IRIS of both: neither commune is an area nor the
    territory, so addresses that only reach a commune stay without a point (kept, flagged)."""
    got, _, stats, quality = run_iris_project(tmp_path, ["79191", "79034"])
    assert got["A1"] == ("commune", None)
    assert got["A3"] == ("commune", None)
    assert got["A2"][0] == "housenumber"
    assert (stats["kept"], stats["outside_territory"], stats["unlocated"]) == (3, 0, 2)
    assert ("geocode_commune", "ligne 2") in quality and ("geocode_commune", "ligne 4") in quality
