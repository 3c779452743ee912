// test_network.cpp — compute_measures (src/network.hpp) on graphs small enough to check by hand,
// then invariants and independent brute-force recomputations on a seeded random graph.
// Expected values follow networkx: betweenness_centrality(G, normalized=True) divides the number
// of shortest paths through v (over unordered pairs) by (n-1)(n-2)/2; closeness_centrality uses
// wf_improved: ((r-1)/Σd)·((r-1)/(n-1)), r = nodes reachable from v including v.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <random>
#include <set>
#include <utility>
#include <vector>

#include "network.hpp"

using territoire::ActorMeasures;
using territoire::compute_measures;
using Edges = std::vector<std::pair<std::size_t, std::size_t>>;

namespace {

std::vector<ActorMeasures> measures(std::size_t n, const Edges& edges) {
    return compute_measures(n, edges, std::vector<double>(edges.size(), 1.0));
}

}  // namespace

TEST_CASE("network: path a-b-c — the middle node carries all betweenness", "[network]") {
    // a=0, b=1, c=2. Only the pair {a, c} has an intermediate (b): raw 1, divided by (2·1)/2 = 1.
    const auto m = measures(3, {{0, 1}, {1, 2}});
    CHECK(m[0].degree == 1);
    CHECK(m[1].degree == 2);
    CHECK(m[2].degree == 1);
    CHECK(m[1].betweenness == Approx(1.0));
    CHECK(m[0].betweenness == Approx(0.0).margin(1e-12));
    CHECK(m[2].betweenness == Approx(0.0).margin(1e-12));
    // closeness(a): distances 1 + 2 = 3, r-1 = 2 → (2/3)·(2/2) = 2/3; closeness(b) = (2/2)·1 = 1.
    CHECK(m[0].closeness == Approx(2.0 / 3.0));
    CHECK(m[1].closeness == Approx(1.0));
    CHECK(m[2].closeness == Approx(2.0 / 3.0));
    CHECK(m[1].is_cut_vertex);
    CHECK_FALSE(m[0].is_cut_vertex);
    CHECK_FALSE(m[2].is_cut_vertex);
    for (const auto& x : m) CHECK(x.component == 1);
}

TEST_CASE("network: star with four leaves — the centre is on every leaf-to-leaf path", "[network]") {
    // Centre 0, leaves 1..4, n = 5. C(4,2) = 6 leaf pairs all pass through 0; divided by (4·3)/2 = 6 → 1.
    const auto m = measures(5, {{0, 1}, {0, 2}, {0, 3}, {0, 4}});
    CHECK(m[0].degree == 4);
    CHECK(m[0].betweenness == Approx(1.0));
    CHECK(m[0].closeness == Approx(1.0));  // distances 1+1+1+1 = 4 → 4/4
    CHECK(m[0].is_cut_vertex);
    for (std::size_t leaf = 1; leaf < 5; ++leaf) {
        CHECK(m[leaf].degree == 1);
        CHECK(m[leaf].betweenness == Approx(0.0).margin(1e-12));
        CHECK(m[leaf].closeness == Approx(4.0 / 7.0));  // distances 1 + 2+2+2 = 7 → 4/7
        CHECK_FALSE(m[leaf].is_cut_vertex);
    }
}

TEST_CASE("network: triangle plus pendant — the attachment node is the only cut vertex", "[network]") {
    // Triangle 0-1-2, pendant 3 on 2. n = 4, pairs through 2: {0,3} and {1,3} → raw 2, / (3·2)/2 = 3 → 2/3.
    const auto m = measures(4, {{0, 1}, {1, 2}, {0, 2}, {2, 3}});
    CHECK(m[0].degree == 2);
    CHECK(m[1].degree == 2);
    CHECK(m[2].degree == 3);
    CHECK(m[3].degree == 1);
    CHECK(m[2].betweenness == Approx(2.0 / 3.0));
    CHECK(m[0].betweenness == Approx(0.0).margin(1e-12));
    CHECK(m[1].betweenness == Approx(0.0).margin(1e-12));
    CHECK(m[3].betweenness == Approx(0.0).margin(1e-12));
    CHECK(m[2].closeness == Approx(1.0));        // 1+1+1 = 3 → 3/3
    CHECK(m[0].closeness == Approx(3.0 / 4.0));  // 1+1+2 = 4 → 3/4
    CHECK(m[3].closeness == Approx(3.0 / 5.0));  // 1+2+2 = 5 → 3/5
    CHECK(m[2].is_cut_vertex);
    CHECK_FALSE(m[0].is_cut_vertex);
    CHECK_FALSE(m[1].is_cut_vertex);
    CHECK_FALSE(m[3].is_cut_vertex);
}

