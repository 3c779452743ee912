#!/usr/bin/python3
"""Check the QGIS styles and the QGIS project stored in a GeoPackage, in headless QGIS (PyQGIS).

usage: /usr/bin/python3 tests/checks/qgis_project.py DIR/diagnostic.gpkg --png PAGE.png
           [--expect-crs EPSG:2154]

Expectations come from the file itself read with sqlite3 (what layers and values there are, the
French column titles of gpkg_data_columns), independently of QGIS; QGIS then has to agree:

Styles (table layer_styles)
  * every SLD is well-formed XML (xml.etree);
  * every spatial layer has at least two styles, exactly one default, names of at most 30
    characters (QGIS's column width);
  * QgsVectorLayer.listStylesInDatabase() lists the same styles;
  * each style's QML parses (importNamedStyle) and gives the renderer type expected for its name;
    styles meant to label have labels on; categorized styles have one category per distinct value
    of their field (or the three crossing classes); graduated ranges run from the field's minimum
    to its maximum; every feature with a value gets a symbol;
  * the French aliases QGIS reads from the QML equal gpkg_data_columns' titles;
  * a layer opened afresh gets its default style from the database.
Project (table qgis_projects)
  * QGIS's GeoPackage project storage lists the project and reads its metadata;
  * QgsProject.read('geopackage:FILE?projectName=diagnostic') succeeds; every layer is valid;
  * the four French groups exist; every spatial layer has the renderer of its default style, and
    every style of the database in its style manager (switching to each gives its renderer);
  * the project CRS is the expected one;
  * the layout « Atlas des zones » exists, its atlas covers `areas` and has one page per area;
  * one atlas page (the area with most actors, else most places) is rendered to --png and is not
    blank; its map follows the atlas feature;
  * the folder copied elsewhere under another name opens with every layer valid and read from
    the copy (relative paths).
Exit status: 0 when everything passes, 1 on any failure, 2 on usage error.
Run with /usr/bin/python3 (python3-qgis). Layers are freed before exitQgis() and the process ends
with os._exit(status), as in qgis_open.py.
"""
import argparse
import gc
import os
import shutil
import sqlite3
import tempfile
from xml.etree import ElementTree

from headless_qgis import run  # noqa: E402 - sets the offscreen platform before qgis is imported

PROJECT = 'diagnostic'
GROUPS = ['Acteurs et lieux', 'Réseau de coopération', 'Territoire et zones', 'Tableaux']
CROSSING = 'CASE WHEN "crosses_areas" IS NULL'
# Style name → (renderer type, field classified or None). Areas' choropleths depend on the data.
EXPECTED = {
    'Contour du territoire': ('singleSymbol', None),
    'Territoire en aplat': ('singleSymbol', None),
    'Acteurs pour 10 000 hab.': ('graduatedSymbol', 'actors_per_10k'),
    'Lieux pour 10 000 hab.': ('graduatedSymbol', 'places_per_10k'),
    'Population': ('graduatedSymbol', 'population'),
    "Nombre d'acteurs": ('graduatedSymbol', 'n_actors'),
    'Nombre de lieux': ('graduatedSymbol', 'n_places'),
    'Contours des zones': ('singleSymbol', None),
    'Acteurs par famille': ('categorizedSymbol', 'family'),
    'Acteurs par intermédiarité': ('graduatedSymbol', 'betweenness'),
    'Lieux par type et capacité': ('categorizedSymbol', 'kind'),
    'Lieux par type, avec noms': ('categorizedSymbol', 'kind'),
    'Liens par poids': ('graduatedSymbol', 'weight'),
    'Liens entre zones ou internes': ('categorizedSymbol', CROSSING),
    'Liens par nombre de liens': ('graduatedSymbol', 'n_links'),
    'Liens par poids cumulé': ('graduatedSymbol', 'weight_sum'),
    'Communautés': ('categorizedSymbol', 'community'),
    'Communautés par taille': ('graduatedSymbol', 'n_actors'),
    # Access (docs/access.md); 'Temps à pied <slug>' → time_min_<slug>, see expected_style().
    'Population des carreaux': ('graduatedSymbol', 'population'),
    'Carreaux': ('singleSymbol', None),
    'Isochrones (contours)': ('singleSymbol', None),
    'Isochrones (aplat)': ('singleSymbol', None),
}


