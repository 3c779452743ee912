// network.cpp — cooperation-graph measures. Definitions follow networkx 2.8 so that anyone can
// check them: see docs/output-contract.md for each formula.
#include "network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/connected_components.hpp>

#include <algorithm>
#include <deque>
#include <numeric>

namespace territoire {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

std::vector<ActorMeasures> compute_measures(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                            const std::vector<double>& weights) {
    std::vector<ActorMeasures> m(n);
    if (n == 0) return m;
    Graph g(n);
    for (std::size_t e = 0; e < edges.size(); ++e) {
        boost::add_edge(edges[e].first, edges[e].second, g);
        m[edges[e].first].strength += weights[e];
        m[edges[e].second].strength += weights[e];
    }
    for (std::size_t v = 0; v < n; ++v) m[v].degree = static_cast<int>(boost::degree(v, g));

    // Betweenness (Brandes). On an undirected graph Boost counts each unordered pair {s, t} once, so
    // networkx's normalised value, raw / ((n-1)(n-2)/2), is 2·raw / ((n-1)(n-2)); networkx leaves
    // graphs of two nodes or fewer unscaled (every value is 0 there anyway).
    std::vector<double> raw(n, 0.0);
    boost::brandes_betweenness_centrality(
        g, boost::centrality_map(boost::make_iterator_property_map(raw.begin(), boost::get(boost::vertex_index, g))));
    const double scale = n > 2 ? 2.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
    for (std::size_t v = 0; v < n; ++v) m[v].betweenness = raw[v] * scale;

    // Closeness as networkx (wf_improved=True): ((r-1)/Σd) · ((r-1)/(n-1)), r = nodes reachable
    // from v including v; 0 for an isolated node.
    std::vector<int> dist(n);
    std::deque<std::size_t> queue;
    for (std::size_t s = 0; s < n; ++s) {
        std::fill(dist.begin(), dist.end(), -1);
        dist[s] = 0;
        queue.assign(1, s);
        double total = 0;
        std::size_t reached = 1;
        while (!queue.empty()) {
            const std::size_t u = queue.front();
            queue.pop_front();
            for (auto [it, end] = boost::adjacent_vertices(u, g); it != end; ++it) {
                if (dist[*it] >= 0) continue;
                dist[*it] = dist[u] + 1;
                total += dist[*it];
                ++reached;
                queue.push_back(*it);
            }
        }
        if (total > 0 && n > 1) {
            const double r1 = static_cast<double>(reached - 1);
            m[s].closeness = (r1 / total) * (r1 / static_cast<double>(n - 1));
        }
    }

    // Components: 1 = largest; ties broken by the smallest node index (= smallest actor id).
    std::vector<int> comp(n);
    const int count = boost::connected_components(g, comp.data());
    std::vector<std::size_t> size(static_cast<std::size_t>(count), 0), first(static_cast<std::size_t>(count), n);
    for (std::size_t v = 0; v < n; ++v) {
        const auto c = static_cast<std::size_t>(comp[v]);
        ++size[c];
        first[c] = std::min(first[c], v);
    }
    std::vector<std::size_t> order(static_cast<std::size_t>(count));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return size[a] != size[b] ? size[a] > size[b] : first[a] < first[b];
    });
    std::vector<int> rank(static_cast<std::size_t>(count));
    for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = static_cast<int>(r + 1);
    for (std::size_t v = 0; v < n; ++v) m[v].component = rank[static_cast<std::size_t>(comp[v])];

    std::vector<std::size_t> cut;
    boost::articulation_points(g, std::back_inserter(cut));
    for (std::size_t v : cut) m[v].is_cut_vertex = true;
    return m;
}

}  // namespace territoire
