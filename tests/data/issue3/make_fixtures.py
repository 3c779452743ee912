#!/usr/bin/python3
"""Writes inventaire.csv: a consultant's SYNTHETIC inventory of actors for the "Done when" project of
issue 3 (project.toml, tests/issue3). Every name and contact is invented. Some rows are the same
associations as the RNA fixture of ../presets (rna_waldec_79.csv, rna_import_79.csv), placed with
the BAN extract of ../ban:

  INV-01  Chorale des Deux Rivières  same SIRET as W792000001            → merged (id:siret)
  INV-02  Théâtre du Puits           no id, ~40 m from W792000002's BAN   → merged (name_distance)
                                     point (3 bis avenue de Paris, Parthenay)
  INV-03  Société d'histoire…        same RNA id as W792000004            → merged (id:rna)
  INV-04  Association au code inconnu  ~40 m from the point of Thouars where W792000005 is placed
                                     at commune precision (its street is not in the BAN) → NOT merged:
                                     a commune-precision record takes no part in the name rule; the
                                     pair is listed in match_candidates (name_commune) to be settled
  INV-05  Les Tréteaux de Bressuire  no counterpart

The `courriel` column is personal (a contact's e-mail): the project never maps it; the privacy
scan checks it reaches no output.

  /usr/bin/python3 tests/data/issue3/make_fixtures.py   # rewrites inventaire.csv (deterministic)
"""
import csv
from pathlib import Path

from osgeo import ogr, osr
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
COMMUNES = HERE.parents[2] / "data/sample/deux-sevres/communes-79-deux-sevres.geojson"
BAN = HERE.parent / "ban" / "adresses-79-extrait.csv"

# Planted personal values: none may appear in any output (tests/issue3).
PERSONAL = ["contact.prive@example.org", "marie.confidentielle@example.org"]


def ban_lonlat(ban_id):
    with open(BAN, encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            if r["id"] == ban_id:
                return float(r["lon"]), float(r["lat"])
    raise KeyError(ban_id)


def commune_point_l93(code):
    """The commune's point as the geocoder places it: GEOS PointOnSurface of the polygon in
    Lambert-93 (the working CRS)."""
    ds = ogr.Open(str(COMMUNES))
    layer = ds.GetLayer(0)
    layer.SetAttributeFilter(f"code = '{code}'")
    feature = layer.GetNextFeature()
    g = feature.GetGeometryRef().Clone()
    src = osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst = osr.SpatialReference()
    dst.ImportFromEPSG(2154)
    g.Transform(osr.CoordinateTransformation(src, dst))
    p = g.PointOnSurface()
    return p.GetX(), p.GetY()


def main():
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    to_wgs = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)

    def near(lon, lat, east_m, north_m):
        x, y = to_l93.transform(lon, lat)
        return to_wgs.transform(x + east_m, y + north_m)

    chorale = near(*ban_lonlat("79191_1300_00005"), 20, 10)
    puits = near(*ban_lonlat("79202_0100_00003_bis"), 30, 25)
    mellois = near(*ban_lonlat("79174_0200_00002"), -60, 35)
    x, y = commune_point_l93("79329")
    inconnu = to_wgs.transform(x + 40, y)
    bressuire = (-0.4870, 46.8420)
    rows = [
        ["INV-01", "Chorale des Deux Rivières", "musique", "123 456 789 00011", "", chorale, "contact.prive@example.org"],
        ["INV-02", "Théâtre du Puits", "théâtre", "", "", puits, ""],
        ["INV-03", "Société d'histoire du Mellois", "patrimoine", "", "w792000004", mellois, "marie.confidentielle@example.org"],
        ["INV-04", "Association au code inconnu", "autre", "", "", inconnu, ""],
        ["INV-05", "Les Tréteaux de Bressuire", "théâtre", "", "", bressuire, ""],
    ]
    with open(HERE / "inventaire.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(["id", "nom", "famille", "siret", "rna", "latitude", "longitude", "courriel"])
        for rid, name, family, siret, rna, (lon, lat), mail in rows:
            w.writerow([rid, name, family, siret, rna, f"{lat:.6f}", f"{lon:.6f}", mail])


if __name__ == "__main__":
    main()
