// legal_crs.hpp — the working CRS by default: the territory's legal projection (Lambert-93 in
// metropolitan France, UTM projections of the legal frames overseas), chosen from the territory's
// INSEE code or else its location (docs/presets.md, « Système de travail outre-mer »).
#pragma once

#include "territoire/project.hpp"

namespace territoire {

/// Sets project.crs and project.crs_reason when [project] gives no `crs`; with one, only the reason.
/// Reads the territory source; a territory that cannot be read keeps Lambert-93 (read_source
/// reports the problem later).
void choose_legal_crs(Project& project);

}  // namespace territoire
