"""The `territoire` command line on good and bad inputs.

Run with TERRITOIRE_BIN set to the built program, e.g.
    TERRITOIRE_BIN=build/tools/territoire /usr/bin/python3 -m pytest tests/cli

Exit status: 0 success, 1 error in the inputs, the project or the outputs, 2 wrong command line.
Every error message on stderr names the file, and the line and field when there is one.
"""

import os
import subprocess
from pathlib import Path

import pytest

# Three square communes side by side near Niort (EPSG:4326), 0.02° wide:
# 79001 [-0.48, -0.46], 79002 [-0.46, -0.44], 79003 [-0.44, -0.42] in longitude, [46.31, 46.33] in latitude.
def _commune(code, name, population, lon0):
    ring = [[lon0, 46.31], [lon0 + 0.02, 46.31], [lon0 + 0.02, 46.33], [lon0, 46.33], [lon0, 46.31]]
    coords = ",".join(f"[{x:.6f},{y:.6f}]" for x, y in ring)
    return (
        '{"type":"Feature","properties":{"code":"%s","nom":"%s","population":%d},'
        '"geometry":{"type":"Polygon","coordinates":[[%s]]}}' % (code, name, population, coords)
    )


COMMUNES = (
    '{"type":"FeatureCollection","features":['
    + ",".join([_commune("79001", "Ouest", 1000, -0.48), _commune("79002", "Centre", 2500, -0.46),
                _commune("79003", "Est", 500, -0.44)])
    + "]}"
)

PLACES = (
    "id;nom;type;lon;lat\n"
    "P1;Médiathèque Ouest;bibliothèque;-0.47;46.32\n"
    "P2;Musée sans coordonnées;musée;;\n"
    "P3;Louvre;musée;2.3376;48.8606\n"
    "P4;Salle Est;salle de spectacle;-0,45;46,325\n"
)

ACTORS = (
    "\ufeff\ufeffactor_id;nom;famille;position\n"
    "A1;Compagnie du Marais;spectacle vivant;46.32, -0.47\n"
    'A2;École de musique;musique;"46.325, -0.43"\n'
    "A3;Collectif sans adresse;arts visuels;\n"
)

LINKS = (
    "source,cible,type,poids\n"
    "A1,A2,partenariat,2\n"
    'A2,A1,coproduction,"1,5"\n'
    "A3,A3,partenariat,1\n"
    "A2,A3,réseau,\n"
)

PROJECT = """[project]
name = "Test Niort"

[territory]
path = "communes.geojson"

[areas]
path = "communes.geojson"
id_field = "code"
name_field = "nom"
population_field = "population"

[[places]]
path = "lieux.csv"
id_field = "id"
name_field = "nom"
kind_field = "type"
x_field = "lon"
y_field = "lat"

[[actors]]
path = "acteurs.csv"
id_field = "actor_id"
name_field = "nom"
family_field = "famille"
latlon_field = "position"

[links]
path = "liens.csv"
source_field = "source"
target_field = "cible"
kind_field = "type"
weight_field = "poids"
"""


@pytest.fixture(scope="session")
def territoire_bin():
    binary = os.environ.get("TERRITOIRE_BIN")
    if not binary:
        pytest.fail("TERRITOIRE_BIN must name the built territoire program (e.g. build/tools/territoire)")
    if not os.access(binary, os.X_OK):
        pytest.fail(f"TERRITOIRE_BIN={binary} is not an executable file")
    return binary


@pytest.fixture
def project(tmp_path):
    """A valid tiny project in tmp_path/projet; returns the project file."""
    folder = tmp_path / "projet"
    folder.mkdir()
    (folder / "communes.geojson").write_text(COMMUNES, encoding="utf-8")
    (folder / "lieux.csv").write_text(PLACES, encoding="utf-8")
    (folder / "acteurs.csv").write_text(ACTORS, encoding="utf-8")
    (folder / "liens.csv").write_text(LINKS, encoding="utf-8")
    file = folder / "projet.toml"
    file.write_text(PROJECT, encoding="utf-8")
    return file


