"""Presets of French open data (docs/presets.md) run with the CLI on the synthetic fixtures of
tests/data/presets (official schemas) and on the real ministry files of ../shared/realdata.

Values are checked against independent computations: commune of each point by shapely on the
communes' polygons, padded codes and counts recomputed from the fixtures with Python's csv module.
The privacy test scans EVERY output file for the personal columns' names and the personal values
planted in the RNA fixtures.

Environment: TERRITOIRE_BIN (the CLI), TERRITOIRE_DATA_DIR (the source tree's data/).
"""
import csv
import io
import json
import math
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / 'tests' / 'data' / 'presets'
REALDATA = Path(os.environ.get('TERRITOIRE_REALDATA', REPO.parent.parent / 'shared' / 'realdata'))
COMMUNES = REPO / 'data' / 'sample' / 'deux-sevres' / 'communes-79-deux-sevres.geojson'
# Territory and areas of the small projects the tests write: the communes of the sample.
HEAD = f'[territory]\npath = "{COMMUNES}"\n[areas]\npath = "{COMMUNES}"\nid_field = "code"'

sys.path.insert(0, str(FIXTURES))
from make_fixtures import PERSONAL  # noqa: E402

PERSONAL_COLUMNS = ['dir_civilite', 'adrg_declarant', 'adrg_complemid', 'adrg_complemgeo', 'adrg_libvoie',
                    'adrg_distrib', 'adrg_codepostal', 'adrg_achemine', 'adrg_pays', 'telephone', 'email']


@pytest.fixture(scope='module')
def cli():
    binary = os.environ.get('TERRITOIRE_BIN')
    if not binary:
        pytest.skip('TERRITOIRE_BIN is not set')
    return binary


def run(cli, project, out, *args, check=True):
    env = dict(os.environ)
    env.setdefault('TERRITOIRE_DATA_DIR', str(REPO / 'data'))
    return subprocess.run([cli, 'run', str(project), '-o', str(out), *args], capture_output=True, text=True,
                          env=env, check=check)


def check_project(cli, project):
    env = dict(os.environ)
    env.setdefault('TERRITOIRE_DATA_DIR', str(REPO / 'data'))
    return subprocess.run([cli, 'check', str(project)], capture_output=True, text=True, env=env)


def rows(gpkg, sql):
    con = sqlite3.connect(gpkg)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


def commune_of(lon, lat, communes_path=COMMUNES):
    """Independent point-in-polygon with shapely (WGS 84)."""
    from shapely.geometry import Point, shape
    if not hasattr(commune_of, 'cache'):
        commune_of.cache = {}
    if communes_path not in commune_of.cache:
        gj = json.loads(Path(communes_path).read_text(encoding='utf-8'))
        commune_of.cache[communes_path] = [(f['properties']['code'], shape(f['geometry'])) for f in gj['features']]
    p = Point(lon, lat)
    hits = sorted(code for code, g in commune_of.cache[communes_path] if g.covers(p))
    return hits[0] if hits else None