def expected_style(name):
    if name.startswith('Temps à pied '):
        return ('graduatedSymbol', 'time_min_' + name[len('Temps à pied '):])
    if name.startswith('Temps moyen '):
        return ('graduatedSymbol', 'time_mean_min_' + name[len('Temps moyen '):])
    return EXPECTED.get(name, ('?', None))

# Styles that label features (area names, place names, territory name).
LABELLED = {'Territoire en aplat', 'Acteurs pour 10 000 hab.', 'Lieux pour 10 000 hab.', 'Population',
            "Nombre d'acteurs", 'Nombre de lieux', 'Contours des zones', 'Lieux par type, avec noms'}

failures = []


def check(ok, message):
    print(('OK   ' if ok else 'FAIL ') + message, flush=True)
    if not ok:
        failures.append(message)
    return ok


def read_sqlite(path):
    """What the file holds, read without QGIS."""
    con = sqlite3.connect(f'file:{path}?mode=ro', uri=True)
    spatial = [r[0] for r in con.execute(
        "SELECT c.table_name FROM gpkg_contents c JOIN gpkg_geometry_columns g USING (table_name) "
        "WHERE c.data_type = 'features' ORDER BY c.table_name")]
    styles = con.execute('SELECT f_table_name, styleName, useAsDefault, description FROM layer_styles').fetchall()
    for name, sld in con.execute('SELECT styleName, styleSLD FROM layer_styles'):
        try:
            root = ElementTree.fromstring(sld.encode('utf-8'))
            check(root.tag == '{http://www.opengis.net/sld}StyledLayerDescriptor', f'SLD of « {name} » well-formed')
        except ElementTree.ParseError as e:
            check(False, f'SLD of « {name} » well-formed: {e}')
    titles = {}
    for table, column, title in con.execute('SELECT table_name, column_name, title FROM gpkg_data_columns'):
        titles.setdefault(table, {})[column] = title
    values = {}

    def distinct(table, column):
        return [r[0] for r in con.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')]

    def min_max(table, column):
        return con.execute(f'SELECT min("{column}"), max("{column}") FROM "{table}"').fetchone()
    for table in spatial:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
        values[table] = {c: (distinct(table, c), min_max(table, c)) for c in cols if c not in ('geom', 'fid')}
    counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
              for t in [r[0] for r in con.execute('SELECT table_name FROM gpkg_contents')]}
    best = con.execute('SELECT name FROM areas ORDER BY n_actors DESC, n_places DESC, area_id LIMIT 1').fetchone()
    con.close()
    return spatial, styles, titles, values, counts, best[0] if best else None


