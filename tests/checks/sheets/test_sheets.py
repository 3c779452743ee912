"""Checks of the HTML identity sheets (DIR/sheets/) of one `territoire run` output.

TERRITOIRE_OUT     the run's output folder (diagnostic.gpkg, sheets/)
TERRITOIRE_BIN     the `territoire` program, for the template override test (skipped without)
TERRITOIRE_PROJECT the sample's project file, for the same test

Every page is parsed with a strict tag-balance check, links are followed, the number of pages of
each kind is compared with the GeoPackage tables (read with GDAL), the values shown with the table
values, and a headless Chromium takes screenshots and prints one sheet to PDF (A4 pages).
"""
import html
import html.parser
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import pytest
from osgeo import ogr

ogr.UseExceptions()

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}
KINDS = {  # page prefix → table that has one row per page
    'famille': 'sheets_families',
    'zone': 'sheets_areas',
    'lieu': 'places',
    'communaute': 'sheets_communities',
    'objet': 'sheets_objects',
}


class Page(html.parser.HTMLParser):
    """A parsed page: strict tag balance, links, ids, and the tables' cells."""

    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path = path
        self.stack = []
        self.errors = []
        self.hrefs = []
        self.ids = set()
        self.lang = None
        self.charset = None
        self.tables = []     # each: list of rows, each row: list of (tag, text)
        self.cell = None
        self.text = []
        self.feed(path.read_text(encoding='utf-8'))
        self.close()
        if self.stack:
            self.errors.append(f'balises non fermées : {self.stack}')

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'html':
            self.lang = a.get('lang')
        if tag == 'meta' and 'charset' in a:
            self.charset = a['charset'].lower()
        if 'href' in a:
            self.hrefs.append(a['href'])
        if 'src' in a:
            self.errors.append(f'ressource externe src={a["src"]}')
        if 'id' in a:
            self.ids.add(a['id'])
        if tag == 'table':
            self.tables.append([])
        elif tag == 'tr' and self.tables:
            self.tables[-1].append([])
        elif tag in ('th', 'td'):
            self.cell = [tag, '']
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f'</{tag}> ferme <{self.stack[-1] if self.stack else "rien"}> ligne {self.getpos()[0]}')
            return
        self.stack.pop()
        if tag in ('th', 'td') and self.cell is not None:
            if self.tables and self.tables[-1]:
                self.tables[-1][-1].append((self.cell[0], ' '.join(self.cell[1].split())))
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell[1] += data

    def figures(self):
        """The key figures table: {label: value}."""
        for t in self.tables:
            if t and all(len(r) == 2 and r[0][0] == 'th' for r in t):
                return {r[0][1]: r[1][1] for r in t}
        return {}

    def table_with_header(self, first):
        for t in self.tables:
            if t and t[0] and t[0][0] == ('th', first):
                return [[c[1] for c in r] for r in t]
        return None


@pytest.fixture(scope='session')
def out():
    d = os.environ.get('TERRITOIRE_OUT')
    if not d:
        pytest.skip('TERRITOIRE_OUT is not set')
    return Path(d)


@pytest.fixture(scope='session')
def sheets(out):
    d = out / 'sheets'
    assert (d / 'index.html').is_file(), f'{d}/index.html manquant'
    return d


@pytest.fixture(scope='session')
def pages(sheets):
    return {p.name: Page(p) for p in sorted(sheets.glob('*.html'))}


@pytest.fixture(scope='session')
def gpkg(out):
    ds = ogr.Open(str(out / 'diagnostic.gpkg'))
    yield ds


@pytest.fixture(scope='session')
def aliases(out):
    with sqlite3.connect(out / 'diagnostic.gpkg') as db:
        return {(t, c): title for t, c, title in db.execute('SELECT table_name, column_name, title FROM gpkg_data_columns')}


def rows(ds, table):
    layer = ds.GetLayerByName(table)
    return [f.items() for f in layer] if layer else []


def french_number(text):
    return float(text.replace('\u00a0', '').replace(' ', '').replace(',', '.'))


