// gen.cpp — seeded synthetic national-scale data for the benchmark harness (bench/run), in
// Lambert-93 (EPSG:2154). Independent of libterritoire: GEOS, GDAL (OGR C API) and PROJ only.
//
// What it makes, in --out DIR:
//   territory.gpkg   one polygon: a France-sized octagon (the "hull")
//   areas.gpkg       Voronoi cells of seeded points clipped to the hull, borders densified and
//                    slightly wiggled so that a cell has tens to hundreds of vertices; neighbours
//                    share bit-identical borders (no gaps, no overlaps)
//   areas.wkb        the same polygons, [uint32 size][WKB] each, in id order, for the reference programs
//   points.bin       float64 x, y pairs (Lambert-93): points spread like population (clustered
//                    around seeded towns of Zipf-like sizes, plus a rural background); a few are
//                    placed exactly on cell vertices to exercise the shared-boundary rule
//   lonlat.bin       the same points in WGS 84 longitude, latitude (for the reprojection stage)
//   export.csv       the first --export points with the attributes written by the GPKG stage
//   actors.csv       the first --actors points as actors (longitude/latitude columns, 7 decimals)
//   places.csv       --places other points, Lambert-93 x/y columns
//   links.csv        cooperation links between the first --run-graph-nodes actors (communities)
//   graph.txt        the betweenness bench graph: "n m" then m lines "u v" (communities, simple graph)
//   graph-measures.txt  the links.csv graph in the same form, for the bench of every measure
//   gen.json         the parameters and a few statistics (vertices per polygon…)
#include <cpl_conv.h>
#include <geos_c.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// ---- deterministic random numbers (splitmix64: same stream on every platform) ----------------
struct Rng {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
    double normal() {  // Box-Muller
        double u = uniform();
        while (u <= 0) u = uniform();
        return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * M_PI * uniform());
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(uniform() * static_cast<double>(n)); }
};

struct Params {
    std::string out;
    std::uint64_t seed = 42;
    std::size_t areas = 500, points = 20000, exports = 10000, actors = 20000, places = 1000;
    std::size_t run_graph_nodes = 300, run_graph_links = 1500;
    std::size_t graph_nodes = 300, graph_edges = 1500;
};

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "bench_gen: %s\n", message.c_str());
    std::exit(1);
}

// France-sized octagon in Lambert-93 metres (about 1 000 km across, 540 000 km²).
const std::vector<std::pair<double, double>> kHull = {
    {380000, 6080000}, {720000, 6040000}, {1060000, 6180000}, {1100000, 6580000},
    {1000000, 6950000}, {650000, 7120000}, {250000, 6880000}, {120000, 6500000}, {380000, 6080000}};

struct Town {
    double x, y, sigma;
};

// Towns: uniform in the hull's envelope (kept if inside), Zipf-like weights; a point is drawn
// around a town chosen by weight (Gaussian), or uniformly in the envelope for the rural share.
class Population {
public:
    Population(Rng& rng, std::size_t towns, GEOSContextHandle_t h, const GEOSPreparedGeometry* hull) {
        double total = 0;
        while (towns_.size() < towns) {
            const double x = 120000 + rng.uniform() * 980000, y = 6040000 + rng.uniform() * 1080000;
            GEOSGeometry* p = GEOSGeom_createPointFromXY_r(h, x, y);
            const bool inside = GEOSPreparedContains_r(h, hull, p) == 1;
            GEOSGeom_destroy_r(h, p);
            if (!inside) continue;
            const double weight = 1.0 / std::pow(static_cast<double>(towns_.size() + 1), 1.1);
            // A big town spreads wider: sigma from 1.5 km to ~15 km.
            towns_.push_back({x, y, 1500.0 + 15000.0 * std::sqrt(weight)});
            total += weight;
            cumulative_.push_back(total);
        }
        for (double& c : cumulative_) c /= total;
    }
    std::pair<double, double> draw(Rng& rng) const {
        if (rng.uniform() < 0.15) return {120000 + rng.uniform() * 980000, 6040000 + rng.uniform() * 1080000};
        const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), rng.uniform());
        const Town& t = towns_[static_cast<std::size_t>(std::min<std::ptrdiff_t>(it - cumulative_.begin(),
                                                                                    static_cast<std::ptrdiff_t>(towns_.size()) - 1))];
        return {t.x + rng.normal() * t.sigma, t.y + rng.normal() * t.sigma};
    }

