/* ref_geos_assign.c — peer for area assignment: the plain loop a GEOS user would write, independent
 * of libterritoire. Builds an STRtree over prepared polygons, then for every point queries the tree
 * and takes the first candidate whose prepared geometry intersects (covers) the point.
 *
 *   ref_geos_assign AREAS.wkb POINTS.bin OUT.bin
 *
 * AREAS.wkb: [uint32 size][WKB] per polygon, in id order; POINTS.bin: float64 x, y pairs.
 * OUT.bin: int32 area index per point (-1: none). Prints {"seconds": …} (index build + loop). */
#include <geos_c.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ref_timing.h"

static unsigned char* slurp(const char* path, size_t* size) {
    FILE* f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "ref_geos_assign: cannot open %s\n", path); exit(1); }
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char* buf = malloc(*size);
    if (fread(buf, 1, *size, f) != *size) { fprintf(stderr, "ref_geos_assign: cannot read %s\n", path); exit(1); }
    fclose(f);
    return buf;
}

struct Query {
    GEOSContextHandle_t h;
    const GEOSPreparedGeometry** prepared;
    const GEOSGeometry* point;
    int32_t found;
};

static void visit(void* item, void* userdata) {
    struct Query* q = userdata;
    const int32_t i = (int32_t)(intptr_t)item;
    if (q->found >= 0) return; /* the C API cannot stop a query: skip the remaining candidates */
    if (GEOSPreparedIntersects_r(q->h, q->prepared[i], q->point) == 1) q->found = i;
}

int main(int argc, char** argv) {
    if (argc != 4) { fprintf(stderr, "usage: ref_geos_assign AREAS.wkb POINTS.bin OUT.bin\n"); return 2; }
    GEOSContextHandle_t h = GEOS_init_r();
    size_t wkb_size, pts_size;
    unsigned char* wkb = slurp(argv[1], &wkb_size);
    double* xy = (double*)slurp(argv[2], &pts_size);
    const size_t npoints = pts_size / (2 * sizeof(double));

    GEOSWKBReader* reader = GEOSWKBReader_create_r(h);
    size_t count = 0, cap = 1024;
    GEOSGeometry** areas = malloc(cap * sizeof *areas);
    for (size_t off = 0; off < wkb_size;) {
        uint32_t n;
        memcpy(&n, wkb + off, 4);
        off += 4;
        if (count == cap) areas = realloc(areas, (cap *= 2) * sizeof *areas);
        areas[count++] = GEOSWKBReader_read_r(h, reader, wkb + off, n);
        off += n;
    }
    int32_t* out = malloc(npoints * sizeof *out);

    const double t0 = now(), c0 = cpu_now();
    GEOSSTRtree* tree = GEOSSTRtree_create_r(h, 10);
    const GEOSPreparedGeometry** prepared = malloc(count * sizeof *prepared);
    for (size_t i = 0; i < count; ++i) {
        prepared[i] = GEOSPrepare_r(h, areas[i]);
        GEOSSTRtree_insert_r(h, tree, areas[i], (void*)(intptr_t)i);
    }
    struct Query q = {h, prepared, NULL, -1};
    for (size_t i = 0; i < npoints; ++i) {
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, xy[2 * i], xy[2 * i + 1]);
        q.point = pt;
        q.found = -1;
        GEOSSTRtree_query_r(h, tree, pt, visit, &q);
        out[i] = q.found;
        GEOSGeom_destroy_r(h, pt);
    }
    const double seconds = now() - t0, cpu_seconds = cpu_now() - c0;

    FILE* f = fopen(argv[3], "wb");
    fwrite(out, sizeof *out, npoints, f);
    fclose(f);
    printf("{\"seconds\": %.6f, \"cpu_seconds\": %.6f, \"points\": %zu, \"areas\": %zu}\n", seconds, cpu_seconds, npoints, count);
    return 0;
}
