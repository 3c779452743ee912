#!/usr/bin/python3
"""Writes the SYNTHETIC fixtures of the matching tests (docs/matching.md): a consultant's
inventory, an RNA-like list (rna_waldec column names, no coordinates), an association directory
in WGS 84, a consultant's places and a Basilic-like list of places (Basilic display headers).
Names, ids and points are invented; every case of the tests is commented below. Coordinates are
chosen in Lambert-93 (EPSG:2154) and written in WGS 84 with pyproj where the file is in degrees.

  /usr/bin/python3 tests/data/matching/make_fixtures.py   # rewrites the CSVs next to it
"""
from pathlib import Path

from pyproj import Transformer

HERE = Path(__file__).resolve().parent
TO_WGS84 = Transformer.from_crs(2154, 4326, always_xy=True)
X0, Y0 = 434000.0, 6586000.0  # Niort, Lambert-93


def lonlat(dx, dy):
    lon, lat = TO_WGS84.transform(X0 + dx, Y0 + dy)
    return f"{lon:.7f}", f"{lat:.7f}"


def write(name, header, rows):
    text = ";".join(header) + "\n" + "".join(";".join(r) + "\n" for r in rows)
    (HERE / name).write_text(text, encoding="utf-8")


# The territory (10 km square) and two areas, Lambert-93 WKT.
def square(x0, y0, x1, y1):
    return f'"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"'


write("zones.csv", ["code", "nom", "wkt"], [
    ["OUEST", "Ouest", square(430000, 6580000, 435000, 6590000)],
    ["EST", "Est", square(435000, 6580000, 440000, 6590000)],
])

# Consultant's inventory of actors: x/y in Lambert-93, SIRET.
write("inventaire.csv", ["id", "nom", "famille", "x", "y", "siret"], [
    # A: same SIRET as the RNA record W790000001 (unlocated) -> merged by id.
    ["INV1", "Théâtre du Moulin", "spectacle vivant", f"{X0:.1f}", f"{Y0:.1f}", "123 456 789 00011"],
    # B: same actor as the directory's A2, 60 m away, no shared id -> merged by name + distance.
    ["INV2", "Compagnie Les Arts Verts", "spectacle vivant", f"{X0 + 1000:.1f}", f"{Y0:.1f}", ""],
    # C: same name as the directory's A3 but 2 km away -> not merged, not listed.
    ["INV3", "Chorale du Marais", "musique", f"{X0 - 2000:.1f}", f"{Y0 + 1000:.1f}", ""],
    # D: roughly close name (grey zone) 50 m from A4 -> listed, not merged.
    ["INV4", "Harmonie municipale de Niort", "musique", f"{X0:.1f}", f"{Y0 + 2000:.1f}", ""],
    # E: close to two records of the directory (A5a, A5b) -> listed, not merged.
    ["INV5", "Les Amis du Patrimoine", "patrimoine", f"{X0 + 2000:.1f}", f"{Y0 - 2000:.1f}", ""],
    # F: same SIRET as A6 but 8 km apart -> listed, not merged.
    ["INV6", "Ciné-club du Lambon", "cinéma", f"{X0 - 3000:.1f}", f"{Y0 - 3000:.1f}", "98765432100018"],
    # J: malformed SIRET -> invalid_identifier, kept without it.
    ["INV7", "Atelier Gravure", "arts visuels", f"{X0 + 3000:.1f}", f"{Y0 + 3000:.1f}", "1234"],
    # K: not located in the inventory; A8 (same SIRET) gives it its point.
    ["INV8", "Fanfare des Marais", "musique", "", "", "44455566600077"],
])

# RNA-like list (rna_waldec names), not geocoded: empty coordinates, actors kept unlocated.
write("rna.csv", ["id", "siret", "titre", "objet_social1", "adrs_codeinsee", "longitude", "latitude"], [
    ["W790000001", "12345678900011", "THEATRE DU MOULIN", "006000", "79191", "", ""],   # A
    ["W790000007", "11122233300044", "LES COPAINS D'ABORD", "006000", "79191", "", ""],  # G: id conflict with A7
])

# An association directory (the agglomeration's): WGS 84, RNA number and SIRET.
rows = []
for ident, name, dx, dy, rna, siret in [
    ("A1", "Théâtre du Moulin (asso)", 40, 30, "W790000001", ""),          # A: joins the cluster by its RNA id
    ("A2", "Arts Verts (Cie)", 1060, 0, "", ""),                           # B
    ("A3", "Chorale du Marais", 0, 1000, "", ""),                          # C (INV3 is 2 km west)
    ("A4", "Niort Harmonie Jazz Club", 0, 2050, "", ""),                   # D
    ("A5a", "Amis du patrimoine", 2040, -2000, "", ""),                    # E
    ("A5b", "Les amis du patrimoine niortais", 2000, -2060, "", ""),      # E
    ("A6", "Ciné-club du Lambon", 5000, 3000, "", "98765432100018"),       # F (8.5 km from INV6)
    ("A7", "Les Copains d'abord", -1000, -1000, "W790000007", "55566677700088"),  # G
    ("A8", "Fanfare Marais", 2500, 500, "", "44455566600077"),              # K
]:
    lon, lat = lonlat(dx, dy)
    rows.append([ident, name, "association", lon, lat, rna, siret])
write("annuaire.csv", ["ref", "nom", "famille", "lon", "lat", "num_rna", "siret"], rows)

# Links by actor id: W790000001 and A2 are merged away, their links land on INV1 and INV2.
write("liens.csv", ["source", "cible"], [
    ["W790000001", "A2"],  # -> INV1 - INV2
    ["INV1", "A3"],
    ["A1", "INV1"],        # both ends in one actor once merged -> self_loop
])

# Participations: W790000001 and A2 are merged away; the project links INV1, INV2 and INV3.
write("participations.csv", ["acteur", "projet"], [
    ["W790000001", "P1"],
    ["A2", "P1"],
    ["INV3", "P1"],
])

# Consultant's places (Lambert-93) and a Basilic-like list (display headers, WGS 84).
write("lieux.csv", ["id", "nom", "type", "x", "y", "id_ministere"], [
    ["L1", "Salle Jean Vilar", "salle", f"{X0 + 500:.1f}", f"{Y0 + 500:.1f}", ""],            # name + distance
    ["L2", "Médiathèque Pierre Moinot", "médiathèque", f"{X0 - 500:.1f}", f"{Y0 - 500:.1f}", "BIB-0042"],  # origin id
    ["L3", "Musée Bernard d'Agesci", "musée", f"{X0 + 1500:.1f}", f"{Y0 + 1500:.1f}", ""],    # no merge
])
rows = []
for ident, name, kind, dx, dy, cap, origin in [
    ("B1", "Salle Jean-Vilar", "Salle de spectacle", 530, 500, "450", ""),
    ("B2", "Médiathèque P. Moinot", "Bibliothèque", -500, 0, "", "BIB-0042"),   # 500 m away, same origin id
    ("B3", "Médiathèque d'Agesci", "Bibliothèque", 1520, 1500, "", ""),
]:
    lon, lat = lonlat(dx, dy)
    rows.append([ident, name, kind, lat, lon, cap, origin])
write("basilic.csv", ["ID", "Nom", "Type équipement ou lieu", "Latitude", "Longitude", "Jauge", "Identifiant origine"], rows)
