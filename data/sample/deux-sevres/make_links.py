#!/usr/bin/python3
"""Generate liens-illustratifs.csv: ILLUSTRATIVE cooperation links.

THESE LINKS ARE NOT OBSERVED DATA. Real cooperation data between cultural
actors is not public; this script invents a plausible network so that the
sample project exercises the network analysis (components, cut vertices,
centralities) and the data-quality report.

Usage:  /usr/bin/python3 make_links.py        (reads acteurs.csv next to it)

Deterministic: standard library only, seeded random.Random(79), no network
access; re-running gives the same bytes.

Model
- 18 located actors are left isolated (no link at all).
- 4 small separate components (sizes 2, 2, 3, 4) are built from a seed actor
  and its nearest free neighbours.
- All other located actors form the main component: a random spanning tree
  grown Prim-style, where each new link (u in tree, v outside) is drawn with
  probability proportional to exp(-d/15 km) x 3 if u and v are of different
  families (cross-family boost), then extra links drawn with the same weights
  until the target total is reached.
- The 3 unlocated illustrative actors (ILL-00x) get 2 to 4 links each to
  main-component actors of families that suit them.
- kind, weight (1..5) and year (2019..2024) are drawn at random.
- Only actors inside the département (or unlocated) are linked: the others
  are dropped by the diagnostic as outside the territory.
- Finally 4 deliberately faulty rows are appended (see FAULTY below).
"""
import csv
import io
import json
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(79)

KINDS = ["programmation commune", "partenariat éducatif", "prêt de salle",
         "projet participatif", "formation"]
DECAY_KM = 15.0
CROSS_FAMILY_BOOST = 3.0
N_ISOLATED = 18
SMALL_COMPONENT_SIZES = [2, 2, 3, 4]
TARGET_LINKS = 250          # generated links, before the faulty rows

# Families the illustrative unlocated actors preferably link to.
ILL_PARTNERS = {
    "ILL-001": ["institution culturelle", "association culturelle", "lecture publique"],
    "ILL-002": ["citoyenneté et solidarités", "éducation populaire", "lecture publique",
                "économie sociale et solidaire"],
    "ILL-003": ["association culturelle", "lecture publique", "institution culturelle",
                "éducation populaire"],
}


