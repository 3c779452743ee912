// access_routing.cpp — the routing engine of issue 7 (docs/access.md, section « Réseau piéton »): travel costs from
// origins (population cells) to destinations (places), on a walkable street graph or in a straight
// line.
//
// Network mode, in short:
//  - Vertices are rounded to the centimetre (kCoordinateStep): two vertices in the same centimetre
//    cell are one point. A vertex becomes a graph node when it ends a line or occurs more than once
//    (two lines share it, or a line passes twice); lines are cut there into "chains" (runs of
//    segments between two nodes). Lines that cross without a shared vertex (bridges, tunnels) stay
//    apart, as OpenStreetMap means them to.
//  - Every chain gives up to two directed edges (StreetLine::forward / backward), kept apart so that
//    one-way costs work. Searches run on the REVERSED graph (a Boost compressed_sparse_row_graph)
//    from the destinations: the distance of node n is then the cost of walking n → destination,
//    the direction an inhabitant walks.
//  - A point joins the network at the nearest point of the nearest segment (a Boost.Geometry
//    R-tree of the segments finds it): it sits on its chain at an offset from the chain's first node, and
//    reaches both ends with the partial lengths (a virtual node, never added to the graph). The
//    snap distance is added to every cost. An origin and a destination on the same chain also
//    reach each other directly along the chain.
//  - Dijkstra is boost::dijkstra_shortest_paths_no_init with per-call scratch buffers (a pool,
//    so that const calls are thread-safe), a visitor that stops the search beyond the cost limit,
//    and costs that carry the destination index so that ties go to the smallest index.
#include "access_routing.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/property_map.hpp>

#include "detail/geos.hpp"
#include "territoire/error.hpp"

namespace territoire::access {
namespace {

/// Coordinates are rounded to this step (metres) before vertices are matched.
constexpr double kCoordinateStep = 0.01;
constexpr std::uint32_t kNoIndex = UINT32_MAX;

double distance(const Point& a, const Point& b) { return std::hypot(a.x - b.x, a.y - b.y); }

// ---- a uniform grid over boxes -------------------------------------------------------------------

struct Box {
    double minx, miny, maxx, maxy;
};

/// Items (boxes) listed in every cell of a regular grid that their box meets: the points of the
/// straight-line mode (origins for catchments, the chosen destinations for nearest). With a stray
/// point far from the others the cells grow and a query degrades towards a scan of every point,
/// which stays affordable for points (not for the network's segments: see SegmentTree).
class UniformGrid {
public:
    UniformGrid() = default;

    /// `boxes[k]` belongs to item `items[k]`; `cell` is the cell size (metres, > 0).
    UniformGrid(const std::vector<Box>& boxes, const std::vector<std::uint32_t>& items, double cell) {
        if (boxes.empty()) return;
        Box ext = boxes[0];
        for (const auto& b : boxes) {
            ext.minx = std::min(ext.minx, b.minx);
            ext.miny = std::min(ext.miny, b.miny);
            ext.maxx = std::max(ext.maxx, b.maxx);
            ext.maxy = std::max(ext.maxy, b.maxy);
        }
        const double w = ext.maxx - ext.minx, h = ext.maxy - ext.miny;
        cell_ = std::max(cell, 1e-3);
        // At most about four cells per item (and 2^26 cells in all).
        const double max_cells = std::min(4.0 * static_cast<double>(boxes.size()) + 16.0, 67108864.0);
        while ((std::floor(w / cell_) + 1) * (std::floor(h / cell_) + 1) > max_cells) cell_ *= 1.5;
        x0_ = ext.minx;
        y0_ = ext.miny;
        nx_ = static_cast<std::int64_t>(std::floor(w / cell_)) + 1;
        ny_ = static_cast<std::int64_t>(std::floor(h / cell_)) + 1;
        start_.assign(static_cast<std::size_t>(nx_ * ny_ + 1), 0);
        auto for_cells = [&](const Box& b, auto&& f) {
            const std::int64_t ix0 = col(b.minx), ix1 = col(b.maxx), iy0 = row(b.miny), iy1 = row(b.maxy);
            for (std::int64_t iy = iy0; iy <= iy1; ++iy)
                for (std::int64_t ix = ix0; ix <= ix1; ++ix) f(static_cast<std::size_t>(iy * nx_ + ix));
        };
        for (const auto& b : boxes) for_cells(b, [&](std::size_t c) { ++start_[c + 1]; });
        for (std::size_t c = 1; c < start_.size(); ++c) start_[c] += start_[c - 1];
        items_.resize(start_.back());
        std::vector<std::uint32_t> fill(start_.begin(), start_.end() - 1);
        for (std::size_t k = 0; k < boxes.size(); ++k) for_cells(boxes[k], [&](std::size_t c) { items_[fill[c]++] = items[k]; });
    }

    bool empty() const { return start_.empty(); }
    double cell() const { return cell_; }

