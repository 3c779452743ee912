#!/usr/bin/env bash
# test.sh — set up, build, and run every test: C++ units, CLI, the sample end to end, its outputs
# checked with GDAL's validator, QGIS and an RFC 7946 validator, reference checks against networkx
# and GDAL SQL, and the Python bindings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j 2
