#!/usr/bin/python3
"""gen_ban.py — seeded synthetic data for the geocoding benchmark (bench/run, section geocode):
a département-like BAN file in the official 23-column schema and queries written as RNA files
write addresses (upper case, abbreviated street types, typos, missing numbers, postcode only…),
each with the answer it must get.

  gen_ban.py --out DIR --addresses N --queries M [--seed S]

Writes DIR/ban.csv, DIR/queries.csv (id;address;postcode;citycode;city;kind;expected_id;expected_precision)
and DIR/gen_ban.json. Communes have Zipf-like sizes (one town of ~12 % of the addresses, then
villages), ~25 addresses per street, postcodes shared by 1–4 communes, ids as in the BAN
(INSEE_FANTOIR_NUMBER[_rep]). Coordinates are synthetic (lines of numbers in a box of Deux-Sèvres).
"""
import argparse
import json
import random
import unicodedata
from pathlib import Path

COLUMNS = ["id", "id_fantoir", "numero", "rep", "nom_voie", "code_postal", "code_insee", "nom_commune",
           "code_insee_ancienne_commune", "nom_ancienne_commune", "x", "y", "lon", "lat", "type_position",
           "alias", "nom_ld", "libelle_acheminement", "nom_afnor", "source_position", "source_nom_voie",
           "certification_commune", "cad_parcelles"]
TYPES = [("Rue", "RUE", 45), ("Avenue", "AV", 7), ("Boulevard", "BD", 3), ("Place", "PL", 4), ("Impasse", "IMP", 9),
         ("Chemin", "CHE", 12), ("Route", "RTE", 7), ("Allée", "ALL", 5), ("Square", "SQ", 1), ("Cours", "CRS", 1),
         ("Quai", "QUAI", 1), ("Faubourg", "FG", 1), ("", "", 4)]
FIRST = ["Jean", "Victor", "Louis", "Pierre", "Jules", "Marie", "Anne", "Émile", "Henri", "Paul", "Georges", "André",
         "Jacques", "François", "Albert", "Marcel", "Simone", "Louise", "Camille", "Gustave", "Charles", "Édouard",
         "Aristide", "Léon", "Maurice", "Eugène", "René", "Lucie", "Hélène", "Joseph"]
LAST = ["Moulin", "Hugo", "Pasteur", "Jaurès", "Ferry", "Curie", "Zola", "Gambetta", "Clemenceau", "Briand", "Rostand",
        "Rabelais", "Voltaire", "Proust", "Renoir", "Monet", "Debussy", "Berlioz", "Fauré", "Daudet", "Michelet",
        "Lamartine", "Musset", "Vigny", "Baudelaire", "Verlaine", "Rimbaud", "Péguy", "Mauriac", "Giono", "Colette",
        "Sand", "Brisson", "Cugnot", "Duguesclin", "Leclerc", "Foch", "Joffre", "Lyautey", "Mermoz"]
TITLES = ["du Général", "du Maréchal", "du Docteur", "du Président", "du Professeur", "de l'Abbé", "du Commandant"]
NOUNS = ["la Gare", "l'Église", "la Mairie", "la Poste", "la Fontaine", "la Croix", "la Forge", "la Chapelle",
         "la Prairie", "la Garenne", "la Source", "la Vallée", "la Rivière", "l'Étang", "la Tour", "la Treille"]
PLURALS = ["des Chênes", "des Tilleuls", "des Écoles", "des Vignes", "des Lilas", "des Acacias", "des Peupliers",
           "des Jardins", "des Moulins", "des Prés", "des Roses", "des Ormeaux", "des Coteaux", "des Marais",
           "des Tanneries", "des Sources", "des Granges", "des Noyers"]
SAINTS = ["Saint-Jean", "Saint-Pierre", "Saint-Martin", "Sainte-Anne", "Saint-Hilaire", "Saint-Jacques",
          "Saint-Laurent", "Sainte-Marthe", "Saint-Michel", "Saint-Nicolas"]
PLACES = ["de Niort", "de Paris", "de Poitiers", "de La Rochelle", "de Parthenay", "de Bressuire", "de Melle",
          "de Saint-Maixent", "du Stade", "du Château", "du Moulin", "du Bourg", "du Lavoir", "du Puits", "du Four"]
LD = ["La Grande Métairie", "Les Ouches", "La Borderie", "Le Petit Bois", "La Touche", "Les Landes", "La Brunetière",
      "Le Chêne Vert", "La Roche", "Les Fosses"]
SUFFIXES = ["bis", "ter", "a", "b"]


