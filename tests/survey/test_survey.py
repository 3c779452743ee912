"""The survey (issue 8, docs/survey.md) end to end through the command line and OGR.

These tests check the plumbing around the statistics engine (survey_stats.hpp): which respondents
reach it, with which weights and answers, and where its results go. The engine's own numbers
(raking against numpy IPF, intervals, complementary suppression) are tested with the engine.
Checks that hold for any correct engine are made here against independent computations: after
raking, weighted shares of every stratum equal the census margins; a weighted share is
Σ w·y / Σ w over the respondents who answered.

Run with TERRITOIRE_BIN set to the built program. Fixtures: tests/data/survey (make_fixtures.py).
"""

import csv
import glob
import json
import os
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from osgeo import ogr

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "survey"
BIN = os.environ.get("TERRITOIRE_BIN", str(HERE.parents[1] / "build" / "tools" / "territoire"))
MIN_CELL = 10

BASE = """[project]
name = "Enquête test"

[territory]
path = "{data}/communes.geojson"

[areas]
path = "{data}/communes.geojson"
id_field = "code"
name_field = "nom"

[survey]
path = "{data}/{reponses}"
separator = ";"
id_field = "code"
{location}
strata = ["age", "sexe"]
margins = "{data}/{marges}"
public_rule = "{rule}"
min_cell = {min_cell}
tolerance = 1e-10
max_iterations = 1000
consent_field = "accord"
headline = ["freq=jamais", "satisf", "envie"]

[survey.questions]
freq = {{ type = "single", label = "Fréquence des sorties" }}
satisf = {{ type = "likert", levels = ["non", "un peu", "beaucoup"], label = "Satisfaction" }}
envie = {{ type = "yesno" }}
lieux = {{ type = "multi", separator = "," }}
minutes = {{ type = "number" }}
remarque = {{ type = "text" }}
"""


def project_text(reponses="reponses.csv", marges="marges.csv", location='area_field = "zone"',
                 rule="freq != 'jamais'", min_cell=MIN_CELL):
    return BASE.format(data=DATA, reponses=reponses, marges=marges, location=location, rule=rule, min_cell=min_cell)


def run(tmp, text, *extra):
    tmp.mkdir(parents=True, exist_ok=True)
    p = tmp / "project.toml"
    p.write_text(text, encoding="utf-8")
    out = tmp / "out"
    r = subprocess.run([BIN, "run", str(p), "-o", str(out), "--no-maps", *extra], capture_output=True, text=True,
                       env={**os.environ, "TERRITOIRE_DATA_DIR": str(HERE.parents[1] / "data")})
    return r, out


def layer_rows(gpkg, name):
    ds = ogr.Open(str(gpkg))
    lyr = ds.GetLayerByName(name)
    assert lyr is not None, f"couche {name} absente"
    defn = lyr.GetLayerDefn()
    fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = []
    for f in lyr:
        rows.append({k: (f.GetField(k) if f.IsFieldSet(k) and not f.IsFieldNull(k) else None) for k in fields})
    return fields, rows, lyr.GetGeomType()


def read_csv(name):
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


@pytest.fixture(scope="module")
def overall(tmp_path_factory):
    r, out = run(tmp_path_factory.mktemp("overall"), project_text())
    assert r.returncode == 0, r.stderr
    return r, out


@pytest.fixture(scope="module")
def per_area(tmp_path_factory):
    r, out = run(tmp_path_factory.mktemp("per_area"), project_text(marges="marges-par-zone.csv"))
    assert r.returncode == 0, r.stderr
    return r, out