@pytest.fixture(scope='module')
def fixture_run(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp('presets-out')
    run(cli, FIXTURES / 'project.toml', out)
    return out


# --- Basilic -----------------------------------------------------------------------------------

def basilic_rows(gpkg, source):
    return [{k: v for k, v in r.items() if k != 'source'} for r in rows(
        gpkg, "SELECT source, name, kind, capacity, capacity_unit, domain, area_id FROM places "
              f"WHERE source = '{source}' ORDER BY name")]


def test_basilic_both_header_styles_give_the_same_places(cli, fixture_run, tmp_path):
    # The export file alone (the fixture project merges it into the display file's places, below).
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[places]]
name = "basilic_export"
path = "{FIXTURES / 'basilic-export.csv'}"
preset = "basilic"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    export = basilic_rows(tmp_path / 'out' / 'diagnostic.gpkg', 'basilic_export')
    display = basilic_rows(fixture_run / 'diagnostic.gpkg', 'basilic_affichage')
    assert len(display) == 4 and display == export
    by_name = {r['name']: r for r in display}
    assert by_name['Cinéma Le Moulin du Roc']['capacity'] == 412
    assert by_name['Cinéma Le Moulin du Roc']['capacity_unit'] == 'fauteuils'
    assert by_name['Théâtre de Parthenay']['capacity_unit'] == 'places'
    assert by_name['Médiathèque de Bressuire']['capacity'] == 1250.5  # French decimal comma
    assert by_name['Médiathèque de Bressuire']['capacity_unit'] == 'm²'
    assert by_name['Médiathèque de Bressuire']['kind'] == 'bibliothèque'
    assert by_name['Médiathèque de Bressuire']['domain'] == 'livre et lecture'
    # Unknown type: « non classé (<type>) », its domain from the file's Domaine column.
    assert by_name['Kiosque à musique de Melle']['kind'] == 'non classé (Kiosque)'
    assert by_name['Kiosque à musique de Melle']['domain'] == 'Musique'
    # Communes: shapely on the same polygons, from the fixture's own coordinates.
    with open(FIXTURES / 'basilic-affichage.csv', encoding='utf-8-sig', newline='') as f:
        for rec in csv.DictReader(f, delimiter=';'):
            code = commune_of(float(rec['Longitude']), float(rec['Latitude']))
            if code is None:
                assert rec['Nom'] not in by_name  # outside the territory: dropped
            else:
                assert by_name[rec['Nom']]['area_id'] == code


def test_the_two_basilic_files_are_the_same_places_merged_with_provenance(fixture_run):
    """Both files describe the same places: each export record is merged into the display file's
    place (first source in the project), by the ministry's origin id when there is one, else by name
    at the same point; place_sources keeps both records (docs/matching.md)."""
    gpkg = fixture_run / 'diagnostic.gpkg'
    assert rows(gpkg, "SELECT count(*) AS n FROM places WHERE source = 'basilic_export'") == [{'n': 0}]
    got = rows(gpkg, "SELECT place_id, record_id, source, rule, distance_m, score FROM place_sources "
                     "ORDER BY place_id, rule = 'kept' DESC")
    merged = [(r['place_id'], r['record_id'], r['source'], r['rule']) for r in got]
    assert merged == [
        ('BAS-0001', 'BAS-0001', 'basilic_affichage', 'kept'), ('BAS-0001', 'CNC-7901', 'basilic_export', 'id:origin'),
        ('BAS-0002', 'BAS-0002', 'basilic_affichage', 'kept'), ('BAS-0002', 'ART-7902', 'basilic_export', 'id:origin'),
        ('BAS-0003', 'BAS-0003', 'basilic_affichage', 'kept'),
        ('BAS-0003', 'basilic_export:4', 'basilic_export', 'name_distance'),
        ('BAS-0004', 'BAS-0004', 'basilic_affichage', 'kept'),
        ('BAS-0004', 'basilic_export:5', 'basilic_export', 'name_distance'),
    ]
    # Same coordinates and names in both files: distance 0, score 1.
    assert all(r['distance_m'] == 0 and r['score'] == 1 for r in got if r['rule'] != 'kept')


def test_unknown_codes_are_reported_with_file_and_line(fixture_run):
    problems = rows(fixture_run / 'diagnostic.gpkg',
                    "SELECT source, feature, field, message FROM data_quality WHERE kind = 'unknown_code' ORDER BY source")
    found = {(p['source'], p['feature']) for p in problems}
    assert ('basilic_affichage', 'ligne 5') in found
    assert ('bpe', 'ligne 5') in found
    assert ('rna_waldec', 'ligne 8') in found
    # The Paris row (line 6) is outside the territory: its unknown type is not examined.
    assert ('basilic_affichage', 'ligne 6') not in found and ('basilic_export', 'ligne 6') not in found
    msg = next(p['message'] for p in problems if p['source'] == 'bpe')
    assert 'F399' in msg and 'nomenclatures/crosswalks/bpe_typequ.csv' in msg
    assert '/work/' not in msg  # no machine path in outputs