    /// Visits the items ring by ring (Chebyshev rings of cells) around (x, y): after ring k,
    /// `done(bound)` is asked whether to stop, where every item not visited yet lies farther than
    /// `bound` from (x, y). An item may be visited more than once.
    template <class Visit, class Done>
    void rings(double x, double y, Visit&& visit, Done&& done) const {
        if (empty()) return;
        const double limit = 1e9;  // keeps far-away points within integer range
        const auto cx = static_cast<std::int64_t>(std::clamp(std::floor((x - x0_) / cell_), -limit, limit));
        const auto cy = static_cast<std::int64_t>(std::clamp(std::floor((y - y0_) / cell_), -limit, limit));
        const std::int64_t dx = cx < 0 ? -cx : (cx >= nx_ ? cx - nx_ + 1 : 0);
        const std::int64_t dy = cy < 0 ? -cy : (cy >= ny_ ? cy - ny_ + 1 : 0);
        const std::int64_t kmin = std::max(dx, dy);
        const std::int64_t kmax = std::max({cx, nx_ - 1 - cx, cy, ny_ - 1 - cy});
        for (std::int64_t k = kmin; k <= kmax; ++k) {
            const std::int64_t y_lo = std::max<std::int64_t>(cy - k, 0), y_hi = std::min(cy + k, ny_ - 1);
            for (std::int64_t iy = y_lo; iy <= y_hi; ++iy) {
                const bool full = iy == cy - k || iy == cy + k;
                const std::int64_t step = full || k == 0 ? 1 : 2 * k;
                for (std::int64_t ix = cx - k; ix <= cx + k; ix += step) {
                    if (ix < 0 || ix >= nx_) continue;
                    visit_cell(static_cast<std::size_t>(iy * nx_ + ix), visit);
                }
            }
            if (done(static_cast<double>(k) * cell_)) return;
        }
    }

    /// Visits the items of every cell that `b` meets.
    template <class Visit>
    void in_box(const Box& b, Visit&& visit) const {
        if (empty() || b.maxx < x0_ || b.maxy < y0_ || b.minx > x0_ + nx_ * cell_ || b.miny > y0_ + ny_ * cell_) return;
        for (std::int64_t iy = row(b.miny); iy <= row(b.maxy); ++iy)
            for (std::int64_t ix = col(b.minx); ix <= col(b.maxx); ++ix) visit_cell(static_cast<std::size_t>(iy * nx_ + ix), visit);
    }

private:
    std::int64_t col(double x) const {
        return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((x - x0_) / cell_)), 0, nx_ - 1);
    }
    std::int64_t row(double y) const {
        return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor((y - y0_) / cell_)), 0, ny_ - 1);
    }
    template <class Visit>
    void visit_cell(std::size_t c, Visit& visit) const {
        for (std::uint32_t k = start_[c]; k < start_[c + 1]; ++k) visit(items_[k]);
    }

    double x0_ = 0, y0_ = 0, cell_ = 1;
    std::int64_t nx_ = 0, ny_ = 0;
    std::vector<std::uint32_t> start_;  // cell c lists items_[start_[c], start_[c + 1])
    std::vector<std::uint32_t> items_;
};

/// A grid over points with about one point per cell.
UniformGrid point_grid(const std::vector<Point>& points, const std::vector<std::uint32_t>& ids) {
    std::vector<Box> boxes;
    boxes.reserve(ids.size());
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    for (std::uint32_t id : ids) {
        const Point& p = points[id];
        boxes.push_back(Box{p.x, p.y, p.x, p.y});
        minx = std::min(minx, p.x), miny = std::min(miny, p.y), maxx = std::max(maxx, p.x), maxy = std::max(maxy, p.y);
    }
    if (boxes.empty()) return {};
    const double area = std::max(maxx - minx, 1.0) * std::max(maxy - miny, 1.0);
    return UniformGrid(boxes, ids, std::sqrt(area / static_cast<double>(boxes.size())));
}