@pytest.fixture
def run(territoire_bin, tmp_path):
    def _run(*args, cwd=None):
        return subprocess.run([territoire_bin, *map(str, args)], capture_output=True, text=True,
                              cwd=cwd or tmp_path, timeout=120)
    return _run


def edit_project(project_file, old, new):
    text = project_file.read_text(encoding="utf-8")
    assert old in text, old
    project_file.write_text(text.replace(old, new, 1), encoding="utf-8")


def all_files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*"))


# ---- command line -------------------------------------------------------------------------------

def test_version_prints_the_version(run):
    r = run("--version")
    assert r.returncode == 0
    assert "0.1.0" in r.stdout


def test_help_exits_0(run):
    r = run("--help")
    assert r.returncode == 0
    assert "run" in r.stdout and "check" in r.stdout


BAD_COMMAND_LINES = [
    pytest.param([], id="no-subcommand"),
    pytest.param(["run", "projet.toml"], id="run-without-output"),
    pytest.param(["frobnicate"], id="unknown-subcommand"),
    pytest.param(["check", "projet.toml", "--no-such-option"], id="unknown-option"),
]


# tools/territoire.cpp uses CLI11_PARSE, which returns CLI11's own exit codes (106 RequiredError,
# 109 ExtrasError…) instead of the documented 2 for a wrong command line.
@pytest.mark.parametrize("args", BAD_COMMAND_LINES)
def test_bad_command_line_exits_2(run, args):
    r = run(*args)
    assert r.returncode == 2, (r.returncode, r.stderr)


@pytest.mark.parametrize("args", BAD_COMMAND_LINES)
def test_bad_command_line_fails_with_a_message_and_writes_nothing(run, tmp_path, args):
    r = run(*args)
    assert r.returncode not in (0, 1)
    assert r.stderr.strip()
    assert all_files(tmp_path) == []


# ---- input and project errors: exit 1, stderr names file / line / field ------------------------

def test_missing_project_file(run, tmp_path):
    missing = tmp_path / "nulle-part" / "projet.toml"
    r = run("check", missing)
    assert r.returncode == 1
    assert str(missing) in r.stderr
    assert "introuvable" in r.stderr


def test_missing_data_file(run, project):
    edit_project(project, 'path = "lieux.csv"', 'path = "donnees/lieux-absents.csv"')
    r = run("check", project)
    assert r.returncode == 1
    assert "donnees/lieux-absents.csv" in r.stderr
    assert "introuvable" in r.stderr


def test_missing_geojson_file(run, project):
    edit_project(project, '[territory]\npath = "communes.geojson"', '[territory]\npath = "territoire-absent.geojson"')
    r = run("check", project)
    assert r.returncode == 1
    assert "territoire-absent.geojson" in r.stderr


def test_unknown_field(run, project):
    edit_project(project, 'x_field = "lon"', 'x_field = "longitude"')
    r = run("check", project)
    assert r.returncode == 1
    assert "lieux.csv" in r.stderr
    assert "'longitude'" in r.stderr
    assert "x_field" in r.stderr
    assert "'id', 'nom', 'type', 'lon', 'lat'" in r.stderr  # the fields that do exist


def test_broken_csv_unterminated_quote(run, project):
    (project.parent / "lieux.csv").write_text(
        "id;nom;type;lon;lat\n"
        "P1;Médiathèque;bibliothèque;-0.47;46.32\n"
        'P2;"Salle jamais fermée;salle;-0.45;46.32\n'
        "P3;Salle;salle;-0.45;46.32\n", encoding="utf-8")
    r = run("check", project)
    assert r.returncode == 1
    assert "lieux.csv" in r.stderr
    assert "ligne 3" in r.stderr


def test_latin1_csv_without_encoding(run, project):
    (project.parent / "acteurs.csv").write_bytes(
        "actor_id;nom;famille;position\nA1;Compagnie;musique;46.32, -0.47\nA2;Théâtre;théâtre;46.32, -0.45\n"
        .encode("iso-8859-1"))
    r = run("check", project)
    assert r.returncode == 1
    assert "acteurs.csv" in r.stderr
    assert "ligne 3" in r.stderr
    assert "encoding" in r.stderr


