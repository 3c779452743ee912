"""Issue 3, "Done when" (docs/presets.md): a project pointing at Basilic, RNA (both formats) and BAN
files with `preset` lines only, plus a consultant's inventory, gives a diagnostic where associations
are placed on the map with a stated precision, duplicates across sources are merged with their
provenance, and no personal field appears in any output.

Fixtures: tests/data/issue3 (project.toml, inventaire.csv and its make_fixtures.py), which reuses
../presets and ../ban. Everything is read back through OGR and checked against independent
computations: BAN points reprojected with pyproj, commune polygons and their point on surface with
OGR, distances with pyproj. The privacy scan is the one of tests/presets (every output file).

Environment: TERRITOIRE_BIN (the CLI), TERRITOIRE_DATA_DIR (the source tree's data/).
"""
import csv
import importlib.util
import math
import os
import subprocess
from pathlib import Path

import pytest
from osgeo import ogr, osr
from pyproj import Transformer

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / 'tests' / 'data'
PROJECT = DATA / 'issue3' / 'project.toml'
COMMUNES = REPO / 'data' / 'sample' / 'deux-sevres' / 'communes-79-deux-sevres.geojson'
TO_L93 = Transformer.from_crs('EPSG:4326', 'EPSG:2154', always_xy=True)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The privacy scan of tests/presets and the personal values planted in the fixtures.
presets_tests = load('presets_privacy_scan', REPO / 'tests' / 'presets' / 'test_presets.py')
issue3_fixtures = load('issue3_fixtures', DATA / 'issue3' / 'make_fixtures.py')


@pytest.fixture(scope='module')
def out(tmp_path_factory):
    binary = os.environ.get('TERRITOIRE_BIN')
    if not binary:
        pytest.skip('TERRITOIRE_BIN is not set')
    text = PROJECT.read_text(encoding='utf-8')
    # "preset lines only" for the national files: no column of theirs is named in the project.
    for block in text.split('[[')[1:]:
        if 'preset = ' in block:
            keys = {line.split('=')[0].strip() for line in block.splitlines()[1:] if '=' in line and not line.startswith('#')}
            assert keys == {'name', 'path', 'preset'}, keys
    out = tmp_path_factory.mktemp('issue3-out')
    env = dict(os.environ)
    env.setdefault('TERRITOIRE_DATA_DIR', str(REPO / 'data'))
    subprocess.run([binary, 'run', str(PROJECT), '-o', str(out)], check=True, capture_output=True, text=True, env=env)
    return out


def layer(out, name):
    ds = ogr.Open(str(out / 'diagnostic.gpkg'))
    lyr = ds.GetLayerByName(name)
    assert lyr is not None, name
    rows = []
    for f in lyr:
        r = {lyr.GetLayerDefn().GetFieldDefn(i).GetName(): f.GetField(i) for i in range(f.GetFieldCount())}
        g = f.GetGeometryRef()
        r['xy'] = (g.GetX(), g.GetY()) if g is not None and not g.IsEmpty() else None
        rows.append(r)
    return rows


def ban_point(ban_id):
    with open(DATA / 'ban' / 'adresses-79-extrait.csv', encoding='utf-8', newline='') as f:
        for r in csv.DictReader(f, delimiter=';'):
            if r['id'] == ban_id:
                return TO_L93.transform(float(r['lon']), float(r['lat']))
    raise KeyError(ban_id)


def commune_polygon_l93(code):
    ds = ogr.Open(str(COMMUNES))
    lyr = ds.GetLayer(0)
    lyr.SetAttributeFilter(f"code = '{code}'")
    feature = lyr.GetNextFeature()
    g = feature.GetGeometryRef().Clone()
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(4326)
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    dst.ImportFromEPSG(2154)
    dst.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    g.Transform(osr.CoordinateTransformation(src, dst))
    return g