bool finite(const Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// The network's segments in a Boost.Geometry R-tree (bulk-loaded: STR packing), for snapping. A
// tree rather than the uniform grid above: a stray line far from the others (a vertex at 0, 0 in a
// hand-made layer) would make a grid's cells huge and every query slow; the tree does not care.
namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;
using BPoint = bg::model::point<double, 2, bg::cs::cartesian>;
using BSegment = bg::model::segment<BPoint>;
using SegmentValue = std::pair<BSegment, std::uint32_t>;  ///< the segment and its index
using SegmentTree = bgi::rtree<SegmentValue, bgi::rstar<16>>;

// ---- costs with their destination, for ties ------------------------------------------------------

/// A cost and the destination it leads to: ordered by cost, then destination index, so that the
/// multi-source search settles ties on the smallest destination index.
struct Cost {
    double m = kUnreachable;
    std::uint32_t j = kNoIndex;
};
bool operator<(const Cost& a, const Cost& b) { return a.m < b.m || (a.m == b.m && a.j < b.j); }
struct CostLess {
    bool operator()(const Cost& a, const Cost& b) const { return a < b; }
};
struct CostPlus {
    Cost operator()(const Cost& a, double w) const { return Cost{a.m + w, a.j}; }
};

// ---- the graph -----------------------------------------------------------------------------------

struct EdgeLength {
    double m = 0;
};
using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, EdgeLength, boost::no_property,
                                                 std::uint32_t, std::uint32_t>;

/// A run of segments between two nodes, as read from one line.
struct Chain {
    std::uint32_t u = 0, v = 0;          ///< first and last node
    std::uint32_t begin = 0, end = 0;    ///< its vertices: Impl::vertices[begin, end)
    double length = 0;
    bool forward = true;   ///< u → v walkable
    bool backward = true;  ///< v → u walkable
};

/// Where a point joins the network: a chain and the distance along it from the chain's first node.
struct Attach {
    std::uint32_t chain = kNoIndex;
    double offset = 0;
};

struct StopSearch {};

/// Per-call buffers of a search: distances and colours stay at their initial value between calls
/// (only the vertices a search touched are reset), so that a small bounded search costs little.
struct Scratch {
    std::vector<Cost> dist;
    std::vector<boost::default_color_type> color;
    std::vector<std::uint32_t> touched;  ///< vertices discovered by the current search
    std::vector<std::uint8_t> chain_seen;
    std::vector<std::uint32_t> chains;   ///< chains marked in chain_seen
    std::vector<std::uint32_t> sources;
};

struct BoundedVisitor : boost::default_dijkstra_visitor {
    const Cost* dist;
    double limit;
    std::vector<std::uint32_t>* touched;
    BoundedVisitor(const Cost* d, double l, std::vector<std::uint32_t>* t) : dist(d), limit(l), touched(t) {}
    void discover_vertex(std::uint32_t v, const Graph&) const { touched->push_back(v); }
    void examine_vertex(std::uint32_t v, const Graph&) const {
        if (dist[v].m > limit) throw StopSearch{};
    }
};

}  // namespace

struct Router::Impl {
    bool network = false;
    std::vector<Point> origins;
    std::vector<Point> destinations;
    std::vector<Snap> origin_snaps;
    std::vector<Snap> destination_snaps;
    NetworkStats stats;

    // Straight-line mode: the origins, indexed for catchments.
    UniformGrid origin_grid;

    // Network mode.
    std::vector<Point> vertices;        ///< chains' vertices, rounded, one run per chain
    std::vector<double> vertex_offset;  ///< distance along its chain from the chain's first vertex
    std::vector<Chain> chains;
    std::vector<std::uint32_t> node_chain_start, node_chains;  ///< chains meeting at each node
    Graph reversed;                     ///< edge v → u of length L for each walkable u → v
    std::vector<int> chain_component;   ///< 1 = largest piece
    std::vector<Attach> origin_at, destination_at;
    std::vector<std::uint32_t> chain_origin_start, chain_origins;  ///< origins on each chain

    mutable std::mutex pool_mutex;
    mutable std::vector<std::unique_ptr<Scratch>> pool;

    void build(const std::vector<StreetLine>& lines);
    void snap_points(const std::vector<Point>& points, std::vector<Attach>& at, std::vector<Snap>& snaps,
                     const SegmentTree& segments, const std::vector<std::uint32_t>& segment_vertex) const;

    std::unique_ptr<Scratch> acquire() const;
    void release(std::unique_ptr<Scratch> s) const;
    /// Bounded multi-source search on the reversed graph from the destinations `js`: afterwards
    /// s.dist[n] is the cost of n → nearest of them (final where ≤ limit) and s.touched lists the
    /// vertices to reset.
    void search(Scratch& s, const std::vector<std::size_t>& js, double limit) const;
    void reset(Scratch& s) const;
    /// Cost (without the origin's snap distance) from a point at `at` to the searched destinations
    /// through the ends of its chain.
    Cost via_nodes(const Attach& at, const Scratch& s) const;
    /// Cost (without snap distances) from offset `a` to offset `b` along chain `c`, if walkable.
    double along(const Chain& c, double a, double b) const {
        if (b >= a && c.forward) return b - a;
        if (b <= a && c.backward) return a - b;
        return kUnreachable;
    }
    /// Marks the chains meeting the vertices the search reached within `limit` (and `extra`).
    void mark_reached_chains(Scratch& s, double limit, std::uint32_t extra) const;
    /// search() from destination j alone, then mark_reached_chains() with j's own chain.
    void reach_from(Scratch& s, std::size_t j, double limit) const {
        search(s, std::vector<std::size_t>{j}, limit);
        mark_reached_chains(s, limit, destination_at[j].chain);
    }
    /// The part of chain `c` between offsets a ≤ b, as a line (a single point when a = b).
    std::vector<Point> sub_line(const Chain& c, double a, double b) const;
};

// ---- building the network ------------------------------------------------------------------------

namespace {

struct CellKey {
    std::int64_t x, y;
    bool operator==(const CellKey& o) const { return x == o.x && y == o.y; }
};
struct CellKeyHash {
    std::size_t operator()(const CellKey& k) const {
        const auto h = static_cast<std::uint64_t>(k.x) * 0x9E3779B97F4A7C15ULL ^ (static_cast<std::uint64_t>(k.y) + 0x632BE59BD9B4E019ULL);
        return static_cast<std::size_t>(h ^ (h >> 29));
    }
};

std::int64_t to_step(double v) { return std::llround(v / kCoordinateStep); }

}  // namespace

