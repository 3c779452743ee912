#!/usr/bin/python3
"""Build acteurs.csv (derived actor list of the Deux-Sèvres sample project).

Usage:  /usr/bin/python3 make_acteurs.py [REALDATA_DIR]
REALDATA_DIR defaults to /work/shared/realdata (see PROVENANCE.md for the
origin of every input). Only the standard library is used; no network access.
The output is deterministic: re-running gives the same bytes.
"""
import csv
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/realdata"

# Documented crosswalk: FIRST Transiscope category -> famille.
CROSSWALK = {
    "Écologie, Alimentation, Énergie": "environnement et alimentation",
    "éducation, formation": "éducation populaire",
    "Habitat et urbanisme": "habitat et urbanisme",
    "Économie Sociale et Solidaire": "économie sociale et solidaire",
    "Culture, Médias et Lien social": "association culturelle",
    "citoyenneté, droits, solidarités": "citoyenneté et solidarités",
    "": "non classé",
}

rows = []

# 1. Transiscope actors (only id, title, first category and the point are used;
#    summary, street, postal code, city, url, website are NOT carried over).
with open(os.path.join(REAL, "osm-niort-overpass-2019/transiscope_actors_79.geojson"),
          encoding="utf-8") as f:
    ts = json.load(f)
for feat in ts["features"]:
    p = feat["properties"]
    first = (p.get("categories") or "").split("|")[0]
    lon, lat = feat["geometry"]["coordinates"]
    rows.append(["TS-" + p["id"], p["title"], CROSSWALK[first],
                 repr(float(lat)), repr(float(lon)), "Transiscope"])

# 2. Public libraries: code_departement == "79" and both coordinates present.
with open(os.path.join(REAL, "culture-bibliotheques/adresses_des_bibliotheques_publiques_prepared.csv"),
          encoding="utf-8", newline="") as f:
    for r in csv.DictReader(f):
        if r["code_departement"] != "79":
            continue
        lat, lon = r["Latitude"].strip(), r["Longitude"].strip()
        if not lat or not lon:
            continue
        rows.append(["BIB-" + r["Code_bib"], r["nom_de_l_etablissement"], "lecture publique",
                     lat, lon, "Bibliothèques publiques (Ministère de la Culture)"])

# 3. Musées de France in Deux-Sèvres (departement == Deux-Sèvres, ref_deps starts with 79).
with open(os.path.join(REAL, "culture-musees/liste-et-localisation-des-musees-de-france.csv"),
          encoding="utf-8", newline="") as f:
    for r in csv.DictReader(f, delimiter=";"):
        if r["departement"] != "Deux-Sèvres" or not r["ref_deps"].startswith("79"):
            continue
        rows.append(["MUS-" + r["identifiant_museofile"], r["nom_officiel_du_musee"],
                     "institution culturelle", r["latitude"].strip(), r["longitude"].strip(),
                     "Musées de France (Ministère de la Culture)"])

# 4. Illustrative actors without coordinates (show that unlocated actors are kept).
rows += [
    ["ILL-001", "Collectif d'artistes (illustratif)", "collectif d'artistes", "", "", "illustratif"],
    ["ILL-002", "Centre socioculturel (illustratif)", "centre social", "", "", "illustratif"],
    ["ILL-003", "Compagnie de théâtre (illustratif)", "association culturelle", "", "", "illustratif"],
]

ids = [r[0] for r in rows]
dups = sorted({i for i in ids if ids.count(i) > 1})
if dups:
    sys.exit("duplicate actor ids: %s" % dups)
rows.sort(key=lambda r: r[0].encode("utf-8"))

buf = io.StringIO()
w = csv.writer(buf, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
w.writerow(["actor_id", "nom", "famille", "latitude", "longitude", "source_donnee"])
w.writerows(rows)
with open(os.path.join(HERE, "acteurs.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(buf.getvalue())
print("acteurs.csv: %d actors" % len(rows))
