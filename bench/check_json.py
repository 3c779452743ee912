#!/usr/bin/python3
"""check_json.py — CI check of bench/run's JSON (the bench.tiny test): every expected comparison is
present with finite, positive times and ratio. No timing is asserted.

  check_json.py RESULTS.json
"""
import json
import math
import sys

EXPECTED = ["assign_vs_geos", "assign_vs_geopandas", "assign_batch_vs_geos", "assign_batch_vs_geopandas", "betweenness_vs_igraph", "betweenness_vs_networkx", "measures_vs_igraph", "measures_vs_networkx",
            "gpkg_vs_gdal", "gpkg_vs_ogr2ogr", "reproject_vs_proj", "reproject_vs_cs2cs", "geojson_vs_ogr2ogr",
            "access_vs_scipy", "geocode_vs_python"]
STAGES = ["load_csv", "sample_run", "sample_run_no_deliverables", "whole_run", "whole_run_no_geojson"]


def finite(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0


def main(path):
    doc = json.load(open(path))
    errors = []
    for key in ("scale", "machine", "results"):
        if key not in doc:
            errors.append(f"missing top-level key {key!r}")
    rows = {r["name"]: r for r in doc.get("results", [])}
    for name in EXPECTED:
        r = rows.get(name)
        if r is None:
            errors.append(f"missing result {name!r}")
            continue
        for key in ("ours_s", "peer_s", "ratio"):
            if not finite(r.get(key)):
                errors.append(f"{name}: {key} = {r.get(key)!r} is not a finite number")
        if not isinstance(r.get("peer"), str) or not r["peer"]:
            errors.append(f"{name}: no peer named")
    for name in STAGES:
        if name not in rows or not finite(rows[name].get("ours_s")):
            errors.append(f"missing or non-finite stage {name!r}")
    for e in errors:
        print("check_json:", e, file=sys.stderr)
    if not errors:
        print(f"check_json: OK: {len(rows)} results, every expected comparison present with finite numbers")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