def test_explicit_key_wins_over_the_preset(fixture_run):
    ids = {r['record_id'] for r in rows(fixture_run / 'diagnostic.gpkg',
                                        "SELECT record_id FROM place_sources WHERE source = 'basilic_export'")}
    assert {'CNC-7901', 'ART-7902', 'basilic_export:4', 'basilic_export:5'} == ids


# --- RNA ---------------------------------------------------------------------------------------

def test_rna_waldec_latin1_multiline_and_dissolved(fixture_run):
    actors = rows(fixture_run / 'diagnostic.gpkg',
                  "SELECT actor_id, name, family, domain, source, location_method FROM actors ORDER BY actor_id")
    with open(FIXTURES / 'rna_waldec_79.csv', encoding='iso-8859-1', newline='') as f:
        recs = list(csv.DictReader(f, delimiter=';'))
    assert len(recs) == 5 and '\n' in recs[1]['objet'] and ';' in recs[1]['objet']
    active = {r['id'] for r in recs if r['position'] not in ('D', 'S')}
    waldec = {a['actor_id']: a for a in actors if a['source'] == 'rna_waldec'}
    assert set(waldec) == active
    assert waldec['W792000002']['name'] == 'THÉÂTRE DU PUITS'
    assert waldec['W792000001']['family'] == 'musique'              # 006030
    assert waldec['W792000004']['domain'] == 'patrimoine'           # 010015
    assert waldec['W792000005']['family'] == 'non classé (999999)'  # unknown: the code kept visible
    assert not waldec['W792000005']['domain']                       # no domain for an unknown code
    assert all(a['location_method'] == 'ban' for a in waldec.values())  # placed with [geocoding]
    problems = rows(fixture_run / 'diagnostic.gpkg',
                    "SELECT source, message FROM data_quality WHERE kind = 'dissolved' ORDER BY source")
    assert [p['source'] for p in problems] == ['rna_import', 'rna_waldec']
    assert 'position S : 1' in problems[0]['message'] and 'position D : 1' in problems[1]['message']


# actor → (precision, BAN id, BAN address whose point it must have; None: the commune's point)
RNA_GEOCODES = {
    'W792000001': ('housenumber', '79191_1300_00005', '79191_1300_00005'),  # 5 RUE Victor Hugo
    'W792000002': ('housenumber', '79202_0100_00003_bis', '79202_0100_00003_bis'),  # 3 B AV de Paris
    'W792000004': ('street', '79174_0200', None),  # PL de la Mairie, no number
    'W792000005': ('commune', '79329', None),  # RTE Nationale: not among Thouars's BAN streets
    # rna_import: "Mairie" (adr1) then "1 place de l'Hôtel de Ville" (adr2), postcode only: the number
    # after a complement is not read (docs/presets/rna.md), the street is found (score < 1).
    'W792100001': ('street', '79191_1800', None),
}


