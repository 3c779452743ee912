// access_streets.cpp — reading the [network] source (issue 7, docs/access.md, section « Réseau piéton »): an
// OpenStreetMap extract filtered to what a pedestrian may use, or any line layer taken as it is,
// reprojected into the working CRS.
#include "access_streets.hpp"

#include "access_osm.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "detail/geos.hpp"
#include "source.hpp"
#include "territoire/error.hpp"
#include "workspace.hpp"

namespace territoire::access {
namespace {

bool is_osm(const SourceSpec& spec) {
    std::string name = spec.path.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto ends = [&](const std::string& e) { return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0; };
    return ends(".pbf") || ends(".osm");
}

}  // namespace

std::map<std::string, std::string> parse_osm_tags(const std::string& text) {
    // GDAL's hstore-like text: "key"=>"value","key2"=>"value2", with \" and \\ escaped.
    std::map<std::string, std::string> tags;
    std::size_t i = 0;
    auto quoted = [&](std::string& out) {
        while (i < text.size() && text[i] != '"') ++i;
        if (i >= text.size()) return false;
        ++i;
        out.clear();
        while (i < text.size() && text[i] != '"') {
            if (text[i] == '\\' && i + 1 < text.size()) ++i;
            out.push_back(text[i++]);
        }
        if (i >= text.size()) return false;
        ++i;
        return true;
    };
    std::string key, value;
    while (quoted(key)) {
        const std::size_t arrow = text.find("=>", i);
        if (arrow == std::string::npos) break;
        i = arrow + 2;
        if (!quoted(value)) break;
        tags[key] = value;
    }
    return tags;
}

PedestrianVerdict pedestrian_rule(const std::string& highway, const std::map<std::string, std::string>& tags) {
    auto tag = [&](const char* k) -> std::string {
        const auto it = tags.find(k);
        return it == tags.end() ? std::string() : it->second;
    };
    auto in = [](const std::string& v, std::initializer_list<const char*> set) {
        return std::any_of(set.begin(), set.end(), [&](const char* s) { return v == s; });
    };
    PedestrianVerdict v;
    if (highway.empty()) {
        v.rule = ExclusionRule::not_a_way;
        return v;
    }
    if (in(highway, {"motorway", "motorway_link"})) {
        v.rule = ExclusionRule::motorway;
        return v;
    }
    if (in(highway, {"construction", "proposed", "planned", "abandoned", "disused", "razed"})) {
        v.rule = ExclusionRule::not_built;
        return v;
    }
    const bool trunk = in(highway, {"trunk", "trunk_link"});
    if (!trunk && !in(highway, {"footway", "path", "pedestrian", "steps", "living_street", "residential", "service",
                                "unclassified", "road", "tertiary", "tertiary_link", "secondary", "secondary_link",
                                "primary", "primary_link", "track", "cycleway", "bridleway", "corridor"})) {
        v.rule = ExclusionRule::other_highway;
        return v;
    }
    const std::string foot = tag("foot");
    const bool foot_allowed = in(foot, {"yes", "designated", "permissive", "official"});
    if (in(foot, {"no", "use_sidepath", "private"})) {
        v.rule = ExclusionRule::foot_no;
        return v;
    }
    if (trunk) {
        const bool sidewalk = in(tag("sidewalk"), {"both", "left", "right", "yes"}) || tag("sidewalk:both") == "yes" ||
                              tag("sidewalk:left") == "yes" || tag("sidewalk:right") == "yes";
        if (!foot_allowed && !sidewalk) {
            v.rule = ExclusionRule::trunk;
            return v;
        }
    }
    if (in(tag("access"), {"no", "private"}) && !foot_allowed) {
        v.rule = ExclusionRule::private_access;
        return v;
    }
    // One-way for pedestrians: oneway:foot, or oneway on ways made for walking.
    std::string oneway = tag("oneway:foot");
    if (oneway.empty() && in(highway, {"footway", "path", "pedestrian", "steps"})) oneway = tag("oneway");
    if (in(oneway, {"yes", "true", "1"})) v.backward = false;
    if (oneway == "-1") v.forward = false;
    return v;
}

const char* exclusion_text(ExclusionRule rule) {
    switch (rule) {
        case ExclusionRule::kept: return "conservée";
        case ExclusionRule::not_a_way: return "pas une voie (ni rue ni chemin : pas de clé highway)";
        case ExclusionRule::motorway: return "autoroute ou bretelle d'autoroute (highway=motorway, motorway_link)";
        case ExclusionRule::not_built: return "voie en projet, en travaux ou abandonnée (highway=construction, proposed…)";
        case ExclusionRule::other_highway: return "type de voie non piéton (highway=raceway, bus_guideway, busway, platform…)";
        case ExclusionRule::foot_no: return "interdite aux piétons (foot=no, use_sidepath ou private)";
        case ExclusionRule::trunk: return "voie rapide sans trottoir ni accès piéton (highway=trunk sans sidewalk ni foot=yes)";
        case ExclusionRule::private_access: return "accès privé ou interdit (access=private ou no, sans foot=yes)";
    }
    return "";
}

std::vector<StreetLine> read_street_lines(Workspace& ws, const SourceSpec& spec, ProblemReporter& problems) {
    const bool osm = is_osm(spec);
    SourceSpec source = spec;
    if (osm && source.layer.empty()) source.layer = "lines";
    const SourceData data = read_source(source);
    report_read_issues(problems, source, data);
    const Location where{spec.path_as_written, data.layer, {}, {}};

    int highway_col = data.column("highway"), tags_col = data.column("other_tags");
    // OSM ways converted to another format (ogr2ogr extrait.osm.pbf → GeoPackage) keep these two
    // fields: the pedestrian rules apply to them too.
    const bool osm_rules = osm || (highway_col >= 0 && tags_col >= 0);
    if (osm) {
        if (highway_col < 0)
            throw InputError(Location{spec.path_as_written, data.layer, {}, "highway"},
                             "extrait OpenStreetMap sans champ highway : est-ce bien la couche « lines » ?");
    }
    std::string crs = spec.location.crs.empty() ? data.crs : spec.location.crs;
    const bool any_geometry = std::any_of(data.records.begin(), data.records.end(), [](const Record& r) { return !r.geometry.empty(); });
    if (!any_geometry) throw InputError(where, "aucune ligne dans cette source de réseau de rues");
    if (crs.empty())
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"},
                         "système de coordonnées inconnu : indiquez crs = \"EPSG:…\" dans le bloc [" + spec.block + "]");
    const detail::Transformer* to_working = nullptr;
    try {
        to_working = &ws.to_working(crs);
    } catch (const Error& e) {
        throw InputError(Location{spec.path_as_written, data.layer, {}, "crs"}, e.what());
    }