def check_styles(path, spatial, styles, titles, values):
    from qgis.PyQt.QtXml import QDomDocument
    from qgis.core import (QgsExpressionContext, QgsExpressionContextUtils, QgsRenderContext,
                           QgsVectorLayer)
    by_table = {}
    for table, name, default, _ in styles:
        by_table.setdefault(table, []).append((name, bool(default)))
    for table in spatial:
        mine = by_table.get(table, [])
        check(len(mine) >= 2 and sum(d for _, d in mine) == 1,
              f'{table}: {len(mine)} styles, {sum(d for _, d in mine)} default')
        check(all(len(n) <= 30 for n, _ in mine), f'{table}: style names fit in 30 characters')
        vl = QgsVectorLayer(f'{path}|layername={table}', table, 'ogr')
        if not check(vl.isValid(), f'{table}: layer valid'):
            continue
        n, ids, names, _descriptions, error = vl.listStylesInDatabase()
        check(sorted(names[:n]) == sorted(nm for nm, _ in mine),
              f'{table}: listStylesInDatabase() gives {names[:n]} {error}')
        default_renderer = None
        for style_id, name in zip(ids[:n], names[:n]):
            qml, error = vl.getStyleFromDatabase(style_id)
            doc = QDomDocument()
            parsed = doc.setContent(qml)
            ok, error = vl.importNamedStyle(doc)
            if not check(bool(parsed[0] if isinstance(parsed, tuple) else parsed) and ok,
                         f'{table} / {name}: QML parses and loads {error}'):
                continue
            r = vl.renderer()
            expected_type, field = expected_style(name)
            check(r.type() == expected_type, f'{table} / {name}: renderer {r.type()} (expected {expected_type})')
            if name in LABELLED:
                check(vl.labelsEnabled() and vl.labeling() is not None and bool(vl.labeling().settings().fieldName),
                      f'{table} / {name}: labels on')
            if dict(mine).get(name):
                default_renderer = r.dump()
            detail = ''
            if r.type() == 'categorizedSymbol':
                if field == CROSSING:
                    expected = 3
                else:
                    expected = len(values[table][field][0])
                    check(r.classAttribute() == field, f'{table} / {name}: classified by {r.classAttribute()}')
                detail = f'{len(r.categories())} categories'
                check(len(r.categories()) == expected, f'{table} / {name}: {detail} (expected {expected})')
                colours = {c.symbol().color().name() for c in r.categories()}
                if expected <= 17:
                    check(len(colours) == expected, f'{table} / {name}: {len(colours)} distinct colours')
            elif r.type() == 'graduatedSymbol':
                check(r.classAttribute() == field, f'{table} / {name}: classified by {r.classAttribute()}')
                lo, hi = values[table][field][1]
                ranges = r.ranges()
                if lo is None:
                    check(not ranges, f'{table} / {name}: no range for an empty field')
                else:
                    check(bool(ranges) and abs(ranges[0].lowerValue() - lo) < 1e-9 and abs(ranges[-1].upperValue() - hi) < 1e-9,
                          f'{table} / {name}: {len(ranges)} ranges from {lo} to {hi}')
            # Every feature with a value gets a symbol.
            ctx = QgsRenderContext()
            ctx.setExpressionContext(QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(vl)))
            r.startRender(ctx, vl.fields())
            missing = 0
            for f in vl.getFeatures():
                ctx.expressionContext().setFeature(f)
                attr_ok = field is None or field == CROSSING or f[field] is not None and str(f[field]) != 'NULL'
                if attr_ok and r.symbolForFeature(f, ctx) is None:
                    missing += 1
            r.stopRender(ctx)
            check(missing == 0, f'{table} / {name}: every feature with a value has a symbol ({missing} without) {detail}')
            wrong = [(fld.name(), vl.attributeAlias(i)) for i, fld in enumerate(vl.fields())
                     if fld.name() in titles.get(table, {}) and vl.attributeAlias(i) != titles[table][fld.name()]]
            check(not wrong, f'{table} / {name}: French aliases as in gpkg_data_columns {wrong[:3]}')
        del vl
        fresh = QgsVectorLayer(f'{path}|layername={table}', table, 'ogr')
        check(default_renderer is not None and fresh.renderer().dump() == default_renderer,
              f'{table}: a layer opened afresh gets the default style from the database')
        del fresh


def open_project(path):
    from qgis.core import QgsProject
    project = QgsProject.instance()
    project.clear()
    ok = project.read(f'geopackage:{path}?projectName={PROJECT}')
    return ok, project


