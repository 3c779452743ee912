"""The rendered maps of a `territoire run` (docs/maps.md), checked from the files alone.

TERRITOIRE_OUT points at the run's output folder. For each expected map (zones always;
acteurs-lieux when there are places or actors; reseau when there are cooperation links — a sample
without actors has none and its reseau check is skipped):
- PNG: A4 portrait at 300 dpi (2480 x 3508), read with GDAL; not blank (many colours); the colour of
  every family and kind (the palette documented in style.hpp, recomputed here) is painted;
- SVG: parses as XML, has the title, the legend labels (families, kinds), the scale, the north
  arrow and the source line as text;
- PDF: starts with %PDF, exactly one page, no creation date (same inputs, same bytes).
"""
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal, ogr

gdal.UseExceptions()

SVG = '{http://www.w3.org/2000/svg}'
# ColorBrewer Set1 then Dark2 without yellow and greys (libterritoire/src/style.cpp), assigned in
# byte order of the names.
PALETTE = [(228, 26, 28), (55, 126, 184), (77, 175, 74), (152, 78, 163), (255, 127, 0), (166, 86, 40),
           (247, 129, 191), (27, 158, 119), (217, 95, 2), (117, 112, 179), (231, 41, 138), (102, 166, 30),
           (230, 171, 2), (166, 118, 29)]
NO_DATA = (189, 189, 189)
YLORRD = {3: [(255, 237, 160), (254, 178, 76), (240, 59, 32)],
          5: [(255, 255, 178), (254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38)]}


def category_colours(names):
    out, i = {}, 0
    for name in sorted(set(names), key=lambda s: s.encode()):
        if name == 'non renseigné':
            out[name] = NO_DATA
        else:
            out[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return out


@pytest.fixture(scope='module')
def run():
    d = os.environ.get('TERRITOIRE_OUT')
    if not d:
        pytest.skip('TERRITOIRE_OUT is not set')
    out = Path(d)
    ds = ogr.Open(str(out / 'diagnostic.gpkg'))
    families = [f.GetField('family') for f in ds.GetLayerByName('actors')]
    kinds = [f.GetField('kind') for f in ds.GetLayerByName('places')]
    n_links = ds.GetLayerByName('cooperation_links').GetFeatureCount()
    survey = ds.GetLayerByName('survey_indicators') is not None  # issue 8: the `enquete` map
    access = ds.GetLayerByName('access_grid') is not None and ds.GetLayerByName('access_grid').GetFeatureCount() > 0  # issue 7
    return {'dir': out / 'maps', 'gpkg': out / 'diagnostic.gpkg', 'families': families, 'kinds': kinds, 'links': n_links,
            'survey': survey, 'access': access}


def expected(run, stem):
    if stem == 'acteurs-lieux' and not (run['families'] or run['kinds']):
        pytest.skip('no places and no actors: no acteurs-lieux map')
    if stem == 'reseau' and run['links'] == 0:
        pytest.skip('no cooperation links in this sample: no reseau map')
    if stem == 'acces' and not run['access']:
        pytest.skip('no access measures in this sample: no acces map')


def png_pixels(path):
    raw = path.read_bytes()
    assert raw[:8] == b'\x89PNG\r\n\x1a\n'
    ds = gdal.Open(str(path))
    rgb = np.stack([ds.GetRasterBand(b).ReadAsArray() for b in (1, 2, 3)], axis=-1).astype(np.uint32)
    return rgb


def colour_counts(rgb):
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    values, counts = np.unique(packed, return_counts=True)
    return {(int(v) >> 16, (int(v) >> 8) & 255, int(v) & 255): int(c) for v, c in zip(values, counts)}


def svg_texts(path):
    root = ET.parse(path).getroot()
    assert root.tag == SVG + 'svg'
    assert root.get('width') == '210mm' and root.get('height') == '297mm'
    title = root.find(SVG + 'title').text
    return title, [t.text or '' for t in root.iter(SVG + 'text')]


STEMS = ['zones', 'acteurs-lieux', 'reseau', 'acces']


@pytest.mark.parametrize('stem', STEMS)
def test_png_size_and_content(run, stem):
    expected(run, stem)
    rgb = png_pixels(run['dir'] / f'{stem}.png')
    assert rgb.shape[:2] == (3508, 2480), 'A4 portrait at 300 dpi'
    colours = colour_counts(rgb)
    assert len(colours) > 50, f'{stem}.png looks blank ({len(colours)} colours)'
    white = colours.get((255, 255, 255), 0)
    assert white < 0.95 * rgb.shape[0] * rgb.shape[1], f'{stem}.png is almost all white'
    wanted = {}
    if stem in ('acteurs-lieux', 'reseau'):
        wanted.update(category_colours(run['families']))
    if stem == 'acteurs-lieux':
        wanted.update({f'lieu {k}': c for k, c in category_colours(run['kinds']).items()})
    for name, c in wanted.items():
        # a legend swatch alone is over 200 pixels of its exact colour
        assert colours.get(c, 0) >= 150, f'{stem}.png: colour {c} of « {name} » not painted'
    if stem in ('zones', 'acces'):
        ramp_colours = {c for ramp in YLORRD.values() for c in ramp}
        assert sum(1 for c in ramp_colours if colours.get(c, 0) >= 150) >= 2, 'choropleth classes not painted'


@pytest.mark.parametrize('stem', STEMS)
def test_svg_text(run, stem):
    expected(run, stem)
    title, texts = svg_texts(run['dir'] / f'{stem}.svg')
    assert title and texts[0] == title, 'the title is the first text of the page'
    labels = set()
    if stem in ('acteurs-lieux', 'reseau'):
        labels |= set(run['families'])
    if stem == 'acteurs-lieux':
        labels |= set(run['kinds'])
    for label in labels:
        assert any(t.startswith(label + ' (') for t in texts), f'{stem}.svg: no legend label for « {label} »'
    assert 'N' in texts, 'north arrow'
    assert any(re.fullmatch(r'[\d\u00a0,]+\u00a0k?m', t) for t in texts), 'scale bar length'
    lines = ' '.join(texts)  # the source line may wrap anywhere between words
    assert 'Sources\u00a0: ' in lines and 'libterritoire 0.1.0' in lines, 'source line'
    if stem == 'reseau':
        assert title == 'Réseau de coopération'
    if stem == 'zones':
        assert 'habitants' in title or 'par zone' in title


@pytest.mark.parametrize('stem', STEMS)
def test_pdf_one_page(run, stem):
    expected(run, stem)
    data = (run['dir'] / f'{stem}.pdf').read_bytes()
    assert data.startswith(b'%PDF-')
    assert len(re.findall(rb'/Type\s*/Page[^s]', data)) == 1
    assert b'/CreationDate' not in data and b'/ModDate' not in data, 'a date would make the PDF differ at each run'


def test_only_expected_files(run):
    names = sorted(p.name for p in run['dir'].iterdir())
    stems = ['zones'] + (['acteurs-lieux'] if run['families'] or run['kinds'] else []) + (['reseau'] if run['links'] else [])
    stems += ['enquete'] if run['survey'] else []
    stems += ['acces'] if run['access'] else []
    assert names == sorted(f'{s}.{e}' for s in stems for e in ('png', 'svg', 'pdf')), 'no temporary file left behind'


# --- The access map (issue 7): walking time to the nearest place of the first measured kind ------

BEYOND = (84, 39, 143)  # cells with no place within max_minutes (maps.cpp kBeyondColour)


def access_facts(run):
    """The first measured kind, max_minutes, the distance mode and, per minute class, the population
    and number of cells, recomputed from the GeoPackage (not from the map)."""
    ds = ogr.Open(str(run['gpkg']))
    summary = ds.GetLayerByName('access_summary')
    kind, max_minutes = None, None
    for f in summary:
        if f.GetField('indicator') == 'n_places' and kind is None:
            kind = f.GetField('kind')
        if f.GetField('indicator') == 'max_minutes':
            max_minutes = f.GetField('value')
    grid = ds.GetLayerByName('access_grid')
    defn = grid.GetLayerDefn()
    time_field = next(defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())
                      if defn.GetFieldDefn(i).GetName().startswith('time_min_'))
    bounds = [b for b in (5, 10, 15, 20, 30) if b < max_minutes] + [max_minutes]
    pop = [0.0] * (len(bounds) + 1)   # last: beyond max_minutes
    cells = [0] * (len(bounds) + 1)
    modes = set()
    for f in grid:
        modes.add(f.GetField('distance_mode'))
        t = f.GetField(time_field) if f.IsFieldSetAndNotNull(time_field) else None
        k = len(bounds) if t is None else next((i for i, b in enumerate(bounds) if t <= b), len(bounds) - 1)
        pop[k] += f.GetField('population')
        cells[k] += 1
    n_places = sum(1 for f in ds.GetLayerByName('places') if f.GetField('kind') == kind)
    return {'kind': kind, 'max': max_minutes, 'bounds': bounds, 'pop': pop, 'cells': cells, 'modes': modes,
            'n_places': n_places}