TEST_CASE("network: two components — id 1 is the largest, closeness scaled by the reachable share", "[network]") {
    // {0,1} and the path 2-3-4; n = 5.
    const auto m = measures(5, {{0, 1}, {2, 3}, {3, 4}});
    CHECK(m[2].component == 1);
    CHECK(m[3].component == 1);
    CHECK(m[4].component == 1);
    CHECK(m[0].component == 2);
    CHECK(m[1].component == 2);
    // closeness(3): r-1 = 2, Σd = 2 → (2/2)·(2/4) = 0.5; closeness(2): Σd = 3 → (2/3)·(2/4) = 1/3;
    // closeness(0): r-1 = 1, Σd = 1 → (1/1)·(1/4) = 0.25.
    CHECK(m[3].closeness == Approx(0.5));
    CHECK(m[2].closeness == Approx(1.0 / 3.0));
    CHECK(m[0].closeness == Approx(0.25));
    // betweenness(3): one pair {2,4}, / (4·3)/2 = 6 → 1/6.
    CHECK(m[3].betweenness == Approx(1.0 / 6.0));
    CHECK(m[3].is_cut_vertex);
    CHECK_FALSE(m[0].is_cut_vertex);  // removing an end of a single edge leaves one component
}

TEST_CASE("network: components of equal size are numbered by their smallest node index", "[network]") {
    // Node 0 isolated, {1,2} and {3,4}: both pairs have size 2, {1,2} holds the smaller index.
    // Edges given in reverse order so that discovery order cannot explain the result.
    const auto m = measures(5, {{4, 3}, {2, 1}});
    CHECK(m[1].component == 1);
    CHECK(m[2].component == 1);
    CHECK(m[3].component == 2);
    CHECK(m[4].component == 2);
    CHECK(m[0].component == 3);
}

TEST_CASE("network: an isolated node has degree 0, strength 0, closeness 0, betweenness 0", "[network]") {
    const auto m = measures(3, {{1, 2}});
    CHECK(m[0].degree == 0);
    CHECK(m[0].strength == 0.0);
    CHECK(m[0].closeness == 0.0);
    CHECK(m[0].betweenness == 0.0);
    CHECK_FALSE(m[0].is_cut_vertex);
    CHECK(m[0].component == 2);

    const auto single = measures(1, {});
    REQUIRE(single.size() == 1);
    CHECK(single[0].closeness == 0.0);
    CHECK(single[0].component == 1);
    CHECK(compute_measures(0, {}, {}).empty());
}

TEST_CASE("network: strength is the sum of the weights of a node's links, degree ignores weights", "[network]") {
    // a-b weight 2.5, b-c weight 1.5, a-c weight 0.25.
    const auto m = compute_measures(3, {{0, 1}, {1, 2}, {0, 2}}, {2.5, 1.5, 0.25});
    CHECK(m[0].strength == Approx(2.75));
    CHECK(m[1].strength == Approx(4.0));
    CHECK(m[2].strength == Approx(1.75));
    for (const auto& x : m) CHECK(x.degree == 2);
    // Betweenness is unweighted: in a triangle nobody is between anybody.
    for (const auto& x : m) CHECK(x.betweenness == Approx(0.0).margin(1e-12));
}

// ---- seeded random graph: invariants and brute-force recomputation ----------------------------

