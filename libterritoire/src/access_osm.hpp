// access_osm.hpp — the pedestrian rules applied to OpenStreetMap ways by read_street_lines
// (access_streets.cpp; the rules in French in docs/access.md, section « Réseau piéton »). Internal; exposed for tests.
#pragma once

#include <map>
#include <string>

namespace territoire::access {

/// Why a way is left out of the walking network (kept: it is not).
enum class ExclusionRule { kept, not_a_way, motorway, not_built, other_highway, foot_no, trunk, private_access };

struct PedestrianVerdict {
    ExclusionRule rule = ExclusionRule::kept;
    bool forward = true;   ///< walkable from the first vertex to the last
    bool backward = true;  ///< walkable from the last vertex to the first
};

/// The tags of GDAL's `other_tags` field ("key"=>"value","key2"=>"value2", with \" escaped).
std::map<std::string, std::string> parse_osm_tags(const std::string& text);

/// The rule for a way with this `highway` value (empty: none) and these other tags.
PedestrianVerdict pedestrian_rule(const std::string& highway, const std::map<std::string, std::string>& tags);

/// The French wording of a rule, for data_quality.
const char* exclusion_text(ExclusionRule rule);

}  // namespace territoire::access