void Router::Impl::build(const std::vector<StreetLine>& lines) {
    // Rounded vertices of each usable line, without consecutive repeats.
    std::vector<std::vector<CellKey>> keyed;
    std::vector<std::size_t> line_of;
    keyed.reserve(lines.size());
    std::unordered_map<CellKey, std::uint32_t, CellKeyHash> occurrences;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const auto& line = lines[l];
        if (!line.forward && !line.backward) continue;
        std::vector<CellKey> keys;
        keys.reserve(line.vertices.size());
        bool ok = true;
        for (const auto& p : line.vertices) {
            if (!finite(p) || std::fabs(p.x) > 1e12 || std::fabs(p.y) > 1e12) {
                ok = false;
                break;
            }
            const CellKey k{to_step(p.x), to_step(p.y)};
            if (keys.empty() || !(keys.back() == k)) keys.push_back(k);
        }
        if (!ok || keys.size() < 2) continue;
        for (const auto& k : keys) ++occurrences[k];
        keyed.push_back(std::move(keys));
        line_of.push_back(l);
    }
    stats.lines = keyed.size();

    // Nodes (line ends and shared vertices) numbered in order of first appearance; chains between them.
    std::unordered_map<CellKey, std::uint32_t, CellKeyHash> node_of;
    auto node = [&](const CellKey& k) {
        const auto [it, inserted] = node_of.emplace(k, static_cast<std::uint32_t>(node_of.size()));
        return it->second;
    };
    auto point_of = [](const CellKey& k) {
        return Point{static_cast<double>(k.x) * kCoordinateStep, static_cast<double>(k.y) * kCoordinateStep};
    };
    for (std::size_t l = 0; l < keyed.size(); ++l) {
        const auto& keys = keyed[l];
        const auto& line = lines[line_of[l]];
        Chain c;
        c.forward = line.forward;
        c.backward = line.backward;
        c.u = node(keys[0]);
        c.begin = static_cast<std::uint32_t>(vertices.size());
        vertices.push_back(point_of(keys[0]));
        vertex_offset.push_back(0);
        for (std::size_t k = 1; k < keys.size(); ++k) {
            const Point p = point_of(keys[k]);
            c.length += distance(vertices.back(), p);
            vertices.push_back(p);
            vertex_offset.push_back(c.length);
            if (k + 1 == keys.size() || occurrences[keys[k]] > 1) {
                c.v = node(keys[k]);
                c.end = static_cast<std::uint32_t>(vertices.size());
                chains.push_back(c);
                stats.length_m += c.length;
                if (k + 1 < keys.size()) {  // the next chain starts here
                    c.u = c.v;
                    c.length = 0;
                    c.begin = static_cast<std::uint32_t>(vertices.size());
                    vertices.push_back(p);
                    vertex_offset.push_back(0);
                }
            }
        }
    }
    const std::size_t n = node_of.size();
    stats.nodes = n;
    if (chains.size() >= kNoIndex || vertices.size() >= kNoIndex) throw Error("réseau de rues trop grand (plus de 4 milliards de segments)");

    // The reversed graph.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    std::vector<EdgeLength> lengths;
    for (const auto& c : chains) {
        if (c.forward) edges.emplace_back(c.v, c.u), lengths.push_back(EdgeLength{c.length});
        if (c.backward) edges.emplace_back(c.u, c.v), lengths.push_back(EdgeLength{c.length});
    }
    stats.edges = edges.size();
    reversed = Graph(boost::edges_are_unsorted_multi_pass, edges.begin(), edges.end(), lengths.begin(), n);

    // Chains meeting at each node.
    node_chain_start.assign(n + 1, 0);
    for (const auto& c : chains) ++node_chain_start[c.u + 1], ++node_chain_start[c.v + 1];
    for (std::size_t i = 1; i <= n; ++i) node_chain_start[i] += node_chain_start[i - 1];
    node_chains.resize(node_chain_start.back());
    {
        std::vector<std::uint32_t> fill(node_chain_start.begin(), node_chain_start.end() - 1);
        for (std::uint32_t k = 0; k < chains.size(); ++k) {
            node_chains[fill[chains[k].u]++] = k;
            node_chains[fill[chains[k].v]++] = k;
        }
    }

    // Connected pieces (ignoring direction), ranked by size, then by their smallest node.
    std::vector<std::uint32_t> parent(n);
    for (std::uint32_t i = 0; i < n; ++i) parent[i] = i;
    auto find = [&](std::uint32_t x) {
        while (parent[x] != x) x = parent[x] = parent[parent[x]];
        return x;
    };
    for (const auto& c : chains) {
        const std::uint32_t a = find(c.u), b = find(c.v);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the root is the smallest node
    }
    std::vector<std::uint32_t> size(n, 0);
    for (std::uint32_t i = 0; i < n; ++i) ++size[find(i)];
    std::vector<std::uint32_t> roots;
    for (std::uint32_t i = 0; i < n; ++i)
        if (find(i) == i) roots.push_back(i);
    std::sort(roots.begin(), roots.end(), [&](std::uint32_t a, std::uint32_t b) { return size[a] != size[b] ? size[a] > size[b] : a < b; });
    std::vector<int> rank(n, 0);
    for (std::size_t r = 0; r < roots.size(); ++r) rank[roots[r]] = static_cast<int>(r + 1);
    chain_component.resize(chains.size());
    for (std::size_t k = 0; k < chains.size(); ++k) chain_component[k] = rank[find(chains[k].u)];
    stats.components = roots.size();
    stats.largest_component_nodes = roots.empty() ? 0 : size[roots[0]];
}

