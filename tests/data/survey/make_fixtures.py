#!/usr/bin/python3
"""Generate the survey test fixtures (SYNTHETIC, invented respondents and margins):

- communes.geojson: three square communes near Niort (EPSG:4326), 0.02° wide:
  79001 [-0.48, -0.46], 79002 [-0.46, -0.44], 79003 [-0.44, -0.42] × [46.31, 46.33].
- reponses.csv (';'): 116 respondents, 60 in 79001, 50 in 79002 and 6 in 79003 (so that 79003's
  cells are withheld with min_cell = 10). Columns: code, zone, lon, lat (a point inside the zone),
  age, sexe, freq (single), satisf (likert), envie (yesno), lieux (multi, ','), minutes (number),
  remarque (free text), accord (consent oui/non), and columns that must never reach an output:
  nom, courriel, adresse.
- marges.csv: overall margins (variable, category, population) for age and sexe.
- marges-par-zone.csv: the same per area (area_id column) for 79001 and 79002 only.
- Bad inputs: reponses-categorie.csv (an age category absent from the margins, line 5),
  reponses-zone-inconnue.csv (one respondent of an unknown zone 79999),
  reponses-toutes-inconnues.csv (every respondent in unknown zones).

Usage: /usr/bin/python3 make_fixtures.py   — seeded random.Random(8), same bytes on every run.
"""
import csv
import io
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(8)
AGES = ["moins de 30 ans", "30-59 ans", "60 ans ou plus"]
FREQ = ["jamais", "parfois", "souvent"]
LEVELS = ["non", "un peu", "beaucoup"]
LIEUX = ["bibliothèque", "cinéma", "musée"]
ZONES = {"79001": (-0.48, 60), "79002": (-0.46, 50), "79003": (-0.44, 6)}


def write(name, header, rows, delimiter=";"):
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def communes():
    feats = []
    for code, (lon0, _) in ZONES.items():
        ring = [[lon0, 46.31], [lon0 + 0.02, 46.31], [lon0 + 0.02, 46.33], [lon0, 46.33], [lon0, 46.31]]
        coords = ",".join(f"[{x:.6f},{y:.6f}]" for x, y in ring)
        feats.append('{"type":"Feature","properties":{"code":"%s","nom":"Commune %s"},'
                     '"geometry":{"type":"Polygon","coordinates":[[%s]]}}' % (code, code, coords))
    with open(os.path.join(HERE, "communes.geojson"), "w", encoding="utf-8") as f:
        f.write('{"type":"FeatureCollection","features":[' + ",".join(feats) + "]}\n")


HEADER = ["code", "zone", "lon", "lat", "age", "sexe", "freq", "satisf", "envie", "lieux", "minutes", "remarque",
          "accord", "nom", "courriel", "adresse"]


def respondents():
    rows = []
    n = 0
    for code, (lon0, count) in ZONES.items():
        for _ in range(count):
            n += 1
            age = RNG.choices(AGES, [0.2, 0.35, 0.45])[0]
            sexe = "femme" if RNG.random() < 0.6 else "homme"
            k = RNG.choices(range(3), [0.25, 0.35, 0.4])[0]
            freq = FREQ[k] if RNG.random() > 0.05 else ""
            satisf = LEVELS[max(0, min(2, k + RNG.choice([-1, 0, 1])))]
            envie = RNG.choice(["oui", "non", "Oui", "non"])
            lieux = ",".join(l for l in LIEUX if RNG.random() < 0.2 + 0.25 * k)
            minutes = str(RNG.choice([5, 10, 15, 20, 30, 45]))
            remarque, accord = "", ""
            if RNG.random() < 0.4:
                accord = "oui" if RNG.random() < 0.5 else "non"
                remarque = f"Remarque numéro {n} ({'publiable' if accord == 'oui' else 'confidentielle'})"
            lon = lon0 + 0.002 + 0.016 * RNG.random()
            lat = 46.312 + 0.016 * RNG.random()
            rows.append([f"QX{n:03d}", code, f"{lon:.6f}", f"{lat:.6f}", age, sexe, freq, satisf, envie, lieux, minutes,
                         remarque, accord, f"Personne{n} Secretnom", f"personne{n}@courriel.invalid",
                         f"{n} impasse Secrète"])
    return rows


def margins():
    total = {"79001": 3000, "79002": 2000}
    age_share = [0.3, 0.45, 0.25]
    rows, per_area = [], []
    for code, t in total.items():
        ages = [round(t * s) for s in age_share]
        ages[-1] = t - sum(ages[:-1])
        f = round(t * 0.52)
        per_area += [[code, "age", a, v] for a, v in zip(AGES, ages)]
        per_area += [[code, "sexe", "femme", f], [code, "sexe", "homme", t - f]]
    T = 6000
    ages = [round(T * s) for s in age_share]
    ages[-1] = T - sum(ages[:-1])
    rows += [["age", a, v] for a, v in zip(AGES, ages)]
    rows += [["sexe", "femme", 3120], ["sexe", "homme", 2880]]
    write("marges.csv", ["variable", "category", "population"], rows)
    write("marges-par-zone.csv", ["area_id", "variable", "category", "population"], per_area)


if __name__ == "__main__":
    communes()
    margins()
    rows = respondents()
    write("reponses.csv", HEADER, rows)
    bad = [r[:] for r in rows]
    bad[3][4] = "30 à 59 ans"
    write("reponses-categorie.csv", HEADER, bad)
    bad = [r[:] for r in rows]
    bad[7][1] = "79999"
    write("reponses-zone-inconnue.csv", HEADER, bad)
    bad = [r[:] for r in rows]
    for r in bad:
        r[1] = "79999"
    write("reponses-toutes-inconnues.csv", HEADER, bad)