def test_tables_have_the_contract_fields(overall):
    gpkg = overall[1] / "diagnostic.gpkg"
    expected = {
        "survey_respondents": {"respondent_id", "area_id", "weight"},
        "survey_indicators": {"question", "answer", "statistic", "area_id", "group", "n", "estimate", "ci_low", "ci_high",
                              "withheld"},
        "survey_representativeness": {"area_id", "stratum", "category", "census_share", "raw_share", "weighted_share"},
        "survey_raking": {"area_id", "n", "iterations", "converged", "max_gap", "effective_n", "design_effect"},
        "survey_texts": {"question", "area_id", "answer"},
    }
    for name, fields in expected.items():
        got, rows, geom = layer_rows(gpkg, name)
        assert fields <= set(got), (name, got)
        assert rows, name
        assert geom == ogr.wkbNone, name
    _, rows, _ = layer_rows(gpkg, "survey_respondents")
    assert set(layer_rows(gpkg, "survey_respondents")[0]) == {"respondent_id", "area_id", "weight"}
    assert {r["group"] for r in layer_rows(gpkg, "survey_indicators")[1]} == {"all", "public", "non-public"}
    # The manifest lists the survey export and the margins among the inputs, with their hashes.
    import hashlib
    manifest = json.loads((overall[1] / "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["block"]: i for i in manifest["inputs"]}
    for block, name in (("survey", "reponses.csv"), ("survey.margins", "marges.csv")):
        assert inputs[block]["sha256"] == hashlib.sha256((DATA / name).read_bytes()).hexdigest()
    assert manifest["layers"]["survey_respondents"] == len(read_csv("reponses.csv"))
    # The CLI summary names the survey and its weighting.
    assert "survey (reponses)" in overall[0].stdout
    assert "enquête :" in overall[0].stdout


def _weights(gpkg):
    _, rows, _ = layer_rows(gpkg, "survey_respondents")
    return {r["respondent_id"]: (r["area_id"], r["weight"]) for r in rows}


def test_weighted_shares_equal_overall_margins(overall):
    weights = _weights(overall[1] / "diagnostic.gpkg")
    answers = {r["code"]: r for r in read_csv("reponses.csv")}
    assert set(weights) == set(answers)  # every fixture respondent is usable
    margins = read_csv("marges.csv")
    for variable in ("age", "sexe"):
        census = {m["category"]: float(m["population"]) for m in margins if m["variable"] == variable}
        w = np.array([weights[c][1] for c in weights])
        cat = np.array([answers[c][variable] for c in weights])
        for category, pop in census.items():
            share = w[cat == category].sum() / w.sum()
            assert abs(share - pop / sum(census.values())) < 1e-6, (variable, category)
            # Weighted counts reach the census populations: the weights sum to the margins' total.
            assert abs(w[cat == category].sum() - pop) < 1e-6 * pop
    # survey_representativeness says the same, in %.
    _, rows, _ = layer_rows(overall[1] / "diagnostic.gpkg", "survey_representativeness")
    for r in rows:
        census = [m for m in margins if m["variable"] == r["stratum"]]
        total = sum(float(m["population"]) for m in census)
        pop = next(float(m["population"]) for m in census if m["category"] == r["category"])
        assert r["census_share"] == pytest.approx(100 * pop / total, abs=1e-9)
        assert r["weighted_share"] == pytest.approx(100 * pop / total, abs=1e-4)
        raw = sum(1 for a in answers.values() if a[r["stratum"]] == r["category"]) / len(answers)
        assert r["raw_share"] == pytest.approx(100 * raw, abs=1e-9)


def test_weighted_shares_equal_per_area_margins(per_area):
    r, out = per_area
    weights = _weights(out / "diagnostic.gpkg")
    answers = {r["code"]: r for r in read_csv("reponses.csv")}
    # 79003 has no margins: its respondents are reported and left out.
    assert {a for a, _ in weights.values()} == {"79001", "79002"}
    assert all(answers[c]["zone"] != "79003" for c in weights)
    _, dq, _ = layer_rows(out / "diagnostic.gpkg", "data_quality")
    assert sum(1 for p in dq if p["kind"] == "survey_area_without_margins") == 6
    margins = read_csv("marges-par-zone.csv")
    for area in ("79001", "79002"):
        codes = [c for c in weights if weights[c][0] == area]
        w = np.array([weights[c][1] for c in codes])
        for variable in ("age", "sexe"):
            census = {m["category"]: float(m["population"]) for m in margins if m["area_id"] == area and m["variable"] == variable}
            cat = np.array([answers[c][variable] for c in codes])
            for category, pop in census.items():
                assert abs(w[cat == category].sum() / w.sum() - pop / sum(census.values())) < 1e-6, (area, variable, category)
    _, raking, _ = layer_rows(out / "diagnostic.gpkg", "survey_raking")
    assert sorted(x["area_id"] for x in raking) == ["79001", "79002"]


def _independent_share(weights, answers, area, group, question, answer):
    """Σ w·y / Σ w over the respondents of the cell who answered the question (numpy, from the inputs)."""
    ws, ys = [], []
    for code, (a, w) in weights.items():
        row = answers[code]
        if area is not None and a != area:
            continue
        freq = row["freq"]
        if group != "all":
            if not freq:
                continue
            if (freq != "jamais") != (group == "public"):
                continue
        value = row[question]
        if not value:
            continue
        ws.append(w)
        ys.append(1.0 if value.strip().lower() == answer else 0.0)
    ws, ys = np.array(ws), np.array(ys)
    return len(ws), 100 * (ws * ys).sum() / ws.sum()


def test_indicators_are_weighted_shares_of_the_right_respondents(overall):
    gpkg = overall[1] / "diagnostic.gpkg"
    weights = _weights(gpkg)
    answers = {r["code"]: r for r in read_csv("reponses.csv")}
    _, rows, _ = layer_rows(gpkg, "survey_indicators")
    checked = 0
    for r in rows:
        if r["question"] not in ("freq", "envie") or r["withheld"]:
            continue
        n, share = _independent_share(weights, answers, r["area_id"], r["group"], r["question"], r["answer"])
        assert r["n"] == n, r
        assert r["estimate"] == pytest.approx(share, abs=1e-9), r
        assert r["ci_low"] <= r["estimate"] <= r["ci_high"]
        checked += 1
    assert checked > 20


def test_withheld_cells_are_empty_everywhere(overall):
    out = overall[1]
    gpkg = out / "diagnostic.gpkg"
    _, rows, _ = layer_rows(gpkg, "survey_indicators")
    withheld = [r for r in rows if r["withheld"]]
    assert withheld, "79003 (6 respondents) must give withheld cells"
    for r in rows:
        if r["n"] < MIN_CELL:
            assert r["withheld"], r
        if r["withheld"]:
            assert r["estimate"] is None and r["ci_low"] is None and r["ci_high"] is None, r
    assert all(r["withheld"] for r in rows if r["area_id"] == "79003")
    # The headline fields of `areas`: empty for 79003, the published value elsewhere.
    _, areas, _ = layer_rows(gpkg, "areas")
    by_id = {a["area_id"]: a for a in areas}
    assert by_id["79003"]["survey_freq_jamais"] is None
    assert by_id["79003"]["survey_satisf"] is None
    assert by_id["79003"]["survey_n"] == 6
    # Whatever cells the engine withholds (complementary suppression may take any neighbour), the
    # field of an area is empty exactly when its cell is withheld, and is the cell's value otherwise.
    cells = {r["area_id"]: r for r in rows if r["question"] == "freq" and r["answer"] == "jamais" and r["group"] == "all"}
    assert set(cells) == {"79001", "79002", "79003", None}
    for area in ("79001", "79002", "79003"):
        if cells[area]["withheld"]:
            assert by_id[area]["survey_freq_jamais"] is None
        else:
            assert by_id[area]["survey_freq_jamais"] == pytest.approx(cells[area]["estimate"])
    assert any(not cells[a]["withheld"] for a in ("79001", "79002")), "60 and 50 respondents: one must be published"
    # The GeoJSON of the areas too.
    gj = json.loads((out / "geojson" / "areas.geojson").read_text(encoding="utf-8"))
    props = {f["properties"]["area_id"]: f["properties"] for f in gj["features"]}
    assert props["79003"].get("survey_freq_jamais") is None
    # The sheet of 79003 says « non publié » and shows no figure of the survey.
    page = (out / "sheets" / "zone-79003.html").read_text(encoding="utf-8")
    assert f"non publié (moins de {MIN_CELL} répondants)" in page
    section = page[page.index('<section class="enquete">'):]
    table = section[section.index("<tbody>"):section.index("</table>")]
    assert "%" not in table and "IC 95" not in table, "a withheld cell shows a figure"
    assert table.count("<tr>") > 10
    pages = [(out / "sheets" / f"zone-{a}.html").read_text(encoding="utf-8") for a in ("79001", "79002")]
    assert all("Ce que disent les habitants" in p for p in pages) and any("IC 95 %" in p for p in pages)


def _all_output_text(out):
    """Every text an output holds: GeoPackage values of every layer, GeoJSON, HTML, the workbook's XML, manifest."""
    chunks = []
    ds = ogr.Open(str(out / "diagnostic.gpkg"))
    layers = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        texts = []
        for f in lyr:
            for k in range(f.GetFieldCount()):
                if f.IsFieldSetAndNotNull(k):
                    texts.append(str(f.GetField(k)))
        layers[lyr.GetName()] = "\n".join(texts)
    for path in glob.glob(str(out / "**" / "*"), recursive=True):
        p = Path(path)
        if p.suffix in (".geojson", ".html", ".json", ".graphml", ".gexf", ".svg"):
            chunks.append((p.name, p.read_text(encoding="utf-8")))
        elif p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                chunks.append((p.name, "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))))
    return layers, chunks


def test_no_identity_address_or_unconsented_text_leaks(overall):
    out = overall[1]
    layers, files = _all_output_text(out)
    answers = read_csv("reponses.csv")
    secrets = []
    for r in answers:
        secrets += [r["nom"], r["courriel"], r["adresse"], r["lon"], r["lat"]]
        if r["remarque"] and r["accord"] != "oui":
            secrets.append(r["remarque"])
    everything = list(layers.items()) + files
    for name, text in everything:
        for s in secrets:
            assert s not in text, (name, s)
    # The pseudonymous code appears only in survey_respondents (and its copies: GeoJSON, workbook).
    codes = [r["code"] for r in answers]
    for name, text in layers.items():
        if name == "survey_respondents":
            continue
        assert not any(c in text for c in codes), name
    for name, text in files:
        if name in ("survey_respondents.geojson", "diagnostic.xlsx"):
            continue
        assert not any(c in text for c in codes), name
    # Consented free text is carried, detached from the code.
    consented = sorted(r["remarque"] for r in answers if r["remarque"] and r["accord"] == "oui")
    _, texts, _ = layer_rows(out / "diagnostic.gpkg", "survey_texts")
    assert sorted(t["answer"] for t in texts) == consented


def test_point_locations_are_turned_into_areas_and_dropped(tmp_path):
    r, out = run(tmp_path, project_text(location='x_field = "lon"\ny_field = "lat"\ncrs = "EPSG:4326"'), "--no-sheets")
    assert r.returncode == 0, r.stderr
    answers = {a["code"]: a["zone"] for a in read_csv("reponses.csv")}
    weights = _weights(out / "diagnostic.gpkg")
    assert {c: a for c, (a, _) in weights.items()} == answers


def test_unknown_area_is_reported_and_excluded(tmp_path):
    r, out = run(tmp_path, project_text(reponses="reponses-zone-inconnue.csv"), "--no-sheets")
    assert r.returncode == 0, r.stderr
    _, dq, _ = layer_rows(out / "diagnostic.gpkg", "data_quality")
    unknown = [p for p in dq if p["kind"] == "survey_unknown_area"]
    assert len(unknown) == 1 and "79999" in unknown[0]["message"] and unknown[0]["field"] == "zone"
    assert unknown[0]["feature"] == "ligne 9"
    assert "QX008" not in _weights(out / "diagnostic.gpkg")


def test_every_area_unknown_stops_with_a_named_error(tmp_path):
    r, _ = run(tmp_path, project_text(reponses="reponses-toutes-inconnues.csv"))
    assert r.returncode == 1
    assert "reponses-toutes-inconnues.csv" in r.stderr and "aucun répondant utilisable" in r.stderr


def test_category_not_in_margins_is_a_named_error(tmp_path):
    r, _ = run(tmp_path, project_text(reponses="reponses-categorie.csv"))
    assert r.returncode == 1
    assert "reponses-categorie.csv" in r.stderr and "ligne 5" in r.stderr and "champ 'age'" in r.stderr
    assert "« 30 à 59 ans » absente des marges" in r.stderr and "30-59 ans" in r.stderr


@pytest.mark.parametrize("rule, expected", [
    ("freq != 'jamais", "position 9"),
    ("freq = 'jamais'", "position 6"),
    ("freq in ['a' 'b']", "position 14"),
    ("(freq == 'jamais'", "position 18"),
    ("minutes < 'dix'", "un nombre est attendu"),
])
def test_unparsable_public_rule_names_the_position(tmp_path, rule, expected):
    r, _ = run(tmp_path, project_text(rule=rule))
    assert r.returncode == 1, r.stdout
    assert "public_rule" in r.stderr and expected in r.stderr, r.stderr


def test_unknown_question_in_public_rule_is_named(tmp_path):
    r, _ = run(tmp_path, project_text(rule="freq == 'jamais' or q99 > 3"))
    assert r.returncode == 1
    assert "public_rule" in r.stderr and "« q99 » inconnue" in r.stderr and "position 21" in r.stderr


def test_check_command_reads_the_survey_keys(tmp_path):
    p = tmp_path / "project.toml"
    p.write_text(project_text().replace("min_cell = 10", "min_cel = 10"), encoding="utf-8")
    r = subprocess.run([BIN, "check", str(p)], capture_output=True, text=True)
    assert r.returncode == 1 and "min_cel" in r.stderr and "[survey]" in r.stderr


def test_survey_map_greys_withheld_areas(tmp_path):
    tmp = tmp_path / "maps"
    tmp.mkdir()
    (tmp / "project.toml").write_text(project_text(), encoding="utf-8")
    r = subprocess.run([BIN, "run", str(tmp / "project.toml"), "-o", str(tmp / "out"), "--no-sheets", "--no-xlsx"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    svg = (tmp / "out" / "maps" / "enquete.svg").read_text(encoding="utf-8")
    assert "Fréquence des sorties = jamais (%)" in svg
    assert f"non publié : moins de {MIN_CELL} répondants ou secret statistique (" in svg.replace("\u00a0", " ")
    assert (tmp / "out" / "maps" / "enquete.pdf").stat().st_size > 0


def test_without_public_rule_only_the_whole_group(tmp_path):
    text = "\n".join(l for l in project_text().splitlines() if not l.startswith("public_rule"))
    r, out = run(tmp_path, text, "--no-sheets", "--no-xlsx")
    assert r.returncode == 0, r.stderr
    _, rows, _ = layer_rows(out / "diagnostic.gpkg", "survey_indicators")
    assert {x["group"] for x in rows} == {"all"}
    assert all(x["withheld"] for x in rows if x["area_id"] == "79003")
    assert any(not x["withheld"] for x in rows)
    assert all(x["estimate"] is None for x in rows if x["withheld"])


def test_an_xlsx_export_is_read_like_the_csv(tmp_path, overall):
    from osgeo import gdal
    xlsx = tmp_path / "reponses.xlsx"
    gdal.VectorTranslate(str(xlsx), str(DATA / "reponses.csv"), format="XLSX",
                         options=["-oo", "SEPARATOR=SEMICOLON"])
    text = project_text().replace(f'path = "{DATA}/reponses.csv"\nseparator = ";"', f'path = "{xlsx}"')
    assert str(xlsx) in text
    # Every column is text here: GDAL's XLSX reader then needs to be told that row 1 is the header
    # (read_source passes no HEADERS option; docs/survey.md §1).
    os.environ["OGR_XLSX_HEADERS"] = "FORCE"
    try:
        r, out = run(tmp_path, text, "--no-sheets", "--no-xlsx")
    finally:
        del os.environ["OGR_XLSX_HEADERS"]
    assert r.returncode == 0, r.stderr
    from_xlsx = _weights(out / "diagnostic.gpkg")
    from_csv = _weights(overall[1] / "diagnostic.gpkg")
    assert from_xlsx.keys() == from_csv.keys()
    for code, (area, w) in from_csv.items():
        assert from_xlsx[code][0] == area and from_xlsx[code][1] == pytest.approx(w, rel=1e-12)


def test_rare_answers_are_grouped_without_their_label(tmp_path):
    # An « autre » box typed in a multi question: a label given by fewer than min_cell respondents.
    text = (DATA / "reponses.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].split(";")
    col = header.index("lieux")
    rows = [line.split(";") for line in text[1:]]
    rows[10][col] = (rows[10][col] + "," if rows[10][col] else "") + "chez Mme Rarissime"
    (tmp_path / "reponses.csv").write_text("\n".join([text[0]] + [";".join(r) for r in rows]) + "\n", encoding="utf-8")
    project = project_text().replace(f'path = "{DATA}/reponses.csv"', f'path = "{tmp_path}/reponses.csv"')
    r, out = run(tmp_path / "run", project, "--no-sheets")
    assert r.returncode == 0, r.stderr
    _, rows_out, _ = layer_rows(out / "diagnostic.gpkg", "survey_indicators")
    lieux = {x["answer"] for x in rows_out if x["question"] == "lieux"}
    assert "autres réponses" in lieux and "bibliothèque" in lieux
    assert not any("Rarissime" in (x["answer"] or "") for x in rows_out)
    layers, files = _all_output_text(out)
    for name, text in list(layers.items()) + files:
        assert "Rarissime" not in text, name
    share = next(x for x in rows_out if x["question"] == "lieux" and x["answer"] == "autres réponses"
                 and x["area_id"] is None and x["group"] == "all")
    weights = _weights(out / "diagnostic.gpkg")
    answered = [c for c in weights if rows[int(c[2:]) - 1][col]]
    w = np.array([weights[c][1] for c in answered])
    y = np.array([1.0 if "Rarissime" in rows[int(c[2:]) - 1][col] else 0.0 for c in answered])
    assert share["withheld"] or share["estimate"] == pytest.approx(100 * (w * y).sum() / w.sum(), abs=1e-9)
    assert y.sum() == 1 and share["n"] == len(answered)
