// proj.cpp — implementation of the PROJ helpers.
#include "detail/proj.hpp"

#include <geodesic.h>

#include <cmath>
#include <vector>

#include "territoire/error.hpp"

namespace territoire::detail {
namespace {

std::string proj_message(PJ_CONTEXT* ctx) {
    const int err = proj_context_errno(ctx);
    const char* msg = err ? proj_context_errno_string(ctx, err) : nullptr;
    return msg ? msg : "erreur inconnue";
}

struct TransformData {
    PJ* pj;
    bool failed = false;
};

int transform_xy(double* x, double* y, void* userdata) {
    auto* data = static_cast<TransformData*>(userdata);
    PJ_COORD c = proj_coord(*x, *y, 0, 0);
    c = proj_trans(data->pj, PJ_FWD, c);
    if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) {
        data->failed = true;
        return 0;  // stops GEOS's traversal
    }
    *x = c.xy.x;
    *y = c.xy.y;
    return 1;
}

}  // namespace

Transformer::Transformer(const std::string& from, const std::string& to) {
    ctx_ = proj_context_create();
    proj_log_level(ctx_, PJ_LOG_NONE);  // failures are reported through our errors, not stderr
    PJ* raw = proj_create_crs_to_crs(ctx_, from.c_str(), to.c_str(), nullptr);
    if (!raw) {
        const std::string msg = proj_message(ctx_);
        proj_context_destroy(ctx_);
        throw Error("PROJ : pas de transformation de « " + from.substr(0, 60) + " » vers « " +
                    to.substr(0, 60) + " » : " + msg);
    }
    pj_ = proj_normalize_for_visualization(ctx_, raw);
    proj_destroy(raw);
    if (!pj_) {
        const std::string msg = proj_message(ctx_);
        proj_context_destroy(ctx_);
        throw Error("PROJ : normalisation de l'ordre des axes impossible : " + msg);
    }
}

Transformer::~Transformer() {
    proj_destroy(pj_);
    proj_context_destroy(ctx_);
}

bool Transformer::transform(double& x, double& y) const {
    PJ_COORD c = proj_trans(pj_, PJ_FWD, proj_coord(x, y, 0, 0));
    if (!std::isfinite(c.xy.x) || !std::isfinite(c.xy.y)) return false;
    x = c.xy.x;
    y = c.xy.y;
    return true;
}

GeomPtr Transformer::transform(const GeosContext& ctx, const GEOSGeometry* g) const {
    TransformData data{pj_};
    GEOSGeometry* out = GEOSGeom_transformXY_r(ctx.handle(), g, &transform_xy, &data);
    if (!out || data.failed) {
        if (out) GEOSGeom_destroy_r(ctx.handle(), out);
        return GeomPtr(nullptr, GeomDeleter{ctx.handle()});
    }
    return GeomPtr(out, GeomDeleter{ctx.handle()});
}

std::string crs_to_wkt(const std::string& definition) {
    PJ_CONTEXT* ctx = proj_context_create();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ* crs = proj_create(ctx, definition.c_str());
    if (!crs || !proj_is_crs(crs)) {
        const std::string msg = proj_message(ctx);
        if (crs) proj_destroy(crs);
        proj_context_destroy(ctx);
        throw Error("système de coordonnées inconnu « " + definition + " » (" + msg + ")");
    }
    const char* wkt = proj_as_wkt(ctx, crs, PJ_WKT2_2019, nullptr);
    std::string out = wkt ? wkt : "";
    proj_destroy(crs);
    proj_context_destroy(ctx);
    if (out.empty()) throw Error("système de coordonnées « " + definition + " » sans WKT");
    return out;
}

bool is_geographic(const std::string& definition) {
    PJ_CONTEXT* ctx = proj_context_create();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ* crs = proj_create(ctx, definition.c_str());
    const bool geographic = crs && (proj_get_type(crs) == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
                                    proj_get_type(crs) == PJ_TYPE_GEOGRAPHIC_3D_CRS);
    if (crs) proj_destroy(crs);
    proj_context_destroy(ctx);
    return geographic;
}

bool is_projected_metric(const std::string& definition) {
    PJ_CONTEXT* ctx = proj_context_create();
    proj_log_level(ctx, PJ_LOG_NONE);
    PJ* crs = proj_create(ctx, definition.c_str());
    bool ok = false;
    if (crs && proj_get_type(crs) == PJ_TYPE_PROJECTED_CRS) {
        PJ* cs = proj_crs_get_coordinate_system(ctx, crs);
        if (cs) {
            ok = proj_cs_get_axis_count(ctx, cs) >= 2;
            for (int i = 0; ok && i < 2; ++i) {
                double factor = 0;
                proj_cs_get_axis_info(ctx, cs, i, nullptr, nullptr, nullptr, &factor, nullptr,
                                      nullptr, nullptr);
                ok = std::fabs(factor - 1.0) < 1e-12;
            }
            proj_destroy(cs);
        }
    }
    if (crs) proj_destroy(crs);
    proj_context_destroy(ctx);
    return ok;
}

namespace {

double ring_area_m2(const geod_geodesic& geod, const GeosContext& ctx, const GEOSGeometry* ring) {
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(ctx.handle(), ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(ctx.handle(), seq, &n);
    if (n < 4) return 0;
    std::vector<double> lats(n - 1), lons(n - 1);  // geod_polygonarea closes the ring itself
    for (unsigned i = 0; i + 1 < n; ++i) {
        GEOSCoordSeq_getXY_r(ctx.handle(), seq, i, &lons[i], &lats[i]);
    }
    double area = 0, perimeter = 0;
    geod_polygonarea(&geod, lats.data(), lons.data(), static_cast<int>(n - 1), &area, &perimeter);
    return std::fabs(area);
}

}  // namespace

double ellipsoidal_area_km2(const GeosContext& ctx, const GEOSGeometry* lonlat) {
    geod_geodesic geod;
    geod_init(&geod, 6378137.0, 1.0 / 298.257223563);  // WGS 84
    const auto h = ctx.handle();
    double m2 = 0;
    const int n = GEOSGetNumGeometries_r(h, lonlat);
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* poly = GEOSGetGeometryN_r(h, lonlat, i);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON) continue;
        m2 += ring_area_m2(geod, ctx, GEOSGetExteriorRing_r(h, poly));
        const int holes = GEOSGetNumInteriorRings_r(h, poly);
        for (int j = 0; j < holes; ++j) m2 -= ring_area_m2(geod, ctx, GEOSGetInteriorRingN_r(h, poly, j));
    }
    return m2 / 1e6;
}

}  // namespace territoire::detail
