// network.cpp — cooperation-graph measures. Definitions follow networkx 2.8 so that anyone can
// check them (docs/network.md). Structure on the undirected graph (components, cut vertices,
// bridges) comes from Boost.Graph; the centralities are written here on compressed adjacency so
// that betweenness can use every core with results independent of the thread count.
#include "network.hpp"

#include "detail/parallel.hpp"
#include "territoire/error.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/biconnected_components.hpp>
#include <boost/graph/connected_components.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <numeric>
#include <queue>
#include <set>
#include <system_error>
#include <thread>

namespace territoire {
namespace {

// Work split into a fixed number of parts, whatever the number of threads: part p takes the
// nodes s with s % kParts == p, and partial sums are added in part order. So results are the same
// bit for bit on one core or eight.
constexpr std::size_t kParts = 8;

unsigned thread_count(unsigned requested) {
    unsigned t = requested ? requested : std::thread::hardware_concurrency();
    return std::clamp(t, 1u, static_cast<unsigned>(kParts));
}

using detail::for_each_index;

template <class Work>
void for_each_part(unsigned threads, Work work) {
    for_each_index(kParts, threads, work);
}

constexpr double kUnreached = std::numeric_limits<double>::infinity();

}  // namespace

namespace net {

Csr make_csr(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
             const std::vector<double>& weights, bool both_ways, bool reverse) {
    Csr g;
    g.start.assign(n + 1, 0);
    for (const auto& [u, v] : edges) {
        if (both_ways) {
            ++g.start[u + 1];
            ++g.start[v + 1];
        } else {
            ++g.start[(reverse ? v : u) + 1];
        }
    }
    std::partial_sum(g.start.begin(), g.start.end(), g.start.begin());
    std::vector<std::pair<std::size_t, double>> entries(g.start.back());
    std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
    for (std::size_t e = 0; e < edges.size(); ++e) {
        const auto [u, v] = edges[e];
        if (both_ways) {
            entries[fill[u]++] = {v, weights[e]};
            entries[fill[v]++] = {u, weights[e]};
        } else if (reverse) {
            entries[fill[v]++] = {u, weights[e]};
        } else {
            entries[fill[u]++] = {v, weights[e]};
        }
    }
    for (std::size_t u = 0; u < n; ++u)
        std::sort(entries.begin() + static_cast<std::ptrdiff_t>(g.start[u]),
                  entries.begin() + static_cast<std::ptrdiff_t>(g.start[u + 1]));
    g.adj.reserve(entries.size());
    g.weight.reserve(entries.size());
    for (const auto& [v, w] : entries) {
        g.adj.push_back(v);
        g.weight.push_back(w);
    }
    return g;
}

std::vector<double> betweenness_raw(const Csr& g, bool weighted, unsigned threads) {
    const std::size_t n = g.n();
    // Lengths 1/weight once, not in every inner loop.
    std::vector<double> length;
    if (weighted) {
        length.resize(g.weight.size());
        for (std::size_t k = 0; k < g.weight.size(); ++k) length[k] = 1.0 / g.weight[k];
    }
    std::vector<std::vector<double>> partial(kParts);
    for_each_part(thread_count(threads), [&](std::size_t part) {
        std::vector<double>& acc = partial[part];
        acc.assign(n, 0.0);
        std::vector<double> dist(n, kUnreached), sigma(n, 0.0), coef(n, 0.0);
        std::vector<std::int32_t> hops(n, -1);
        std::vector<char> settled(n, 0);
        std::vector<std::size_t> order;  // nodes in the order their distance became final
        order.reserve(n);
        using Item = std::pair<double, std::size_t>;
        std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
        for (std::size_t s = part; s < n; s += kParts) {
            if (g.start[s] == g.start[s + 1]) continue;  // no out-link: no path from s
            order.clear();
            sigma[s] = 1;
            if (!weighted) {
                // BFS; σ counted on the way.
                hops[s] = 0;
                order.push_back(s);
                for (std::size_t head = 0; head < order.size(); ++head) {
                    const std::size_t v = order[head];
                    const std::int32_t next = hops[v] + 1;
                    for (std::size_t k = g.start[v]; k < g.start[v + 1]; ++k) {
                        const std::size_t w = g.adj[k];
                        if (hops[w] < 0) {
                            hops[w] = next;
                            order.push_back(w);
                        }
                        if (hops[w] == next) sigma[w] += sigma[v];
                    }
                }
            } else {
                // Dijkstra with length 1/weight; the final distance of w is the smallest
                // dist[v] + 1/w(v, w) over its settled neighbours, as in networkx.
                dist[s] = 0;
                heap.push({0.0, s});
                while (!heap.empty()) {
                    const auto [d, v] = heap.top();
                    heap.pop();
                    if (settled[v]) continue;  // stale entry
                    settled[v] = 1;
                    order.push_back(v);
                    for (std::size_t k = g.start[v]; k < g.start[v + 1]; ++k) {
                        const std::size_t w = g.adj[k];
                        const double alt = d + length[k];
                        if (alt < dist[w]) {
                            dist[w] = alt;
                            heap.push({alt, w});
                        }
                    }
                }
                // σ in settling order: a predecessor v of w has dist[v] + 1/w(v, w) == dist[w]
                // exactly, the test networkx applies.
                for (std::size_t v : order)
                    for (std::size_t k = g.start[v]; k < g.start[v + 1]; ++k)
                        if (dist[v] + length[k] == dist[g.adj[k]]) sigma[g.adj[k]] += sigma[v];
            }
            // Dependencies in reverse order, through successors on shortest paths, as networkx
            // accumulates them: δ(v) = σ(v) · Σ_w (1 + δ(w)) / σ(w), coef(w) = (1 + δ(w)) / σ(w).
            for (auto it = order.rbegin(); it != order.rend(); ++it) {
                const std::size_t v = *it;
                double sum = 0;
                if (!weighted) {
                    const std::int32_t next = hops[v] + 1;
                    for (std::size_t k = g.start[v]; k < g.start[v + 1]; ++k)
                        if (hops[g.adj[k]] == next) sum += coef[g.adj[k]];
                } else {
                    for (std::size_t k = g.start[v]; k < g.start[v + 1]; ++k)
                        if (dist[v] + length[k] == dist[g.adj[k]]) sum += coef[g.adj[k]];
                }
                const double delta = sigma[v] * sum;
                coef[v] = (1.0 + delta) / sigma[v];
                if (v != s) acc[v] += delta;
            }
            for (std::size_t v : order) {
                dist[v] = kUnreached;
                hops[v] = -1;
                sigma[v] = 0;
                coef[v] = 0;
                settled[v] = 0;
            }
        }
    });
    std::vector<double> total(n, 0.0);
    for (const auto& p : partial)
        for (std::size_t v = 0; v < n; ++v) total[v] += p[v];
    return total;
}

double modularity(const Csr& g, const std::vector<std::size_t>& community) {
    // Per community: 2 × internal weight and degree sum, in arrays indexed by label (labels are
    // below n): a map here cost seconds on national files, where most actors are isolated.
    const std::size_t n = g.n();
    std::vector<double> inside(n, 0.0), degree(n, 0.0);
    double two_m = 0;
    for (std::size_t u = 0; u < n; ++u)
        for (std::size_t k = g.start[u]; k < g.start[u + 1]; ++k) {
            two_m += g.weight[k];
            degree[community[u]] += g.weight[k];
            if (community[g.adj[k]] == community[u]) inside[community[u]] += g.weight[k];
        }
    if (two_m == 0) return 0;
    double q = 0;
    for (std::size_t c = 0; c < n; ++c)
        if (degree[c] != 0) q += inside[c] / two_m - (degree[c] / two_m) * (degree[c] / two_m);
    return q;
}

namespace {

// SplitMix64 (Steele, Lea, Flood 2014): a fully specified generator, so that the Louvain order
// is the same on every machine and standard library (std::shuffle's algorithm is not specified).
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
};

void shuffle(std::vector<std::size_t>& v, SplitMix64& rng) {
    for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.next() % i]);
}

