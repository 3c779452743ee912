#!/usr/bin/python3
"""Generate participations-illustratives.csv: ILLUSTRATIVE participations of actors in shared
projects and events (the "objects" of cooperation).

THESE PARTICIPATIONS ARE NOT OBSERVED DATA. Who takes part in which local project is not public;
this script invents a plausible set so that the sample project exercises the bipartite
projection ([participations] in project.toml), the object sheets and their data-quality report.

Usage:  /usr/bin/python3 make_participations.py     (reads acteurs.csv next to it)

Deterministic: standard library only, seeded random.Random(7979); re-running gives the same bytes.

Model
- 14 projects or events with French names; each gets a year (2022..2024) and 3 to 6 participants:
  a seed actor drawn at random among the located actors of the département, then the nearest
  others, preferring families the group does not have yet. The seed actor is the "porteur",
  the others "partenaire".
- 2 deliberately faulty rows are appended: an unknown actor id, and a row without project id.
"""
import csv
import io
import os
import random

from make_links import communes_polygons, dist_km, in_departement, read_actors

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(7979)

OBJECTS = [
    "Festival Lire en fête", "Résidence d'artistes au collège", "Fête de la musique intercommunale",
    "Journées du patrimoine", "Parcours d'éducation artistique", "Ciné-plein-air de l'été",
    "Chorale des quartiers", "Semaine de la langue poitevine", "Atelier théâtre intergénérationnel",
    "Nuit des musées", "Exposition itinérante des fermes", "Bal folk solidaire",
    "Printemps des poètes", "Saison culturelle en milieu rural",
]


def main():
    polygons = communes_polygons()
    actors = [a for a in read_actors() if a["latitude"] and a["longitude"] and
              in_departement(float(a["latitude"]), float(a["longitude"]), polygons)]
    pos = {a["actor_id"]: (float(a["latitude"]), float(a["longitude"])) for a in actors}
    fam = {a["actor_id"]: a["famille"] for a in actors}
    ids = sorted(pos, key=lambda s: s.encode("utf-8"))
    rows = []
    for k, name in enumerate(OBJECTS):
        object_id = f"OBJ-{k + 1:02d}"
        year = 2022 + RNG.randrange(3)
        size = RNG.randint(3, 6)
        seed = RNG.choice(ids)
        group = [seed]
        others = sorted((i for i in ids if i != seed), key=lambda i: (dist_km(pos[seed], pos[i]), i))
        for candidate in others[:40]:
            if len(group) == size:
                break
            if fam[candidate] not in {fam[g] for g in group} or RNG.random() < 0.25:
                group.append(candidate)
        for i, actor in enumerate(group):
            rows.append([actor, object_id, name, str(year), "porteur" if i == 0 else "partenaire"])
    rows.append(["ASSO-INCONNUE", "OBJ-03", OBJECTS[2], "2023", "partenaire"])   # unknown actor
    rows.append([ids[0], "", "", "2024", "partenaire"])                        # no project id
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(["acteur", "projet", "nom_projet", "annee", "role"])
    w.writerows(rows)
    with open(os.path.join(HERE, "participations-illustratives.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


if __name__ == "__main__":
    main()