private:
    std::vector<Town> towns_;
    std::vector<double> cumulative_;
};

std::uint64_t hash_xy(double x, double y, std::uint64_t i) {
    std::uint64_t a, b;
    std::memcpy(&a, &x, 8);
    std::memcpy(&b, &y, 8);
    Rng r{a * 31 + b * 1000003 + i};
    return r.next();
}

// Densifies a ring so that no segment is longer than `step` metres, moving each new vertex
// sideways by up to 10 % of the spacing. Every new vertex depends only on the segment's two
// endpoints (taken in a canonical order), so a border shared by two cells gets the same vertices
// in both: the tessellation stays exact.
GEOSGeometry* densify_ring(GEOSContextHandle_t h, const GEOSGeometry* ring, double step) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    GEOSCoordSeq_getSize_r(h, seq, &n);
    std::vector<double> xs, ys;
    for (unsigned int i = 0; i + 1 < n; ++i) {
        double ax, ay, bx, by;
        GEOSCoordSeq_getXY_r(h, seq, i, &ax, &ay);
        GEOSCoordSeq_getXY_r(h, seq, i + 1, &bx, &by);
        xs.push_back(ax);
        ys.push_back(ay);
        const bool forward = std::make_pair(ax, ay) < std::make_pair(bx, by);
        const double px = forward ? ax : bx, py = forward ? ay : by, qx = forward ? bx : ax, qy = forward ? by : ay;
        const double len = std::hypot(qx - px, qy - py);
        const int parts = std::max(1, static_cast<int>(std::ceil(len / step)));
        std::vector<std::pair<double, double>> mid;
        for (int k = 1; k < parts; ++k) {
            const double t = static_cast<double>(k) / parts;
            const double jitter = (static_cast<double>(hash_xy(px, py, static_cast<std::uint64_t>(k)) >> 11) * 0x1.0p-53 - 0.5) *
                                  0.2 * (len / parts);
            const double nx = -(qy - py) / len, ny = (qx - px) / len;
            mid.emplace_back(px + t * (qx - px) + jitter * nx, py + t * (qy - py) + jitter * ny);
        }
        if (!forward) std::reverse(mid.begin(), mid.end());
        for (const auto& [x, y] : mid) {
            xs.push_back(x);
            ys.push_back(y);
        }
    }
    xs.push_back(xs.front());
    ys.push_back(ys.front());
    GEOSCoordSequence* out = GEOSCoordSeq_create_r(h, static_cast<unsigned int>(xs.size()), 2);
    for (std::size_t i = 0; i < xs.size(); ++i) GEOSCoordSeq_setXY_r(h, out, static_cast<unsigned int>(i), xs[i], ys[i]);
    return GEOSGeom_createLinearRing_r(h, out);
}

GEOSGeometry* densify_polygon(GEOSContextHandle_t h, const GEOSGeometry* poly, double step) {
    GEOSGeometry* shell = densify_ring(h, GEOSGetExteriorRing_r(h, poly), step);
    const int holes = GEOSGetNumInteriorRings_r(h, poly);
    std::vector<GEOSGeometry*> inner;
    for (int i = 0; i < holes; ++i) inner.push_back(densify_ring(h, GEOSGetInteriorRingN_r(h, poly, i), step));
    return GEOSGeom_createPolygon_r(h, shell, inner.data(), static_cast<unsigned int>(inner.size()));
}

