"""The consultant's workbook DIR/diagnostic.xlsx of a sample run (docs/workbook.md), reopened with
openpyxl and compared with the GeoPackage of the same run read with OGR and SQLite — never with the
project's code.

Environment: TERRITOIRE_OUT (the run's output folder); for the determinism check also
TERRITOIRE_BIN (the CLI) and TERRITOIRE_PROJECT (the project file of that run).
"""
import datetime
import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'python'))
from territoire_outputs import KEY_FIELD, Output, read_layer  # noqa: E402

SUMMARY = 'Sommaire'
SUMMARY_HEADERS = ['Feuille', 'Contenu', 'Description', 'Lignes', 'Couche de diagnostic.gpkg', 'Géométrie']
LON_LAT = ['Longitude (WGS 84)', 'Latitude (WGS 84)']
CENTRALITIES = {'betweenness', 'betweenness_w', 'closeness', 'harmonic', 'pagerank', 'eigenvector', 'clustering'}


@pytest.fixture(scope='module')
def out():
    d = os.environ.get('TERRITOIRE_OUT')
    if not d:
        pytest.skip('TERRITOIRE_OUT is not set: point it at a `territoire run` output folder')
    o = Output(d)
    assert (o.dir / 'diagnostic.xlsx').is_file(), 'the run wrote no diagnostic.xlsx'
    return o


@pytest.fixture(scope='module')
def book(out):
    return openpyxl.load_workbook(out.dir / 'diagnostic.xlsx')


@pytest.fixture(scope='module')
def manifest(out):
    return json.loads(out.manifest_path.read_text(encoding='utf-8'))


@pytest.fixture(scope='module')
def gpkg_meta(out):
    """Titles and descriptions of the layers (gpkg_contents) and the French column titles
    (gpkg_data_columns), read with SQLite."""
    con = sqlite3.connect(f'file:{out.gpkg}?mode=ro', uri=True)
    try:
        contents = {t: (i, d) for t, i, d in con.execute('SELECT table_name, identifier, description FROM gpkg_contents')}
        aliases = {(t, c): title for t, c, title in
                   con.execute('SELECT table_name, column_name, title FROM gpkg_data_columns')}
    finally:
        con.close()
    return contents, aliases


@pytest.fixture(scope='module')
def summary(book):
    """The rows of the Sommaire's table (up to the first empty row), as dicts by header."""
    ws = book[SUMMARY]
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]][:len(SUMMARY_HEADERS)] == SUMMARY_HEADERS
    out = []
    for row in rows[1:]:
        if row[0].value is None:
            break
        out.append({h: c for h, c in zip(SUMMARY_HEADERS, row)})
    return out


@pytest.fixture(scope='module')
def sheet_of(summary):
    """GeoPackage layer name -> sheet name."""
    return {r['Couche de diagnostic.gpkg'].value: r['Feuille'].value for r in summary}


def data_rows(ws):
    """Number of data rows, from the autofilter range 'A1:<col><last row>'."""
    ref = ws.auto_filter.ref
    assert ref and ref.startswith('A1:'), f'{ws.title}: no autofilter from A1 ({ref!r})'
    return int(''.join(ch for ch in ref.split(':')[1] if ch.isdigit())) - 1


def test_first_sheet_is_the_summary_then_one_sheet_per_table(book, manifest, summary, sheet_of):
    layers = manifest['layers']
    assert book.sheetnames[0] == SUMMARY
    assert len(book.sheetnames) == 1 + len(layers)
    assert sorted(sheet_of) == sorted(layers), 'the Sommaire must list every table of the diagnostic'
    assert [r['Feuille'].value for r in summary] == book.sheetnames[1:], 'Sommaire rows in sheet order'


def test_sheet_names_are_valid_for_excel(book):
    folded = [n.casefold() for n in book.sheetnames]
    assert len(set(folded)) == len(folded), 'sheet names must differ case-insensitively'
    for name in book.sheetnames:
        assert 0 < len(name) <= 31, name
        assert not set(name) & set('[]:*?/\\'), name
        assert not name.startswith("'") and not name.endswith("'"), name


def test_summary_gives_title_description_row_count_and_link(book, out, manifest, summary, gpkg_meta):
    contents, _ = gpkg_meta
    from osgeo import ogr
    ds = ogr.Open(str(out.gpkg))
    for r in summary:
        layer = r['Couche de diagnostic.gpkg'].value
        title, description = contents[layer]
        assert r['Contenu'].value == title
        assert r['Description'].value == description
        n = ds.GetLayerByName(layer).GetFeatureCount()
        assert r['Lignes'].value == n == manifest['layers'][layer], layer
        assert r['Lignes'].data_type == 'n'
        link = r['Feuille'].hyperlink
        sheet = r['Feuille'].value
        assert link is not None and link.location == "'" + sheet.replace("'", "''") + "'!A1", sheet
        # The sheet is named after the French title: the title itself when Excel accepts it as is.
        others = [contents[o['Couche de diagnostic.gpkg'].value][0].casefold() for o in summary if o is not r]
        if len(title) <= 31 and not set(title) & set('[]:*?/\\') and title.casefold() not in others + ['sommaire']:
            assert sheet == title
    ds = None