// One graph of a Louvain level: neighbours without self-loops, plus each node's self-loop weight.
struct Level {
    Csr g;
    std::vector<double> self;  // weight of the loop on the node (internal weight of a community)
};

}  // namespace

std::pair<std::vector<std::size_t>, double> louvain(const Csr& g, std::uint64_t seed) {
    // The method of Blondel et al. (2008) as networkx 2.8 implements it: levels of local moves in
    // a shuffled node order (gain formula of networkx's _one_level, resolution 1), then aggregation,
    // until a level improves modularity by no more than 1e-7.
    const std::size_t n0 = g.n();
    std::vector<std::size_t> node_of(n0);  // original node → node of the current level
    std::iota(node_of.begin(), node_of.end(), 0);
    double m = 0;
    for (double w : g.weight) m += w;
    m /= 2;
    if (m == 0) return {node_of, 0.0};
    SplitMix64 rng{seed};
    Level level{g, std::vector<double>(n0, 0.0)};
    double mod = modularity(g, node_of);
    std::vector<std::size_t> best = node_of;
    for (;;) {
        const std::size_t n = level.g.n();
        std::vector<double> degree(n), stot(n);
        for (std::size_t u = 0; u < n; ++u) {
            degree[u] = 2 * level.self[u];
            for (std::size_t k = level.g.start[u]; k < level.g.start[u + 1]; ++k) degree[u] += level.g.weight[k];
            stot[u] = degree[u];
        }
        std::vector<std::size_t> com(n);
        std::iota(com.begin(), com.end(), 0);
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        shuffle(order, rng);
        std::vector<double> to_com(n, 0.0);
        std::vector<std::size_t> touched;
        bool improvement = false;
        for (std::size_t moves = 1; moves > 0;) {
            moves = 0;
            for (std::size_t u : order) {
                touched.clear();
                for (std::size_t k = level.g.start[u]; k < level.g.start[u + 1]; ++k) {
                    const std::size_t c = com[level.g.adj[k]];
                    if (to_com[c] == 0) touched.push_back(c);
                    to_com[c] += level.g.weight[k];
                }
                const std::size_t own = com[u];
                stot[own] -= degree[u];
                const double remove_cost = -to_com[own] / m + stot[own] * degree[u] / (2 * m * m);
                double best_gain = 0;
                std::size_t best_com = own;
                for (std::size_t c : touched) {
                    const double gain = remove_cost + to_com[c] / m - stot[c] * degree[u] / (2 * m * m);
                    if (gain > best_gain) {
                        best_gain = gain;
                        best_com = c;
                    }
                }
                stot[best_com] += degree[u];
                for (std::size_t c : touched) to_com[c] = 0;
                if (best_com != own) {
                    com[u] = best_com;
                    improvement = true;
                    ++moves;
                }
            }
        }
        if (!improvement) break;
        // Renumber this level's communities 0..k-1 by their smallest node, map the original nodes.
        std::vector<std::size_t> label(n, SIZE_MAX);
        std::size_t k = 0;
        for (std::size_t u = 0; u < n; ++u)
            if (label[com[u]] == SIZE_MAX) label[com[u]] = k++;
        for (auto& x : node_of) x = label[com[x]];
        const double new_mod = modularity(g, node_of);
        best = node_of;
        if (new_mod - mod <= 1e-7) {
            mod = new_mod;
            break;
        }
        mod = new_mod;
        // Aggregate: one node per community, links between communities summed, internal weight
        // kept as the node's self-loop.
        std::vector<double> self(k, 0.0);
        std::map<std::pair<std::size_t, std::size_t>, double> between;
        for (std::size_t u = 0; u < n; ++u) {
            self[label[com[u]]] += level.self[u];
            for (std::size_t e = level.g.start[u]; e < level.g.start[u + 1]; ++e) {
                const std::size_t v = level.g.adj[e];
                if (u > v) continue;  // each undirected link once
                const std::size_t a = label[com[u]], b = label[com[v]];
                if (a == b)
                    self[a] += level.g.weight[e];
                else
                    between[{std::min(a, b), std::max(a, b)}] += level.g.weight[e];
            }
        }
        std::vector<std::pair<std::size_t, std::size_t>> edges;
        std::vector<double> weights;
        for (const auto& [pair, w] : between) {
            edges.push_back(pair);
            weights.push_back(w);
        }
        level = Level{make_csr(k, edges, weights, true), std::move(self)};
    }
    return {best, mod};
}