def test_unknown_working_crs(run, project):
    edit_project(project, 'name = "Test Niort"', 'name = "Test Niort"\ncrs = "EPSG:999999"')
    r = run("check", project)
    assert r.returncode == 1
    assert "projet.toml" in r.stderr
    assert "'crs'" in r.stderr
    assert "EPSG:999999" in r.stderr


def test_geographic_working_crs_is_refused(run, project):
    edit_project(project, 'name = "Test Niort"', 'name = "Test Niort"\ncrs = "EPSG:4326"')
    r = run("check", project)
    assert r.returncode == 1
    assert "'crs'" in r.stderr
    assert "EPSG:4326" in r.stderr


# An unknown CRS inside a source block escapes as a plain Error from PROJ's transformer: the message
# quotes the CRS but names neither the file, the block nor the key (library bug, reported).
def test_unknown_source_crs_names_file_and_key(run, project):
    edit_project(project, 'y_field = "lat"', 'y_field = "lat"\ncrs = "EPSG:999999"')
    r = run("check", project)
    assert r.returncode == 1
    assert "EPSG:999999" in r.stderr
    assert "'crs'" in r.stderr and "lieux.csv" in r.stderr


def test_unknown_project_key(run, project):
    line = PROJECT.splitlines().index('kind_field = "type"') + 1  # first one: in [[places]]
    assert line == 17
    edit_project(project, 'kind_field = "type"\nx_field', 'kind_feild = "type"\nx_field')
    r = run("check", project)
    assert r.returncode == 1
    assert "projet.toml" in r.stderr
    assert "'kind_feild'" in r.stderr
    assert f"ligne {line}" in r.stderr


def test_invalid_toml(run, project):
    edit_project(project, 'name = "Test Niort"', 'name = "Test Niort')
    r = run("check", project)
    assert r.returncode == 1
    assert "projet.toml" in r.stderr
    assert "ligne 2" in r.stderr


def test_input_error_in_run_writes_no_output(run, project, tmp_path):
    edit_project(project, 'x_field = "lon"', 'x_field = "longitude"')
    out = tmp_path / "sortie"
    r = run("run", project, "-o", out)
    assert r.returncode == 1
    assert not (out / "diagnostic.gpkg").exists()


# ---- run and check on a valid project ------------------------------------------------------------

def test_run_writes_the_deliverables_and_prints_the_summary(run, project, tmp_path):
    out = tmp_path / "sortie"
    r = run("run", project, "-o", out)
    assert r.returncode == 0, r.stderr
    gpkg = out / "diagnostic.gpkg"
    assert gpkg.is_file()
    assert (out / "manifest.json").is_file()
    assert sorted(p.name for p in (out / "geojson").iterdir()) == [
        "actors.geojson", "area_links.geojson", "areas.geojson", "communities.geojson", "cooperation_links.geojson",
        "places.geojson", "territory.geojson"]
    assert not [p for p in out.rglob(".*")], "temporary files left behind"
    assert str(gpkg) in r.stdout
    assert "Test Niort" in r.stdout
    assert "EPSG:2154" in r.stdout
    assert "3 zones" in r.stdout
    assert "acteurs : 3, lieux : 2, liens : 2" in r.stdout
    assert "places[1] (lieux) : 4 lues, 2 retenues" in r.stdout
    assert "missing_coordinates 2" in r.stdout
    assert "self_loop 1" in r.stdout


