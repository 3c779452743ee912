/* ref_proj_trans.c — peer for reprojection: PROJ's own batch transform (proj_trans_generic) of
 * WGS 84 longitude/latitude to Lambert-93, independent of libterritoire.
 *
 *   ref_proj_trans LONLAT.bin OUT.bin        (float64 pairs in, float64 pairs out)
 *
 * Prints {"seconds": …}: the transform alone (the PJ object is created before the clock starts). */
#include <proj.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ref_timing.h"

int main(int argc, char** argv) {
    if (argc != 3) { fprintf(stderr, "usage: ref_proj_trans LONLAT.bin OUT.bin\n"); return 2; }
    FILE* f = fopen(argv[1], "rb");
    if (!f) { fprintf(stderr, "ref_proj_trans: cannot open %s\n", argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    const size_t bytes = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    double* xy = malloc(bytes);
    if (fread(xy, 1, bytes, f) != bytes) return 1;
    fclose(f);
    const size_t n = bytes / (2 * sizeof(double));

    PJ_CONTEXT* ctx = proj_context_create();
    PJ* raw = proj_create_crs_to_crs(ctx, "EPSG:4326", "EPSG:2154", NULL);
    PJ* pj = raw ? proj_normalize_for_visualization(ctx, raw) : NULL;
    if (!pj) { fprintf(stderr, "ref_proj_trans: no transformation\n"); return 1; }

    const double t0 = now(), c0 = cpu_now();
    proj_trans_generic(pj, PJ_FWD, xy, 2 * sizeof(double), n, xy + 1, 2 * sizeof(double), n, NULL, 0, 0, NULL, 0, 0);
    const double seconds = now() - t0, cpu_seconds = cpu_now() - c0;

    f = fopen(argv[2], "wb");
    fwrite(xy, 1, bytes, f);
    fclose(f);
    printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"points\": %zu}\n", seconds, cpu_seconds, n);
    proj_destroy(pj);
    proj_destroy(raw);
    proj_context_destroy(ctx);
    return 0;
}