std::pair<std::vector<std::size_t>, double> best_louvain(const Csr& g, std::uint64_t seed, unsigned threads) {
    SplitMix64 seeds{seed};
    std::vector<std::uint64_t> run_seed(kLouvainRuns);
    for (auto& s : run_seed) s = seeds.next();
    std::vector<std::pair<std::vector<std::size_t>, double>> runs(kLouvainRuns);
    for_each_index(runs.size(), thread_count(threads), [&](std::size_t r) { runs[r] = louvain(g, run_seed[r]); });
    std::size_t best = 0;
    for (std::size_t r = 1; r < runs.size(); ++r)
        if (runs[r].second > runs[best].second) best = r;
    return runs[best];
}

}  // namespace net

namespace {

using UGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                     boost::property<boost::edge_index_t, std::size_t>>;

// Closeness and harmonic centrality from one BFS per node over incoming links: networkx reverses
// a directed graph for closeness, and its harmonic centrality of u sums 1/d(v, u) over sources v.
void closeness_harmonic(const net::Csr& in, std::vector<ActorMeasures>& m, unsigned threads) {
    const std::size_t n = in.n();
    for_each_part(thread_count(threads), [&](std::size_t part) {
        std::vector<int> dist(n, -1);
        std::vector<std::size_t> queue;
        queue.reserve(n);
        for (std::size_t u = part; u < n; u += kParts) {
            queue.assign(1, u);
            dist[u] = 0;
            double total = 0, harmonic = 0;
            for (std::size_t head = 0; head < queue.size(); ++head) {
                const std::size_t v = queue[head];
                for (std::size_t k = in.start[v]; k < in.start[v + 1]; ++k) {
                    const std::size_t w = in.adj[k];
                    if (dist[w] >= 0) continue;
                    dist[w] = dist[v] + 1;
                    total += dist[w];
                    harmonic += 1.0 / dist[w];
                    queue.push_back(w);
                }
            }
            for (std::size_t v : queue) dist[v] = -1;
            // ((r-1)/Σd)·((r-1)/(n-1)), r = nodes reaching u (u included); 0 when none does.
            const double r1 = static_cast<double>(queue.size() - 1);
            m[u].closeness = total > 0 ? (r1 / total) * (r1 / static_cast<double>(n - 1)) : 0.0;
            m[u].harmonic = harmonic;
        }
    });
}

// PageRank exactly as networkx 2.8's pagerank (its SciPy power iteration): alpha 0.85, uniform
// start, teleport and dangling vectors, weights normalised by each node's out-strength, stop when
// Σ|x - x_prev| < N·1e-6 (at most 100 iterations; it always converges well before).
void pagerank(const net::Csr& out, std::vector<ActorMeasures>& m) {
    const std::size_t n = out.n();
    const double alpha = 0.85, uniform = 1.0 / static_cast<double>(n);
    std::vector<double> inv_strength(n, 0.0);
    for (std::size_t u = 0; u < n; ++u) {
        double s = 0;
        for (std::size_t k = out.start[u]; k < out.start[u + 1]; ++k) s += out.weight[k];
        if (s != 0) inv_strength[u] = 1.0 / s;
    }
    std::vector<double> x(n, uniform), y(n);
    for (int iter = 0; iter < 100; ++iter) {
        std::fill(y.begin(), y.end(), 0.0);
        double dangling = 0;
        for (std::size_t u = 0; u < n; ++u) {
            if (inv_strength[u] == 0) dangling += x[u];
            for (std::size_t k = out.start[u]; k < out.start[u + 1]; ++k) y[out.adj[k]] += x[u] * (inv_strength[u] * out.weight[k]);
        }
        double err = 0;
        for (std::size_t v = 0; v < n; ++v) {
            const double next = alpha * (y[v] + dangling * uniform) + (1 - alpha) * uniform;
            err += std::fabs(next - x[v]);
            x[v] = next;
        }
        if (err < static_cast<double>(n) * 1e-6) break;
    }
    for (std::size_t v = 0; v < n; ++v) m[v].pagerank = x[v];
}

// Eigenvector centrality as networkx 2.8's eigenvector_centrality(weight="weight"): power
// iteration on (A + I) from a uniform start, left eigenvector (in-links for a directed graph),
// Euclidean normalisation, stop when Σ|x - x_prev| < N·1e-6; networkx raises after 100 iterations,
// we leave the values empty and say so.
bool eigenvector(const net::Csr& out, std::vector<ActorMeasures>& m) {
    const std::size_t n = out.n();
    std::vector<double> x(n, 1.0 / static_cast<double>(n)), last(n);
    for (int iter = 0; iter < 100; ++iter) {
        last = x;
        for (std::size_t u = 0; u < n; ++u)
            for (std::size_t k = out.start[u]; k < out.start[u + 1]; ++k) x[out.adj[k]] += last[u] * out.weight[k];
        double sq = 0;
        for (double v : x) sq += v * v;
        double norm = std::sqrt(sq);
        if (norm == 0) norm = 1;
        double err = 0;
        for (std::size_t v = 0; v < n; ++v) {
            x[v] /= norm;
            err += std::fabs(x[v] - last[v]);
        }
        if (err < static_cast<double>(n) * 1e-6) {
            for (std::size_t v = 0; v < n; ++v) m[v].eigenvector = x[v];
            return true;
        }
    }
    return false;
}

// Clustering (networkx clustering, unweighted): 2·T(u) / (d(d-1)), 0 below degree 2.
void clustering(const net::Csr& u_graph, std::vector<ActorMeasures>& m) {
    const std::size_t n = u_graph.n();
    for (std::size_t u = 0; u < n; ++u) {
        const std::size_t d = u_graph.start[u + 1] - u_graph.start[u];
        if (d < 2) continue;
        std::size_t twice_triangles = 0;
        for (std::size_t k = u_graph.start[u]; k < u_graph.start[u + 1]; ++k) {
            const std::size_t v = u_graph.adj[k];
            // |N(u) ∩ N(v)| by merging the two sorted lists.
            std::size_t a = u_graph.start[u], b = u_graph.start[v];
            while (a < u_graph.start[u + 1] && b < u_graph.start[v + 1]) {
                if (u_graph.adj[a] < u_graph.adj[b]) {
                    ++a;
                } else if (u_graph.adj[b] < u_graph.adj[a]) {
                    ++b;
                } else {
                    ++twice_triangles;
                    ++a;
                    ++b;
                }
            }
        }
        m[u].clustering = static_cast<double>(twice_triangles) / (static_cast<double>(d) * static_cast<double>(d - 1));
    }
}

// Core number (networkx core_number): Batagelj–Zaversnik bucket algorithm on the undirected graph.
void core_numbers(const net::Csr& u_graph, std::vector<ActorMeasures>& m) {
    const std::size_t n = u_graph.n();
    std::vector<std::size_t> deg(n), pos(n), vert(n);
    std::size_t max_deg = 0;
    for (std::size_t v = 0; v < n; ++v) max_deg = std::max(max_deg, deg[v] = u_graph.start[v + 1] - u_graph.start[v]);
    std::vector<std::size_t> bin(max_deg + 1, 0);
    for (std::size_t v = 0; v < n; ++v) ++bin[deg[v]];
    for (std::size_t d = 0, start = 0; d <= max_deg; ++d) {
        const std::size_t count = bin[d];
        bin[d] = start;
        start += count;
    }
    for (std::size_t v = 0; v < n; ++v) {
        pos[v] = bin[deg[v]]++;
        vert[pos[v]] = v;
    }
    for (std::size_t d = max_deg; d > 0; --d) bin[d] = bin[d - 1];
    if (!bin.empty()) bin[0] = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t v = vert[i];
        for (std::size_t k = u_graph.start[v]; k < u_graph.start[v + 1]; ++k) {
            const std::size_t w = u_graph.adj[k];
            if (deg[w] > deg[v]) {
                const std::size_t dw = deg[w], pw = pos[w], ps = bin[dw], s = vert[ps];
                if (w != s) {
                    std::swap(vert[pw], vert[ps]);
                    pos[w] = ps;
                    pos[s] = pw;
                }
                ++bin[dw];
                --deg[w];
            }
        }
    }
    for (std::size_t v = 0; v < n; ++v) m[v].core_number = static_cast<int>(deg[v]);
}

}  // namespace