// Enclaves and exclaves, as real communes have, so that the harness also checks areas with holes
// and multi-part areas. Every 40th interior cell gets a small hexagonal enclave: the hexagon
// becomes a hole of the cell and a new area of its own, sharing the ring exactly (its vertices are
// added to `vertices`, the shared-boundary test points). Every 40th cell (offset 20) takes as a
// second part the nearest cell that does not touch it (the latter is removed).
std::pair<std::size_t, std::size_t> enclaves_and_exclaves(GEOSContextHandle_t h, std::vector<GEOSGeometry*>& areas,
                                                          const std::vector<bool>& interior, double step,
                                                          std::vector<std::pair<double, double>>& vertices) {
    std::size_t enclaves = 0, exclaves = 0;
    const std::size_t n = areas.size();
    for (std::size_t i = 0; i < n; i += 40) {
        if (!interior[i]) continue;
        double area = 0, cx = 0, cy = 0;
        GEOSArea_r(h, areas[i], &area);
        GEOSGeometry* c = GEOSGetCentroid_r(h, areas[i]);
        GEOSGeomGetX_r(h, c, &cx);
        GEOSGeomGetY_r(h, c, &cy);
        GEOSGeom_destroy_r(h, c);
        const double r = 0.15 * std::sqrt(area);
        GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, 7, 2);
        for (unsigned int k = 0; k <= 6; ++k) {
            const double a = 2.0 * M_PI * (k % 6) / 6.0;
            GEOSCoordSeq_setXY_r(h, seq, k, cx + r * std::cos(a), cy + r * std::sin(a));
        }
        GEOSGeometry* hexagon = GEOSGeom_createLinearRing_r(h, seq);
        GEOSGeometry* ring = densify_ring(h, hexagon, step);
        GEOSGeom_destroy_r(h, hexagon);
        GEOSGeometry* enclave = GEOSGeom_createPolygon_r(h, GEOSGeom_clone_r(h, ring), nullptr, 0);
        const GEOSPreparedGeometry* cell = GEOSPrepare_r(h, areas[i]);
        const bool room = GEOSPreparedContainsProperly_r(h, cell, enclave) == 1;
        GEOSPreparedGeom_destroy_r(h, cell);
        if (!room) {  // a thin cell
            GEOSGeom_destroy_r(h, enclave);
            GEOSGeom_destroy_r(h, ring);
            continue;
        }
        const GEOSCoordSequence* rs = GEOSGeom_getCoordSeq_r(h, ring);
        for (unsigned int k = 0; k < 6; ++k) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, rs, k, &x, &y);
            vertices.emplace_back(x, y);
        }
        GEOSGeometry* shell = GEOSGeom_clone_r(h, GEOSGetExteriorRing_r(h, areas[i]));
        GEOSGeometry* holed = GEOSGeom_createPolygon_r(h, shell, &ring, 1);
        GEOSGeom_destroy_r(h, areas[i]);
        areas[i] = holed;
        areas.push_back(enclave);
        ++enclaves;
    }
    // Exclaves: a second part a few cells away (the nearest cell not touching this one), as real
    // communes have; far-apart parts would make bounding boxes span the country.
    std::vector<std::pair<double, double>> centre(areas.size());
    for (std::size_t i = 0; i < areas.size(); ++i) {
        GEOSGeometry* c = GEOSGetCentroid_r(h, areas[i]);
        GEOSGeomGetX_r(h, c, &centre[i].first);
        GEOSGeomGetY_r(h, c, &centre[i].second);
        GEOSGeom_destroy_r(h, c);
    }
    std::vector<bool> removed(areas.size(), false);
    for (std::size_t i = 20; i < n; i += 40) {
        if (removed[i] || GEOSGeomTypeId_r(h, areas[i]) != GEOS_POLYGON) continue;
        std::size_t best = areas.size();
        double best_d = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || removed[j] || j % 40 == 20 || GEOSGeomTypeId_r(h, areas[j]) != GEOS_POLYGON) continue;
            const double d = std::hypot(centre[i].first - centre[j].first, centre[i].second - centre[j].second);
            if (d < best_d && GEOSIntersects_r(h, areas[i], areas[j]) == 0) {
                best_d = d;
                best = j;
            }
        }
        if (best == areas.size()) continue;
        GEOSGeometry* parts[2] = {areas[i], areas[best]};
        areas[i] = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 2);
        removed[best] = true;
        ++exclaves;
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < areas.size(); ++i)
        if (!removed[i]) areas[kept++] = areas[i];
    areas.resize(kept);
    return {enclaves, exclaves};
}