void Router::Impl::snap_points(const std::vector<Point>& points, std::vector<Attach>& at, std::vector<Snap>& snaps,
                               const SegmentTree& segments, const std::vector<std::uint32_t>& segment_vertex) const {
    at.assign(points.size(), Attach{});
    snaps.assign(points.size(), Snap{0, -1});
    if (segments.empty()) return;
    std::vector<SegmentValue> near;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const Point p = points[i];
        if (!finite(p)) throw Error("point d'origine ou de destination sans coordonnées valides");
        // The nearest segment. When several are equally near, the tree's choice (the same for the
        // same data): most such ties are segments sharing the nearest point, a junction, where the
        // choice changes no cost. Asking for the 4 nearest to break ties by index cost 25 % more.
        near.clear();
        segments.query(bgi::nearest(BPoint(p.x, p.y), 1), std::back_inserter(near));
        double best = kUnreachable;
        std::uint32_t best_seg = kNoIndex;
        double best_t = 0;
        for (const auto& [segment, s] : near) {
            const std::uint32_t k = segment_vertex[s];
            const Point a = vertices[k], b = vertices[k + 1];
            const double dx = b.x - a.x, dy = b.y - a.y;
            const double len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
            t = std::clamp(t, 0.0, 1.0);
            const double d = std::hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
            if (d < best || (d == best && s < best_seg)) best = d, best_seg = s, best_t = t;
        }
        const std::uint32_t k = segment_vertex[best_seg];
        // The chain of vertex k: the last chain starting at or before k.
        const auto it = std::upper_bound(chains.begin(), chains.end(), k, [](std::uint32_t v, const Chain& c) { return v < c.begin; });
        const auto chain = static_cast<std::uint32_t>((it - chains.begin()) - 1);
        const double seg = vertex_offset[k + 1] - vertex_offset[k];
        at[i] = Attach{chain, std::min(vertex_offset[k] + best_t * seg, chains[chain].length)};
        snaps[i] = Snap{best, chain_component[chain]};
    }
}

namespace {

/// CSR lists of the points on each chain, in point order.
void group_by_chain(const std::vector<Attach>& at, std::size_t chains, std::vector<std::uint32_t>& start,
                    std::vector<std::uint32_t>& items) {
    start.assign(chains + 1, 0);
    for (const auto& a : at)
        if (a.chain != kNoIndex) ++start[a.chain + 1];
    for (std::size_t c = 1; c <= chains; ++c) start[c] += start[c - 1];
    items.resize(start.back());
    std::vector<std::uint32_t> fill(start.begin(), start.end() - 1);
    for (std::uint32_t i = 0; i < at.size(); ++i)
        if (at[i].chain != kNoIndex) items[fill[at[i].chain]++] = i;
}

}  // namespace

// ---- searches ------------------------------------------------------------------------------------

std::unique_ptr<Scratch> Router::Impl::acquire() const {
    {
        std::lock_guard<std::mutex> lock(pool_mutex);
        if (!pool.empty()) {
            auto s = std::move(pool.back());
            pool.pop_back();
            return s;
        }
    }
    auto s = std::make_unique<Scratch>();
    s->dist.assign(num_vertices(reversed), Cost{});
    s->color.assign(num_vertices(reversed), boost::white_color);
    s->chain_seen.assign(chains.size(), 0);
    return s;
}

void Router::Impl::release(std::unique_ptr<Scratch> s) const {
    std::lock_guard<std::mutex> lock(pool_mutex);
    pool.push_back(std::move(s));
}

void Router::Impl::reset(Scratch& s) const {
    for (std::uint32_t v : s.touched) s.dist[v] = Cost{}, s.color[v] = boost::white_color;
    s.touched.clear();
    for (std::uint32_t c : s.chains) s.chain_seen[c] = 0;
    s.chains.clear();
}

void Router::Impl::search(Scratch& s, const std::vector<std::size_t>& js, double limit) const {
    s.sources.clear();
    auto seed = [&](std::uint32_t node, Cost c) {
        if (!(c.m <= limit) || !(c < s.dist[node])) return;
        if (s.dist[node].m == kUnreachable) s.sources.push_back(node);
        s.dist[node] = c;
    };
    for (std::size_t j : js) {
        const Attach& at = destination_at[j];
        if (at.chain == kNoIndex) continue;
        const Chain& c = chains[at.chain];
        const double snap = destination_snaps[j].distance_m;
        const auto label = static_cast<std::uint32_t>(j);
        // u walks forward to j, v walks back to j; a place right on a node needs no direction.
        if (c.forward || at.offset == 0) seed(c.u, Cost{snap + at.offset, label});
        if (c.backward || at.offset == c.length) seed(c.v, Cost{snap + (c.length - at.offset), label});
    }
    if (s.sources.empty()) return;
    const auto index = get(boost::vertex_index, reversed);
    auto dist = boost::make_iterator_property_map(s.dist.data(), index);
    auto color = boost::make_iterator_property_map(s.color.data(), index);
    try {
        boost::dijkstra_shortest_paths_no_init(reversed, s.sources.begin(), s.sources.end(), boost::dummy_property_map(), dist,
                                               get(&EdgeLength::m, reversed), index, CostLess(), CostPlus(), Cost{0, 0},
                                               BoundedVisitor(s.dist.data(), limit, &s.touched), color);
    } catch (const StopSearch&) {
    }
}