def test_rna_addresses_are_geocoded_with_the_ban_extract(fixture_run):
    """Every RNA address of the fixtures is in the BAN extract of tests/data/ban (make_fixture.py),
    but one on purpose: precision per record, points against the BAN row reprojected with pyproj,
    the street point on its street's BAN points' line, the commune point inside its commune."""
    from pyproj import Transformer
    from shapely.geometry import Point, shape
    to93 = Transformer.from_crs('EPSG:4326', 'EPSG:2154', always_xy=True)
    ban = {}
    with open(REPO / 'tests' / 'data' / 'ban' / 'adresses-79-extrait.csv', encoding='utf-8', newline='') as f:
        for r in csv.DictReader(f, delimiter=';'):
            ban[r['id']] = (to93.transform(float(r['lon']), float(r['lat'])), r['code_insee'])
    from osgeo import ogr
    ds = ogr.Open(str(fixture_run / 'diagnostic.gpkg'))
    got = {}
    for f in ds.GetLayerByName('actors'):
        if f.GetField('location_method') == 'ban':
            g = f.GetGeometryRef()
            got[f.GetField('actor_id')] = {k: f.GetField(k) for k in (
                'geocode_precision', 'geocode_score', 'ban_id', 'area_id')} | {'x': g.GetX(), 'y': g.GetY()}
    ds = None
    assert set(got) == set(RNA_GEOCODES)
    gj = json.loads(COMMUNES.read_text(encoding='utf-8'))
    for actor, (precision, ban_id, point_of) in RNA_GEOCODES.items():
        a = got[actor]
        assert (a['geocode_precision'], a['ban_id']) == (precision, ban_id), actor
        assert 0 < a['geocode_score'] <= 1
        if point_of:
            (x, y), code = ban[point_of]
            assert (a['x'], a['y']) == pytest.approx((x, y), abs=0.01), actor
            assert a['area_id'] == code and a['geocode_score'] == 1
        elif precision == 'street':
            street = [xy for rid, (xy, _) in ban.items() if rid.startswith(ban_id + '_')]
            assert min(math.dist((a['x'], a['y']), xy) for xy in street) < 1, actor
        else:
            assert a['area_id'] == ban_id
            to_wgs = Transformer.from_crs('EPSG:2154', 'EPSG:4326', always_xy=True)
            polygon = next(shape(f['geometry']) for f in gj['features'] if f['properties']['code'] == ban_id)
            assert polygon.contains(Point(*to_wgs.transform(a['x'], a['y'])))
    problems = {(p['source'], p['feature'], p['kind']) for p in rows(
        fixture_run / 'diagnostic.gpkg', "SELECT source, feature, kind FROM data_quality WHERE kind LIKE 'geocode%'")}
    assert ('rna_waldec', 'ligne 8', 'geocode_commune') in problems
    assert ('rna_waldec', 'ligne 7', 'geocode_street') in problems


