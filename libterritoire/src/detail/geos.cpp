// geos.cpp — implementation of the GEOS RAII helpers.
#include "detail/geos.hpp"

#include <cstdarg>
#include <vector>

#include "territoire/error.hpp"

namespace territoire::detail {

GeosContext::GeosContext() : handle_(GEOS_init_r()) {
    if (!handle_) throw Error("GEOS : impossible de créer un contexte");
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
}

GeosContext::~GeosContext() { GEOS_finish_r(handle_); }

void GeosContext::on_error(const char* message, void* self) {
    static_cast<GeosContext*>(self)->last_error_ = message ? message : "";
}

GeomPtr own(const GeosContext& ctx, GEOSGeometry* g, const char* what) {
    if (!g) throw Error(std::string("GEOS : ") + what + " a échoué : " + ctx.last_error());
    return GeomPtr(g, GeomDeleter{ctx.handle()});
}

GeomPtr from_wkb(const GeosContext& ctx, const Wkb& wkb) {
    return own(ctx, GEOSGeomFromWKB_buf_r(ctx.handle(), wkb.data(), wkb.size()), "lecture WKB");
}

GeomPtr from_wkt(const GeosContext& ctx, const std::string& wkt) {
    GEOSWKTReader* reader = GEOSWKTReader_create_r(ctx.handle());
    GEOSGeometry* g = GEOSWKTReader_read_r(ctx.handle(), reader, wkt.c_str());
    GEOSWKTReader_destroy_r(ctx.handle(), reader);
    return GeomPtr(g, GeomDeleter{ctx.handle()});
}

GeomPtr make_point(const GeosContext& ctx, double x, double y) {
    return own(ctx, GEOSGeom_createPointFromXY_r(ctx.handle(), x, y), "création d'un point");
}

Wkb to_wkb(const GeosContext& ctx, const GEOSGeometry* g) {
    GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx.handle());
    GEOSWKBWriter_setOutputDimension_r(ctx.handle(), writer, 2);
    GEOSWKBWriter_setByteOrder_r(ctx.handle(), writer, GEOS_WKB_NDR);
    GEOSWKBWriter_setFlavor_r(ctx.handle(), writer, GEOS_WKB_ISO);
    std::size_t size = 0;
    unsigned char* buf = GEOSWKBWriter_write_r(ctx.handle(), writer, g, &size);
    GEOSWKBWriter_destroy_r(ctx.handle(), writer);
    if (!buf) throw Error("GEOS : écriture WKB impossible : " + ctx.last_error());
    Wkb out(buf, buf + size);
    GEOSFree_r(ctx.handle(), buf);
    return out;
}

PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* g) {
    const GEOSPreparedGeometry* p = GEOSPrepare_r(ctx.handle(), g);
    if (!p) throw Error("GEOS : préparation impossible : " + ctx.last_error());
    return PreparedPtr(p, PreparedDeleter{ctx.handle()});
}

GeomPtr to_multipolygon(const GeosContext& ctx, GeomPtr g) {
    const int type = GEOSGeomTypeId_r(ctx.handle(), g.get());
    if (type == GEOS_MULTIPOLYGON) return g;
    if (type == GEOS_POLYGON) {
        GEOSGeometry* parts[1] = {g.release()};
        return own(ctx, GEOSGeom_createCollection_r(ctx.handle(), GEOS_MULTIPOLYGON, parts, 1),
                   "création d'un multipolygone");
    }
    if (type == GEOS_GEOMETRYCOLLECTION) return to_multipolygon(ctx, polygonal_part(ctx, std::move(g)));
    throw Error("géométrie non surfacique");
}

GeomPtr polygonal_part(const GeosContext& ctx, GeomPtr g) {
    const auto h = ctx.handle();
    const int type = GEOSGeomTypeId_r(h, g.get());
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) return g;
    std::vector<GEOSGeometry*> polys;
    const int n = GEOSGetNumGeometries_r(h, g.get());
    for (int i = 0; i < n; ++i) {
        const GEOSGeometry* part = GEOSGetGeometryN_r(h, g.get(), i);
        const int pt = GEOSGeomTypeId_r(h, part);
        if (pt == GEOS_POLYGON) {
            polys.push_back(GEOSGeom_clone_r(h, part));
        } else if (pt == GEOS_MULTIPOLYGON) {
            for (int j = 0; j < GEOSGetNumGeometries_r(h, part); ++j)
                polys.push_back(GEOSGeom_clone_r(h, GEOSGetGeometryN_r(h, part, j)));
        }
    }
    return own(ctx,
               GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, polys.data(),
                                           static_cast<unsigned>(polys.size())),
               "extraction des parties surfaciques");
}

}  // namespace territoire::detail
