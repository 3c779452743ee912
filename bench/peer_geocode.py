#!/usr/bin/python3
"""peer_geocode.py — the geocoding benchmark's peer (bench/run, section geocode): what a consultant
would otherwise write in plain Python without internet: the BAN file read with the csv module into
dicts, streets normalised the same simple way (accents, case, common abbreviations), exact lookups
and difflib.get_close_matches (cutoff 0.8) for misspelt streets, the nearest number on the street.
No addok, no internet.

  peer_geocode.py BAN.csv QUERIES.csv OUT.csv

Prints {"seconds", "cpu_seconds", "load_seconds", "geocode_seconds", "queries"} (reading queries not timed).
"""
import csv
import difflib
import json
import re
import sys
import time
import unicodedata

ABBREV = {"r": "rue", "av": "avenue", "ave": "avenue", "bd": "boulevard", "bld": "boulevard", "pl": "place",
          "imp": "impasse", "che": "chemin", "chem": "chemin", "ch": "chemin", "rte": "route", "fg": "faubourg",
          "fbg": "faubourg", "all": "allee", "sq": "square", "crs": "cours", "qu": "quai", "st": "saint",
          "ste": "sainte"}
LITTLE = {"de", "du", "des", "la", "le", "les", "l", "d"}
SUFFIX = {"bis": "bis", "b": "bis", "ter": "ter", "t": "ter", "a": "a"}


def fold(s):
    s = "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def key(street):
    words = [ABBREV.get(w, w) for w in fold(street).split()]
    return " ".join(w for w in words if w not in LITTLE)


def parse(address):
    words = fold(address).split()
    number, rep = 0, ""
    if words and words[0][:1].isdigit():
        m = re.match(r"(\d+)(.*)", words[0])
        number, rest = int(m.group(1)), m.group(2)
        rep = SUFFIX.get(rest, "")
        words = words[1:]
        if words and words[0] in ("bis", "ter", "b", "t") and len(words) > 1:
            rep, words = SUFFIX[words[0]], words[1:]
    return number, rep, " ".join(words)


def main(ban_path, queries_path, out_path):
    with open(queries_path, encoding="utf-8") as f:
        queries = list(csv.DictReader(f, delimiter=";"))
    t0, c0 = time.perf_counter(), time.process_time()
    streets = {}          # (insee, key) → {(number, rep): (id, lon, lat)}
    commune_streets = {}  # insee → [key]
    postcodes = {}        # postcode → {insee}
    cities = {}           # folded name → insee
    with open(ban_path, encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter=";"):
            k = key(r["nom_voie"])
            s = streets.get((r["code_insee"], k))
            if s is None:
                s = streets[(r["code_insee"], k)] = {}
                commune_streets.setdefault(r["code_insee"], []).append(k)
            s[(int(r["numero"]), r["rep"])] = (r["id"], float(r["lon"]), float(r["lat"]))
            postcodes.setdefault(r["code_postal"], set()).add(r["code_insee"])
            cities[key(r["nom_commune"])] = r["code_insee"]
    t1 = time.perf_counter()
    out = ["id;precision;score;ban_id\n"]
    for q in queries:
        number, rep, street = parse(q["address"])
        k = key(street)
        insee = q["citycode"]
        if not insee:
            candidates = postcodes.get(q["postcode"], set())
            insee = next(iter(candidates)) if len(candidates) == 1 else cities.get(key(q["city"]), "")
        if insee not in commune_streets:
            out.append(f"{q['id']};failed;0;\n")
            continue
        s = streets.get((insee, k))
        score = 1.0
        if s is None:
            close = difflib.get_close_matches(k, commune_streets[insee], n=1, cutoff=0.8)
            if not close:
                out.append(f"{q['id']};commune;1;{insee}\n")
                continue
            s = streets[(insee, close[0])]
            score = difflib.SequenceMatcher(None, k, close[0]).ratio()
        street_id = "_".join(next(iter(s.values()))[0].split("_")[:2])
        if number and (number, rep) in s:
            out.append(f"{q['id']};housenumber;{score:.4f};{s[(number, rep)][0]}\n")
        else:
            out.append(f"{q['id']};street;{score:.4f};{street_id}\n")
    t2, c2 = time.perf_counter(), time.process_time()
    with open(out_path, "w", encoding="utf-8") as f:
        f.writelines(out)
    print(json.dumps({"seconds": t2 - t0, "cpu_seconds": c2 - c0, "load_seconds": t1 - t0, "geocode_seconds": t2 - t1,
                      "queries": len(queries)}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
