#!/usr/bin/python3
"""Writes adresses-79-extrait.csv: a small BAN extract in the official 23-column schema of the
BAN "adresses-XX.csv" files (https://adresse.data.gouv.fr, format CSV "classique").

SYNTHETIC: the street names are real streets of Niort and other communes of Deux-Sèvres (many
taken from the Transiscope actors of ../../../data/sample / /work/shared/realdata), but the numbers,
the ids and the coordinates are invented: each street is a straight line of numbers starting
near a real point of the commune. x/y are Lambert-93 computed from lon/lat with pyproj; every
point is checked to fall inside its commune of data/sample/deux-sevres/communes-79-deux-sevres.geojson.

  /usr/bin/python3 tests/data/ban/make_fixture.py   # rewrites the CSV (deterministic)
"""
import csv
import unicodedata
import json
from pathlib import Path

from osgeo import ogr
from pyproj import Transformer

HERE = Path(__file__).resolve().parent
COMMUNES = HERE.parents[2] / "data/sample/deux-sevres/communes-79-deux-sevres.geojson"
COLUMNS = ["id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
           "code_insee_ancienne_commune", "nom_ancienne_commune", "x", "y", "lon", "lat", "type_position",
           "alias", "nom_ld", "libelle_acheminement", "nom_afnor", "source_position", "source_nom_voie",
           "certification_commune", "cad_parcelles"]

# commune code → (name, postcode)
COMMUNE = {
    "79191": ("Niort", "79000"),
    "79034": ("Bessines", "79000"),
    "79081": ("Chauray", "79180"),
    "79003": ("Aiffres", "79230"),
    "79307": ("Sauzé-Vaussais", "79190"),
    "79101": ("Coulonges-sur-l'Autize", "79160"),
    "79078": ("Plaine-d'Argenson", "79360"),
    # For the RNA fixture of tests/data/presets (its associations' streets) and tests/issue3.
    "79202": ("Parthenay", "79200"),
    "79174": ("Melle", "79500"),
    "79329": ("Thouars", "79100"),
}