def test_run_quiet_prints_nothing(run, project, tmp_path):
    r = run("run", project, "-o", tmp_path / "sortie", "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert (tmp_path / "sortie" / "diagnostic.gpkg").is_file()


def test_run_no_geojson(run, project, tmp_path):
    out = tmp_path / "sortie"
    r = run("run", project, "-o", out, "--no-geojson")
    assert r.returncode == 0, r.stderr
    assert (out / "diagnostic.gpkg").is_file()
    assert not (out / "geojson").exists()


def test_unwritable_output_directory(run, project, tmp_path):
    blocker = tmp_path / "un-fichier"
    blocker.write_text("pas un dossier")
    out = blocker / "sortie"
    r = run("run", project, "-o", out)
    assert r.returncode == 1
    assert str(out) in r.stderr
    assert not out.exists()
    assert not list(tmp_path.rglob("diagnostic.gpkg"))
    assert not list(tmp_path.rglob(".diagnostic*"))


def test_check_writes_nothing(run, project, tmp_path):
    before = all_files(tmp_path)
    r = run("check", project, cwd=project.parent)
    assert r.returncode == 0, r.stderr
    assert all_files(tmp_path) == before
    assert "acteurs : 3, lieux : 2, liens : 2" in r.stdout
    assert "missing_coordinates" in r.stdout
    assert "ligne 3" in r.stdout  # problems name their line


def test_check_all_lists_every_problem(run, project, tmp_path):
    lines = ["id;nom;type;lon;lat"] + [f"P{i};Lieu {i};salle;;" for i in range(8)]
    (project.parent / "lieux.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    short = run("check", project)
    assert short.returncode == 0, short.stderr
    assert short.stdout.count("[warning] missing_coordinates") == 5
    assert "--all" in short.stdout
    full = run("check", project, "--all")
    assert full.stdout.count("[warning] missing_coordinates") == 9  # 8 places + actor A3


def test_init_writes_a_skeleton_and_never_overwrites(run, tmp_path):
    folder = tmp_path / "nouveau"
    r = run("init", folder)
    assert r.returncode == 0, r.stderr
    skeleton = folder / "project.toml"
    assert skeleton.is_file()
    skeleton.write_text("# mon projet\n", encoding="utf-8")
    again = run("init", folder)
    assert again.returncode == 1
    assert str(skeleton) in again.stderr
    assert skeleton.read_text(encoding="utf-8") == "# mon projet\n"


# ---- problems name their project-file block ----------------------------------------------------

SAMPLE_PROJECT = Path(__file__).resolve().parents[2] / "data" / "sample" / "deux-sevres" / "project.toml"


def test_check_on_the_sample_shows_the_block_of_each_problem(run):
    assert SAMPLE_PROJECT.is_file(), SAMPLE_PROJECT
    r = run("check", SAMPLE_PROJECT)
    assert r.returncode == 0, r.stderr
    # The four faulty rows of liens-illustratifs.csv come from the [links] block.
    assert "liens-illustratifs [links], ligne 253" in r.stdout  # the self-loop
    assert "[warning] self_loop — liens-illustratifs [links]" in r.stdout
    assert "[warning] missing_coordinates — bibliotheques [places[1]], ligne 2, champ 'Longitude'" in r.stdout
    assert "[info] outside_territory — acteurs [actors[1]]" in r.stdout
    # Every problem line names a block in brackets right after its source.
    problem_lines = [l for l in r.stdout.splitlines() if l.lstrip().startswith(("[info]", "[warning]", "[error]"))]
    assert problem_lines
    for line in problem_lines:
        source_part = line.split(" — ", 1)[1].split(" : ", 1)[0]
        assert " [" in source_part and "]" in source_part, line


def test_check_tells_apart_two_blocks_reading_the_same_file(run, project):
    # A fourth commune without geometry: [territory] and [areas] both read communes.geojson and report it.
    communes = COMMUNES[:-2] + (
        ',{"type":"Feature","properties":{"code":"79009","nom":"Vide","population":10},"geometry":null}]}')
    (project.parent / "communes.geojson").write_text(communes, encoding="utf-8")
    r = run("check", project, "--all")
    assert r.returncode == 0, r.stderr
    lines = [l for l in r.stdout.splitlines() if "] missing_geometry — " in l]
    assert len(lines) == 2, r.stdout
    assert "communes [territory], FID 3" in lines[0]
    assert "communes [areas], FID 3" in lines[1]
    assert "lieux [places[1]], ligne 3, champ 'lon'" in r.stdout
    assert "acteurs [actors[1]], ligne 4, champ 'position'" in r.stdout
    assert "liens [links], ligne 4" in r.stdout
