#!/bin/sh
# Run every independent check on one `territoire run` output directory.
#
# usage: tests/checks/run_all.sh OUTDIR [--expect-crs EPSG:2154]
# Needs `npm ci --no-audit --no-fund` to have been run in tests/checks/rfc7946 and tests/checks/gephi.
# Runs all checks even when one fails; exit status 1 if any failed.
set -u
if [ "$#" -lt 1 ]; then
    echo "usage: $0 OUTDIR [--expect-crs EPSG:NNNN]" >&2
    exit 2
fi
out=$1; shift
crs=EPSG:2154
if [ "${1:-}" = "--expect-crs" ] && [ -n "${2:-}" ]; then crs=$2; fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
failed=""

echo "== GDAL validate_gpkg.py"
"$here/validate_gpkg.sh" "$out/diagnostic.gpkg" || failed="$failed validate_gpkg"

echo "== QGIS (PyQGIS, ogr provider)"
/usr/bin/python3 "$here/qgis_open.py" "$out/diagnostic.gpkg" --expect-crs "$crs" || failed="$failed qgis_open"

echo "== QGIS styles and project stored in the GeoPackage (PyQGIS)"
/usr/bin/python3 "$here/qgis_project.py" "$out/diagnostic.gpkg" --png "$out/.qgis-check/atlas-page.png" --expect-crs "$crs" \
    || failed="$failed qgis_project"

echo "== RFC 7946 (@placemarkio/check-geojson)"
if [ ! -d "$here/rfc7946/node_modules/@placemarkio/check-geojson" ]; then
    echo "rfc7946: node_modules missing; run: (cd $here/rfc7946 && npm ci --no-audit --no-fund)" >&2
    failed="$failed rfc7946"
else
    /usr/bin/node "$here/rfc7946/check.mjs" "$out"/geojson/*.geojson || failed="$failed rfc7946"
fi

echo "== Gephi Lite (graphology GEXF/GraphML parsers)"
if [ ! -d "$here/gephi/node_modules/graphology-gexf" ]; then
    echo "gephi: node_modules missing; run: (cd $here/gephi && npm ci --no-audit --no-fund)" >&2
    failed="$failed gephi"
else
    /usr/bin/node "$here/gephi/check.mjs" "$out" || failed="$failed gephi"
fi

echo "== rendered maps (maps/: PNG size and colours, SVG text, one-page PDF)"
if [ -d "$out/maps" ]; then
    TERRITOIRE_OUT="$out" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$here/maps" || failed="$failed maps"
else
    echo "maps: no maps/ folder (run without --no-maps)" >&2
    failed="$failed maps"
fi

echo "== pytest reference checks"
TERRITOIRE_OUT="$out" TERRITOIRE_CRS="$crs" /usr/bin/python3 -m pytest -q -p no:cacheprovider "$repo/tests/python" \
    || failed="$failed pytest"

if [ -n "$failed" ]; then
    echo "FAILED:$failed" >&2
    exit 1
fi
echo "all checks passed"