Cost Router::Impl::via_nodes(const Attach& at, const Scratch& s) const {
    const Chain& c = chains[at.chain];
    Cost best;  // a point right on a node reaches it whatever the direction
    if ((c.backward || at.offset == 0) && s.dist[c.u].m < kUnreachable)
        best = std::min(best, Cost{s.dist[c.u].m + at.offset, s.dist[c.u].j});
    if ((c.forward || at.offset == c.length) && s.dist[c.v].m < kUnreachable)
        best = std::min(best, Cost{s.dist[c.v].m + (c.length - at.offset), s.dist[c.v].j});
    return best;
}

void Router::Impl::mark_reached_chains(Scratch& s, double limit, std::uint32_t extra) const {
    auto mark = [&](std::uint32_t c) {
        if (s.chain_seen[c]) return;
        s.chain_seen[c] = 1;
        s.chains.push_back(c);
    };
    for (std::uint32_t v : s.touched) {
        if (!(s.dist[v].m <= limit)) continue;
        for (std::uint32_t k = node_chain_start[v]; k < node_chain_start[v + 1]; ++k) mark(node_chains[k]);
    }
    if (extra != kNoIndex) mark(extra);
}

std::vector<Point> Router::Impl::sub_line(const Chain& c, double a, double b) const {
    auto at = [&](std::uint32_t k, double off) {  // the point of segment k at offset `off`
        const double seg = vertex_offset[k + 1] - vertex_offset[k];
        const double f = seg > 0 ? std::clamp((off - vertex_offset[k]) / seg, 0.0, 1.0) : 0;
        return Point{vertices[k].x + f * (vertices[k + 1].x - vertices[k].x), vertices[k].y + f * (vertices[k + 1].y - vertices[k].y)};
    };
    std::uint32_t k = c.begin;
    while (k + 2 < c.end && vertex_offset[k + 1] <= a) ++k;
    std::vector<Point> line{at(k, a)};
    if (!(b > a)) return line;
    while (k + 2 < c.end && vertex_offset[k + 1] < b) line.push_back(vertices[++k]);
    line.push_back(at(k, b));
    return line;
}

// ---- Router --------------------------------------------------------------------------------------