OGRDataSourceH create_gpkg(const std::string& path) {
    std::remove(path.c_str());
    OGRSFDriverH drv = OGRGetDriverByName("GPKG");
    OGRDataSourceH ds = OGR_Dr_CreateDataSource(drv, path.c_str(), nullptr);
    if (!ds) die("cannot create " + path);
    return ds;
}

OGRSpatialReferenceH lambert93() {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(nullptr);
    OSRImportFromEPSG(srs, 2154);
    return srs;
}

// A simple graph with `k` communities: an edge stays in its community with probability 0.9.
std::vector<std::pair<std::size_t, std::size_t>> community_graph(Rng& rng, std::size_t n, std::size_t m) {
    std::set<std::pair<std::size_t, std::size_t>> edges;
    const std::size_t k = std::max<std::size_t>(1, n / 100);
    if (n < 2) return {};
    const std::size_t max_edges = n * (n - 1) / 2;
    m = std::min(m, max_edges);
    while (edges.size() < m) {
        const std::size_t u = rng.below(n);
        std::size_t v;
        if (rng.uniform() < 0.9) {
            const std::size_t c = u % k;  // community of u: nodes with the same residue
            v = c + k * rng.below((n - c + k - 1) / k);
        } else {
            v = rng.below(n);
        }
        if (u == v || v >= n) continue;
        edges.insert({std::min(u, v), std::max(u, v)});
    }
    return {edges.begin(), edges.end()};
}

std::size_t arg(int argc, char** argv, int& i) {
    if (i + 1 >= argc) die(std::string("missing value after ") + argv[i]);
    return static_cast<std::size_t>(std::stoull(argv[++i]));
}

}  // namespace

