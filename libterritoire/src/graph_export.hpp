// graph_export.hpp — the cooperation network as GraphML and GEXF text, streamed (graph_export.cpp).
// Internal: deliver() writes them as DIR/network.graphml and DIR/network.gexf.
#pragma once

#include <ostream>

#include "territoire/pipeline.hpp"

namespace territoire {

/// GraphML: one node per actor with every field of `actors` (plus easting/northing in the working
/// CRS and x/y positions for Gephi), one edge per row of `cooperation_links` with its fields.
void write_graphml(const Diagnostic& d, std::ostream& out);

/// GEXF 1.2: the same attributes, positions as viz:position, edge weights as `weight`.
void write_gexf(const Diagnostic& d, std::ostream& out);

}  // namespace territoire