def test_rna_preset_without_geocoding_is_an_error_naming_what_to_add(cli, tmp_path):
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[actors]]
path = "{FIXTURES / 'rna_waldec_79.csv'}"
preset = "rna"
''', encoding='utf-8')
    r = check_project(cli, tmp_path / 'p.toml')
    if r.returncode == 0:  # `check` may not read the records: the run must stop
        r = run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', check=False)
    assert r.returncode != 0
    assert 'préréglage « rna »' in r.stderr and '[geocoding]' in r.stderr and 'adresses-XX.csv' in r.stderr


def test_gis_layer_with_address_keys_without_geocoding(cli, tmp_path):
    """Not delimited text: no error without [geocoding]; a feature without geometry is reported,
    its address not geocoded, the actor kept without a point."""
    (tmp_path / 'a.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': {'id': 'A1', 'nom': 'Placée', 'commune': '79191'},
         'geometry': {'type': 'Point', 'coordinates': [-0.46, 46.32]}},
        {'type': 'Feature', 'properties': {'id': 'A2', 'nom': 'Sans point', 'commune': '79191'}, 'geometry': None}]}))
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[actors]]
path = "a.geojson"
id_field = "id"
name_field = "nom"
family = "association"
citycode_field = "commune"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    gpkg = tmp_path / 'out' / 'diagnostic.gpkg'
    assert {r['actor_id']: r['location_method'] for r in rows(gpkg, 'SELECT actor_id, location_method FROM actors')} == \
        {'A1': 'geometry', 'A2': 'none'}
    msgs = rows(gpkg, "SELECT message FROM data_quality WHERE kind = 'missing_coordinates'")
    assert len(msgs) == 1 and 'faute de bloc [geocoding]' in msgs[0]['message']


def test_rna_import_variant(fixture_run):
    actors = rows(fixture_run / 'diagnostic.gpkg',
                  "SELECT actor_id, family, domain FROM actors WHERE source = 'rna_import'")
    assert actors == [{'actor_id': 'W792100001', 'family': 'lecture publique', 'domain': 'livre et lecture'}]


def test_include_dissolved_keeps_them(cli, tmp_path):
    text = (FIXTURES / 'project.toml').read_text(encoding='utf-8')
    text = text.replace('../../../', str(REPO) + '/').replace('path = "', 'path = "' + str(FIXTURES) + '/')
    text = text.replace(f'path = "{FIXTURES}/{REPO}', f'path = "{REPO}')
    text = text.replace('name = "rna_import"', 'name = "rna_import"\ninclude_dissolved = true')
    (tmp_path / 'p.toml').write_text(text, encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    ids = {r['actor_id'] for r in rows(tmp_path / 'out' / 'diagnostic.gpkg',
                                       "SELECT actor_id FROM actors WHERE source = 'rna_import'")}
    assert ids == {'W792100001', 'W792100002'}


# --- privacy -----------------------------------------------------------------------------------

def output_texts(out):
    """Every output file as text: SQLite dump of the GeoPackage (all tables, QGIS styles and project
    included), GeoJSON, GraphML, GEXF, HTML, SVG, the workbook's cells and its XML, the manifest."""
    for path in sorted(Path(out).rglob('*')):
        if not path.is_file():
            continue
        if path.suffix == '.gpkg':
            con = sqlite3.connect(path)
            yield path, '\n'.join(con.iterdump())
            con.close()
        elif path.suffix == '.xlsx':
            import openpyxl
            wb = openpyxl.load_workbook(path)
            cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
            yield path, '\n'.join(cells)
            with zipfile.ZipFile(path) as z:
                yield path, '\n'.join(z.read(n).decode('utf-8', 'replace') for n in z.namelist())
        elif path.suffix in ('.png', '.pdf'):
            yield path, path.read_bytes().decode('latin-1')
        else:
            yield path, path.read_bytes().decode('utf-8', 'replace')


def test_no_personal_data_in_any_output(fixture_run):
    scanned = set()
    for path, text in output_texts(fixture_run):
        scanned.add(path.suffix)
        low = text.lower()
        for column in PERSONAL_COLUMNS:
            assert column not in low, f'{path}: personal column {column}'
        for value in PERSONAL:
            if value == 'Mme':  # a civility: checked as a whole cell in the GeoPackage below
                continue
            assert value.lower() not in low, f'{path}: personal value {value!r}'
    assert {'.gpkg', '.geojson', '.graphml', '.gexf', '.html', '.xlsx', '.json'} <= scanned
    for table in rows(fixture_run / 'diagnostic.gpkg', "SELECT table_name FROM gpkg_contents"):
        for r in rows(fixture_run / 'diagnostic.gpkg', f'SELECT * FROM "{table["table_name"]}"'):
            assert 'Mme' not in [v for v in r.values() if isinstance(v, str)]


def test_personal_column_cannot_be_mapped(cli, tmp_path):
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[actors]]
path = "{FIXTURES / 'rna_waldec_79.csv'}"
preset = "rna"
name_field = "adrg_declarant"
''', encoding='utf-8')
    r = check_project(cli, tmp_path / 'p.toml')
    assert r.returncode != 0 and 'adrg_declarant' in r.stderr and 'données personnelles' in r.stderr


# --- mechanism errors --------------------------------------------------------------------------

def test_unknown_preset_lists_the_presets(cli, tmp_path):
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[places]]
path = "{FIXTURES / 'bpe_79.csv'}"
preset = "basilik"
''', encoding='utf-8')
    r = check_project(cli, tmp_path / 'p.toml')
    assert r.returncode != 0
    assert 'préréglage « basilik » inconnu' in r.stderr and 'basilic' in r.stderr and 'ligne 9' in r.stderr


def test_no_candidate_column_names_file_and_candidates(cli, tmp_path):
    (tmp_path / 'lieux.csv').write_text('Titre;Type équipement ou lieu;Latitude;Longitude\nA;Cinéma;46.3;-0.4\n',
                                        encoding='utf-8')
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[[places]]
path = "lieux.csv"
preset = "basilic"
''', encoding='utf-8')
    r = check_project(cli, tmp_path / 'p.toml')
    assert r.returncode != 0
    assert "lieux.csv" in r.stderr and "'Nom', 'nom'" in r.stderr and 'name_field' in r.stderr


