// territory.cpp — step `territory`: the study area, as the dissolved union of the selected features.
#include <vector>

#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire {

void build_territory(Workspace& ws, Diagnostic& d) {
    const SourceSpec& spec = d.project.territory;
    const SourceData data = read_source(spec);
    report_read_issues(d.problems, spec, data);
    if (data.records.empty()) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, spec.where.empty() ? "" : "where"},
                         spec.where.empty() ? "aucune entité dans la source du territoire"
                                            : "le filtre « " + spec.where + " » ne retient aucune entité");
    }
    const auto h = ws.geos.handle();
    std::vector<detail::GeomPtr> owned;
    for (const auto& rec : data.records) {
        if (detail::GeomPtr g = record_polygon(ws, spec, data, rec, d.problems)) owned.push_back(std::move(g));
    }
    std::vector<GEOSGeometry*> parts;
    for (auto& g : owned) parts.push_back(g.get());
    SourceStats stats{spec.block, spec.name, data.records.size(), parts.size(), 0, 0, 0, 0};
    d.stats.push_back(stats);
    if (parts.empty()) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, {}},
                         "aucune géométrie surfacique utilisable pour le territoire");
    }
    GEOSGeometry* raw = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts.data(), static_cast<unsigned>(parts.size()));
    if (raw) {
        for (auto& g : owned) g.release();  // the collection owns its parts now
    }
    detail::GeomPtr collection = detail::own(ws.geos, raw, "assemblage du territoire");
    detail::GeomPtr dissolved = detail::own(ws.geos, GEOSUnaryUnion_r(h, collection.get()), "fusion du territoire");
    ws.territory = detail::to_multipolygon(ws.geos, detail::polygonal_part(ws.geos, std::move(dissolved)));
    ws.territory_prepared = detail::prepare(ws.geos, ws.territory.get());

    d.territory.name = d.project.name;
    d.territory.geometry = detail::to_wkb(ws.geos, ws.territory.get());
    d.territory.area_km2 = area_km2(ws, ws.territory.get());
}

}  // namespace territoire