    const auto h = ws.geos.handle();
    std::array<std::size_t, 8> excluded{};
    std::size_t no_geometry = 0, not_line = 0, not_projected = 0;
    std::vector<StreetLine> lines;
    for (const auto& rec : data.records) {
        PedestrianVerdict verdict;
        if (osm_rules) {
            verdict = pedestrian_rule(rec.values[static_cast<std::size_t>(highway_col)],
                                      tags_col >= 0 ? parse_osm_tags(rec.values[static_cast<std::size_t>(tags_col)])
                                                    : std::map<std::string, std::string>{});
            if (verdict.rule != ExclusionRule::kept) {
                ++excluded[static_cast<std::size_t>(verdict.rule)];
                continue;
            }
        }
        if (rec.geometry.empty()) {
            ++no_geometry;
            continue;
        }
        detail::GeomPtr g(GEOSGeomFromWKB_buf_r(h, rec.geometry.data(), rec.geometry.size()), detail::GeomDeleter{h});
        if (!g || GEOSisEmpty_r(h, g.get()) == 1) {
            ++no_geometry;
            continue;
        }
        const int type = GEOSGeomTypeId_r(h, g.get());
        if (type != GEOS_LINESTRING && type != GEOS_MULTILINESTRING) {
            ++not_line;
            continue;
        }
        const detail::GeomPtr projected = to_working->transform(ws.geos, g.get());
        if (!projected) {
            ++not_projected;
            continue;
        }
        const int parts = GEOSGetNumGeometries_r(h, projected.get());
        for (int p = 0; p < parts; ++p) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(h, projected.get(), p);
            const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, part);
            unsigned n = 0;
            if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 2) continue;
            StreetLine line;
            line.forward = verdict.forward;
            line.backward = verdict.backward;
            line.vertices.resize(n);
            for (unsigned k = 0; k < n; ++k) GEOSCoordSeq_getXY_r(h, seq, k, &line.vertices[k].x, &line.vertices[k].y);
            lines.push_back(std::move(line));
        }
    }

    auto summary = [&](Severity sev, const char* kind, const char* field, std::size_t count, const std::string& why) {
        if (count == 0) return;
        problems.report(source_problem(spec, sev, kind, {}, field,
                                       std::to_string(count) + (count > 1 ? " lignes écartées du réseau piéton : " : " ligne écartée du réseau piéton : ") + why));
    };
    const std::pair<ExclusionRule, const char*> rules[] = {
        {ExclusionRule::not_a_way, "highway"}, {ExclusionRule::motorway, "highway"}, {ExclusionRule::not_built, "highway"},
        {ExclusionRule::other_highway, "highway"}, {ExclusionRule::foot_no, "other_tags"}, {ExclusionRule::trunk, "other_tags"},
        {ExclusionRule::private_access, "other_tags"}};
    for (const auto& [rule, field] : rules)
        summary(Severity::info, "street_excluded", field, excluded[static_cast<std::size_t>(rule)], exclusion_text(rule));
    summary(Severity::warning, "missing_geometry", "", no_geometry, "entité sans géométrie");
    summary(Severity::warning, "invalid_geometry", "", not_line, "géométrie qui n'est pas une ligne");
    summary(Severity::warning, "invalid_coordinates", "", not_projected, "coordonnées non reprojetables dans le système de travail");
    if (lines.empty())
        throw InputError(where, osm_rules ? "aucune voie praticable à pied dans cet extrait OpenStreetMap"
                                    : "aucune ligne utilisable dans cette source de réseau de rues");
    return lines;
}

}  // namespace territoire::access