def test_preset_not_for_this_block(cli, tmp_path):
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
preset = "rna"
''', encoding='utf-8')
    r = check_project(cli, tmp_path / 'p.toml')
    assert r.returncode != 0 and 'ne s\'applique pas au bloc [areas]' in r.stderr and '[actors]' in r.stderr


def test_project_crosswalk_maps_onto_the_consultants_grid(cli, tmp_path):
    (tmp_path / 'grille.csv').write_text('# grille du cabinet\ncode;family;domain\n006;Culture;culture\n'
                                         '010;Culture;culture\n', encoding='utf-8')
    (tmp_path / 'p.toml').write_text(f'''
{HEAD}
[geocoding]
path = "{REPO / 'tests' / 'data' / 'ban' / 'adresses-79-extrait.csv'}"
[[actors]]
path = "{FIXTURES / 'rna_waldec_79.csv'}"
preset = "rna"
crosswalk = "grille.csv"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    fam = {r['actor_id']: r['family'] for r in rows(tmp_path / 'out' / 'diagnostic.gpkg', 'SELECT * FROM actors')}
    assert fam == {'W792000001': 'Culture', 'W792000002': 'Culture', 'W792000004': 'Culture',
                   'W792000005': 'non classé (999999)'}


# --- BPE and IRIS ------------------------------------------------------------------------------

def test_bpe_codes_epsg_per_row_and_quality(fixture_run):
    places = {r['place_id']: r for r in rows(fixture_run / 'diagnostic.gpkg',
                                             "SELECT place_id, kind, domain, area_id FROM places WHERE source = 'bpe'")}
    with open(FIXTURES / 'bpe_79.csv', encoding='utf-8', newline='') as f:
        recs = list(csv.DictReader(f, delimiter=';'))
    for line, rec in enumerate(recs, start=2):
        assert places[f'bpe:{line}']['area_id'] == rec['DEPCOM']  # the Lambert II row (EPSG 27572) too
    assert places['bpe:2']['kind'] == 'cinéma' and places['bpe:6']['kind'] == 'musée'
    flagged = rows(fixture_run / 'diagnostic.gpkg',
                   "SELECT feature FROM data_quality WHERE kind = 'poor_location_quality' AND source = 'bpe'")
    assert flagged == [{'feature': 'ligne 4'}]


