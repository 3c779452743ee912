#!/usr/bin/env bash
# demo.sh — set up, build, and run the diagnostic on the shipped Deux-Sèvres sample.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out="${1:-out/deux-sevres}"
echo "== running: build/tools/territoire run data/sample/deux-sevres/project.toml -o $out"
build/tools/territoire run data/sample/deux-sevres/project.toml -o "$out"
echo
echo "In QGIS: Project > Open From > GeoPackage > $(pwd)/$out/diagnostic.gpkg (styled layers and an atlas)."
echo "Maps: $(pwd)/$out/maps/  Identity sheets: $(pwd)/$out/sheets/index.html  Workbook: $(pwd)/$out/diagnostic.xlsx"
