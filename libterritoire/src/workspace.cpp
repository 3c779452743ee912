// workspace.cpp — the shared state of a run: transformations, territory test, area index, and the
// location of records (step `normalise`).
#include "workspace.hpp"

#include <algorithm>

#include "detail/text.hpp"
#include "territoire/error.hpp"

namespace territoire {

// ---- AreaIndex -------------------------------------------------------------------------------

AreaIndex::AreaIndex(const detail::GeosContext& ctx, const std::vector<const GEOSGeometry*>& areas)
    : ctx_(ctx), tree_(GEOSSTRtree_create_r(ctx.handle(), 10)) {
    slots_.resize(areas.size());
    for (std::size_t i = 0; i < areas.size(); ++i) {
        slots_[i] = i;
        prepared_.push_back(detail::prepare(ctx, areas[i]));
        GEOSSTRtree_insert_r(ctx.handle(), tree_, areas[i], &slots_[i]);
    }
}

AreaIndex::~AreaIndex() { GEOSSTRtree_destroy_r(ctx_.handle(), tree_); }

std::optional<std::size_t> AreaIndex::locate(double x, double y) const {
    const auto h = ctx_.handle();
    detail::GeomPtr pt = detail::make_point(ctx_, x, y);
    std::vector<std::size_t> candidates;
    GEOSSTRtree_query_r(
        h, tree_, pt.get(),
        [](void* item, void* out) {
            static_cast<std::vector<std::size_t>*>(out)->push_back(*static_cast<std::size_t*>(item));
        },
        &candidates);
    std::sort(candidates.begin(), candidates.end());  // areas are sorted by id: smallest id first
    std::optional<std::size_t> on_boundary;
    for (std::size_t i : candidates) {
        if (GEOSPreparedContains_r(h, prepared_[i].get(), pt.get()) == 1) return i;
        if (!on_boundary && GEOSPreparedIntersects_r(h, prepared_[i].get(), pt.get()) == 1) on_boundary = i;
    }
    return on_boundary;
}

// ---- Workspace -------------------------------------------------------------------------------

Workspace::Workspace(const std::string& crs) : working_crs(crs) {
    working_crs_wkt = detail::crs_to_wkt(crs);
}

const detail::Transformer& Workspace::to_working(const std::string& crs) {
    auto& slot = transformers_[crs];
    if (!slot) slot = std::make_unique<detail::Transformer>(crs, working_crs);
    return *slot;
}

const detail::Transformer& Workspace::to_wgs84() {
    if (!to_wgs84_) to_wgs84_ = std::make_unique<detail::Transformer>(working_crs, "EPSG:4326");
    return *to_wgs84_;
}

bool Workspace::in_territory(double x, double y) const {
    detail::GeomPtr pt = detail::make_point(geos, x, y);
    return GEOSPreparedIntersects_r(geos.handle(), territory_prepared.get(), pt.get()) == 1;
}

double area_km2(Workspace& ws, const GEOSGeometry* g) {
    detail::GeomPtr lonlat = ws.to_wgs84().transform(ws.geos, g);
    if (!lonlat) throw Error("PROJ : conversion en WGS 84 impossible pour le calcul de surface");
    return detail::ellipsoidal_area_km2(ws.geos, lonlat.get());
}

// ---- locating records ------------------------------------------------------------------------

namespace {

// The transformation for a source's CRS; an unusable CRS makes the source unusable, and the error
// says which file and key.
const detail::Transformer& source_transformer(Workspace& ws, const SourceSpec& spec, const SourceData& data,
                                              const std::string& crs) {
    try {
        return ws.to_working(crs);
    } catch (const InputError&) {
        throw;
    } catch (const Error& e) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                         "système de coordonnées de la source inutilisable (bloc [" + spec.block + "]) : " + e.what());
    }
}

RecordLocation fail(const char* problem, std::string field, std::string message, std::string method) {
    RecordLocation r;
    r.problem = problem;
    r.field = std::move(field);
    r.message = std::move(message);
    r.method = std::move(method);
    return r;
}

// Splits "46.32, -0.46" (or "46.32 -0.46", "46,32;-0,46") into two numbers.
bool parse_latlon(const std::string& text, double& lat, double& lon) {
    for (const char sep : {';', ','}) {
        const auto count = std::count(text.begin(), text.end(), sep);
        if (count == 1) {
            const auto pos = text.find(sep);
            const auto a = detail::parse_number(text.substr(0, pos));
            const auto b = detail::parse_number(text.substr(pos + 1));
            if (a && b) {
                lat = *a;
                lon = *b;
                return true;
            }
        }
    }
    const std::string t = detail::trim(text);
    const auto space = t.find_first_of(" \t");
    if (space != std::string::npos) {
        const auto a = detail::parse_number(t.substr(0, space));
        const auto b = detail::parse_number(t.substr(space + 1));
        if (a && b) {
            lat = *a;
            lon = *b;
            return true;
        }
    }
    return false;
}