def test_iris_codes_stay_text_with_leading_zeros(cli, tmp_path):
    iris = FIXTURES / 'iris_01.geojson'
    (tmp_path / 'p.toml').write_text(f'''
[territory]
path = "{iris}"
[areas]
path = "{iris}"
preset = "iris"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    areas = rows(tmp_path / 'out' / 'diagnostic.gpkg', 'SELECT area_id, name FROM areas ORDER BY area_id')
    raw = json.loads(iris.read_text(encoding='utf-8'))['features']
    assert [a['area_id'] for a in areas] == sorted(str(f['properties']['CODE_IRIS']).zfill(9) for f in raw)
    assert areas[0]['area_id'].startswith('0')


# --- real ministry files -----------------------------------------------------------------------

def real(path):
    p = REALDATA / path
    if not p.is_file():
        pytest.skip(f'{p} absent')
    return p


def test_real_museums_of_deux_sevres_land_in_their_communes(cli, tmp_path):
    museums = real('culture-musees/liste-et-localisation-des-musees-de-france.csv')
    communes = real('france-geojson/communes-79-deux-sevres.geojson')
    (tmp_path / 'p.toml').write_text(f'''
[territory]
path = "{communes}"
[areas]
path = "{communes}"
id_field = "code"
[[places]]
path = "{museums}"
preset = "musees"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    got = {r['place_id']: r for r in rows(tmp_path / 'out' / 'diagnostic.gpkg', 'SELECT * FROM places')}
    expected = {}
    with open(museums, encoding='utf-8-sig', newline='') as f:
        for rec in csv.DictReader(f, delimiter=';'):
            if rec['latitude'] and rec['longitude']:
                code = commune_of(float(rec['longitude']), float(rec['latitude']), communes)
                if code:
                    expected[rec['identifiant_museofile']] = code
    assert expected and {k: v['area_id'] for k, v in got.items()} == expected
    assert {v['kind'] for v in got.values()} == {'musée'} and {v['domain'] for v in got.values()} == {'patrimoine'}


def test_real_festivals_double_bom_and_latlon(cli, tmp_path):
    festivals = real('culture-festivals/festivals-global-festivals-_-pl.csv')
    communes = real('france-geojson/communes-79-deux-sevres.geojson')
    assert festivals.read_bytes().startswith(b'\xef\xbb\xbf\xef\xbb\xbf')
    (tmp_path / 'p.toml').write_text(f'''
[territory]
path = "{communes}"
[areas]
path = "{communes}"
id_field = "code"
[[places]]
path = "{festivals}"
preset = "festivals"
''', encoding='utf-8')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    got = rows(tmp_path / 'out' / 'diagnostic.gpkg', 'SELECT place_id, area_id, domain FROM places')
    text = festivals.read_bytes().decode('utf-8').lstrip('\ufeff')
    expected = {}
    for rec in csv.DictReader(io.StringIO(text), delimiter=';'):
        xy = rec['Géocodage xy'].replace(' ', '')
        if ',' in xy:
            lat, lon = (float(v) for v in xy.split(',')[:2])
            code = commune_of(lon, lat, communes)
            if code and rec['Identifiant']:
                expected.setdefault(rec['Identifiant'], code)
    assert expected and {r['place_id']: r['area_id'] for r in got} == expected
    assert all(r['domain'] for r in got)  # Discipline dominante


def test_real_libraries_preset(cli, tmp_path):
    libraries = real('culture-bibliotheques/adresses_des_bibliotheques_publiques_prepared.csv')
    communes = real('france-geojson/communes-79-deux-sevres.geojson')
    (tmp_path / 'p.toml').write_text(f'''
[territory]
path = "{communes}"
[areas]
path = "{communes}"
id_field = "code"
[[places]]
path = "{libraries}"
preset = "bibliotheques"
''', encoding='utf-8')
    r = run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    assert 'places[1] (adresses_des_bibliotheques_publiques_prepared) : 15 702 lues, 140 retenues' in r.stdout


# --- overseas legal CRS ------------------------------------------------------------------------

@pytest.mark.parametrize('name, code, lon, lat, epsg', [
    ('guadeloupe', '97105', -61.55, 16.25, 5490), ('martinique', '97209', -61.07, 14.60, 5490),
    ('guyane', '97302', -52.33, 4.93, 2972), ('reunion', '97411', 55.45, -20.90, 2975),
    ('mayotte', '97611', 45.20, -12.80, 4471), ('niort', '79191', -0.46, 46.32, 2154)])
@pytest.mark.parametrize('with_code', [True, False])
def test_working_crs_is_the_legal_one(cli, tmp_path, name, code, lon, lat, epsg, with_code):
    from pyproj import CRS
    props = {'code': code, 'nom': name} if with_code else {'nom': name}
    ring = [[lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.02], [lon, lat + 0.02], [lon, lat]]
    (tmp_path / 't.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': props, 'geometry': {'type': 'Polygon', 'coordinates': [ring]}}]}))
    (tmp_path / 'p.toml').write_text('[territory]\npath = "t.geojson"\n[areas]\npath = "t.geojson"\nid_field = "nom"\n')
    r = run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    manifest = json.loads((tmp_path / 'out' / 'manifest.json').read_text(encoding='utf-8'))
    assert manifest['working_crs'] == f'EPSG:{epsg}'
    assert ('code INSEE' if with_code else 'position') in manifest['working_crs_reason']
    assert manifest['working_crs_reason'] in r.stdout
    srs = rows(tmp_path / 'out' / 'diagnostic.gpkg',
               "SELECT s.definition FROM gpkg_spatial_ref_sys s JOIN gpkg_geometry_columns g USING (srs_id) "
               "WHERE g.table_name = 'areas'")[0]['definition']
    assert CRS.from_wkt(srs).to_epsg() == epsg
    # The legal CRS of the territory is the one pyproj lists for this point (independent check).
    assert CRS.from_epsg(epsg).area_of_use.west <= lon <= CRS.from_epsg(epsg).area_of_use.east