def test_headers_are_the_french_aliases(book, out, sheet_of, gpkg_meta):
    _, aliases = gpkg_meta
    for layer, sheet in sheet_of.items():
        lyr = read_layer(out.gpkg, layer)
        expected = [aliases.get((layer, f), f) for f in lyr.fields]
        if lyr.geom_type == 'Point':
            expected += LON_LAT
        header = [c.value for c in next(book[sheet].iter_rows(max_row=1))]
        assert header == expected, sheet


def test_header_row_is_frozen_and_filtered(book, sheet_of, manifest):
    for ws in book.worksheets:
        assert ws.freeze_panes == 'A2', ws.title
        assert ws.auto_filter.ref, ws.title
    for layer, sheet in sheet_of.items():
        ws = book[sheet]
        assert data_rows(ws) == manifest['layers'][layer], sheet
        assert ws.max_row <= manifest['layers'][layer] + 1, f'{sheet}: rows beyond the table'
        last = ws.auto_filter.ref.split(':')[1].rstrip('0123456789')
        assert last == get_column_letter(len(next(ws.iter_rows(max_row=1)))), sheet


def expected_format(name, ogr_type, subtype):
    """Number formats documented in docs/workbook.md."""
    if ogr_type == 'String':
        return '@'
    if subtype == 'Boolean':
        return None
    if ogr_type in ('Integer', 'Integer64'):
        return '#,##0' if name.startswith('n_') else '0'
    if name.endswith('_pct') or 'per_10k' in name:
        return '0.0'
    if name in CENTRALITIES:
        return '0.0000'
    return None  # other reals: checked only to be numbers


def test_cells_are_typed_and_equal_the_geopackage(book, out, sheet_of):
    for layer, sheet in sheet_of.items():
        lyr = read_layer(out.gpkg, layer)
        ws = book[sheet]
        cells = list(ws.iter_rows(min_row=2, max_row=len(lyr.rows) + 1, max_col=len(lyr.fields)))
        assert len(cells) == len(lyr.rows), sheet
        for row, excel_row in zip(lyr.rows, cells):
            for (name, ogr_type), cell in zip(lyr.fields.items(), excel_row):
                where = f'{sheet}!{cell.coordinate} ({layer}.{name})'
                value, subtype = row[name], lyr.subtypes[name]
                if value is None or value == '':
                    # NULL, and an empty text (which a cell cannot hold), give an empty cell
                    assert cell.value is None, f'{where}: NULL must be an empty cell, not {cell.value!r}'
                    continue
                if ogr_type == 'String':
                    # codes such as INSEE "01004" or IRIS "674820101" stay text, digits and all
                    assert cell.data_type == 's' and cell.value == value, where
                elif subtype == 'Boolean':
                    assert cell.data_type == 'b' and cell.value is bool(value), where
                elif ogr_type in ('Integer', 'Integer64'):
                    assert cell.data_type == 'n' and cell.value == value, where
                else:
                    assert cell.data_type == 'n' and not isinstance(cell.value, bool), where
                    assert math.isclose(cell.value, value, rel_tol=1e-14, abs_tol=1e-300), where
                fmt = expected_format(name, ogr_type, subtype)
                if fmt is not None:
                    assert cell.number_format == fmt, f'{where}: format {cell.number_format!r}, expected {fmt!r}'


def test_point_layers_carry_the_longitude_and_latitude_of_the_geojson(book, out, sheet_of):
    for layer in ('actors', 'places'):
        path = out.geojson_dir / f'{layer}.geojson'
        if not path.is_file():
            pytest.skip('run without GeoJSON')
        features = out.geojson(layer)['features']
        ws = book[sheet_of[layer]]
        ncols = len(next(ws.iter_rows(max_row=1)))
        key_col = list(read_layer(out.gpkg, layer).fields).index(KEY_FIELD[layer])
        rows = list(ws.iter_rows(min_row=2, max_row=len(features) + 1, values_only=True))
        assert len(rows) == len(features)
        for f, row in zip(features, rows):
            assert row[key_col] == f['properties'][KEY_FIELD[layer]]
            lon, lat = row[ncols - 2], row[ncols - 1]
            if f['geometry'] is None:
                assert lon is None and lat is None
            else:
                glon, glat = f['geometry']['coordinates']
                assert abs(lon - glon) < 1e-6 and abs(lat - glat) < 1e-6, (layer, row[key_col])
                assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_document_properties(book, manifest):
    p = book.properties
    assert p.creator == 'libterritoire' and p.lastModifiedBy == 'libterritoire'
    assert p.title == manifest['project']['name']
    assert p.created == datetime.datetime(2000, 1, 1) and p.modified == datetime.datetime(2000, 1, 1)


def test_a_second_run_gives_the_same_bytes(out, tmp_path):
    binary, project = os.environ.get('TERRITOIRE_BIN'), os.environ.get('TERRITOIRE_PROJECT')
    if not binary or not project:
        pytest.skip('TERRITOIRE_BIN and TERRITOIRE_PROJECT are needed to run again')
    subprocess.run([binary, 'run', project, '-o', str(tmp_path), '-q', '--no-geojson', '--no-maps', '--no-sheets'],
                   check=True, capture_output=True)
    assert (tmp_path / 'diagnostic.xlsx').read_bytes() == (out.dir / 'diagnostic.xlsx').read_bytes()