// A representative point of a geometry already in the working CRS.
bool representative(const detail::GeosContext& ctx, const GEOSGeometry* g, double& x, double& y) {
    const auto h = ctx.handle();
    if (GEOSGeomTypeId_r(h, g) == GEOS_POINT) return GEOSGeomGetX_r(h, g, &x) == 1 && GEOSGeomGetY_r(h, g, &y) == 1;
    GEOSGeometry* p = GEOSPointOnSurface_r(h, g);
    if (!p) return false;
    const bool ok = !GEOSisEmpty_r(h, p) && GEOSGeomGetX_r(h, p, &x) == 1 && GEOSGeomGetY_r(h, p, &y) == 1;
    GEOSGeom_destroy_r(h, p);
    return ok;
}

}  // namespace

RecordLocator::RecordLocator(Workspace& ws, const SourceSpec& spec, const SourceData& data)
    : ws_(ws), spec_(spec) {
    const auto& loc = spec.location;
    auto col = [&](const std::string& field) { return field.empty() ? -1 : data.column(field); };
    x_col_ = col(loc.x_field);
    y_col_ = col(loc.y_field);
    wkt_col_ = col(loc.wkt_field);
    latlon_col_ = col(loc.latlon_field);
    std::string crs = loc.crs;
    if (latlon_col_ >= 0 || ((x_col_ >= 0 || wkt_col_ >= 0) && crs.empty())) crs = "EPSG:4326";
    if (!loc.uses_fields()) {
        if (data.delimited) {
            throw InputError(Location{spec.path_as_written, {}, {}, "x_field"},
                             "texte délimité sans localisation : indiquez x_field et y_field, wkt_field ou latlon_field "
                             "dans le bloc [" + spec.block + "]");
        }
        if (crs.empty()) crs = data.crs;
        const bool any_geometry = std::any_of(data.records.begin(), data.records.end(),
                                              [](const Record& r) { return !r.geometry.empty(); });
        if (crs.empty() && any_geometry) {
            throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                             "système de coordonnées inconnu : indiquez crs = \"EPSG:…\" dans le bloc [" + spec.block + "]");
        }
    }
    if (!crs.empty()) transformer_ = &source_transformer(ws, spec, data, crs);
    if (x_col_ >= 0) degrees_ = detail::is_geographic(crs);
}

bool RecordLocator::inside_if_swapped(const RecordLocation& where) const {
    if (where.method != "coordinates" || !transformer_) return false;
    double x = where.raw_y, y = where.raw_x;
    return transformer_->transform(x, y) && ws_.in_territory(x, y);
}

RecordLocation RecordLocator::locate(const Record& rec) const {
    const auto& loc = spec_.location;
    auto value = [&](int col) -> const std::string& { return rec.values[static_cast<std::size_t>(col)]; };
    RecordLocation r;
    if (x_col_ >= 0) {
        const std::string xs = detail::trim(value(x_col_));
        const std::string ys = detail::trim(value(y_col_));
        if (xs.empty() && ys.empty())
            return fail("missing_coordinates", loc.x_field, "coordonnées absentes", "coordinates");
        if (xs.empty() || ys.empty())
            return fail("missing_coordinates", xs.empty() ? loc.x_field : loc.y_field, "coordonnée absente", "coordinates");
        const auto x = detail::parse_number(xs);
        const auto y = detail::parse_number(ys);
        if (!x) return fail("invalid_coordinates", loc.x_field, "coordonnée illisible « " + xs + " »", "coordinates");
        if (!y) return fail("invalid_coordinates", loc.y_field, "coordonnée illisible « " + ys + " »", "coordinates");
        r.x = r.raw_x = *x;
        r.y = r.raw_y = *y;
        r.method = "coordinates";
        if (degrees_ && (std::abs(*x) > 180 || std::abs(*y) > 90)) {
            const bool y_bad = std::abs(*y) > 90;
            return fail("invalid_coordinates", y_bad ? loc.y_field : loc.x_field,
                        std::string(y_bad ? "latitude" : "longitude") + " hors limites (" + xs + ", " + ys +
                            ") : colonnes inversées, ou indiquez crs = \"…\" si ce ne sont pas des degrés WGS 84",
                        "coordinates");
        }
        if (!transformer_->transform(r.x, r.y))
            return fail("invalid_coordinates", loc.x_field,
                        "coordonnées hors du domaine du système de coordonnées (" + xs + ", " + ys + ")", "coordinates");
        r.located = true;
        return r;
    }
    if (latlon_col_ >= 0) {
        const std::string& text = value(latlon_col_);
        if (detail::trim(text).empty())
            return fail("missing_coordinates", loc.latlon_field, "coordonnées absentes", "latlon");
        double lat = 0, lon = 0;
        if (!parse_latlon(text, lat, lon) || std::abs(lat) > 90 || std::abs(lon) > 180)
            return fail("invalid_coordinates", loc.latlon_field,
                        "« " + text + " » n'est pas de la forme « latitude, longitude »", "latlon");
        r.x = lon;
        r.y = lat;
        r.method = "latlon";
        if (!transformer_->transform(r.x, r.y))
            return fail("invalid_coordinates", loc.latlon_field, "coordonnées impossibles à reprojeter", "latlon");
        r.located = true;
        return r;
    }
    detail::GeomPtr g(nullptr, detail::GeomDeleter{ws_.geos.handle()});
    std::string field;
    if (wkt_col_ >= 0) {
        r.method = "wkt";
        field = loc.wkt_field;
        const std::string& text = value(wkt_col_);
        if (detail::trim(text).empty()) return fail("missing_coordinates", field, "géométrie WKT absente", "wkt");
        g = detail::from_wkt(ws_.geos, text);
        if (!g) return fail("invalid_geometry", field, "WKT illisible « " + text.substr(0, 60) + " »", "wkt");
    } else {
        r.method = "geometry";
        if (rec.geometry.empty()) return fail("missing_coordinates", {}, "entité sans géométrie", "geometry");
        g = detail::GeomPtr(GEOSGeomFromWKB_buf_r(ws_.geos.handle(), rec.geometry.data(), rec.geometry.size()),
                            detail::GeomDeleter{ws_.geos.handle()});
        if (!g) return fail("invalid_geometry", {}, "géométrie illisible : " + ws_.geos.last_error(), "geometry");
    }
    if (GEOSisEmpty_r(ws_.geos.handle(), g.get()) == 1)
        return fail("missing_coordinates", field, "géométrie vide", r.method);
    detail::GeomPtr projected = transformer_->transform(ws_.geos, g.get());
    if (!projected)
        return fail("invalid_coordinates", field, "géométrie impossible à reprojeter", r.method);
    if (!representative(ws_.geos, projected.get(), r.x, r.y))
        return fail("invalid_geometry", field, "aucun point représentatif", r.method);
    r.located = true;
    return r;
}

