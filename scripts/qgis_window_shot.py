"""A screenshot of the QGIS 3.22 desktop window with the project stored in a GeoPackage opened: the
picture of docs/qgis.md. Run by QGIS itself (it is not a test, and needs Debian's qgis and xvfb):

    SHOT_OUT=docs/images/qgis-window.png \
    SHOT_URI="geopackage:$PWD/out/deux-sevres/diagnostic.gpkg?projectName=diagnostic" \
    xvfb-run -a -s "-screen 0 1600x1000x24" qgis --nologo --noversioncheck --noplugins \
        --code scripts/qgis_window_shot.py
"""
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface
from qgis.core import QgsProject, QgsApplication
import os
OUT = os.environ["SHOT_OUT"]
URI = os.environ["SHOT_URI"]

def load():
    QgsProject.instance().read(URI)
    iface.mainWindow().showMaximized()
    QTimer.singleShot(12000, grab)

def grab():
    iface.mapCanvas().refreshAllLayers()
    QTimer.singleShot(6000, save)

def save():
    iface.mainWindow().grab().save(OUT)
    print("saved", OUT, flush=True)
    QgsApplication.exitQgis()
    os._exit(0)

QTimer.singleShot(3000, load)
