// network.hpp — step `network`: measures of the cooperation graph with Boost.Graph.
// Internal, but small and pure so that tests can feed it any graph.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "territoire/model.hpp"

namespace territoire {

/// Measures of every node of an undirected simple graph (no self-loops, no parallel edges) with
/// `n` nodes. `edges` are node index pairs, `weights` one per edge. Node order must be the actor
/// id order: it breaks ties between components of equal size.
std::vector<ActorMeasures> compute_measures(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                            const std::vector<double>& weights);

}  // namespace territoire