def shown_as(value, text, where):
    """The page shows `value` (from the GeoPackage) as `text`, with the documented rounding."""
    if value is None:
        assert text == '—', f'{where}: {text!r} pour NULL'
    elif value == '':
        assert text == 'aucun', f'{where}: {text!r} pour un texte vide'
    elif isinstance(value, float):
        a = abs(value)
        decimals = 0 if a == int(a) or a >= 100 else 1 if a >= 1 else 3
        assert abs(french_number(text) - value) <= 0.5 * 10 ** -decimals + 1e-9, f'{where}: {text!r} ≠ {value}'
        assert len(text.split(',')[1]) == decimals if ',' in text else decimals == 0, f'{where}: {text!r}'
    elif isinstance(value, int) and not isinstance(value, bool):
        assert french_number(text) == value, f'{where}: {text!r} ≠ {value}'
    else:
        assert text == str(value), f'{where}: {text!r} ≠ {value!r}'


def test_every_page_is_well_formed_french_and_self_contained(pages):
    assert len(pages) > 1
    for name, page in pages.items():
        assert not page.errors, f'{name}: {page.errors[:5]}'
        assert page.lang == 'fr', name
        assert page.charset == 'utf-8', name
        raw = page.path.read_text(encoding='utf-8')
        assert raw.startswith('<!DOCTYPE html>'), name
        for external in ('http://', 'https://', '//cdn', '@import', 'url(', '<script', '<link', '<img'):
            hits = [m for m in re.finditer(re.escape(external), raw)
                    if not raw.startswith('http://www.w3.org/2000/svg', m.start())]
            assert not hits, f'{name}: ressource externe ou script « {external} »'
        assert '@page' in raw and 'A4' in raw, f'{name}: pas de feuille de style A4'
        assert '{{' not in raw, f'{name}: balise de modèle non rendue'


def test_links_resolve_and_index_reaches_every_page(pages):
    linked = set()
    for name, page in pages.items():
        for href in page.hrefs:
            target, _, anchor = href.partition('#')
            if not target:
                assert anchor in page.ids, f'{name}: ancre #{anchor} absente'
                continue
            assert '/' not in target and not target.startswith('.'), f'{name}: lien {href} hors du dossier'
            assert target in pages, f'{name}: lien {href} vers une page absente'
            if name == 'index.html':
                linked.add(target)
    assert linked == set(pages) - {'index.html'}, 'des fiches ne sont pas dans l’index'


def test_one_page_per_row_of_each_table(pages, gpkg):
    for prefix, table in KINDS.items():
        n = len([p for p in pages if p.startswith(prefix + '-')])
        layer = gpkg.GetLayerByName(table)
        expected = layer.GetFeatureCount() if layer else 0
        assert n == expected, f'{prefix}: {n} pages pour {expected} lignes de {table}'
    index = pages['index.html']
    heads = [h for h in ''.join(index.text).split('\n') if re.match(r'^(Familles d|Zones|Lieux|Communautés|Projets).*\(\d', h)]
    assert heads, 'l’index ne donne pas le nombre de fiches par type'


def test_values_shown_are_the_table_values(pages, gpkg, aliases):
    checked = 0
    for prefix, table, key, title_field in [('famille', 'sheets_families', 'family', 'family'),
                                            ('zone', 'sheets_areas', 'area_id', 'name'),
                                            ('lieu', 'places', 'place_id', 'name'),
                                            ('communaute', 'sheets_communities', 'community', None),
                                            ('objet', 'sheets_objects', 'object_id', 'name')]:
        by_title = {}
        for name, page in pages.items():
            if name.startswith(prefix + '-'):
                h1 = re.search(r'<h1>(.*?)</h1>', page.path.read_text(encoding='utf-8'), re.S).group(1)
                by_title.setdefault(html.unescape(h1), []).append(page)
        for row in rows(gpkg, table):
            title = row[title_field] if title_field else f'Communauté {row[key]}'
            candidates = by_title.get(title, [])
            assert candidates, f'{table}: pas de fiche « {title} »'
            # Two places may share a name: the right page shows the row's own id.
            page = next((p for p in candidates if not key.endswith('_id') or p.figures().get(aliases[(table, key)]) == row[key]), None)
            assert page, f'{table}: aucune fiche « {title} » ne montre l’identifiant {row[key]}'
            figures = page.figures()
            for field, value in row.items():
                label = aliases.get((table, field))
                if label in figures:
                    shown_as(value, figures[label], f'{page.path.name} / {field}')
                    checked += 1
    if checked == 0:
        assert all(rows(gpkg, t) == [] for t in KINDS.values())


