#!/usr/bin/python3
"""Open every layer of a GeoPackage in headless QGIS (PyQGIS) and check it.

usage: /usr/bin/python3 tests/checks/qgis_open.py DIR/diagnostic.gpkg [--expect-crs EPSG:2154]

The layer list and the feature counts come from GDAL/OGR (osgeo.ogr), an
independent reader.  For every layer, QGIS's 'ogr' provider opens
`GPKG|layername=NAME` and the script checks:
  * the layer is valid (isValid());
  * featureCount() equals OGR's count, and iterating the features yields the same number;
  * spatial layers have the expected CRS authid (--expect-crs, default EPSG:2154);
  * every non-null geometry is GEOS-valid (QgsGeometry.isGeosValid()).
One line per layer is printed.  Exit status: 0 when everything passes, 1 on
any failure, 2 on usage error.

Run with Debian's interpreter (/usr/bin/python3, which has python3-qgis).
PyQGIS 3.22 can crash at exit while layers are alive, so every layer, feature
and iterator is deleted before exitQgis(), and the process ends with
os._exit(status) after flushing, so the exit status is the script's verdict.
"""
import argparse
import gc
import os

from headless_qgis import run  # noqa: E402 - sets the offscreen platform before qgis is imported

MAX_INVALID_REPORTED = 5


def ogr_layers(path):
    """[(name, feature_count, is_spatial)] read with OGR, or raise."""
    from osgeo import gdal, ogr
    gdal.UseExceptions()
    ds = ogr.Open(path, 0)
    if ds is None:
        raise RuntimeError('OGR cannot open the file')
    drv = ds.GetDriver().GetName()
    if drv != 'GPKG':
        raise RuntimeError(f'OGR opened it with driver {drv}, not GPKG')
    out = []
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        # force=1: exact count
        out.append((lyr.GetName(), lyr.GetFeatureCount(1), lyr.GetGeomType() != ogr.wkbNone))
    ds = None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('gpkg')
    ap.add_argument('--expect-crs', default='EPSG:2154',
                    help='authid expected on every spatial layer (default EPSG:2154)')
    args = ap.parse_args()
    path = os.path.abspath(args.gpkg)

    if not os.path.isfile(path):
        print(f'FAIL {args.gpkg}: no such file')
        return 1
    try:
        layers = ogr_layers(path)
    except Exception as e:  # noqa: BLE001 - any OGR failure is a check failure
        print(f'FAIL {args.gpkg}: OGR: {e}')
        return 1
    if not layers:
        print(f'FAIL {args.gpkg}: OGR lists no layer')
        return 1

    from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer

    qgs = QgsApplication([], False)
    qgs.initQgis()
    failures = 0
    try:
        for name, ogr_count, spatial in layers:
            problems = []
            vl = QgsVectorLayer(f'{path}|layername={name}', name, 'ogr')
            if not vl.isValid():
                problems.append('QGIS says the layer is not valid')
                n_qgis = None
            else:
                n_qgis = vl.featureCount()
                if n_qgis != ogr_count:
                    problems.append(f'featureCount() {n_qgis} != OGR count {ogr_count}')
                crs = vl.crs().authid() if vl.isSpatial() else ''
                if spatial != vl.isSpatial():
                    problems.append(f'OGR spatial={spatial} but QGIS isSpatial()={vl.isSpatial()}')
                if spatial and crs != args.expect_crs:
                    problems.append(f'CRS {crs or "(none)"} != expected {args.expect_crs}')
                n_iter = n_geom = n_null = 0
                invalid = []
                req = QgsFeatureRequest()
                if not spatial:
                    req.setFlags(QgsFeatureRequest.NoGeometry)
                it = vl.getFeatures(req)
                feat = None
                for feat in it:
                    n_iter += 1
                    if not spatial:
                        continue
                    geom = feat.geometry()
                    if geom is None or geom.isNull():
                        n_null += 1
                    else:
                        n_geom += 1
                        if not geom.isGeosValid():
                            invalid.append(feat.id())
                    geom = None
                del feat, it
                if n_iter != ogr_count:
                    problems.append(f'iterated {n_iter} features != OGR count {ogr_count}')
                if invalid:
                    shown = ', '.join(str(x) for x in invalid[:MAX_INVALID_REPORTED])
                    more = '' if len(invalid) <= MAX_INVALID_REPORTED else ', ...'
                    problems.append(f'{len(invalid)} GEOS-invalid geometries (fid {shown}{more})')
            del vl
            if spatial and n_qgis is not None and not problems:
                detail = f'{n_qgis} features, crs {args.expect_crs}, {n_geom} geometries GEOS-valid, {n_null} null'
            elif not problems:
                detail = f'{n_qgis} rows (attribute table)'
            else:
                detail = '; '.join(problems)
            status = 'OK  ' if not problems else 'FAIL'
            print(f'{status} {name}: {detail}', flush=True)
            failures += bool(problems)
    finally:
        gc.collect()
        qgs.exitQgis()
    print(f'{len(layers) - failures}/{len(layers)} layer(s) passed in QGIS', flush=True)
    return 1 if failures else 0


if __name__ == '__main__':
    run(main)