def read_actors():
    with open(os.path.join(HERE, "acteurs.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    rows.sort(key=lambda r: r["actor_id"].encode("utf-8"))
    return rows


def in_departement(lat, lon, polygons):
    """Even-odd ray casting over every ring of the communes of 79 (lon/lat)."""
    inside = False
    for rings in polygons:
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def communes_polygons():
    with open(os.path.join(HERE, "communes-79-deux-sevres.geojson"), encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for feat in data["features"]:
        g = feat["geometry"]
        out.extend([g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"])
    return out


def dist_km(a, b):
    """Haversine distance in km, rounded to the metre for reproducibility."""
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (math.sin((la2 - la1) / 2) ** 2
         + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2)
    return round(2 * 6371.0088 * math.asin(math.sqrt(h)), 3)


def main():
    polygons = communes_polygons()
    actors = read_actors()
    # Links only among actors the diagnostic keeps: located inside the département, or unlocated.
    outside_79 = sorted((a["actor_id"] for a in actors if a["latitude"] and a["longitude"] and
                         not in_departement(float(a["latitude"]), float(a["longitude"]), polygons)),
                        key=lambda s: s.encode("utf-8"))
    actors = [a for a in actors if a["actor_id"] not in outside_79]
    fam = {a["actor_id"]: a["famille"] for a in actors}
    pos = {a["actor_id"]: (float(a["latitude"]), float(a["longitude"]))
           for a in actors if a["latitude"] and a["longitude"]}
    located = sorted(pos, key=lambda s: s.encode("utf-8"))
    unlocated = sorted((i for i in fam if i not in pos), key=lambda s: s.encode("utf-8"))

    def weight(u, v):
        w = math.exp(-dist_km(pos[u], pos[v]) / DECAY_KM)
        if fam[u] != fam[v]:
            w *= CROSS_FAMILY_BOOST
        return w

    links = []              # [source, cible]
    seen = set()

    def add(u, v):
        key = frozenset((u, v))
        assert u != v and key not in seen
        seen.add(key)
        links.append([u, v])

    # 1. isolated actors (never museums, so that every museum takes part)
    candidates = [i for i in located if not i.startswith("MUS-")]
    isolated = set(RNG.sample(candidates, N_ISOLATED))
    free = [i for i in located if i not in isolated]

    # 2. small separate components from a seed and its nearest free neighbours
    reserved = set()
    for size in SMALL_COMPONENT_SIZES:
        pool = [i for i in free if i not in reserved]
        seed = RNG.choice([i for i in pool if i.startswith("TS-")])
        near = sorted((i for i in pool if i != seed),
                      key=lambda i: (dist_km(pos[seed], pos[i]), i.encode("utf-8")))
        group = [seed] + near[:size - 1]
        reserved.update(group)
        # star around the seed (the seed is a cut vertex when size >= 3) ...
        for other in group[1:]:
            add(seed, other)
        # ... plus one closing edge in the size-4 group (triangle with a tail)
        if size == 4:
            add(group[1], group[2])

    # 3. main component: random Prim-style spanning tree with distance decay
    main_nodes = [i for i in free if i not in reserved]
    start = RNG.choice(main_nodes)
    in_tree = [start]
    outside = set(main_nodes) - {start}
    while outside:
        out_sorted = sorted(outside, key=lambda s: s.encode("utf-8"))
        pairs = [(u, v) for u in in_tree for v in out_sorted]
        weights = [weight(u, v) for u, v in pairs]
        u, v = RNG.choices(pairs, weights=weights)[0]
        add(v, u)
        in_tree.append(v)
        outside.discard(v)

    # 4. illustrative unlocated actors: 2 to 4 links each into the main component
    main_set = set(main_nodes)
    ill_links = 0
    for ill in unlocated:
        wanted = ILL_PARTNERS.get(ill, [])
        partners = [i for i in main_nodes if fam[i] in wanted] or list(main_nodes)
        for p in RNG.sample(partners, RNG.randint(2, 4)):
            add(ill, p)
            ill_links += 1

    # 5. extra links inside the main component until TARGET_LINKS
    all_pairs = [(main_nodes[a], main_nodes[b])
                 for a in range(len(main_nodes)) for b in range(a + 1, len(main_nodes))]
    all_w = [weight(u, v) for u, v in all_pairs]
    while len(links) < TARGET_LINKS:
        u, v = RNG.choices(all_pairs, weights=all_w)[0]
        if frozenset((u, v)) in seen:
            continue
        if RNG.random() < 0.5:
            u, v = v, u
        add(u, v)

    # attributes
    rows = []
    for u, v in links:
        rows.append([u, v, RNG.choice(KINDS), RNG.randint(1, 5), RNG.randint(2019, 2024)])
    rows.sort(key=lambda r: (r[0].encode("utf-8"), r[1].encode("utf-8")))

    # 6. FAULTY rows, appended on purpose to exercise the data-quality report
    main_sorted = sorted(main_set, key=lambda s: s.encode("utf-8"))
    a = RNG.choice([i for i in main_sorted if i.startswith("TS-")])
    b = RNG.choice([i for i in main_sorted if i.startswith("BIB-")])
    dup = RNG.choice([r for r in rows if not r[0].startswith("ILL-")])
    faulty = [
        [a, "TS-INCONNU", RNG.choice(KINDS), RNG.randint(1, 5), RNG.randint(2019, 2024)],  # unknown target
        [b, b, RNG.choice(KINDS), RNG.randint(1, 5), RNG.randint(2019, 2024)],             # self-loop
        [dup[1], dup[0], dup[2], RNG.randint(1, 5), RNG.randint(2019, 2024)],              # reversed duplicate
        [a, RNG.choice(outside_79), RNG.choice(KINDS), RNG.randint(1, 5), RNG.randint(2019, 2024)],  # actor outside 79
    ]

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(["source", "cible", "type", "poids", "annee"])
    w.writerows(rows)
    w.writerows(faulty)
    with open(os.path.join(HERE, "liens-illustratifs.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())

    print("actors: %d (%d located, %d unlocated)" % (len(fam), len(located), len(unlocated)))
    print("isolated (chosen): %s" % " ".join(sorted(isolated)))
    print("generated links: %d (main tree %d, ILL %d); faulty rows: %d"
          % (len(rows), len(main_nodes) - 1, ill_links, len(faulty)))
    for r in faulty:
        print("faulty:", ";".join(map(str, r)))


if __name__ == "__main__":
    main()