Router::Router(std::vector<Point> origins, std::vector<Point> destinations) : impl_(new Impl) {
    for (const auto* set : {&origins, &destinations})
        for (const auto& p : *set)
            if (!finite(p)) throw Error("point d'origine ou de destination sans coordonnées valides");
    impl_->origin_snaps.assign(origins.size(), Snap{});
    impl_->destination_snaps.assign(destinations.size(), Snap{});
    std::vector<std::uint32_t> ids(origins.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
    impl_->origin_grid = point_grid(origins, ids);
    impl_->origins = std::move(origins);
    impl_->destinations = std::move(destinations);
}

Router::Router(const std::vector<StreetLine>& lines, std::vector<Point> origins, std::vector<Point> destinations)
    : impl_(new Impl) {
    Impl& im = *impl_;
    im.network = true;
    if (origins.size() >= kNoIndex || destinations.size() >= kNoIndex) throw Error("trop de points à relier au réseau");
    im.build(lines);
    // Segments in an R-tree.
    std::vector<std::uint32_t> segment_vertex;
    std::vector<SegmentValue> values;
    for (const auto& c : im.chains)
        for (std::uint32_t k = c.begin; k + 1 < c.end; ++k) {
            values.emplace_back(BSegment(BPoint(im.vertices[k].x, im.vertices[k].y), BPoint(im.vertices[k + 1].x, im.vertices[k + 1].y)),
                                static_cast<std::uint32_t>(segment_vertex.size()));
            segment_vertex.push_back(k);
        }
    const SegmentTree tree(values.begin(), values.end());
    values = {};
    im.snap_points(origins, im.origin_at, im.origin_snaps, tree, segment_vertex);
    im.snap_points(destinations, im.destination_at, im.destination_snaps, tree, segment_vertex);
    group_by_chain(im.origin_at, im.chains.size(), im.chain_origin_start, im.chain_origins);
    im.origins = std::move(origins);
    im.destinations = std::move(destinations);
}

Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

bool Router::uses_network() const { return impl_->network; }
const NetworkStats& Router::network_stats() const { return impl_->stats; }
const std::vector<Snap>& Router::origin_snaps() const { return impl_->origin_snaps; }
const std::vector<Snap>& Router::destination_snaps() const { return impl_->destination_snaps; }

std::vector<Router::Nearest> Router::nearest(const std::vector<std::size_t>& destinations, double max_m) const {
    const Impl& im = *impl_;
    for (std::size_t j : destinations)
        if (j >= im.destinations.size()) throw Error("destination inconnue : " + std::to_string(j));
    std::vector<Nearest> out(im.origins.size());
    if (!(max_m >= 0)) return out;

    if (!im.network) {
        std::vector<std::uint32_t> ids(destinations.begin(), destinations.end());
        std::sort(ids.begin(), ids.end());
        ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
        const UniformGrid grid = point_grid(im.destinations, ids);
        for (std::size_t i = 0; i < im.origins.size(); ++i) {
            const Point o = im.origins[i];
            Cost best;
            grid.rings(
                o.x, o.y,
                [&](std::uint32_t j) { best = std::min(best, Cost{distance(o, im.destinations[j]), j}); },
                [&](double bound) { return best.m <= bound || bound > max_m; });
            if (best.m <= max_m) out[i] = Nearest{best.m, best.j};
        }
        return out;
    }

    auto scratch = im.acquire();
    Scratch& s = *scratch;
    im.search(s, destinations, max_m);
    std::vector<Cost> best(im.origins.size());
    for (std::size_t i = 0; i < im.origins.size(); ++i)
        if (im.origin_at[i].chain != kNoIndex) {
            const Cost c = im.via_nodes(im.origin_at[i], s);
            best[i] = Cost{c.m + im.origin_snaps[i].distance_m, c.j};
        }
    // An origin and a destination on the same chain also meet along it.
    for (std::size_t j : destinations) {
        const Attach& d = im.destination_at[j];
        if (d.chain == kNoIndex) continue;
        const Chain& c = im.chains[d.chain];
        for (std::uint32_t k = im.chain_origin_start[d.chain]; k < im.chain_origin_start[d.chain + 1]; ++k) {
            const std::uint32_t i = im.chain_origins[k];
            const double m = im.along(c, im.origin_at[i].offset, d.offset);
            if (m == kUnreachable) continue;
            best[i] = std::min(best[i], Cost{(im.destination_snaps[j].distance_m + m) + im.origin_snaps[i].distance_m,
                                             static_cast<std::uint32_t>(j)});
        }
    }
    im.reset(s);
    im.release(std::move(scratch));
    for (std::size_t i = 0; i < out.size(); ++i)
        if (best[i].m <= max_m) out[i] = Nearest{best[i].m, best[i].j};
    return out;
}

std::vector<Router::Reach> Router::catchment(std::size_t j, double max_m) const {
    const Impl& im = *impl_;
    if (j >= im.destinations.size()) throw Error("destination inconnue : " + std::to_string(j));
    std::vector<Reach> out;
    if (!(max_m >= 0)) return out;

    if (!im.network) {
        const Point d = im.destinations[j];
        im.origin_grid.in_box(Box{d.x - max_m, d.y - max_m, d.x + max_m, d.y + max_m}, [&](std::uint32_t i) {
            const double m = distance(im.origins[i], d);
            if (m <= max_m) out.push_back(Reach{i, m});
        });
        std::sort(out.begin(), out.end(), [](const Reach& a, const Reach& b) { return a.origin < b.origin; });
        return out;
    }

    const Attach& dj = im.destination_at[j];
    if (dj.chain == kNoIndex) return out;
    auto scratch = im.acquire();
    Scratch& s = *scratch;
    im.reach_from(s, j, max_m);
    const double snap_j = im.destination_snaps[j].distance_m;
    for (std::uint32_t c : s.chains) {
        for (std::uint32_t k = im.chain_origin_start[c]; k < im.chain_origin_start[c + 1]; ++k) {
            const std::uint32_t i = im.chain_origins[k];
            double m = im.via_nodes(im.origin_at[i], s).m + im.origin_snaps[i].distance_m;
            if (c == dj.chain) {
                const double a = im.along(im.chains[c], im.origin_at[i].offset, dj.offset);
                if (a != kUnreachable) m = std::min(m, (snap_j + a) + im.origin_snaps[i].distance_m);
            }
            if (m <= max_m) out.push_back(Reach{i, m});
        }
    }
    im.reset(s);
    im.release(std::move(scratch));
    std::sort(out.begin(), out.end(), [](const Reach& a, const Reach& b) { return a.origin < b.origin; });
    return out;
}

// ---- isochrones ----------------------------------------------------------------------------------

namespace {

/// Buffers every line and point of `parts` by `buffer_m` and unions the discs and sausages:
/// MultiPolygon WKB, empty WKB when there is nothing. Buffering each part on its own and then
/// running GEOS's cascaded union is about three times faster than buffering the whole collection
/// at once (one noding of every overlapping offset curve) on a street grid, for the same result
/// (bench/bench_access.cpp).
Wkb buffered(const detail::GeosContext& ctx, const std::vector<std::vector<Point>>& parts, double buffer_m) {
    const auto h = ctx.handle();
    if (parts.empty()) return {};
    std::vector<GEOSGeometry*> areas;
    areas.reserve(parts.size());
    try {
        for (const auto& part : parts) {
            GEOSCoordSequence* seq = GEOSCoordSeq_create_r(h, static_cast<unsigned>(part.size()), 2);
            if (!seq) throw Error("GEOS : création d'une séquence impossible : " + ctx.last_error());
            for (unsigned k = 0; k < part.size(); ++k) GEOSCoordSeq_setXY_r(h, seq, k, part[k].x, part[k].y);
            const detail::GeomPtr g = detail::own(
                ctx, part.size() == 1 ? GEOSGeom_createPoint_r(h, seq) : GEOSGeom_createLineString_r(h, seq), "création d'une ligne");
            GEOSGeometry* area = GEOSBuffer_r(h, g.get(), buffer_m, 8);
            if (!area) throw Error("GEOS : tampon d'isochrone impossible : " + ctx.last_error());
            areas.push_back(area);
        }
    } catch (...) {
        for (auto* g : areas) GEOSGeom_destroy_r(h, g);
        throw;
    }
    const detail::GeomPtr coll = detail::own(
        ctx, GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, areas.data(), static_cast<unsigned>(areas.size())),
        "création d'une collection");
    detail::GeomPtr area = detail::own(ctx, GEOSUnaryUnion_r(h, coll.get()), "union des tampons d'isochrone");
    if (GEOSisEmpty_r(h, area.get()) == 1) return {};
    return detail::to_wkb(ctx, detail::to_multipolygon(ctx, std::move(area)).get());
}

}  // namespace

