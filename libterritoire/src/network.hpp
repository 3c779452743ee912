// network.hpp — step `network`: measures and structure of the cooperation graph.
// Internal, but small and pure so that tests can feed it any graph. Every definition follows
// networkx 2.8 so that anyone can check it; docs/network.md gives the formulas.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "territoire/model.hpp"

namespace territoire {

/// A simple graph: nodes 0..n-1 in actor id order (the order breaks ties), no self-loops, no
/// duplicate pair (undirected: {u, v} once; directed: (u, v) once, (v, u) may also be present).
struct NetworkInput {
    std::size_t n = 0;
    bool directed = false;
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    std::vector<double> weights;  ///< one per edge, > 0
};

/// Seed of the Louvain node orders (docs/network.md): fixed so that runs are reproducible.
constexpr std::uint64_t kLouvainSeed = 20240917;
/// Louvain runs, each with its own node order drawn from the seed; the partition of highest
/// modularity is kept (the first one on ties).
constexpr int kLouvainRuns = 8;

struct NetworkAnalysis {
    std::vector<ActorMeasures> measures;  ///< one per node
    std::vector<bool> edge_is_bridge;     ///< one per input edge: its pair is a bridge of the undirected graph
    int bridges = 0;                      ///< bridges of the undirected graph (a two-way pair counts once)
    double modularity = 0;                ///< of the Louvain partition, on the undirected weighted graph
    int communities = 0;                  ///< communities (of actors with at least one link)
    int components = 0;                   ///< (weakly) connected components, isolated nodes included
    bool eigenvector_converged = true;    ///< false: eigenvector left empty (networkx would raise)
};

/// Computes every measure; throws Error when the input breaks NetworkInput's contract. `threads` = 0: as many as the hardware has, at most 8. Results do not
/// depend on the number of threads (fixed work split, partial sums added in a fixed order).
NetworkAnalysis analyse_network(const NetworkInput& input, unsigned threads = 0);

/// Undirected shorthand kept for tests: the measures of analyse_network.
std::vector<ActorMeasures> compute_measures(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                            const std::vector<double>& weights);

// Building blocks, exposed for the unit tests.
namespace net {

/// Adjacency in compressed rows; neighbours of each node sorted by index.
struct Csr {
    std::vector<std::size_t> start;  ///< n + 1 offsets
    std::vector<std::size_t> adj;
    std::vector<double> weight;
    std::size_t n() const { return start.empty() ? 0 : start.size() - 1; }
};

/// Out-neighbours (`reverse` = false) or in-neighbours (true) of a directed edge list; with
/// `both_ways`, each edge in both directions (undirected).
Csr make_csr(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
             const std::vector<double>& weights, bool both_ways, bool reverse = false);

/// Brandes betweenness summed over all sources (each unordered pair twice on an undirected
/// graph), unnormalised. weighted: a link's length is 1/weight (Dijkstra), else hop count (BFS).
std::vector<double> betweenness_raw(const Csr& g, bool weighted, unsigned threads);

/// Louvain (Blondel et al.) on an undirected weighted graph given both ways; returns a community
/// index per node (0-based, arbitrary labels) and the partition's modularity.
std::pair<std::vector<std::size_t>, double> louvain(const Csr& g, std::uint64_t seed);

/// kLouvainRuns Louvain runs with orders drawn from `seed`, in parallel; the best partition.
std::pair<std::vector<std::size_t>, double> best_louvain(const Csr& g, std::uint64_t seed, unsigned threads);

/// Modularity (resolution 1) of a partition of an undirected weighted graph given both ways.
double modularity(const Csr& g, const std::vector<std::size_t>& community);

}  // namespace net

}  // namespace territoire