def test_actors_and_their_network_role(pages, gpkg, aliases):
    actors = rows(gpkg, 'actors')
    head = aliases.get(('actors', 'name'), 'Nom')
    betweenness_col = aliases[('actors', 'betweenness')] if actors else None
    for fam in rows(gpkg, 'sheets_families'):
        page = next(p for n, p in pages.items() if n.startswith('famille-') and
                    html.unescape(re.search(r'<h1>(.*?)</h1>', p.path.read_text(encoding='utf-8')).group(1)) == fam['family'])
        table = page.table_with_header(head)
        members = [a for a in actors if a['family'] == fam['family']]
        assert table is not None and len(table) - 1 == len(members), page.path.name
        header = table[0]
        shown = sorted(french_number(r[header.index(betweenness_col)]) for r in table[1:])
        expected = sorted(round(a['betweenness'], 3) for a in members)
        assert shown == pytest.approx(expected, abs=6e-4), page.path.name
        cut = header.index(aliases[('actors', 'is_cut_vertex')])
        assert sum(r[cut] == 'oui' for r in table[1:]) == fam['n_cut_vertices'], page.path.name
    if not actors:
        for name, page in pages.items():
            if name.startswith('zone-'):
                assert 'Aucun acteur' in ''.join(page.text), name


def test_no_personal_data(pages):
    email = re.compile(r'[\w.+-]+@[\w-]+\.[\w.]+')
    phone = re.compile(r'(?<!\d)0[1-9](?:[ .\u00a0]?\d\d){4}(?!\d)')
    personal_labels = {'courriel', 'email', 'e-mail', 'téléphone', 'telephone', 'adresse', 'contact',
                       'responsable', 'président', 'date de naissance'}
    for name, page in pages.items():
        text = ''.join(page.text)
        assert not email.search(text), f'{name}: adresse électronique'
        assert not phone.search(text), f'{name}: numéro de téléphone'
        for t in page.tables:
            for r in t:
                for tag, cell in r:
                    if tag == 'th':
                        assert cell.lower() not in personal_labels, f'{name}: colonne « {cell} »'


