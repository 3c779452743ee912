// areas.cpp — step `areas`: neighbourhoods (IRIS, quartiers, member communes) inside the territory,
// with their population, indexed for point assignment.
#include <algorithm>
#include <cstdio>
#include <numeric>
#include <set>

#include "detail/text.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire {

/// Share of an area's surface that must lie inside the territory for the area to be kept.
constexpr double kMinOverlap = 0.01;

namespace {
std::string percent(double v) {  // one decimal, French style: "0,9"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    std::replace(s.begin(), s.end(), '.', ',');
    return s;
}
}  // namespace

void build_areas(Workspace& ws, Diagnostic& d) {
    const SourceSpec& spec = d.project.areas;
    const SourceData data = read_source(spec);
    const auto h = ws.geos.handle();
    const int id_col = data.column(spec.id_field);
    const int name_col = spec.name_field.empty() ? -1 : data.column(spec.name_field);
    const int pop_col = spec.population_field.empty() ? -1 : data.column(spec.population_field);

    SourceStats stats{spec.block, spec.name, data.records.size() + data.malformed_lines.size(), 0, 0, 0, 0, 0};
    stats.rejected += report_read_issues(d.problems, spec, data);
    std::vector<Area> areas;
    std::vector<detail::GeomPtr> geoms;
    std::set<std::string> seen;
    for (const auto& rec : data.records) {
        auto problem = [&](Severity sev, const char* kind, const std::string& field, const std::string& msg) {
            d.problems.report(source_problem(spec, sev, kind, rec.ref, field, msg));
        };
        Area area;
        area.id = detail::trim(rec.values[static_cast<std::size_t>(id_col)]);
        if (area.id.empty()) {
            problem(Severity::warning, "missing_id", spec.id_field, "zone sans identifiant : ignorée");
            ++stats.rejected;
            continue;
        }
        detail::GeomPtr g = record_polygon(ws, spec, data, rec, d.problems);
        if (!g) {
            ++stats.rejected;
            continue;
        }
        // Keep areas that really share surface with the territory. Layers from different producers
        // overlap their neighbours by slivers along shared borders: an area with less than
        // kMinOverlap of its surface inside the territory is a neighbour, not part of the study area.
        if (GEOSPreparedIntersects_r(h, ws.territory_prepared.get(), g.get()) != 1 ||
            GEOSPreparedTouches_r(h, ws.territory_prepared.get(), g.get()) == 1) {
            ++stats.outside;
            continue;
        }
        if (GEOSPreparedCovers_r(h, ws.territory_prepared.get(), g.get()) != 1) {
            double whole = 0, inside = 0;
            detail::GeomPtr common = detail::own(ws.geos, GEOSIntersection_r(h, g.get(), ws.territory.get()),
                                                 "intersection zone/territoire");
            GEOSArea_r(h, g.get(), &whole);
            GEOSArea_r(h, common.get(), &inside);
            if (whole <= 0 || inside < kMinOverlap * whole) {
                ++stats.outside;
                if (inside > 0) {
                    problem(Severity::info, "area_sliver", {},
                            "zone « " + area.id + " » : " + percent(100 * inside / whole) +
                                " % de sa surface dans le territoire (moins de 1 %) : considérée comme voisine, ignorée");
                }
                continue;
            }
        }
        if (!seen.insert(area.id).second) {
            problem(Severity::warning, "duplicate_id", spec.id_field,
                    "identifiant de zone « " + area.id + " » en double : seule la première est gardée");
            ++stats.rejected;
            continue;
        }
        area.name = name_col >= 0 ? detail::trim(rec.values[static_cast<std::size_t>(name_col)]) : area.id;
        if (area.name.empty()) area.name = area.id;
        if (pop_col >= 0) {
            const std::string& text = rec.values[static_cast<std::size_t>(pop_col)];
            if (text.empty()) {
                problem(Severity::warning, "missing_population", spec.population_field, "population absente");
            } else if (const auto v = detail::parse_number(text); v && *v >= 0) {
                area.population = *v;
            } else {
                problem(Severity::warning, "invalid_number", spec.population_field,
                        "population illisible « " + text + " »");
            }
        }
        area.area_km2 = area_km2(ws, g.get());
        area.geometry = detail::to_wkb(ws.geos, g.get());
        areas.push_back(std::move(area));
        geoms.push_back(std::move(g));
    }
    if (stats.outside) {
        d.problems.report(source_problem(spec, Severity::info, "outside_territory", {}, {},
                                  std::to_string(stats.outside) + " zone(s) hors du territoire ignorée(s)"));
    }
    if (areas.empty()) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, {}},
                         "aucune zone ne recouvre le territoire : vérifiez les fichiers et les filtres where");
    }
    // Sorted by id: deterministic outputs, and the boundary rule of AreaIndex relies on it.
    std::vector<std::size_t> order(areas.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return areas[a].id < areas[b].id; });
    std::vector<const GEOSGeometry*> raw;
    for (std::size_t i : order) {
        d.areas.push_back(std::move(areas[i]));
        ws.area_geoms.push_back(std::move(geoms[i]));
        raw.push_back(ws.area_geoms.back().get());
    }
    ws.area_index = std::make_unique<AreaIndex>(ws.geos, raw);
    stats.kept = d.areas.size();
    d.stats.push_back(stats);
}

}  // namespace territoire
