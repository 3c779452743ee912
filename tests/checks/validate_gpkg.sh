#!/bin/sh
# Validate a GeoPackage with GDAL's reference validator (OGC GeoPackage 1.x
# requirements, plus --extra checks), treating warnings as errors.
#
# usage: tests/checks/validate_gpkg.sh DIR/diagnostic.gpkg
# Exit status: the validator's (0 = valid), 2 on usage error.
set -u

VALIDATOR=/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py
PY=/usr/bin/python3   # Debian's interpreter, which has python3-gdal

if [ "$#" -ne 1 ]; then
    echo "usage: $0 FILE.gpkg" >&2
    exit 2
fi
gpkg=$1
if [ ! -f "$gpkg" ]; then
    echo "validate_gpkg: FAIL: no such file: $gpkg" >&2
    exit 2
fi
if [ ! -f "$VALIDATOR" ]; then
    echo "validate_gpkg: FAIL: GDAL validator not found at $VALIDATOR (install python3-gdal)" >&2
    exit 2
fi

"$PY" "$VALIDATOR" -k --extra --warning-as-error "$gpkg"
status=$?
if [ "$status" -eq 0 ]; then
    echo "validate_gpkg: OK: $gpkg is a valid GeoPackage (GDAL validate_gpkg.py -k --extra --warning-as-error)"
else
    echo "validate_gpkg: FAIL: $gpkg did not pass GDAL validate_gpkg.py -k --extra --warning-as-error (exit status $status); see the messages above" >&2
fi
exit "$status"