namespace {

using Adjacency = std::vector<std::vector<std::size_t>>;

Adjacency adjacency(std::size_t n, const Edges& edges) {
    Adjacency adj(n);
    for (const auto& [a, b] : edges) {
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    return adj;
}

// Number of connected components among nodes not `removed`.
int count_components(const Adjacency& adj, std::size_t removed) {
    const std::size_t n = adj.size();
    std::vector<bool> seen(n, false);
    int count = 0;
    for (std::size_t s = 0; s < n; ++s) {
        if (s == removed || seen[s]) continue;
        ++count;
        std::deque<std::size_t> q{s};
        seen[s] = true;
        while (!q.empty()) {
            const std::size_t u = q.front();
            q.pop_front();
            for (std::size_t v : adj[u])
                if (v != removed && !seen[v]) {
                    seen[v] = true;
                    q.push_back(v);
                }
        }
    }
    return count;
}

// BFS distances and shortest-path counts from s.
void bfs(const Adjacency& adj, std::size_t s, std::vector<int>& dist, std::vector<double>& sigma) {
    dist.assign(adj.size(), -1);
    sigma.assign(adj.size(), 0.0);
    dist[s] = 0;
    sigma[s] = 1;
    std::deque<std::size_t> q{s};
    while (!q.empty()) {
        const std::size_t u = q.front();
        q.pop_front();
        for (std::size_t v : adj[u]) {
            if (dist[v] < 0) {
                dist[v] = dist[u] + 1;
                q.push_back(v);
            }
            if (dist[v] == dist[u] + 1) sigma[v] += sigma[u];
        }
    }
}

}  // namespace

TEST_CASE("network: seeded random graph (60 nodes, p = 0.08) satisfies invariants and brute-force checks",
          "[network]") {
    const std::size_t n = 60;
    std::mt19937 rng(42);
    std::bernoulli_distribution coin(0.08);
    std::uniform_real_distribution<double> weight(0.5, 3.0);
    Edges edges;
    std::vector<double> weights;
    for (std::size_t a = 0; a < n; ++a)
        for (std::size_t b = a + 1; b < n; ++b)
            if (coin(rng)) {
                edges.emplace_back(a, b);
                weights.push_back(weight(rng));
            }
    REQUIRE(edges.size() > 50);
    const auto m = compute_measures(n, edges, weights);
    REQUIRE(m.size() == n);
    const Adjacency adj = adjacency(n, edges);

    // Degrees sum to twice the edge count; strengths to twice the weight total.
    long degree_sum = 0;
    double strength_sum = 0;
    for (const auto& x : m) {
        degree_sum += x.degree;
        strength_sum += x.strength;
    }
    CHECK(degree_sum == static_cast<long>(2 * edges.size()));
    double weight_sum = 0;
    for (double w : weights) weight_sum += w;
    CHECK(strength_sum == Approx(2 * weight_sum));

    for (std::size_t v = 0; v < n; ++v) {
        INFO("node " << v);
        CHECK(m[v].degree == static_cast<int>(adj[v].size()));
        CHECK(m[v].betweenness >= 0.0);
        CHECK(m[v].betweenness <= 1.0);
        CHECK(m[v].closeness >= 0.0);
        CHECK(m[v].closeness <= 1.0);
    }

    // Cut vertices: exactly the nodes whose removal increases the number of components.
    const int base = count_components(adj, n);  // n = remove nothing
    for (std::size_t v = 0; v < n; ++v) {
        INFO("node " << v);
        CHECK(m[v].is_cut_vertex == (count_components(adj, v) > base));
    }

    // Components: ids 1..k, sizes non-increasing with the id, ties ordered by smallest node.
    int k = 0;
    for (const auto& x : m) k = std::max(k, x.component);
    CHECK(k == base);
    std::vector<std::size_t> size(static_cast<std::size_t>(k) + 1, 0), first(static_cast<std::size_t>(k) + 1, n);
    for (std::size_t v = 0; v < n; ++v) {
        REQUIRE(m[v].component >= 1);
        const auto c = static_cast<std::size_t>(m[v].component);
        ++size[c];
        first[c] = std::min(first[c], v);
        for (std::size_t u : adj[v]) CHECK(m[u].component == m[v].component);
    }
    for (std::size_t c = 2; c <= static_cast<std::size_t>(k); ++c) {
        CHECK(size[c - 1] >= size[c]);
        if (size[c - 1] == size[c]) CHECK(first[c - 1] < first[c]);
    }

    // Betweenness and closeness recomputed from all-pairs BFS, networkx formulas.
    std::vector<std::vector<int>> dist(n);
    std::vector<std::vector<double>> sigma(n);
    for (std::size_t s = 0; s < n; ++s) bfs(adj, s, dist[s], sigma[s]);
    const double pairs = static_cast<double>((n - 1) * (n - 2)) / 2.0;
    for (std::size_t v = 0; v < n; ++v) {
        double through = 0;
        for (std::size_t s = 0; s < n; ++s)
            for (std::size_t t = s + 1; t < n; ++t) {
                if (s == v || t == v || dist[s][t] <= 0 || dist[s][v] < 0 || dist[v][t] < 0) continue;
                if (dist[s][v] + dist[v][t] == dist[s][t]) through += sigma[s][v] * sigma[v][t] / sigma[s][t];
            }
        double total = 0;
        std::size_t reached = 1;
        for (std::size_t t = 0; t < n; ++t)
            if (t != v && dist[v][t] > 0) {
                total += dist[v][t];
                ++reached;
            }
        const double r1 = static_cast<double>(reached - 1);
        const double closeness = total > 0 ? (r1 / total) * (r1 / static_cast<double>(n - 1)) : 0.0;
        INFO("node " << v);
        CHECK(m[v].betweenness == Approx(through / pairs).margin(1e-12));
        CHECK(m[v].closeness == Approx(closeness).margin(1e-12));
    }
}

TEST_CASE("network: many isolated nodes — betweenness and closeness normalised by the whole graph's n",
          "[network]") {
    // n = 508: a path of 5, a triangle and 500 isolated nodes. The component members are scattered
    // among the isolated nodes so that local (per-component) and global indices differ.
    // Path a-b-c-d-e = 10-100-200-300-400 (given in path order); triangle 7-250-507.
    const std::size_t n = 508;
    const std::size_t a = 10, b = 100, c = 200, d = 300, e = 400;
    const std::size_t t1 = 7, t2 = 250, t3 = 507;
    const Edges edges{{a, b}, {b, c}, {c, d}, {d, e}, {t1, t2}, {t2, t3}, {t3, t1}};
    const auto m = measures(n, edges);
    REQUIRE(m.size() == n);

    // Betweenness, networkx normalisation: pairs through v over (n-1)(n-2)/2 = 507·506/2 = 128 271.
    // c: {a,d}, {a,e}, {b,d}, {b,e} → 4;  b: {a,c}, {a,d}, {a,e} → 3;  d: symmetric → 3;  ends: 0.
    // Triangle: every pair is adjacent → 0. With the component's own n (5) c would get 4/6 instead.
    const double pairs = 507.0 * 506.0 / 2.0;
    CHECK(pairs == 128271.0);
    CHECK(m[c].betweenness == Approx(4.0 / 128271.0).epsilon(1e-9));
    CHECK(m[b].betweenness == Approx(3.0 / 128271.0).epsilon(1e-9));
    CHECK(m[d].betweenness == Approx(3.0 / 128271.0).epsilon(1e-9));
    CHECK(m[a].betweenness == 0.0);
    CHECK(m[e].betweenness == 0.0);
    for (std::size_t t : {t1, t2, t3}) CHECK(m[t].betweenness == Approx(0.0).margin(1e-15));

    // Closeness: ((r-1)/Σd)·((r-1)/(n-1)), n-1 = 507.
    // Path (r-1 = 4): c Σd = 1+1+2+2 = 6 → (4/6)(4/507) = 16/3042;  b Σd = 1+1+2+3 = 7 → 16/3549;
    //                 a Σd = 1+2+3+4 = 10 → 16/5070.  Triangle (r-1 = 2): Σd = 2 → (2/2)(2/507) = 2/507.
    CHECK(m[c].closeness == Approx(16.0 / 3042.0).epsilon(1e-12));
    CHECK(m[b].closeness == Approx(16.0 / 3549.0).epsilon(1e-12));
    CHECK(m[d].closeness == Approx(16.0 / 3549.0).epsilon(1e-12));
    CHECK(m[a].closeness == Approx(16.0 / 5070.0).epsilon(1e-12));
    CHECK(m[e].closeness == Approx(16.0 / 5070.0).epsilon(1e-12));
    for (std::size_t t : {t1, t2, t3}) CHECK(m[t].closeness == Approx(2.0 / 507.0).epsilon(1e-12));

    // Components: path (5) = 1, triangle (3) = 2, then the 500 isolated nodes by index: 0 → 3,
    // 1 → 4, …; 8 follows 6 (7 is in the triangle) → 10; 506, the last isolated node, → 502.
    for (std::size_t v : {a, b, c, d, e}) CHECK(m[v].component == 1);
    for (std::size_t t : {t1, t2, t3}) CHECK(m[t].component == 2);
    CHECK(m[0].component == 3);
    CHECK(m[6].component == 9);
    CHECK(m[8].component == 10);
    CHECK(m[506].component == 502);

    // Degrees, cut vertices; isolated nodes have every measure at 0.
    CHECK(m[c].degree == 2);
    CHECK(m[a].degree == 1);
    CHECK(m[t1].degree == 2);
    for (std::size_t v : {b, c, d}) CHECK(m[v].is_cut_vertex);
    for (std::size_t v : {a, e, t1, t2, t3}) CHECK_FALSE(m[v].is_cut_vertex);
    std::size_t isolated = 0;
    for (std::size_t v = 0; v < n; ++v) {
        if (m[v].degree != 0) continue;
        ++isolated;
        INFO("node " << v);
        CHECK(m[v].closeness == 0.0);
        CHECK(m[v].betweenness == 0.0);
        CHECK(m[v].strength == 0.0);
        CHECK_FALSE(m[v].is_cut_vertex);
    }
    CHECK(isolated == 500);
}

TEST_CASE("network: two components of two nodes among isolated nodes — closeness scaled by n, no betweenness",
          "[network]") {
    // n = 6: {0,5}, {2,3}, 1 and 4 isolated. A two-node component: Σd = 1, r-1 = 1 → (1/1)·(1/5) = 0.2.
    // Betweenness: nobody is between anybody → 0 (scale 2/(5·4) applies to zeros).
    const auto m = measures(6, {{0, 5}, {2, 3}});
    for (std::size_t v : {0, 5, 2, 3}) {
        INFO("node " << v);
        CHECK(m[v].closeness == Approx(0.2));
        CHECK(m[v].betweenness == 0.0);
    }
    CHECK(m[1].closeness == 0.0);
    CHECK(m[4].closeness == 0.0);
    CHECK(m[0].component == 1);  // {0,5} holds the smallest index
    CHECK(m[5].component == 1);
    CHECK(m[2].component == 2);
    CHECK(m[1].component == 3);
    CHECK(m[4].component == 4);
}

// ---- measures added with the network diagnostic (docs/network.md) -------------------------------

namespace {

territoire::NetworkAnalysis analyse(std::size_t n, const Edges& edges, std::vector<double> weights = {},
                                    bool directed = false, unsigned threads = 0) {
    if (weights.empty()) weights.assign(edges.size(), 1.0);
    return territoire::analyse_network(territoire::NetworkInput{n, directed, edges, weights}, threads);
}

}  // namespace

TEST_CASE("network: harmonic centrality sums inverse distances", "[network]") {
    // Path a-b-c: harmonic(a) = 1/1 + 1/2, harmonic(b) = 1 + 1.
    const auto m = analyse(3, {{0, 1}, {1, 2}}).measures;
    CHECK(m[0].harmonic == Approx(1.5));
    CHECK(m[1].harmonic == Approx(2.0));
    CHECK(m[2].harmonic == Approx(1.5));
}

TEST_CASE("network: triangle plus pendant — clustering, core numbers and the one bridge", "[network]") {
    // 0-1-2 triangle, 3 hangs on 2. Node 2 has 1 triangle out of C(3,2) = 3 neighbour pairs.
    const Edges edges{{0, 1}, {1, 2}, {0, 2}, {2, 3}};
    const auto a = analyse(4, edges);
    CHECK(a.measures[0].clustering == Approx(1.0));
    CHECK(a.measures[1].clustering == Approx(1.0));
    CHECK(a.measures[2].clustering == Approx(1.0 / 3.0));
    CHECK(a.measures[3].clustering == 0.0);
    CHECK(a.measures[0].core_number == 2);
    CHECK(a.measures[2].core_number == 2);
    CHECK(a.measures[3].core_number == 1);
    CHECK(a.edge_is_bridge == std::vector<bool>{false, false, false, true});
}

TEST_CASE("network: PageRank of a star matches its closed form", "[network]") {
    // Centre c, three leaves l: c = 0.85·3l + 0.15/4 and l = 0.85·c/3 + 0.15/4, so
    // c = 0.133125 / 0.2775. networkx stops at Σ|Δ| < 4e-6, hence the margin.
    const auto m = analyse(4, {{0, 1}, {0, 2}, {0, 3}}).measures;
    const double centre = 0.133125 / 0.2775;
    CHECK(m[0].pagerank == Approx(centre).margin(1e-5));
    for (std::size_t leaf = 1; leaf < 4; ++leaf) CHECK(m[leaf].pagerank == Approx((1 - centre) / 3).margin(1e-5));
    double total = 0;
    for (const auto& x : m) total += x.pagerank;
    CHECK(total == Approx(1.0).margin(1e-12));
}

TEST_CASE("network: eigenvector centrality of a complete graph is uniform and unit-length", "[network]") {
    const auto m = analyse(4, {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}}).measures;
    for (const auto& x : m) {
        REQUIRE(x.eigenvector.has_value());
        CHECK(*x.eigenvector == Approx(0.5));
    }
}

