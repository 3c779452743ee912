// access_streets.cpp — PLACEHOLDER (base for issue 7): the routing engine replaces this file.
#include "access_streets.hpp"

#include "territoire/error.hpp"

namespace territoire::access {

std::vector<StreetLine> read_street_lines(Workspace&, const SourceSpec& spec, ProblemReporter&) {
    throw InputError(Location{spec.path_as_written, {}, {}, {}}, "réseau de rues : pas encore disponible");
}

}  // namespace territoire::access