detail::GeomPtr record_polygon(Workspace& ws, const SourceSpec& spec, const SourceData& data, const Record& rec,
                               ProblemReporter& problems) {
    const auto h = ws.geos.handle();
    auto report = [&](Severity sev, const char* kind, const std::string& message) {
        problems.report(source_problem(spec, sev, kind, rec.ref, spec.location.wkt_field, message));
    };
    detail::GeomPtr none(nullptr, detail::GeomDeleter{h});
    detail::GeomPtr g(nullptr, detail::GeomDeleter{h});
    std::string crs = spec.location.crs;
    if (!spec.location.wkt_field.empty()) {
        const std::string& text = rec.values[static_cast<std::size_t>(data.column(spec.location.wkt_field))];
        g = detail::from_wkt(ws.geos, text);
        if (crs.empty()) crs = "EPSG:4326";
    } else if (!rec.geometry.empty()) {
        g = detail::GeomPtr(GEOSGeomFromWKB_buf_r(h, rec.geometry.data(), rec.geometry.size()), detail::GeomDeleter{h});
        if (crs.empty()) crs = data.crs;
    }
    if (!g || GEOSisEmpty_r(h, g.get()) == 1) {
        report(Severity::warning, "missing_geometry", "entité sans géométrie : ignorée");
        return none;
    }
    if (crs.empty())
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                         "système de coordonnées inconnu : indiquez crs = \"EPSG:…\" dans le bloc [" + spec.block + "]");
    const int type = GEOSGeomTypeId_r(h, g.get());
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION) {
        report(Severity::warning, "invalid_geometry", "géométrie non surfacique : ignorée");
        return none;
    }
    detail::GeomPtr projected = source_transformer(ws, spec, data, crs).transform(ws.geos, g.get());
    if (!projected) {
        report(Severity::warning, "invalid_coordinates", "géométrie impossible à reprojeter : ignorée");
        return none;
    }
    if (GEOSisValid_r(h, projected.get()) != 1) {
        char* reason = GEOSisValidReason_r(h, projected.get());
        const std::string why = reason ? reason : "";
        GEOSFree_r(h, reason);
        GEOSGeometry* repaired = GEOSMakeValid_r(h, projected.get());
        if (!repaired)
            throw InputError(Location{spec.path_as_written, data.layer, rec.ref, {}},
                             "géométrie invalide que GEOS ne sait pas réparer : " + ws.geos.last_error());
        projected = detail::GeomPtr(repaired, detail::GeomDeleter{h});
        report(Severity::warning, "invalid_geometry_repaired", "géométrie invalide réparée (" + why + ")");
    }
    projected = detail::polygonal_part(ws.geos, std::move(projected));
    if (GEOSisEmpty_r(h, projected.get()) == 1) {
        report(Severity::warning, "invalid_geometry", "géométrie sans surface : ignorée");
        return none;
    }
    return detail::to_multipolygon(ws.geos, std::move(projected));
}

}  // namespace territoire
