"""The workbook on a tiny generated project run with the CLI: INSEE-like codes with leading zeros
stay text, a missing population and an unlocated actor give empty cells, a text over Excel's limit
is cut and reported in the Sommaire; --no-xlsx writes no workbook; a file that cannot be written
is an error naming it, with no temporary file left behind.

Environment: TERRITOIRE_BIN (the CLI).
"""
import json
import os
import subprocess

import openpyxl
import pytest

LONG_NAME = 'Compagnie ' + 'é' * 40000


@pytest.fixture(scope='module')
def cli():
    binary = os.environ.get('TERRITOIRE_BIN')
    if not binary:
        pytest.skip('TERRITOIRE_BIN is not set')
    return binary


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    """Two communes "01004" (2 500 inhabitants) and "01005" (population unknown) near Niort,
    three actors (one without coordinates, one with a 40 010-character name), two links."""
    d = tmp_path_factory.mktemp('tiny')
    features = []
    for code, x0, population in (('01004', -0.50, 2500), ('01005', -0.45, None)):
        ring = [[x0, 46.30], [x0 + 0.05, 46.30], [x0 + 0.05, 46.35], [x0, 46.35], [x0, 46.30]]
        features.append({'type': 'Feature', 'properties': {'insee': code, 'nom': 'Commune ' + code, 'pop': population},
                         'geometry': {'type': 'Polygon', 'coordinates': [ring]}})
    (d / 'communes.geojson').write_text(json.dumps({'type': 'FeatureCollection', 'features': features}),
                                        encoding='utf-8')
    (d / 'acteurs.csv').write_text(
        'id;nom;famille;lon;lat\n'
        f'a1;{LONG_NAME};théâtre;-0.48;46.32\n'
        'a2;Médiathèque;lecture publique;-0.43;46.33\n'
        'a3;Sans adresse;théâtre;;\n', encoding='utf-8')
    (d / 'liens.csv').write_text('a;b\na1;a2\na2;a3\n', encoding='utf-8')
    (d / 'project.toml').write_text(
        '[project]\nname = "Essai"\n'
        '[territory]\npath = "communes.geojson"\n'
        '[areas]\npath = "communes.geojson"\nid_field = "insee"\nname_field = "nom"\npopulation_field = "pop"\n'
        '[[actors]]\npath = "acteurs.csv"\nid_field = "id"\nname_field = "nom"\nfamily_field = "famille"\n'
        'x_field = "lon"\ny_field = "lat"\n'
        '[links]\npath = "liens.csv"\nsource_field = "a"\ntarget_field = "b"\n', encoding='utf-8')
    return d / 'project.toml'


def run(cli, project, out, *flags):
    return subprocess.run([cli, 'run', str(project), '-o', str(out), '-q', '--no-maps', '--no-sheets', *flags],
                          capture_output=True, text=True)


@pytest.fixture(scope='module')
def book(cli, project, tmp_path_factory):
    out = tmp_path_factory.mktemp('out')
    result = run(cli, project, out)
    assert result.returncode == 0, result.stderr
    return openpyxl.load_workbook(out / 'diagnostic.xlsx')


def rows_by_header(ws):
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_codes_stay_text_with_their_leading_zeros(book):
    zones = rows_by_header(book['Zones'])
    assert [z['Identifiant'] for z in zones] == ['01004', '01005']
    actors = {a['Identifiant']: a for a in rows_by_header(book['Acteurs'])}
    assert actors['a2']['Zone'] == '01005'
    cell = book['Zones']['A2']
    assert cell.data_type == 's' and cell.number_format == '@'


def test_missing_values_are_empty_cells(book):
    zones = {z['Identifiant']: z for z in rows_by_header(book['Zones'])}
    assert zones['01004']['Population'] == 2500
    assert zones['01005']['Population'] is None
    assert zones['01005']['Acteurs pour 10 000 hab.'] is None
    assert zones['01004']['Acteurs pour 10 000 hab.'] == pytest.approx(1 * 10000 / 2500)
    unlocated = {a['Identifiant']: a for a in rows_by_header(book['Acteurs'])}['a3']
    assert unlocated['Zone'] is None
    assert unlocated['Longitude (WGS 84)'] is None and unlocated['Latitude (WGS 84)'] is None


def test_booleans_are_true_booleans(book):
    links = rows_by_header(book['Liens de coopération'])
    crossing = {(l['Acteur 1'], l['Acteur 2']): l['Relie deux zones'] for l in links}
    assert crossing[('a1', 'a2')] is True       # 01004 → 01005
    assert crossing[('a2', 'a3')] is None       # a3 has no zone: unknown, not False


def test_a_text_over_excels_limit_is_cut_and_reported(book):
    name = {a['Identifiant']: a for a in rows_by_header(book['Acteurs'])}['a1']['Nom']
    assert len(name) == 32767 and name.endswith(' […]') and LONG_NAME.startswith(name[:-4])
    notes = [r[0] for r in book['Sommaire'].iter_rows(values_only=True) if r[0]]
    assert any('limite d\'Excel' in n and n[0].isdigit() for n in notes), notes


def test_no_xlsx_writes_no_workbook(cli, project, tmp_path):
    result = run(cli, project, tmp_path, '--no-xlsx')
    assert result.returncode == 0, result.stderr
    assert (tmp_path / 'diagnostic.gpkg').is_file()
    assert not (tmp_path / 'diagnostic.xlsx').exists()


def test_an_unwritable_workbook_is_an_error_naming_it(cli, project, tmp_path):
    (tmp_path / 'diagnostic.xlsx').mkdir()  # a folder where the file should go
    result = run(cli, project, tmp_path)
    assert result.returncode != 0
    assert str(tmp_path / 'diagnostic.xlsx') in result.stderr, result.stderr
    assert not [p.name for p in tmp_path.iterdir() if '.tmp-' in p.name]