def check_project(path, spatial, styles, counts, best_area, png, expect_crs):
    from qgis.PyQt.QtGui import QImage
    from qgis.core import QgsLayoutExporter, QgsVectorLayer
    from qgis.core import QgsApplication
    storage = QgsApplication.projectStorageRegistry().projectStorageFromType('geopackage')
    check(storage is not None and storage.listProjects(path) == [PROJECT],
          f'QGIS lists the projects of the file (Project > Open From > GeoPackage): {storage.listProjects(path)}')
    ok_meta, meta = storage.readProjectStorageMetadata(f'geopackage:{path}?projectName={PROJECT}')
    check(ok_meta and meta.lastModified.isValid(), f'project metadata read (last modified {meta.lastModified.toString()})')
    ok, project = open_project(path)
    if not check(ok, f'project read from geopackage:{path}?projectName={PROJECT} {project.error()}'):
        return
    check(project.title().startswith('Diagnostic — '), f'project title « {project.title()} »')
    layers = project.mapLayers().values()
    check(len(layers) == len(counts) - 1, f'project has {len(layers)} layers ({len(counts) - 1} tables besides layer_styles)')
    for layer in layers:
        check(layer.isValid(), f'project layer « {layer.name()} » valid')
    root = project.layerTreeRoot()
    for g in GROUPS:
        check(root.findGroup(g) is not None, f'group « {g} »')
    check(project.crs().authid() == expect_crs, f'project CRS {project.crs().authid()}')
    for layer in layers:
        table = layer.source().split('layername=')[-1]
        if table not in spatial:
            continue
        fresh = QgsVectorLayer(f'{path}|layername={table}', table, 'ogr')  # default style from the database
        check(layer.renderer() is not None and layer.renderer().dump() == fresh.renderer().dump(),
              f'project layer « {layer.name()} » has its default style ({layer.renderer().type()})')
        del fresh
        # Every style of the database is also in the project's style manager (Styles menu).
        manager = layer.styleManager()
        names = sorted(n for t, n, _, _ in styles if t == table)
        check(sorted(manager.styles()) == names, f'project layer « {layer.name()} »: styles {manager.styles()}')
        current = manager.currentStyle()
        for name in manager.styles():
            manager.setCurrentStyle(name)
            expected = expected_style(name)[0]
            check(layer.renderer().type() == expected, f'project layer « {layer.name()} », style « {name} »: {layer.renderer().type()}')
        manager.setCurrentStyle(current)
    layout = project.layoutManager().layoutByName('Atlas des zones')
    if not check(layout is not None, 'layout « Atlas des zones »'):
        return
    atlas = layout.atlas()
    coverage = atlas.coverageLayer()
    check(atlas.enabled() and coverage is not None and coverage.source().endswith('layername=areas'),
          'atlas enabled over areas')
    pages = atlas.updateFeatures()
    check(pages == counts['areas'], f'atlas: {pages} pages for {counts["areas"]} areas')
    if not pages:
        return
    page = next((i for i in range(pages) if atlas.nameForPage(i) == best_area), 0)
    atlas.beginRender()
    atlas.seekTo(page)
    map_item = layout.itemById('carte')
    feature_box = atlas.layout().reportContext().feature().geometry().boundingBox()
    check(map_item is not None and map_item.extent().contains(feature_box)
          and map_item.extent().width() < 3 * max(feature_box.width(), feature_box.height()) + 1,
          f'map item follows the atlas feature « {atlas.nameForPage(page)} »')
    settings = QgsLayoutExporter.ImageExportSettings()
    settings.dpi = 100
    result = QgsLayoutExporter(layout).exportToImage(png, settings)
    atlas.endRender()
    check(result == QgsLayoutExporter.Success, f'atlas page {page + 1} « {atlas.nameForPage(page)} » exported to {png}')
    image = QImage(png)
    if check(not image.isNull(), f'{png} readable ({image.width()}×{image.height()})'):
        step = 4
        colours, non_white, total = set(), 0, 0
        for y in range(0, image.height(), step):
            for x in range(0, image.width(), step):
                c = image.pixel(x, y) & 0xffffff
                colours.add(c)
                total += 1
                non_white += c != 0xffffff
        check(len(colours) > 30 and non_white > total * 0.1,
              f'{png}: not blank ({len(colours)} colours, {100 * non_white / total:.0f} % non-white)')
    del layers, layout, atlas, coverage, map_item


def check_moved(path, counts):
    """The folder copied elsewhere under another name: layers read from the copy."""
    from qgis.core import QgsProject
    tmp = tempfile.mkdtemp(prefix='qgis-moved-')
    try:
        moved_dir = os.path.join(tmp, 'dossier déplacé')
        shutil.copytree(os.path.dirname(path), moved_dir)
        moved = os.path.join(moved_dir, os.path.basename(path))
        ok, project = open_project(moved)
        check(ok, f'moved copy: project read from {moved}')
        layers = list(project.mapLayers().values())
        bad = [l.name() for l in layers if not l.isValid() or not l.source().startswith(moved)]
        check(layers and not bad, f'moved copy: {len(layers)} layers valid and read from the copy {bad[:3]}')
        del layers
        QgsProject.instance().clear()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('gpkg')
    ap.add_argument('--png', required=True, help='where to write the rendered atlas page')
    ap.add_argument('--expect-crs', default='EPSG:2154')
    args = ap.parse_args()
    path = os.path.abspath(args.gpkg)
    if not os.path.isfile(path):
        print(f'FAIL {path}: no such file')
        return 1
    os.makedirs(os.path.dirname(os.path.abspath(args.png)), exist_ok=True)
    spatial, styles, titles, values, counts, best_area = read_sqlite(path)

    from qgis.core import QgsApplication, QgsProject
    qgs = QgsApplication([], False)
    qgs.initQgis()
    try:
        check_styles(path, spatial, styles, titles, values)
        check_project(path, spatial, styles, counts, best_area, os.path.abspath(args.png), args.expect_crs)
        check_moved(path, counts)
    finally:
        QgsProject.instance().clear()
        gc.collect()
        qgs.exitQgis()
    print(f'{len(failures)} failure(s)', flush=True)
    return 1 if failures else 0


if __name__ == '__main__':
    run(main)