def test_associations_are_on_the_map_with_a_stated_precision(out):
    actors = {a['actor_id']: a for a in layer(out, 'actors')}
    # Every association of the RNA that stays an actor of its own has a point, a precision and a score.
    rna = {k: a for k, a in actors.items() if a['source'].startswith('rna')}
    assert set(rna) == {'W792000005', 'W792100001'}
    for a in rna.values():
        assert a['xy'] is not None and a['location_method'] == 'ban'
        assert a['geocode_precision'] in ('housenumber', 'street', 'commune') and 0 < a['geocode_score'] <= 1
    # rna_import: "Mairie / 1 place de l'Hôtel de Ville", postcode 79000 shared by Niort and Bessines
    # (the city name chooses): the street is found, the number after the complement is not read.
    a = rna['W792100001']
    assert (a['geocode_precision'], a['ban_id'], a['area_id']) == ('street', '79191_1800', '79191')
    assert min(math.dist(a['xy'], ban_point(f'79191_1800_0000{n}')) for n in range(1, 5)) < 0.01
    # "RTE Nationale" is not in Thouars's BAN streets: placed at the commune, flagged, never spread.
    a = rna['W792000005']
    assert (a['geocode_precision'], a['ban_id'], a['area_id']) == ('commune', '79329', '79329')
    thouars = commune_polygon_l93('79329')
    p = thouars.PointOnSurface()
    assert a['xy'] == pytest.approx((p.GetX(), p.GetY()), abs=1.0)
    quality = {(q['kind'], q['feature']) for q in layer(out, 'data_quality') if q['source'] == 'rna_waldec'}
    assert ('geocode_commune', 'ligne 8') in quality


def test_duplicates_are_merged_with_their_provenance(out):
    actors = {a['actor_id']: a for a in layer(out, 'actors')}
    sources = {}
    for r in layer(out, 'actor_sources'):
        sources.setdefault(r['actor_id'], []).append(r)
    merged = {k: [(r['record_id'], r['source'], r['rule']) for r in v] for k, v in sources.items()}
    assert merged == {
        'INV-01': [('INV-01', 'inventaire', 'kept'), ('W792000001', 'rna_waldec', 'id:siret')],
        'INV-02': [('INV-02', 'inventaire', 'kept'), ('W792000002', 'rna_waldec', 'name_distance')],
        'INV-03': [('INV-03', 'inventaire', 'kept'), ('W792000004', 'rna_waldec', 'id:rna')],
    }
    for rid in ('W792000001', 'W792000002', 'W792000004'):
        assert rid not in actors  # merged away
    by_record = {r['record_id']: r for v in sources.values() for r in v}
    # Each RNA record keeps its own geocoding in the provenance table.
    assert (by_record['W792000001']['geocode_precision'], by_record['W792000002']['geocode_precision'],
            by_record['W792000004']['geocode_precision']) == ('housenumber', 'housenumber', 'street')
    assert by_record['INV-01']['geocode_precision'] is None and by_record['INV-01']['location_method'] == 'coordinates'
    # INV-02 / W792000002: the inventory point and the BAN point of "3 B AV de Paris" (3 bis), by pyproj.
    with open(DATA / 'issue3' / 'inventaire.csv', encoding='utf-8', newline='') as f:
        inv = {r['id']: r for r in csv.DictReader(f, delimiter=';')}
    x, y = TO_L93.transform(float(inv['INV-02']['longitude']), float(inv['INV-02']['latitude']))
    bx, by = ban_point('79202_0100_00003_bis')
    assert by_record['W792000002']['distance_m'] == pytest.approx(math.hypot(x - bx, y - by), abs=0.01)
    assert by_record['W792000002']['distance_m'] < 150
    # The merged actor keeps the inventory record and its point, in Parthenay.
    assert actors['INV-02']['area_id'] == '79202'


def name_words(name):
    """The words a name is compared on (docs/matching.md §4), written again here: accents folded,
    lower case, split on anything not a letter or digit, articles and legal forms dropped."""
    import re
    import unicodedata
    folded = unicodedata.normalize('NFKD', name).encode('ascii', 'ignore').decode().lower()
    stop = {'le', 'la', 'les', 'l', 'de', 'du', 'des', 'd', 'et', 'en', 'a', 'au', 'aux', 'association'}
    return {w for w in re.split(r'[^a-z0-9]+', folded) if len(w) >= 2 and w not in stop}