# (commune, fantoir code, street, start lon, start lat, step lon, step lat, numbers, suffixes, old commune)
# numbers: the house numbers present (odd and even sides share the line: synthetic).
STREETS = [
    ("79191", "0420", "Rue Brisson", -0.46450, 46.32540, 0.00004, 0.00003, [1, 2, 3, 4, 6, 8, 10, 12, 16, 18, 20, 22, 24, 26, 28, 30], {12: ["bis"]}, None),
    ("79191", "0510", "Passage du Commerce", -0.46180, 46.32360, 0.00002, 0.00002, [2, 4, 6, 8, 10, 12, 14], {}, None),
    ("79191", "0600", "Rue Duguesclin", -0.46560, 46.32430, 0.00003, 0.00002, [1, 3, 5, 7, 9, 11], {}, None),
    ("79191", "0700", "Place Denfert Rochereau", -0.45990, 46.32980, 0.00002, 0.00001, [1, 2, 3, 4, 5], {}, None),
    ("79191", "0810", "Rue Joseph Cugnot", -0.47860, 46.31460, 0.00003, 0.00002, [2, 4, 8, 10, 12, 14], {}, None),
    ("79191", "0900", "Place de Strasbourg", -0.45820, 46.32950, 0.00002, 0.00001, [1, 2, 3], {}, None),
    ("79191", "1010", "Rue du Maréchal Leclerc", -0.45600, 46.33400, 0.00001, 0.000006, list(range(150, 211)), {175: ["a", "b"]}, None),
    ("79191", "1100", "Avenue de Paris", -0.45300, 46.32500, 0.00004, 0.00001, [2, 4, 6, 8, 10, 12, 14, 16, 18, 20], {}, None),
    ("79191", "1200", "Rue de la Gare", -0.45100, 46.31900, 0.00003, -0.00001, [1, 3, 5, 7, 9, 11, 13], {7: ["ter"]}, None),
    ("79191", "1300", "Rue Victor Hugo", -0.46100, 46.32300, -0.00002, 0.00002, [1, 2, 3, 4, 5, 6, 7, 8], {}, None),
    ("79191", "1400", "Rue Saint-Jean", -0.46200, 46.32600, 0.00002, 0.00002, [3, 5, 7, 9, 11], {}, None),
    ("79191", "1500", "Boulevard Main", -0.46700, 46.32200, 0.00003, 0.00003, [4, 8, 12, 16, 20, 24], {}, None),
    ("79191", "1600", "Impasse des Tanneries", -0.46600, 46.32700, 0.00001, 0.00001, [1, 2, 3], {}, None),
    ("79191", "1700", "Rue du Général de Gaulle", -0.45900, 46.32100, 0.00002, 0.00003, [10, 11, 12, 13, 14], {}, None),
    ("79034", "0100", "Rue de la Gare", -0.51100, 46.30300, 0.00003, 0.00001, [1, 2, 3, 4, 5, 6], {}, None),
    ("79034", "0200", "Chemin des Coteaux", -0.51300, 46.30500, 0.00002, -0.00002, [10, 12, 14], {}, None),
    ("79081", "0300", "Rue de l'Aérodrome", -0.38600, 46.35800, 0.00003, 0.00001, [1, 3, 5, 7, 9], {}, None),
    ("79003", "0400", "Route de Niort", -0.41800, 46.28600, 0.00002, 0.00003, [2, 4, 6, 8], {}, None),
    ("79307", "0050", "Rue de la Chevalonnerie", 0.10880, 46.13360, 0.00003, 0.00001, [2, 4, 6, 8, 10], {}, None),
    ("79101", "0070", "Rue du Commerce", -0.59820, 46.48210, 0.00002, 0.00001, [21, 23, 25, 27, 29, 31], {}, None),
    ("79078", "0080", "Rue des Écoles", -0.49300, 46.15900, 0.00002, 0.00001, [1, 2, 3, 4], {}, ("79217", "Prissé-la-Charrière")),
    # Streets of the RNA fixture of tests/data/presets (make_fixtures.py): "5 RUE Victor Hugo" (above),
    # "3 B AV de Paris" in Parthenay, "1 place de l'Hôtel de Ville" in Niort (rna_import), "PL de la
    # Mairie" in Melle (no number: street precision). Thouars has one street only, not the
    # association's "RTE Nationale": that one is placed at its commune.
    ("79191", "1800", "Place de l'Hôtel de Ville", -0.45930, 46.32450, 0.00002, 0.00001, [1, 2, 3, 4], {}, None),
    ("79202", "0100", "Avenue de Paris", -0.24400, 46.65000, 0.00003, 0.00002, [1, 3, 5, 7, 9], {3: ["bis"]}, None),
    ("79174", "0200", "Place de la Mairie", -0.14000, 46.22300, 0.00002, 0.00001, [1, 2, 3, 4], {}, None),
    ("79329", "0300", "Rue Jean Jaurès", -0.21500, 46.97600, 0.00002, 0.00002, [1, 2, 3], {}, None),
]


def main():
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    ds = ogr.Open(str(COMMUNES))
    layer = ds.GetLayer(0)
    polygons = {f.GetField("code"): f.GetGeometryRef().Clone() for f in layer}
    rows = []
    for code, fantoir, street, lon0, lat0, dlon, dlat, numbers, suffixes, old in STREETS:
        name, postcode = COMMUNE[code]
        afnor = unicodedata.normalize("NFKD", street).encode("ascii", "ignore").decode().upper().replace("'", " ")
        for k, number in enumerate(numbers):
            for rep in [""] + suffixes.get(number, []):
                lon = round(lon0 + k * dlon + (0.000005 if rep else 0), 6)
                lat = round(lat0 + k * dlat, 6)
                point = ogr.CreateGeometryFromWkt(f"POINT ({lon} {lat})")
                assert polygons[code].Contains(point), (street, number, name)
                x, y = to_l93.transform(lon, lat)
                rid = f"{code}_{fantoir}_{number:05d}" + (f"_{rep}" if rep else "")
                rows.append([rid, f"{code}_{fantoir}", number, rep, street, postcode, code, name,
                             old[0] if old else "", old[1] if old else "", f"{x:.2f}", f"{y:.2f}",
                             f"{lon:.6f}", f"{lat:.6f}", "entrée", "", "", name.upper(), afnor, "commune",
                             "commune", "1", f"{code}000AB{number:04d}"])
    with open(HERE / "adresses-79-extrait.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\n")
        w.writerow(COLUMNS)
        w.writerows(rows)
    print(len(rows), "adresses")


if __name__ == "__main__":
    main()