NetworkAnalysis analyse_network(const NetworkInput& in, unsigned threads) {
    // The contract of NetworkInput, checked: the measures are wrong on anything else.
    if (in.weights.size() != in.edges.size()) throw Error("réseau : un poids par lien attendu");
    {
        std::set<std::pair<std::size_t, std::size_t>> seen;
        for (std::size_t e = 0; e < in.edges.size(); ++e) {
            auto [a, b] = in.edges[e];
            if (a >= in.n || b >= in.n || a == b) throw Error("réseau : lien invalide (nœud inconnu ou boucle)");
            if (!in.directed && a > b) std::swap(a, b);
            if (!seen.insert({a, b}).second) throw Error("réseau : lien en double");
            if (!std::isfinite(in.weights[e]) || !(in.weights[e] > 0)) throw Error("réseau : poids non positif ou infini");
        }
    }
    NetworkAnalysis out;
    const std::size_t n = in.n;
    out.measures.resize(n);
    out.edge_is_bridge.assign(in.edges.size(), false);
    if (n == 0) return out;
    auto& m = out.measures;

    // The undirected graph under a directed one: each pair once, weights of both directions summed.
    std::vector<std::pair<std::size_t, std::size_t>> u_edges;
    std::vector<double> u_weights;
    std::vector<std::size_t> u_of_edge(in.edges.size());
    {
        std::map<std::pair<std::size_t, std::size_t>, std::size_t> index;
        for (std::size_t e = 0; e < in.edges.size(); ++e) {
            const auto [a, b] = in.edges[e];
            const auto key = std::pair{std::min(a, b), std::max(a, b)};
            const auto [it, inserted] = index.try_emplace(key, u_edges.size());
            if (inserted) {
                u_edges.push_back(key);
                u_weights.push_back(0.0);
            }
            u_weights[it->second] += in.weights[e];
            u_of_edge[e] = it->second;
        }
    }
    const net::Csr und = net::make_csr(n, u_edges, u_weights, true);
    const net::Csr out_g = in.directed ? net::make_csr(n, in.edges, in.weights, false) : und;
    const net::Csr in_g = in.directed ? net::make_csr(n, in.edges, in.weights, false, true) : und;

    for (std::size_t e = 0; e < in.edges.size(); ++e) {
        const auto [a, b] = in.edges[e];
        m[a].strength += in.weights[e];
        m[b].strength += in.weights[e];
        if (in.directed) {
            ++m[a].out_degree;
            ++m[b].in_degree;
        }
    }
    for (std::size_t v = 0; v < n; ++v)
        m[v].degree = in.directed ? m[v].in_degree + m[v].out_degree : static_cast<int>(und.start[v + 1] - und.start[v]);

    // Components of the undirected graph: 1 = largest; ties broken by the smallest node index.
    UGraph ug(n);
    for (std::size_t e = 0; e < u_edges.size(); ++e) boost::add_edge(u_edges[e].first, u_edges[e].second, e, ug);
    std::vector<int> comp(n);
    out.components = boost::connected_components(ug, comp.data());
    std::vector<std::vector<std::size_t>> members(static_cast<std::size_t>(out.components));
    for (std::size_t v = 0; v < n; ++v) members[static_cast<std::size_t>(comp[v])].push_back(v);  // ascending
    std::vector<std::size_t> rank(members.size());
    std::iota(rank.begin(), rank.end(), 0);
    std::sort(rank.begin(), rank.end(), [&](std::size_t a, std::size_t b) {
        return members[a].size() != members[b].size() ? members[a].size() > members[b].size()
                                                       : members[a].front() < members[b].front();
    });
    for (std::size_t r = 0; r < rank.size(); ++r)
        for (std::size_t v : members[rank[r]]) m[v].component = static_cast<int>(r + 1);

    // Cut vertices and bridges from the biconnected components: a link is a bridge when its
    // biconnected component holds that link alone.
    std::vector<std::size_t> bicomp(u_edges.size());
    std::vector<std::size_t> cut;
    boost::biconnected_components(
        ug, boost::make_iterator_property_map(bicomp.begin(), boost::get(boost::edge_index, ug)), std::back_inserter(cut));
    for (std::size_t v : cut) m[v].is_cut_vertex = true;
    std::map<std::size_t, std::size_t> bicomp_size;
    for (std::size_t c : bicomp) ++bicomp_size[c];
    for (std::size_t e = 0; e < in.edges.size(); ++e) out.edge_is_bridge[e] = bicomp_size[bicomp[u_of_edge[e]]] == 1;
    for (std::size_t e = 0; e < u_edges.size(); ++e) out.bridges += bicomp_size[bicomp[e]] == 1;

    // Betweenness, normalised as networkx: 1/((n-1)(n-2)) for directed and undirected graphs
    // alike (the raw sums count each unordered pair twice on an undirected graph); graphs of two
    // nodes or fewer stay unscaled.
    const double scale = n > 2 ? 1.0 / (static_cast<double>(n - 1) * static_cast<double>(n - 2)) : 1.0;
    const auto bet = net::betweenness_raw(out_g, false, threads);
    const auto bet_w = net::betweenness_raw(out_g, true, threads);
    for (std::size_t v = 0; v < n; ++v) {
        m[v].betweenness = bet[v] * scale;
        m[v].betweenness_w = bet_w[v] * scale;
    }
    closeness_harmonic(in_g, m, threads);
    pagerank(out_g, m);
    out.eigenvector_converged = eigenvector(out_g, m);
    clustering(und, m);
    core_numbers(und, m);

    // Communities on the undirected weighted graph; numbered by size, then smallest member.
    const auto [labels, q] = net::best_louvain(und, kLouvainSeed, threads);
    out.modularity = q;
    std::map<std::size_t, std::vector<std::size_t>> groups;
    for (std::size_t v = 0; v < n; ++v)
        if (und.start[v + 1] > und.start[v]) groups[labels[v]].push_back(v);
    std::vector<const std::vector<std::size_t>*> sorted;
    for (const auto& [label, nodes] : groups) sorted.push_back(&nodes);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        return a->size() != b->size() ? a->size() > b->size() : a->front() < b->front();
    });
    for (std::size_t c = 0; c < sorted.size(); ++c)
        for (std::size_t v : *sorted[c]) m[v].community = static_cast<int>(c + 1);
    out.communities = static_cast<int>(sorted.size());
    return out;
}

std::vector<ActorMeasures> compute_measures(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                            const std::vector<double>& weights) {
    return analyse_network(NetworkInput{n, false, edges, weights}).measures;
}

}  // namespace territoire