TEST_CASE("network: Louvain splits two five-cliques joined by one link", "[network]") {
    Edges edges;
    for (std::size_t base : {0u, 5u})
        for (std::size_t i = 0; i < 5; ++i)
            for (std::size_t j = i + 1; j < 5; ++j) edges.emplace_back(base + i, base + j);
    edges.emplace_back(4, 5);
    const auto a = analyse(10, edges);
    CHECK(a.communities == 2);
    for (std::size_t v = 0; v < 10; ++v) CHECK(a.measures[v].community == (v < 5 ? 1 : 2));  // ties: smallest id first
    // m = 21; each side: 10 internal links, degree sum 21 → Q = 2·(10/21 − (21/42)²).
    CHECK(a.modularity == Approx(2 * (10.0 / 21.0 - 0.25)));
    CHECK(a.edge_is_bridge.back());
}

TEST_CASE("network: directed cycle — in/out degrees and ordered-pair betweenness", "[network]") {
    // 0→1→2→0: each node is the only intermediate of one ordered pair; networkx divides by (n-1)(n-2) = 2.
    const auto m = analyse(3, {{0, 1}, {1, 2}, {2, 0}}, {}, true).measures;
    for (const auto& x : m) {
        CHECK(x.in_degree == 1);
        CHECK(x.out_degree == 1);
        CHECK(x.degree == 2);
        CHECK(x.betweenness == Approx(0.5));
        // Incoming distances 1 and 2: closeness (2/3)·(2/2), harmonic 1 + 1/2.
        CHECK(x.closeness == Approx(2.0 / 3.0));
        CHECK(x.harmonic == Approx(1.5));
    }
}

