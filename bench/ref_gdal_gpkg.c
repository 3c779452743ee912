/* ref_gdal_gpkg.c — peer for GeoPackage export: GDAL (OGR C API) writing the same points with the
 * same attributes to a GeoPackage in one transaction, with GDAL's default spatial index (built when
 * the dataset is closed). Independent of libterritoire.
 *
 *   ref_gdal_gpkg POINTS.bin N OUT.gpkg
 *
 * Feature i: id "P%07d", name "Lieu i", kind (5 values), value 0.5·i, point (x_i, y_i) in Lambert-93,
 * exactly as bench_ours writes them. Prints {"seconds": …} (create → close, R-tree included). */
#include <cpl_conv.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "ref_timing.h"

static const char* kinds[] = {"bibliothèque", "musée", "salle de spectacle", "cinéma", "école de musique"};

int main(int argc, char** argv) {
    if (argc != 4) { fprintf(stderr, "usage: ref_gdal_gpkg POINTS.bin N OUT.gpkg\n"); return 2; }
    const size_t n = (size_t)strtoull(argv[2], NULL, 10);
    double* xy = malloc(n * 2 * sizeof(double));
    FILE* f = fopen(argv[1], "rb");
    if (!f || fread(xy, 2 * sizeof(double), n, f) != n) { fprintf(stderr, "ref_gdal_gpkg: cannot read %s\n", argv[1]); return 1; }
    fclose(f);
    OGRRegisterAll();
    unlink(argv[3]);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 2154);

    const double t0 = now(), c0 = cpu_now();
    OGRDataSourceH ds = OGR_Dr_CreateDataSource(OGRGetDriverByName("GPKG"), argv[3], NULL);
    if (!ds) { fprintf(stderr, "ref_gdal_gpkg: cannot create %s\n", argv[3]); return 1; }
    char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", NULL};
    OGRLayerH layer = OGR_DS_CreateLayer(ds, "points", srs, wkbPoint, options);
    const char* names[] = {"id", "name", "kind"};
    for (int k = 0; k < 3; ++k) {
        OGRFieldDefnH d = OGR_Fld_Create(names[k], OFTString);
        OGR_L_CreateField(layer, d, TRUE);
        OGR_Fld_Destroy(d);
    }
    OGRFieldDefnH dv = OGR_Fld_Create("value", OFTReal);
    OGR_L_CreateField(layer, dv, TRUE);
    OGR_Fld_Destroy(dv);
    if (OGR_L_StartTransaction(layer) != OGRERR_NONE) { fprintf(stderr, "ref_gdal_gpkg: no transaction\n"); return 1; }
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    char buf[64];
    for (size_t i = 0; i < n; ++i) {
        OGRFeatureH feat = OGR_F_Create(defn);
        snprintf(buf, sizeof buf, "P%07zu", i);
        OGR_F_SetFieldString(feat, 0, buf);
        snprintf(buf, sizeof buf, "Lieu %zu", i);
        OGR_F_SetFieldString(feat, 1, buf);
        OGR_F_SetFieldString(feat, 2, kinds[i % 5]);
        OGR_F_SetFieldDouble(feat, 3, 0.5 * (double)i);
        OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(pt, 0, xy[2 * i], xy[2 * i + 1]);
        OGR_F_SetGeometryDirectly(feat, pt);
        if (OGR_L_CreateFeature(layer, feat) != OGRERR_NONE) { fprintf(stderr, "ref_gdal_gpkg: write failed\n"); return 1; }
        OGR_F_Destroy(feat);
    }
    if (OGR_L_CommitTransaction(layer) != OGRERR_NONE) { fprintf(stderr, "ref_gdal_gpkg: commit failed\n"); return 1; }
    OGR_DS_Destroy(ds); /* the spatial index is built here */
    const double seconds = now() - t0, cpu_seconds = cpu_now() - c0;
    printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"features\": %zu}\n", seconds, cpu_seconds, n);
    OSRDestroySpatialReference(srs);
    free(xy);
    return 0;
}