def chromium(*args, timeout=120):
    exe = shutil.which('chromium') or shutil.which('chromium-browser')
    if not exe:
        pytest.fail('chromium est nécessaire (scripts/setup.sh l’installe)')
    with tempfile.TemporaryDirectory(prefix='territoire-chromium-') as profile:
        subprocess.run([exe, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                        '--disable-background-networking', '--disable-component-update', '--disable-sync',
                        f'--user-data-dir={profile}', *args],
                       check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def screenshot_pages(pages):
    chosen = ['index.html']
    for prefix in KINDS:
        first = next((n for n in sorted(pages) if n.startswith(prefix + '-')), None)
        if first:
            chosen.append(first)
    return chosen


def test_chromium_screenshots_are_not_blank(out, sheets, pages):
    from PIL import Image
    shots = out / 'sheets-screenshots'
    shots.mkdir(exist_ok=True)
    for name in screenshot_pages(pages):
        png = shots / (Path(name).stem + '.png')
        png.unlink(missing_ok=True)
        chromium(f'--screenshot={png}', '--window-size=1240,1754', (sheets / name).resolve().as_uri())
        assert png.is_file(), name
        with Image.open(png) as im:
            assert im.size == (1240, 1754), name
            small = im.convert('RGB').resize((124, 175))
            pixels = list(small.getdata())
            ink = sum(1 for p in pixels if sum(p) < 600) / len(pixels)
            colours = len(set(pixels))
            assert ink > 0.005 and colours > 20, f'{name}: capture presque vide ({ink:.1%} d’encre, {colours} couleurs)'


def test_a_sheet_prints_on_a4_pages(out, sheets, pages):
    name = screenshot_pages(pages)[-1]
    pdf = out / 'sheets-screenshots' / (Path(name).stem + '.pdf')
    pdf.parent.mkdir(exist_ok=True)
    pdf.unlink(missing_ok=True)
    chromium(f'--print-to-pdf={pdf}', '--no-pdf-header-footer', '--print-to-pdf-no-header', (sheets / name).resolve().as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b'%PDF'), name
    boxes = re.findall(rb'/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]', data)
    assert boxes, f'{pdf}: aucune page'
    for w, h in boxes:  # A4 = 595.28 × 841.89 pt
        assert abs(float(w) - 595.28) < 2 and abs(float(h) - 841.89) < 2, f'{pdf}: page {w}×{h} pt, pas A4'


def test_templates_in_the_project_folder_are_used(tmp_path):
    exe, project = os.environ.get('TERRITOIRE_BIN'), os.environ.get('TERRITOIRE_PROJECT')
    if not exe or not project:
        pytest.skip('TERRITOIRE_BIN and TERRITOIRE_PROJECT not set')
    # The same project in another folder (paths made absolute), with its own copy of the templates.
    source = Path(project).resolve().parent
    copy = tmp_path / 'projet'
    copy.mkdir()
    text = Path(project).read_text(encoding='utf-8')
    text = re.sub(r'^((?:path|margins)\s*=\s*)"([^"]+)"', lambda m: f'{m.group(1)}"{(source / m.group(2)).resolve()}"', text, flags=re.M)
    (copy / 'project.toml').write_text(text, encoding='utf-8')
    templates = copy / 'templates' / 'sheets'
    shutil.copytree(Path(__file__).resolve().parents[3] / 'data' / 'templates' / 'sheets', templates)
    zone = templates / 'zone.html'
    zone.write_text(zone.read_text(encoding='utf-8').replace('{{> chiffres}}', '<p class="mot">Mot du maire de {{name}}</p>\n{{> chiffres}}'),
                    encoding='utf-8')
    out_dir = tmp_path / 'sortie'
    run = [exe, 'run', str(copy / 'project.toml'), '-o', str(out_dir), '--no-maps', '--no-xlsx', '--no-geojson']
    subprocess.run(run, check=True, capture_output=True, timeout=300)
    some_zone = next((out_dir / 'sheets').glob('zone-*.html'))
    assert 'Mot du maire de ' in some_zone.read_text(encoding='utf-8')
    # Deterministic: the pages the change does not touch are byte-identical to the test run's.
    first = Path(os.environ['TERRITOIRE_OUT']) / 'sheets'
    for page in sorted((out_dir / 'sheets').glob('*.html')):
        if not page.name.startswith('zone-'):
            assert page.read_bytes() == (first / page.name).read_bytes(), f'{page.name} diffère entre deux passages'

    # A typo in a template stops the run with the file and line; the previous sheets stay.
    (templates / 'entete.html').write_text((templates / 'entete.html').read_text(encoding='utf-8').replace('{{title}}', '{{titre}}'),
                                           encoding='utf-8')
    failed = subprocess.run(run, capture_output=True, text=True, timeout=300)
    assert failed.returncode != 0
    assert 'entete.html, ligne' in failed.stderr and '« titre »' in failed.stderr, failed.stderr
    assert 'Mot du maire de ' in some_zone.read_text(encoding='utf-8')
    assert not list(out_dir.glob('.sheets*')), 'dossier temporaire laissé'


# --- Access (issue 7): « Accès à pied » on the area sheets, the contrast on the index -----------

def access_number(text, unit):
    """A number followed by its unit; the page has a no-break space before it (the parser's
    split() turns it into a plain space)."""
    text = text.replace('\u00a0', ' ')
    assert text.endswith(' ' + unit), text
    return french_number(text[:-len(unit) - 1])


def close_to(text, value):
    """`text` is `value` rounded to the decimals it shows."""
    text = text.replace('\u00a0', ' ')
    decimals = len(text.split(',')[1]) if ',' in text else 0
    return abs(french_number(text) - value) <= 0.5 * 10 ** -decimals + 1e-9


def access_kinds(aliases):
    """slug → kind, from the aliases of the areas' fca_mean_<slug> fields (GeoPackage)."""
    prefix = 'Accessibilité 2SFCA moyenne : '
    return {c[len('fca_mean_'):]: title[len(prefix):] for (t, c), title in aliases.items()
            if t == 'areas' and c.startswith('fca_mean_') and title.startswith(prefix)}


def test_area_sheets_show_the_access_figures(pages, gpkg, aliases):
    kinds = access_kinds(aliases)
    if not kinds:
        for name, page in pages.items():
            assert 'Accès à pied' not in ''.join(page.text), f'{name}: section accès sans mesures'
        pytest.skip('no access measures in this sample')
    summary = {r['indicator']: r for r in rows(gpkg, 'access_summary') if r['kind'] is None}
    max_minutes = summary['max_minutes']['value']
    # The page of an area: the one the index lists under the area's name (zone-<slug>.html).
    by_name = {r['name']: r for r in rows(gpkg, 'areas')}
    index = pages['index.html']
    href_of = {}
    raw = index.path.read_text(encoding='utf-8')
    for m in re.finditer(r'<a href="(zone-[^"]+)">([^<]+)</a>', raw):
        href_of[m.group(1)] = html.unescape(m.group(2))
    checked = 0
    for name, page in pages.items():
        if not name.startswith('zone-'):
            continue
        text = ''.join(page.text)
        area = by_name[href_of[name]]
        assert 'Accès à pied' in text, f'{name}: pas de section accès'
        table = page.table_with_header('Type de lieu')
        if all(area[f'unreached_pct_{s}'] is None for s in kinds):
            assert table is None and 'Aucun carreau habité' in text, name
            continue
        assert table is not None, f'{name}: tableau des accès absent'
        assert table[0][1] == 'Temps moyen'
        body = {r[0]: r[1:] for r in table[1:]}
        assert set(body) == set(kinds.values()), f'{name}: types {set(body)}'
        for slug, kind in kinds.items():
            mean, unreached, b10, b20, fca = body[kind]
            where = f'{name} {kind}'
            v = area[f'time_mean_min_{slug}']
            if v is None:
                assert mean.startswith('aucun habitant'), where
            else:
                assert abs(access_number(mean, 'min') - v) <= 0.05 + 1e-9, where
            for text_value, field in ((unreached, 'unreached_pct'), (b10, 'beyond10_pct'), (b20, 'beyond20_pct')):
                v = area[f'{field}_{slug}']
                if v is None:
                    assert text_value in ('—', 'non mesuré'), where
                else:
                    assert abs(access_number(text_value, '%') - v) <= 0.05 + 1e-9, f'{where} {field}'
            v = area[f'fca_mean_{slug}']
            assert close_to(fca, v) and (',' in fca or v == int(v)), f'{where} fca {fca!r} {v}'
            # independent: the share beyond 10 min is at least the share with no place at all
            if area[f'beyond10_pct_{slug}'] is not None and max_minutes >= 10:
                assert area[f'beyond10_pct_{slug}'] >= area[f'unreached_pct_{slug}'] - 1e-9
        checked += 1
    assert checked > 0


def test_index_shows_the_contrast(pages, gpkg):
    contrast = rows(gpkg, 'sheets_contrast')
    index = pages['index.html']
    table = index.table_with_header('Type de lieu')
    if not contrast:
        assert table is None
        pytest.skip('no [contrast] in this sample')
    assert table is not None, 'index: tableau du contraste absent'
    assert len(table) - 1 == len(contrast)
    kind = None
    for shown, row in zip(table[1:], contrast):
        kind = shown[0] or kind
        assert kind == (row['kind'] or 'ensemble')
        assert shown[1] == row['label']
        for text_value, field in ((shown[2], 'value_a'), (shown[3], 'value_b'), (shown[4], 'ratio_a_b')):
            v = row[field]
            if v is None:
                assert text_value == '—'
            else:
                assert close_to(text_value, v) and (',' in text_value or v == int(v)), f'{field} {text_value!r} {row}'
        if row['ratio_a_b'] is None and row['value_a'] is not None and row['value_b'] is not None:
            assert shown[5], 'a missing ratio has its note'
        assert shown[5] == (row['note'] or '')
