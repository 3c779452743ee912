#!/usr/bin/python3
"""Render the pictures of docs/qgis.md from a run folder, with headless QGIS.

usage: /usr/bin/python3 scripts/qgis_doc_images.py DIR/diagnostic.gpkg docs/images

Writes qgis-project.png (the project's visible layers over the whole territory, as the map canvas
shows them when the project opens, with the same styles) and qgis-atlas-page.png (the atlas page of
the area with most actors). Not a screenshot of the QGIS window: QGIS's own renderer, headless.
"""
import os
import sys
import tempfile

os.environ['QT_QPA_PLATFORM'] = 'offscreen'
os.environ.setdefault('XDG_RUNTIME_DIR', tempfile.mkdtemp(prefix='qgis-runtime-'))


def main(gpkg, out_dir):
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor
    from qgis.core import (QgsApplication, QgsLayoutExporter, QgsMapRendererParallelJob, QgsMapSettings,
                           QgsProject)
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    if not project.read(f'geopackage:{os.path.abspath(gpkg)}?projectName=diagnostic'):
        print('cannot read the project', file=sys.stderr)
        return 1
    os.makedirs(out_dir, exist_ok=True)
    # The whole territory, visible layers in layer-tree order.
    visible = [l for l in project.layerTreeRoot().layerOrder()
               if project.layerTreeRoot().findLayer(l.id()).isVisible()]
    territory = next(l for l in project.mapLayers().values() if l.source().endswith('layername=territory'))
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(project.crs())
    settings.setOutputSize(QSize(700, 700))
    settings.setBackgroundColor(QColor('white'))
    settings.setExtent(territory.extent().buffered(territory.extent().width() * 0.03))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(os.path.join(out_dir, 'qgis-project.png'))
    # One atlas page.
    layout = project.layoutManager().layoutByName('Atlas des zones')
    atlas = layout.atlas()
    atlas.beginRender()
    names = [atlas.nameForPage(i) for i in range(atlas.count())]
    areas = next(l for l in project.mapLayers().values() if l.source().endswith('layername=areas'))
    best = max(areas.getFeatures(), key=lambda f: (f['n_actors'], f['n_places']))['name']
    atlas.seekTo(names.index(best))
    export = QgsLayoutExporter.ImageExportSettings()
    export.dpi = 70
    QgsLayoutExporter(layout).exportToImage(os.path.join(out_dir, 'qgis-atlas-page.png'), export)
    atlas.endRender()
    del visible, territory, areas, layout, atlas
    project.clear()
    app.exitQgis()
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__)
        os._exit(2)
    status = main(sys.argv[1], sys.argv[2])
    sys.stdout.flush()
    os._exit(status)
