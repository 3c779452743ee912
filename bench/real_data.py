#!/usr/bin/python3
"""real_data.py — puts real files into the harness's data layout, so that the reprojection and
area-assignment comparisons run on them:

  bench/real_data.py --out DIR --areas FILE [FILE…] --id-field CODE \\
                     --points FILE --lon-field LON --lat-field LAT
  bench/run --data DIR --only reproject assign

Areas: any polygon layers GDAL reads (first layer of each file), reprojected to Lambert-93,
sorted by id (the order AreaIndex requires). Points: a delimited-text file with WGS 84 longitude
and latitude columns; rows whose two numbers cannot be read (French decimal commas are accepted)
are left out and counted. Writes areas.gpkg, areas.wkb, points.bin, lonlat.bin and gen.json.
"""
import argparse
import csv
import json
import struct
import sys
from pathlib import Path

import numpy as np
from osgeo import ogr, osr

osr.UseExceptions()
ogr.UseExceptions()


def number(text):
    try:
        return float(text.strip().replace(",", "."))
    except ValueError:
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--areas", nargs="+", required=True)
    ap.add_argument("--id-field", required=True)
    ap.add_argument("--points", required=True)
    ap.add_argument("--lon-field", required=True)
    ap.add_argument("--lat-field", required=True)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    l93 = osr.SpatialReference()
    l93.ImportFromEPSG(2154)
    l93.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    wgs84 = osr.SpatialReference()
    wgs84.ImportFromEPSG(4326)
    wgs84.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)

    areas = []
    for path in args.areas:
        ds = ogr.Open(path)
        layer = ds.GetLayer(0)
        to_l93 = osr.CoordinateTransformation(layer.GetSpatialRef() or wgs84, l93)
        for f in layer:
            g = f.GetGeometryRef()
            if g is None or g.IsEmpty():
                continue
            g = g.Clone()
            g.Transform(to_l93)
            areas.append((str(f.GetField(args.id_field)), ogr.ForceToMultiPolygon(g)))
    areas.sort(key=lambda a: a[0].encode())
    gpkg = out / "areas.gpkg"
    gpkg.unlink(missing_ok=True)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(gpkg))
    layer = ds.CreateLayer("areas", l93, ogr.wkbMultiPolygon)
    layer.CreateField(ogr.FieldDefn("id", ogr.OFTString))
    layer.StartTransaction()
    vertices = 0
    with open(out / "areas.wkb", "wb") as wkb_file:
        for area_id, g in areas:
            wkb = g.ExportToIsoWkb()
            wkb_file.write(struct.pack("<I", len(wkb)) + wkb)
            vertices += sum(g.GetGeometryRef(i).GetGeometryRef(k).GetPointCount()
                            for i in range(g.GetGeometryCount()) for k in range(g.GetGeometryRef(i).GetGeometryCount()))
            f = ogr.Feature(layer.GetLayerDefn())
            f.SetField("id", area_id)
            f.SetGeometry(g)
            layer.CreateFeature(f)
    layer.CommitTransaction()
    ds = None

    lonlat, skipped = [], 0
    with open(args.points, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            lon, lat = number(row.get(args.lon_field) or ""), number(row.get(args.lat_field) or "")
            if lon is None or lat is None or abs(lon) > 180 or abs(lat) > 90:
                skipped += 1
                continue
            lonlat.append((lon, lat))
    lonlat = np.asarray(lonlat, dtype=np.float64)
    to_l93 = osr.CoordinateTransformation(wgs84, l93)
    xy = np.asarray(to_l93.TransformPoints(lonlat), dtype=np.float64)[:, :2]
    lonlat.tofile(out / "lonlat.bin")
    np.ascontiguousarray(xy).tofile(out / "points.bin")
    gen = {"generator": None, "real": {"areas": args.areas, "points": args.points}, "areas": len(areas),
           "points": len(xy), "points_skipped": skipped,
           "area_vertices_mean": round(vertices / max(1, len(areas)), 1)}
    (out / "gen.json").write_text(json.dumps(gen, indent=1) + "\n")
    print(json.dumps(gen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