def test_a_commune_precision_association_is_listed_not_merged(out):
    """INV-04 has the same name as W792000005 and stands within distance_m (150 m) of the commune
    point where W792000005 is placed: that point says nothing of where the association is, so no
    automatic merge, but the pair is listed for the consultant (rule name_commune, docs/matching.md §9)."""
    actors = {a['actor_id']: a for a in layer(out, 'actors')}
    a, b = actors['INV-04'], actors['W792000005']
    assert a['area_id'] == b['area_id'] == '79329'
    assert math.dist(a['xy'], b['xy']) < 150
    rows = [c for c in layer(out, 'match_candidates') if {c['id_a'], c['id_b']} == {'INV-04', 'W792000005'}]
    assert len(rows) == 1
    c = rows[0]
    assert c['rule'] == 'name_commune'
    assert c['reason'] == 'fiche placée à sa commune seulement : à vérifier'
    assert c['suggested'] == 'same' and not c['decision']
    # Same words once folded: {code, inconnu} on both sides → score 1 (Jaccard 1, overlap 1).
    wa, wb = name_words(a['name']), name_words(b['name'])
    assert wa == wb == {'code', 'inconnu'}
    assert c['score'] == pytest.approx(1.0)
    assert c['distance_m'] == pytest.approx(math.dist(a['xy'], b['xy']), abs=0.01)
    ambiguous = [q for q in layer(out, 'data_quality') if q['kind'] == 'match_ambiguous']
    assert any('INV-04' in q['message'] and 'W792000005' in q['message'] for q in ambiguous)


def test_an_override_same_merges_the_commune_precision_pair(tmp_path):
    """The consultant answers `same` in the override file: the next run merges W792000005 into
    INV-04, whose own precise point is kept."""
    binary = os.environ.get('TERRITOIRE_BIN')
    if not binary:
        pytest.skip('TERRITOIRE_BIN is not set')
    lines = []
    for line in PROJECT.read_text(encoding='utf-8').splitlines():
        if line.startswith('path = "'):
            rel = line[len('path = "'):-1]
            line = 'path = "' + (PROJECT.parent / rel).resolve().as_posix() + '"'
        lines.append(line)
    lines += ['', '[matching]', 'overrides = "doublons.csv"', '']
    (tmp_path / 'project.toml').write_text('\n'.join(lines), encoding='utf-8')
    (tmp_path / 'doublons.csv').write_text('id_a;id_b;decision\nINV-04;W792000005;same\n', encoding='utf-8')
    env = dict(os.environ)
    env.setdefault('TERRITOIRE_DATA_DIR', str(REPO / 'data'))
    subprocess.run([binary, 'run', str(tmp_path / 'project.toml'), '-o', str(tmp_path / 'out'),
                    '--no-maps', '--no-sheets', '--no-xlsx'], check=True, capture_output=True, text=True, env=env)
    out = tmp_path / 'out'
    actors = {a['actor_id']: a for a in layer(out, 'actors')}
    assert 'W792000005' not in actors
    merged = sorted((r['record_id'], r['source'], r['rule']) for r in layer(out, 'actor_sources')
                    if r['actor_id'] == 'INV-04')
    assert merged == [('INV-04', 'inventaire', 'kept'), ('W792000005', 'rna_waldec', 'override')]
    # The inventory's point (coordinates, not the commune's) is kept: pyproj from the CSV.
    with open(DATA / 'issue3' / 'inventaire.csv', encoding='utf-8', newline='') as f:
        inv = {r['id']: r for r in csv.DictReader(f, delimiter=';')}
    x, y = TO_L93.transform(float(inv['INV-04']['longitude']), float(inv['INV-04']['latitude']))
    assert actors['INV-04']['xy'] == pytest.approx((x, y), abs=0.01)
    assert actors['INV-04']['location_method'] == 'coordinates'
    rows = [c for c in layer(out, 'match_candidates') if {c['id_a'], c['id_b']} == {'INV-04', 'W792000005'}]
    assert len(rows) == 1 and rows[0]['decision'] == 'same'


def test_basilic_places_are_located(out):
    places = layer(out, 'places')
    assert sorted(p['place_id'] for p in places) == ['BAS-0001', 'BAS-0002', 'BAS-0003', 'BAS-0004']


def test_no_personal_field_anywhere(out):
    scanned = set()
    planted = presets_tests.PERSONAL + issue3_fixtures.PERSONAL
    for path, text in presets_tests.output_texts(out):
        scanned.add(path.suffix)
        low = text.lower()
        for column in presets_tests.PERSONAL_COLUMNS + ['courriel']:
            assert column not in low, f'{path}: personal column {column}'
        for value in planted:
            if value == 'Mme':
                continue
            assert value.lower() not in low, f'{path}: personal value {value!r}'
    assert {'.gpkg', '.geojson', '.graphml', '.gexf', '.html', '.xlsx', '.json'} <= scanned
