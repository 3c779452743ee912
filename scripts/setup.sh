#!/usr/bin/env bash
# setup.sh — installs what is missing (Debian 12 packages, the GeoJSON checker's npm package) and
# builds libterritoire, its CLI and Python bindings into build/. Run as root on a fresh machine;
# on a prepared one it only rebuilds. Used by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config
  libgdal-dev libproj-dev libgeos-dev libboost-graph-dev libssl-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev catch2 pybind11-dev python3-dev
  # tests and output checks with the real clients
  gdal-bin python3-gdal proj-bin python3-pytest python3-networkx python3-geopandas python3-pyproj
  python3-qgis qgis-providers
  # the consultant's workbook (diagnostic.xlsx) and its check
  libxlsxwriter-dev python3-openpyxl
  # rendered maps (maps.cpp): Cairo, the DejaVu font they are drawn with
  libcairo2-dev fonts-dejavu-core
  # HTML sheets: headless Chromium screenshots and A4 print in the tests, Pillow to read them
  chromium python3-pil
  # a French locale compiled by the tests (localedef): numbers must not follow the host's locale
  locales
  # benchmarks (bench/run): the peers igraph and GeoPandas sjoin (which needs rtree with shapely 1.8),
  # GNU time and perf for the measurements in docs/performance.md
  python3-igraph python3-rtree time linux-perf
  # survey statistics tests (issue 8): numpy IPF and scipy linear programs check raking and suppression
  python3-numpy python3-scipy
  # (python3-scipy also serves the routing benchmark, issue 7: scipy.sparse.csgraph.dijkstra as the peer)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "setup.sh: run as root (or with sudo) to install packages" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The RFC 7946 validator used by the tests (pinned in tests/checks/rfc7946/package-lock.json).
if [ ! -d tests/checks/rfc7946/node_modules/@placemarkio/check-geojson ]; then
  echo "== installing the GeoJSON checker (npm ci)"
  (cd tests/checks/rfc7946 && npm ci --no-audit --no-fund --loglevel=error)
fi
# graphology and its GEXF/GraphML parsers, with which Gephi Lite opens files (pinned in
# tests/checks/gephi/package-lock.json).
if [ ! -d tests/checks/gephi/node_modules/graphology-gexf ]; then
  echo "== installing the Gephi Lite file check (npm ci)"
  (cd tests/checks/gephi && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== building into build/"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
cmake --build build -j 2
