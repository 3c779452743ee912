// access_streets.hpp — reading the [network] source (issue 7, docs/access.md): an OpenStreetMap
// extract (.osm.pbf / .osm, GDAL's OSM driver, 'lines' layer) filtered to what a pedestrian may use,
// or any line layer taken as it is; lines are returned in the working CRS.
#pragma once

#include <vector>

#include "access_routing.hpp"
#include "territoire/problems.hpp"
#include "territoire/project.hpp"

namespace territoire {
class Workspace;

namespace access {

/// Reads the street lines of `spec`. Throws InputError naming the file when it cannot be read or
/// holds no line; lines left out by the pedestrian rules are counted, not reported one by one.
std::vector<StreetLine> read_street_lines(Workspace& ws, const SourceSpec& spec, ProblemReporter& problems);

}  // namespace access
}  // namespace territoire