def fold(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def street_names(rng):
    """An endless supply of plausible street names (type, name)."""
    while True:
        r = rng.random()
        if r < 0.30:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        elif r < 0.42:
            name = f"{rng.choice(TITLES)} {rng.choice(LAST)}"
        elif r < 0.58:
            name = f"de {rng.choice(NOUNS)}"
        elif r < 0.72:
            name = rng.choice(PLURALS)
        elif r < 0.80:
            name = rng.choice(SAINTS)
        elif r < 0.92:
            name = rng.choice(PLACES)
        else:
            name = f"{rng.choice(LAST)} {rng.choice(LAST)}"
        yield name


def typo(rng, s):
    """One substitution, deletion or transposition in a letter of the street name."""
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 4:
        return s
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.4:
        return s[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz").upper() + s[i + 1:]
    if kind < 0.7:
        return s[:i] + s[i + 1:]
    if i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i + 1:]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--addresses", type=int, required=True)
    ap.add_argument("--queries", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    # Communes: Zipf-like sizes summing to the number of addresses.
    n_communes = max(10, args.addresses // 1700)
    weights = [1.0 / (k + 1) ** 0.9 for k in range(n_communes)]
    total = sum(weights)
    sizes = [max(20, int(args.addresses * w / total)) for w in weights]
    communes, postcode = [], 79000
    for k, size in enumerate(sizes):
        if k == 0 or rng.random() < 0.45:
            postcode += 5
        name = f"{rng.choice(['Saint-', 'Sainte-', '', '', '', 'La ', 'Le '])}{rng.choice(LAST)}" + \
               rng.choice(["", "", "-sur-Sèvre", "-en-Gâtine", "-le-Vieux", "-la-Forêt", f"-{k}"])
        communes.append(dict(code=f"79{k + 1:03d}", name=f"{name} {k}" if k else "Niort", postcode=f"{postcode:05d}",
                             size=size, lon=rng.uniform(-0.9, 0.2), lat=rng.uniform(46.0, 47.0)))

    rows, streets = [], []
    for c in communes:
        names = street_names(rng)
        used = set()
        remaining, fantoir = c["size"], 0
        while remaining > 0:
            t = rng.choices(TYPES, weights=[w for _, _, w in TYPES])[0]
            if t[0] == "":
                label = rng.choice(LD) + (f" {fantoir}" if rng.random() < 0.5 else "")
            else:
                label = f"{t[0]} {next(names)}"
            if label in used:
                continue
            used.add(label)
            fantoir += 1
            n = min(remaining, max(1, int(rng.expovariate(1 / 25))))
            remaining -= n
            sid = f"{c['code']}_{fantoir:04d}"
            lon0, lat0 = c["lon"] + rng.uniform(-0.03, 0.03), c["lat"] + rng.uniform(-0.02, 0.02)
            dlon, dlat = rng.uniform(-0.0002, 0.0002), rng.uniform(-0.0002, 0.0002)
            numbers, number = [], 0
            for _ in range(n):
                number += rng.choice([1, 1, 1, 2, 2, 3])  # gaps: numbers missing from the BAN
                numbers.append(number)
            street_rows = []
            for k, num in enumerate(numbers):
                reps = [""] + ([rng.choice(SUFFIXES)] if rng.random() < 0.03 else [])
                for rep in reps:
                    lon, lat = lon0 + k * dlon, lat0 + k * dlat
                    x, y = 400000 + (lon + 0.5) * 77000, 6600000 + (lat - 46.5) * 111000  # not used by ours
                    rid = f"{sid}_{num:05d}" + (f"_{rep}" if rep else "")
                    street_rows.append(rid)
                    rows.append(f"{rid};{sid};{num};{rep};{label};{c['postcode']};{c['code']};{c['name']};;;"
                                f"{x:.2f};{y:.2f};{lon:.6f};{lat:.6f};entrée;;;{fold(c['name']).upper()};"
                                f"{fold(label).upper()};commune;commune;1;\n")
            streets.append(dict(commune=c, label=label, type=t, sid=sid, numbers=numbers, ids=street_rows))

    with open(out / "ban.csv", "w", encoding="utf-8") as f:
        f.write(";".join(COLUMNS) + "\n")
        f.writelines(rows)

    # Queries, as an RNA file writes them: "NUM REP TYPE LIBVOIE" upper case without accents.
    by_postcode = {}
    for c in communes:
        by_postcode.setdefault(c["postcode"], []).append(c)
    kinds = [("exact", 40), ("typo", 15), ("missing_number", 12), ("no_number", 10), ("postcode_only", 15),
             ("unknown_street", 8)]
    q = ["id;address;postcode;citycode;city;kind;expected_id;expected_precision\n"]
    for i in range(args.queries):
        kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
        s = rng.choice(streets)
        c = s["commune"]
        typ, abbrev = s["type"][0], s["type"][1]
        rest = s["label"][len(typ):].strip() if typ else s["label"]
        street_text = fold(f"{abbrev if rng.random() < 0.7 else typ} {rest}".strip()).upper().replace("'", " ")
        k = rng.randrange(len(s["numbers"]))
        num = s["numbers"][k]
        expected = f"{s['sid']}_{num:05d}"
        precision = "housenumber"
        citycode, postcode, city = c["code"], c["postcode"], ""
        if kind == "typo":
            street_text = typo(rng, street_text)
        elif kind == "missing_number":
            present = set(s["numbers"])
            missing = [n for n in range(1, s["numbers"][-1] + 3) if n not in present]
            num = rng.choice(missing)
            expected, precision = s["sid"], "street"
        elif kind == "no_number":
            expected, precision = s["sid"], "street"
        elif kind == "postcode_only":
            citycode, city = "", fold(c["name"]).upper().replace("-", " ").replace("SAINT ", "ST ")
        elif kind == "unknown_street":
            street_text = f"RUE DU DOCTEUR INCONNU {i}"
            expected, precision = c["code"], "commune"
        address = street_text if kind == "no_number" else f"{num} {street_text}"
        q.append(f"Q{i};{address};{postcode};{citycode};{city};{kind};{expected};{precision}\n")
    with open(out / "queries.csv", "w", encoding="utf-8") as f:
        f.writelines(q)
    meta = dict(generator=1, seed=args.seed, addresses=len(rows), streets=len(streets), communes=len(communes),
                postcodes=len(by_postcode), queries=args.queries)
    (out / "gen_ban.json").write_text(json.dumps(meta) + "\n")
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
