// access_routing.hpp — travel costs from population cells (origins) to places (destinations), on a
// walkable street graph or in a straight line (issue 7, docs/access.md).
//
// Costs are in metres and always origin → destination (an inhabitant walking to a place). The
// nearest-place and catchment searches run backwards from the destinations, so that a graph with
// asymmetric costs (one-way streets, transit, later) keeps the right direction in both 2SFCA steps.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "territoire/model.hpp"

namespace territoire::access {

inline constexpr double kUnreachable = std::numeric_limits<double>::infinity();
inline constexpr std::size_t kNone = SIZE_MAX;

/// One street line in the working CRS (metres), as read from the network source.
struct StreetLine {
    std::vector<Point> vertices;
    bool forward = true;   ///< may be walked from the first vertex to the last
    bool backward = true;  ///< may be walked from the last vertex to the first (walking: both)
};

/// What building the graph found, for the summary and data_quality.
struct NetworkStats {
    std::size_t lines = 0;        ///< street lines used
    std::size_t nodes = 0;        ///< junctions and line ends after splitting at shared vertices
    std::size_t edges = 0;        ///< directed edges (a two-way street segment counts twice)
    std::size_t components = 0;   ///< connected pieces of the network
    std::size_t largest_component_nodes = 0;
    double length_m = 0;          ///< total street length
};

/// How one point joins the network.
struct Snap {
    double distance_m = 0;  ///< point → nearest point of the nearest edge (0 in straight-line mode)
    int component = 0;      ///< network piece of that edge, 1 = largest; 0 in straight-line mode;
                            ///< -1 when the network has no edge at all
};

/// Travel costs in metres between fixed sets of origins and destinations. Const methods are
/// thread-safe (callers may run catchments of different destinations in parallel).
class Router {
public:
    /// Straight-line distances (a project without [network]).
    Router(std::vector<Point> origins, std::vector<Point> destinations);
    /// Network distances: the graph is built from `lines` (split where lines share a vertex);
    /// origins and destinations join it at the nearest point of the nearest edge, and every cost
    /// includes both snap distances.
    Router(const std::vector<StreetLine>& lines, std::vector<Point> origins,
           std::vector<Point> destinations);
    ~Router();
    Router(Router&&) noexcept;
    Router& operator=(Router&&) noexcept;

    bool uses_network() const;
    const NetworkStats& network_stats() const;  ///< all zero in straight-line mode
    const std::vector<Snap>& origin_snaps() const;
    const std::vector<Snap>& destination_snaps() const;

    struct Nearest {
        double cost_m = kUnreachable;
        std::size_t destination = kNone;
    };
    /// For every origin, the cheapest destination among `destinations` (indices into the
    /// destinations given to the constructor) and its cost; kUnreachable (and kNone) when no
    /// destination is reachable within `max_m`. Ties: the smallest destination index.
    std::vector<Nearest> nearest(const std::vector<std::size_t>& destinations, double max_m) const;

    struct Reach {
        std::size_t origin;
        double cost_m;
    };
    /// The origins whose cost to destination `j` is at most `max_m`, sorted by origin index.
    std::vector<Reach> catchment(std::size_t j, double max_m) const;

    /// The areas from which destination `j` is reached within each of `max_m` (ascending), one
    /// MultiPolygon (ISO WKB, working CRS) per threshold, possibly empty: the reachable street
    /// segments (parts of segments included) buffered by `buffer_m`. Straight-line mode: discs.
    std::vector<Wkb> isochrones(std::size_t j, const std::vector<double>& max_m, double buffer_m) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace territoire::access
