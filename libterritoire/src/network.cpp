// network.cpp — cooperation-graph measures. Definitions follow networkx 2.8 so that anyone can
// check them: see docs/output-contract.md for each formula.
#include "network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/connected_components.hpp>

#include <algorithm>
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

    // Components first: 1 = largest; ties broken by the smallest node index (= smallest actor id).
    std::vector<int> comp(n);
    const int count = boost::connected_components(g, comp.data());
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(count));
    for (std::size_t v = 0; v < n; ++v) members[static_cast<std::size_t>(comp[v])].push_back(v);  // ascending
    std::vector<std::size_t> order(members.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return members[a].size() != members[b].size() ? members[a].size() > members[b].size()
                                                       : members[a].front() < members[b].front();
    });
    for (std::size_t r = 0; r < order.size(); ++r)
        for (std::size_t v : members[order[r]]) m[v].component = static_cast<int>(r + 1);

    // Betweenness and closeness only depend on each node's own component, so they are computed
    // component by component: an isolated actor costs nothing, and the work is Σ n_c·m_c instead of
    // n·m (Boost's Brandes resets arrays of the whole graph for every source).
    //
    // Betweenness (Brandes): on an undirected graph Boost counts each unordered pair {s, t} once, so
    // networkx's normalised value, raw / ((n-1)(n-2)/2), is 2·raw / ((n-1)(n-2)) with n the size of
    // the WHOLE graph; networkx leaves graphs of two nodes or fewer unscaled (all values are 0 there).
    const double scale = n > 2 ? 2.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
    // Closeness as networkx (wf_improved=True): ((r-1)/Σd) · ((r-1)/(n-1)), r = size of the node's
    // component, Σd = sum of distances to the others; 0 for an isolated node.
    std::vector<std::size_t> local(n);
    for (const auto& nodes : members) {
        if (nodes.size() < 2) continue;
        for (std::size_t i = 0; i < nodes.size(); ++i) local[nodes[i]] = i;
        Graph sub(nodes.size());
        for (std::size_t v : nodes)
            for (auto [it, end] = boost::adjacent_vertices(v, g); it != end; ++it)
                if (v < *it) boost::add_edge(local[v], local[*it], sub);

        if (nodes.size() > 2) {
            std::vector<double> raw(nodes.size(), 0.0);
            boost::brandes_betweenness_centrality(
                sub, boost::centrality_map(boost::make_iterator_property_map(raw.begin(), boost::get(boost::vertex_index, sub))));
            for (std::size_t i = 0; i < nodes.size(); ++i) m[nodes[i]].betweenness = raw[i] * scale;
        }

        const double r1 = static_cast<double>(nodes.size() - 1);
        std::vector<int> dist(nodes.size());
        std::vector<std::size_t> queue(nodes.size());
        for (std::size_t s = 0; s < nodes.size(); ++s) {
            std::fill(dist.begin(), dist.end(), -1);
            dist[s] = 0;
            std::size_t head = 0, tail = 0;
            queue[tail++] = s;
            double total = 0;
            while (head < tail) {
                const std::size_t u = queue[head++];
                for (auto [it, end] = boost::adjacent_vertices(u, sub); it != end; ++it) {
                    if (dist[*it] >= 0) continue;
                    dist[*it] = dist[u] + 1;
                    total += dist[*it];
                    queue[tail++] = *it;
                }
            }
            m[nodes[s]].closeness = (r1 / total) * (r1 / static_cast<double>(n - 1));
        }
    }

    std::vector<std::size_t> cut;
    boost::articulation_points(g, std::back_inserter(cut));
    for (std::size_t v : cut) m[v].is_cut_vertex = true;
    return m;
}

}  // namespace territoire
