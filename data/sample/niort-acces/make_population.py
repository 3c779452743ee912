#!/usr/bin/python3
"""Writes carreaux-200m-synthetiques.csv: a SYNTHETIC population grid in the schema of INSEE's
Filosofi 200 m grid (a subset of its columns), for the Niort access sample (PROVENANCE.md).

The commune totals are real: the "Population commune" column of the national library file shipped
with the Deux-Sèvres sample. How each commune's inhabitants spread over its 200 m cells is INVENTED:
a weight exp(-d / L) decreasing with the distance d from the commune's library (its bourg), L = 1.5 km
for Niort and 0.6 km elsewhere, times a seeded random factor; cells whose share rounds to 0 are left
out, as Filosofi leaves out cells without households. Deterministic: same script, same file.

Run from this folder: /usr/bin/python3 make_population.py
"""
import csv
import math
import random

from osgeo import ogr
from pyproj import Transformer

COMMUNES = ["79003", "79034", "79081", "79100", "79109", "79162", "79191", "79249", "79293", "79298", "79308", "79355"]
HERE = "../deux-sevres/"

to3035 = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)
to4326 = Transformer.from_crs("EPSG:3035", "EPSG:4326", always_xy=True)

libraries = {}  # commune name (upper case) → (population, first library lon/lat)
with open(HERE + "adresses_des_bibliotheques_publiques_prepared.csv", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        if r["code_departement"] != "79" or not r["Population commune"]:
            continue
        ville = r["Ville"].upper()
        if ville not in libraries and r["Longitude"] and r["Latitude"]:
            libraries[ville] = (int(float(r["Population commune"])), float(r["Longitude"]), float(r["Latitude"]))

ds = ogr.Open(HERE + "communes-79-deux-sevres.geojson")
lyr = ds.GetLayer()
rng = random.Random(79191)
rows = []
for feat in sorted(lyr, key=lambda f: f.GetField("code")):
    code = feat.GetField("code")
    if code not in COMMUNES:
        continue
    name = feat.GetField("nom")
    population, lon, lat = libraries[name.upper()]
    geom = feat.GetGeometryRef()
    cx, cy = to3035.transform(lon, lat)
    env = geom.GetEnvelope()  # lon min, lon max, lat min, lat max
    xs, ys = zip(*[to3035.transform(x, y) for x in env[:2] for y in env[2:]])
    scale = 1500 if code == "79191" else 600
    cells = []
    for e in range(int(min(xs) // 200) * 200, int(max(xs)) + 200, 200):
        for n in range(int(min(ys) // 200) * 200, int(max(ys)) + 200, 200):
            lon_c, lat_c = to4326.transform(e + 100, n + 100)
            point = ogr.Geometry(ogr.wkbPoint)
            point.AddPoint_2D(lon_c, lat_c)
            if not geom.Contains(point):
                continue
            d = math.hypot(e + 100 - cx, n + 100 - cy)
            cells.append((e, n, math.exp(-d / scale) * rng.uniform(0.3, 1.7)))
    total = sum(w for _, _, w in cells)
    # Largest remainders: the cells add up to the commune's population exactly.
    shares = [(e, n, population * w / total) for e, n, w in cells]
    counts = {(e, n): int(s) for e, n, s in shares}
    left = population - sum(counts.values())
    for e, n, s in sorted(shares, key=lambda c: (-(c[2] - int(c[2])), c[0], c[1]))[:left]:
        counts[(e, n)] += 1
    for (e, n), ind in sorted(counts.items(), key=lambda c: (c[0][1], c[0][0])):
        if ind == 0:
            continue
        rows.append({
            "Idcar_200m": f"CRS3035RES200mN{n}E{e}",
            "I_est_200": 0,
            "Idcar_1km": f"CRS3035RES1000mN{n // 1000 * 1000}E{e // 1000 * 1000}",
            "I_est_1km": 0,
            "Idcar_nat": f"CRS3035RES2000mN{n // 2000 * 2000}E{e // 2000 * 2000}",
            "Groupe": 0,
            "Ind": ind,
            "Men": max(1, round(ind / 2.1)),
            "Lcog_geo": code,
        })

rows.sort(key=lambda r: r["Idcar_200m"])
with open("carreaux-200m-synthetiques.csv", "w", encoding="utf-8", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
print(len(rows), "carreaux,", sum(r["Ind"] for r in rows), "habitants")