def test_explicit_crs_wins(cli, tmp_path):
    ring = [[55.45, -20.9], [55.47, -20.9], [55.47, -20.88], [55.45, -20.88], [55.45, -20.9]]
    (tmp_path / 't.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': [
        {'type': 'Feature', 'properties': {'code': '97411'}, 'geometry': {'type': 'Polygon', 'coordinates': [ring]}}]}))
    (tmp_path / 'p.toml').write_text('[project]\ncrs = "EPSG:32740"\n[territory]\npath = "t.geojson"\n'
                                     '[areas]\npath = "t.geojson"\nid_field = "code"\n')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    manifest = json.loads((tmp_path / 'out' / 'manifest.json').read_text(encoding='utf-8'))
    assert manifest['working_crs'] == 'EPSG:32740' and 'indiqué' in manifest['working_crs_reason']


def test_legal_crs_by_location_of_the_filtered_territory(cli, tmp_path):
    """A file holding metropolitan and overseas features, no code column: the `where` decides."""
    def feature(nom, lon, lat):
        ring = [[lon, lat], [lon + 0.02, lat], [lon + 0.02, lat + 0.02], [lon, lat + 0.02], [lon, lat]]
        return {'type': 'Feature', 'properties': {'nom': nom}, 'geometry': {'type': 'Polygon', 'coordinates': [ring]}}
    (tmp_path / 't.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': [
        feature('niort', -0.46, 46.32), feature('saint-denis', 55.45, -20.90)]}))
    (tmp_path / 'p.toml').write_text('[territory]\npath = "t.geojson"\nwhere = "nom = \'saint-denis\'"\n'
                                     '[areas]\npath = "t.geojson"\nwhere = "nom = \'saint-denis\'"\nid_field = "nom"\n')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    manifest = json.loads((tmp_path / 'out' / 'manifest.json').read_text(encoding='utf-8'))
    assert manifest['working_crs'] == 'EPSG:2975' and 'position' in manifest['working_crs_reason']


def test_filosofi_cells_as_areas(cli, tmp_path):
    """Cells in EPSG:3035 whose id encodes their south-west corner; population from Ind."""
    from pyproj import Transformer
    to3035 = Transformer.from_crs('EPSG:4326', 'EPSG:3035', always_xy=True)
    x0, y0 = to3035.transform(-0.46, 46.32)
    x0, y0 = int(x0 // 200 * 200), int(y0 // 200 * 200)
    features = []
    for i, ind in enumerate((12.5, 240.0)):
        x = x0 + 200 * i
        ring = [[x, y0], [x + 200, y0], [x + 200, y0 + 200], [x, y0 + 200], [x, y0]]
        features.append({'type': 'Feature', 'properties': {'Idcar_200m': f'CRS3035RES200mN{y0}E{x}', 'Ind': ind},
                         'geometry': {'type': 'Polygon', 'coordinates': [ring]}})
    (tmp_path / 'c.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'crs': {
        'type': 'name', 'properties': {'name': 'urn:ogc:def:crs:EPSG::3035'}}, 'features': features}))
    (tmp_path / 'p.toml').write_text('[territory]\npath = "c.geojson"\n[areas]\npath = "c.geojson"\npreset = "filosofi"\n')
    run(cli, tmp_path / 'p.toml', tmp_path / 'out', '--no-maps', '--no-sheets', '--no-xlsx')
    areas = rows(tmp_path / 'out' / 'diagnostic.gpkg', 'SELECT area_id, population, area_km2 FROM areas ORDER BY area_id')
    assert [(a['area_id'], a['population']) for a in areas] == sorted(
        (f['properties']['Idcar_200m'], f['properties']['Ind']) for f in features)
    assert all(abs(a['area_km2'] - 0.04) < 0.001 for a in areas)