def fr_int(v):
    return f'{int(round(v)):,}'.replace(',', '\u00a0')


def test_access_map_legend_matches_the_grid(run):
    expected(run, 'acces')
    facts = access_facts(run)
    title, texts = svg_texts(run['dir'] / 'acces.svg')
    assert facts['kind'] in title, 'the title names the kind measured'
    assert len(facts['modes']) == 1
    mode = facts['modes'].pop()
    assert ('ligne droite' in title) == (mode == 'ligne_droite') and ('réseau de rues' in title) == (mode == 'reseau')
    nb = '\u00a0'
    labels = [f'{facts["bounds"][0]:g}{nb}min ou moins'] + \
             [f'plus de {a:g} à {b:g}{nb}min' for a, b in zip(facts['bounds'], facts['bounds'][1:])] + \
             [f'au-delà de {facts["max"]:g}{nb}min']
    for label, pop, n in zip(labels, facts['pop'], facts['cells']):
        want = f'{label} ({fr_int(pop)}{nb}hab., {fr_int(n)}{nb}carreau{"x" if n > 1 else ""})'
        assert want in texts, f'legend line « {want} » missing; legend: {[t for t in texts if "min" in t]}'
    assert f'{facts["kind"]} ({facts["n_places"]})' in texts, 'the places of the kind in the legend'


def test_access_map_paints_classes_and_beyond(run):
    expected(run, 'acces')
    facts = access_facts(run)
    colours = colour_counts(png_pixels(run['dir'] / 'acces.png'))
    ramp = YLORRD[5] if len(facts['bounds']) == 5 else None
    if ramp:
        for colour, n in zip(ramp, facts['cells']):
            assert colours.get(colour, 0) >= 150, f'class colour {colour} not painted'
    # the beyond swatch is in the legend whether or not a cell is beyond; cells add to it
    assert colours.get(BEYOND, 0) >= 150
