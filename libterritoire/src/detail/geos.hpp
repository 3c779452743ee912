// geos.hpp — RAII over the reentrant GEOS C API: one context handle per owner, geometries in
// unique_ptr with a deleter bound to that context. GEOS errors become Error with GEOS's message.
#pragma once

#include <geos_c.h>

#include <memory>
#include <string>

#include "territoire/model.hpp"

namespace territoire::detail {

class GeosContext {
public:
    GeosContext();
    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

    GEOSContextHandle_t handle() const noexcept { return handle_; }
    /// The last message GEOS reported on this context.
    const std::string& last_error() const noexcept { return last_error_; }

private:
    static void on_error(const char* message, void* self);
    GEOSContextHandle_t handle_;
    std::string last_error_;
};

struct GeomDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(GEOSGeometry* g) const noexcept {
        if (g) GEOSGeom_destroy_r(handle, g);
    }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
    GEOSContextHandle_t handle = nullptr;
    void operator()(const GEOSPreparedGeometry* g) const noexcept {
        if (g) GEOSPreparedGeom_destroy_r(handle, g);
    }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

/// Takes ownership of a geometry GEOS returned; throws Error with `what` and GEOS's message on null.
GeomPtr own(const GeosContext& ctx, GEOSGeometry* g, const char* what);

GeomPtr from_wkb(const GeosContext& ctx, const Wkb& wkb);
GeomPtr from_wkt(const GeosContext& ctx, const std::string& wkt);  ///< returns null on parse failure
GeomPtr make_point(const GeosContext& ctx, double x, double y);
Wkb to_wkb(const GeosContext& ctx, const GEOSGeometry* g);
PreparedPtr prepare(const GeosContext& ctx, const GEOSGeometry* g);

/// Polygonal geometry as a MultiPolygon (a Polygon is wrapped; other types throw).
GeomPtr to_multipolygon(const GeosContext& ctx, GeomPtr g);

/// Keeps only the polygonal parts of a geometry (MakeValid may add lines or points); may be empty.
GeomPtr polygonal_part(const GeosContext& ctx, GeomPtr g);

}  // namespace territoire::detail
