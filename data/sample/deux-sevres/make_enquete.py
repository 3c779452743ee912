#!/usr/bin/python3
"""Generate enquete-habitants.csv and marges-enquete.csv: an ILLUSTRATIVE inhabitants' survey of
Niort (79191) and six neighbouring communes, and the census margins it is weighted to
([survey] in project.toml, docs/survey.md).

THESE ANSWERS AND THESE MARGINS ARE NOT OBSERVED DATA. No real survey is public; the margins
are round, plausible figures in the INSEE layout (population aged 15 or more by age band and by
sex), not census figures. The script only gives the sample project a survey whose sample looks
like real ones: regular audiences answer more often than people who never go out to culture,
older people and women more than the young and men. Raking to the margins must correct part of
that bias (survey_representativeness shows how much).

Usage:  /usr/bin/python3 make_enquete.py

Deterministic: standard library only, seeded random.Random(7912); re-running gives the same bytes.

Files
- marges-enquete.csv: variable;category;population, for the seven communes together (the survey
  is raked once, overall). Both variables have the same total.
- enquete-habitants.csv (separator ';'): one row per respondent. id (pseudonymous code),
  commune (INSEE code), age, sexe, q12 (frequency of cultural outings, single), q13 (places
  attended, multi, separator '|'), q15 (satisfaction, likert 4 levels), q16 (would like to take
  part more, yes/no), q17 (acceptable travel time in minutes, number), q20 (free text),
  consentement (oui/non: may the free text be quoted), and two columns a real export often
  carries and the tool must never output: courriel and adresse (invented, example.org).
- Deliberately faulty rows, reported in data_quality: a respondent of an unknown commune
  (79999), one without age, one with an undeclared likert level, one with an unreadable number.
"""
import csv
import io
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(7912)

# Commune: (illustrative population aged 15+, respondents). Sciecq gets few respondents on purpose:
# its indicators must be withheld (min_cell).
COMMUNES = {
    "79191": (51000, 420),  # Niort
    "79081": (5300, 60),    # Chauray
    "79003": (4500, 50),    # Aiffres
    "79109": (2800, 35),    # Échiré
    "79162": (2300, 30),    # Magné
    "79034": (1500, 25),    # Bessines
    "79308": (550, 7),      # Sciecq
}
AGES = ["15-29 ans", "30-44 ans", "45-59 ans", "60-74 ans", "75 ans ou plus"]
AGE_SHARE = [0.22, 0.23, 0.24, 0.19, 0.12]
FEMALE_SHARE = 0.53
# Who answers a survey: relative response propensities.
AGE_RESPONSE = [0.5, 0.8, 1.0, 1.6, 1.2]
SEX_RESPONSE = {"femme": 1.3, "homme": 1.0}
FREQ = ["jamais", "une ou deux fois", "plusieurs fois", "souvent"]
FREQ_RESPONSE = [1.0, 1.5, 2.2, 3.0]
PLACES = ["bibliothèque", "cinéma", "musée", "salle de spectacle", "festival"]
LEVELS = ["pas du tout", "peu", "assez", "très"]
WISHES = ["Plus de concerts le soir", "Des spectacles pour les enfants le week-end", "Un bus pour aller au centre",
          "Des horaires de médiathèque plus larges", "Des tarifs réduits pour les familles", "Rien, l'offre me convient",
          "Des ateliers de pratique amateur", "Mieux connaître ce qui se passe près de chez moi"]
FIRST = ["camille", "lea", "hugo", "louis", "manon", "jules", "chloe", "lucas", "emma", "nathan"]
LAST = ["martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand"]


def frequency(age_index):
    """A person's cultural outings in the last 12 months: the young and the retired go out more."""
    base = [0.35, 0.30, 0.22, 0.13]
    if age_index in (0, 3):
        base = [0.28, 0.30, 0.26, 0.16]
    return RNG.choices(FREQ, base)[0]


def person():
    """Draw a person of the population, then keep them with their response propensity."""
    while True:
        a = RNG.choices(range(len(AGES)), AGE_SHARE)[0]
        sexe = "femme" if RNG.random() < FEMALE_SHARE else "homme"
        f = frequency(a)
        p = AGE_RESPONSE[a] * SEX_RESPONSE[sexe] * FREQ_RESPONSE[FREQ.index(f)] / (1.6 * 1.3 * 3.0)
        if RNG.random() < p:
            return a, sexe, f


def answers(f):
    k = FREQ.index(f)
    places = [p for p in PLACES if RNG.random() < 0.15 + 0.2 * k]
    q13 = "|".join(places) if k > 0 and places else ("aucun" if k == 0 else "bibliothèque")
    q15 = LEVELS[max(0, min(3, k - 1 + RNG.choice([-1, 0, 0, 1, 1])))]
    q16 = "oui" if RNG.random() < 0.35 + 0.1 * k else "non"
    q17 = str(RNG.choice([5, 10, 15, 15, 20, 20, 30, 30, 45, 60]))
    return q13, q15, q16, q17


def write(name, header, rows):
    out = io.StringIO(newline="")
    w = csv.writer(out, delimiter=";", lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def margins():
    total = sum(p for p, _ in COMMUNES.values())
    ages = [round(total * s) for s in AGE_SHARE]
    ages[-1] = total - sum(ages[:-1])
    femmes = round(total * FEMALE_SHARE)
    rows = [["age", a, n] for a, n in zip(AGES, ages)]
    rows += [["sexe", "femme", femmes], ["sexe", "homme", total - femmes]]
    write("marges-enquete.csv", ["variable", "category", "population"], rows)


def survey():
    rows = []
    n = 0
    for code, (_, respondents) in COMMUNES.items():
        for _ in range(respondents):
            n += 1
            a, sexe, f = person()
            q13, q15, q16, q17 = answers(f)
            q20, consent = "", ""
            if RNG.random() < 0.3:
                q20 = RNG.choice(WISHES)
                consent = "oui" if RNG.random() < 0.6 else "non"
            if RNG.random() < 0.04:
                f = ""  # no answer to q12: neither public nor non-public
            mail = f"{RNG.choice(FIRST)}.{RNG.choice(LAST)}{RNG.randint(1, 99)}@example.org"
            address = f"{RNG.randint(1, 120)} rue des Tilleuls, {code}"
            rows.append([f"R{n:04d}", code, AGES[a], sexe, f, q13, q15, q16, q17, q20, consent, mail, address])
    # Deliberately faulty rows (reported in data_quality, the respondent left out or the answer not counted).
    rows.append([f"R{n + 1:04d}", "79999", AGES[1], "femme", "souvent", "musée", "très", "oui", "20", "", "", "x@example.org", "1 rue X"])
    rows.append([f"R{n + 2:04d}", "79191", "", "homme", "jamais", "aucun", "peu", "non", "10", "", "", "y@example.org", "2 rue Y"])
    rows[3][6] = "moyennement"  # not a declared level of q15
    rows[5][8] = "une demi-heure"  # not a number
    write("enquete-habitants.csv",
          ["id", "commune", "age", "sexe", "q12", "q13", "q15", "q16", "q17", "q20", "consentement", "courriel", "adresse"], rows)


if __name__ == "__main__":
    margins()
    survey()