std::vector<Wkb> Router::isochrones(std::size_t j, const std::vector<double>& max_m, double buffer_m) const {
    const Impl& im = *impl_;
    if (j >= im.destinations.size()) throw Error("destination inconnue : " + std::to_string(j));
    if (!(buffer_m > 0)) throw Error("isochrones : la largeur du tampon doit être positive");
    std::vector<Wkb> out(max_m.size());
    if (max_m.empty()) return out;
    const detail::GeosContext ctx;
    const Point d = im.destinations[j];

    if (!im.network) {
        for (std::size_t t = 0; t < max_m.size(); ++t) {
            if (!(max_m[t] >= 0)) continue;
            const auto point = detail::make_point(ctx, d.x, d.y);
            // A disc of the threshold's radius (at least the buffer's, so that 0 gives a visible spot).
            detail::GeomPtr disc = detail::own(ctx, GEOSBuffer_r(ctx.handle(), point.get(), std::max(max_m[t], buffer_m), 16), "disque");
            out[t] = detail::to_wkb(ctx, detail::to_multipolygon(ctx, std::move(disc)).get());
        }
        return out;
    }

    const Attach& dj = im.destination_at[j];
    if (dj.chain == kNoIndex) return out;
    const double limit = *std::max_element(max_m.begin(), max_m.end());
    if (!(limit >= 0)) return out;
    auto scratch = im.acquire();
    Scratch& s = *scratch;
    im.reach_from(s, j, limit);
    const double snap_j = im.destination_snaps[j].distance_m;
    const Point on_street = im.sub_line(im.chains[dj.chain], dj.offset, dj.offset)[0];
    std::vector<std::uint32_t> chains = s.chains;
    std::sort(chains.begin(), chains.end());  // deterministic geometry order
    for (std::size_t t = 0; t < max_m.size(); ++t) {
        const double r = max_m[t];
        if (!(r >= snap_j)) {
            if (r >= 0) out[t] = buffered(ctx, {{d}}, buffer_m);  // only the place itself
            continue;
        }
        std::vector<std::vector<Point>> parts;
        // The place and the way to its street.
        if (snap_j > 0) parts.push_back({d, on_street});
        else parts.push_back({d});
        for (std::uint32_t ci : chains) {
            const Chain& c = im.chains[ci];
            // Reachable intervals of offsets along the chain.
            std::vector<std::pair<double, double>> spans;
            const Cost du = s.dist[c.u], dv = s.dist[c.v];
            if (c.backward && du.m <= r) spans.emplace_back(0.0, std::min(c.length, r - du.m));
            if (c.forward && dv.m <= r) spans.emplace_back(std::max(0.0, c.length - (r - dv.m)), c.length);
            if (ci == dj.chain) {
                const double left = r - snap_j;
                if (c.forward) spans.emplace_back(std::max(0.0, dj.offset - left), dj.offset);
                if (c.backward) spans.emplace_back(dj.offset, std::min(c.length, dj.offset + left));
            }
            std::sort(spans.begin(), spans.end());
            std::vector<std::pair<double, double>> merged;
            for (const auto& sp : spans) {
                if (!merged.empty() && sp.first <= merged.back().second) merged.back().second = std::max(merged.back().second, sp.second);
                else merged.push_back(sp);
            }
            for (const auto& [a, b] : merged)
                if (b > a) parts.push_back(im.sub_line(c, a, b));
        }
        out[t] = buffered(ctx, parts, buffer_m);
    }
    im.reset(s);
    im.release(std::move(scratch));
    return out;
}

}  // namespace territoire::access
