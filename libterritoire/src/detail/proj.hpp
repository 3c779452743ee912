// proj.hpp — RAII over PROJ: coordinate transformations in GIS axis order (x = easting/longitude),
// and ellipsoidal areas on WGS 84.
#pragma once

#include <proj.h>

#include <string>

#include "detail/geos.hpp"

namespace territoire::detail {

/// A transformation from one CRS to another, axis order normalised for visualisation
/// (longitude first) so that it matches how GDAL hands us coordinates.
class Transformer {
public:
    /// `from`, `to`: anything PROJ understands ("EPSG:4326", WKT, PROJJSON). Throws Error on failure.
    Transformer(const std::string& from, const std::string& to);
    ~Transformer();
    Transformer(const Transformer&) = delete;
    Transformer& operator=(const Transformer&) = delete;

    /// Transforms in place; false when PROJ cannot (coordinates outside the CRS's domain).
    bool transform(double& x, double& y) const;
    /// A copy of `g` with every coordinate transformed; null when a coordinate fails.
    GeomPtr transform(const GeosContext& ctx, const GEOSGeometry* g) const;

private:
    PJ_CONTEXT* ctx_ = nullptr;
    PJ* pj_ = nullptr;
};

/// WKT (WKT2:2019) of a CRS given in any form PROJ accepts; throws Error naming `definition`.
std::string crs_to_wkt(const std::string& definition);

/// True when the CRS is geographic (coordinates in degrees), whatever its spelling
/// ("EPSG:4326", "epsg:4326", "OGC:CRS84", WKT…).
bool is_geographic(const std::string& definition);

/// True when the CRS is projected with metre units on both axes.
bool is_projected_metric(const std::string& definition);

/// Area in km² on the WGS 84 ellipsoid of a (multi)polygon given in lon/lat degrees.
double ellipsoidal_area_km2(const GeosContext& ctx, const GEOSGeometry* lonlat);

}  // namespace territoire::detail