int main(int argc, char** argv) {
    Params p;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--out" && i + 1 < argc) p.out = argv[++i];
        else if (a == "--seed") p.seed = arg(argc, argv, i);
        else if (a == "--areas") p.areas = arg(argc, argv, i);
        else if (a == "--points") p.points = arg(argc, argv, i);
        else if (a == "--export") p.exports = arg(argc, argv, i);
        else if (a == "--actors") p.actors = arg(argc, argv, i);
        else if (a == "--places") p.places = arg(argc, argv, i);
        else if (a == "--run-graph-nodes") p.run_graph_nodes = arg(argc, argv, i);
        else if (a == "--run-graph-links") p.run_graph_links = arg(argc, argv, i);
        else if (a == "--graph-nodes") p.graph_nodes = arg(argc, argv, i);
        else if (a == "--graph-edges") p.graph_edges = arg(argc, argv, i);
        else die("unknown argument " + a);
    }
    if (p.out.empty()) die("--out DIR is required");
    if (p.exports > p.points || p.actors > p.points) die("--export and --actors must not exceed --points");
    if (p.run_graph_nodes > p.actors) die("--run-graph-nodes must not exceed --actors");

    GEOSContextHandle_t h = GEOS_init_r();
    OGRRegisterAll();
    Rng rng{p.seed};

    // The hull and the population model.
    GEOSCoordSequence* hs = GEOSCoordSeq_create_r(h, static_cast<unsigned int>(kHull.size()), 2);
    for (std::size_t i = 0; i < kHull.size(); ++i)
        GEOSCoordSeq_setXY_r(h, hs, static_cast<unsigned int>(i), kHull[i].first, kHull[i].second);
    GEOSGeometry* hull = GEOSGeom_createPolygon_r(h, GEOSGeom_createLinearRing_r(h, hs), nullptr, 0);
    const GEOSPreparedGeometry* hull_prep = GEOSPrepare_r(h, hull);
    const Population population(rng, std::max<std::size_t>(20, p.areas / 10), h, hull_prep);

    // Areas: Voronoi cells of seeds drawn like the population (small cells where people live).
    std::vector<GEOSGeometry*> seeds;
    std::set<std::pair<double, double>> seen;
    while (seeds.size() < p.areas) {
        const auto [x, y] = population.draw(rng);
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(h, x, y);
        if (GEOSPreparedContains_r(h, hull_prep, pt) != 1 || !seen.insert({x, y}).second) {
            GEOSGeom_destroy_r(h, pt);
            continue;
        }
        seeds.push_back(pt);
    }
    GEOSGeometry* multipoint = GEOSGeom_createCollection_r(h, GEOS_MULTIPOINT, seeds.data(), static_cast<unsigned int>(seeds.size()));
    GEOSGeometry* cells = GEOSVoronoiDiagram_r(h, multipoint, hull, 0.0, 0);
    if (!cells) die("GEOS Voronoi failed");
    // Border spacing so that a cell of mean size gets about 100 vertices (perimeter ≈ 3.7·√area).
    double hull_area = 0;
    GEOSArea_r(h, hull, &hull_area);
    const double step = 3.7 * std::sqrt(hull_area / static_cast<double>(p.areas)) / 100.0;
    std::vector<GEOSGeometry*> areas;
    std::vector<std::pair<double, double>> vertices;  // original Voronoi vertices, for boundary points
    std::vector<bool> interior;                       // cell not clipped by the hull
    for (int i = 0; i < GEOSGetNumGeometries_r(h, cells); ++i) {
        const GEOSGeometry* cell = GEOSGetGeometryN_r(h, cells, i);
        GEOSGeometry* clipped = GEOSPreparedContainsProperly_r(h, hull_prep, cell) == 1 ? GEOSGeom_clone_r(h, cell)
                                                                                         : GEOSIntersection_r(h, cell, hull);
        if (!clipped || GEOSisEmpty_r(h, clipped)) continue;
        if (GEOSGeomTypeId_r(h, clipped) != GEOS_POLYGON) die("unexpected clipped cell type");
        if (areas.size() < 2000 && GEOSPreparedContainsProperly_r(h, hull_prep, cell) == 1) {
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, clipped));
            double x, y;
            GEOSCoordSeq_getXY_r(h, seq, 0, &x, &y);
            vertices.emplace_back(x, y);
        }
        areas.push_back(densify_polygon(h, clipped, step));
        interior.push_back(GEOSPreparedContainsProperly_r(h, hull_prep, cell) == 1);
        GEOSGeom_destroy_r(h, clipped);
    }
    const auto [enclaves, exclaves] = enclaves_and_exclaves(h, areas, interior, step, vertices);
    std::size_t total_vertices = 0, max_vertices = 0, invalid = 0;
    for (const GEOSGeometry* a : areas) {
        const auto nv = static_cast<std::size_t>(GEOSGetNumCoordinates_r(h, a));
        total_vertices += nv;
        max_vertices = std::max(max_vertices, nv);
        if (GEOSisValid_r(h, a) != 1) ++invalid;
    }

    // areas.gpkg, territory.gpkg, areas.wkb
    OGRSpatialReferenceH srs = lambert93();
    {
        OGRDataSourceH ds = create_gpkg(p.out + "/areas.gpkg");
        OGRLayerH layer = OGR_DS_CreateLayer(ds, "areas", srs, wkbMultiPolygon, nullptr);
        OGRFieldDefnH fid = OGR_Fld_Create("id", OFTString), fname = OGR_Fld_Create("name", OFTString),
                      fpop = OGR_Fld_Create("population", OFTInteger);
        OGR_L_CreateField(layer, fid, TRUE);
        OGR_L_CreateField(layer, fname, TRUE);
        OGR_L_CreateField(layer, fpop, TRUE);
        if (OGR_L_StartTransaction(layer) != OGRERR_NONE) die("cannot start a transaction in areas.gpkg");
        GEOSWKBWriter* writer = GEOSWKBWriter_create_r(h);
        std::ofstream wkb_file(p.out + "/areas.wkb", std::ios::binary);
        for (std::size_t i = 0; i < areas.size(); ++i) {
            std::size_t size = 0;
            unsigned char* wkb = GEOSWKBWriter_write_r(h, writer, areas[i], &size);
            const auto size32 = static_cast<std::uint32_t>(size);
            wkb_file.write(reinterpret_cast<const char*>(&size32), 4);
            wkb_file.write(reinterpret_cast<const char*>(wkb), static_cast<std::streamsize>(size));
            OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
            char id[32];
            std::snprintf(id, sizeof id, "Z%07zu", i + 1);  // zero-padded: text order = index order
            OGR_F_SetFieldString(f, 0, id);
            OGR_F_SetFieldString(f, 1, (std::string("Zone ") + id).c_str());
            OGR_F_SetFieldInteger(f, 2, 200 + static_cast<int>(rng.below(5000)));
            OGRGeometryH g = nullptr;
            OGR_G_CreateFromWkb(wkb, nullptr, &g, static_cast<int>(size));
            OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(g));
            if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) die("cannot write areas.gpkg");
            OGR_F_Destroy(f);
            GEOSFree_r(h, wkb);
        }
        GEOSWKBWriter_destroy_r(h, writer);
        if (OGR_L_CommitTransaction(layer) != OGRERR_NONE) die("cannot commit areas.gpkg");
        OGR_Fld_Destroy(fid);
        OGR_Fld_Destroy(fname);
        OGR_Fld_Destroy(fpop);
        OGR_DS_Destroy(ds);
    }
    {
        OGRDataSourceH ds = create_gpkg(p.out + "/territory.gpkg");
        OGRLayerH layer = OGR_DS_CreateLayer(ds, "territory", srs, wkbPolygon, nullptr);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
        char* wkt = GEOSGeomToWKT_r(h, hull);
        OGRGeometryH g = nullptr;
        char* cursor = wkt;
        OGR_G_CreateFromWkt(&cursor, nullptr, &g);
        OGR_F_SetGeometryDirectly(f, g);
        if (OGR_L_CreateFeature(layer, f) != OGRERR_NONE) die("cannot write territory.gpkg");
        OGR_F_Destroy(f);
        GEOSFree_r(h, wkt);
        OGR_DS_Destroy(ds);
    }

    // Points: population-like, plus a few exactly on shared cell vertices.
    std::vector<double> xy(2 * p.points);
    for (std::size_t i = 0; i < p.points; ++i) {
        const auto [x, y] = population.draw(rng);
        xy[2 * i] = x;
        xy[2 * i + 1] = y;
    }
    const std::size_t on_vertex = std::min(vertices.size(), p.points / 2000);
    for (std::size_t k = 0; k < on_vertex; ++k) {  // spread over the Voronoi and the enclave vertices
        const std::size_t i = rng.below(p.points);
        const auto& v = vertices[k * vertices.size() / on_vertex];
        xy[2 * i] = v.first;
        xy[2 * i + 1] = v.second;
    }
    {
        std::ofstream f(p.out + "/points.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(xy.data()), static_cast<std::streamsize>(xy.size() * sizeof(double)));
    }
    std::vector<double> lonlat = xy;
    {
        PJ_CONTEXT* pc = proj_context_create();
        PJ* raw = proj_create_crs_to_crs(pc, "EPSG:2154", "EPSG:4326", nullptr);
        PJ* pj = proj_normalize_for_visualization(pc, raw);
        proj_trans_generic(pj, PJ_FWD, lonlat.data(), 2 * sizeof(double), p.points, lonlat.data() + 1, 2 * sizeof(double),
                           p.points, nullptr, 0, 0, nullptr, 0, 0);
        proj_destroy(pj);
        proj_destroy(raw);
        proj_context_destroy(pc);
        std::ofstream f(p.out + "/lonlat.bin", std::ios::binary);
        f.write(reinterpret_cast<const char*>(lonlat.data()), static_cast<std::streamsize>(lonlat.size() * sizeof(double)));
    }

    // Delimited text for the loader and the whole run.
    static const char* kKinds[] = {"bibliothèque", "musée", "salle de spectacle", "cinéma", "école de musique"};
    static const char* kFamilies[] = {"lecture publique", "spectacle vivant", "patrimoine", "arts visuels", "musique"};
    {
        FILE* f = std::fopen((p.out + "/export.csv").c_str(), "w");
        std::fprintf(f, "id,name,kind,value,x,y\n");
        for (std::size_t i = 0; i < p.exports; ++i)
            std::fprintf(f, "P%07zu,Lieu %zu,%s,%.1f,%.3f,%.3f\n", i, i, kKinds[i % 5], 0.5 * static_cast<double>(i),
                         xy[2 * i], xy[2 * i + 1]);
        std::fclose(f);
    }
    {
        FILE* f = std::fopen((p.out + "/actors.csv").c_str(), "w");
        std::fprintf(f, "actor_id,nom,famille,longitude,latitude\n");
        for (std::size_t i = 0; i < p.actors; ++i)
            std::fprintf(f, "A%07zu,Association %zu,%s,%.7f,%.7f\n", i, i, kFamilies[(i * 7) % 5], lonlat[2 * i],
                         lonlat[2 * i + 1]);
        std::fclose(f);
    }
    {
        FILE* f = std::fopen((p.out + "/places.csv").c_str(), "w");
        std::fprintf(f, "id,nom,type,capacite,x,y\n");
        for (std::size_t i = 0; i < p.places; ++i) {
            const auto [x, y] = population.draw(rng);
            std::fprintf(f, "L%07zu,Lieu %zu,%s,%zu,%.2f,%.2f\n", i, i, kKinds[i % 5], 50 + rng.below(950), x, y);
        }
        std::fclose(f);
    }
    {
        FILE* f = std::fopen((p.out + "/links.csv").c_str(), "w");
        std::fprintf(f, "source,cible,type,poids\n");
        static const char* kLinkKinds[] = {"partenariat", "coproduction", "prêt", "résidence"};
        const auto edges = community_graph(rng, p.run_graph_nodes, p.run_graph_links);
        for (const auto& [u, v] : edges)
            std::fprintf(f, "A%07zu,A%07zu,%s,%zu\n", u, v, kLinkKinds[(u + v) % 4], 1 + rng.below(5));
        std::fclose(f);
        // The same graph for the measures bench (issue 4: 10 000 actors, 50 000 links at national scale).
        FILE* g = std::fopen((p.out + "/graph-measures.txt").c_str(), "w");
        std::fprintf(g, "%zu %zu\n", p.run_graph_nodes, edges.size());
        for (const auto& [u, v] : edges) std::fprintf(g, "%zu %zu\n", u, v);
        std::fclose(g);
    }
    {
        const auto edges = community_graph(rng, p.graph_nodes, p.graph_edges);
        FILE* f = std::fopen((p.out + "/graph.txt").c_str(), "w");
        std::fprintf(f, "%zu %zu\n", p.graph_nodes, edges.size());
        for (const auto& [u, v] : edges) std::fprintf(f, "%zu %zu\n", u, v);
        std::fclose(f);
    }
    {
        FILE* f = std::fopen((p.out + "/gen.json").c_str(), "w");
        std::fprintf(f,
                     "{\"seed\": %llu, \"areas\": %zu, \"points\": %zu, \"export\": %zu, \"actors\": %zu, \"places\": %zu,\n"
                     " \"run_graph_nodes\": %zu, \"run_graph_links\": %zu, \"graph_nodes\": %zu, \"graph_edges\": %zu,\n"
                     " \"area_vertices_mean\": %.1f, \"area_vertices_max\": %zu, \"areas_invalid\": %zu,\n"
                     " \"points_on_shared_vertices\": %zu, \"enclaves\": %zu, \"exclaves\": %zu, \"generator\": 3}\n",
                     static_cast<unsigned long long>(p.seed), areas.size(), p.points, p.exports, p.actors, p.places,
                     p.run_graph_nodes, p.run_graph_links, p.graph_nodes, p.graph_edges,
                     static_cast<double>(total_vertices) / static_cast<double>(areas.size()), max_vertices, invalid, on_vertex,
                     enclaves, exclaves);
        std::fclose(f);
    }
    OSRDestroySpatialReference(srs);
    for (GEOSGeometry* a : areas) GEOSGeom_destroy_r(h, a);
    GEOSGeom_destroy_r(h, cells);
    GEOSGeom_destroy_r(h, multipoint);
    GEOSPreparedGeom_destroy_r(h, hull_prep);
    GEOSGeom_destroy_r(h, hull);
    GEOS_finish_r(h);
    return 0;
}