TEST_CASE("network: weighted betweenness takes 1/weight as a link's length", "[network]") {
    // 0-1-2 with weight 1 each (length 1 + 1 = 2) and a direct 0-2 link of weight 0.4 (length 2.5):
    // by hops the direct link is shortest, by length the path through 1.
    const auto m = analyse(3, {{0, 1}, {1, 2}, {0, 2}}, {1.0, 1.0, 0.4}).measures;
    CHECK(m[1].betweenness == Approx(0.0).margin(1e-12));
    CHECK(m[1].betweenness_w == Approx(1.0));
}

TEST_CASE("network: results are identical bit for bit on one, two or eight threads", "[network]") {
    std::mt19937 rng(99);
    std::uniform_real_distribution<double> weight(0.1, 5.0);
    std::bernoulli_distribution link(0.06);
    Edges edges;
    std::vector<double> weights;
    for (std::size_t i = 0; i < 150; ++i)
        for (std::size_t j = i + 1; j < 150; ++j)
            if (link(rng)) {
                edges.emplace_back(i, j);
                weights.push_back(weight(rng));
            }
    const auto one = analyse(150, edges, weights, false, 1);
    for (unsigned threads : {2u, 8u}) {
        const auto other = analyse(150, edges, weights, false, threads);
        CHECK(other.modularity == one.modularity);
        for (std::size_t v = 0; v < 150; ++v) {
            CHECK(other.measures[v].betweenness == one.measures[v].betweenness);
            CHECK(other.measures[v].betweenness_w == one.measures[v].betweenness_w);
            CHECK(other.measures[v].closeness == one.measures[v].closeness);
            CHECK(other.measures[v].community == one.measures[v].community);
        }
    }
}
